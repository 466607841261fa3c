import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { ContractScenario } from "../../twin-models/schemas/contract.ts";
import { Plant } from "../../twin-models/schemas/plant.ts";
import { parse } from "../../twin-models/validate.ts";
import { closeSweepPools } from "../sweep/pool.ts";
import { runContract } from "./contract.ts";
import { compileContract } from "./model.ts";
import { evaluatePnl, tierTerms } from "./pnl.ts";
import { F, FIELDS, simulateOutcomes } from "./simulate.ts";

/**
 * The contract Monte Carlo against closed forms (contracts-kpi.md §2.3): each check asserts the simulated value
 * lies within its Monte Carlo confidence interval (z = 3, 99.7 %) of the exact value.
 */

const plantA = parse(
  Plant,
  JSON.parse(readFileSync(new URL("../../seeds/case-a-automotive.json", import.meta.url), "utf8")),
  "plant",
);
/** A one-press plant: the first press of Case A. */
const onePress = { ...plantA, cells: [{ ...plantA.cells[0]!, presses: [plantA.cells[0]!.presses[0]!] }] };

function scenario(extra: Record<string, unknown>): ContractScenario {
  return parse(
    ContractScenario,
    {
      kind: "contract",
      name: "closed form",
      plant: "case-a-automotive",
      start: "2027-01-01",
      spares: { source: "stated", fillRate: 1 },
      operations: { customerDowntimeHoursPerPressMonth: 0, plannedMaintenanceHoursPerPressMonth: 0 },
      ...extra,
    },
    "scenario",
  );
}

const mean = (xs: Float64Array): number => xs.reduce((a, x) => a + x, 0) / xs.length;
const se = (xs: Float64Array): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1) / xs.length);
};

function poissonPmf(m: number, k: number): number {
  let p = Math.exp(-m);
  for (let i = 1; i <= k; i++) p *= m / i;
  return p;
}

afterAll(closeSweepPools);

describe("contract Monte Carlo vs closed forms", () => {
  it("one press, exponential failures and repairs: long-run availability μ/(λ + μ)", () => {
    // MTBF 200 h, MTTR 10 h → A = 200 / 210 = 0.952381 (alternating renewal; the press does not age while down).
    const sc = scenario({
      tier: "standard",
      termMonths: 120,
      runs: 400,
      failures: {
        source: "stated",
        mtbfH: 200,
        mttrH: 10,
        repairDistribution: "exponential",
        failureClock: "operating",
      },
    });
    const model = compileContract(sc, onePress);
    const out = simulateOutcomes(model, { seed: 9, runFrom: 0, runTo: sc.runs, pdm: false });
    const pnl = evaluatePnl(model, out, sc, tierTerms("standard", sc), sc.price);
    const exact = 200 / 210;
    expect(Math.abs(mean(pnl.availability) - exact)).toBeLessThan(3 * se(pnl.availability));
    expect(se(pnl.availability)).toBeLessThan(5e-4);
  });

  it("Poisson failure count, fixed repair: exact P(breach) and expected per-hour penalty per month", () => {
    // λ = 1/300 per scheduled hour, S = 620.91 h a month (24 h × 0.85 × 30.44 d), r = 8 h, target 95 %:
    // allowance a = 0.05·S = 31.05 h; breach ⇔ N > ⌊a/r⌋ = 3; penalty = 500 EUR/h × E[(rN − a)⁺] = 500·r·E[(N − a/r)⁺].
    const sc = scenario({
      termMonths: 12,
      runs: 3000,
      price: { monthlyFeePerPressEur: 1e7 },
      sla: {
        availabilityTarget: 0.95,
        window: "month",
        penalty: { form: "per-hour-credit", creditEurPerHour: 500, capShareOfFees: 1 },
      },
      failures: { source: "stated", mtbfH: 300, mttrH: 8, repairDistribution: "fixed", failureClock: "scheduled" },
    });
    const model = compileContract(sc, onePress);
    const out = simulateOutcomes(model, { seed: 4, runFrom: 0, runTo: sc.runs, pdm: false });
    const terms = { ...tierTerms("performance", sc), pdm: false };
    const pnl = evaluatePnl(model, out, sc, terms, sc.price);
    const S = model.scheduledHPerMonth;
    const m = S / 300;
    const a = 0.05 * S;
    const kMax = Math.floor(a / 8);
    let cdf = 0;
    for (let k = 0; k <= kMax; k++) cdf += poissonPmf(m, k);
    const pBreach = 1 - cdf;
    const s = a / 8;
    let loss = m - s;
    for (let k = 0; k <= Math.floor(s); k++) loss += (s - k) * poissonPmf(m, k);
    const penaltyPerMonth = 500 * 8 * loss;
    expect(pBreach).toBeGreaterThan(0.1);
    expect(Math.abs(mean(pnl.breachShare) - pBreach)).toBeLessThan(3 * se(pnl.breachShare));
    const perMonth = Float64Array.from(pnl.penalty, (x) => x / 12);
    expect(Math.abs(mean(perMonth) - penaltyPerMonth)).toBeLessThan(3 * se(perMonth));
  });

  it("waiting for parts matches METRIC: E[hours waiting per month] = Σ EBO × scheduled hours (Little)", () => {
    // 20 presses, Poisson failures (MTBF 400 h), each needing a 500 EUR kit with a 14-day supplier lead time, stocked
    // by the spares model for 90 % availability; a missing kit waits exponentially with mean EBO/(λ(1 − fill)).
    const sc = scenario({
      tier: "standard",
      termMonths: 24,
      runs: 1500,
      spares: { source: "metric", targetAvailability: 0.9, resupplyDays: 2 },
      failures: { source: "stated", mtbfH: 400, mttrH: 6, repairDistribution: "fixed", failureClock: "scheduled" },
    });
    const model = compileContract(sc, plantA);
    expect(model.spares.availability).toBeGreaterThanOrEqual(0.9);
    const out = simulateOutcomes(model, { seed: 12, runFrom: 0, runTo: sc.runs, pdm: false });
    const perRun = new Float64Array(sc.runs);
    for (let r = 0; r < sc.runs; r++) {
      for (let k = 0; k < sc.termMonths; k++) perRun[r] = perRun[r]! + out[(r * sc.termMonths + k) * FIELDS + F.waitH]!;
      perRun[r] = perRun[r]! / sc.termMonths;
    }
    const exact = model.spares.expectedBackorders! * model.scheduledHPerMonth;
    expect(exact).toBeGreaterThan(10);
    expect(Math.abs(mean(perRun) - exact)).toBeLessThan(3 * se(perRun));
  });
});

describe("contract on Case A", () => {
  const sc = parse(
    ContractScenario,
    {
      ...JSON.parse(readFileSync(new URL("../../scenarios/case-a-contract.json", import.meta.url), "utf8")),
      runs: 400,
    },
    "scenario",
  );

  it("is reproducible: the same numbers in this thread and on 2 pool workers", async () => {
    const a = await runContract(sc, plantA, { workers: 0, tornado: false });
    const b = await runContract(sc, plantA, { workers: 2, tornado: false });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = await runContract({ ...sc, seed: sc.seed + 1 }, plantA, { workers: 0, tornado: false });
    expect(c.marginEur.mean).not.toBe(a.marginEur.mean);
  });

  it("reports every figure finite, with standard errors and the stated conventions", async () => {
    const r = await runContract(sc, plantA, { tornadoRuns: 200 });
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity|null/);
    expect(r.marginEur.p10).toBeLessThanOrEqual(r.marginEur.p50);
    expect(r.marginEur.p50).toBeLessThanOrEqual(r.marginEur.p90);
    expect(r.tail.cvar).toBeGreaterThanOrEqual(r.tail.var);
    expect(r.availability.breachProbability.se).toBeGreaterThan(0);
    expect(r.monthly).toHaveLength(sc.termMonths);
    expect(r.conventions.quantiles).toMatch(/non-exceedance/);
    // Tornado: sorted by swing, both directions reported.
    for (let k = 1; k < r.tornado.length; k++)
      expect(r.tornado[k]!.swingEur).toBeLessThanOrEqual(r.tornado[k - 1]!.swingEur);
    expect(r.tornado.map((t) => t.driver)).toContain("part lives");
    // Longer lives never cost margin.
    const lives = r.tornado.find((t) => t.driver === "part lives")!;
    expect(lives.marginHighEur).toBeGreaterThan(lives.marginLowEur);
  });
});

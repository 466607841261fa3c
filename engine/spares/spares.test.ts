import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Plant } from "../../twin-models/schemas/plant.ts";
import { SparesScenario } from "../../twin-models/schemas/spares.ts";
import { parse } from "../../twin-models/validate.ts";
import { MoldtwinError } from "../errors.ts";
import { DAYS_PER_MONTH } from "../units.ts";
import { planSpares } from "./spares.ts";
import { baseStockForFillRate, evaluateBaseStock } from "./stocking.ts";

const read = (rel: string): unknown => JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8"));
const plantA = parse(Plant, read("../../seeds/case-a-automotive.json"), "plant");
const caseA = parse(SparesScenario, read("../../scenarios/case-a-spares.json"), "scenario");

describe("spares on Case A (scenarios/case-a-spares.json)", () => {
  const r = planSpares(caseA, [{ plant: plantA }]);
  const [p95, p99] = r.plans as [(typeof r.plans)[0], (typeof r.plans)[0]];

  it("states the stock for 95 % and 99 % press availability and what it costs", () => {
    expect(p95.label).toBe("95 %");
    expect(p99.label).toBe("99 %");
    expect(p95.targetMet).toBe(true);
    expect(p99.targetMet).toBe(true);
    expect(p95.availability).toBeGreaterThanOrEqual(0.95);
    expect(p99.availability).toBeGreaterThanOrEqual(0.99);
    // The last few points of availability are the dear ones.
    expect(p99.stockValueEur).toBeGreaterThan(1.5 * p95.stockValueEur);
    expect(p99.units).toBeGreaterThan(p95.units);
    for (const p of r.plans) {
      expect(p.annualHoldingCostEur).toBeCloseTo(p.stockValueEur * caseA.holdingRatePerYear, 9);
      const value = p.lines.reduce((a, l) => a + l.stock * l.unitCostEur, 0);
      expect(value).toBeCloseTo(p.stockValueEur, 6);
      expect(p.lines.reduce((a, l) => a + l.stock, 0)).toBe(p.units);
    }
  });

  it("every plan is confirmed by the event simulation: the analytic availability lies in its 95 % CI", () => {
    for (const p of r.plans) {
      const a = p.simulated.availability;
      expect(Math.abs(a.mean - p.availability)).toBeLessThanOrEqual(a.halfWidth);
      expect(a.halfWidth).toBeLessThan(0.01);
      expect(p.confirmed).toBe(true);
    }
  });

  it("wires forecast, lead time and stock into the model: a line with no depot stock is a Poisson base stock", () => {
    // With the depot holding none, a site order waits the full supplier lead time: pipeline Poisson(λ·(T₀ + T_j)).
    const rows = new Map(r.demand.partNumbers.map((d) => [d.partNumber, d]));
    const depotHas = new Set(p95.lines.filter((l) => l.location === r.depot && l.stock > 0).map((l) => l.partNumber));
    let checked = 0;
    for (const l of p95.lines) {
      if (l.location !== "site-a" || depotHas.has(l.partNumber) || l.demandPerMonth === 0) continue;
      const d = rows.get(l.partNumber)!;
      expect(l.demandPerMonth).toBeCloseTo(d.perMonth, 9);
      const leadDays = d.leadTimeDays + caseA.sites[0]!.resupplyDays;
      const poisson = evaluateBaseStock({
        meanLeadTimeDemand: (d.perMonth / DAYS_PER_MONTH) * leadDays,
        baseStock: l.stock,
      });
      expect(l.expectedBackorders).toBeCloseTo(poisson.expectedBackorders, 9);
      expect(l.fillRate).toBeCloseTo(poisson.fillRate, 9);
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it("chooses each part number's forecast by its backtest error, and it beats history-only on the fleet", () => {
    for (const d of r.demand.partNumbers) {
      expect(d.chosen).toBe(d.backtest.conditionMae <= d.backtest.historyMae ? "condition" : "history");
      expect(d.forecast.mean).toHaveLength(12);
    }
    expect(r.demand.backtest.chosenMae).toBeLessThanOrEqual(r.demand.backtest.historyMae);
  });

  it("requisitions buy what the 95 % plan needs beyond the stock on hand, with a reason per line", () => {
    expect(r.requisitionPlan).toBe("95 %");
    const pins = p95.lines.find((l) => l.partNumber === "MT-EJ-P-CLIP-4CAV-AUTO" && l.location === "site-a")!;
    expect(pins.onHand).toBe(6);
    expect(pins.stock).toBeGreaterThan(6);
    const req = r.requisitions.find((q) => q.partNumber === pins.partNumber && q.location === "site-a")!;
    expect(req.quantity).toBe(pins.stock - 6);
    expect(req.valueEur).toBe(req.quantity * req.unitCostEur);
    expect(r.requisitions.reduce((a, q) => a + q.valueEur, 0)).toBeCloseTo(p95.toBuyEur, 6);
    for (const q of r.requisitions) {
      expect(q.quantity).toBeGreaterThan(0);
      expect(q.reason).toMatch(/stock \d+ for 95 % availability \(on hand \d+\); forecast .*\/month/);
      expect(q.expectedDelivery > q.orderDate).toBe(true);
    }
    // The depot's check ring is not needed there by the plan: reported as excess, not silently dropped.
    expect(r.excess).toContainEqual({
      partNumber: "MT-CR-S-E110-ALL-ELECTRIC",
      location: "depot-central",
      onHand: 1,
      needed: 0,
    });
  });

  it("simulated lead-time demand: the condition-based months pro rata, and the fill-rate stock it needs", () => {
    for (const d of r.demand.partNumbers) {
      const l = d.leadTimeDemand;
      expect(l.leadTimeDays).toBe(d.leadTimeDays + caseA.sites[0]!.resupplyDays);
      expect(l.poissonMean).toBeCloseTo((d.perMonth / DAYS_PER_MONTH) * l.leadTimeDays, 9);
      // E[demand in L days] = whole months' means + the fraction of the next (binomial thinning), ± 4 SE.
      const span = l.leadTimeDays / DAYS_PER_MONTH;
      const whole = Math.floor(span);
      let expected = (span - whole) * d.condition.mean[whole]!;
      for (let m = 0; m < whole; m++) expected += d.condition.mean[m]!;
      const se = Math.sqrt((l.simulated.varianceToMean * Math.max(l.simulated.mean, 1e-9)) / caseA.runs);
      expect(Math.abs(l.simulated.mean - expected)).toBeLessThanOrEqual(4 * se + 1e-9);
      for (const f of l.fillRateStock) {
        if (l.poissonMean === 0) expect(f.poisson).toBe(0);
        else
          expect(f.poisson).toBe(
            baseStockForFillRate({ meanLeadTimeDemand: l.poissonMean, targetFillRate: f.target }).baseStock,
          );
      }
      expect(l.fillRateStock[1]!.simulated).toBeGreaterThanOrEqual(l.fillRateStock[0]!.simulated);
    }
    // A screw due for its planned replacement within the lead time: near-certain demand of one, no Poisson spread.
    const dueScrew = r.demand.partNumbers.find((d) => d.leadTimeDemand.simulated.varianceToMean < 0.2);
    expect(dueScrew?.partNumber).toMatch(/^MT-SB-N-/);
  });

  it("draws a cost curve that rises with stock value up to the highest target", () => {
    expect(r.curve[0]!.costEur).toBe(0);
    for (let n = 1; n < r.curve.length; n++)
      expect(r.curve[n]!.costEur).toBeGreaterThanOrEqual(r.curve[n - 1]!.costEur);
    expect(r.curve[r.curve.length - 1]!.availability).toBeGreaterThanOrEqual(0.99);
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
  });
});

describe("spares: reproducible, budgets and bad input", () => {
  const small = parse(
    SparesScenario,
    { ...(read("../../scenarios/case-a-spares.json") as object), runs: 60, simulation: { days: 365, replications: 4 } },
    "scenario",
  );

  it("the same scenario and seed give the same numbers; another seed other ones", () => {
    const a = JSON.stringify(planSpares(small, [{ plant: plantA }]));
    expect(JSON.stringify(planSpares(small, [{ plant: plantA }]))).toBe(a);
    expect(JSON.stringify(planSpares({ ...small, seed: small.seed + 1 }, [{ plant: plantA }]))).not.toBe(a);
  });

  it("a budget plan stays within the budget and the requisitions follow it", () => {
    const r = planSpares({ ...small, budgetEur: 15_000, requisitionTarget: undefined }, [{ plant: plantA }]);
    const b = r.plans[r.plans.length - 1]!;
    expect(b.label).toBe("budget 15,000 EUR");
    expect(b.stockValueEur).toBeLessThanOrEqual(15_000);
    expect(b.stopReason).toBe("budget");
    expect(r.requisitionPlan).toBe(b.label);
    expect(r.requisitions[0]!.reason).toMatch(/in the budget 15,000 EUR plan/);
  });

  it("refuses a requisition target that is not one of the targets, naming the field", () => {
    try {
      planSpares({ ...small, requisitionTarget: 0.97 }, [{ plant: plantA }]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MoldtwinError);
      expect((e as MoldtwinError).code).toBe("TWIN_ERR_VALIDATION");
      expect((e as MoldtwinError).details[0]!.field).toBe("scenario.requisitionTarget");
    }
  });
});

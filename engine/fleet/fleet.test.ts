import { describe, expect, it } from "vitest";
import type { ComponentCard } from "../../twin-models/schemas/component.ts";
import { ForecastScenario, PdmScenario } from "../../twin-models/schemas/forecast.ts";
import { parse } from "../../twin-models/validate.ts";
import { exponential, type LifeDistribution, weibull } from "../reliability/distributions.ts";
import { DAYS_PER_MONTH } from "../units.ts";
import type { ComponentLife } from "../wear/component.ts";
import type { Duty } from "../wear/duty.ts";
import { addDays } from "./calendar.ts";
import type { Fleet } from "./fleet.ts";
import { forecast } from "./forecast.ts";
import { backtest } from "./pdmBacktest.ts";

/**
 * The fleet Monte Carlo against renewal theory on parts whose answers are known in closed form, independent of
 * the wear library: a fresh Weibull part fails within H with probability F(H); an exponential part sees λ·H
 * renewals on average (Poisson process); the remaining life of a fresh part has the life distribution's median.
 */

const AS_OF = "2026-11-22";
const HOURS_PER_DAY = 24;
const HOURS_PER_MONTH = HOURS_PER_DAY * DAYS_PER_MONTH;

function part(life: LifeDistribution, opts: { perPress?: number; pfH?: number; noiseSd?: number } = {}): ComponentLife {
  const card = {
    id: "test-part",
    name: "test part",
    kind: "check-ring",
    partNumber: "TP-1",
    perPress: opts.perPress ?? 1,
    partCostEur: 100,
    labourHours: 2,
    plannedDowntimeH: 2,
    unplannedDowntimeH: 12,
    leadTimeDays: 5,
  } as unknown as ComponentCard;
  const pfH = opts.pfH;
  return {
    card,
    life,
    signature: {
      name: "wear",
      unit: "1",
      newValue: 0,
      failureValue: 1,
      noiseSd: opts.noiseSd ?? 0.02,
      alertValue: 0.9,
    },
    // Linear degradation (a/L), or flat until a P–F interval of pfH hours and then a linear rise.
    signalKind: pfH === undefined ? "drift" : "pf",
    signatureAt: (ageH, lifeH) => (pfH === undefined ? ageH / lifeH : Math.max(0, 1 - Math.max(0, lifeH - ageH) / pfH)),
    adjustmentsAt: () => ({}),
  };
}

function fleetOf(p: ComponentLife, commissionedDaysAgo = 0): Fleet {
  return {
    plantId: "test",
    tenant: "test",
    operatingHoursPerDay: HOURS_PER_DAY,
    presses: [
      {
        index: 0,
        id: "p1",
        name: "P1",
        cellId: "c1",
        machine: "m",
        mold: "m",
        material: "m",
        commissionedOn: addDays(AS_OF, -commissionedDaysAgo),
        duty: {} as Duty,
        components: [p],
      },
    ],
  };
}

const scenario = (o: Record<string, unknown>) =>
  parse(ForecastScenario, { kind: "forecast", name: "t", plant: "test", asOf: AS_OF, utilisation: 1, ...o }, "s");

describe("fleet forecast: Monte Carlo against renewal theory", () => {
  it("a fresh Weibull part fails within the horizon with probability F(H); its RUL median is the life median", () => {
    const life = weibull(1000, 2);
    const r = forecast(fleetOf(part(life)), scenario({ horizonMonths: 1, runs: 20_000, seed: 3 }));
    const c = r.components[0]!;
    const p = life.cdf(HOURS_PER_MONTH);
    const se = Math.sqrt((p * (1 - p)) / 20_000);
    expect(Math.abs(c.failureProbability - p)).toBeLessThan(4 * se);
    expect(c.remainingLifeH.p50 / life.quantile(0.5)).toBeCloseTo(1, 1);
    expect(c.remainingLifeH.p10).toBeLessThan(c.remainingLifeH.p50);
    expect(c.remainingLifeH.p50).toBeLessThan(c.remainingLifeH.p90);
  });

  it("a recorded replacement is the part's last: it has survived, so P(fail ≤ H) = 1 − R(a + H)/R(a)", () => {
    const life = weibull(1000, 3);
    const ageDays = 25;
    const sc = scenario({
      horizonMonths: 1,
      runs: 20_000,
      replacements: [{ press: "p1", component: "test-part", replacedOn: addDays(AS_OF, -ageDays) }],
    });
    const c = forecast(fleetOf(part(life), 400), sc).components[0]!;
    const a = ageDays * HOURS_PER_DAY;
    const p = 1 - life.sf(a + HOURS_PER_MONTH) / life.sf(a);
    expect(Math.abs(c.failureProbability - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / 20_000));
    expect(c.currentAgeH).toBeCloseTo(a, 6);
    expect(c.ageKnown).toBe(true);
  });

  it("an exponential part renews λ·H times on average, evenly over the months (Poisson process)", () => {
    const lambda = 1 / 500;
    const r = forecast(fleetOf(part(exponential(lambda)), 400), scenario({ horizonMonths: 6, runs: 20_000 }));
    const c = r.components[0]!;
    const expected = lambda * 6 * HOURS_PER_MONTH;
    expect(Math.abs(c.expectedFailures - expected)).toBeLessThan(4 * Math.sqrt(expected / 20_000));
    for (const m of c.expectedFailuresPerMonth) expect(m / (expected / 6)).toBeCloseTo(1, 1);
    // Memoryless: no preventive replacement pays off (β = 1).
    expect(c.preventive.optimalAgeH).toBeNull();
  });

  it("sockets fail independently: P(any of 4) = 1 − (1 − F)^4", () => {
    const life = weibull(1000, 2);
    const r = forecast(fleetOf(part(life, { perPress: 4 })), scenario({ horizonMonths: 1, runs: 20_000 }));
    const p = 1 - (1 - life.cdf(HOURS_PER_MONTH)) ** 4;
    expect(r.components[0]!.failureProbability).toBeCloseTo(p, 2);
  });

  it("a condition reading moves the remaining life: half-worn at a known age leaves about that age again", () => {
    const life = weibull(3000, 3);
    const ageDays = 50;
    const sc = scenario({
      horizonMonths: 3,
      runs: 20_000,
      replacements: [{ press: "p1", component: "test-part", replacedOn: addDays(AS_OF, -ageDays) }],
      condition: [{ press: "p1", component: "test-part", value: 0.5 }],
    });
    const c = forecast(fleetOf(part(life), 400), sc).components[0]!;
    expect(c.condition?.effectiveRuns).toBeGreaterThan(100);
    expect(c.remainingLifeH.p50 / (ageDays * HOURS_PER_DAY)).toBeCloseTo(1, 1);
    const prior = forecast(fleetOf(part(life), 400), { ...sc, condition: [] }).components[0]!;
    expect(Math.abs(prior.remainingLifeH.p50 - c.remainingLifeH.p50)).toBeGreaterThan(200);
  });

  it("age replacement at the cost optimum lowers the expected cost of a wear-out part", () => {
    const r = forecast(fleetOf(part(weibull(800, 3.5)), 300), scenario({ horizonMonths: 12, runs: 4000 }));
    const c = r.components[0]!;
    expect(c.preventive.optimalAgeH).not.toBeNull();
    expect(c.expectedCostEur.withPreventive).toBeLessThan(c.expectedCostEur.asIs);
    expect(c.withPreventive.expectedFailures).toBeLessThan(c.expectedFailures);
    expect(r.workOrders.length).toBeGreaterThan(0);
    expect(r.workOrders[0]!.dueDate >= AS_OF).toBe(true);
  });

  it("is reproducible: same seed, same numbers; another seed, other numbers", () => {
    const sc = scenario({ horizonMonths: 6, runs: 500, seed: 9 });
    const a = forecast(fleetOf(part(weibull(2000, 2.5)), 700), sc);
    const b = forecast(fleetOf(part(weibull(2000, 2.5)), 700), sc);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = forecast(fleetOf(part(weibull(2000, 2.5)), 700), { ...sc, seed: 10 });
    expect(c.components[0]!.expectedFailures).not.toBe(a.components[0]!.expectedFailures);
  });
});

const pdm = (o: Record<string, unknown>) =>
  parse(PdmScenario, { kind: "pdm-backtest", name: "t", plant: "test", utilisation: 1, ...o }, "s");

describe("PdM backtest scoring", () => {
  it("a clean linear wear signal alerted at 90 % of life scores every failure with lead ≈ 10 % of life", () => {
    const life = weibull(2000, 4);
    const fleet = fleetOf(part(life, { perPress: 8, noiseSd: 0.005 }));
    // Level rule alone (trend horizon 1 h): the alert comes when the wear reaches 0.9 of its limit.
    const level = backtest(fleet, pdm({ years: 3, seed: 2, detector: { targetLeadH: 1 } }));
    expect(level.counts.failures).toBeGreaterThan(50);
    expect(level.hitRate).toBeGreaterThan(0.97);
    expect(level.precision).toBeGreaterThan(0.97);
    // The EWMA lags a ramp by (1 − λ)/λ samples (Lucas & Saccucci 1990): 4 × 8 h at λ = 0.2.
    const lagH = (8 * (1 - 0.2)) / 0.2;
    const levelRatio = (level.lead.medianH + lagH) / (0.1 * life.quantile(0.5));
    expect(levelRatio).toBeGreaterThan(0.9);
    expect(levelRatio).toBeLessThan(1.1);
    // With the trend rule, the projection reaches the limit 480 h ahead first: leads ≈ the target lead.
    const trend = backtest(fleet, pdm({ years: 3, seed: 2, detector: { targetLeadH: 480 } }));
    expect(trend.hitRate).toBeGreaterThan(0.97);
    expect(trend.lead.medianH / 480).toBeGreaterThan(0.9);
    expect(trend.lead.medianH / 480).toBeLessThan(1.1);
  });

  it("a P–F rise shorter than the minimum lead cannot be hit: alerts come late, none count as hits", () => {
    const r = backtest(fleetOf(part(weibull(1500, 2), { perPress: 4, pfH: 12 })), pdm({ years: 2, minLeadH: 24 }));
    expect(r.counts.failures).toBeGreaterThan(20);
    expect(r.hitRate).toBe(0);
    expect(r.counts.hits).toBe(0);
  });

  it("pure noise with no wear raises only false alerts", () => {
    const flat = { ...part(weibull(1e9, 2), { noiseSd: 0.3 }), signatureAt: () => 0 };
    const r = backtest(fleetOf(flat), pdm({ years: 5, detector: { sigmaMultiple: 1 } }));
    expect(r.counts.failures).toBe(0);
    expect(r.counts.trueAlerts).toBe(0);
    expect(r.precision).toBe(0);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MoldtwinError } from "../errors.ts";
import { exponential, lognormal, weibull } from "./distributions.ts";
import { brentMinimize } from "./numeric.ts";
import {
  ageReplacementCostRate,
  costRateCurve,
  minimalRepairCostRate,
  minimalRepairPeriodic,
  optimalAgeReplacement,
} from "./replacement.ts";

describe("optimalAgeReplacement", () => {
  // ReliaWiki "Optimum Replacement Time Example" (BlockSim; Weibull β = 2.5, η = 1000 h, C_U = $5, C_P = $1),
  // reproduced by `reliability` (docs "Optimal replacement time.rst": "The minimum cost per unit time is 0.0035,
  // the optimal replacement time is 493.19"; tests/test_Repairable_systems.py: ORT = 493.1851185118512,
  // min_cost = 0.0034620429189943167). `reliability` takes the best point of linspace(1, 3000, 10000), a grid
  // of step 0.29993 h, so its ORT is only good to ±0.15 h; its cost is flat there to ~5e-8.
  const dist = weibull(1000, 2.5);
  const r = optimalAgeReplacement(dist, 1, 5);

  it("finds the continuous optimum inside reliability's grid cell, at a cost no higher than the grid's", () => {
    expect(r.finite).toBe(true);
    expect(Math.abs(r.optimalAge! - 493.1851185118512)).toBeLessThanOrEqual(0.5 * (2999 / 9999));
    expect(r.optimalAge!.toFixed(0)).toBe("493");
    expect(r.costRate).toBeLessThanOrEqual(0.0034620429189943167);
    expect(Math.abs(r.costRate - 0.0034620429189943167) / 0.0034620429189943167).toBeLessThan(1e-7);
    expect(r.costRate.toPrecision(2)).toBe("0.0035");
  });

  it("evaluates CPUT at reliability's grid optimum to reliability's printed min_cost", () => {
    const c = ageReplacementCostRate(dist, 1, 5, 493.1851185118512);
    expect(Math.abs(c - 0.0034620429189943167) / 0.0034620429189943167).toBeLessThan(1e-10);
  });

  it("agrees with a direct 1-D minimisation of CPUT and reports run-to-failure and savings", () => {
    const direct = brentMinimize((t) => ageReplacementCostRate(dist, 1, 5, t), 100, 2000, 1e-9);
    expect(r.optimalAge!).toBeCloseTo(direct.x, 3);
    expect(r.costRate).toBeLessThanOrEqual(direct.fx * (1 + 1e-14));
    // run to failure: C_U / MTTF, MTTF = 1000·Γ(1.4) = 887.2638175…
    expect(r.runToFailureCostRate).toBeCloseTo(5 / 887.2638175473694, 12);
    expect(r.savingFraction).toBeCloseTo(1 - r.costRate / r.runToFailureCostRate, 14);
  });

  it("runs to failure when C_P ≥ C_U or the hazard does not increase", () => {
    const a = optimalAgeReplacement(dist, 5, 5);
    expect(a.finite).toBe(false);
    expect(a.optimalAge).toBeNull();
    expect(a.costRate).toBe(a.runToFailureCostRate);
    expect(optimalAgeReplacement(weibull(1000, 0.8), 1, 5).finite).toBe(false);
    expect(optimalAgeReplacement(weibull(1000, 1), 1, 5).finite).toBe(false);
    const e = optimalAgeReplacement(exponential(0.01), 1, 5);
    expect(e.finite).toBe(false);
    expect(e.costRate).toBeCloseTo(0.05, 14);
  });

  it("handles a non-monotone hazard (lognormal) by comparing every local optimum with running to failure", () => {
    const d = lognormal(7, 0.5);
    const res = optimalAgeReplacement(d, 1, 5);
    expect(res.finite).toBe(true);
    const direct = brentMinimize((t) => ageReplacementCostRate(d, 1, 5, t), 100, 3000, 1e-9);
    expect(res.costRate).toBeLessThanOrEqual(direct.fx * (1 + 1e-12));
  });

  it("property: the reported cost rate is no worse than any age on a grid (Weibull β in [1.3, 6])", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1.3, max: 6, noNaN: true }),
        fc.double({ min: 10, max: 1e5, noNaN: true }),
        fc.double({ min: 0.01, max: 0.8, noNaN: true }),
        (beta, alpha, ratio) => {
          const d = weibull(alpha, beta);
          const res = optimalAgeReplacement(d, ratio, 1);
          expect(res.savingFraction).toBeGreaterThanOrEqual(0);
          // β near 1 with C_P near C_U puts the optimum past the 1 − 1e-9 quantile: reported as run to failure.
          if (!res.finite) expect(res.reason).toMatch(/quantile/);
          const ages = Array.from({ length: 40 }, (_, i) => alpha * 0.05 * (i + 1));
          for (const { costRate } of costRateCurve(d, ratio, 1, ages)) {
            expect(res.costRate).toBeLessThanOrEqual(costRate * (1 + 1e-9));
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it("costRateCurve returns points in input order and refuses ages ≤ 0", () => {
    const c = costRateCurve(dist, 1, 5, [800, 200, 493]);
    expect(c.map((p) => p.age)).toEqual([800, 200, 493]);
    expect(c[2]!.costRate).toBeCloseTo(ageReplacementCostRate(dist, 1, 5, 493), 14);
    try {
      costRateCurve(dist, 1, 5, [0]);
      expect.unreachable();
    } catch (e) {
      expect((e as MoldtwinError).code).toBe("TWIN_ERR_VALIDATION");
    }
  });
});

describe("minimalRepairPeriodic", () => {
  it("closed form T* = α(C_P/(C_U(β−1)))^(1/β) minimises C(T)", () => {
    const r = minimalRepairPeriodic(1000, 2.5, 1, 5);
    expect(r.optimalInterval!).toBeCloseTo(1000 * (1 / 7.5) ** 0.4, 10);
    const direct = brentMinimize((t) => minimalRepairCostRate(1000, 2.5, 1, 5, t), 10, 5000, 1e-10);
    expect(r.optimalInterval!).toBeCloseTo(direct.x, 4);
    expect(r.costRate).toBeCloseTo(minimalRepairCostRate(1000, 2.5, 1, 5, r.optimalInterval!), 15);
  });

  it("reproduces reliability's q = 1 numbers once its swapped costs are undone (reliability.md §1.8)", () => {
    // reliability's optimal_replacement_time(cost_PM=1, cost_CM=5, α=1000, β=2.5, q=1) computes
    // (cost_PM·(t/α)^β + cost_CM)/t: our model with C_P = 5, C_U = 1. Its test values: ORT 1618.644582767346,
    // min_cost 0.0051483404213951.
    const r = minimalRepairPeriodic(1000, 2.5, 5, 1);
    expect(r.optimalInterval!).toBeCloseTo(1618.644582767346, 9);
    expect(r.costRate).toBeCloseTo(0.0051483404213951, 15);
  });

  it("never replaces when β ≤ 1", () => {
    const one = minimalRepairPeriodic(1000, 1, 1, 5);
    expect(one.finite).toBe(false);
    expect(one.optimalInterval).toBeNull();
    expect(one.costRate).toBeCloseTo(0.005, 15);
    expect(minimalRepairPeriodic(1000, 0.7, 1, 5).costRate).toBe(0);
  });
});

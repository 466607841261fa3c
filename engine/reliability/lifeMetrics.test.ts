import { describe, expect, it } from "vitest";
import { exponential, gammaDistribution, type LifeDistribution, lognormal, normal, weibull } from "./distributions.ts";
import { bLife, conditionalReliability, meanResidualLife, mttf } from "./lifeMetrics.ts";
import { integrate } from "./numeric.ts";

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

const CASES: LifeDistribution[] = [
  weibull(51.858, 2.80086),
  weibull(30, 0.8, 5),
  exponential(0.01),
  lognormal(6.564, 0.534),
  normal(46, 18),
  gammaDistribution(2.95, 3.58),
];

describe("life metrics (reliability.md §1.4)", () => {
  it("B10 of the §4.2 Weibull: α·(−ln 0.9)^(1/β)", () => {
    const d = weibull(51.858, 2.80086);
    expect(rel(bLife(d, 0.1), 51.858 * (-Math.log(0.9)) ** (1 / 2.80086))).toBeLessThan(1e-15);
    // MTTF = α·Γ(1 + 1/β) + γ
    expect(rel(mttf(weibull(10, 2, 4)), 4 + 5 * Math.sqrt(Math.PI))).toBeLessThan(1e-14);
  });

  for (const d of CASES) {
    it(`${d.name}: MRL(t) = ∫_t^∞ R / R(t) (closed form vs quadrature), MRL(start) = mean − start`, () => {
      const start = d.name === "normal" ? -1e3 : 0;
      expect(rel(meanResidualLife(d, start), d.mean() - start)).toBeLessThan(1e-9);
      for (const p of [0.2, 0.6, 0.95]) {
        const t = d.quantile(p);
        const q = integrate((x) => d.sf(x), t, Number.POSITIVE_INFINITY, 1e-12) / d.sf(t);
        expect(rel(meanResidualLife(d, t), q)).toBeLessThan(1e-7);
      }
    });
  }

  it("MRL of the exponential is 1/λ at any age (memoryless); conditional reliability too", () => {
    const d = exponential(0.01);
    for (const t of [0, 50, 1e4]) expect(rel(meanResidualLife(d, t), 100)).toBeLessThan(1e-12);
    expect(rel(conditionalReliability(d, 500, 30), Math.exp(-0.3))).toBeLessThan(1e-14);
  });

  it("conditional reliability R(t + x)/R(t), finite where R(t) underflows", () => {
    const d = weibull(100, 3);
    expect(rel(conditionalReliability(d, 80, 20), d.sf(100) / d.sf(80))).toBeLessThan(1e-14);
    const far = conditionalReliability(d, 5000, 1);
    expect(far).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(far)).toBe(true);
    expect(Number.isFinite(meanResidualLife(d, 5000))).toBe(true);
  });
});

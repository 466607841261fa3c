import { describe, expect, it } from "vitest";
import type { MoldtwinError } from "../errors.ts";
import {
  distributionFromParams,
  exponential,
  gammaDistribution,
  type LifeDistribution,
  lognormal,
  normal,
  weibull,
} from "./distributions.ts";
import { integrate } from "./numeric.ts";

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

const CASES: [string, LifeDistribution][] = [
  ["weibull2p", weibull(23.0653, 1.57474)],
  ["weibull3p", weibull(30, 0.8, 5)],
  ["exponential", exponential(0.0379747)],
  ["lognormal", lognormal(6.564, 0.534)],
  ["normal", normal(46.07, 18.22)],
  ["gamma", gammaDistribution(2.9519, 3.5765)],
];

describe("life distributions (reliability docs 'Equations of supported distributions')", () => {
  for (const [label, d] of CASES) {
    it(`${label}: F + R = 1, h = f/R, H = −ln R, quantile inverts F, ∫f = F`, () => {
      for (const p of [0.01, 0.1, 0.5, 0.9, 0.99]) {
        const t = d.quantile(p);
        expect(Number.isFinite(t)).toBe(true);
        expect(Math.abs(d.cdf(t) - p)).toBeLessThan(1e-12);
        expect(Math.abs(d.cdf(t) + d.sf(t) - 1)).toBeLessThan(1e-15);
        expect(rel(d.hazard(t), d.pdf(t) / d.sf(t))).toBeLessThan(1e-12);
        expect(rel(d.cumulativeHazard(t), -Math.log(d.sf(t)))).toBeLessThan(1e-12);
      }
      const lo = d.name === "normal" ? -200 : (d.params.gamma ?? 0);
      const t90 = d.quantile(0.9);
      expect(Math.abs(integrate((x) => d.pdf(x), lo, t90, 1e-12) - 0.9)).toBeLessThan(1e-8);
    });

    it(`${label}: the mean is ∫ R (or ∫ t f for the normal)`, () => {
      const m =
        d.name === "normal"
          ? integrate(
              (x) => x * d.pdf(x),
              d.params.mu! - 40 * d.params.sigma!,
              d.params.mu! + 40 * d.params.sigma!,
              1e-12,
            )
          : integrate((x) => d.sf(x), 0, Number.POSITIVE_INFINITY, 1e-12);
      expect(rel(d.mean(), m)).toBeLessThan(1e-7);
    });
  }

  it("Weibull quantile and mean follow reliability.md §1.4", () => {
    const d = weibull(51.858, 2.80086);
    expect(rel(d.quantile(0.1), 51.858 * (-Math.log(0.9)) ** (1 / 2.80086))).toBeLessThan(1e-15);
    const g = weibull(10, 2, 4);
    expect(g.sf(3)).toBe(1);
    expect(g.pdf(3)).toBe(0);
    expect(rel(g.quantile(0.5), 4 + 10 * Math.log(2) ** 0.5)).toBeLessThan(1e-15);
    expect(rel(g.mean(), 4 + 10 * (Math.sqrt(Math.PI) / 2))).toBeLessThan(1e-14);
  });

  it("tails stay finite: lognormal hazard far beyond underflow of pdf and R", () => {
    const d = lognormal(0, 0.5);
    const h = d.hazard(1e30);
    expect(Number.isFinite(h) && h > 0).toBe(true);
    expect(d.cumulativeHazard(1e30)).toBeGreaterThan(1000);
  });

  it("rejects invalid parameters with TWIN_ERR_VALIDATION naming the parameter", () => {
    const bad = (f: () => unknown, field: string): void => {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect((e as MoldtwinError).code).toBe("TWIN_ERR_VALIDATION");
        expect((e as MoldtwinError).details[0]?.field).toBe(field);
      }
    };
    bad(() => weibull(-1, 2), "alpha");
    bad(() => weibull(1, Number.NaN), "beta");
    bad(() => lognormal(Number.POSITIVE_INFINITY, 1), "mu");
    bad(() => gammaDistribution(1, 0), "beta");
    bad(() => exponential(1).quantile(1), "p");
  });

  it("distributionFromParams rebuilds from name and params", () => {
    for (const [, d] of CASES) {
      const e = distributionFromParams(d.name, d.params);
      expect(e.params).toEqual(d.params);
      expect(e.cdf(d.quantile(0.3))).toBeCloseTo(0.3, 12);
    }
  });
});

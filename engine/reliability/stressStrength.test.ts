import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MoldtwinError } from "../errors.ts";
import { gammaDistribution, lognormal, normal, weibull } from "./distributions.ts";
import { stressStrength, stressStrengthNormal } from "./stressStrength.ts";

describe("stressStrengthNormal", () => {
  it("stress N(20, 6), strength N(40, 7) → P_f = 1.50298 % (reliability docs, Example 1; reliability.md §4.3)", () => {
    const r = stressStrengthNormal({ stressMean: 20, stressSd: 6, strengthMean: 40, strengthSd: 7 });
    expect((r.probabilityOfFailure * 100).toFixed(5)).toBe("1.50298");
    expect(r.reliability + r.probabilityOfFailure).toBeCloseTo(1, 15);
  });

  it("refuses a non-positive standard deviation", () => {
    try {
      stressStrengthNormal({ stressMean: 20, stressSd: 0, strengthMean: 40, strengthSd: 7 });
      expect.unreachable();
    } catch (e) {
      expect((e as MoldtwinError).code).toBe("TWIN_ERR_VALIDATION");
    }
  });
});

describe("stressStrength (general integral)", () => {
  it("matches the normal closed form for N(20, 6) vs N(40, 7)", () => {
    const r = stressStrength(normal(20, 6), normal(40, 7));
    expect((r.probabilityOfFailure * 100).toFixed(5)).toBe("1.50298");
  });

  it("Weibull(α=2, β=3, γ=1) stress vs Gamma(α=2, β=3, γ=3) strength → 0.17078 % (reliability docs, Example 2)", () => {
    // `reliability`'s Gamma takes a location γ; ours has none, so shift it here.
    const g = gammaDistribution(2, 3);
    const strength = {
      pdf: (x: number) => g.pdf(x - 3),
      sf: (x: number) => g.sf(x - 3),
      quantile: (p: number) => 3 + g.quantile(p),
    };
    const r = stressStrength(weibull(2, 3, 1), strength);
    expect((r.probabilityOfFailure * 100).toFixed(5)).toBe("0.17078");
  });

  it("property: equals the closed form for any two normals, and is ½ for identical distributions", () => {
    fc.assert(
      fc.property(
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.double({ min: 0.5, max: 20, noNaN: true }),
        (m1, s1, m2, s2) => {
          const exact = stressStrengthNormal({ stressMean: m1, stressSd: s1, strengthMean: m2, strengthSd: s2 });
          const num = stressStrength(normal(m1, s1), normal(m2, s2));
          expect(Math.abs(num.probabilityOfFailure - exact.probabilityOfFailure)).toBeLessThan(1e-10);
        },
      ),
      { numRuns: 50 },
    );
    expect(stressStrength(lognormal(3, 0.4), lognormal(3, 0.4)).probabilityOfFailure).toBeCloseTo(0.5, 10);
  });
});

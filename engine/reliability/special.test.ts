import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  erf,
  erfc,
  gammaFunction,
  gammaP,
  gammaPInverse,
  gammaQ,
  lnGamma,
  lnNormalCdf,
  normalCdf,
  normalQuantile,
  zForConfidence,
} from "./special.ts";

const SEED_ENV = process.env.MOLDTWIN_PROPERTY_SEED ?? "20261121";
if (SEED_ENV !== "random") fc.configureGlobal({ seed: Number(SEED_ENV) });

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe("ln Γ and Γ (Lanczos)", () => {
  it("matches exact values: Γ(½) = √π, Γ(n) = (n−1)!, Γ(3.5) = 15√π/8", () => {
    expect(rel(gammaFunction(0.5), Math.sqrt(Math.PI))).toBeLessThan(1e-14);
    expect(gammaFunction(10)).toBe(362880);
    expect(rel(gammaFunction(3.5), (15 * Math.sqrt(Math.PI)) / 8)).toBeLessThan(1e-14);
    expect(Math.abs(lnGamma(1))).toBeLessThan(1e-15);
    expect(Math.abs(lnGamma(2))).toBeLessThan(1e-15);
    // ln Γ(100) = ln(99!) = 359.1342053695754 (Abramowitz & Stegun table 6.4 / exact factorial)
    expect(rel(lnGamma(100), 359.1342053695754)).toBeLessThan(1e-14);
    // reflection: Γ(−0.5) = −2√π
    expect(rel(gammaFunction(-0.5), -2 * Math.sqrt(Math.PI))).toBeLessThan(1e-13);
  });
});

describe("regularized incomplete gamma (NR §6.2)", () => {
  it("P(1, x) = 1 − e^−x and P(½, x) = erf(√x) in both branches", () => {
    for (const x of [1e-3, 0.3, 1, 2.5, 7, 30]) {
      expect(rel(gammaP(1, x), -Math.expm1(-x))).toBeLessThan(1e-14);
      expect(rel(gammaQ(1, x), Math.exp(-x))).toBeLessThan(1e-13);
    }
    // erf(0.5) = 0.5204998778130465, erf(2) = 0.9953222650189527 (A&S 7.1 tables, to 16 digits)
    expect(rel(erf(0.5), 0.5204998778130465)).toBeLessThan(1e-15);
    expect(rel(erf(2), 0.9953222650189527)).toBeLessThan(1e-15);
    // erfc(5) = 1.5374597944280349e-12
    expect(rel(erfc(5), 1.5374597944280349e-12)).toBeLessThan(1e-13);
  });

  it("property: P + Q = 1 and the inverse round-trips", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.05, max: 50, noNaN: true }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }),
        (a, p) => {
          const x = gammaPInverse(a, p);
          expect(Math.abs(gammaP(a, x) - p)).toBeLessThan(1e-12);
          expect(Math.abs(gammaP(a, x) + gammaQ(a, x) - 1)).toBeLessThan(1e-14);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("standard normal", () => {
  it("Φ and Φ⁻¹ at published values", () => {
    expect(rel(normalCdf(1.959963984540054), 0.975)).toBeLessThan(1e-15);
    // Φ(−10) = 7.619853024160527e-24 (tail tables; a 1e-7 erf approximation gets this completely wrong)
    expect(rel(normalCdf(-10), 7.619853024160527e-24)).toBeLessThan(1e-12);
    // Far below underflow ln Φ(−x) follows the Mills-ratio asymptotic series (A&S 26.2.12); at x = 40 the
    // truncation after 105/x⁸ is below 1e-13.
    const x = 40;
    const series =
      -0.5 * x * x -
      Math.log(x) -
      0.5 * Math.log(2 * Math.PI) +
      Math.log1p(-1 / x ** 2 + 3 / x ** 4 - 15 / x ** 6 + 105 / x ** 8);
    expect(Math.abs(lnNormalCdf(-x) - series)).toBeLessThan(1e-11);
    expect(rel(normalQuantile(0.975), 1.959963984540054)).toBeLessThan(1e-15);
    expect(rel(normalQuantile(1e-20), -9.262340089798409)).toBeLessThan(1e-14);
    expect(zForConfidence(0.95)).toBeCloseTo(1.959963984540054, 14);
    expect(zForConfidence(0.95, 1)).toBeCloseTo(1.6448536269514722, 14);
  });

  it("property: Φ(Φ⁻¹(p)) = p to 1e-12 relative down to p = 1e-300", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-300, max: 0.999999, noNaN: true }), (p) => {
        expect(rel(normalCdf(normalQuantile(p)), p)).toBeLessThan(1e-12);
      }),
      { numRuns: 500 },
    );
  });
});

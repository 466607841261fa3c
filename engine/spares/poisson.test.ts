import { describe, expect, it } from "vitest";
import { MoldtwinError } from "../errors.ts";
import { gammaP, gammaQ } from "../reliability/special.ts";
import {
  backorderPgf,
  backorderVariance,
  cdf,
  countDistribution,
  expectedBackorders,
  expectedOnHand,
  pmf,
  poissonBackorderVariance,
  poissonCdf,
  poissonExpectedBackorders,
  poissonPmf,
  sf,
} from "./poisson.ts";

/** Direct sums from p(0) (fine for small means), the reference for the recurrences. */
function bruteForce(p0: number, next: (p: number, x: number) => number, s: number, z = 1) {
  let p = p0;
  let e = 0;
  let e2 = 0;
  let below = 0;
  let pgf = 0;
  for (let x = 0; x < 4000; x++) {
    if (x > 0) p = next(p, x);
    if (x > s) {
      e += (x - s) * p;
      e2 += (x - s) ** 2 * p;
      pgf += z ** (x - s) * p;
    } else {
      below += p;
    }
  }
  return { ebo: e, vbo: e2 - e * e, cdf: below, pgf: below + pgf };
}

describe("Poisson backorder functions", () => {
  it("hand values: m = 2 (EBO(s) = m − s + Σ_{x<s} (s − x)·p(x))", () => {
    const e2 = Math.exp(-2);
    // s = 0: EBO = m. s = 1: 2 − 1 + 1·p(0) = 1 + e⁻². s = 2: 0 + 2·p(0) + 1·p(1) = 2e⁻² + 2e⁻² = 4e⁻².
    expect(poissonExpectedBackorders(0, 2)).toBe(2);
    expect(poissonExpectedBackorders(1, 2)).toBeCloseTo(1 + e2, 15);
    expect(poissonExpectedBackorders(2, 2)).toBeCloseTo(4 * e2, 15);
    // s = 3: 3·p(0) + 2·p(1) + 1·p(2) − 1 = (3 + 4 + 2)e⁻² − 1.
    expect(poissonExpectedBackorders(3, 2)).toBeCloseTo(9 * e2 - 1, 15);
    // VBO(0) = Var X = m; P(X ≤ 2) = 5e⁻².
    expect(poissonBackorderVariance(0, 2)).toBeCloseTo(2, 13);
    expect(poissonCdf(2, 2)).toBeCloseTo(5 * e2, 15);
    expect(poissonPmf(3, 2)).toBeCloseTo((8 / 6) * e2, 15);
  });

  it("matches a published Poisson loss-function table (mean 1.25, order-up-to course slides)", () => {
    // Source: "Inventory Model. Order UpTO slide", scribd document 928380662 (order-up-to model course slides in the
    // style of Cachon & Terwiesch): Poisson mean 1.25, F(Q) and loss L(Q) = E[(D − Q)⁺] for Q = 0…4, 5–6 decimals.
    const F = [0.286505, 0.644636, 0.868468, 0.961731, 0.990876];
    const L = [1.25, 0.5365, 0.18114, 0.04961, 0.01134];
    for (let q = 0; q < 5; q++) {
      expect(poissonCdf(q, 1.25)).toBeCloseTo(F[q]!, 6);
      expect(poissonExpectedBackorders(q, 1.25)).toBeCloseTo(L[q]!, 5);
    }
  });

  it("equals Sherbrooke's closed form EBO(s) = m·p(s) + (m − s)·P(X > s) (2004 eq. 2.7), with P from Γ(s + 1, m)", () => {
    // The closed form as coded in xmetric's EBO.R (Silkworth, after Sherbrooke eq. 2.7); P(X ≤ s) = Q(s + 1, m).
    for (const m of [0.05, 0.9, 4.2, 37.5, 1000]) {
      for (const s of [0, 1, 3, 8, 40, 1000, 1100]) {
        const closed = m * poissonPmf(s, m) + (m - s) * (1 - gammaQ(s + 1, m));
        const ebo = poissonExpectedBackorders(s, m);
        expect(Math.abs(ebo - closed)).toBeLessThanOrEqual(1e-12 * Math.max(1, m) + 1e-13 * Math.abs(ebo));
      }
    }
  });

  it("agrees with brute-force sums for small means, including the far tails", () => {
    for (const m of [0.1, 2, 7.5, 30]) {
      for (const s of [0, 1, 2, 5, 10, 40]) {
        const b = bruteForce(Math.exp(-m), (p, x) => (p * m) / x, s, 0.75);
        const d = countDistribution(m);
        const ebo = expectedBackorders(d, s);
        expect(Math.abs(ebo - b.ebo) / Math.max(b.ebo, 1e-300)).toBeLessThan(1e-11);
        expect(Math.abs(backorderVariance(d, s) - b.vbo) / Math.max(b.vbo, 1e-300)).toBeLessThan(1e-9);
        expect(cdf(d, s)).toBeCloseTo(b.cdf, 14);
        expect(backorderPgf(d, s, 0.75)).toBeCloseTo(b.pgf, 13);
        expect(expectedOnHand(d, s)).toBeCloseTo(s - m + b.ebo, 12);
      }
    }
    // P(X > 40 | m = 2) ≈ 9.3e-39 keeps its relative accuracy (no 1 − cdf cancellation): against the regularized
    // incomplete gamma P(41, 2) (engine/reliability/special.ts, Numerical Recipes series).
    expect(sf(countDistribution(2), 40) / gammaP(41, 2)).toBeCloseTo(1, 12);
    expect(gammaP(41, 2)).toBeCloseTo(9.3e-39, 40);
  });

  it("is stable for large means (e^{−m} underflows at m ≈ 745)", () => {
    const m = 5000;
    // At s = m: EBO = m·p(m) (eq. 2.7 with s = m), p(m) ≈ 1/√(2πm)·(1 − 1/(12m)).
    const pm = poissonPmf(m, m);
    expect(pm).toBeCloseTo((1 / Math.sqrt(2 * Math.PI * m)) * (1 - 1 / (12 * m)), 9);
    expect(poissonExpectedBackorders(m, m)).toBeCloseTo(m * pm, 9);
    expect(poissonExpectedBackorders(0, m)).toBe(m);
    expect(poissonExpectedBackorders(4000, m)).toBeCloseTo(1000, 9);
    expect(poissonBackorderVariance(3000, m)).toBeCloseTo(m, 6);
    expect(poissonCdf(m + 300, m)).toBeCloseTo(gammaQ(m + 301, m), 12);
    expect(sf(countDistribution(m), m + 300) / gammaP(m + 301, m)).toBeCloseTo(1, 9);
  });
});

describe("negative binomial (VARI-METRIC) backorder functions", () => {
  it("parameterises by mean and variance: q = 1 − m/v, r = m²/(v − m)", () => {
    const d = countDistribution(3, 7.5);
    expect(d.kind).toBe("negative-binomial");
    expect(d.q).toBeCloseTo(0.6, 15);
    expect(d.r).toBeCloseTo(2, 15);
    // r = 2: p(0) = (1 − q)^r = 0.16, p(1) = r·q·p(0) = 0.192.
    expect(pmf(d, 0)).toBeCloseTo(0.16, 15);
    expect(pmf(d, 1)).toBeCloseTo(0.192, 15);
    expect(expectedBackorders(d, 0)).toBeCloseTo(3, 14);
    expect(backorderVariance(d, 0)).toBeCloseTo(7.5, 12);
    // EBO(1) = m − 1 + p(0) = 2.16.
    expect(expectedBackorders(d, 1)).toBeCloseTo(2.16, 14);
    expect(countDistribution(3, 3).kind).toBe("poisson");
    expect(countDistribution(3, 2).kind).toBe("poisson");
  });

  it("agrees with brute-force sums for r > 1 and r < 1", () => {
    for (const [m, v] of [
      [3, 7.5],
      [0.7, 2.1],
      [12, 400],
      [40, 41],
    ] as const) {
      const q = 1 - m / v;
      const r = (m * m) / (v - m);
      const d = countDistribution(m, v);
      for (const s of [0, 1, 2, 5, 10, 30, 80]) {
        const b = bruteForce((1 - q) ** r, (p, x) => (p * (x - 1 + r) * q) / x, s, 0.5);
        if (b.ebo > 1e-200) expect(Math.abs(expectedBackorders(d, s) - b.ebo) / b.ebo).toBeLessThan(1e-9);
        if (b.vbo > 1e-100) expect(Math.abs(backorderVariance(d, s) - b.vbo) / b.vbo).toBeLessThan(1e-8);
        expect(cdf(d, s)).toBeCloseTo(b.cdf, 12);
        expect(backorderPgf(d, s, 0.5)).toBeCloseTo(b.pgf, 12);
      }
    }
  });

  it("refuses bad input with a coded error", () => {
    try {
      countDistribution(-1);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MoldtwinError);
      expect((e as MoldtwinError).code).toBe("TWIN_ERR_VALIDATION");
      expect((e as MoldtwinError).details[0]).toMatchObject({ field: "mean", value: -1 });
    }
    expect(() => poissonExpectedBackorders(1.5, 2)).toThrow(MoldtwinError);
  });
});

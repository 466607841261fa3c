import { describe, expect, it } from "vitest";
import type { MoldtwinError } from "../errors.ts";
import { uniform01 } from "../sweep/random.ts";
import {
  type CompetingRisksInput,
  fitCompetingRisks,
  systemCumulativeHazard,
  systemReliabilityBounds,
  systemTimeBounds,
} from "./competingRisks.ts";
import { brentRoot } from "./numeric.ts";

/** Mode 1 wear-out Weibull(1000 h, 2.5), mode 2 random Weibull(3000 h, 0.8), censored uniformly up to 2,500 h. */
const TRUE = { a1: 1000, b1: 2.5, a2: 3000, b2: 0.8 };

function sample(seed: number, n: number): CompetingRisksInput {
  const failures: number[] = [];
  const modes: number[] = [];
  const right: number[] = [];
  for (let i = 0; i < n; i++) {
    const t1 = TRUE.a1 * (-Math.log(uniform01(seed, 7, i, 0))) ** (1 / TRUE.b1);
    const t2 = TRUE.a2 * (-Math.log(uniform01(seed, 7, i, 1))) ** (1 / TRUE.b2);
    const c = 2500 * uniform01(seed, 7, i, 2);
    const t = Math.min(t1, t2, c);
    if (t === c) right.push(c);
    else {
      failures.push(t);
      modes.push(t === t1 ? 1 : 2);
    }
  }
  return { failures, modes, right };
}

const trueH = (t: number): number => (t / TRUE.a1) ** TRUE.b1 + (t / TRUE.a2) ** TRUE.b2;
const trueB10 = brentRoot((t) => trueH(t) + Math.log(0.9), 1, 1000);

describe("competing-risks Weibull with Fisher bounds", () => {
  it("recovers the four generating parameters from a large seeded sample", () => {
    const cr = fitCompetingRisks(sample(1, 20_000));
    const [m1, m2] = cr.modes;
    expect(Math.abs(m1.params.alpha! / TRUE.a1 - 1)).toBeLessThan(0.05);
    expect(Math.abs(m1.params.beta! / TRUE.b1 - 1)).toBeLessThan(0.05);
    expect(Math.abs(m2.params.alpha! / TRUE.a2 - 1)).toBeLessThan(0.1);
    expect(Math.abs(m2.params.beta! / TRUE.b2 - 1)).toBeLessThan(0.05);
    // Block-diagonal 4 × 4 covariance: ln L separates into the two modes' terms.
    expect(cr.covariance[0]![2]).toBe(0);
    expect(cr.covariance[1]![3]).toBe(0);
    expect(cr.covariance[0]![1]).toBe(m1.covariance[0]![1]);
    expect(cr.covariance[3]![3]).toBe(m2.covariance[1]![1]);
  });

  it("system reliability is R₁·R₂ and B10 solves R(t) = 0.9", () => {
    const cr = fitCompetingRisks(sample(2, 500));
    const r = systemReliabilityBounds(cr, 400);
    expect(r.value).toBeCloseTo(cr.modes[0].dist.sf(400) * cr.modes[1].dist.sf(400), 14);
    expect(Math.exp(-systemCumulativeHazard(cr, cr.b10.value))).toBeCloseTo(0.9, 12);
    expect(cr.b10.value).toBeLessThan(Math.min(cr.modes[0].b10.value, cr.modes[1].b10.value));
    const b = systemTimeBounds(cr, 0.9);
    expect(b).toEqual(cr.b10);
    expect(b.lower).toBeLessThan(b.value);
    expect(b.upper).toBeGreaterThan(b.value);
  });

  it("the 95 % bounds on system R(500 h) and on the system B10 contain the truth in most seeds", () => {
    let coverR = 0;
    let coverB = 0;
    const seeds = 20;
    for (let seed = 1; seed <= seeds; seed++) {
      const cr = fitCompetingRisks(sample(seed, 500));
      const r = systemReliabilityBounds(cr, 500);
      if (r.lower <= Math.exp(-trueH(500)) && Math.exp(-trueH(500)) <= r.upper) coverR++;
      if (cr.b10.lower <= trueB10 && trueB10 <= cr.b10.upper) coverB++;
    }
    // Nominal 95 %: 20 seeds give 19 on average; 16 is far in the binomial tail (P ≈ 1.6 %).
    expect(coverR).toBeGreaterThanOrEqual(16);
    expect(coverB).toBeGreaterThanOrEqual(16);
  });

  it("rejects bad modes and a mode with fewer than two failures", () => {
    try {
      fitCompetingRisks({ failures: [1, 2, 3], modes: [1, 3, 2] });
      expect.unreachable();
    } catch (e) {
      expect((e as MoldtwinError).code).toBe("TWIN_ERR_VALIDATION");
      expect((e as MoldtwinError).details[0]!.field).toBe("modes[1]");
    }
    try {
      fitCompetingRisks({ failures: [1, 2, 3], modes: [1, 1, 2], right: [5] });
      expect.unreachable();
    } catch (e) {
      expect((e as MoldtwinError).code).toBe("FIT_ERR_INSUFFICIENT_DATA");
    }
  });
});

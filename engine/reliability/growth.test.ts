import { describe, expect, it } from "vitest";
import type { MoldtwinError } from "../errors.ts";
import { crowAmsaa, duane } from "./growth.ts";

/** |a − e| ≤ rtol·|e| */
function expectRel(actual: number | null, expected: number, rtol = 1e-9): void {
  expect(actual).not.toBeNull();
  expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(rtol * Math.abs(expected));
}

/** `actual` rounds to `printed` at `sig` significant digits (half a unit in the last printed place). */
function expectSig(actual: number | null, printed: number, sig: number): void {
  expect(actual).not.toBeNull();
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(printed))) - sig + 1);
  expect(Math.abs((actual as number) - printed)).toBeLessThanOrEqual(0.5 * unit * (1 + 1e-9));
}

// `reliability` test suite, tests/test_Repairable_systems.py (test_reliability_growth_duane / _crow_amsaa),
// asserted there at rtol 1e-7. Note the 5th time is 89400 (not 89600).
const TIMES = [10400, 26900, 43400, 66400, 89400, 130400, 163400, 232000, 242000, 340700];
// `reliability` docs "Reliability growth.rst", Example 3: `automotive().failures` (Krivtsov & Case 1999).
const AUTOMOTIVE = [5248, 7454, 16890, 17200, 38700, 45000, 49390, 69040, 72280, 131900];

describe("crowAmsaa", () => {
  it("reproduces reliability's Crow-AMSAA test values (target MTBF 50 000)", () => {
    const r = crowAmsaa(TIMES, { targetMtbf: 50000 });
    expectRel(r.beta, 0.741656619656656);
    expectRel(r.lambda, 0.0007886414235385733);
    expectRel(r.growthRate, 0.25834338034334403);
    expectRel(r.DMTBF_I, 45937.70094814556);
    expectRel(r.DMTBF_C, 34070.0);
    expectRel(r.DFI_I, 2.176861225878063e-5);
    expectRel(r.DFI_C, 2.9351335485764603e-5);
    expectRel(r.timeToTarget, 1503979.9172547427);
  });

  it("reproduces the docs' printed automotive example (target 14 000)", () => {
    const r = crowAmsaa(AUTOMOTIVE, { targetMtbf: 14000 });
    expectSig(r.beta, 0.67922, 5);
    expectSig(r.lambda, 0.0033282, 5);
    expectSig(r.growthRate, 0.32078, 5);
    expectRel(r.DMTBF_C, 13190, 1e-12);
    expectSig(r.DMTBF_I, 19419.22019, 10);
    expectSig(r.DFI_C, 7.5815e-5, 5);
    expectSig(r.DFI_I, 5.1495e-5, 5);
    expectSig(r.timeToTarget, 158830.62457, 11);
  });

  it("cumulative MTBF at T equals T/n, and without a target there is no time to target", () => {
    const r = crowAmsaa([3, 7, 20, 50]);
    expect(r.DMTBF_C).toBeCloseTo(50 / 4, 12);
    expect(r.timeToTarget).toBeNull();
  });
});

describe("duane", () => {
  it("reproduces reliability's Duane test values (target MTBF 50 000)", () => {
    const r = duane(TIMES, { targetMtbf: 50000 });
    expectRel(r.A, 0.002355878294089656);
    expectRel(r.alpha, 0.33617199465228115);
    expectRel(r.DMTBF_I, 46304.175358824315);
    expectRel(r.DMTBF_C, 30738.008367719336);
    expectRel(r.DFI_I, 2.1596324570100073e-5);
    expectRel(r.DFI_C, 3.253301215996112e-5);
    expectRel(r.timeToTarget, 1448446.368611323);
    expect(r.beta).toBeCloseTo(1 - r.alpha, 15);
    expect(r.lambda).toBe(r.A);
  });

  it("reproduces the docs' printed automotive example (target 14 000)", () => {
    const r = duane(AUTOMOTIVE, { targetMtbf: 14000 });
    expectSig(r.alpha, 0.3148, 4);
    expectSig(r.A, 0.0038522, 5);
    expectSig(r.DMTBF_C, 10620.71841, 10);
    expectSig(r.DMTBF_I, 15500.20608, 10);
    expectSig(r.DFI_C, 9.4156e-5, 5);
    expectSig(r.DFI_I, 6.4515e-5, 5);
    expectSig(r.timeToTarget, 317216.14347, 11);
  });
});

describe("growth input checks", () => {
  it("refuses too few or bad failure times", () => {
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        return (e as MoldtwinError).code;
      }
      return "none";
    };
    expect(code(() => crowAmsaa([5]))).toBe("FIT_ERR_INSUFFICIENT_DATA");
    expect(code(() => duane([5, 5, 5]))).toBe("FIT_ERR_INSUFFICIENT_DATA");
    expect(code(() => crowAmsaa([5, 0]))).toBe("TWIN_ERR_VALIDATION");
    expect(code(() => duane([5, 9], { targetMtbf: -1 }))).toBe("TWIN_ERR_VALIDATION");
  });
});

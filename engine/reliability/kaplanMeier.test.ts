import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MoldtwinError } from "../errors.ts";
import { kaplanMeier } from "./kaplanMeier.ts";

// `reliability` docs "Kaplan-Meier.rst", Example 1: the `automotive` data set (Krivtsov & Case, SAE 1999-01-3220),
// miles to failure. The docs print one row per item; our rows are per distinct time, with the same values.
const F = [5248, 7454, 16890, 17200, 38700, 45000, 49390, 69040, 72280, 131900];
const RC = [
  3961, 4007, 4734, 6054, 7298, 10190, 23060, 27160, 28690, 37100, 40060, 45670, 53000, 67000, 69630, 77350, 78470,
  91680, 105700, 106300, 150400,
];

/** Relative-and-absolute closeness to the printed 6 significant digits. */
function expectPrinted(actual: number, printed: number): void {
  expect(Math.abs(actual - printed)).toBeLessThanOrEqual(5e-6 * Math.max(1, Math.abs(printed)) + 1e-12);
}

describe("kaplanMeier", () => {
  it("reproduces the reliability docs table with right-censored data (95 % Greenwood, plain bounds)", () => {
    const km = kaplanMeier(F, RC);
    // [time, items at risk, KM, lower, upper] as printed
    const printed: [number, number, number, number, number][] = [
      [3961, 31, 1, 1, 1],
      [5248, 28, 0.964286, 0.895548, 1],
      [7454, 25, 0.925714, 0.826513, 1],
      [16890, 23, 0.885466, 0.76317, 1],
      [17200, 22, 0.845217, 0.705334, 0.985101],
      [38700, 17, 0.795499, 0.633417, 0.95758],
      [45000, 15, 0.742465, 0.560893, 0.924037],
      [49390, 13, 0.685353, 0.48621, 0.884496],
      [69040, 10, 0.616817, 0.396904, 0.836731],
      [72280, 8, 0.539715, 0.300949, 0.778481],
      [106300, 3, 0.539715, 0.300949, 0.778481],
      [131900, 2, 0.269858, 0, 0.662446],
      [150400, 1, 0.269858, 0, 0.662446],
    ];
    expect(km.rows).toHaveLength(31);
    for (const [time, atRisk, s, lo, hi] of printed) {
      const row = km.rows.find((r) => r.time === time)!;
      expect(row.atRisk).toBe(atRisk);
      expectPrinted(row.survival, s);
      expectPrinted(row.lower, lo);
      expectPrinted(row.upper, hi);
    }
  });

  it("reproduces the reliability docs table for the failures only", () => {
    const km = kaplanMeier(F);
    const printed: [number, number, number][] = [
      [0.9, 0.714061, 1],
      [0.8, 0.552082, 1],
      [0.7, 0.415974, 0.984026],
      [0.6, 0.296364, 0.903636],
      [0.5, 0.190102, 0.809898],
      [0.4, 0.0963637, 0.703636],
      [0.3, 0.0159742, 0.584026],
      [0.2, 0, 0.447918],
      [0.1, 0, 0.285939],
      [0, 0, 0],
    ];
    km.rows.forEach((row, i) => {
      const [s, lo, hi] = printed[i]!;
      expectPrinted(row.survival, s);
      expectPrinted(row.lower, lo);
      expectPrinted(row.upper, hi);
    });
  });

  it("puts tied failures before censorings and treats tied failures as one step", () => {
    // at t = 2: 2 failures and 1 censoring among 5 at risk → S = 3/5; then 2 at risk at t = 3
    const km = kaplanMeier([1, 2, 2, 3], [2], 0.9);
    const r2 = km.rows.find((r) => r.time === 2)!;
    expect(r2.atRisk).toBe(4);
    expect(r2.survival).toBeCloseTo((4 / 5) * (2 / 4), 15);
    // Greenwood: 1/(5·4) + 2/(4·2)
    expect(r2.variance).toBeCloseTo(0.4 ** 2 * (1 / 20 + 2 / 8), 15);
    const r3 = km.rows.find((r) => r.time === 3)!;
    expect(r3.atRisk).toBe(1);
    expect(r3.survival).toBe(0);
    expect(km.survivalAt(0.5)).toBe(1);
    expect(km.survivalAt(2.5)).toBeCloseTo(0.4, 15);
  });

  it("property: log-log bounds lie in [0, 1] and bracket S; plain bounds bracket S", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 50 }), { maxLength: 30 }),
        (fails, cens) => {
          for (const bounds of ["plain", "log-log"] as const) {
            for (const r of kaplanMeier(fails, cens, 0.9, { bounds }).rows) {
              expect(r.lower).toBeGreaterThanOrEqual(0);
              expect(r.upper).toBeLessThanOrEqual(1);
              expect(r.lower).toBeLessThanOrEqual(r.survival + 1e-15);
              expect(r.upper).toBeGreaterThanOrEqual(r.survival - 1e-15);
              expect(Number.isFinite(r.lower) && Number.isFinite(r.upper)).toBe(true);
            }
          }
        },
      ),
    );
  });

  it("rejects bad input with coded errors", () => {
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        return (e as MoldtwinError).code;
      }
      return "none";
    };
    expect(code(() => kaplanMeier([], [1, 2]))).toBe("FIT_ERR_INSUFFICIENT_DATA");
    expect(code(() => kaplanMeier([1, Number.NaN]))).toBe("TWIN_ERR_VALIDATION");
    expect(code(() => kaplanMeier([1, -2]))).toBe("TWIN_ERR_VALIDATION");
    expect(code(() => kaplanMeier([1, 2], [], 1))).toBe("TWIN_ERR_VALIDATION");
  });
});

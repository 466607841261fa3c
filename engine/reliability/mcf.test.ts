import { describe, expect, it } from "vitest";
import type { MoldtwinError } from "../errors.ts";
import { mcfNonparametric, mcfParametric, type RepairableSystem } from "./mcf.ts";

// `reliability` docs "Mean cumulative function.rst" (data from ReliaWiki "Recurrent Event Data Analysis",
// after Nelson & Doganaksoy): 5 systems, the last value of each list is its retirement age.
const MCF_1 = [
  [5, 10, 15, 17],
  [6, 13, 17, 19],
  [12, 20, 25, 26],
  [13, 15, 24],
  [16, 22, 25, 28],
];
const systems = (lists: number[][]): RepairableSystem[] =>
  lists.map((l) => ({ failureTimes: l.slice(0, -1), retirementTime: l[l.length - 1]! }));

function expectSig(actual: number, printed: number, sig = 6): void {
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(printed))) - sig + 1);
  expect(Math.abs(actual - printed)).toBeLessThanOrEqual(0.5 * unit * (1 + 1e-9));
}

describe("mcfNonparametric", () => {
  it("reproduces the docs' printed table (95 % one-sided bounds)", () => {
    const r = mcfNonparametric(systems(MCF_1));
    // time, MCF_lower, MCF, MCF_upper, variance — as printed (6 significant digits)
    const printed: [number, number, number, number, number][] = [
      [5, 0.0459299, 0.2, 0.870893, 0.032],
      [6, 0.14134, 0.4, 1.13202, 0.064],
      [10, 0.256603, 0.6, 1.40294, 0.096],
      [12, 0.383374, 0.8, 1.66939, 0.128],
      [13, 0.517916, 1, 1.93081, 0.16],
      [13, 0.658169, 1.2, 2.18789, 0.192],
      [15, 0.802848, 1.4, 2.44131, 0.224],
      [15, 0.951092, 1.6, 2.69164, 0.256],
      [16, 1.10229, 1.8, 2.93935, 0.288],
      [17, 1.25598, 2, 3.18478, 0.32],
      [20, 1.49896, 2.33333, 3.63215, 0.394074],
      [22, 1.74856, 2.66667, 4.06684, 0.468148],
      [25, 2.12259, 3.16667, 4.72431, 0.593148],
      [25, 2.5071, 3.66667, 5.36255, 0.718148],
    ];
    expect(r.rows).toHaveLength(printed.length);
    printed.forEach(([t, lo, m, hi, v], i) => {
      const row = r.rows[i]!;
      expect(row.time).toBe(t);
      expectSig(row.lower, lo);
      expectSig(row.mcf, m);
      expectSig(row.upper, hi);
      expectSig(row.variance, v);
    });
    // system 1 retires at 17 but is still at risk for the failure at 17 (failures before retirements): r = 5
    expect(r.rows[9]!.atRisk).toBe(5);
    expect(r.rows[10]!.atRisk).toBe(3);
    expect(r.z).toBeCloseTo(1.6448536269514722, 12);
  });

  it("matches reliability's test-suite sums (tests/test_Repairable_systems.py, rtol 1e-7 there)", () => {
    const sum = (rows: { [k: string]: unknown }[], k: string): number => rows.reduce((s, r) => s + (r[k] as number), 0);
    const r = mcfNonparametric(systems(MCF_1));
    const rows = r.rows as unknown as { [k: string]: unknown }[];
    expect(sum(rows, "mcf")).toBeCloseTo(22.833333333333332, 10);
    expect(sum(rows, "variance")).toBeCloseTo(3.933518518518521, 10);
    expect(sum(rows, "lower")).toBeCloseTo(13.992740081348929, 10);
    expect(sum(rows, "upper")).toBeCloseTo(38.23687898478023, 10);
    const two = mcfNonparametric(
      systems([
        [1, 3, 5],
        [3, 6, 8],
      ]),
    ).rows as unknown as { [k: string]: unknown }[];
    expect(sum(two, "mcf")).toBeCloseTo(5.5, 12);
    expect(sum(two, "variance")).toBeCloseTo(1.125, 12);
    expect(sum(two, "lower")).toBeCloseTo(3.0329684147169633, 10);
    expect(sum(two, "upper")).toBeCloseTo(10.552109216491933, 10);
    // one system: no between-system variance, bounds collapse onto the MCF
    const one = mcfNonparametric(systems([[1, 3, 5]]));
    expect(one.rows.map((x) => [x.mcf, x.variance, x.lower, x.upper])).toEqual([
      [1, 0, 1, 1],
      [2, 0, 2, 2],
    ]);
    expect(r.mcfAt(14)).toBeCloseTo(1.2, 12);
    expect(r.mcfAt(4)).toBe(0);
  });

  it("refuses failures after retirement, no failures, and bad ci", () => {
    const code = (fn: () => unknown): string => {
      try {
        fn();
      } catch (e) {
        return (e as MoldtwinError).code;
      }
      return "none";
    };
    expect(code(() => mcfNonparametric([{ failureTimes: [3, 9], retirementTime: 8 }]))).toBe("TWIN_ERR_VALIDATION");
    expect(code(() => mcfNonparametric([{ failureTimes: [], retirementTime: 8 }]))).toBe("FIT_ERR_INSUFFICIENT_DATA");
    expect(code(() => mcfNonparametric([]))).toBe("FIT_ERR_INSUFFICIENT_DATA");
    expect(code(() => mcfNonparametric(systems(MCF_1), 0))).toBe("TWIN_ERR_VALIDATION");
  });
});

describe("mcfParametric", () => {
  it("reproduces reliability's MCF_parametric fit of MCF_1 (docs print α = 11.980589826209348, β = 1.6736221860957468)", () => {
    const p = mcfParametric(systems(MCF_1));
    // curve_fit stops at its default xtol/ftol 1.49e-8; our Gauss–Newton converges further and lands on a
    // sum of squares 5e-13 lower. The two agree to about 2.4e-7 relative, so assert at 1e-6.
    const rel = (a: number, e: number): number => Math.abs(a - e) / Math.abs(e);
    expect(rel(p.alpha, 11.980589826209348)).toBeLessThan(1e-6);
    expect(rel(p.beta, 1.6736221860957468)).toBeLessThan(1e-6);
    expect(rel(p.covAlphaBeta, 0.034638880600157955)).toBeLessThan(1e-6);
    expect(rel(p.alphaLower, 11.219187030973842)).toBeLessThan(1e-6);
    expect(rel(p.alphaUpper, 12.793666081829453)).toBeLessThan(1e-6);
    expect(rel(p.betaLower, 1.4980169559010625)).toBeLessThan(1e-6);
    expect(rel(p.betaUpper, 1.8698127619704332)).toBeLessThan(1e-6);
    expect(p.points.reduce((s, q) => s + q.time, 0)).toBe(214);
    expect(p.trend).toBe("worsening");
    expect(p.mcfAt(p.alpha)).toBeCloseTo(1, 12);
  });

  it("is at a least-squares minimum: the gradient of the sum of squares vanishes", () => {
    const p = mcfParametric(systems(MCF_1));
    const ssr = (a: number, b: number): number => p.points.reduce((s, q) => s + (q.mcf - (q.time / a) ** b) ** 2, 0);
    const h = 1e-6;
    const ga = (ssr(p.alpha * (1 + h), p.beta) - ssr(p.alpha * (1 - h), p.beta)) / (2 * h);
    const gb = (ssr(p.alpha, p.beta * (1 + h)) - ssr(p.alpha, p.beta * (1 - h))) / (2 * h);
    expect(Math.abs(ga)).toBeLessThan(1e-8);
    expect(Math.abs(gb)).toBeLessThan(1e-8);
  });
});

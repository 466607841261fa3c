/**
 * Levenberg–Marquardt against NIST StRD nonlinear regression problems (https://www.itl.nist.gov/div898/strd/nls/):
 * data, both published starting points and the certified values (11 significant digits) typed in from the
 * problem pages. Then bounds, identifiability refusals and the Student t quantile the intervals use.
 */
import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/errorOf.ts";
import { studentTTwoSidedQuantile as studentTQuantile, studentTTwoSidedCdf } from "../reliability/studentT.ts";
import { levenbergMarquardt } from "./lm.ts";

/** Relative agreement to `digits` significant digits. */
function expectDigits(actual: number, certified: number, digits: number): void {
  expect(Math.abs(actual - certified) / Math.abs(certified)).toBeLessThan(0.5 * 10 ** (1 - digits));
}

const exponential = (xs: number[]) => (b: readonly number[]) => xs.map((x) => b[0]! * (1 - Math.exp(-b[1]! * x)));

describe("NIST StRD Misra1a (lower difficulty): y = b1·(1 − exp(−b2·x)), 14 observations", () => {
  const x = [77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8, 477.3, 536.8, 593.1, 689.1, 760.0];
  const y = [10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82, 50.76, 55.05, 61.01, 66.4, 75.47, 81.78];
  const fitMisra = (start: [number, number]) =>
    levenbergMarquardt({
      parameters: [
        { name: "b1", initial: start[0] },
        { name: "b2", initial: start[1] },
      ],
      observed: y,
      model: exponential(x),
    });

  it.each([
    ["start 1", [500, 1e-4] as [number, number]],
    ["start 2", [250, 5e-4] as [number, number]],
  ])("%s reaches the certified values", (_name, start) => {
    const r = fitMisra(start);
    expect(r.converged).toBe(true);
    // Certified: b1 = 2.3894212918E+02 ± 2.7070075241E+00, b2 = 5.5015643181E-04 ± 7.2668688436E-06.
    expectDigits(r.estimates.b1!.value, 2.3894212918e2, 8);
    expectDigits(r.estimates.b2!.value, 5.5015643181e-4, 8);
    expectDigits(r.estimates.b1!.standardError, 2.7070075241, 7);
    expectDigits(r.estimates.b2!.standardError, 7.2668688436e-6, 7);
    // Residual sum of squares 1.2455138894E-01, residual sd 1.0187876330E-01, 12 degrees of freedom.
    expectDigits(r.chiSquare, 1.2455138894e-1, 10);
    expectDigits(Math.sqrt(r.chiSquare / r.dof), 1.018787633e-1, 10);
    expect(r.dof).toBe(12);
    // 95 % interval b ± t(0.975, 12)·SE, t = 2.178813.
    expect(r.quantile).toBeCloseTo(2.178813, 6);
    expect(r.estimates.b1!.lower).toBeCloseTo(238.94212918 - 2.178813 * 2.7070075241, 4);
    expect(r.correlation[0]![1]).toBeLessThan(-0.99);
  });
});

describe("NIST StRD DanWood (lower difficulty): y = b1·x^b2, 6 observations", () => {
  const x = [1.309, 1.471, 1.49, 1.565, 1.611, 1.68];
  const y = [2.138, 3.421, 3.597, 4.34, 4.882, 5.66];
  it.each([
    ["start 1", [1, 5]],
    ["start 2", [0.7, 4]],
  ])("%s reaches the certified values", (_name, start) => {
    const r = levenbergMarquardt({
      parameters: [
        { name: "b1", initial: start[0]! },
        { name: "b2", initial: start[1]! },
      ],
      observed: y,
      model: (b) => x.map((xi) => b[0]! * xi ** b[1]!),
    });
    expectDigits(r.estimates.b1!.value, 7.6886226176e-1, 9);
    expectDigits(r.estimates.b2!.value, 3.8604055871, 9);
    expectDigits(r.estimates.b1!.standardError, 1.828197386e-2, 8);
    expectDigits(r.estimates.b2!.standardError, 5.1726610913e-2, 8);
    expectDigits(r.chiSquare, 4.3173084083e-3, 10);
  });
});

describe("NIST StRD BoxBOD (higher difficulty): y = b1·(1 − exp(−b2·x)), 6 observations", () => {
  it("start 2 reaches the certified values", () => {
    const r = levenbergMarquardt({
      parameters: [
        { name: "b1", initial: 100 },
        { name: "b2", initial: 0.75 },
      ],
      observed: [109, 149, 149, 191, 213, 224],
      model: exponential([1, 2, 3, 5, 7, 10]),
    });
    expectDigits(r.estimates.b1!.value, 2.1380940889e2, 8);
    expectDigits(r.estimates.b2!.value, 5.4723748542e-1, 8);
    expectDigits(r.estimates.b1!.standardError, 1.2354515176e1, 7);
    expectDigits(r.estimates.b2!.standardError, 1.0455993237e-1, 7);
    expectDigits(r.chiSquare, 1.1680088766e3, 10);
  });

  it("start 1 runs into the b2 → ∞ plateau (f = b1 everywhere) and says b2 is not identifiable there", () => {
    const e = errorOf(() =>
      levenbergMarquardt({
        parameters: [
          { name: "b1", initial: 1 },
          { name: "b2", initial: 1 },
        ],
        observed: [109, 149, 149, 191, 213, 224],
        model: exponential([1, 2, 3, 5, 7, 10]),
      }),
    );
    expect(e.code).toBe("FIT_ERR_INSUFFICIENT_DATA");
    expect(e.details[0]!.field).toBe("parameters.b2");
  });
});

describe("bounds by reparametrisation", () => {
  const x = [77.6, 114.9, 141.1, 190.8, 239.9, 289.0, 332.8, 378.4, 434.8, 477.3, 536.8, 593.1, 689.1, 760.0];
  const y = [10.07, 14.73, 17.94, 23.93, 29.61, 35.18, 40.02, 44.82, 50.76, 55.05, 61.01, 66.4, 75.47, 81.78];

  it("an interior optimum is unchanged by bounds around it (logistic and log-logistic maps)", () => {
    const r = levenbergMarquardt({
      parameters: [
        { name: "b1", initial: 300, lower: 100, upper: 1000, scale: "log" },
        { name: "b2", initial: 1e-4, lower: 0, upper: 0.01 },
      ],
      observed: y,
      model: exponential(x),
    });
    expectDigits(r.estimates.b1!.value, 2.3894212918e2, 7);
    expectDigits(r.estimates.b2!.standardError, 7.2668688436e-6, 6);
    // Intervals come from the transformed scale: inside the bounds and around the estimate.
    expect(r.estimates.b1!.lower).toBeGreaterThan(100);
    expect(r.estimates.b1!.lower).toBeLessThan(238.94);
    expect(r.estimates.b1!.upper).toBeGreaterThan(238.95);
  });

  it("an optimum beyond a bound ends at the bound, and its interval stays inside", () => {
    const r = levenbergMarquardt({
      parameters: [
        { name: "b1", initial: 200, lower: 150, upper: 230 },
        { name: "b2", initial: 5e-4, lower: 0 },
      ],
      observed: y,
      model: exponential(x),
    });
    expect(r.estimates.b1!.value).toBeGreaterThan(229.9);
    expect(r.estimates.b1!.value).toBeLessThanOrEqual(230);
    expect(r.estimates.b1!.upper).toBeLessThanOrEqual(230);
    expect(r.estimates.b2!.value).toBeGreaterThan(5.5015643181e-4);
    for (const e of Object.values(r.estimates)) {
      for (const v of Object.values(e)) expect(Number.isFinite(v)).toBe(true);
    }
  });
});

describe("identifiability and bad input", () => {
  const x = [1, 2, 3, 4, 5, 6];
  const y = [2.1, 3.9, 6.2, 8.1, 9.8, 12.1];

  it("refuses confounded parameters (y = a·b·x) naming both and the observations", () => {
    const e = errorOf(() =>
      levenbergMarquardt({
        parameters: [
          { name: "a", initial: 1 },
          { name: "b", initial: 1.5 },
        ],
        observed: y,
        groups: x.map(() => "peakInjectionPressureMPa"),
        model: (p) => x.map((xi) => p[0]! * p[1]! * xi),
      }),
    );
    expect(e.code).toBe("FIT_ERR_INSUFFICIENT_DATA");
    expect(e.details.map((d) => d.field)).toEqual(["parameters.a", "parameters.b"]);
    expect(e.message).toContain("peakInjectionPressureMPa × 6");
    expect(e.message).toContain("confounded");
  });

  it("refuses a parameter no observation depends on, before iterating", () => {
    const e = errorOf(() =>
      levenbergMarquardt({
        parameters: [
          { name: "slope", initial: 1 },
          { name: "unused", initial: 3 },
        ],
        observed: y,
        model: (p) => x.map((xi) => p[0]! * xi),
      }),
    );
    expect(e.code).toBe("FIT_ERR_INSUFFICIENT_DATA");
    expect(e.details).toHaveLength(1);
    expect(e.details[0]!.field).toBe("parameters.unused");
  });

  it("needs more observations than parameters, finite data and positive sds", () => {
    const model = (p: readonly number[]) => [p[0]!, p[1]!];
    const few = errorOf(() =>
      levenbergMarquardt({
        parameters: [
          { name: "a", initial: 1 },
          { name: "b", initial: 1 },
        ],
        observed: [1, 2],
        model,
      }),
    );
    expect(few.code).toBe("FIT_ERR_INSUFFICIENT_DATA");
    expect(few.details[0]!.field).toBe("observed");
    const bad = errorOf(() =>
      levenbergMarquardt({
        parameters: [{ name: "a", initial: 1 }],
        observed: [1, Number.NaN, 3],
        sd: [1, 1, 0],
        model: (p) => [p[0]!, p[0]!, p[0]!],
      }),
    );
    expect(bad.code).toBe("TWIN_ERR_VALIDATION");
    expect(bad.details.map((d) => d.field)).toEqual(["observed[1]", "sd[2]"]);
  });

  it("weights: σ² known (sd = 1) gives the textbook straight-line SE", () => {
    // y = a + b·x with sd 1: Var(b) = 1/Σ(x − x̄)² = 1/17.5.
    const r = levenbergMarquardt(
      {
        parameters: [
          { name: "a", initial: 0 },
          { name: "b", initial: 1 },
        ],
        observed: y,
        model: (p) => x.map((xi) => p[0]! + p[1]! * xi),
      },
      { variance: "known" },
    );
    expect(r.estimates.b!.standardError).toBeCloseTo(Math.sqrt(1 / 17.5), 9);
    expect(r.estimates.b!.value).toBeCloseTo(1.9886, 4);
    expect(r.varianceFactor).toBe(1);
  });
});

describe("Student t quantile (exact series, A&S 26.7.3/4)", () => {
  it("matches the printed table", () => {
    expect(studentTQuantile(0.95, 1)).toBeCloseTo(12.7062, 4);
    expect(studentTQuantile(0.95, 2)).toBeCloseTo(4.3027, 4);
    expect(studentTQuantile(0.95, 4)).toBeCloseTo(2.7764, 4);
    expect(studentTQuantile(0.95, 12)).toBeCloseTo(2.1788, 4);
    expect(studentTQuantile(0.95, 30)).toBeCloseTo(2.0423, 4);
    expect(studentTQuantile(0.99, 10)).toBeCloseTo(3.1693, 4);
    expect(studentTQuantile(0.95, 1e6)).toBeCloseTo(1.959966, 5);
    // The exact series and the Cornish–Fisher expansion agree where they meet.
    expect(studentTQuantile(0.95, 2000)).toBeCloseTo(studentTQuantile(0.95, 2001), 5);
    expect(studentTTwoSidedCdf(2.776445105, 4)).toBeCloseTo(0.95, 9);
  });
});

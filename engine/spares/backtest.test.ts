import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/errorOf.ts";
import {
  bestMethod,
  defaultMinTrain,
  forecastIntermittent,
  INTERMITTENT_METHODS,
  rollingOriginBacktest,
} from "./intermittent.ts";

const SEED_ENV = process.env.MOLDTWIN_PROPERTY_SEED ?? "20261121";
if (SEED_ENV !== "random") fc.configureGlobal({ seed: Number(SEED_ENV) });
const RUNS = Number(process.env.MOLDTWIN_PROPERTY_RUNS ?? 100);

describe("rollingOriginBacktest", () => {
  it("matches a hand computation: Croston α = β = 0.5, minTrain 4, horizon 2", () => {
    // y = [0, 2, 0, 0, 3, 0, 1, 0]; origins o = 4, 5, 6 (N − h = 6).
    // o = 4: train [0, 2, 0, 0]: z = 2, p = 2 → f = 1.  o = 5: demand 3 after q = 3: z = 2.5, p = 2.5 → f = 1.
    // o = 6: a zero adds nothing → f = 1.
    // Errors f − y: o = 4: (1 − 3, 1 − 0) = (−2, 1); o = 5: (1, 0); o = 6: (0, 1).
    // MAE = 5/6; scale = (|2 − 0| + |0 − 2| + |0 − 0|)/3 = 4/3 → MASE = 5/8.
    // mean error = 1/6, ȳ = 6/8 → bias = 2/9. One-step errors −2, 1, 0 → cumulative −2, −1, −1 → PIS = −4,
    // sPIS = −4/0.75 = −16/3.
    const y = [0, 2, 0, 0, 3, 0, 1, 0];
    const r = rollingOriginBacktest(y, "croston", { alpha: 0.5, beta: 0.5, minTrain: 4, horizon: 2 });
    expect(r.origins).toBe(3);
    expect(r.mae).toBeCloseTo(5 / 6, 14);
    expect(r.scale).toBeCloseTo(4 / 3, 14);
    expect(r.scaleBasis).toBe("naive");
    expect(r.mase).toBeCloseTo(5 / 8, 14);
    expect(r.meanDemand).toBe(0.75);
    expect(r.bias).toBeCloseTo(2 / 9, 14);
    expect(r.spis).toBeCloseTo(-16 / 3, 14);
    expect(r).toMatchObject({ method: "croston", minTrain: 4, horizon: 2 });
  });

  it("each origin sees only the data before it (the forecast of the prefix)", () => {
    const y = [0, 0, 3, 0, 4, 0, 0, 0, 2, 0, 1, 0];
    const r = rollingOriginBacktest(y, "tsb", { minTrain: 10 });
    const f10 = forecastIntermittent(y.slice(0, 10), "tsb").forecast;
    const f11 = forecastIntermittent(y.slice(0, 11), "tsb").forecast;
    expect(r.origins).toBe(2);
    expect(r.mae).toBeCloseTo((Math.abs(f10 - 1) + Math.abs(f11 - 0)) / 2, 14);
  });

  it("a constant series: MASE 0, bias 0 and sPIS 0 for Croston, TSB, ADIDA and IMAPA", () => {
    const y = Array(12).fill(4);
    for (const m of ["croston", "tsb", "adida", "imapa"] as const) {
      const r = rollingOriginBacktest(y, m, { horizon: 3 });
      expect(r).toMatchObject({ mase: 0, bias: 0, spis: 0, mae: 0, origins: 12 - 3 - 6 + 1, minTrain: 6 });
    }
  });

  it("a constant series: SBA's bias is −β/2 and MASE falls back to the mean-demand scale", () => {
    // f = 0.95·4 = 3.8 at every origin: e = −0.2; the naive in-sample error is 0, so scale = ȳ = 4.
    const y = Array(12).fill(4);
    const r = rollingOriginBacktest(y, "sba");
    expect(r.scaleBasis).toBe("meanDemand");
    expect(r.scale).toBe(4);
    expect(r.mae).toBeCloseTo(0.2, 14);
    expect(r.mase).toBeCloseTo(0.05, 14);
    expect(r.bias).toBeCloseTo(-0.05, 14);
    // Six origins, one-step errors −0.2 each: PIS = −0.2·(1 + 2 + … + 6) = −4.2 → sPIS = −1.05.
    expect(r.spis).toBeCloseTo(-1.05, 13);
  });

  it("a series without demand scores 0 everywhere", () => {
    const r = rollingOriginBacktest(Array(10).fill(0), "imapa");
    expect(r).toMatchObject({ mase: 0, bias: 0, spis: 0, mae: 0, meanDemand: 0 });
  });

  it("defaults: minTrain = max(2, ⌈N/2⌉), horizon 1", () => {
    expect(defaultMinTrain(3)).toBe(2);
    expect(defaultMinTrain(25)).toBe(13);
    const r = rollingOriginBacktest([0, 1, 0, 2, 0, 0, 3, 1, 0], "sba");
    expect(r).toMatchObject({ minTrain: 5, horizon: 1, origins: 4 });
  });

  it("too short a series is FIT_ERR_INSUFFICIENT_DATA; bad minTrain / horizon TWIN_ERR_VALIDATION", () => {
    const short = errorOf(() => rollingOriginBacktest([1, 0], "croston"));
    expect(short.code).toBe("FIT_ERR_INSUFFICIENT_DATA");
    expect(short.details[0]!.allowed).toContain("minTrain + horizon = 3");
    expect(errorOf(() => rollingOriginBacktest([1, 0, 1, 0], "croston", { minTrain: 1 })).details[0]!.field).toBe(
      "minTrain",
    );
    expect(errorOf(() => rollingOriginBacktest([1, 0, 1, 0], "croston", { horizon: 0 })).details[0]!.field).toBe(
      "horizon",
    );
    expect(errorOf(() => rollingOriginBacktest([1, 0, 1, 0], "croston", { horizon: 1.5 })).code).toBe(
      "TWIN_ERR_VALIDATION",
    );
  });
});

describe("bestMethod", () => {
  const y = [0, 0, 3, 0, 0, 0, 2, 0, 1, 0, 0, 4, 0, 0, 2, 0, 0, 0, 1, 0, 3, 0, 0, 1];

  it("backtests all six and ranks them by MASE, best first", () => {
    const { best, results } = bestMethod(y);
    expect(results.map((r) => r.method).sort()).toEqual([...INTERMITTENT_METHODS].sort());
    expect(best).toBe(results[0]!.method);
    for (let i = 1; i < results.length; i++) expect(results[i]!.mase).toBeGreaterThanOrEqual(results[i - 1]!.mase);
    for (const r of results) expect(r).toEqual(rollingOriginBacktest(y, r.method));
  });

  it("ties on MASE are broken by |bias|; candidates can be restricted", () => {
    // On a constant series Croston, TSB, ADIDA and IMAPA are perfect (MASE 0, bias 0); SBA (bias −0.05) ranks
    // before SBJ (bias −β/(2 − β) = −1/19).
    const { best, results } = bestMethod(Array(12).fill(4));
    expect(best).toBe("croston");
    expect(results.slice(4).map((r) => r.method)).toEqual(["sba", "sbj"]);
    expect(results[5]!.bias).toBeCloseTo(-1 / 19, 14);
    expect(bestMethod(y, ["sba", "tsb"]).results).toHaveLength(2);
    expect(errorOf(() => bestMethod(y, [])).details[0]!.field).toBe("candidates");
  });

  it("MASE, bias and sPIS do not change when the series is scaled (property)", () => {
    const series = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 20 })), {
      minLength: 6,
      maxLength: 30,
    });
    fc.assert(
      fc.property(
        series,
        fc.constantFrom(...INTERMITTENT_METHODS),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (s, m, c) => {
          const a = rollingOriginBacktest(s, m);
          const b = rollingOriginBacktest(
            s.map((v) => c * v),
            m,
          );
          for (const k of ["mase", "bias", "spis"] as const) {
            expect(Number.isFinite(b[k])).toBe(true);
            expect(Math.abs(b[k] - a[k])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(a[k])));
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/errorOf.ts";
import {
  forecastIntermittent,
  INTERMITTENT_METHODS,
  type IntermittentMethod,
  roundHalfEven,
  simpleExponentialSmoothing,
} from "./intermittent.ts";

const SEED_ENV = process.env.MOLDTWIN_PROPERTY_SEED ?? "20261121";
if (SEED_ENV !== "random") fc.configureGlobal({ seed: Number(SEED_ENV) });
const RUNS = Number(process.env.MOLDTWIN_PROPERTY_RUNS ?? 200);

/** Every entry to 12 digits; null where the method has no forecast yet. */
function expectSeries(actual: (number | null)[], expected: (number | null)[]): void {
  expect(actual).toHaveLength(expected.length);
  expected.forEach((e, i) => {
    if (e === null) expect(actual[i], `fitted[${i}]`).toBeNull();
    else expect(actual[i], `fitted[${i}]`).toBeCloseTo(e, 12);
  });
}

/** A value printed to a few digits (pmrgn asserts rtol 1e-5 on its own numbers): relative 1e-5. */
function expectPrinted(actual: number | null | undefined, printed: number): void {
  expect(actual).toBeTypeOf("number");
  expect(Math.abs((actual as number) - printed)).toBeLessThanOrEqual(1e-5 * Math.abs(printed));
}

// The short series of the brief: demands of 3, 2 and 1 at periods 2, 6 and 8.
const Y = [0, 0, 3, 0, 0, 0, 2, 0, 1, 0];

describe("forecastIntermittent matches hand-computed recursions (α = β = 0.1, the defaults)", () => {
  // Croston: init at i₀ = 2: z = 3, p = i₀ + 1 = 3 → 3/3 = 1 for periods 3 … 6.
  // t = 6, y = 2, q = 6 − 2 = 4: z = 3 + 0.1·(2 − 3) = 2.9, p = 3 + 0.1·(4 − 3) = 3.1 → 2.9/3.1 for periods 7, 8.
  // t = 8, y = 1, q = 8 − 6 = 2: z = 2.9 + 0.1·(1 − 2.9) = 2.71, p = 3.1 + 0.1·(2 − 3.1) = 2.99 → 2.71/2.99.
  const croston = [null, null, null, 1, 1, 1, 1, 2.9 / 3.1, 2.9 / 3.1, 2.71 / 2.99];

  it("Croston", () => {
    const r = forecastIntermittent(Y, "croston");
    expectSeries(r.fitted, croston);
    expect(r.forecast).toBeCloseTo(2.71 / 2.99, 12);
    expect(r.params.alpha).toBe(0.1);
    expect(r.params.beta).toBe(0.1);
    expect(r.params.size).toBeCloseTo(2.71, 12);
    expect(r.params.interval).toBeCloseTo(2.99, 12);
    expect(r.params.biasFactor).toBe(1);
    expect(r.notes).toEqual([]);
  });

  it("SBA = Croston × (1 − β/2) = × 0.95", () => {
    const r = forecastIntermittent(Y, "sba");
    expectSeries(
      r.fitted,
      croston.map((v) => (v === null ? null : 0.95 * v)),
    );
    expect(r.forecast).toBeCloseTo((0.95 * 2.71) / 2.99, 12);
    expect(r.params.biasFactor).toBeCloseTo(0.95, 15);
  });

  it("SBJ = Croston × (1 − β/(2 − β)) = × 18/19", () => {
    const r = forecastIntermittent(Y, "sbj");
    expectSeries(
      r.fitted,
      croston.map((v) => (v === null ? null : (18 / 19) * v)),
    );
    expect(r.forecast).toBeCloseTo(((18 / 19) * 2.71) / 2.99, 12);
  });

  it("TSB: p₀ = 1/(i₀ + 1) = 1/3 updated every period, z = first size updated on demand", () => {
    // p after each period: 0 → 0.3, 0 → 0.27, 3 → 0.27 + 0.1·0.73 = 0.343, 0 → 0.3087, 0 → 0.27783,
    // 0 → 0.250047, 2 → 0.250047 + 0.1·0.749953 = 0.3250423, 0 → 0.29253807,
    // 1 → 0.29253807 + 0.1·0.70746193 = 0.363284263, 0 → 0.3269558367.
    // z: 3 until period 6, then 3 + 0.1·(2 − 3) = 2.9, after period 8 2.9 + 0.1·(1 − 2.9) = 2.71.
    const r = forecastIntermittent(Y, "tsb");
    expectSeries(r.fitted, [
      null,
      0.3 * 3,
      0.27 * 3,
      0.343 * 3,
      0.3087 * 3,
      0.27783 * 3,
      0.250047 * 3,
      0.3250423 * 2.9,
      0.29253807 * 2.9,
      0.363284263 * 2.71,
    ]);
    expect(r.forecast).toBeCloseTo(0.3269558367 * 2.71, 12);
    expect(r.params.probability).toBeCloseTo(0.3269558367, 12);
    expect(r.params.size).toBeCloseTo(2.71, 12);
  });

  it("ADIDA: k = round((8 + 1)/3) = 3, blocks aligned to the end, SES α = 0.1 on the sums", () => {
    // N = 10, 10 mod 3 = 1: y₀ dropped; blocks (y1..y3, y4..y6, y7..y9) = (3, 2, 1).
    // SES: level 3 → forecast of block 1 = 3 (1 per period); level 3 + 0.1·(2 − 3) = 2.9 → block 2: 2.9/3 per
    // period; level 2.9 + 0.1·(1 − 2.9) = 2.71 → next block 2.71, per period 2.71/3.
    const r = forecastIntermittent(Y, "adida");
    expectSeries(r.fitted, [null, null, null, null, 1, 1, 1, 2.9 / 3, 2.9 / 3, 2.9 / 3]);
    expect(r.forecast).toBeCloseTo(2.71 / 3, 12);
    expect(r.params).toEqual({ alpha: 0.1, aggregation: 3, aggregateForecast: expect.closeTo(2.71, 12) });
  });

  it("IMAPA: the mean of ADIDA at levels 1, 2, 3", () => {
    // Level 1 (SES on y, level starts at y₀ = 0): fitted 0, 0, 0.3, 0.27, 0.243, 0.2187, 0.39683, 0.357147,
    // 0.4214323 for periods 1 … 9; forecast 0.4214323·0.9 = 0.37928907.
    // Level 2 (blocks 0, 3, 0, 2, 1): block forecasts 0, 0.3, 0.27, 0.443, next 0.4987 → per period /2.
    // Level 3: as ADIDA above. Periods 0 … 3 have no level-3 forecast, so the mean is null there.
    const r = forecastIntermittent(Y, "imapa");
    expectSeries(r.fitted, [
      null,
      null,
      null,
      null,
      (0.27 + 0.3 / 2 + 1) / 3,
      (0.243 + 0.3 / 2 + 1) / 3,
      (0.2187 + 0.27 / 2 + 1) / 3,
      (0.39683 + 0.27 / 2 + 2.9 / 3) / 3,
      (0.357147 + 0.443 / 2 + 2.9 / 3) / 3,
      (0.4214323 + 0.443 / 2 + 2.9 / 3) / 3,
    ]);
    expect(r.forecast).toBeCloseTo((0.37928907 + 0.4987 / 2 + 2.71 / 3) / 3, 12);
    expect(r.params).toEqual({ alpha: 0.1, maxAggregation: 3 });
  });
});

describe("reproduces pmrgn/intermittent-forecast tests/test_croston.py (series [0, 0, 3, 0, 4, 0, 0, 0, 2, 0])", () => {
  // The published arrays are forecast(start = 0, end = N) (TSB: end = N + 1): fitted values for periods 0 … 9, then
  // the out-of-sample forecast; NaN there is null here.
  const TS = [0, 0, 3, 0, 4, 0, 0, 0, 2, 0];
  const published: Record<string, { options: { alpha: number; beta: number }; values: (number | null)[] }> = {
    croston: {
      options: { alpha: 0.5, beta: 0.2 },
      values: [null, null, null, 1, 1, 1.25, 1.25, 1.25, 1.25, 0.904605, 0.904605],
    },
    sba: {
      options: { alpha: 0.5, beta: 0.2 },
      values: [null, null, null, 0.9, 0.9, 1.125, 1.125, 1.125, 1.125, 0.8141447, 0.8141447],
    },
    sbj: {
      options: { alpha: 0.5, beta: 0.2 },
      values: [null, null, null, 0.888888, 0.888888, 1.111111, 1.111111, 1.111111, 1.111111, 0.804093, 0.804093],
    },
    tsb: {
      options: { alpha: 0.3, beta: 0.1 },
      values: [
        null,
        0.9,
        0.81,
        1.029,
        0.9261,
        1.246839,
        1.1221551,
        1.0099396,
        0.9089456,
        1.0123723,
        0.9111351,
        0.9111351,
      ],
    },
  };
  for (const [method, { options, values }] of Object.entries(published)) {
    it(`${method} with α = ${options.alpha}, β = ${options.beta}`, () => {
      const r = forecastIntermittent(TS, method as IntermittentMethod, options);
      const ours = [...r.fitted, r.forecast];
      for (let i = 0; i < TS.length + 1; i++) {
        const p = values[i]!;
        if (p === null) expect(ours[i]).toBeNull();
        else expectPrinted(ours[i], p);
      }
      // TSB's extra published entry is the second step of the flat path.
      if (values.length > TS.length + 1) expectPrinted(r.forecast, values[TS.length + 1]!);
    });
  }

  it("the Croston state behind 0.904605 is exactly z = 2.75, p = 3.04", () => {
    const r = forecastIntermittent(TS, "croston", { alpha: 0.5, beta: 0.2 });
    expect(r.params.size).toBeCloseTo(2.75, 14);
    expect(r.params.interval).toBeCloseTo(3.04, 14);
    expect(r.forecast).toBeCloseTo(2.75 / 3.04, 14);
  });
});

describe("SES and ADIDA against pmrgn/intermittent-forecast's published SES and ADIDA numbers", () => {
  it("SES α = 0.3 (tests/forecasters/test_simple_exponential_smoothing.py)", () => {
    const ts = [40, 28, 35, 41, 33, 21, 37, 20, 28, 31, 31, 22];
    const r = simpleExponentialSmoothing(ts, 0.3);
    // pmrgn's fitted[0] = 40 is its initial level; we report no forecast for period 0.
    expect(Number.isNaN(r.fitted[0]!)).toBe(true);
    const published = [
      40.0, 36.4, 35.98, 37.486, 36.1402, 31.59814, 33.218698, 29.2530886, 28.877162, 29.5140134, 29.9598093,
    ];
    for (let i = 0; i < published.length; i++) expectPrinted(r.fitted[i + 1], published[i]!);
    expectPrinted(r.forecast, 27.571866);
  });

  it("ADIDA k = 7, SES α = 0.3: the next block 8.497 (the docstring example of aggregators/adida.py)", () => {
    // pmrgn prints the seasonal disaggregation of the next block, 0.97108571, 0.24277143, 1.21385714, 4.12711429,
    // 1.6994, 0, 0.24277143: they sum to the block forecast 8.497 (blocks 7, 8, 12, 8; SES 7 → 7 → 7.3 → 8.71 →
    // 8.497). moldtwin disaggregates uniformly: 8.497 / 7 per period.
    const ts = [3, 0, 0, 4, 0, 0, 0, 1, 0, 5, 1, 1, 0, 0, 0, 0, 0, 8, 3, 0, 1, 0, 1, 0, 4, 3, 0, 0];
    const seasonal = [0.97108571, 0.24277143, 1.21385714, 4.12711429, 1.6994, 0, 0.24277143];
    const r = forecastIntermittent(ts, "adida", { alpha: 0.3, aggregation: 7 });
    expectPrinted(
      r.params.aggregateForecast,
      seasonal.reduce((a, b) => a + b, 0),
    );
    expect(r.params.aggregateForecast).toBeCloseTo(8.497, 12);
    expect(r.forecast).toBeCloseTo(8.497 / 7, 12);
    // Fitted: the first block has none; blocks 2, 3, 4 get 7, 7.3, 8.71 spread over 7 periods.
    expect(r.fitted.slice(0, 7)).toEqual(Array(7).fill(null));
    expect(r.fitted[7]).toBeCloseTo(1, 12);
    expect(r.fitted[14]).toBeCloseTo(7.3 / 7, 12);
    expect(r.fitted[27]).toBeCloseTo(8.71 / 7, 12);
  });

  it("block aggregation drops the head so that blocks end with the series (pmrgn tests/test_adida.py)", () => {
    // pmrgn's block_aggregation of [0, 3, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0, 0, 4, 0] at size 4 is [5, 2, 4]: the
    // first 15 mod 4 = 3 periods are dropped. With α = 1 the SES forecast of each block is the previous block.
    const ts = [0, 3, 0, 0, 5, 0, 0, 0, 2, 0, 0, 0, 0, 4, 0];
    const r = forecastIntermittent(ts, "adida", { alpha: 1, aggregation: 4 });
    expect(r.fitted.slice(0, 7)).toEqual(Array(7).fill(null));
    expectSeries(r.fitted.slice(7), [5 / 4, 5 / 4, 5 / 4, 5 / 4, 2 / 4, 2 / 4, 2 / 4, 2 / 4]);
    expect(r.forecast).toBe(1);
  });

  it("the aggregation level rounds half to even, as statsforecast's round(mean_interval)", () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, 4, 2, 3]);
    // Demands at periods 1 and 4: mean interval (4 + 1)/2 = 2.5 → level 2 (Math.round would give 3).
    expect(forecastIntermittent([0, 1, 0, 0, 1, 0], "adida").params.aggregation).toBe(2);
    expect(forecastIntermittent([0, 1, 0, 0, 1, 0], "imapa").params.maxAggregation).toBe(2);
  });
});

describe("special cases and validation", () => {
  it("a series without demand forecasts 0 with every fitted value null and a note, for every method", () => {
    for (const m of INTERMITTENT_METHODS) {
      const r = forecastIntermittent([0, 0, 0, 0], m);
      expect(r.forecast).toBe(0);
      expect(r.fitted).toEqual([null, null, null, null]);
      expect(r.notes[0]).toContain("no demand");
    }
  });

  it("a single demand in the last period: Croston forecasts y/N, TSB (1/N)·(1 − β) + β times y", () => {
    const y = [0, 0, 0, 4];
    expect(forecastIntermittent(y, "croston").forecast).toBeCloseTo(1, 14);
    expect(forecastIntermittent(y, "croston").fitted).toEqual([null, null, null, null]);
    // TSB: p = 1/4, then 0.9·p three times, then p + 0.1·(1 − p) at the demand.
    const p = 0.25 * 0.9 ** 3;
    expect(forecastIntermittent(y, "tsb").forecast).toBeCloseTo((p + 0.1 * (1 - p)) * 4, 14);
    expect(forecastIntermittent(y, "tsb").notes[0]).toContain("single demand");
  });

  it("a smooth constant series: Croston, TSB, ADIDA and IMAPA forecast the constant; SBA (1 − β/2) of it", () => {
    const y = Array(8).fill(5);
    for (const m of ["croston", "tsb", "adida", "imapa"] as const) {
      expect(forecastIntermittent(y, m).forecast).toBeCloseTo(5, 14);
    }
    expect(forecastIntermittent(y, "sba", { beta: 0.2 }).forecast).toBeCloseTo(4.5, 14);
  });

  it("bad values are TWIN_ERR_VALIDATION naming demand[i]; an empty series FIT_ERR_INSUFFICIENT_DATA", () => {
    const e = errorOf(() => forecastIntermittent([1, -1, Number.NaN, 2, Number.POSITIVE_INFINITY], "croston"));
    expect(e.code).toBe("TWIN_ERR_VALIDATION");
    expect(e.details.map((d) => d.field)).toEqual(["demand[1]", "demand[2]", "demand[4]"]);
    expect(errorOf(() => forecastIntermittent([], "sba")).code).toBe("FIT_ERR_INSUFFICIENT_DATA");
  });

  it("α and β must lie in (0, 1]; the aggregation level in 1 … N; the method must exist", () => {
    for (const [options, field] of [
      [{ alpha: 0 }, "alpha"],
      [{ alpha: 1.5 }, "alpha"],
      [{ alpha: Number.NaN }, "alpha"],
      [{ beta: -0.1 }, "beta"],
    ] as const) {
      const e = errorOf(() => forecastIntermittent(Y, "tsb", options));
      expect(e.code).toBe("TWIN_ERR_VALIDATION");
      expect(e.details[0]!.field).toBe(field);
      expect(e.details[0]!.allowed).toBe("a number in (0, 1]");
    }
    expect(forecastIntermittent(Y, "croston", { alpha: 1, beta: 1 }).forecast).toBeCloseTo(1 / 2, 14);
    for (const aggregation of [0, 2.5, 11]) {
      expect(errorOf(() => forecastIntermittent(Y, "adida", { aggregation })).details[0]!.field).toBe("aggregation");
    }
    const e = errorOf(() => forecastIntermittent(Y, "holt" as IntermittentMethod));
    expect(e.details[0]!.field).toBe("method");
  });
});

describe("properties", () => {
  // Intermittent-looking series: mostly zeros, some sizes, lengths 1 … 40.
  const series = fc.array(
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(0) },
      { weight: 2, arbitrary: fc.integer({ min: 1, max: 50 }) },
      { weight: 1, arbitrary: fc.double({ min: 0.01, max: 1000, noNaN: true }) },
    ),
    { minLength: 1, maxLength: 40 },
  );
  const method = fc.constantFrom(...INTERMITTENT_METHODS);
  const smoothingConstant = fc.double({ min: 0.01, max: 1, noNaN: true });

  it("forecasts and fitted values are finite and ≥ 0", () => {
    fc.assert(
      fc.property(series, method, smoothingConstant, smoothingConstant, (y, m, alpha, beta) => {
        const r = forecastIntermittent(y, m, { alpha, beta });
        expect(Number.isFinite(r.forecast) && r.forecast >= 0).toBe(true);
        expect(r.fitted).toHaveLength(y.length);
        for (const v of r.fitted) if (v !== null) expect(Number.isFinite(v) && v >= 0).toBe(true);
        for (const v of Object.values(r.params)) expect(Number.isFinite(v)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("forecasts scale linearly with the series: forecast(c·y) = c·forecast(y)", () => {
    fc.assert(
      fc.property(series, method, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (y, m, c) => {
        const a = forecastIntermittent(y, m);
        const b = forecastIntermittent(
          y.map((v) => c * v),
          m,
        );
        const close = (u: number, v: number): boolean => Math.abs(u - v) <= 1e-9 * Math.max(1e-300, Math.abs(v));
        expect(close(b.forecast, c * a.forecast) || (a.forecast === 0 && b.forecast === 0)).toBe(true);
        a.fitted.forEach((v, i) => {
          if (v === null) expect(b.fitted[i]).toBeNull();
          else expect(close(b.fitted[i]!, c * v) || (v === 0 && b.fitted[i] === 0)).toBe(true);
        });
      }),
      { numRuns: RUNS },
    );
  });

  it("Croston family and TSB: fitted[t] after the first demand is the forecast from y_0 … y_{t−1} alone", () => {
    fc.assert(
      fc.property(series, fc.constantFrom("croston", "sba", "sbj", "tsb" as const), (y, m) => {
        const r = forecastIntermittent(y, m);
        const first = y.findIndex((v) => v > 0);
        if (first < 0) return;
        for (let t = first + 1; t < y.length; t++) {
          expect(r.fitted[t]).toBeCloseTo(forecastIntermittent(y.slice(0, t), m).forecast, 12);
        }
      }),
      { numRuns: RUNS / 2 },
    );
  });
});

import { MoldtwinError } from "../errors.ts";
import { demandOccurrences, demandSeries, meanInterDemandInterval, roundHalfEven } from "./demandSeries.ts";

/**
 * Point forecasts for intermittent demand (spare parts): Croston, SBA, SBJ, TSB, ADIDA and IMAPA, with the
 * conventions of reliability.md §1.13, which follow pmrgn/intermittent-forecast (tests/test_croston.py; the
 * published numbers are reproduced in intermittent.test.ts).
 *
 * Series y_0 … y_{N−1}, one value per period. Every method returns one out-of-sample one-step forecast per period
 * (`forecast`; the h-step path of these methods is flat) and `fitted[t]`, the forecast for period t made from
 * y_0 … y_{t−1}, null while the method has no forecast yet. Internally "no forecast" is NaN in a Float64Array; it
 * becomes null at the edge, so no NaN ever leaves the engine.
 *
 * Croston / SBA / SBJ (Croston 1972; Syntetos & Boylan 2005; Shale, Boylan & Johnston 2006):
 *   init at the first non-zero index i₀: z = y_{i₀}, p = i₀ + 1;
 *   on each later demand period t (y_t > 0), with q = t − (previous demand index):
 *     z ← z + α·(y_t − z),  p ← p + β·(q − p);  zero periods leave z and p unchanged;
 *   forecast f = c·z/p with c = 1 (Croston), 1 − β/2 (SBA), 1 − β/(2 − β) (SBJ).
 *   fitted[t] = null for t ≤ i₀. Defaults α = β = 0.1 (R forecast::croston's alpha = 0.1; R uses one α for both).
 * TSB (Teunter, Syntetos & Babai 2011), α = size smoothing α_d, β = probability smoothing α_p:
 *   init z = y_{i₀}, p = 1/(i₀ + 1); every period p ← p + β·(1[y_t > 0] − p); on demand periods
 *   z ← z + α·(y_t − z); forecast p·z. fitted[0] = null (nothing observed); fitted[1 … i₀] use the initial size
 *   y_{i₀}, a look-ahead that pmrgn's published values contain too. Defaults α_d = α_p = 0.1.
 *   (statsforecast's TSB starts the probability SES at the first period's 0/1 value instead: different numbers.)
 * ADIDA (Nikolopoulos, Syntetos, Boylan, Petropoulos & Assimakopoulos 2011):
 *   aggregation level k (default round-half-even of the mean inter-demand interval, ≥ 1; options.aggregation
 *   fixes it); the first N mod k periods are dropped so that the blocks end with the series (statsforecast
 *   `_chunk_forecast`, pmrgn `_block_aggregation`); A_j = sum of block j; SES on A (below); forecast per period =
 *   SES forecast / k. fitted[t] = (SES forecast for t's block) / k: null in the dropped head and in the first block.
 * IMAPA (Petropoulos & Kourentzes 2015): the mean of the ADIDA per-period forecasts over k = 1 … K, K = round-half-
 *   even of the mean inter-demand interval (options.aggregation fixes K); fitted[t] is the mean where every level
 *   has a fitted value, else null.
 * SES inside ADIDA / IMAPA: level L = A_0 (first value), L ← L + α·(A_j − L) after each block; the forecast for
 *   block j ≥ 1 is L after A_{j−1} (pmrgn SimpleExponentialSmoothing, whose fitted[0] = A_0 we report as null);
 *   α = 0.1 unless given. statsforecast instead optimises α by golden section on the SSE over [0.1, 0.3], so its
 *   ADIDA / IMAPA numbers differ from these fixed-α ones; its CrostonSBA is 0.95 × CrostonClassic with α = 0.1.
 *
 * A series without any demand has no Croston state, no TSB size and no aggregation level: every method returns a
 * forecast of 0 with all fitted values null and says so in `notes`.
 */

export type IntermittentMethod = "croston" | "sba" | "sbj" | "tsb" | "adida" | "imapa";

export const INTERMITTENT_METHODS: readonly IntermittentMethod[] = ["croston", "sba", "sbj", "tsb", "adida", "imapa"];

export interface IntermittentOptions {
  /**
   * Croston / SBA / SBJ: demand-size smoothing α. TSB: size smoothing α_d. ADIDA / IMAPA: SES smoothing of the
   * aggregate series. In (0, 1]; default 0.1.
   */
  alpha?: number;
  /** Croston / SBA / SBJ: interval smoothing β. TSB: probability smoothing α_p. In (0, 1]; default 0.1. */
  beta?: number;
  /**
   * ADIDA: the aggregation level k; IMAPA: the largest level K. An integer in 1 … N; default the mean inter-demand
   * interval rounded half to even (as statsforecast). Ignored by the Croston family and TSB.
   */
  aggregation?: number;
}

export interface IntermittentForecast {
  method: IntermittentMethod;
  /** Next-period (out-of-sample one-step) forecast, demand per period; the h-step path is flat at this value. */
  forecast: number;
  /** One value per period: the forecast for that period from the data before it; null before one is defined. */
  fitted: (number | null)[];
  /**
   * The smoothing constants used and the final state: alpha, beta, and per method size / interval / biasFactor
   * (Croston family), size / probability (TSB), aggregation / aggregateForecast (ADIDA), maxAggregation (IMAPA).
   */
  params: Record<string, number>;
  /** Plain-language remarks on special cases (a series without demand, a single demand). */
  notes: string[];
}

export const DEFAULT_ALPHA = 0.1;
export const DEFAULT_BETA = 0.1;

const NO_DEMAND_NOTE =
  "the series has no demand: the forecast is 0 and no fitted value is defined (no demand size, interval or aggregation level to estimate)";

/** α or β: a finite number in (0, 1]. */
function smoothing(value: unknown, field: "alpha" | "beta", fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || !(value > 0 && value <= 1)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `invalid smoothing constant ${field} = ${String(value)}`, [
      { field, value, allowed: "a number in (0, 1]" },
    ]);
  }
  return value;
}

function aggregationLevel(value: unknown, n: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > n) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `invalid aggregation level ${String(value)}`, [
      { field: "aggregation", value, unit: "periods", allowed: `an integer in 1 … ${n} (the series length)` },
    ]);
  }
  return value;
}

/** NaN → null: the JSON-safe fitted array. */
function toNullable(a: Float64Array): (number | null)[] {
  const out = new Array<number | null>(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Number.isNaN(a[i]!) ? null : a[i]!;
  return out;
}

/** Croston family bias factor: 1 (Croston), 1 − β/2 (SBA, Syntetos & Boylan 2005), 1 − β/(2 − β) (SBJ, 2006). */
export function crostonBiasFactor(method: "croston" | "sba" | "sbj", beta: number): number {
  if (method === "sba") return 1 - beta / 2;
  if (method === "sbj") return 1 - beta / (2 - beta);
  return 1;
}

interface Recursion {
  fitted: Float64Array;
  forecast: number;
}

/** Croston recursion (see the header); `first` is the first non-zero index, ≥ 0. */
function croston(y: Float64Array, first: number, alpha: number, beta: number, factor: number) {
  const n = y.length;
  const fitted = new Float64Array(n).fill(Number.NaN);
  let z = y[first]!;
  let p = first + 1;
  let previous = first;
  for (let t = first + 1; t < n; t++) {
    fitted[t] = (factor * z) / p;
    const v = y[t]!;
    if (v > 0) {
      z += alpha * (v - z);
      p += beta * (t - previous - p);
      previous = t;
    }
  }
  return { fitted, forecast: (factor * z) / p, size: z, interval: p };
}

/** TSB recursion (see the header); `first` is the first non-zero index, ≥ 0. */
function tsb(y: Float64Array, first: number, alphaD: number, alphaP: number) {
  const n = y.length;
  const fitted = new Float64Array(n).fill(Number.NaN);
  let z = y[first]!;
  let p = 1 / (first + 1);
  for (let t = 0; t < n; t++) {
    if (t > 0) fitted[t] = p * z;
    const v = y[t]!;
    if (v > 0) {
      p += alphaP * (1 - p);
      z += alphaD * (v - z);
    } else p += alphaP * (0 - p);
  }
  return { fitted, forecast: p * z, size: z, probability: p };
}

/**
 * Simple exponential smoothing with the level started at the first value: fitted[0] = NaN (no forecast from no
 * data), fitted[j] = level after x_0 … x_{j−1}, forecast = level after the last value. pmrgn's
 * SimpleExponentialSmoothing gives the same numbers from index 1 on (it reports x_0 as fitted[0]).
 */
export function simpleExponentialSmoothing(x: ArrayLike<number>, alpha: number): Recursion {
  const m = x.length;
  const fitted = new Float64Array(m).fill(Number.NaN);
  if (m === 0) return { fitted, forecast: Number.NaN };
  let level = x[0]!;
  for (let j = 0; j < m; j++) {
    if (j > 0) fitted[j] = level;
    level += alpha * (x[j]! - level);
  }
  return { fitted, forecast: level };
}

/** ADIDA at level k (1 ≤ k ≤ N): per-period fitted values and forecast, and the SES forecast of the next block. */
function adida(y: Float64Array, k: number, alpha: number): Recursion & { aggregateForecast: number } {
  const n = y.length;
  const head = n % k;
  const blocks = (n - head) / k;
  const sums = new Float64Array(blocks);
  for (let t = head; t < n; t++) sums[((t - head) / k) | 0]! += y[t]!;
  const ses = simpleExponentialSmoothing(sums, alpha);
  const fitted = new Float64Array(n).fill(Number.NaN);
  for (let t = head; t < n; t++) fitted[t] = ses.fitted[((t - head) / k) | 0]! / k;
  return { fitted, forecast: ses.forecast / k, aggregateForecast: ses.forecast };
}

/** IMAPA over levels 1 … K: the mean of the ADIDA per-period forecasts; fitted where every level has one. */
function imapa(y: Float64Array, maxLevel: number, alpha: number): Recursion {
  const n = y.length;
  const fitted = new Float64Array(n);
  let forecast = 0;
  for (let k = 1; k <= maxLevel; k++) {
    const r = adida(y, k, alpha);
    forecast += r.forecast;
    // NaN propagates: a period without a forecast at some level has none in the mean either.
    for (let t = 0; t < n; t++) fitted[t]! += r.fitted[t]!;
  }
  for (let t = 0; t < n; t++) fitted[t]! /= maxLevel;
  return { fitted, forecast: forecast / maxLevel };
}

function assertFinite(x: number, what: string): number {
  if (!Number.isFinite(x)) {
    throw new MoldtwinError("SIM_ERR_NON_FINITE", `intermittent forecast: ${what} is not finite`, [
      { field: what, value: String(x) },
    ]);
  }
  return x;
}

/**
 * The one-step forecast and fitted values of a demand series (one non-negative value per period, oldest first)
 * by one of the six methods; conventions in the header of this file.
 */
export function forecastIntermittent(
  series: ArrayLike<number>,
  method: IntermittentMethod,
  options: IntermittentOptions = {},
): IntermittentForecast {
  if (!INTERMITTENT_METHODS.includes(method)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `unknown intermittent-demand method "${String(method)}"`, [
      { field: "method", value: method, allowed: `one of: ${INTERMITTENT_METHODS.join(", ")}` },
    ]);
  }
  const y = demandSeries(series);
  const n = y.length;
  const alpha = smoothing(options.alpha, "alpha", DEFAULT_ALPHA);
  const beta = smoothing(options.beta, "beta", DEFAULT_BETA);
  const occ = demandOccurrences(y);
  const aggregates = method === "adida" || method === "imapa";
  const params: Record<string, number> = aggregates ? { alpha } : { alpha, beta };

  if (occ.nonZero === 0) {
    if (aggregates && options.aggregation !== undefined) aggregationLevel(options.aggregation, n, 1);
    return { method, forecast: 0, fitted: new Array<null>(n).fill(null), params, notes: [NO_DEMAND_NOTE] };
  }
  const notes: string[] = [];
  if (occ.nonZero === 1) {
    notes.push(`a single demand (period ${occ.first}): the forecast rests on its size and position alone`);
  }

  let r: Recursion;
  switch (method) {
    case "croston":
    case "sba":
    case "sbj": {
      const factor = crostonBiasFactor(method, beta);
      const c = croston(y, occ.first, alpha, beta, factor);
      Object.assign(params, { size: c.size, interval: c.interval, biasFactor: factor });
      r = c;
      break;
    }
    case "tsb": {
      const c = tsb(y, occ.first, alpha, beta);
      Object.assign(params, { size: c.size, probability: c.probability });
      r = c;
      break;
    }
    case "adida": {
      const k = aggregationLevel(options.aggregation, n, Math.max(1, roundHalfEven(meanInterDemandInterval(occ))));
      const a = adida(y, k, alpha);
      Object.assign(params, { aggregation: k, aggregateForecast: a.aggregateForecast });
      r = a;
      break;
    }
    case "imapa": {
      const kMax = aggregationLevel(options.aggregation, n, Math.max(1, roundHalfEven(meanInterDemandInterval(occ))));
      params.maxAggregation = kMax;
      r = imapa(y, kMax, alpha);
      break;
    }
  }
  for (const [key, value] of Object.entries(params)) assertFinite(value, `params.${key}`);
  return { method, forecast: assertFinite(r.forecast, "forecast"), fitted: toNullable(r.fitted), params, notes };
}

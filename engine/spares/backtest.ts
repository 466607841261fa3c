import { MoldtwinError } from "../errors.ts";
import { demandSeries } from "./demandSeries.ts";
import {
  forecastIntermittent,
  INTERMITTENT_METHODS,
  type IntermittentMethod,
  type IntermittentOptions,
} from "./intermittentMethods.ts";

/**
 * Rolling-origin evaluation of the intermittent-demand methods (Tashman 2000, "Out-of-sample tests of forecasting
 * accuracy"): for each origin o = m, m + 1, …, N − h (m = minTrain) the method is fitted to y_0 … y_{o−1} only and
 * its flat h-step path f_o (the one-step forecast repeated) is compared with y_o … y_{o+h−1}; e_{o,j} = f_o − y_{o+j}.
 * With n_o = N − h − m + 1 origins:
 *
 * - MAE  = Σ_o Σ_j |e_{o,j}| / (n_o·h).
 * - MASE = MAE / s, s = (1/(m − 1)) Σ_{t=1}^{m−1} |y_t − y_{t−1}|: the in-sample mean absolute one-step naive
 *   error of the training part before the first origin (Hyndman & Koehler 2006, Int. J. Forecasting 22, 679–688;
 *   Hyndman 2006, Foresight 4, for intermittent series), the same data utilsforecast's `mase` takes as train_df.
 *   MASE = 0 when MAE = 0 (a perfect forecast; a constant series). When the training part is constant (s = 0:
 *   the naive method is perfect in-sample, e.g. no demand yet or a flat history) the ratio is undefined, and the
 *   scale falls back to ȳ, the mean demand per period (the MAD/Mean ratio of Kolassa & Schütz 2007, Foresight 6,
 *   recommended for intermittent series); `scaleBasis` says which one was used. Every method of one backtest
 *   shares the scale, so the ranking is the ranking by MAE either way.
 * - bias = (Σ_o Σ_j e_{o,j} / (n_o·h)) / ȳ, ȳ = mean demand per period of the whole series: positive = over-
 *   forecast, in units of an average period's demand.
 * - sPIS = Σ_{k} Σ_{o ≤ k} e_{o,0} / ȳ over the consecutive origins' one-step errors: periods in stock (Wallström
 *   & Segerstedt 2010, Int. J. Production Economics 128, 625–636: PIS = Σ_t Σ_{i≤t} (f_i − y_i)), scaled by the
 *   mean demand (Kourentzes 2014, Int. J. Production Economics 156, 180–190). Positive: stock carried by over-
 *   forecasting; negative: periods of shortage. It accumulates, so it grows with the number of origins.
 * bias and sPIS are 0 when every error is 0 (this includes a series without demand, ȳ = 0).
 */

export interface BacktestOptions extends IntermittentOptions {
  /** Periods before the first origin (≥ 2); default max(2, ⌈N/2⌉). */
  minTrain?: number;
  /** Forecast horizon h in periods (≥ 1); default 1. */
  horizon?: number;
}

export interface BacktestResult {
  method: IntermittentMethod;
  /** Number of forecast origins n_o. */
  origins: number;
  mase: number;
  bias: number;
  spis: number;
  mae: number;
  minTrain: number;
  horizon: number;
  /** MASE denominator: mean |y_t − y_{t−1}| over the first minTrain periods, or ȳ when that is 0. */
  scale: number;
  /** "naive": the in-sample naive MAE (Hyndman & Koehler); "meanDemand": the fallback ȳ (Kolassa & Schütz). */
  scaleBasis: "naive" | "meanDemand";
  /** ȳ: mean demand per period of the whole series (the bias and sPIS unit). */
  meanDemand: number;
}

/** The metric definitions in words, for reports and the CLI JSON. */
export const BACKTEST_DEFINITIONS = {
  origins: "rolling forecast origins o = minTrain … N − horizon; at each the method sees only y_0 … y_{o−1}",
  mae: "mean |f_o − y_{o+j}| over every origin o and step j < horizon (flat path: f_o = the one-step forecast)",
  mase: "MAE / scale; scale = mean |y_t − y_{t−1}| over the first minTrain periods (Hyndman & Koehler 2006), or the mean demand per period when those periods are constant (scaleBasis meanDemand, Kolassa & Schütz 2007); 0 when MAE = 0",
  bias: "mean (f_o − y_{o+j}) over every origin and step, divided by the mean demand per period of the whole series",
  spis: "Σ_k Σ_{o≤k} (f_o − y_o) over the origins' one-step errors, divided by the mean demand per period (Wallström & Segerstedt 2010 PIS, scaled): > 0 stock held, < 0 shortage",
} as const;

function integerOption(value: unknown, field: string, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `invalid ${field} ${String(value)}`, [
      { field, value, unit: "periods", allowed: `an integer ≥ ${min}` },
    ]);
  }
  return value;
}

export function defaultMinTrain(n: number): number {
  return Math.max(2, Math.ceil(n / 2));
}

export function rollingOriginBacktest(
  series: ArrayLike<number>,
  method: IntermittentMethod,
  options: BacktestOptions = {},
): BacktestResult {
  const y = demandSeries(series);
  const n = y.length;
  const horizon = integerOption(options.horizon, "horizon", 1, 1);
  const minTrain = integerOption(options.minTrain, "minTrain", 2, defaultMinTrain(n));
  const origins = n - horizon - minTrain + 1;
  if (origins < 1) {
    throw new MoldtwinError(
      "FIT_ERR_INSUFFICIENT_DATA",
      `a rolling-origin backtest with minTrain ${minTrain} and horizon ${horizon} needs at least ${minTrain + horizon} periods; the series has ${n}`,
      [{ field: "demand", value: n, unit: "periods", allowed: `at least minTrain + horizon = ${minTrain + horizon}` }],
    );
  }
  const fitOptions: IntermittentOptions = { alpha: options.alpha, beta: options.beta };
  if (options.aggregation !== undefined) fitOptions.aggregation = options.aggregation;

  let naive = 0;
  for (let t = 1; t < minTrain; t++) naive += Math.abs(y[t]! - y[t - 1]!);
  naive /= minTrain - 1;
  let total = 0;
  for (let t = 0; t < n; t++) total += y[t]!;
  const meanDemand = total / n;
  const scaleBasis: BacktestResult["scaleBasis"] = naive > 0 ? "naive" : "meanDemand";
  const scale = naive > 0 ? naive : meanDemand;

  let sumAbs = 0;
  let sum = 0;
  let cumulative = 0;
  let pis = 0;
  for (let o = minTrain; o <= n - horizon; o++) {
    // An aggregation level fixed by the caller may exceed a short training prefix; keep it within the prefix.
    const opts =
      fitOptions.aggregation !== undefined && fitOptions.aggregation > o
        ? { ...fitOptions, aggregation: o }
        : fitOptions;
    const f = forecastIntermittent(y.subarray(0, o), method, opts).forecast;
    for (let j = 0; j < horizon; j++) {
      const e = f - y[o + j]!;
      sumAbs += Math.abs(e);
      sum += e;
      if (j === 0) {
        cumulative += e;
        pis += cumulative;
      }
    }
  }
  const count = origins * horizon;
  const mae = sumAbs / count;
  // MAE > 0 implies ȳ > 0: a series without demand has zero forecasts and zero actuals.
  const mase = mae === 0 ? 0 : mae / scale;
  const meanError = sum / count;
  const bias = meanError === 0 ? 0 : meanError / meanDemand;
  const spis = pis === 0 ? 0 : pis / meanDemand;
  return { method, origins, mase, bias, spis, mae, minTrain, horizon, scale, scaleBasis, meanDemand };
}

/**
 * Backtests every candidate (default: all six) with the same origins and ranks them by MASE, ties (within 1e-12
 * relative) broken by the smaller |bias|. `results` are in ranking order, best first.
 */
export function bestMethod(
  series: ArrayLike<number>,
  candidates: readonly IntermittentMethod[] = INTERMITTENT_METHODS,
  options: BacktestOptions = {},
): { best: IntermittentMethod; results: BacktestResult[] } {
  if (candidates.length === 0) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "no candidate method to rank", [
      { field: "candidates", value: [], allowed: `one or more of: ${INTERMITTENT_METHODS.join(", ")}` },
    ]);
  }
  const results = candidates.map((m) => rollingOriginBacktest(series, m, options));
  results.sort((a, b) => {
    const tol = 1e-12 * Math.max(1, Math.abs(a.mase), Math.abs(b.mase));
    if (Math.abs(a.mase - b.mase) > tol) return a.mase - b.mase;
    return Math.abs(a.bias) - Math.abs(b.bias);
  });
  return { best: results[0]!.method, results };
}

import { type ErrorDetail, MoldtwinError } from "../errors.ts";

/**
 * A demand history: one count (or quantity) per period, oldest first, as the intermittent-demand methods take it
 * (reliability.md §1.13). Shared by the forecasts (intermittentMethods.ts), the classification (demandClass.ts)
 * and the backtest (backtest.ts).
 */

const MAX_DETAILS = 20;

/**
 * Copies a series into a Float64Array after checking every value: finite and ≥ 0, errors named `demand[i]`
 * (0-based period index; the CLI names CSV rows itself before it gets here). An empty series is
 * FIT_ERR_INSUFFICIENT_DATA: no method forecasts from nothing.
 */
export function demandSeries(series: ArrayLike<number>): Float64Array {
  const n = series.length;
  if (n === 0) {
    throw new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", "the demand series is empty", [
      { field: "demand", value: 0, unit: "periods", allowed: "at least 1 period" },
    ]);
  }
  const y = new Float64Array(n);
  const details: ErrorDetail[] = [];
  let bad = 0;
  for (let i = 0; i < n; i++) {
    const v = series[i];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      bad++;
      if (details.length < MAX_DETAILS) {
        details.push({ field: `demand[${i}]`, value: v, allowed: "a finite number ≥ 0 (demand in the period)" });
      }
    } else y[i] = v;
  }
  if (bad > 0) {
    throw new MoldtwinError(
      "TWIN_ERR_VALIDATION",
      `demand series: ${bad} invalid value(s), first at ${details[0]!.field}`,
      details,
    );
  }
  return y;
}

/** Non-zero periods of a (validated) series: count, first and last index (−1 when there is none). */
export interface DemandOccurrences {
  nonZero: number;
  first: number;
  last: number;
}

export function demandOccurrences(y: Float64Array): DemandOccurrences {
  let nonZero = 0;
  let first = -1;
  let last = -1;
  for (let t = 0; t < y.length; t++) {
    if (y[t]! > 0) {
      nonZero++;
      if (first < 0) first = t;
      last = t;
    }
  }
  return { nonZero, first, last };
}

/**
 * Mean inter-demand interval (ADI) under the convention of tsintermittent `idclass` and statsforecast
 * `_intervals`: the intervals are (i₀ + 1, i₁ − i₀, …, i_last − i_{k−1}) for the non-zero indices i₀ < … < i_last
 * (0-based; the first interval counts from a virtual demand just before the series), so their mean telescopes to
 * (i_last + 1) / k. tsintermittent R/idclass.R: `x <- c(nzd[1], nzd[2:k] - nzd[1:(k-1)]); p <- mean(x)` (1-based
 * nzd); statsforecast `_intervals`: `np.diff(nonzero_idxs + 1, prepend=0)`. Undefined (NaN) without demand: callers
 * handle that case before calling.
 */
export function meanInterDemandInterval(occ: DemandOccurrences): number {
  return occ.nonZero === 0 ? Number.NaN : (occ.last + 1) / occ.nonZero;
}

/**
 * Rounds half to even, as Python's `round` and NumPy's `rint` that statsforecast (`round(mean_interval)`) and its
 * ports use for the ADIDA / IMAPA aggregation level; Math.round would turn 2.5 into 3 where statsforecast takes 2.
 */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

import { demandOccurrences, demandSeries, meanInterDemandInterval } from "./demandSeries.ts";

/**
 * Demand-pattern classification of Syntetos, Boylan & Croston (2005, J. Oper. Res. Soc. 56(5), 495–503): the
 * average inter-demand interval (ADI) against 1.32 and the squared coefficient of variation of the non-zero demand
 * sizes (CV²) against 0.49:
 *
 *   ADI ≤ 1.32, CV² ≤ 0.49 → smooth        ADI > 1.32, CV² ≤ 0.49 → intermittent
 *   ADI ≤ 1.32, CV² > 0.49 → erratic       ADI > 1.32, CV² > 0.49 → lumpy
 *
 * Conventions, as tsintermittent `idclass` (R/idclass.R, type "SBC": `use.sba <- (p > 1.32 | v > 0.49)`, so a
 * value on a cut-off counts as below it):
 * - ADI = mean of the intervals (i₀ + 1, i₁ − i₀, …) between the non-zero periods, the first counted from just
 *   before the series (`x <- c(nzd[1], nzd[2:k] - nzd[1:(k-1)])` with 1-based nzd) = (i_last + 1) / k, the same
 *   intervals statsforecast uses for the ADIDA / IMAPA aggregation level.
 * - CV² = s² / z̄² of the non-zero sizes with the sample variance s² (n − 1 denominator, R's `sd`).
 * Edge cases (R gives NA; moldtwin never emits NaN): one non-zero size has no sample variance, CV² = 0; a series
 * without demand has no interval, ADI = N + 1 (the interval if demand came in the next period, a lower bound) and
 * CV² = 0, class "intermittent", with a note saying so.
 */

export const ADI_CUTOFF = 1.32;
export const CV2_CUTOFF = 0.49;

export interface DemandClass {
  /** Average inter-demand interval, periods (≥ 1). */
  adi: number;
  /** Squared coefficient of variation of the non-zero demand sizes (sample variance / mean²). */
  cv2: number;
  /** Number of periods with demand. */
  nonZero: number;
  class: "smooth" | "intermittent" | "erratic" | "lumpy";
  /** Present when ADI or CV² is a convention rather than an estimate (no demand, a single demand). */
  note?: string;
}

export function classifyDemand(series: ArrayLike<number>): DemandClass {
  const y = demandSeries(series);
  const occ = demandOccurrences(y);
  if (occ.nonZero === 0) {
    return {
      adi: y.length + 1,
      cv2: 0,
      nonZero: 0,
      class: "intermittent",
      note: `no demand in ${y.length} periods: ADI is a lower bound (N + 1) and CV² is undefined (reported as 0)`,
    };
  }
  let sum = 0;
  for (let t = occ.first; t <= occ.last; t++) sum += y[t]!;
  const mean = sum / occ.nonZero;
  let ss = 0;
  for (let t = occ.first; t <= occ.last; t++) {
    const v = y[t]!;
    if (v > 0) ss += (v - mean) * (v - mean);
  }
  const cv2 = occ.nonZero > 1 ? ss / (occ.nonZero - 1) / (mean * mean) : 0;
  const adi = meanInterDemandInterval(occ);
  const erratic = cv2 > CV2_CUTOFF;
  const cls: DemandClass["class"] =
    adi > ADI_CUTOFF ? (erratic ? "lumpy" : "intermittent") : erratic ? "erratic" : "smooth";
  return {
    adi,
    cv2,
    nonZero: occ.nonZero,
    class: cls,
    ...(occ.nonZero === 1 ? { note: "a single demand: CV² of one size is undefined (reported as 0)" } : {}),
  };
}

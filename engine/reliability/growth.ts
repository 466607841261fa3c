/**
 * Reliability growth of a repairable system under test: Crow-AMSAA (NHPP power law, MLE) and Duane (least
 * squares on the log–log cumulative-MTBF plot), failure-truncated, as `reliability` v0.8+ computes them
 * (docs "Reliability growth.rst", which follows ReliaSoft RGA; reliability.md §1.10). Input is cumulative
 * test time at each failure (not interarrival times), in any one time unit; every output in the same unit
 * (MTBF) or its inverse (failure intensity).
 *
 * Both results share one shape: the expected cumulative failures N(t) = λ·t^β. For Duane that is
 * λ = A = 1/b and β = 1 − α, where α is the slope of ln(cumulative MTBF) on ln t.
 */

import { MoldtwinError } from "../errors.ts";

export interface GrowthOptions {
  /** Target MTBF (as a cumulative MTBF, like `reliability`); gives timeToTarget. */
  targetMtbf?: number;
}

export interface GrowthResult {
  model: "crow-amsaa" | "duane";
  /** Shape of N(t) = λ·t^β; β < 1 means reliability is growing. */
  beta: number;
  lambda: number;
  /** 1 − β (Crow-AMSAA); the Duane slope α. */
  growthRate: number;
  /** Demonstrated cumulative MTBF at the last failure T. */
  DMTBF_C: number;
  /** Demonstrated instantaneous MTBF at T. */
  DMTBF_I: number;
  DFI_C: number;
  DFI_I: number;
  /** Test time at which the cumulative MTBF reaches the target; null when no target or never reached. */
  timeToTarget: number | null;
  /** Number of failures and the truncation time T (the last failure). */
  failures: number;
  totalTime: number;
}

export interface DuaneResult extends GrowthResult {
  model: "duane";
  /** Slope of ln(cumulative MTBF) on ln t. */
  alpha: number;
  /** e^intercept: cumulative MTBF = b·t^α. */
  b: number;
  /** 1/b, reported by `reliability` as A. */
  A: number;
}

function sortedTimes(failureTimes: ArrayLike<number>): number[] {
  const times: number[] = [];
  for (let i = 0; i < failureTimes.length; i++) {
    const t = failureTimes[i]!;
    if (!(Number.isFinite(t) && t > 0)) {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", `failureTimes[${i}] must be a finite cumulative time > 0`, [
        { field: `failureTimes[${i}]`, value: t, allowed: "finite, > 0" },
      ]);
    }
    times.push(t);
  }
  times.sort((a, b) => a - b);
  if (times.length < 2 || times[0] === times[times.length - 1]) {
    throw new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", "reliability growth needs at least 2 distinct failure times", [
      { field: "failureTimes", value: times.length, unit: "failures", allowed: "≥ 2, not all equal" },
    ]);
  }
  return times;
}

function checkTarget(targetMtbf: number | undefined): void {
  if (targetMtbf !== undefined && !(Number.isFinite(targetMtbf) && targetMtbf > 0)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "targetMtbf must be a finite number > 0", [
      { field: "targetMtbf", value: targetMtbf, allowed: "finite, > 0" },
    ]);
  }
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) && x > 0 ? x : null;
}

/**
 * Crow-AMSAA, failure-truncated MLE (Crow 1974; reliability.md §1.10):
 * β = n / (n·ln T − Σ ln t_i), λ = n / T^β, DMTBF_C = T^(1−β)/λ (= T/n), DMTBF_I = 1/(λβT^(β−1)),
 * t_target = (1/(λ·MTBF_target))^(1/(β−1)).
 */
export function crowAmsaa(failureTimes: ArrayLike<number>, opts: GrowthOptions = {}): GrowthResult {
  checkTarget(opts.targetMtbf);
  const times = sortedTimes(failureTimes);
  const n = times.length;
  const T = times[n - 1]!;
  const lnT = Math.log(T);
  let sumLn = 0;
  for (const t of times) sumLn += Math.log(t);
  const beta = n / (n * lnT - sumLn);
  const lambda = n / T ** beta;
  const DMTBF_C = T ** (1 - beta) / lambda;
  const DMTBF_I = 1 / (lambda * beta * T ** (beta - 1));
  const timeToTarget =
    opts.targetMtbf === undefined || beta === 1
      ? null
      : finiteOrNull((1 / (lambda * opts.targetMtbf)) ** (1 / (beta - 1)));
  return {
    model: "crow-amsaa",
    beta,
    lambda,
    growthRate: 1 - beta,
    DMTBF_C,
    DMTBF_I,
    DFI_C: 1 / DMTBF_C,
    DFI_I: 1 / DMTBF_I,
    timeToTarget,
    failures: n,
    totalTime: T,
  };
}

/**
 * Duane (Duane 1964; reliability.md §1.10): ordinary least squares of y = ln(t_i/i) on x = ln t_i gives the
 * slope α and intercept c; b = e^c. DMTBF_C = b·T^α, DMTBF_I = DMTBF_C/(1 − α), t_target = (MTBF_target/b)^(1/α).
 */
export function duane(failureTimes: ArrayLike<number>, opts: GrowthOptions = {}): DuaneResult {
  checkTarget(opts.targetMtbf);
  const times = sortedTimes(failureTimes);
  const n = times.length;
  const T = times[n - 1]!;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += Math.log(times[i]!);
    sy += Math.log(times[i]! / (i + 1));
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = Math.log(times[i]!) - mx;
    sxx += dx * dx;
    sxy += dx * (Math.log(times[i]! / (i + 1)) - my);
  }
  const alpha = sxy / sxx;
  const b = Math.exp(my - alpha * mx);
  const DMTBF_C = b * T ** alpha;
  const DFI_C = 1 / DMTBF_C;
  const DFI_I = DFI_C * (1 - alpha);
  if (!(DFI_I > 0)) {
    throw new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", "Duane slope α ≥ 1: the instantaneous MTBF is unbounded", [
      { field: "failureTimes", value: alpha, allowed: "data whose Duane slope is below 1" },
    ]);
  }
  const timeToTarget =
    opts.targetMtbf === undefined || alpha === 0 ? null : finiteOrNull((opts.targetMtbf / b) ** (1 / alpha));
  return {
    model: "duane",
    alpha,
    b,
    A: 1 / b,
    beta: 1 - alpha,
    lambda: 1 / b,
    growthRate: alpha,
    DMTBF_C,
    DMTBF_I: 1 / DFI_I,
    DFI_C,
    DFI_I,
    timeToTarget,
    failures: n,
    totalTime: T,
  };
}

import { normalQuantile } from "../sweep/random.ts";

/**
 * Monte Carlo statistics with their standard errors (contracts-kpi.md §2.4):
 *  - mean ± s/√N;
 *  - quantiles by the **percentile (non-exceedance) convention**: P90 is the value not exceeded in 90 % of runs,
 *    the order statistic x₍⌈pN⌉₎ (inverse empirical cdf); a 95 % distribution-free interval from the binomial
 *    order statistics x₍j₎ … x₍k₎, j,k = ⌈Np ∓ 1.96·√(Np(1 − p))⌉;
 *  - proportions p̂ ± √(p̂(1 − p̂)/N);
 *  - VaR_β of a loss L: its β-quantile; CVaR_β: the mean of the ⌈(1 − β)N⌉ largest losses (the CVXR `cvar`
 *    definition; Rockafellar & Uryasev 2000), with a batch-means standard error (20 batches).
 */

export interface Summary {
  mean: number;
  se: number;
  p10: number;
  p50: number;
  p90: number;
  /** 95 % order-statistic intervals of P10 and P90. */
  p10Interval: [number, number];
  p90Interval: [number, number];
  min: number;
  max: number;
}

export function summarize(values: Float64Array): Summary {
  const n = values.length;
  const sorted = Float64Array.from(values).sort();
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  return {
    mean,
    se: sd / Math.sqrt(n),
    p10: quantileSorted(sorted, 0.1),
    p50: quantileSorted(sorted, 0.5),
    p90: quantileSorted(sorted, 0.9),
    p10Interval: quantileInterval(sorted, 0.1),
    p90Interval: quantileInterval(sorted, 0.9),
    min: sorted[0]!,
    max: sorted[n - 1]!,
  };
}

/** x₍⌈pN⌉₎ of sorted values. */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!;
}

function quantileInterval(sorted: Float64Array, p: number): [number, number] {
  const n = sorted.length;
  const half = 1.959964 * Math.sqrt(n * p * (1 - p));
  const j = Math.max(1, Math.floor(n * p - half));
  const k = Math.min(n, Math.ceil(n * p + half));
  return [sorted[j - 1]!, sorted[k - 1]!];
}

export interface Proportion {
  p: number;
  se: number;
}

export function proportion(hits: number, n: number): Proportion {
  const p = n > 0 ? hits / n : 0;
  return { p, se: n > 0 ? Math.sqrt((p * (1 - p)) / n) : 0 };
}

export interface TailRisk {
  level: number;
  var: number;
  cvar: number;
  cvarSe: number;
}

/** VaR and CVaR of the loss −x at level β, over the runs. */
export function tailRisk(values: Float64Array, level: number): TailRisk {
  const loss = Float64Array.from(values, (v) => -v);
  const sorted = Float64Array.from(loss).sort();
  const cvarOf = (xs: Float64Array): number => {
    const s = Float64Array.from(xs).sort();
    const k = Math.max(1, Math.ceil((1 - level) * s.length));
    let t = 0;
    for (let i = s.length - k; i < s.length; i++) t += s[i]!;
    return t / k;
  };
  const batches = 20;
  const size = Math.floor(loss.length / batches);
  let se = 0;
  if (size >= 10) {
    const bs: number[] = [];
    for (let b = 0; b < batches; b++) bs.push(cvarOf(loss.subarray(b * size, (b + 1) * size)));
    const m = bs.reduce((a, x) => a + x, 0) / batches;
    const v = bs.reduce((a, x) => a + (x - m) ** 2, 0) / (batches - 1);
    // A batch of N/20 runs has 20 × the variance of the full estimate (to first order).
    se = Math.sqrt(v / batches);
  }
  return { level, var: quantileSorted(sorted, level), cvar: cvarOf(loss), cvarSe: se };
}

/** Runs needed for a proportion p to ± halfWidth at 95 %: N ≈ z²·p(1 − p)/h². */
export function runsForProportion(p: number, halfWidth: number): number {
  const z = normalQuantile(0.975);
  return Math.ceil((z * z * p * (1 - p)) / (halfWidth * halfWidth));
}

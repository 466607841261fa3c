/**
 * Preventive replacement economics (reliability.md §1.8).
 *
 * Age replacement, "as good as new" (renewal-reward; Barlow & Proschan, "Mathematical Theory of Reliability",
 * 1965, ch. 4; ReliaWiki "Optimum Replacement Time Example"): replace at age T or at failure, whichever comes
 * first. Long-run cost per unit time
 *   CPUT(T) = [C_P·R(T) + C_U·F(T)] / ∫_0^T R(s) ds.
 * dCPUT/dT has the sign of g(T) = h(T)·∫_0^T R − F(T) − C_P/(C_U − C_P) (Barlow & Proschan's first-order
 * condition), so the exact optimum is a root of g. For an increasing hazard g rises monotonically and the root
 * is unique; for other shapes every −→+ sign change of g is a local minimum, and we take the cheapest of them
 * and of running to failure (CPUT → C_U/MTTF as T → ∞). `reliability`'s optimal_replacement_time instead
 * reports the best of a 10 000-point grid on [1, 3α], which differs from this continuous optimum in the later
 * digits.
 *
 * Minimal repair, "as good as old" (Barlow & Hunter 1960; reliability.md §1.8): failures between planned
 * replacements at interval T are minimally repaired at C_U each, with Weibull/power-law cumulative intensity
 * (T/α)^β, so C(T) = (C_P + C_U·(T/α)^β)/T and T* = α·(C_P/(C_U·(β − 1)))^(1/β) for β > 1.
 */

import { MoldtwinError } from "../errors.ts";
import type { LifeDistribution } from "./distributions.ts";
import { brentRoot, integrate } from "./numeric.ts";

/** What `optimalAgeReplacement` needs of a life distribution. */
export type ReplacementDistribution = Pick<
  LifeDistribution,
  "cdf" | "sf" | "hazard" | "quantile" | "mean" | "name" | "params"
>;

export interface AgeReplacementResult {
  /** Age at which to replace preventively; null when running to failure is cheapest. */
  optimalAge: number | null;
  /** Long-run cost per unit time at the optimum (or of running to failure), cost units per time unit. */
  costRate: number;
  /** C_U / MTTF. */
  runToFailureCostRate: number;
  /** 1 − costRate / runToFailureCostRate (0 when running to failure). */
  savingFraction: number;
  finite: boolean;
  reason: string;
}

function validateCosts(costPreventive: number, costUnplanned: number): void {
  for (const [field, value] of [
    ["costPreventive", costPreventive],
    ["costUnplanned", costUnplanned],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} must be a finite cost > 0`, [
        { field, value, allowed: "finite, > 0" },
      ]);
    }
  }
}

function mttfOf(dist: ReplacementDistribution): number {
  const m = dist.mean();
  if (!(Number.isFinite(m) && m > 0)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "the life distribution needs a finite, positive mean", [
      { field: "dist", value: dist.name, allowed: "a distribution with 0 < MTTF < ∞" },
    ]);
  }
  return m;
}

function cput(dist: ReplacementDistribution, cp: number, cu: number, age: number, integralR: number): number {
  return (cp * dist.sf(age) + cu * dist.cdf(age)) / integralR;
}

/** CPUT at one replacement age (> 0). */
export function ageReplacementCostRate(
  dist: ReplacementDistribution,
  costPreventive: number,
  costUnplanned: number,
  age: number,
): number {
  validateCosts(costPreventive, costUnplanned);
  if (!(Number.isFinite(age) && age > 0)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "replacement age must be a finite time > 0", [
      { field: "age", value: age, allowed: "finite, > 0" },
    ]);
  }
  return cput(
    dist,
    costPreventive,
    costUnplanned,
    age,
    integrate((s) => dist.sf(s), 0, age, 1e-12),
  );
}

/** CPUT over a list of ages (for plotting the cost curve); ∫R is accumulated over the sorted ages. */
export function costRateCurve(
  dist: ReplacementDistribution,
  costPreventive: number,
  costUnplanned: number,
  ages: readonly number[],
): { age: number; costRate: number }[] {
  validateCosts(costPreventive, costUnplanned);
  ages.forEach((a, i) => {
    if (!(Number.isFinite(a) && a > 0)) {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", `ages[${i}] must be a finite time > 0`, [
        { field: `ages[${i}]`, value: a, allowed: "finite, > 0" },
      ]);
    }
  });
  const order = ages.map((_, i) => i).sort((i, j) => ages[i]! - ages[j]!);
  const out = new Array<{ age: number; costRate: number }>(ages.length);
  let prev = 0;
  let acc = 0;
  for (const i of order) {
    const a = ages[i]!;
    acc += integrate((s) => dist.sf(s), prev, a, 1e-12);
    prev = a;
    out[i] = { age: a, costRate: cput(dist, costPreventive, costUnplanned, a, acc) };
  }
  return out;
}

/** Probabilities of the scan grid, evenly spaced in logit(p) from 1e-9 to 1 − 1e-9. */
function scanProbabilities(count: number): number[] {
  const lo = Math.log(1e-9 / (1 - 1e-9));
  const ps: number[] = [];
  for (let j = 0; j <= count; j++) {
    const x = lo + (-2 * lo * j) / count;
    ps.push(1 / (1 + Math.exp(-x)));
  }
  return ps;
}

/**
 * Exact continuous optimum of age replacement. The first-order condition g(T) = 0 is scanned on a grid of
 * 257 quantiles (logit-spaced from p = 1e-9 to 1 − 1e-9, so it adapts to any scale) and each −→+ sign change
 * is solved with brentRoot to full precision.
 */
export function optimalAgeReplacement(
  dist: ReplacementDistribution,
  costPreventive: number,
  costUnplanned: number,
): AgeReplacementResult {
  validateCosts(costPreventive, costUnplanned);
  const mttf = mttfOf(dist);
  const runToFailureCostRate = costUnplanned / mttf;
  const runToFailure = (reason: string): AgeReplacementResult => ({
    optimalAge: null,
    costRate: runToFailureCostRate,
    runToFailureCostRate,
    savingFraction: 0,
    finite: false,
    reason,
  });
  if (costPreventive >= costUnplanned) {
    return runToFailure("preventive replacement costs at least as much as a failure: run to failure");
  }
  const shape = dist.params.beta;
  if (dist.name === "exponential" || ((dist.name === "weibull2p" || dist.name === "weibull3p") && shape! <= 1)) {
    return runToFailure("hazard rate is not increasing (Weibull β ≤ 1 or exponential): replacing early never pays");
  }

  const k = costPreventive / (costUnplanned - costPreventive);
  const sf = (s: number): number => dist.sf(s);
  // Grid ages (≥ 0, strictly increasing) with ∫_0^t R accumulated along them.
  const ages: number[] = [];
  for (const p of scanProbabilities(256)) {
    const t = Math.max(0, dist.quantile(p));
    if (t > 0 && (ages.length === 0 || t > ages[ages.length - 1]!)) ages.push(t);
  }
  const integrals: number[] = [];
  let acc = 0;
  let prev = 0;
  for (const t of ages) {
    acc += integrate(sf, prev, t, 1e-13);
    integrals.push(acc);
    prev = t;
  }
  const g = (t: number, integralR: number): number => dist.hazard(t) * integralR - dist.cdf(t) - k;

  let best: { age: number; rate: number } | null = null;
  let prevT = 0;
  let prevI = 0;
  let prevG = -k; // g(0⁺) = −k: F and ∫R vanish at age 0
  for (let j = 0; j < ages.length; j++) {
    const t = ages[j]!;
    const gj = g(t, integrals[j]!);
    if (prevG < 0 && gj >= 0) {
      const baseT = prevT;
      const baseI = prevI;
      const integralTo = (x: number): number => baseI + integrate(sf, baseT, x, 1e-13);
      const root = gj === 0 ? t : brentRoot((x) => (x <= 0 ? -k : g(x, integralTo(x))), baseT, t, 1e-12 * t);
      const rate = cput(dist, costPreventive, costUnplanned, root, integralTo(root));
      if (Number.isFinite(rate) && (best === null || rate < best.rate)) best = { age: root, rate };
    }
    prevT = t;
    prevI = integrals[j]!;
    prevG = gj;
  }
  if (best === null && prevG < 0) {
    // The root lies beyond the 1 − 1e-9 quantile: replacing there saves less than ~1e-9 of the cost rate.
    return runToFailure("the optimum age lies beyond the 1 − 1e-9 quantile of life: practically run to failure");
  }
  if (best === null || !(best.rate < runToFailureCostRate)) {
    return runToFailure("no replacement age has a lower cost rate than running to failure");
  }
  return {
    optimalAge: best.age,
    costRate: best.rate,
    runToFailureCostRate,
    savingFraction: 1 - best.rate / runToFailureCostRate,
    finite: true,
    reason: "finite optimum: first-order condition h(T)·∫R − F(T) = C_P/(C_U − C_P) solved exactly",
  };
}

export interface MinimalRepairResult {
  /** Planned replacement interval; null when β ≤ 1 (never replace: minimal repair alone is cheapest). */
  optimalInterval: number | null;
  /** Cost per unit time at the optimum; for β ≤ 1 the limit as the interval grows (C_U/α at β = 1, 0 below). */
  costRate: number;
  finite: boolean;
  reason: string;
}

function validateWeibull(alpha: number, beta: number): void {
  for (const [field, value] of [
    ["alpha", alpha],
    ["beta", beta],
  ] as const) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} must be a finite number > 0`, [
        { field, value, allowed: "finite, > 0" },
      ]);
    }
  }
}

/** C(T) = (C_P + C_U·(T/α)^β)/T for periodic replacement with minimal repair. */
export function minimalRepairCostRate(
  alpha: number,
  beta: number,
  costPreventive: number,
  costUnplanned: number,
  interval: number,
): number {
  validateWeibull(alpha, beta);
  validateCosts(costPreventive, costUnplanned);
  if (!(Number.isFinite(interval) && interval > 0)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "replacement interval must be a finite time > 0", [
      { field: "interval", value: interval, allowed: "finite, > 0" },
    ]);
  }
  return (costPreventive + costUnplanned * (interval / alpha) ** beta) / interval;
}

/** Closed-form optimum of periodic replacement with minimal repair (reliability.md §1.8). */
export function minimalRepairPeriodic(
  alpha: number,
  beta: number,
  costPreventive: number,
  costUnplanned: number,
): MinimalRepairResult {
  validateWeibull(alpha, beta);
  validateCosts(costPreventive, costUnplanned);
  if (beta <= 1) {
    return {
      optimalInterval: null,
      costRate: beta === 1 ? costUnplanned / alpha : 0,
      finite: false,
      reason: "failure intensity is not increasing (β ≤ 1): planned replacement never pays",
    };
  }
  const optimalInterval = alpha * (costPreventive / (costUnplanned * (beta - 1))) ** (1 / beta);
  // At T*, (T*/α)^β = C_P/(C_U(β − 1)), so C(T*) = C_P·β / ((β − 1)·T*).
  const costRate = (costPreventive * beta) / ((beta - 1) * optimalInterval);
  return { optimalInterval, costRate, finite: true, reason: "closed-form optimum T* = α·(C_P/(C_U(β − 1)))^(1/β)" };
}

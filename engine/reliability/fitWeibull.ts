import { MoldtwinError } from "../errors.ts";
import { logLikelihood, WEIBULL } from "./families.ts";
import { type CoreFit, covarianceFromInformation, fitFamilyCore, pseudoFailures } from "./fitGeneric.ts";
import { failureCount, type LifeData } from "./lifeData.ts";
import { brentMinimize, brentRoot, hessian, invertSymmetric } from "./numeric.ts";

/**
 * Weibull maximum likelihood (reliability.md §1.1).
 *
 * 2P with failures and right censoring: the profile-likelihood root
 *   g(β) = Σ_all t^β ln t / Σ_all t^β − 1/β − (1/r) Σ_fail ln t = 0,   α = (Σ_all t^β / r)^(1/β)
 * has exactly one root (g' = weighted variance of ln t + 1/β² > 0), so a bracketed Brent solve finds the
 * global maximum. Sums run on ln t − ln t_max, so t^β never overflows for any β or time scale. One pass of
 * exp per evaluation over a Float64Array: 10⁵ points in a few milliseconds.
 *
 * With left or interval censoring there is no closed form: lnL is maximised in (ln α, ln β), seeded from the
 * profile root on the failures plus interval midpoints.
 *
 * 3P: profile over γ ∈ [0, t_min). For β < 1 the likelihood is unbounded as γ → t_min; that case is
 * reported, never "solved".
 */

/** Shape above which the data do not identify β (all failures at one time and nothing later). */
const MAX_BETA = 1e3;

function insufficient(message: string, field = "failures", value?: unknown): MoldtwinError {
  return new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", message, [
    { field, value, allowed: "at least two failures at different times" },
  ]);
}

/** Logs of the shifted failure and informative right-censored times (right ≤ shift carries no information). */
function shiftedLogs(d: LifeData, shift: number): { lnF: Float64Array; lnAll: Float64Array } {
  const f = d.failures;
  let nr = 0;
  for (let i = 0; i < d.right.length; i++) if (d.right[i]! > shift) nr++;
  const lnF = new Float64Array(f.length);
  const lnAll = new Float64Array(f.length + nr);
  for (let i = 0; i < f.length; i++) {
    lnF[i] = Math.log(f[i]! - shift);
    lnAll[i] = lnF[i]!;
  }
  let k = f.length;
  for (let i = 0; i < d.right.length; i++) {
    const c = d.right[i]! - shift;
    if (c > 0) lnAll[k++] = Math.log(c);
  }
  return { lnF, lnAll };
}

/** The profile root for failures (lnF) and all units (lnAll, failures first then suspensions). */
export function weibullProfileRoot(lnF: Float64Array, lnAll: Float64Array): { alpha: number; beta: number } {
  const r = lnF.length;
  if (r < 1) throw insufficient("Weibull: no failures");
  let lnMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < lnAll.length; i++) if (lnAll[i]! > lnMax) lnMax = lnAll[i]!;
  let meanF = 0;
  for (let i = 0; i < r; i++) meanF += lnF[i]! - lnMax;
  meanF /= r;
  const n = lnAll.length;
  const g = (beta: number): number => {
    let s0 = 0;
    let s1 = 0;
    for (let i = 0; i < n; i++) {
      const x = lnAll[i]! - lnMax;
      const w = Math.exp(beta * x);
      s0 += w;
      s1 += w * x;
    }
    return s1 / s0 - 1 / beta - meanF;
  };
  let lo = 0.5;
  while (g(lo) > 0 && lo > 1e-6) lo *= 0.5;
  let hi = 2;
  while (g(hi) < 0 && hi < MAX_BETA) hi *= 2;
  if (!(g(hi) > 0)) {
    throw insufficient(
      "Weibull: the failure times do not spread (all failures at one time with nothing later), so the shape β grows without bound",
      "failures",
      r <= 20 ? Array.from(lnF, Math.exp) : `${r} failures`,
    );
  }
  if (!(g(lo) < 0)) throw insufficient("Weibull: shape β below 1e-6; the data cannot support a Weibull fit");
  const beta = brentRoot(g, lo, hi, 1e-13 * hi);
  let s0 = 0;
  for (let i = 0; i < n; i++) s0 += Math.exp(beta * (lnAll[i]! - lnMax));
  const alpha = Math.exp(lnMax + Math.log(s0 / r) / beta);
  return { alpha, beta };
}

/**
 * Observed information (−Hessian of lnL) of Weibull 2P with failures and right censoring, analytic:
 *   ∂²/∂α² = (β/α²)(r − (β+1)Σu),   ∂²/∂α∂β = (Σu − r)/α + (β/α) Σ u ln z,   ∂²/∂β² = −r/β² − Σ u (ln z)²
 * with z = t/α and u = z^β over every unit (failures and suspensions).
 */
export function weibullInformation(lnF: Float64Array, lnAll: Float64Array, alpha: number, beta: number): number[][] {
  const r = lnF.length;
  const la = Math.log(alpha);
  let su = 0;
  let sul = 0;
  let sul2 = 0;
  for (let i = 0; i < lnAll.length; i++) {
    const lz = lnAll[i]! - la;
    const u = Math.exp(beta * lz);
    su += u;
    sul += u * lz;
    sul2 += u * lz * lz;
  }
  const haa = (beta / (alpha * alpha)) * (r - (beta + 1) * su);
  const hab = (su - r) / alpha + (beta / alpha) * sul;
  const hbb = -r / (beta * beta) - sul2;
  return [
    [-haa, -hab],
    [-hab, -hbb],
  ];
}

function onlyRightCensored(d: LifeData): boolean {
  return d.left.length === 0 && d.intervalLow.length === 0;
}

/** Weibull 2P MLE on data shifted by `shift` (0 for 2P). Requires ≥ 2 failure events. */
export function fitWeibull2pCore(d: LifeData, shift = 0, withCovariance = true): CoreFit {
  if (failureCount(d) < 2) {
    throw insufficient(
      `Weibull: ${failureCount(d)} failure(s); a 2-parameter fit needs at least two failures to identify the shape β (use the exponential, λ = r/Σt, for a single failure)`,
      "failures",
      failureCount(d),
    );
  }
  if (onlyRightCensored(d)) {
    const { lnF, lnAll } = shiftedLogs(d, shift);
    const { alpha, beta } = weibullProfileRoot(lnF, lnAll);
    const lnL = logLikelihood(WEIBULL, d, alpha, beta, shift);
    const covariance = withCovariance
      ? covarianceFromInformation(weibullInformation(lnF, lnAll, alpha, beta), "weibull2p")
      : [];
    return { params: [alpha, beta], covariance, logLikelihood: lnL };
  }
  // Seed: the profile root treating interval midpoints (and half of each left-censored time) as failures.
  const pseudo = pseudoFailures(d, shift);
  let seed = [1, 1];
  try {
    const lnF = pseudo.map(Math.log);
    const { lnAll } = shiftedLogs({ ...d, failures: new Float64Array(0) }, shift);
    const all = new Float64Array(lnF.length + lnAll.length);
    all.set(lnF);
    all.set(lnAll, lnF.length);
    const s = weibullProfileRoot(lnF, all);
    seed = [s.alpha, Math.min(s.beta, 50)];
  } catch {
    let mean = 0;
    for (const t of pseudo) mean += t;
    seed = [mean / pseudo.length, 1];
  }
  const core = fitFamilyCore(WEIBULL, d, seed, shift, withCovariance);
  if (core.params[1]! > MAX_BETA) {
    throw insufficient("Weibull: shape β runs off to infinity; the censoring intervals do not spread the failures");
  }
  return core;
}

export interface Weibull3pCore {
  alpha: number;
  beta: number;
  gamma: number;
  /** Covariance of (α, β) from the 2P likelihood on t − γ. */
  covariance: number[][];
  /** From the full 3 × 3 information matrix, when it is positive definite. */
  gammaStandardError: number | null;
  logLikelihood: number;
  warnings: string[];
}

export const UNBOUNDED_3P_WARNING = "likelihood unbounded as gamma → t_min; 3P result not reliable, prefer 2P";

/** Weibull 3P by profiling γ over [0, t_min), with the guards of reliability.md §1.1. */
export function fitWeibull3pCore(d: LifeData): Weibull3pCore {
  if (failureCount(d) < 3) {
    throw insufficient(`Weibull 3P: ${failureCount(d)} failure(s); three parameters need at least three failures`);
  }
  // γ must stay below every time that proves a failure happened: failures, left-censored times, interval ends.
  let tMin = Number.POSITIVE_INFINITY;
  for (const t of d.failures) tMin = Math.min(tMin, t);
  for (const t of d.left) tMin = Math.min(tMin, t);
  for (const t of d.intervalHigh) tMin = Math.min(tMin, t);
  const profile = (gamma: number): number => {
    try {
      return fitWeibull2pCore(d, gamma, false).logLikelihood;
    } catch {
      return Number.NEGATIVE_INFINITY;
    }
  };
  const fractions = [1, 0.8, 0.6, 0.4, 0.3, 0.2, 0.1, 0.05, 0.02, 0.01, 1e-3, 1e-4, 1e-5];
  const grid = fractions.map((s) => tMin * (1 - s));
  const values = grid.map(profile);
  const warnings: string[] = [];
  const last = grid.length - 1;
  let jBest = 0;
  for (let j = 1; j < grid.length; j++) if (values[j]! > values[jBest]!) jBest = j;
  let unbounded = false;
  if (jBest === last) {
    // The profile keeps rising towards t_min: look for an interior local maximum instead (the library's
    // published 3P answers are such local optima), else fall back to γ = 0.
    unbounded = true;
    jBest = -1;
    for (let j = 0; j < last; j++) {
      const left = j === 0 ? Number.NEGATIVE_INFINITY : values[j - 1]!;
      if (values[j]! >= left && values[j]! >= values[j + 1]! && (jBest < 0 || values[j]! > values[jBest]!)) jBest = j;
    }
    if (jBest < 0) jBest = 0;
  }
  let gamma = grid[jBest]!;
  if (Number.isFinite(values[jBest]!)) {
    const lo = jBest === 0 ? 0 : grid[jBest - 1]!;
    const hi = grid[Math.min(jBest + 1, last)]!;
    const m = brentMinimize((g) => -profile(g), lo, hi, 1e-10 * tMin);
    if (-m.fx >= values[jBest]!) gamma = m.x;
  } else {
    throw insufficient("Weibull 3P: no location γ in [0, t_min) gives a finite likelihood");
  }
  const core = fitWeibull2pCore(d, gamma, true);
  const [alpha, beta] = core.params as [number, number];
  const nearMin = profile(tMin * (1 - 1e-7));
  if (unbounded || beta < 1 || nearMin > core.logLikelihood + 1e-9) warnings.push(UNBOUNDED_3P_WARNING);
  if (gamma <= 0) warnings.push("gamma at its lower limit 0: the 3P fit reduces to the 2P fit");
  let gammaStandardError: number | null = null;
  if (gamma > 0 && !unbounded && beta >= 1) {
    try {
      const negLL = (x: number[]): number => -logLikelihood(WEIBULL, d, x[0]!, x[1]!, x[2]!);
      const room = Math.min(gamma, tMin - gamma);
      const info = hessian(negLL, [alpha, beta, gamma], [1e-4 * alpha, 1e-4 * beta, 1e-4 * room]);
      const cov = invertSymmetric(info);
      const v = cov[2]![2]!;
      if (v > 0 && Number.isFinite(v)) gammaStandardError = Math.sqrt(v);
    } catch {
      // Not positive definite: γ is not locally identified; reported as a warning below.
    }
  }
  if (gammaStandardError === null && gamma > 0) {
    warnings.push("standard error of gamma unavailable: the 3-parameter information matrix is not positive definite");
  }
  return {
    alpha,
    beta,
    gamma,
    covariance: core.covariance,
    gammaStandardError,
    logLikelihood: core.logLikelihood,
    warnings,
  };
}

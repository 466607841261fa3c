import type { DistributionName, LifeDistribution } from "./distributions.ts";

/** A point estimate with its two-sided (or one-sided) Fisher-matrix confidence bounds. */
export interface Bounded {
  value: number;
  lower: number;
  upper: number;
}

export interface ParamBound {
  lower: number;
  upper: number;
}

export interface FitOptions {
  /** Confidence level of the bounds, in (0, 1). Default 0.95 (two-sided, Z = 1.95996). */
  ci?: number;
}

/**
 * A maximum-likelihood fit with Fisher-matrix bounds (reliability.md §1.2, §1.3).
 *
 * - `params`, `standardErrors`, `bounds` use the usual symbols: Weibull alpha, beta (, gamma); exponential
 *   lambda; lognormal/normal mu, sigma; gamma alpha (scale), beta (shape).
 * - `covariance` is the inverse of the Hessian of −lnL at the MLE in `paramOrder`. For Weibull 3P it is the
 *   2 × 2 of (alpha, beta) from the 2P likelihood on (t − γ), as ReliaSoft and `reliability` do; the
 *   standard error of gamma, when the full 3 × 3 information matrix is positive definite, comes from that.
 * - `aicc` is null when n ≤ k + 1 (the small-sample correction is undefined), as `reliability` reports
 *   "Insufficient data".
 */
export interface FitResult {
  distribution: DistributionName;
  params: Record<string, number>;
  standardErrors: Record<string, number>;
  covariance: number[][];
  paramOrder: string[];
  bounds: Record<string, ParamBound>;
  ci: number;
  logLikelihood: number;
  aicc: number | null;
  bic: number;
  /** Number of fitted parameters. */
  k: number;
  /** Number of observations: failures + every kind of censored unit. */
  n: number;
  /** Failure events: exact + left-censored + interval-censored. */
  failures: number;
  censored: { right: number; left: number; interval: number };
  warnings: string[];
  /** B10 life (10 % failed) with bounds on time. */
  b10: Bounded;
  dist: LifeDistribution;
}

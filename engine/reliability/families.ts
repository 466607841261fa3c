import type { DistributionName } from "./distributions.ts";
import type { LifeData } from "./lifeData.ts";
import { lnGamma, lnGammaP, lnGammaQ, lnNormalCdf } from "./special.ts";

/**
 * Per-family log densities for the censored likelihood of reliability.md §1.1:
 *   lnL = Σ_fail ln f(t) + Σ_right ln R(c) + Σ_left ln F(t) + Σ_interval ln[F(b) − F(a)].
 * Each family takes at most two natural parameters (p, q) as scalars so the loops over typed arrays allocate
 * nothing; a location shift (Weibull 3P) is applied by the caller. Logs are computed directly (ln R = −(t/α)^β,
 * ln Φ in the tail via the incomplete gamma) so deep-tail censoring never produces −∞ by underflow.
 */
export interface Family {
  readonly name: Exclude<DistributionName, "weibull3p">;
  /** Natural parameter names, in covariance order. */
  readonly paramNames: readonly string[];
  /** Which natural parameters are positive (bounded with the log transform, §1.2). */
  readonly positive: readonly boolean[];
  readonly positiveSupport: boolean;
  lnPdf(t: number, p: number, q: number): number;
  lnSf(t: number, p: number, q: number): number;
  lnCdf(t: number, p: number, q: number): number;
}

const LN_SQRT_2PI = 0.9189385332046728;
const NEG_INF = Number.NEGATIVE_INFINITY;

/** ln(1 − e^x) for x ≤ 0 without cancellation (Mächler 2012, "Accurately computing log(1 − exp(−|a|))"). */
export function log1mExp(x: number): number {
  return x > -Math.LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

export const WEIBULL: Family = {
  name: "weibull2p",
  paramNames: ["alpha", "beta"],
  positive: [true, true],
  positiveSupport: true,
  lnPdf: (t, alpha, beta) => {
    if (t <= 0) return NEG_INF;
    const lz = Math.log(t / alpha);
    return Math.log(beta / alpha) + (beta - 1) * lz - Math.exp(beta * lz);
  },
  lnSf: (t, alpha, beta) => (t <= 0 ? 0 : -((t / alpha) ** beta)),
  lnCdf: (t, alpha, beta) => (t <= 0 ? NEG_INF : log1mExp(-((t / alpha) ** beta))),
};

export const EXPONENTIAL: Family = {
  name: "exponential",
  paramNames: ["lambda"],
  positive: [true],
  positiveSupport: true,
  lnPdf: (t, lambda) => (t < 0 ? NEG_INF : Math.log(lambda) - lambda * t),
  lnSf: (t, lambda) => (t <= 0 ? 0 : -lambda * t),
  lnCdf: (t, lambda) => (t <= 0 ? NEG_INF : log1mExp(-lambda * t)),
};

export const LOGNORMAL: Family = {
  name: "lognormal",
  paramNames: ["mu", "sigma"],
  positive: [false, true],
  positiveSupport: true,
  lnPdf: (t, mu, sigma) => {
    if (t <= 0) return NEG_INF;
    const lt = Math.log(t);
    const z = (lt - mu) / sigma;
    return -0.5 * z * z - LN_SQRT_2PI - Math.log(sigma) - lt;
  },
  lnSf: (t, mu, sigma) => (t <= 0 ? 0 : lnNormalCdf(-(Math.log(t) - mu) / sigma)),
  lnCdf: (t, mu, sigma) => (t <= 0 ? NEG_INF : lnNormalCdf((Math.log(t) - mu) / sigma)),
};

export const NORMAL: Family = {
  name: "normal",
  paramNames: ["mu", "sigma"],
  positive: [false, true],
  positiveSupport: false,
  lnPdf: (t, mu, sigma) => {
    const z = (t - mu) / sigma;
    return -0.5 * z * z - LN_SQRT_2PI - Math.log(sigma);
  },
  lnSf: (t, mu, sigma) => lnNormalCdf(-(t - mu) / sigma),
  lnCdf: (t, mu, sigma) => lnNormalCdf((t - mu) / sigma),
};

/** Gamma with `reliability`'s parameters: α scale, β shape. */
export const GAMMA: Family = {
  name: "gamma",
  paramNames: ["alpha", "beta"],
  positive: [true, true],
  positiveSupport: true,
  lnPdf: (t, alpha, beta) => {
    if (t <= 0) return NEG_INF;
    const x = t / alpha;
    return (beta - 1) * Math.log(x) - x - lnGamma(beta) - Math.log(alpha);
  },
  lnSf: (t, alpha, beta) => (t <= 0 ? 0 : lnGammaQ(beta, t / alpha)),
  lnCdf: (t, alpha, beta) => (t <= 0 ? NEG_INF : lnGammaP(beta, t / alpha)),
};

export const FAMILIES: Record<Family["name"], Family> = {
  weibull2p: WEIBULL,
  exponential: EXPONENTIAL,
  lognormal: LOGNORMAL,
  normal: NORMAL,
  gamma: GAMMA,
};

/**
 * ln[F(b) − F(a)] for a < b, from whichever tail keeps the digits. An interval narrower than 1e-6 of its end
 * would lose most digits to cancellation; there the midpoint rule f(m)·(b − a) is exact to ~1e-12.
 */
export function lnIntervalProbability(fam: Family, a: number, b: number, p: number, q: number): number {
  const width = b - a;
  if (width <= 1e-6 * Math.abs(b)) return fam.lnPdf(0.5 * (a + b), p, q) + Math.log(width);
  const lcb = fam.lnCdf(b, p, q);
  if (lcb < -Math.LN2) return lcb + log1mExp(fam.lnCdf(a, p, q) - lcb);
  const lsa = fam.lnSf(a, p, q);
  return lsa + log1mExp(fam.lnSf(b, p, q) - lsa);
}

/**
 * The censored log-likelihood of `data` shifted by `shift` (t → t − shift; Weibull 3P). Right-censored times
 * at or before the shift carry no information (R = 1) and drop out; interval lows at or before it become 0.
 */
export function logLikelihood(fam: Family, d: LifeData, p: number, q: number, shift = 0): number {
  let s = 0;
  const f = d.failures;
  for (let i = 0; i < f.length; i++) s += fam.lnPdf(f[i]! - shift, p, q);
  const r = d.right;
  for (let i = 0; i < r.length; i++) {
    const t = r[i]! - shift;
    if (t > 0 || !fam.positiveSupport) s += fam.lnSf(t, p, q);
  }
  const l = d.left;
  for (let i = 0; i < l.length; i++) s += fam.lnCdf(l[i]! - shift, p, q);
  const lo = d.intervalLow;
  const hi = d.intervalHigh;
  for (let i = 0; i < lo.length; i++) {
    const a = lo[i]! - shift;
    s += lnIntervalProbability(fam, fam.positiveSupport && a < 0 ? 0 : a, hi[i]! - shift, p, q);
  }
  return s;
}

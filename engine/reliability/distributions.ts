import { MoldtwinError } from "../errors.ts";
import {
  gammaFunction,
  gammaP,
  gammaPInverse,
  gammaQ,
  lnGamma,
  lnGammaQ,
  lnNormalCdf,
  normalCdf,
  normalPdf,
  normalQuantile,
} from "./special.ts";

/**
 * Life distributions with the parameter names of the Python `reliability` library (Reid, v0.9.0, docs
 * "Equations of supported distributions"): Weibull α scale, β shape, γ location; exponential λ; (log)normal
 * μ, σ; gamma α scale, β shape. Times are in whatever unit the data use (hours, shots, cycles).
 */

export type DistributionName = "weibull2p" | "weibull3p" | "exponential" | "lognormal" | "normal" | "gamma";

export interface LifeDistribution {
  readonly name: DistributionName;
  /** Usual symbols: weibull alpha (scale), beta (shape), gamma (location, 3P only); exponential lambda; lognormal/normal mu, sigma; gamma alpha (scale), beta (shape) as in the Python `reliability` library. */
  readonly params: Readonly<Record<string, number>>;
  pdf(t: number): number;
  cdf(t: number): number;
  /** Reliability R(t) = 1 − F(t). */
  sf(t: number): number;
  hazard(t: number): number;
  cumulativeHazard(t: number): number;
  /** Inverse CDF, p in (0, 1); p = 0 gives the lower end of the support. */
  quantile(p: number): number;
  mean(): number;
}

function requirePositive(name: string, field: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `${name}: ${field} must be a finite number > 0`, [
      { field, value, allowed: "finite, > 0" },
    ]);
  }
}

function requireFinite(name: string, field: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `${name}: ${field} must be a finite number`, [
      { field, value, allowed: "finite" },
    ]);
  }
}

function checkProbability(name: string, p: number): void {
  if (!(p >= 0 && p < 1)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `${name}: quantile probability must lie in [0, 1)`, [
      { field: "p", value: p, allowed: "0 ≤ p < 1" },
    ]);
  }
}

/** Weibull 2P (γ omitted) or 3P: R(t) = exp(−((t − γ)/α)^β) for t > γ (reliability.md §1.1). */
export function weibull(alpha: number, beta: number, gamma?: number): LifeDistribution {
  const name: DistributionName = gamma === undefined ? "weibull2p" : "weibull3p";
  requirePositive(name, "alpha", alpha);
  requirePositive(name, "beta", beta);
  const g = gamma ?? 0;
  if (gamma !== undefined) requireFinite(name, "gamma", gamma);
  const params: Record<string, number> = gamma === undefined ? { alpha, beta } : { alpha, beta, gamma };
  const z = (t: number): number => Math.max(0, t - g) / alpha;
  return {
    name,
    params: Object.freeze(params),
    pdf: (t) => {
      if (t <= g) return beta === 1 && t === g ? 1 / alpha : 0;
      const x = z(t);
      return (beta / alpha) * x ** (beta - 1) * Math.exp(-(x ** beta));
    },
    cdf: (t) => -Math.expm1(-(z(t) ** beta)),
    sf: (t) => Math.exp(-(z(t) ** beta)),
    hazard: (t) =>
      t <= g ? (beta < 1 ? Number.MAX_VALUE : beta === 1 ? 1 / alpha : 0) : (beta / alpha) * z(t) ** (beta - 1),
    cumulativeHazard: (t) => z(t) ** beta,
    quantile: (p) => {
      checkProbability(name, p);
      return g + alpha * (-Math.log1p(-p)) ** (1 / beta);
    },
    mean: () => g + alpha * gammaFunction(1 + 1 / beta),
  };
}

/** Exponential 1P: R(t) = exp(−λt). */
export function exponential(lambda: number): LifeDistribution {
  requirePositive("exponential", "lambda", lambda);
  return {
    name: "exponential",
    params: Object.freeze({ lambda }),
    pdf: (t) => (t < 0 ? 0 : lambda * Math.exp(-lambda * t)),
    cdf: (t) => (t <= 0 ? 0 : -Math.expm1(-lambda * t)),
    sf: (t) => (t <= 0 ? 1 : Math.exp(-lambda * t)),
    hazard: (t) => (t < 0 ? 0 : lambda),
    cumulativeHazard: (t) => (t <= 0 ? 0 : lambda * t),
    quantile: (p) => {
      checkProbability("exponential", p);
      return -Math.log1p(-p) / lambda;
    },
    mean: () => 1 / lambda,
  };
}

/** Lognormal 2P: ln T ~ N(μ, σ²). */
export function lognormal(mu: number, sigma: number): LifeDistribution {
  requireFinite("lognormal", "mu", mu);
  requirePositive("lognormal", "sigma", sigma);
  const zf = (t: number): number => (Math.log(t) - mu) / sigma;
  return {
    name: "lognormal",
    params: Object.freeze({ mu, sigma }),
    pdf: (t) => (t <= 0 ? 0 : normalPdf(zf(t)) / (sigma * t)),
    cdf: (t) => (t <= 0 ? 0 : normalCdf(zf(t))),
    sf: (t) => (t <= 0 ? 1 : normalCdf(-zf(t))),
    // Ratio in logs so the hazard stays finite far in the right tail, where pdf and sf both underflow.
    hazard: (t) => {
      if (t <= 0) return 0;
      const z = zf(t);
      return Math.exp(-0.5 * z * z - 0.9189385332046728 - lnNormalCdf(-z)) / (sigma * t);
    },
    cumulativeHazard: (t) => (t <= 0 ? 0 : -lnNormalCdf(-zf(t))),
    quantile: (p) => {
      checkProbability("lognormal", p);
      return p === 0 ? 0 : Math.exp(mu + sigma * normalQuantile(p));
    },
    mean: () => Math.exp(mu + 0.5 * sigma * sigma),
  };
}

/** Normal 2P (support the whole real line; a life model only when μ ≫ σ). */
export function normal(mu: number, sigma: number): LifeDistribution {
  requireFinite("normal", "mu", mu);
  requirePositive("normal", "sigma", sigma);
  const zf = (t: number): number => (t - mu) / sigma;
  return {
    name: "normal",
    params: Object.freeze({ mu, sigma }),
    pdf: (t) => normalPdf(zf(t)) / sigma,
    cdf: (t) => normalCdf(zf(t)),
    sf: (t) => normalCdf(-zf(t)),
    hazard: (t) => {
      const z = zf(t);
      return Math.exp(-0.5 * z * z - 0.9189385332046728 - lnNormalCdf(-z)) / sigma;
    },
    cumulativeHazard: (t) => -lnNormalCdf(-zf(t)),
    quantile: (p) => {
      if (!(p > 0 && p < 1)) {
        throw new MoldtwinError("TWIN_ERR_VALIDATION", "normal: quantile probability must lie in (0, 1)", [
          { field: "p", value: p, allowed: "0 < p < 1" },
        ]);
      }
      return mu + sigma * normalQuantile(p);
    },
    mean: () => mu,
  };
}

/**
 * Gamma 2P with `reliability`'s parameterisation: α scale, β shape,
 * f(t) = t^(β−1)·e^(−t/α) / (Γ(β)·α^β), F(t) = P(β, t/α), mean αβ.
 */
export function gammaDistribution(alpha: number, beta: number): LifeDistribution {
  requirePositive("gamma", "alpha", alpha);
  requirePositive("gamma", "beta", beta);
  const lgb = lnGamma(beta);
  const lnPdf = (t: number): number => (beta - 1) * Math.log(t / alpha) - t / alpha - lgb - Math.log(alpha);
  return {
    name: "gamma",
    params: Object.freeze({ alpha, beta }),
    pdf: (t) => (t < 0 ? 0 : t === 0 ? (beta === 1 ? 1 / alpha : beta < 1 ? Number.MAX_VALUE : 0) : Math.exp(lnPdf(t))),
    cdf: (t) => (t <= 0 ? 0 : gammaP(beta, t / alpha)),
    sf: (t) => (t <= 0 ? 1 : gammaQ(beta, t / alpha)),
    hazard: (t) => {
      if (t < 0) return 0;
      if (t === 0) return beta === 1 ? 1 / alpha : beta < 1 ? Number.MAX_VALUE : 0;
      return Math.exp(lnPdf(t) - lnGammaQ(beta, t / alpha));
    },
    cumulativeHazard: (t) => (t <= 0 ? 0 : -lnGammaQ(beta, t / alpha)),
    quantile: (p) => {
      checkProbability("gamma", p);
      return alpha * gammaPInverse(beta, p);
    },
    mean: () => alpha * beta,
  };
}

/** Builds a distribution from its name and parameter record (the inverse of `.name`/`.params`). */
export function distributionFromParams(name: DistributionName, p: Readonly<Record<string, number>>): LifeDistribution {
  const get = (k: string): number => {
    const v = p[k];
    if (v === undefined) {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", `${name}: parameter ${k} is missing`, [
        { field: k, allowed: "a number" },
      ]);
    }
    return v;
  };
  switch (name) {
    case "weibull2p":
      return weibull(get("alpha"), get("beta"));
    case "weibull3p":
      return weibull(get("alpha"), get("beta"), get("gamma"));
    case "exponential":
      return exponential(get("lambda"));
    case "lognormal":
      return lognormal(get("mu"), get("sigma"));
    case "normal":
      return normal(get("mu"), get("sigma"));
    case "gamma":
      return gammaDistribution(get("alpha"), get("beta"));
  }
}

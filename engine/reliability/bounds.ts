import { MoldtwinError } from "../errors.ts";
import { distributionFromParams } from "./distributions.ts";
import type { Bounded, FitResult, ParamBound } from "./fitTypes.ts";
import { normalCdf, normalQuantile, zForConfidence } from "./special.ts";

/**
 * Fisher-matrix confidence bounds (reliability.md §1.2, `reliability` docs "How are the confidence intervals
 * calculated", ReliaWiki "Fisher Matrix Bounds"): the delta method on a transform that is close to normal —
 * ln T for times, ln(−ln R) for Weibull-type reliabilities, the standardized variable z for the normal and
 * lognormal — with Z = −Φ⁻¹((1 − CI)/2) two-sided.
 */

export function validateCi(ci: number): number {
  if (!(typeof ci === "number" && ci > 0 && ci < 1)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "confidence level must lie strictly between 0 and 1", [
      { field: "ci", value: ci, allowed: "0 < ci < 1 (e.g. 0.95)" },
    ]);
  }
  return ci;
}

/** Positive parameter: X·exp(∓Z·SE/X); unbounded parameter: X ∓ Z·SE. */
export function parameterBounds(value: number, se: number, positive: boolean, z: number): ParamBound {
  if (positive) {
    if (!(value > 0)) return { lower: 0, upper: 0 };
    const f = Math.exp((z * se) / value);
    return { lower: value / f, upper: finite(value * f) };
  }
  return { lower: value - z * se, upper: value + z * se };
}

function finite(x: number): number {
  return Number.isFinite(x) ? x : x > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
}

function covOf(fit: FitResult, a: string, b: string): number {
  const i = fit.paramOrder.indexOf(a);
  const j = fit.paramOrder.indexOf(b);
  if (i < 0 || j < 0) return 0;
  return fit.covariance[i]?.[j] ?? 0;
}

/** Var of g(θ) by the delta method with a central-difference gradient over the fitted parameters in `names`. */
function deltaVariance(fit: FitResult, names: string[], g: (p: Record<string, number>) => number): number {
  const grad = names.map((name) => {
    const v = fit.params[name]!;
    const h = 1e-6 * Math.max(Math.abs(v), 1e-3);
    const up = { ...fit.params, [name]: v + h };
    const dn = { ...fit.params, [name]: v - h };
    return (g(up) - g(dn)) / (2 * h);
  });
  let s = 0;
  for (let i = 0; i < names.length; i++) {
    for (let j = 0; j < names.length; j++) s += grad[i]! * grad[j]! * covOf(fit, names[i]!, names[j]!);
  }
  return Math.max(0, s);
}

function checkReliability(r: number): void {
  if (!(r > 0 && r < 1)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "reliability for a time bound must lie strictly between 0 and 1", [
      { field: "reliability", value: r, allowed: "0 < R < 1 (B10 ↔ R = 0.9)" },
    ]);
  }
}

/** Time at which reliability falls to R, with Fisher bounds on time. */
export function timeBounds(fit: FitResult, reliability: number): Bounded {
  checkReliability(reliability);
  const z = zForConfidence(fit.ci);
  const p = fit.params;
  const value = fit.dist.quantile(1 - reliability);
  switch (fit.distribution) {
    case "weibull2p":
    case "weibull3p": {
      // u = ln T = (1/β)·ln(−ln R) + ln α
      // Var(u) = (ln(−ln R))²/β⁴·Var β + Var α/α² − 2·ln(−ln R)/(β²·α)·Cov(α,β)       (§1.2, as printed)
      const alpha = p.alpha!;
      const beta = p.beta!;
      const g = p.gamma ?? 0;
      const llr = Math.log(-Math.log(reliability));
      const u = llr / beta + Math.log(alpha);
      const varU = Math.max(
        0,
        (llr * llr * covOf(fit, "beta", "beta")) / beta ** 4 +
          covOf(fit, "alpha", "alpha") / (alpha * alpha) -
          ((2 * llr) / (beta * beta * alpha)) * covOf(fit, "alpha", "beta"),
      );
      const s = z * Math.sqrt(varU);
      return { value, lower: g + Math.exp(u - s), upper: finite(g + Math.exp(u + s)) };
    }
    case "exponential": {
      // u = ln T = ln(−ln R) − ln λ, Var u = Var λ / λ²
      const lambda = p.lambda!;
      const s = (z * Math.sqrt(covOf(fit, "lambda", "lambda"))) / lambda;
      return { value, lower: value * Math.exp(-s), upper: finite(value * Math.exp(s)) };
    }
    case "lognormal":
    case "normal": {
      // u = μ + σ·z_p (z_p = Φ⁻¹(1 − R)), Var u = Var μ + z_p²·Var σ + 2·z_p·Cov(μ,σ); lognormal T = e^u.
      const zp = normalQuantile(1 - reliability);
      const u = p.mu! + p.sigma! * zp;
      const varU = Math.max(
        0,
        covOf(fit, "mu", "mu") + zp * zp * covOf(fit, "sigma", "sigma") + 2 * zp * covOf(fit, "mu", "sigma"),
      );
      const s = z * Math.sqrt(varU);
      if (fit.distribution === "normal") return { value, lower: u - s, upper: u + s };
      return { value, lower: Math.exp(u - s), upper: finite(Math.exp(u + s)) };
    }
    case "gamma": {
      // Delta method on ln T with ∂ln T/∂θ by central differences of the quantile.
      const names = ["alpha", "beta"];
      const varU = deltaVariance(fit, names, (q) =>
        Math.log(distributionFromParams("gamma", q).quantile(1 - reliability)),
      );
      const s = z * Math.sqrt(varU);
      return { value, lower: value * Math.exp(-s), upper: finite(value * Math.exp(s)) };
    }
  }
}

/** Reliability at time t, with Fisher bounds on reliability. */
export function reliabilityBounds(fit: FitResult, t: number): Bounded {
  if (!Number.isFinite(t)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "time for a reliability bound must be finite", [
      { field: "t", value: t, allowed: "a finite time" },
    ]);
  }
  const z = zForConfidence(fit.ci);
  const p = fit.params;
  const value = fit.dist.sf(t);
  const cloglog = (u: number, varU: number): Bounded => {
    const s = z * Math.sqrt(Math.max(0, varU));
    return { value, lower: Math.exp(-Math.exp(u + s)), upper: Math.exp(-Math.exp(u - s)) };
  };
  switch (fit.distribution) {
    case "weibull2p":
    case "weibull3p": {
      const g = p.gamma ?? 0;
      if (t <= g) return { value: 1, lower: 1, upper: 1 };
      // u = β·(ln T − ln α); Var(u) = (ln T − ln α)²·Var β + (β/α)²·Var α − 2·(ln T − ln α)·(β/α)·Cov(α,β)
      const alpha = p.alpha!;
      const beta = p.beta!;
      const d = Math.log(t - g) - Math.log(alpha);
      const varU =
        d * d * covOf(fit, "beta", "beta") +
        (beta / alpha) ** 2 * covOf(fit, "alpha", "alpha") -
        2 * d * (beta / alpha) * covOf(fit, "alpha", "beta");
      return cloglog(beta * d, varU);
    }
    case "exponential": {
      if (t <= 0) return { value: 1, lower: 1, upper: 1 };
      const lambda = p.lambda!;
      return cloglog(Math.log(lambda * t), covOf(fit, "lambda", "lambda") / (lambda * lambda));
    }
    case "lognormal":
    case "normal": {
      if (fit.distribution === "lognormal" && t <= 0) return { value: 1, lower: 1, upper: 1 };
      // z = (x − μ)/σ, x = ln t or t; Var z = (Var μ + z²·Var σ + 2z·Cov(μ,σ))/σ²; R = Φ(−z).
      const x = fit.distribution === "lognormal" ? Math.log(t) : t;
      const sigma = p.sigma!;
      const zt = (x - p.mu!) / sigma;
      const varZ =
        (covOf(fit, "mu", "mu") + zt * zt * covOf(fit, "sigma", "sigma") + 2 * zt * covOf(fit, "mu", "sigma")) /
        (sigma * sigma);
      const s = z * Math.sqrt(Math.max(0, varZ));
      return { value, lower: normalCdf(-(zt + s)), upper: normalCdf(-(zt - s)) };
    }
    case "gamma": {
      if (t <= 0) return { value: 1, lower: 1, upper: 1 };
      const h = fit.dist.cumulativeHazard(t);
      if (!(h > 0)) return { value, lower: value, upper: value };
      const varU = deltaVariance(fit, ["alpha", "beta"], (q) =>
        Math.log(distributionFromParams("gamma", q).cumulativeHazard(t)),
      );
      return cloglog(Math.log(h), varU);
    }
  }
}

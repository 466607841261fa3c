import { MoldtwinError } from "../errors.ts";
import type { LifeDistribution } from "./distributions.ts";
import { gammaFunction, gammaQ, normalCdf, normalPdf } from "./special.ts";

/**
 * Life metrics of a fitted distribution (reliability.md §1.4). The mean residual life uses the closed form of
 * E[(T − t)⁺] = ∫_t^∞ R(x) dx for every supported family rather than quadrature, so it is exact and fast
 * even far in the tail.
 */

/** B-life: the time by which a fraction `fractionFailed` has failed (B10 → 0.10). t_p = F⁻¹(p). */
export function bLife(d: LifeDistribution, fractionFailed: number): number {
  if (!(fractionFailed > 0 && fractionFailed < 1)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "B-life fraction failed must lie in (0, 1)", [
      { field: "fractionFailed", value: fractionFailed, allowed: "0 < p < 1 (B10 = 0.10)" },
    ]);
  }
  return d.quantile(fractionFailed);
}

/** Mean time to failure = E[T] (Weibull: α·Γ(1 + 1/β) + γ). */
export function mttf(d: LifeDistribution): number {
  return d.mean();
}

/** ∫_t^∞ R(x) dx in closed form per family. */
function integratedSurvival(d: LifeDistribution, t: number): number {
  const p = d.params;
  switch (d.name) {
    case "weibull2p":
    case "weibull3p": {
      const alpha = p.alpha!;
      const beta = p.beta!;
      const g = p.gamma ?? 0;
      // Substituting u = ((x − γ)/α)^β: ∫ = α·Γ(1 + 1/β)·Q(1/β, ((t − γ)/α)^β); before γ, R = 1.
      const before = Math.max(0, g - t);
      const u = (Math.max(t, g) - g) / alpha;
      return before + alpha * gammaFunction(1 + 1 / beta) * gammaQ(1 / beta, u ** beta);
    }
    case "exponential": {
      const lambda = p.lambda!;
      return t <= 0 ? 1 / lambda - t : Math.exp(-lambda * t) / lambda;
    }
    case "gamma": {
      // E[(T − t)⁺] = αβ·Q(β + 1, t/α) − t·Q(β, t/α).
      const alpha = p.alpha!;
      const beta = p.beta!;
      if (t <= 0) return alpha * beta - t;
      return alpha * beta * gammaQ(beta + 1, t / alpha) - t * gammaQ(beta, t / alpha);
    }
    case "lognormal": {
      // E[(T − t)⁺] = e^(μ + σ²/2)·Φ(σ − z) − t·Φ(−z), z = (ln t − μ)/σ.
      const mu = p.mu!;
      const sigma = p.sigma!;
      if (t <= 0) return Math.exp(mu + 0.5 * sigma * sigma) - t;
      const z = (Math.log(t) - mu) / sigma;
      return Math.exp(mu + 0.5 * sigma * sigma) * normalCdf(sigma - z) - t * normalCdf(-z);
    }
    case "normal": {
      // E[(T − t)⁺] = σ·φ(z) − (t − μ)·Φ(−z), z = (t − μ)/σ.
      const mu = p.mu!;
      const sigma = p.sigma!;
      const z = (t - mu) / sigma;
      return sigma * normalPdf(z) - (t - mu) * normalCdf(-z);
    }
  }
}

/** Mean residual life MRL(t) = ∫_t^∞ R(x) dx / R(t). */
export function meanResidualLife(d: LifeDistribution, t: number): number {
  if (!Number.isFinite(t)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "mean residual life needs a finite age", [
      { field: "t", value: t, allowed: "finite" },
    ]);
  }
  const r = d.sf(t);
  const integral = integratedSurvival(d, t);
  // Far in the tail both underflow (or lose all digits); the MRL then tends to 1/h(t) for these families.
  if (r < 1e-280 || !(integral > 0)) {
    const h = d.hazard(t);
    return h > 0 ? 1 / h : 0;
  }
  return Math.max(0, integral / r);
}

/** R(t + x | survived t) = R(t + x)/R(t), computed as exp(H(t) − H(t + x)) so it stays finite in the tail. */
export function conditionalReliability(d: LifeDistribution, t: number, x: number): number {
  if (!(Number.isFinite(t) && Number.isFinite(x) && x >= 0)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "conditional reliability needs a finite age and mission x ≥ 0", [
      { field: "t", value: t, allowed: "finite" },
      { field: "x", value: x, allowed: "finite, ≥ 0" },
    ]);
  }
  return Math.min(1, Math.exp(d.cumulativeHazard(t) - d.cumulativeHazard(t + x)));
}

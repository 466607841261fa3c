/**
 * Stress–strength interference: the probability that a load (stress) exceeds the capacity (strength) of a part
 * when both vary (reliability.md §1.12; `reliability` docs "Stress-Strength interference.rst"; O'Connor &
 * Kleyner, "Practical Reliability Engineering", §4.4).
 *
 *   Normal–normal: P_f = Φ(−(μ_strength − μ_stress) / √(σ_strength² + σ_stress²))
 *   General:       P_f = ∫ f_strength(x) · R_stress(x) dx,   R_stress(x) = P(stress > x)
 *
 * The docs print the normal formula without its minus sign; their printed number (1.50298 %) uses the correct
 * one, as here. The general integral is done by adaptive Gauss–Kronrod over the strength's support, split at
 * its quantiles so the adaptive scheme sees where the density lives (the docs instead use a trapezoid rule on
 * a fixed grid).
 */

import { MoldtwinError } from "../errors.ts";
import { integrate } from "./numeric.ts";
import { normalCdf } from "./special.ts";

/** What the general integral needs of each distribution (any `LifeDistribution` qualifies). */
export interface InterferenceDistribution {
  pdf(x: number): number;
  sf(x: number): number;
  /** Inverse cdf for p in (0, 1); quantile(0), if allowed, is the lower end of the support. */
  quantile(p: number): number;
}

export interface StressStrengthResult {
  /** P(stress > strength). */
  probabilityOfFailure: number;
  /** 1 − probabilityOfFailure. */
  reliability: number;
}

export interface NormalStressStrength {
  stressMean: number;
  stressSd: number;
  strengthMean: number;
  strengthSd: number;
}

export function stressStrengthNormal(p: NormalStressStrength): StressStrengthResult {
  for (const [field, value, positive] of [
    ["stressMean", p.stressMean, false],
    ["stressSd", p.stressSd, true],
    ["strengthMean", p.strengthMean, false],
    ["strengthSd", p.strengthSd, true],
  ] as const) {
    if (!Number.isFinite(value) || (positive && !(value > 0))) {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} must be finite${positive ? " and > 0" : ""}`, [
        { field, value, allowed: positive ? "finite, > 0" : "finite" },
      ]);
    }
  }
  const z = (p.strengthMean - p.stressMean) / Math.hypot(p.strengthSd, p.stressSd);
  const probabilityOfFailure = normalCdf(-z);
  return { probabilityOfFailure, reliability: normalCdf(z) };
}

/** Lower end of the support: quantile(0), or −∞ where the distribution has none (the normal refuses p = 0). */
function lowerEnd(d: InterferenceDistribution): number {
  try {
    const x = d.quantile(0);
    return Number.isFinite(x) ? x : Number.NEGATIVE_INFINITY;
  } catch {
    return Number.NEGATIVE_INFINITY;
  }
}

/** Quantile levels that split the strength's support for the quadrature. */
const SPLITS = [1e-6, 0.01, 0.1, 0.5, 0.9, 0.99, 1 - 1e-6];

export function stressStrength(
  stress: InterferenceDistribution,
  strength: InterferenceDistribution,
): StressStrengthResult {
  const integrand = (x: number): number => {
    const f = strength.pdf(x);
    return f === 0 ? 0 : f * stress.sf(x);
  };
  const lower = lowerEnd(strength);
  const cuts = SPLITS.map((q) => strength.quantile(q)).filter((x) => Number.isFinite(x));
  const edges = [lower, ...cuts, Number.POSITIVE_INFINITY];
  let pf = 0;
  for (let i = 0; i + 1 < edges.length; i++) {
    const a = edges[i]!;
    const b = edges[i + 1]!;
    if (b > a) pf += integrate(integrand, a, b, 1e-12);
  }
  if (!Number.isFinite(pf)) {
    throw new MoldtwinError("SIM_ERR_NON_FINITE", "stress–strength integral is not finite", [
      { field: "probabilityOfFailure", value: pf, allowed: "a probability in [0, 1]" },
    ]);
  }
  const probabilityOfFailure = Math.min(1, Math.max(0, pf));
  return { probabilityOfFailure, reliability: 1 - probabilityOfFailure };
}

import { type ErrorDetail, MoldtwinError } from "../errors.ts";
import { validateCi } from "./bounds.ts";
import { fitDistribution } from "./fit.ts";
import type { Bounded, FitResult } from "./fitTypes.ts";
import { lifeData } from "./lifeData.ts";
import { brentRoot } from "./numeric.ts";
import { zForConfidence } from "./special.ts";

/**
 * Two-mode competing-risks Weibull (series system of two failure mechanisms, e.g. check-ring wear and
 * heater-band burn-out on the same unit): R(t) = R₁(t)·R₂(t), h(t) = h₁(t) + h₂(t).
 *
 * With the failure mode of each failure known, the likelihood factorises:
 *   L = Π_{mode 1} f₁(t)R₂(t) · Π_{mode 2} f₂(t)R₁(t) · Π_{suspended} R₁(c)R₂(c)
 *     = [Π_{mode 1} f₁ · Π_{others} R₁] · [Π_{mode 2} f₂ · Π_{others} R₂],
 * so each mode is an ordinary Weibull 2P fit in which the other mode's failures are right-censored (Nelson,
 * *Applied Life Data Analysis*, ch. 5; `reliability` Fit_Weibull_CR fits the same model when modes are
 * unknown, but gives no bounds: its roadmap item 2). Because ln L = ln L₁(α₁, β₁) + ln L₂(α₂, β₂), every
 * cross-derivative between the two modes is exactly zero: the 4 × 4 Fisher matrix — and its inverse, the
 * covariance — is block diagonal. That is exact here, not an independence assumption added for convenience.
 * System bounds are the delta method with that covariance on u = ln H(t) = ln(H₁ + H₂) for reliability and on
 * ln t for times (implicit differentiation of H(t; θ) = −ln R), the same transforms as reliability.md §1.2.
 */

export interface CompetingRisksInput {
  /** Failure times, each with its mode in `modes` (1 or 2). */
  failures: ArrayLike<number>;
  modes: ArrayLike<number>;
  /** Right-censored (surviving) units. */
  right?: ArrayLike<number>;
}

export interface CompetingRisksResult {
  /** Weibull 2P fit of each mode (the other mode's failures right-censored). */
  modes: [FitResult, FitResult];
  /** Order: alpha1, beta1, alpha2, beta2; block diagonal (see the module comment). */
  covariance: number[][];
  paramOrder: ["alpha1", "beta1", "alpha2", "beta2"];
  ci: number;
  /** Time at which system reliability is 0.9, with bounds. */
  b10: Bounded;
}

export function fitCompetingRisks(input: CompetingRisksInput, options: { ci?: number } = {}): CompetingRisksResult {
  const ci = validateCi(options.ci ?? 0.95);
  const n = input.failures.length;
  const details: ErrorDetail[] = [];
  if (input.modes.length !== n) {
    details.push({ field: "modes", value: input.modes.length, allowed: `one mode per failure (${n})` });
  }
  const f1: number[] = [];
  const f2: number[] = [];
  for (let i = 0; i < Math.min(n, input.modes.length); i++) {
    const m = input.modes[i];
    if (m === 1) f1.push(input.failures[i]!);
    else if (m === 2) f2.push(input.failures[i]!);
    else if (details.length < 20) details.push({ field: `modes[${i}]`, value: m, allowed: "1 or 2" });
  }
  if (details.length > 0) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "competing-risks data: every failure needs mode 1 or 2", details);
  }
  const right = Array.from(input.right ?? []);
  const fitMode = (own: number[], other: number[], label: string): FitResult => {
    if (own.length < 2) {
      throw new MoldtwinError(
        "FIT_ERR_INSUFFICIENT_DATA",
        `competing risks: failure mode ${label} has ${own.length} failure(s); each mode needs at least two to fit a Weibull`,
        [{ field: `mode ${label} failures`, value: own.length, allowed: "≥ 2" }],
      );
    }
    return fitDistribution(lifeData({ failures: own, right: [...other, ...right] }), "weibull2p", { ci });
  };
  const m1 = fitMode(f1, f2, "1");
  const m2 = fitMode(f2, f1, "2");
  const c1 = m1.covariance;
  const c2 = m2.covariance;
  const covariance = [
    [c1[0]![0]!, c1[0]![1]!, 0, 0],
    [c1[1]![0]!, c1[1]![1]!, 0, 0],
    [0, 0, c2[0]![0]!, c2[0]![1]!],
    [0, 0, c2[1]![0]!, c2[1]![1]!],
  ];
  const partial: CompetingRisksResult = {
    modes: [m1, m2],
    covariance,
    paramOrder: ["alpha1", "beta1", "alpha2", "beta2"],
    ci,
    b10: { value: 0, lower: 0, upper: 0 },
  };
  partial.b10 = systemTimeBounds(partial, 0.9);
  return partial;
}

function modeParams(cr: CompetingRisksResult): [number, number, number, number] {
  const [a, b] = cr.modes;
  return [a.params.alpha!, a.params.beta!, b.params.alpha!, b.params.beta!];
}

function quadForm(g: number[], cov: number[][]): number {
  let s = 0;
  for (let i = 0; i < g.length; i++) for (let j = 0; j < g.length; j++) s += g[i]! * g[j]! * cov[i]![j]!;
  return Math.max(0, s);
}

/** System cumulative hazard H(t) = (t/α₁)^β₁ + (t/α₂)^β₂. */
export function systemCumulativeHazard(cr: CompetingRisksResult, t: number): number {
  const [a1, b1, a2, b2] = modeParams(cr);
  return t <= 0 ? 0 : (t / a1) ** b1 + (t / a2) ** b2;
}

/** System reliability R₁·R₂ at t with Fisher bounds (delta method on ln H with the 4 × 4 covariance). */
export function systemReliabilityBounds(cr: CompetingRisksResult, t: number): Bounded {
  if (!(Number.isFinite(t) && t >= 0)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "system reliability needs a finite time ≥ 0", [
      { field: "t", value: t, allowed: "finite, ≥ 0" },
    ]);
  }
  if (t === 0) return { value: 1, lower: 1, upper: 1 };
  const [a1, b1, a2, b2] = modeParams(cr);
  const h1 = (t / a1) ** b1;
  const h2 = (t / a2) ** b2;
  const h = h1 + h2;
  // ∂ln H/∂α_i = −β_i·H_i/(α_i·H),  ∂ln H/∂β_i = H_i·ln(t/α_i)/H
  const g = [(-b1 * h1) / (a1 * h), (h1 * Math.log(t / a1)) / h, (-b2 * h2) / (a2 * h), (h2 * Math.log(t / a2)) / h];
  const s = zForConfidence(cr.ci) * Math.sqrt(quadForm(g, cr.covariance));
  const u = Math.log(h);
  return { value: Math.exp(-h), lower: Math.exp(-Math.exp(u + s)), upper: Math.exp(-Math.exp(u - s)) };
}

/** Time at which system reliability falls to R (B-life with p = 1 − R), with Fisher bounds on time. */
export function systemTimeBounds(cr: CompetingRisksResult, reliability: number): Bounded {
  if (!(reliability > 0 && reliability < 1)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "reliability must lie strictly between 0 and 1", [
      { field: "reliability", value: reliability, allowed: "0 < R < 1" },
    ]);
  }
  const [a1, b1, a2, b2] = modeParams(cr);
  const target = -Math.log(reliability);
  // The system fails no later than either mode alone: bracket below min(t₁(R), t₂(R)).
  let hi = Math.min(a1 * target ** (1 / b1), a2 * target ** (1 / b2));
  let lo = hi;
  while (systemCumulativeHazard(cr, lo) >= target && lo > 1e-300) lo *= 0.5;
  hi *= 1 + 1e-12;
  const lnT = brentRoot(
    (x) => Math.log(systemCumulativeHazard(cr, Math.exp(x))) - Math.log(target),
    Math.log(lo),
    Math.log(hi),
    1e-14,
  );
  const t = Math.exp(lnT);
  const h1 = (t / a1) ** b1;
  const h2 = (t / a2) ** b2;
  const h = h1 + h2;
  // Implicit function F(ln t, θ) = ln H − ln(−ln R) = 0: ∂ln t/∂θ = −(∂F/∂θ)/(∂F/∂ln t), ∂F/∂ln t = Σβ_i·H_i/H.
  const dlnt = (b1 * h1 + b2 * h2) / h;
  const g = [
    (b1 * h1) / (a1 * h) / dlnt,
    -((h1 * Math.log(t / a1)) / h) / dlnt,
    (b2 * h2) / (a2 * h) / dlnt,
    -((h2 * Math.log(t / a2)) / h) / dlnt,
  ];
  const s = zForConfidence(cr.ci) * Math.sqrt(quadForm(g, cr.covariance));
  return { value: t, lower: t * Math.exp(-s), upper: t * Math.exp(s) };
}

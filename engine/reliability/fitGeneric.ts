import { MoldtwinError } from "../errors.ts";
import { type Family, logLikelihood } from "./families.ts";
import type { LifeData } from "./lifeData.ts";
import { hessian, invertSymmetric, nelderMead } from "./numeric.ts";

/**
 * Generic censored maximum likelihood for a family with one or two natural parameters: Nelder–Mead in the
 * unconstrained transform (log of every positive parameter; lifelines#827 shows why the parameterisation
 * matters), then damped Newton steps on a central-difference gradient and Hessian to polish the optimum to
 * ~1e-10 relative, well past the 6 printed digits of the published checks. The covariance is the inverse of
 * the numeric Hessian of −lnL in the natural parameters (reliability.md §1.2).
 */

export interface CoreFit {
  /** Natural parameters in the family's `paramNames` order. */
  params: number[];
  covariance: number[][];
  logLikelihood: number;
}

function gradient(f: (x: number[]) => number, x: number[], h: number[]): number[] {
  return x.map((_, i) => {
    const p = x.slice();
    p[i] = x[i]! + h[i]!;
    const fp = f(p);
    p[i] = x[i]! - h[i]!;
    const fm = f(p);
    return (fp - fm) / (2 * h[i]!);
  });
}

function solve(h: number[][], g: number[]): number[] | null {
  let inv: number[][];
  try {
    inv = invertSymmetric(h);
  } catch {
    return null;
  }
  return inv.map((row) => row.reduce((s, v, j) => s + v * g[j]!, 0));
}

interface NewtonResult {
  x: number[];
  fx: number;
  converged: boolean;
}

/**
 * Damped Newton on central-difference derivatives: steps only where the Hessian is positive definite (a
 * minimum), halving until f decreases. Converged when the Newton decrement gᵀH⁻¹g/2 — the predicted gain —
 * is below the objective's own rounding noise.
 */
function newton(f: (x: number[]) => number, x0: number[], f0: number, maxIter: number): NewtonResult {
  let x = x0;
  let fx = f0;
  for (let iter = 0; iter < maxIter; iter++) {
    const h = x.map((v) => 1e-5 * Math.max(1, Math.abs(v)));
    const g = gradient(f, x, h);
    let hess: number[][];
    try {
      hess = hessian(
        f,
        x,
        x.map((v) => 1e-4 * Math.max(1, Math.abs(v))),
      );
    } catch {
      return { x, fx, converged: false };
    }
    if (hess.some((row, i) => !(row[i]! > 0))) return { x, fx, converged: false };
    const d = solve(hess, g);
    if (!d || d.some((v) => !Number.isFinite(v))) return { x, fx, converged: false };
    const decrement = 0.5 * d.reduce((s, v, i) => s + v * g[i]!, 0);
    if (!(decrement >= 0)) return { x, fx, converged: false };
    if (decrement <= 1e-12 + 4e-16 * Math.abs(fx)) return { x, fx, converged: true };
    let t = 1;
    let moved = false;
    for (let k = 0; k < 40; k++) {
      const xn = x.map((v, i) => v - t * d[i]!);
      const fn = f(xn);
      if (Number.isFinite(fn) && fn <= fx) {
        moved = xn.some((v, i) => v !== x[i]);
        x = xn;
        fx = fn;
        break;
      }
      t *= 0.5;
    }
    if (!moved) return { x, fx, converged: t < 1e-6 };
  }
  return { x, fx, converged: false };
}

/**
 * Minimises f from x0: damped Newton straight from the seed (a few dozen evaluations when the seed is in the
 * basin, which moment and profile seeds usually are); if that stalls, the simplex from the seed (robust from a
 * rough start) and Newton again to polish.
 */
export function minimizeSmooth(f: (x: number[]) => number, x0: number[]): { x: number[]; fx: number } {
  const f0 = f(x0);
  if (Number.isFinite(f0)) {
    const direct = newton(f, x0, f0, 60);
    if (direct.converged) return direct;
  }
  let nm: { x: number[]; fx: number };
  try {
    nm = nelderMead(f, x0, { tol: 1e-13, step: x0.map((v) => Math.max(0.1, 0.1 * Math.abs(v))) });
  } catch (e) {
    // Not finite anywhere around the seed (times of 1e150 put the scale beyond the search box): an infinite
    // minimum, which the caller reports as data the family cannot fit (FIT_ERR_INSUFFICIENT_DATA), not a bug.
    if (e instanceof MoldtwinError && e.code === "INTERNAL_ERR" && !Number.isFinite(f0)) {
      return { x: x0, fx: Number.POSITIVE_INFINITY };
    }
    throw e;
  }
  const polished = newton(f, nm.x, nm.fx, 40);
  return polished.fx <= nm.fx ? polished : nm;
}

/** Inverse of the information matrix H (Hessian of −lnL); throws when it is not positive definite. */
export function covarianceFromInformation(info: number[][], what: string): number[][] {
  const cov = invertSymmetric(info);
  const n = cov.length;
  let ok = true;
  for (let i = 0; i < n; i++) if (!(cov[i]![i]! > 0) || !Number.isFinite(cov[i]![i]!)) ok = false;
  if (n === 2 && ok) ok = cov[0]![0]! * cov[1]![1]! - cov[0]![1]! ** 2 > 0;
  if (!ok) {
    throw new MoldtwinError(
      "FIT_ERR_INSUFFICIENT_DATA",
      `${what}: the information matrix at the optimum is not positive definite, so the likelihood has no proper maximum for these data`,
      [{ field: "informationMatrix", value: info, allowed: "positive definite (parameters identifiable)" }],
    );
  }
  return cov;
}

/** Numeric observed-information covariance of `fam` at natural parameters p. */
export function numericCovariance(fam: Family, d: LifeData, p: number[], shift = 0): number[][] {
  const negLL = (x: number[]): number => -logLikelihood(fam, d, x[0]!, x[1] ?? 0, shift);
  const steps = p.map((v) => 1e-4 * (Math.abs(v) > 0 ? Math.abs(v) : 1));
  return covarianceFromInformation(hessian(negLL, p, steps), fam.name);
}

/** Censored MLE of `fam` from natural-parameter seed `seed`. */
export function fitFamilyCore(fam: Family, d: LifeData, seed: number[], shift = 0, withCovariance = true): CoreFit {
  const k = fam.paramNames.length;
  const toNatural = (x: number[]): number[] => x.map((v, i) => (fam.positive[i] ? Math.exp(v) : v));
  const negLL = (x: number[]): number => {
    // Keep the search in a sane box: e^±40 covers every physical time scale; beyond it the data cannot speak.
    for (let i = 0; i < x.length; i++) if (fam.positive[i] && !(Math.abs(x[i]!) < 40)) return Number.POSITIVE_INFINITY;
    const p = toNatural(x);
    const v = -logLikelihood(fam, d, p[0]!, p[1] ?? 0, shift);
    return Number.isFinite(v) ? v : Number.POSITIVE_INFINITY;
  };
  const x0 = seed.slice(0, k).map((v, i) => (fam.positive[i] ? Math.log(v) : v));
  const best = minimizeSmooth(negLL, x0);
  if (!Number.isFinite(best.fx)) {
    throw new MoldtwinError(
      "FIT_ERR_INSUFFICIENT_DATA",
      `${fam.name}: the likelihood is zero for every parameter tried`,
      [{ field: "data", allowed: "times the distribution can produce" }],
    );
  }
  for (let i = 0; i < k; i++) {
    if (fam.positive[i] && Math.abs(best.x[i]!) > 38) {
      throw new MoldtwinError(
        "FIT_ERR_INSUFFICIENT_DATA",
        `${fam.name}: ${fam.paramNames[i]} runs off to ${best.x[i]! > 0 ? "infinity" : "zero"}; the likelihood has no interior maximum for these data`,
        [{ field: fam.paramNames[i]!, value: Math.exp(best.x[i]!), allowed: "a finite, non-degenerate estimate" }],
      );
    }
  }
  const params = toNatural(best.x);
  return {
    params,
    covariance: withCovariance ? numericCovariance(fam, d, params, shift) : [],
    logLikelihood: -best.fx,
  };
}

/**
 * Stand-in exact times for seeding: failures, half of each left-censored time, the midpoint of each interval
 * (after the location shift). Only a starting point: the likelihood itself treats every unit correctly.
 */
export function pseudoFailures(d: LifeData, shift = 0): Float64Array {
  const out = new Float64Array(d.failures.length + d.left.length + d.intervalLow.length);
  let k = 0;
  for (const t of d.failures) out[k++] = t - shift;
  for (const t of d.left) out[k++] = 0.5 * (t - shift);
  for (let i = 0; i < d.intervalLow.length; i++) {
    const a = Math.max(d.intervalLow[i]!, shift);
    out[k++] = 0.5 * (a + d.intervalHigh[i]!) - shift;
  }
  return out;
}

/**
 * Levenberg–Marquardt for weighted nonlinear least squares with box bounds.
 *
 *  - Method: Levenberg (1944) and Marquardt (1963) damped Gauss–Newton steps (JᵀWJ + μ·D)·h = −JᵀW·e with
 *    Marquardt's diagonal scaling D = diag(JᵀWJ), kept at its running maximum (Moré 1978, "The Levenberg-
 *    Marquardt algorithm: implementation and theory", §4), so the method is invariant to parameter units.
 *  - Damping update: the gain ratio ρ = actual / predicted reduction with Nielsen's rule μ ← μ·max(1/3,
 *    1 − (2ρ − 1)³) on success and μ ← μ·ν, ν ← 2ν on failure (H. B. Nielsen 1999, IMM-REP-1999-05; Madsen,
 *    Nielsen & Tingleff 2004, *Methods for Non-Linear Least Squares Problems*, Alg. 3.16).
 *  - Bounds: by reparametrisation, never by clipping. A parameter bounded on both sides is a logistic function
 *    of an unbounded u (in log space for `scale: "log"`), one bounded on one side is bound ± exp(u). The search
 *    runs in u; the Jacobian is taken in the natural parameters and chained with dx/du.
 *  - Jacobian: central differences with relative step ε^⅓ (Nocedal & Wright 2006 §8.1: the step that balances
 *    truncation and rounding for a central difference), second-order one-sided differences where a central
 *    step would cross a bound.
 *  - Convergence (MINPACK's tests, Moré 1978 §7): the cosine between the residual and every Jacobian column
 *    (gtol), the relative step in u (xtol), the relative actual and predicted cost reduction (ftol), or the
 *    iteration limit, which is reported, not hidden.
 *  - Uncertainty: Cov = σ²·(JᵀWJ)⁻¹ at the solution, in the natural parameters (Seber & Wild 1989, *Nonlinear
 *    Regression* §2.1; NIST StRD's convention for its certified standard deviations with σ² = χ²/(m − p)).
 *    Intervals are u ± t·SE(u) mapped back through the transform (the log-transformed bounds of the
 *    reliability module, generalised), so they stay inside the bounds.
 *  - Identifiability: a zero Jacobian column, or a (numerically) singular JᵀWJ after scaling to unit diagonal,
 *    is refused with FIT_ERR_INSUFFICIENT_DATA naming the parameters and the observations they were to be
 *    identified from.
 */

import { type ErrorDetail, MoldtwinError } from "../errors.ts";
import { studentTTwoSidedQuantile } from "../reliability/studentT.ts";
import { choleskySolve, inverseFromEigen, type Matrix, symmetricEigen, zeros } from "./linalg.ts";

export interface LmParameter {
  name: string;
  initial: number;
  /** Lower bound (default −∞). */
  lower?: number;
  /** Upper bound (default +∞). */
  upper?: number;
  /** "log": a two-sided bound is mapped in log space (needs lower > 0). Default "linear". */
  scale?: "linear" | "log";
}

export interface LmProblem {
  parameters: readonly LmParameter[];
  /** Observed values y_i. */
  observed: readonly number[];
  /** Model predictions f_i(x) at natural parameter values x, in the order of `observed`. */
  model: (x: readonly number[]) => ArrayLike<number>;
  /** Measurement standard deviation of each observation: weights 1/sd². Default 1. */
  sd?: readonly number[];
  /** A name per observation (e.g. the output it measures), for messages about what a parameter is fitted from. */
  groups?: readonly string[];
}

/**
 * σ² of the covariance: "estimated" χ²/(m − p) (NIST StRD, the unweighted textbook case); "known" 1 (the sds are
 * the true measurement sds); "scaled" max(1, χ²/(m − p)) (the Particle Data Group's scale factor: never claims
 * more precision than the stated sds, inflates when the model fits worse than they allow).
 */
export type VarianceMode = "estimated" | "known" | "scaled";

export interface LmOptions {
  maxIterations?: number;
  gradientTolerance?: number;
  stepTolerance?: number;
  costTolerance?: number;
  /** Initial μ relative to the diagonal scaling D (Nielsen's τ). */
  initialDamping?: number;
  variance?: VarianceMode;
  /** Two-sided confidence level of the intervals. */
  confidence?: number;
  /** Relative central-difference step. */
  jacobianStep?: number;
  /** Smallest eigenvalue of JᵀWJ scaled to unit diagonal below which the problem is refused as rank deficient. */
  identifiabilityTolerance?: number;
}

export const LM_DEFAULTS = {
  maxIterations: 200,
  gradientTolerance: 1e-10,
  stepTolerance: 1e-10,
  costTolerance: 1e-15,
  initialDamping: 1e-3,
  variance: "estimated" as VarianceMode,
  confidence: 0.95,
  jacobianStep: Math.cbrt(Number.EPSILON),
  identifiabilityTolerance: 1e-10,
};

export interface LmEstimate {
  value: number;
  standardError: number;
  /** Interval at the requested confidence, inside the bounds. */
  lower: number;
  upper: number;
}

export type LmStopReason = "gradient" | "step" | "cost" | "max-iterations" | "damping";

export interface LmResult {
  names: string[];
  values: number[];
  estimates: Record<string, LmEstimate>;
  covariance: Matrix;
  correlation: Matrix;
  /** Variance inflation factor of each parameter: diagonal of the inverse of JᵀWJ scaled to unit diagonal. */
  varianceInflation: number[];
  predicted: number[];
  /** y − f(x). */
  residuals: number[];
  /** (y − f(x)) / sd. */
  standardizedResiduals: number[];
  chiSquare: number;
  /** m − p. */
  dof: number;
  /** σ² multiplying (JᵀWJ)⁻¹ in the covariance. */
  varianceFactor: number;
  confidence: number;
  /** t quantile (or z for "known" variance) the intervals use. */
  quantile: number;
  iterations: number;
  /** Model evaluations, Jacobian columns included. */
  evaluations: number;
  converged: boolean;
  stopReason: LmStopReason;
}

/** The map between a bounded natural parameter x and the unbounded search coordinate u. */
interface Transform {
  toU(x: number): number;
  toX(u: number): number;
  dxdu(u: number): number;
}

const sigmoid = (u: number): number => (u >= 0 ? 1 / (1 + Math.exp(-u)) : Math.exp(u) / (1 + Math.exp(u)));

function transformOf(p: LmParameter): Transform {
  const lo = p.lower ?? Number.NEGATIVE_INFINITY;
  const hi = p.upper ?? Number.POSITIVE_INFINITY;
  const finiteLo = Number.isFinite(lo);
  const finiteHi = Number.isFinite(hi);
  if (finiteLo && finiteHi) {
    if (p.scale === "log") {
      const a = Math.log(lo);
      const w = Math.log(hi) - a;
      return {
        toU: (x) => {
          const s = (Math.log(x) - a) / w;
          return Math.log(s / (1 - s));
        },
        toX: (u) => Math.exp(a + w * sigmoid(u)),
        dxdu: (u) => {
          const s = sigmoid(u);
          return Math.exp(a + w * s) * w * s * (1 - s);
        },
      };
    }
    const w = hi - lo;
    return {
      toU: (x) => {
        const s = (x - lo) / w;
        return Math.log(s / (1 - s));
      },
      toX: (u) => lo + w * sigmoid(u),
      dxdu: (u) => {
        const s = sigmoid(u);
        return w * s * (1 - s);
      },
    };
  }
  if (finiteLo) return { toU: (x) => Math.log(x - lo), toX: (u) => lo + Math.exp(u), dxdu: (u) => Math.exp(u) };
  if (finiteHi) return { toU: (x) => Math.log(hi - x), toX: (u) => hi - Math.exp(u), dxdu: (u) => -Math.exp(u) };
  return { toU: (x) => x, toX: (u) => u, dxdu: () => 1 };
}

function checkProblem(problem: LmProblem): void {
  const { parameters: ps, observed } = problem;
  const details: ErrorDetail[] = [];
  const names = new Set<string>();
  ps.forEach((p, j) => {
    const lo = p.lower ?? Number.NEGATIVE_INFINITY;
    const hi = p.upper ?? Number.POSITIVE_INFINITY;
    if (names.has(p.name)) details.push({ field: `parameters[${j}].name`, value: p.name, allowed: "unique names" });
    names.add(p.name);
    if (!Number.isFinite(p.initial)) {
      details.push({ field: `parameters.${p.name}.initial`, value: p.initial, allowed: "a finite number" });
    }
    if (!(lo < hi) || Number.isNaN(lo) || Number.isNaN(hi)) {
      details.push({ field: `parameters.${p.name}.lower`, value: [lo, hi], allowed: "lower < upper" });
    }
    if (p.scale === "log" && !(lo > 0 && Number.isFinite(hi))) {
      details.push({
        field: `parameters.${p.name}.scale`,
        value: "log",
        allowed: "log scale needs finite bounds 0 < lower < upper",
      });
    }
  });
  observed.forEach((y, i) => {
    if (!Number.isFinite(y)) details.push({ field: `observed[${i}]`, value: String(y), allowed: "a finite number" });
  });
  problem.sd?.forEach((s, i) => {
    if (!(s > 0 && Number.isFinite(s))) details.push({ field: `sd[${i}]`, value: s, allowed: "a finite number > 0" });
  });
  if (problem.sd && problem.sd.length !== observed.length) {
    details.push({ field: "sd", value: problem.sd.length, allowed: `one per observation (${observed.length})` });
  }
  if (details.length > 0) {
    throw new MoldtwinError(
      "TWIN_ERR_VALIDATION",
      `least-squares problem: ${details.length} invalid value(s)`,
      details,
    );
  }
  if (ps.length === 0) {
    throw new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", "no parameters to fit", [
      { field: "parameters", value: [], allowed: "at least one parameter" },
    ]);
  }
  if (observed.length <= ps.length) {
    throw new MoldtwinError(
      "FIT_ERR_INSUFFICIENT_DATA",
      `${observed.length} observations cannot fit ${ps.length} parameters with an uncertainty: need more observations than parameters`,
      [{ field: "observed", value: observed.length, allowed: `more than ${ps.length} observations` }],
    );
  }
}

/** "peakInjectionPressureMPa × 24, partMassG × 24": what the observations are, for messages. */
export function describeGroups(groups: readonly string[] | undefined, count: number): string {
  if (!groups) return `${count} observations`;
  const counts = new Map<string, number>();
  for (const g of groups) counts.set(g, (counts.get(g) ?? 0) + 1);
  return [...counts].map(([g, n]) => `${g} × ${n}`).join(", ");
}

/** Starts strictly inside the bounds: an initial value on (or beyond) a bound is moved 1 % of the span inside. */
function interiorStart(p: LmParameter): number {
  const lo = p.lower ?? Number.NEGATIVE_INFINITY;
  const hi = p.upper ?? Number.POSITIVE_INFINITY;
  const span = Number.isFinite(hi - lo) ? hi - lo : Math.max(1, Math.abs(p.initial));
  if (p.initial <= lo) return lo + 0.01 * span;
  if (p.initial >= hi) return hi - 0.01 * span;
  return p.initial;
}

/** Fits `problem` by Levenberg–Marquardt (see the module comment). Throws coded errors, never returns NaN. */
export function levenbergMarquardt(problem: LmProblem, options: LmOptions = {}): LmResult {
  checkProblem(problem);
  const o = { ...LM_DEFAULTS, ...options };
  const ps = problem.parameters;
  const n = ps.length;
  const m = problem.observed.length;
  const y = problem.observed;
  const sd = problem.sd ?? new Array<number>(m).fill(1);
  const tf = ps.map(transformOf);
  let evaluations = 0;

  const xOf = (u: readonly number[]): number[] => u.map((v, j) => tf[j]!.toX(v));
  /** Standardized residuals e = (f − y)/sd, or undefined where the model cannot be evaluated. */
  const residualsAt = (x: readonly number[]): number[] | undefined => {
    evaluations++;
    let f: ArrayLike<number>;
    try {
      f = problem.model(x);
    } catch (e) {
      if (e instanceof MoldtwinError && e.code === "SIM_ERR_NON_FINITE") return undefined;
      throw e;
    }
    if (f.length !== m) {
      throw new MoldtwinError("INTERNAL_ERR", `model returned ${f.length} predictions for ${m} observations`);
    }
    const e = new Array<number>(m);
    for (let i = 0; i < m; i++) {
      const v = (f[i]! - y[i]!) / sd[i]!;
      if (!Number.isFinite(v)) return undefined;
      e[i] = v;
    }
    return e;
  };
  const costOf = (e: readonly number[]): number => {
    let s = 0;
    for (const v of e) s += v * v;
    return 0.5 * s;
  };

  /** Jacobian of e in the natural parameters (columns j), central differences, one-sided at a bound. */
  const jacobianX = (x: readonly number[], e0: readonly number[]): Matrix => {
    const cols: number[][] = [];
    for (let j = 0; j < n; j++) {
      const p = ps[j]!;
      const lo = p.lower ?? Number.NEGATIVE_INFINITY;
      const hi = p.upper ?? Number.POSITIVE_INFINITY;
      const span = hi - lo;
      const typical = Number.isFinite(span) ? 1e-3 * span : 1e-3;
      const h = o.jacobianStep * Math.max(Math.abs(x[j]!), typical);
      const at = (dx: number): number[] => {
        const xs = x.slice();
        xs[j] = x[j]! + dx;
        const e = residualsAt(xs);
        if (!e) {
          throw new MoldtwinError(
            "SIM_ERR_NON_FINITE",
            `the model is not finite next to ${p.name} = ${x[j]}: cannot take its derivative`,
            [{ field: `parameters.${p.name}`, value: x[j], allowed: "a point where the model is finite nearby" }],
          );
        }
        return e;
      };
      const col = new Array<number>(m);
      if (x[j]! - h > lo && x[j]! + h < hi) {
        const ep = at(h);
        const em = at(-h);
        for (let i = 0; i < m; i++) col[i] = (ep[i]! - em[i]!) / (2 * h);
      } else {
        // Second-order one-sided difference into the feasible side.
        const s = x[j]! + 2 * h < hi ? 1 : -1;
        const e1 = at(s * h);
        const e2 = at(2 * s * h);
        for (let i = 0; i < m; i++) col[i] = (s * (-3 * e0[i]! + 4 * e1[i]! - e2[i]!)) / (2 * h);
      }
      cols.push(col);
    }
    return cols;
  };

  const groupsText = describeGroups(problem.groups, m);
  const notIdentifiable = (names: string[], why: string, value: unknown): MoldtwinError =>
    new MoldtwinError(
      "FIT_ERR_INSUFFICIENT_DATA",
      `${names.length === 1 ? `parameter ${names[0]} is` : `parameters ${names.join(", ")} are`} not identifiable from the observations (${groupsText}): ${why}`,
      names.map((name) => ({
        field: `parameters.${name}`,
        value,
        allowed: `a parameter the observations depend on (observed: ${groupsText}); observe an output it moves, vary the settings, or hold it fixed`,
      })),
    );

  let u = ps.map((p, j) => tf[j]!.toU(interiorStart(p)));
  let x = xOf(u);
  let e = residualsAt(x);
  if (!e) {
    throw new MoldtwinError("SIM_ERR_NON_FINITE", "the model is not finite at the initial parameters", [
      { field: "parameters", value: Object.fromEntries(ps.map((p, j) => [p.name, x[j]])), allowed: "a finite start" },
    ]);
  }
  let cost = costOf(e);
  let jx = jacobianX(x, e);
  for (let j = 0; j < n; j++) {
    if (jx[j]!.every((v) => v === 0)) {
      throw notIdentifiable(
        [ps[j]!.name],
        "no observation changes when it changes (its Jacobian column is zero)",
        x[j],
      );
    }
  }

  /** Normal equations in u: A = J_uᵀJ_u, g = J_uᵀe. */
  const normal = (cols: Matrix, uu: readonly number[], ee: readonly number[]): { a: Matrix; g: number[] } => {
    const d = uu.map((v, j) => tf[j]!.dxdu(v));
    const a = zeros(n);
    const g = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      const ci = cols[i]!;
      let gi = 0;
      for (let k = 0; k < m; k++) gi += ci[k]! * ee[k]!;
      g[i] = gi * d[i]!;
      for (let j = 0; j <= i; j++) {
        const cj = cols[j]!;
        let s = 0;
        for (let k = 0; k < m; k++) s += ci[k]! * cj[k]!;
        a[i]![j] = s * d[i]! * d[j]!;
        a[j]![i] = a[i]![j]!;
      }
    }
    return { a, g };
  };

  let { a, g } = normal(jx, u, e);
  const diag = a.map((row, j) => row[j]!);
  let mu = o.initialDamping;
  let nu = 2;
  let iterations = 0;
  let stopReason: LmStopReason = "max-iterations";

  const gradientSmall = (): boolean => {
    if (cost === 0) return true;
    const norm = Math.sqrt(2 * cost);
    for (let j = 0; j < n; j++) {
      const ajj = a[j]![j]!;
      if (ajj > 0 && Math.abs(g[j]!) / (Math.sqrt(ajj) * norm) > o.gradientTolerance) return false;
    }
    return true;
  };

  while (iterations < o.maxIterations) {
    if (gradientSmall()) {
      stopReason = "gradient";
      break;
    }
    iterations++;
    for (let j = 0; j < n; j++) diag[j] = Math.max(diag[j]!, a[j]![j]!, Number.MIN_VALUE);
    const damped = a.map((row, i) => row.map((v, j) => (i === j ? v + mu * diag[j]! : v)));
    const h = choleskySolve(
      damped,
      g.map((v) => -v),
    );
    if (!h) {
      mu *= nu;
      nu *= 2;
      if (mu > 1e30) {
        stopReason = "damping";
        break;
      }
      continue;
    }
    if (h.every((hj, j) => Math.abs(hj) <= o.stepTolerance * (Math.abs(u[j]!) + o.stepTolerance))) {
      stopReason = "step";
      break;
    }
    const uNew = u.map((v, j) => v + h[j]!);
    const xNew = xOf(uNew);
    const eNew = xNew.every(Number.isFinite) ? residualsAt(xNew) : undefined;
    const costNew = eNew ? costOf(eNew) : Number.POSITIVE_INFINITY;
    let predicted = 0;
    for (let j = 0; j < n; j++) predicted += h[j]! * (mu * diag[j]! * h[j]! - g[j]!);
    predicted *= 0.5;
    const rho = predicted > 0 ? (cost - costNew) / predicted : -1;
    if (eNew && rho > 0) {
      const actual = cost - costNew;
      u = uNew;
      x = xNew;
      e = eNew;
      const previous = cost;
      cost = costNew;
      jx = jacobianX(x, e);
      ({ a, g } = normal(jx, u, e));
      mu *= Math.max(1 / 3, 1 - (2 * rho - 1) ** 3);
      nu = 2;
      if (actual <= o.costTolerance * previous && predicted <= o.costTolerance * previous) {
        stopReason = "cost";
        break;
      }
    } else {
      mu *= nu;
      nu *= 2;
      if (mu > 1e30) {
        stopReason = "damping";
        break;
      }
    }
  }
  if (stopReason === "max-iterations" && gradientSmall()) stopReason = "gradient";

  // ---- Uncertainty at the solution, in the natural parameters ----
  const ax = zeros(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      const ci = jx[i]!;
      const cj = jx[j]!;
      for (let k = 0; k < m; k++) s += ci[k]! * cj[k]!;
      ax[i]![j] = s;
      ax[j]![i] = s;
    }
  }
  const scale = ax.map((row, j) => Math.sqrt(row[j]!));
  for (let j = 0; j < n; j++) {
    if (!(scale[j]! > 0)) {
      throw notIdentifiable([ps[j]!.name], "no observation changes when it changes at the solution", x[j]);
    }
  }
  const r = ax.map((row, i) => row.map((v, j) => v / (scale[i]! * scale[j]!)));
  const eig = symmetricEigen(r);
  const smallest = eig.values[0]!;
  if (!(smallest > o.identifiabilityTolerance)) {
    const v = eig.vectors[0]!;
    const involved = ps.map((p, j) => ({ name: p.name, w: v[j]! })).filter((t) => Math.abs(t.w) > 0.1);
    const combo = involved.map((t) => `${t.w >= 0 ? "+" : "−"}${Math.abs(t.w).toFixed(2)}·${t.name}`).join(" ");
    throw notIdentifiable(
      involved.map((t) => t.name),
      `they are confounded: the combination ${combo} (each in units of its own sensitivity) leaves every prediction unchanged (smallest eigenvalue of the scaled information matrix ${smallest.toExponential(2)})`,
      Object.fromEntries(involved.map((t) => [t.name, x[ps.findIndex((p) => p.name === t.name)]])),
    );
  }
  const rInv = inverseFromEigen(eig);
  const dof = m - n;
  const chiSquare = 2 * cost;
  const reduced = chiSquare / dof;
  const varianceFactor = o.variance === "known" ? 1 : o.variance === "scaled" ? Math.max(1, reduced) : reduced;
  const covariance = rInv.map((row, i) => row.map((v, j) => (varianceFactor * v) / (scale[i]! * scale[j]!)));
  const correlation = rInv.map((row, i) => row.map((v, j) => v / Math.sqrt(rInv[i]![i]! * rInv[j]![j]!)));
  const quantile =
    o.variance === "known"
      ? studentTTwoSidedQuantile(o.confidence, 1e9)
      : studentTTwoSidedQuantile(o.confidence, Math.max(1, dof));

  const estimates: Record<string, LmEstimate> = {};
  ps.forEach((p, j) => {
    const se = Math.sqrt(covariance[j]![j]!);
    const d = Math.abs(tf[j]!.dxdu(u[j]!));
    let lower: number;
    let upper: number;
    if (p.lower === undefined && p.upper === undefined) {
      lower = x[j]! - quantile * se;
      upper = x[j]! + quantile * se;
    } else {
      const seU = d > 0 ? se / d : Number.POSITIVE_INFINITY;
      const a1 = tf[j]!.toX(u[j]! - quantile * seU);
      const a2 = tf[j]!.toX(u[j]! + quantile * seU);
      const lo = p.lower ?? Number.NEGATIVE_INFINITY;
      const hi = p.upper ?? Number.POSITIVE_INFINITY;
      lower = Math.max(lo, Math.min(a1, a2));
      upper = Math.min(hi, Math.max(a1, a2));
      // An interval end the transform cannot reach (overflow far from the data) falls back to the Wald end.
      if (!Number.isFinite(lower)) lower = Math.max(lo, x[j]! - quantile * se);
      if (!Number.isFinite(upper)) upper = Math.min(hi, x[j]! + quantile * se);
    }
    estimates[p.name] = { value: x[j]!, standardError: se, lower, upper };
  });

  const predicted = e.map((v, i) => y[i]! + v * sd[i]!);
  const result: LmResult = {
    names: ps.map((p) => p.name),
    values: x,
    estimates,
    covariance,
    correlation,
    varianceInflation: ps.map((_, j) => rInv[j]![j]!),
    predicted,
    residuals: predicted.map((f, i) => y[i]! - f),
    standardizedResiduals: e.map((v) => -v),
    chiSquare,
    dof,
    varianceFactor,
    confidence: o.confidence,
    quantile,
    iterations,
    evaluations,
    converged: stopReason !== "max-iterations" && stopReason !== "damping",
    stopReason,
  };
  assertFinite(result);
  return result;
}

/** Never let NaN/Infinity out. */
function assertFinite(r: LmResult): void {
  const bad: ErrorDetail[] = [];
  for (const [name, est] of Object.entries(r.estimates)) {
    for (const [k, v] of Object.entries(est)) {
      if (!Number.isFinite(v)) {
        bad.push({ field: `estimates.${name}.${k}`, value: String(v), allowed: "a finite number" });
      }
    }
  }
  if (!Number.isFinite(r.chiSquare)) bad.push({ field: "chiSquare", value: String(r.chiSquare), allowed: "finite" });
  for (const row of r.covariance) {
    for (const v of row)
      if (!Number.isFinite(v)) bad.push({ field: "covariance", value: String(v), allowed: "finite" });
  }
  if (bad.length > 0)
    throw new MoldtwinError("SIM_ERR_NON_FINITE", "least-squares fit produced a non-finite value", bad);
}

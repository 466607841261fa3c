/**
 * Mean cumulative function (MCF) of repairable systems: the mean number of recurrences (repairs) per system
 * by age t. Nonparametric estimate with bounds (Nelson, "Recurrent Events Data Analysis for Product Repairs",
 * ASA-SIAM 2003; ReliaWiki "Recurrent Event Data Analysis"; reliability.md §1.11) and the parametric power
 * law MCF(t) = (t/α)^β fitted to its points as `reliability`'s MCF_parametric does.
 *
 * Nonparametric: every system is observed from age 0 to its retirement (censoring) age. At each failure the
 * MCF increases by 1/r, r = systems still at risk; at a tie, failures count before retirements at that age.
 *   ΔVar = (1/r²)·[(1 − 1/r)² + (r − 1)·(1/r)²]            (ReliaWiki; `reliability` docs)
 *   bounds = MCF·exp(±Z·√Var/MCF), Z = Φ⁻¹(CI) — one-sided, as ReliaSoft and `reliability` do.
 */

import { MoldtwinError } from "../errors.ts";
import { invertSymmetric } from "./numeric.ts";
import { zForConfidence } from "./special.ts";

export interface RepairableSystem {
  id?: string;
  /** Ages at failure (repair), in the time unit of the data; each ≤ retirementTime. */
  failureTimes: number[];
  /** Age at which observation of the system ended (retirement or now). */
  retirementTime: number;
}

export interface McfRow {
  time: number;
  /** Systems at risk at this failure. */
  atRisk: number;
  /** The system the failure belongs to (its id, else its index as a string). */
  system: string;
  mcf: number;
  variance: number;
  lower: number;
  upper: number;
}

export interface McfNonparametric {
  rows: McfRow[];
  ci: number;
  /** One-sided Z = Φ⁻¹(ci). */
  z: number;
  /** Step-function MCF at age t (0 before the first failure; not extrapolated past the last retirement). */
  mcfAt(t: number): number;
}

function invalid(field: string, value: unknown, allowed: string, message: string): MoldtwinError {
  return new MoldtwinError("TWIN_ERR_VALIDATION", message, [{ field, value, allowed }]);
}

function checkCi(ci: number): void {
  if (!(ci > 0 && ci < 1)) throw invalid("ci", ci, "0 < ci < 1", "ci must lie strictly between 0 and 1");
}

export function mcfNonparametric(systems: readonly RepairableSystem[], ci = 0.95): McfNonparametric {
  checkCi(ci);
  if (systems.length === 0) {
    throw new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", "the MCF needs at least one system", [
      { field: "systems", value: 0, unit: "systems", allowed: "≥ 1" },
    ]);
  }
  // Events: kind 0 = failure, 1 = retirement, so a stable sort by (time, kind) puts failures first at ties.
  const events: { time: number; kind: 0 | 1; system: string }[] = [];
  systems.forEach((s, i) => {
    const name = s.id ?? String(i);
    const ret = s.retirementTime;
    if (!(Number.isFinite(ret) && ret > 0)) {
      throw invalid(`systems[${i}].retirementTime`, ret, "finite, > 0", "retirement time must be a finite age > 0");
    }
    s.failureTimes.forEach((t, j) => {
      if (!(Number.isFinite(t) && t >= 0 && t <= ret)) {
        throw invalid(
          `systems[${i}].failureTimes[${j}]`,
          t,
          `finite, 0 ≤ t ≤ retirementTime (${ret})`,
          "failure ages must lie between 0 and the system's retirement age",
        );
      }
      events.push({ time: t, kind: 0, system: name });
    });
    events.push({ time: ret, kind: 1, system: name });
  });
  if (events.length === systems.length) {
    throw new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", "the MCF needs at least one failure", [
      { field: "systems[].failureTimes", value: 0, unit: "failures", allowed: "≥ 1 in total" },
    ]);
  }
  events.sort((a, b) => a.time - b.time || a.kind - b.kind);

  const z = zForConfidence(ci, 1);
  let atRisk = systems.length;
  let mcf = 0;
  let variance = 0;
  const rows: McfRow[] = [];
  for (const e of events) {
    if (e.kind === 1) {
      atRisk--;
      continue;
    }
    const inv = 1 / atRisk;
    mcf += inv;
    variance += inv * inv * ((1 - inv) ** 2 + (atRisk - 1) * inv * inv);
    const spread = variance > 0 ? Math.exp((z * Math.sqrt(variance)) / mcf) : 1;
    rows.push({ time: e.time, atRisk, system: e.system, mcf, variance, lower: mcf / spread, upper: mcf * spread });
  }
  const mcfAt = (t: number): number => {
    let value = 0;
    for (const row of rows) {
      if (row.time > t) break;
      value = row.mcf;
    }
    return value;
  };
  return { rows, ci, z, mcfAt };
}

export interface McfParametric {
  /** MCF(t) = (t/α)^β: α in the data's time unit, β dimensionless (β > 1: repairs getting more frequent). */
  alpha: number;
  beta: number;
  alphaSE: number;
  betaSE: number;
  covAlphaBeta: number;
  alphaLower: number;
  alphaUpper: number;
  betaLower: number;
  betaUpper: number;
  ci: number;
  /** "worsening" if the β interval lies above 1, "improving" if below, else "constant". */
  trend: "improving" | "constant" | "worsening";
  /** The nonparametric points the curve was fitted to. */
  points: { time: number; mcf: number }[];
  mcfAt(t: number): number;
}

/**
 * Power-law MCF fitted to the nonparametric points by unweighted nonlinear least squares in (α, β) — what
 * `reliability` does with scipy's curve_fit (Levenberg–Marquardt from a log–log regression start; docs "Mean
 * cumulative function.rst"). We run Gauss–Newton with step halving from the same start; the least-squares
 * minimum is the same. Covariance as curve_fit reports it: s²·(JᵀJ)⁻¹ with s² = SSR/(n − 2). Bounds on the
 * positive parameters: X·exp(±Z·SE/X) with the two-sided Z.
 */
export function mcfParametric(systems: readonly RepairableSystem[], ci = 0.95): McfParametric {
  checkCi(ci);
  const np = mcfNonparametric(systems, ci);
  const points = np.rows.filter((r) => r.time > 0).map((r) => ({ time: r.time, mcf: r.mcf }));
  const distinct = new Set(points.map((p) => p.time)).size;
  if (points.length < 3 || distinct < 2) {
    throw new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", "the parametric MCF needs ≥ 3 failures at ≥ 2 distinct ages", [
      { field: "systems[].failureTimes", value: points.length, unit: "failures", allowed: "≥ 3 at ≥ 2 distinct ages" },
    ]);
  }
  const n = points.length;
  // Start: straight line through (ln t, ln MCF): ln MCF = β·ln t − β·ln α.
  let mx = 0;
  let my = 0;
  for (const p of points) {
    mx += Math.log(p.time) / n;
    my += Math.log(p.mcf) / n;
  }
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (Math.log(p.time) - mx) ** 2;
    sxy += (Math.log(p.time) - mx) * (Math.log(p.mcf) - my);
  }
  let beta = sxy / sxx;
  let alpha = Math.exp(mx - my / beta);
  if (!(beta > 0 && Number.isFinite(alpha) && alpha > 0)) {
    beta = 1;
    alpha = points[n - 1]!.time / points[n - 1]!.mcf;
  }

  const ssr = (a: number, b: number): number => {
    let s = 0;
    for (const p of points) s += (p.mcf - (p.time / a) ** b) ** 2;
    return s;
  };
  /** JᵀJ and Jᵀr at (a, b), J = ∂model/∂(a, b). */
  const normal = (a: number, b: number): { jtj: number[][]; jtr: number[] } => {
    let haa = 0;
    let hab = 0;
    let hbb = 0;
    let ga = 0;
    let gb = 0;
    for (const p of points) {
      const m = (p.time / a) ** b;
      const da = (-b / a) * m;
      const db = m * Math.log(p.time / a);
      const r = p.mcf - m;
      haa += da * da;
      hab += da * db;
      hbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    return {
      jtj: [
        [haa, hab],
        [hab, hbb],
      ],
      jtr: [ga, gb],
    };
  };

  let current = ssr(alpha, beta);
  for (let iter = 0; iter < 200; iter++) {
    const { jtj, jtr } = normal(alpha, beta);
    const inv = invertSymmetric(jtj);
    const da = inv[0]![0]! * jtr[0]! + inv[0]![1]! * jtr[1]!;
    const db = inv[1]![0]! * jtr[0]! + inv[1]![1]! * jtr[1]!;
    let step = 1;
    let accepted = false;
    while (step > 1e-10) {
      const a = alpha + step * da;
      const b = beta + step * db;
      if (a > 0 && b > 0) {
        const s = ssr(a, b);
        if (s <= current) {
          const small = Math.abs(step * da) <= 1e-14 * alpha && Math.abs(step * db) <= 1e-14 * beta;
          alpha = a;
          beta = b;
          current = s;
          accepted = !small;
          break;
        }
      }
      step /= 2;
    }
    if (!accepted) break;
  }

  const { jtj } = normal(alpha, beta);
  const cov = invertSymmetric(jtj);
  const s2 = n > 2 ? current / (n - 2) : 0;
  const varA = cov[0]![0]! * s2;
  const varB = cov[1]![1]! * s2;
  const covAB = cov[0]![1]! * s2;
  const z = zForConfidence(ci, 2);
  const alphaSE = Math.sqrt(Math.max(0, varA));
  const betaSE = Math.sqrt(Math.max(0, varB));
  const betaLower = beta * Math.exp((-z * betaSE) / beta);
  const betaUpper = beta * Math.exp((z * betaSE) / beta);
  const trend = betaUpper <= 1 ? "improving" : betaLower >= 1 ? "worsening" : "constant";
  const a = alpha;
  const b = beta;
  return {
    alpha,
    beta,
    alphaSE,
    betaSE,
    covAlphaBeta: covAB,
    alphaLower: alpha * Math.exp((-z * alphaSE) / alpha),
    alphaUpper: alpha * Math.exp((z * alphaSE) / alpha),
    betaLower,
    betaUpper,
    ci,
    trend,
    points,
    mcfAt: (t: number) => (t > 0 ? (t / a) ** b : 0),
  };
}

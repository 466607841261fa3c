/**
 * Life–stress models and accelerated life test (ALT) fitting (reliability.md §1.7; `reliability` docs
 * "Equations of ALT models.rst", "Acceleration factor.rst", "Fitting a single stress model to ALT data.rst").
 *
 *   Arrhenius ("Exponential" in `reliability`)  L(S) = b·exp(a/S)
 *   Eyring                                       L(S) = (1/S)·exp(−(c − a/S))
 *   Power (inverse power law)                    L(S) = a·S^n
 *   Dual-Exponential                             L(S1, S2) = c·exp(a/S1 + b/S2)
 *   Dual-Power                                   L(S1, S2) = c·S1^m·S2^n
 *   Power-Exponential                            L(S1, S2) = c·exp(a/S1)·S2^n
 *
 * S is whatever the test varied (a temperature in K for a physical Arrhenius model, a load, a voltage); L is
 * in the time unit of the data. The Weibull ALT fit makes the scale α = L(S) with one shape β at all stresses.
 */

import { MoldtwinError } from "../errors.ts";
import { type LifeDistribution, weibull } from "./distributions.ts";
import { invertSymmetric, nelderMead } from "./numeric.ts";
import { gammaFunction, zForConfidence } from "./special.ts";

/** Boltzmann constant in eV/K (CODATA 2018, exact by the 2019 SI). */
export const BOLTZMANN_EV_PER_K = 8.617333262145e-5;
const KELVIN_OFFSET = 273.15;

function requirePositive(field: string, value: number, unit?: string): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} must be a finite number > 0`, [
      { field, value, ...(unit ? { unit } : {}), allowed: "finite, > 0" },
    ]);
  }
}

/** Arrhenius (exponential) life–stress: L = b·exp(a/S). */
export function lifeArrhenius(stress: number, a: number, b: number): number {
  return b * Math.exp(a / stress);
}

/** Eyring life–stress: L = (1/S)·exp(−(c − a/S)). */
export function lifeEyring(stress: number, a: number, c: number): number {
  return (1 / stress) * Math.exp(-(c - a / stress));
}

/** Inverse power law: L = a·S^n (n < 0 when higher stress shortens life). */
export function lifePower(stress: number, a: number, n: number): number {
  return a * stress ** n;
}

/** Dual-exponential (temperature–humidity): L = c·exp(a/S1 + b/S2). */
export function lifeDualExponential(stress1: number, stress2: number, a: number, b: number, c: number): number {
  return c * Math.exp(a / stress1 + b / stress2);
}

/** Dual-power: L = c·S1^m·S2^n. */
export function lifeDualPower(stress1: number, stress2: number, c: number, m: number, n: number): number {
  return c * stress1 ** m * stress2 ** n;
}

/** Power-exponential (thermal–non-thermal): L = c·exp(a/S1)·S2^n. */
export function lifePowerExponential(stress1: number, stress2: number, a: number, c: number, n: number): number {
  return c * Math.exp(a / stress1) * stress2 ** n;
}

/**
 * Arrhenius acceleration factor AF = exp[(Ea/k_B)·(1/T_use − 1/T_acc)], temperatures in K = °C + 273.15
 * (`reliability` docs "Acceleration factor.rst"; reliability.md §1.7). AF > 1 when the test runs hotter.
 */
export function arrheniusAccelerationFactor(p: {
  useTempC: number;
  acceleratedTempC: number;
  activationEnergyEV: number;
}): number {
  for (const [field, value] of [
    ["useTempC", p.useTempC],
    ["acceleratedTempC", p.acceleratedTempC],
  ] as const) {
    if (!(Number.isFinite(value) && value > -KELVIN_OFFSET)) {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} must be above absolute zero`, [
        { field, value, unit: "°C", allowed: "> −273.15 °C" },
      ]);
    }
  }
  if (!(Number.isFinite(p.activationEnergyEV) && p.activationEnergyEV >= 0)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "activation energy must be a finite number ≥ 0", [
      { field: "activationEnergyEV", value: p.activationEnergyEV, unit: "eV", allowed: "finite, ≥ 0" },
    ]);
  }
  const tUseK = p.useTempC + KELVIN_OFFSET;
  const tAccK = p.acceleratedTempC + KELVIN_OFFSET;
  return Math.exp((p.activationEnergyEV / BOLTZMANN_EV_PER_K) * (1 / tUseK - 1 / tAccK));
}

export type SingleStressModel = "arrhenius" | "eyring" | "power";

export interface AltObservation {
  /** Time to failure, or time on test when removed unfailed (right-censored). */
  time: number;
  /** The stress the unit ran at (> 0). */
  stress: number;
  failed: boolean;
}

export interface WeibullLifeStressFit {
  model: SingleStressModel;
  /** Parameter names in order: arrhenius [a, b, beta], eyring [a, c, beta], power [a, n, beta]. */
  paramNames: readonly string[];
  params: Readonly<Record<string, number>>;
  se: Readonly<Record<string, number>>;
  lower: Readonly<Record<string, number>>;
  upper: Readonly<Record<string, number>>;
  /** Covariance of the parameters, in `paramNames` order (inverse observed information). */
  covariance: number[][];
  ci: number;
  lnL: number;
  /** null when n ≤ k + 1 (the small-sample correction is undefined). */
  AICc: number | null;
  BIC: number;
  n: number;
  failures: number;
  /** Weibull scale α = L(S) at a stress. */
  lifeAt(stress: number): number;
  /** Mean life α·Γ(1 + 1/β) at a stress. */
  meanLifeAt(stress: number): number;
  distributionAt(stress: number): LifeDistribution;
  /** L(useStress) / L(testStress). */
  accelerationFactor(useStress: number, testStress: number): number;
}

/**
 * Each single-stress model is linear in a transformed stress: ln L = off(S) + c0 + c1·x(S).
 *   arrhenius: x = 1/S, off = 0,      c0 = ln b, c1 = a
 *   eyring:    x = 1/S, off = −ln S,  c0 = −c,   c1 = a
 *   power:     x = ln S, off = 0,     c0 = ln a, c1 = n
 * so the Weibull ALT model is a Weibull (log-location-scale) regression of ln T on x.
 */
const STRUCTURE: Record<
  SingleStressModel,
  { names: readonly [string, string, "beta"]; x: (s: number) => number; off: (s: number) => number }
> = {
  arrhenius: { names: ["a", "b", "beta"], x: (s) => 1 / s, off: () => 0 },
  eyring: { names: ["a", "c", "beta"], x: (s) => 1 / s, off: (s) => -Math.log(s) },
  power: { names: ["a", "n", "beta"], x: (s) => Math.log(s), off: () => 0 },
};

/**
 * Weibull life–stress MLE with right censoring (likelihood of reliability.md §1.1 with α_i = L(S_i)).
 * Optimised in θ = (u, c1, ln β) with u = c0 + c1·x̄ (centring x decorrelates intercept and slope): a
 * Nelder–Mead search from a censoring-aware start, then Newton steps on the analytic gradient and Hessian
 * until the step is at rounding level. Covariance = inverse observed information in θ, carried to the
 * model's parameters by the delta method (exact at the MLE, where the gradient vanishes). Bounds as
 * reliability.md §1.2: positive parameters (b, power a, β) X·exp(±Z·SE/X), the others X ± Z·SE.
 */
export function fitWeibullLifeStress(
  data: readonly AltObservation[],
  model: SingleStressModel,
  opts: { ci?: number } = {},
): WeibullLifeStressFit {
  const ci = opts.ci ?? 0.95;
  if (!(ci > 0 && ci < 1)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "ci must lie strictly between 0 and 1", [
      { field: "ci", value: ci, allowed: "0 < ci < 1" },
    ]);
  }
  const structure = STRUCTURE[model];
  if (!structure) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "unknown life–stress model", [
      { field: "model", value: model, allowed: "one of: arrhenius, eyring, power" },
    ]);
  }
  data.forEach((d, i) => {
    requirePositive(`data[${i}].time`, d.time);
    requirePositive(`data[${i}].stress`, d.stress);
  });
  const n = data.length;
  const lnT = data.map((d) => Math.log(d.time));
  const x = data.map((d) => structure.x(d.stress));
  const off = data.map((d) => structure.off(d.stress));
  const failed = data.map((d) => (d.failed ? 1 : 0));
  const failures = failed.reduce<number>((s, v) => s + v, 0);
  const levelsWithFailures = new Set(data.filter((d) => d.failed).map((d) => d.stress));
  if (failures < 3 || levelsWithFailures.size < 2) {
    throw new MoldtwinError(
      "FIT_ERR_INSUFFICIENT_DATA",
      "an ALT fit needs ≥ 3 failures at ≥ 2 different stress levels",
      [
        { field: "data", value: failures, unit: "failures", allowed: "≥ 3 failures" },
        { field: "data[].stress", value: levelsWithFailures.size, allowed: "failures at ≥ 2 stress levels" },
      ],
    );
  }
  const xBar = x.reduce((s, v) => s + v, 0) / n;
  const dx = x.map((v) => v - xBar);

  // Negative log-likelihood in θ = (u, c1, lnβ): μ_i = ln α_i = off_i + u + c1·(x_i − x̄).
  const nll = (th: number[]): number => {
    const [u, c1, lb] = th as [number, number, number];
    const beta = Math.exp(lb);
    let s = 0;
    for (let i = 0; i < n; i++) {
      const y = lnT[i]! - (off[i]! + u + c1 * dx[i]!);
      const w = Math.exp(beta * y);
      s += w;
      if (failed[i]) s -= lb + (beta - 1) * y - (lnT[i]! - y); // ln β − ln α + (β − 1)·ln(t/α)
    }
    return s;
  };
  /** Analytic gradient and Hessian of the NLL in θ. */
  const derivatives = (th: number[]): { g: number[]; h: number[][] } => {
    const [u, c1, lb] = th as [number, number, number];
    const beta = Math.exp(lb);
    const g = [0, 0, 0];
    const h = [
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ];
    for (let i = 0; i < n; i++) {
      const y = lnT[i]! - (off[i]! + u + c1 * dx[i]!);
      const w = Math.exp(beta * y);
      const del = failed[i]!;
      const gm = beta * (del - w); // ∂NLL/∂μ
      const gl = -del * (1 + beta * y) + beta * w * y; // ∂NLL/∂lnβ
      const hmm = beta * beta * w;
      const hml = beta * (del - w) - beta * beta * w * y;
      const hll = beta * y * (w - del) + beta * beta * w * y * y;
      const d = [1, dx[i]!];
      for (let j = 0; j < 2; j++) {
        g[j]! += gm * d[j]!;
        h[j]![2]! += hml * d[j]!;
        for (let k = 0; k < 2; k++) h[j]![k]! += hmm * d[j]! * d[k]!;
      }
      g[2]! += gl;
      h[2]![2]! += hll;
    }
    h[2]![0] = h[0]![2]!;
    h[2]![1] = h[1]![2]!;
    return { g, h };
  };

  // Start: at each stress level with failures, the exponential MLE of the scale (total time / failures), which
  // accounts for censoring; then a least-squares line of ln α − off through x.
  const levels = new Map<number, { total: number; r: number }>();
  data.forEach((d) => {
    const e = levels.get(d.stress) ?? { total: 0, r: 0 };
    e.total += d.time;
    e.r += d.failed ? 1 : 0;
    levels.set(d.stress, e);
  });
  const pts: { x: number; y: number }[] = [];
  for (const [s, e] of levels)
    if (e.r > 0) pts.push({ x: structure.x(s) - xBar, y: Math.log(e.total / e.r) - structure.off(s) });
  const px = pts.reduce((s, p) => s + p.x, 0) / pts.length;
  const py = pts.reduce((s, p) => s + p.y, 0) / pts.length;
  let sxx = 0;
  let sxy = 0;
  for (const p of pts) {
    sxx += (p.x - px) ** 2;
    sxy += (p.x - px) * (p.y - py);
  }
  const slope0 = sxx > 0 ? sxy / sxx : 0;
  const start = [py - slope0 * px, slope0, 0];
  const xRange = Math.max(...x) - Math.min(...x);
  let nm: { x: number[]; fx: number };
  try {
    nm = nelderMead(nll, start, {
      step: [0.5, Math.max(Math.abs(slope0) * 0.2, 0.5 / xRange), 0.3],
      tol: 1e-14,
      maxIterations: 20000,
    });
  } catch (e) {
    // Not finite anywhere around the start (a stress of 1e308): data the model cannot relate, not a bug.
    if (!(e instanceof MoldtwinError && e.code === "INTERNAL_ERR")) throw e;
    throw new MoldtwinError(
      "FIT_ERR_INSUFFICIENT_DATA",
      `${model} life–stress fit: the likelihood is not finite near its start for these stresses and times`,
      [
        {
          field: "stress",
          value: [Math.min(...data.map((d) => d.stress)), Math.max(...data.map((d) => d.stress))],
          allowed: "stresses and times the model can relate (temperatures in K for arrhenius and eyring)",
        },
      ],
    );
  }

  // Newton polish with step halving.
  let theta = nm.x;
  let f = nm.fx;
  for (let iter = 0; iter < 50; iter++) {
    const { g, h } = derivatives(theta);
    let inv: number[][];
    try {
      inv = invertSymmetric(h);
    } catch {
      break;
    }
    const step = inv.map((row) => -row.reduce((s, v, k) => s + v * g[k]!, 0));
    let t = 1;
    let moved = false;
    while (t > 1e-6) {
      const cand = theta.map((v, k) => v + t * step[k]!);
      const fc = nll(cand);
      if (Number.isFinite(fc) && fc <= f) {
        moved = cand.some((v, k) => v !== theta[k]);
        theta = cand;
        f = fc;
        break;
      }
      t /= 2;
    }
    const size = Math.max(...step.map((s, k) => Math.abs(s) / Math.max(1, Math.abs(theta[k]!))));
    if (!moved || size < 1e-13) break;
  }
  if (!Number.isFinite(f)) {
    throw new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", "the ALT likelihood could not be maximised", [
      { field: "data", value: n, allowed: "data with failures spread over the stress levels" },
    ]);
  }

  const covTheta = invertSymmetric(derivatives(theta).h);
  const [u, c1, lb] = theta as [number, number, number];
  const beta = Math.exp(lb);
  const c0 = u - c1 * xBar;
  // Natural parameters and Jacobian ∂(p1, p2, β)/∂(u, c1, lnβ).
  let p1: number;
  let p2: number;
  let jac: number[][];
  if (model === "arrhenius") {
    p1 = c1;
    p2 = Math.exp(c0);
    jac = [
      [0, 1, 0],
      [p2, -p2 * xBar, 0],
      [0, 0, beta],
    ];
  } else if (model === "eyring") {
    p1 = c1;
    p2 = -c0;
    jac = [
      [0, 1, 0],
      [-1, xBar, 0],
      [0, 0, beta],
    ];
  } else {
    p1 = Math.exp(c0);
    p2 = c1;
    jac = [
      [p1, -p1 * xBar, 0],
      [0, 1, 0],
      [0, 0, beta],
    ];
  }
  const covariance = jac.map((ri) =>
    jac.map((rj) => {
      let s = 0;
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += ri[a]! * covTheta[a]![b]! * rj[b]!;
      return s;
    }),
  );
  const values = [p1, p2, beta];
  const positive =
    model === "arrhenius" ? [false, true, true] : model === "power" ? [true, false, true] : [false, false, true];
  const z = zForConfidence(ci, 2);
  const names = structure.names;
  const params: Record<string, number> = {};
  const se: Record<string, number> = {};
  const lower: Record<string, number> = {};
  const upper: Record<string, number> = {};
  names.forEach((name, i) => {
    const v = values[i]!;
    const s = Math.sqrt(Math.max(0, covariance[i]![i]!));
    params[name] = v;
    se[name] = s;
    if (positive[i]) {
      lower[name] = v * Math.exp((-z * s) / v);
      upper[name] = v * Math.exp((z * s) / v);
    } else {
      lower[name] = v - z * s;
      upper[name] = v + z * s;
    }
  });
  for (const v of [...values, ...Object.values(se), ...Object.values(lower), ...Object.values(upper)]) {
    if (!Number.isFinite(v)) {
      throw new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", "the ALT fit is degenerate (non-finite estimate)", [
        { field: "data", value: n, allowed: "data that identify the life–stress parameters" },
      ]);
    }
  }

  const k = 3;
  const lnL = -f;
  const AICc = n - k - 1 > 0 ? 2 * k - 2 * lnL + (2 * k * (k + 1)) / (n - k - 1) : null;
  const BIC = k * Math.log(n) - 2 * lnL;
  const lifeAt = (stress: number): number => {
    requirePositive("stress", stress);
    return Math.exp(structure.off(stress) + c0 + c1 * structure.x(stress));
  };
  const gammaFactor = gammaFunction(1 + 1 / beta);
  return {
    model,
    paramNames: names,
    params: Object.freeze(params),
    se: Object.freeze(se),
    lower: Object.freeze(lower),
    upper: Object.freeze(upper),
    covariance,
    ci,
    lnL,
    AICc,
    BIC,
    n,
    failures,
    lifeAt,
    meanLifeAt: (stress) => lifeAt(stress) * gammaFactor,
    distributionAt: (stress) => weibull(lifeAt(stress), beta),
    accelerationFactor: (useStress, testStress) => lifeAt(useStress) / lifeAt(testStress),
  };
}

/**
 * Small numerical kernels for the reliability modules: a bracketed root finder, a 1-D minimiser, adaptive
 * quadrature, a derivative-free simplex minimiser, a finite-difference Hessian and a symmetric-matrix inverse.
 * Each is the textbook algorithm written from its published description (not ported from any library), and
 * none ever returns NaN or Infinity: bad input or a failed method throws a coded MoldtwinError.
 */

import { MoldtwinError } from "../errors.ts";

const EPS = Number.EPSILON;
const SQRT_EPS = Math.sqrt(EPS);

function assertFiniteArg(name: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `${name} must be finite`, [
      { field: name, value, allowed: "a finite number" },
    ]);
  }
}

/**
 * Root of f in [lo, hi] by Brent's method (R. P. Brent, "Algorithms for Minimization without Derivatives",
 * 1973, ch. 4; the same algorithm as Numerical Recipes' zbrent): inverse quadratic interpolation or secant
 * steps, falling back to bisection whenever they would leave the bracket or converge too slowly, so it
 * always converges once the root is bracketed. Throws INTERNAL_ERR when f(lo) and f(hi) have the same sign:
 * every caller here brackets its root by construction, so an unbracketed call is a bug, not bad input.
 */
export function brentRoot(f: (x: number) => number, lo: number, hi: number, tol = 1e-12): number {
  assertFiniteArg("lo", lo);
  assertFiniteArg("hi", hi);
  let a = lo;
  let b = hi;
  let fa = f(a);
  let fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (!(Number.isFinite(fa) && Number.isFinite(fb)) || fa * fb > 0) {
    throw new MoldtwinError("INTERNAL_ERR", "brentRoot: root not bracketed", [
      { field: "bracket", value: [lo, hi], allowed: `f(lo) and f(hi) of opposite sign (got ${fa}, ${fb})` },
    ]);
  }
  let c = b;
  let fc = fb;
  let d = b - a;
  let e = d;
  for (let iter = 0; iter < 200; iter++) {
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      // Keep the root between b and c.
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      a = b;
      b = c;
      c = a;
      fa = fb;
      fb = fc;
      fc = fa;
    }
    const tol1 = 2 * EPS * Math.abs(b) + 0.5 * tol;
    const xm = 0.5 * (c - b);
    if (Math.abs(xm) <= tol1 || fb === 0) return b;
    if (Math.abs(e) >= tol1 && Math.abs(fa) > Math.abs(fb)) {
      // Attempt inverse quadratic interpolation (secant when only two distinct points).
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * xm * s;
        q = 1 - s;
      } else {
        const qq = fa / fc;
        const r = fb / fc;
        p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      p = Math.abs(p);
      const min1 = 3 * xm * q - Math.abs(tol1 * q);
      const min2 = Math.abs(e * q);
      if (2 * p < Math.min(min1, min2)) {
        e = d;
        d = p / q;
      } else {
        d = xm;
        e = d;
      }
    } else {
      d = xm;
      e = d;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol1 ? d : xm >= 0 ? tol1 : -tol1;
    fb = f(b);
    if (!Number.isFinite(fb)) {
      throw new MoldtwinError("INTERNAL_ERR", "brentRoot: function not finite inside the bracket", [
        { field: "x", value: b, allowed: "f(x) finite on [lo, hi]" },
      ]);
    }
  }
  return b;
}

const GOLDEN_C = 0.5 * (3 - Math.sqrt(5)); // 0.381966…, the golden-section fraction

/**
 * Minimum of f on [lo, hi] by Brent's method (Brent 1973, ch. 5, procedure localmin; Numerical Recipes
 * "brent"): golden-section steps made faster by parabolic interpolation through the three best points.
 * Finds a local minimum; for a unimodal f on the interval it is the minimum. Non-finite f counts as +∞.
 * tol is absolute; the relative resolution is √ε·|x| whatever tol says, because f is flat to rounding there.
 */
export function brentMinimize(
  f: (x: number) => number,
  lo: number,
  hi: number,
  tol = 1e-10,
): { x: number; fx: number } {
  assertFiniteArg("lo", lo);
  assertFiniteArg("hi", hi);
  const g = (x: number): number => {
    const y = f(x);
    return Number.isFinite(y) ? y : Number.POSITIVE_INFINITY;
  };
  let a = Math.min(lo, hi);
  let b = Math.max(lo, hi);
  let x = a + GOLDEN_C * (b - a);
  let w = x;
  let v = x;
  let fx = g(x);
  let fw = fx;
  let fv = fx;
  let d = 0;
  let e = 0;
  for (let iter = 0; iter < 500; iter++) {
    const xm = 0.5 * (a + b);
    // Brent's localmin tolerance: relative √ε (f is flat to rounding within √ε·|x| of a minimum) plus tol/3.
    const tol1 = SQRT_EPS * Math.abs(x) + tol / 3;
    const tol2 = 2 * tol1;
    if (Math.abs(x - xm) <= tol2 - 0.5 * (b - a)) break;
    let useGolden = true;
    if (Math.abs(e) > tol1) {
      // Parabola through x, w, v.
      const r = (x - w) * (fx - fv);
      let q = (x - v) * (fx - fw);
      let p = (x - v) * q - (x - w) * r;
      q = 2 * (q - r);
      if (q > 0) p = -p;
      q = Math.abs(q);
      const eOld = e;
      e = d;
      if (Math.abs(p) < Math.abs(0.5 * q * eOld) && p > q * (a - x) && p < q * (b - x) && Number.isFinite(p / q)) {
        d = p / q;
        const u = x + d;
        if (u - a < tol2 || b - u < tol2) d = xm - x >= 0 ? tol1 : -tol1;
        useGolden = false;
      }
    }
    if (useGolden) {
      e = x >= xm ? a - x : b - x;
      d = GOLDEN_C * e;
    }
    const u = Math.abs(d) >= tol1 ? x + d : x + (d >= 0 ? tol1 : -tol1);
    const fu = g(u);
    if (fu <= fx) {
      if (u >= x) a = x;
      else b = x;
      v = w;
      fv = fw;
      w = x;
      fw = fx;
      x = u;
      fx = fu;
    } else {
      if (u < x) a = u;
      else b = u;
      if (fu <= fw || w === x) {
        v = w;
        fv = fw;
        w = u;
        fw = fu;
      } else if (fu <= fv || v === x || v === w) {
        v = u;
        fv = fu;
      }
    }
  }
  if (!Number.isFinite(fx)) {
    throw new MoldtwinError("INTERNAL_ERR", "brentMinimize: function not finite anywhere it was evaluated", [
      { field: "interval", value: [lo, hi], allowed: "f finite somewhere on [lo, hi]" },
    ]);
  }
  return { x, fx };
}

// Gauss–Kronrod 7–15 nodes and weights on [−1, 1], QUADPACK QK15 (Piessens et al., "QUADPACK", Springer 1983).
// XGK[1], XGK[3], XGK[5] and XGK[7] = 0 are the 7-point Gauss nodes. The 33-digit tabulated values are
// written rounded to the nearest double.
const XGK = [
  0.9914553711208126, 0.9491079123427585, 0.8648644233597691, 0.7415311855993945, 0.5860872354676911,
  0.4058451513773972, 0.20778495500789848, 0,
];
const WGK = [
  0.022935322010529224, 0.06309209262997856, 0.10479001032225019, 0.14065325971552592, 0.1690047266392679,
  0.19035057806478542, 0.20443294007529889, 0.20948214108472782,
];
const WG = [0.1294849661688697, 0.27970539148927664, 0.3818300505051189, 0.4179591836734694];

interface Panel {
  a: number;
  b: number;
  value: number;
  error: number;
}

function qk15(g: (x: number) => number, a: number, b: number): Panel {
  const centre = 0.5 * (a + b);
  const half = 0.5 * (b - a);
  const fc = g(centre);
  let kronrod = fc * WGK[7]!;
  let gauss = fc * WG[3]!;
  for (let j = 0; j < 7; j++) {
    const dx = half * XGK[j]!;
    const sum = g(centre - dx) + g(centre + dx);
    kronrod += WGK[j]! * sum;
    if (j % 2 === 1) gauss += WG[(j - 1) / 2]! * sum;
  }
  const value = kronrod * half;
  const error = Math.abs((kronrod - gauss) * half);
  return { a, b, value, error };
}

/**
 * ∫_a^b f(x) dx by globally adaptive Gauss–Kronrod 7–15 quadrature (the QUADPACK QAG scheme without its
 * extrapolation: always bisect the panel with the largest |K15 − G7| until the summed error estimate is below
 * relTol·|I| (or an absolute floor of 1e-14·∑|panel|, for integrals near zero). Infinite limits are mapped to
 * (0, 1) or (−1, 1): x = a + t/(1 − t) for b = ∞, x = b − (1 − t)/t for a = −∞ and x = t/(1 − t²) for both;
 * the Kronrod nodes never touch the endpoints, where the substitution is singular. Throws INTERNAL_ERR if f
 * is not finite at a node (the integrand must be finite on the open interval). After 2000 panels it returns
 * its best estimate rather than loop on an integrand it cannot resolve (a jump, an integrable spike).
 */
export function integrate(f: (x: number) => number, a: number, b: number, relTol = 1e-10): number {
  if (Number.isNaN(a) || Number.isNaN(b)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "integration limits must be numbers", [
      { field: "limits", value: [a, b], allowed: "numbers, ±Infinity allowed" },
    ]);
  }
  if (a === b) return 0;
  if (a > b) return -integrate(f, b, a, relTol);
  let g: (t: number) => number;
  let lo: number;
  let hi: number;
  const checked = (x: number): number => {
    const y = f(x);
    if (!Number.isFinite(y)) {
      throw new MoldtwinError("INTERNAL_ERR", "integrate: integrand is not finite", [
        { field: "x", value: x, allowed: "f(x) finite on the open interval" },
      ]);
    }
    return y;
  };
  if (a === Number.NEGATIVE_INFINITY && b === Number.POSITIVE_INFINITY) {
    lo = -1;
    hi = 1;
    g = (t) => {
      const den = 1 - t * t;
      const y = checked(t / den);
      return y === 0 ? 0 : (y * (1 + t * t)) / (den * den);
    };
  } else if (b === Number.POSITIVE_INFINITY) {
    lo = 0;
    hi = 1;
    g = (t) => {
      const den = 1 - t;
      const y = checked(a + t / den);
      return y === 0 ? 0 : y / (den * den);
    };
  } else if (a === Number.NEGATIVE_INFINITY) {
    lo = 0;
    hi = 1;
    g = (t) => {
      const y = checked(b - (1 - t) / t);
      return y === 0 ? 0 : y / (t * t);
    };
  } else {
    lo = a;
    hi = b;
    g = checked;
  }
  const panels: Panel[] = [qk15(g, lo, hi)];
  const maxPanels = 2000;
  for (;;) {
    let total = 0;
    let totalError = 0;
    let totalAbs = 0;
    let worst = 0;
    for (let i = 0; i < panels.length; i++) {
      const p = panels[i]!;
      total += p.value;
      totalError += p.error;
      totalAbs += Math.abs(p.value);
      if (p.error > panels[worst]!.error) worst = i;
    }
    const target = Math.max(relTol * Math.abs(total), 1e-14 * totalAbs, 1e-300);
    if (totalError <= target || panels.length >= maxPanels) return total;
    const p = panels[worst]!;
    const mid = 0.5 * (p.a + p.b);
    if (mid <= p.a || mid >= p.b) return total; // panel at floating-point resolution: nothing more to gain
    panels[worst] = qk15(g, p.a, mid);
    panels.push(qk15(g, mid, p.b));
  }
}

export interface NelderMeadOptions {
  /** Initial simplex edge per coordinate (default 5 % of |x0_i|, or 0.00025 where x0_i = 0, as in MATLAB fminsearch). */
  step?: number[];
  /** Stop when the simplex's spread in f and its size in x are both below tol (default 1e-10). */
  tol?: number;
  /** Iteration cap (default 200 × dimension, minimum 1000). */
  maxIterations?: number;
}

/**
 * Unconstrained minimum of f by the Nelder–Mead simplex (Nelder & Mead, Computer Journal 7, 1965) with the
 * standard coefficients reflection 1, expansion 2, contraction ½, shrink ½ (Lagarias et al., SIAM J. Optim. 9,
 * 1998). Non-finite f is treated as +∞, so a likelihood that leaves its domain pushes the simplex back. On
 * convergence the simplex is rebuilt once around the best point: a collapsed simplex can stall short of the
 * minimum, and a restart is the usual remedy (Numerical Recipes §10.5).
 */
export function nelderMead(
  f: (x: number[]) => number,
  x0: number[],
  opts: NelderMeadOptions = {},
): { x: number[]; fx: number; iterations: number } {
  const n = x0.length;
  if (n === 0) throw new MoldtwinError("TWIN_ERR_VALIDATION", "nelderMead needs at least one variable");
  for (let i = 0; i < n; i++) assertFiniteArg(`x0[${i}]`, x0[i]!);
  const tol = opts.tol ?? 1e-10;
  const maxIterations = opts.maxIterations ?? Math.max(1000, 200 * n);
  const step = opts.step ?? x0.map((v) => (v === 0 ? 0.00025 : 0.05 * Math.abs(v)));
  const g = (x: number[]): number => {
    const y = f(x);
    return Number.isFinite(y) ? y : Number.POSITIVE_INFINITY;
  };

  let iterations = 0;
  let best = x0.slice();
  let bestF = g(best);
  for (let restart = 0; restart < 3; restart++) {
    const simplex: number[][] = [best.slice()];
    const values: number[] = [bestF];
    for (let i = 0; i < n; i++) {
      const p = best.slice();
      p[i] = p[i]! + (step[i] ?? 0.05);
      simplex.push(p);
      values.push(g(p));
    }
    const order = Array.from({ length: n + 1 }, (_, i) => i);
    while (iterations < maxIterations) {
      order.sort((i, j) => values[i]! - values[j]!);
      const lo = order[0]!;
      const hiIdx = order[n]!;
      const nextHi = order[n - 1]!;
      // Convergence: f spread and simplex size (max coordinate distance from the best vertex).
      const fSpread = Math.abs(values[hiIdx]! - values[lo]!);
      let size = 0;
      for (const k of order) {
        for (let i = 0; i < n; i++) {
          size = Math.max(size, Math.abs(simplex[k]![i]! - simplex[lo]![i]!) / Math.max(1, Math.abs(simplex[lo]![i]!)));
        }
      }
      if (fSpread <= tol * Math.max(1, Math.abs(values[lo]!)) && size <= Math.sqrt(tol)) break;
      iterations++;
      const centroid = new Array<number>(n).fill(0);
      for (const k of order) {
        if (k === hiIdx) continue;
        for (let i = 0; i < n; i++) centroid[i] = centroid[i]! + simplex[k]![i]! / n;
      }
      const worst = simplex[hiIdx]!;
      const along = (t: number): number[] => centroid.map((c, i) => c + t * (c - worst[i]!));
      const xr = along(1);
      const fr = g(xr);
      if (fr < values[lo]!) {
        const xe = along(2);
        const fe = g(xe);
        if (fe < fr) {
          simplex[hiIdx] = xe;
          values[hiIdx] = fe;
        } else {
          simplex[hiIdx] = xr;
          values[hiIdx] = fr;
        }
        continue;
      }
      if (fr < values[nextHi]!) {
        simplex[hiIdx] = xr;
        values[hiIdx] = fr;
        continue;
      }
      // Contraction: outside if the reflected point beats the worst, inside otherwise.
      const outside = fr < values[hiIdx]!;
      const xc = along(outside ? 0.5 : -0.5);
      const fc = g(xc);
      if (outside ? fc <= fr : fc < values[hiIdx]!) {
        simplex[hiIdx] = xc;
        values[hiIdx] = fc;
        continue;
      }
      const xl = simplex[lo]!;
      for (const k of order) {
        if (k === lo) continue;
        simplex[k] = simplex[k]!.map((v, i) => xl[i]! + 0.5 * (v - xl[i]!));
        values[k] = g(simplex[k]!);
      }
    }
    let bi = 0;
    for (let k = 1; k <= n; k++) if (values[k]! < values[bi]!) bi = k;
    const improved = bestF - values[bi]!;
    const wasFinite = Number.isFinite(bestF);
    best = simplex[bi]!.slice();
    bestF = values[bi]!;
    if (iterations >= maxIterations) break;
    if (restart > 0 && wasFinite && improved <= tol * Math.max(1, Math.abs(bestF))) break;
  }
  if (!Number.isFinite(bestF)) {
    throw new MoldtwinError("INTERNAL_ERR", "nelderMead: objective not finite at any simplex vertex", [
      { field: "x0", value: x0, allowed: "a start where the objective is finite" },
    ]);
  }
  return { x: best, fx: bestF, iterations };
}

/**
 * Hessian of f at x by central differences (Abramowitz & Stegun 25.3.23 and 25.3.26) with relative steps
 * h_i = 1e-4·|x_i| (1e-4 where x_i = 0; about ε^¼, the step that balances truncation and rounding for a
 * second difference). `steps` overrides h_i. The result is symmetrised.
 */
export function hessian(f: (x: number[]) => number, x: number[], steps?: number[]): number[][] {
  const n = x.length;
  const h = x.map((v, i) => steps?.[i] ?? (v === 0 ? 1e-4 : 1e-4 * Math.abs(v)));
  const at = (di: number, si: number, dj: number, sj: number): number => {
    const p = x.slice();
    p[di] = p[di]! + si * h[di]!;
    p[dj] = p[dj]! + sj * h[dj]!;
    return f(p);
  };
  const f0 = f(x);
  const out: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const hi = h[i]!;
    const p = x.slice();
    p[i] = x[i]! + hi;
    const fp = f(p);
    p[i] = x[i]! - hi;
    const fm = f(p);
    out[i]![i] = (fp - 2 * f0 + fm) / (hi * hi);
    for (let j = 0; j < i; j++) {
      const v = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * hi * h[j]!);
      out[i]![j] = v;
      out[j]![i] = v;
    }
  }
  for (const row of out) {
    for (const v of row) {
      if (!Number.isFinite(v)) {
        throw new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", "information matrix is not finite", [
          { field: "x", value: x, allowed: "a point where the objective is finite and twice differentiable" },
        ]);
      }
    }
  }
  return out;
}

/**
 * Inverse of a symmetric matrix by Gauss–Jordan elimination with partial pivoting (Numerical Recipes §2.1).
 * Used on information matrices (Hessians of −lnL), which need not be positive definite away from the MLE, so
 * Cholesky is not assumed. A pivot below 1e-12 × the largest |entry| means the matrix is singular for the
 * purpose of a covariance: throws FIT_ERR_INSUFFICIENT_DATA ("singular information matrix").
 */
export function invertSymmetric(m: number[][]): number[][] {
  const n = m.length;
  const singular = (): MoldtwinError =>
    new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", "singular information matrix", [
      {
        field: "informationMatrix",
        value: m,
        allowed: "a non-singular matrix (parameters identifiable from the data)",
      },
    ]);
  let scale = 0;
  for (const row of m) {
    if (row.length !== n) {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", "matrix must be square", [
        { field: "matrix", value: m, allowed: `${n} × ${n}` },
      ]);
    }
    for (const v of row) {
      if (!Number.isFinite(v)) throw singular();
      scale = Math.max(scale, Math.abs(v));
    }
  }
  if (n === 0 || scale === 0) throw singular();
  // Augmented [A | I].
  const a = m.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let piv = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[piv]![col]!)) piv = r;
    if (Math.abs(a[piv]![col]!) <= 1e-12 * scale) throw singular();
    if (piv !== col) [a[piv], a[col]] = [a[col]!, a[piv]!];
    const rowC = a[col]!;
    const p = rowC[col]!;
    for (let k = 0; k < 2 * n; k++) rowC[k] = rowC[k]! / p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const row = a[r]!;
      const factor = row[col]!;
      if (factor === 0) continue;
      for (let k = 0; k < 2 * n; k++) row[k] = row[k]! - factor * rowC[k]!;
    }
  }
  const inv = a.map((row) => row.slice(n));
  // Symmetrise away rounding asymmetry.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (inv[i]![j]! + inv[j]![i]!);
      inv[i]![j] = v;
      inv[j]![i] = v;
    }
  }
  for (const row of inv) for (const v of row) if (!Number.isFinite(v)) throw singular();
  return inv;
}

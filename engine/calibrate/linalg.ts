/**
 * Dense linear algebra for the small symmetric systems of least squares (a handful of parameters): Cholesky
 * solve, cyclic Jacobi eigen-decomposition and the (pseudo-)inverse built from it. Plain arrays, no allocation
 * tricks: the matrices are at most ~10 × 10 and are built once per Levenberg–Marquardt iteration.
 */

export type Matrix = number[][];

export function zeros(n: number, m = n): Matrix {
  return Array.from({ length: n }, () => new Array<number>(m).fill(0));
}

/**
 * Solves A·x = b for a symmetric positive-definite A by Cholesky factorisation A = L·Lᵀ (Golub & Van Loan,
 * *Matrix Computations*, 4th ed., Alg. 4.2.2). Returns undefined when A is not (numerically) positive definite,
 * so a caller can raise its damping and retry.
 */
export function choleskySolve(a: Matrix, b: readonly number[]): number[] | undefined {
  const n = b.length;
  const l = zeros(n);
  for (let j = 0; j < n; j++) {
    let d = a[j]![j]!;
    for (let k = 0; k < j; k++) d -= l[j]![k]! * l[j]![k]!;
    if (!(d > 0) || !Number.isFinite(d)) return undefined;
    const ljj = Math.sqrt(d);
    l[j]![j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = s / ljj;
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * y[k]!;
    y[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  for (const v of x) if (!Number.isFinite(v)) return undefined;
  return x;
}

export interface Eigen {
  /** Eigenvalues, ascending. */
  values: number[];
  /** vectors[k] is the unit eigenvector of values[k]. */
  vectors: number[][];
}

/**
 * Eigen-decomposition of a symmetric matrix by the cyclic Jacobi method (Jacobi 1846; Golub & Van Loan §8.5.2,
 * Alg. 8.5.3 with the stable rotation of Alg. 8.5.1). Converges quadratically; for n ≤ 10 a few sweeps reach
 * machine precision. Accurate for small eigenvalues of well-scaled matrices, which is what the identifiability
 * check needs.
 */
export function symmetricEigen(m: Matrix): Eigen {
  const n = m.length;
  const a = m.map((row) => row.slice());
  const v = zeros(n);
  for (let i = 0; i < n; i++) v[i]![i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let scale = 0;
    for (let i = 0; i < n; i++) {
      scale += a[i]![i]! * a[i]![i]!;
      for (let j = i + 1; j < n; j++) off += a[i]![j]! * a[i]![j]!;
    }
    if (off <= 1e-30 * scale || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p]![q]!;
        if (apq === 0) continue;
        const tau = (a[q]![q]! - a[p]![p]!) / (2 * apq);
        const t = (tau >= 0 ? 1 : -1) / (Math.abs(tau) + Math.sqrt(1 + tau * tau));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k]![p]!;
          const akq = a[k]![q]!;
          a[k]![p] = c * akp - s * akq;
          a[k]![q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p]![k]!;
          const aqk = a[q]![k]!;
          a[p]![k] = c * apk - s * aqk;
          a[q]![k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k]![p]!;
          const vkq = v[k]![q]!;
          v[k]![p] = c * vkp - s * vkq;
          v[k]![q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i]![i]! - a[j]![j]!);
  return {
    values: order.map((i) => a[i]![i]!),
    vectors: order.map((i) => v.map((row) => row[i]!)),
  };
}

/** Inverse of a symmetric positive-definite matrix from its eigen-decomposition: V·diag(1/λ)·Vᵀ. */
export function inverseFromEigen(e: Eigen): Matrix {
  const n = e.values.length;
  const out = zeros(n);
  for (let k = 0; k < n; k++) {
    const inv = 1 / e.values[k]!;
    const vk = e.vectors[k]!;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) out[i]![j] = out[i]![j]! + inv * vk[i]! * vk[j]!;
    }
  }
  return out;
}

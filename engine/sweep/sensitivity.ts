/**
 * Variance-based global sensitivity: first-order and total Sobol' indices (I. M. Sobol', "Global sensitivity
 * indices for nonlinear mathematical models and their Monte Carlo estimates", Math. Comput. Simul. 55 (2001)
 * 271–280), estimated with the sampling scheme and estimators of A. Saltelli, P. Annoni, I. Azzini,
 * F. Campolongo, M. Ratto and S. Tarantola, "Variance based sensitivity analysis of model output. Design and
 * estimator for the total sensitivity index", Computer Physics Communications 181 (2010) 259–270, Table 2:
 *
 *   S_i  = mean(f(B)·(f(A_B^i) − f(A))) / V                     (Saltelli et al. 2010, Table 2 row (b))
 *   ST_i = mean((f(A) − f(A_B^i))²) / 2 / V                      (M. J. W. Jansen, "Analysis of variance
 *                                                                  designs for model output", Comput. Phys.
 *                                                                  Commun. 117 (1999) 35–43)
 *
 * A and B are the two halves of a seeded 2·dims-dimensional Sobol' design (designs.ts); A_B^i is A with column
 * i taken from B. All N·(d + 2) rows go to the model in one call so the caller can batch them over a worker
 * pool. Confidence intervals are a paired bootstrap (B. Efron and R. J. Tibshirani, "An Introduction to the
 * Bootstrap", 1993) with resampling indices drawn from the counter-based uniform01, so they are deterministic by
 * seed; half-widths are 1.96 bootstrap standard deviations (normal approximation, as SALib reports them).
 */

import { MoldtwinError } from "../errors.ts";
import { designPoint, SOBOL_MAX_DIMS } from "./designs.ts";
import { normalQuantile, uniform01 } from "./random.ts";

/** Evaluates `n` points (row-major, n × dims unit coordinates in [0,1]) and writes n × outputs values row-major. */
export type VectorModel = (unitPoints: Float64Array, n: number, out: Float64Array) => void | Promise<void>;

export interface SobolIndicesOptions {
  dims: number;
  outputs: number;
  /** N: rows of A (and of B). A power of two suits the Sobol' design best. */
  baseSamples: number;
  seed: number;
  /** Resamples for 95 % CIs, default 200; 0 skips the bootstrap and leaves the CI arrays NaN. */
  bootstrap?: number;
}

export interface SobolIndices {
  /** outputs × dims row-major */
  first: Float64Array;
  total: Float64Array;
  /** 95 % CI half-widths, outputs × dims row-major */
  firstCi: Float64Array;
  totalCi: Float64Array;
  /** per output: variance of the concatenated f(A), f(B) */
  variance: Float64Array;
  evaluations: number;
}

const STREAM_BOOTSTRAP = 0x53424f54; // "SBOT"
const DEFAULT_BOOTSTRAP = 200;
const MAX_ROWS = 2 ** 31;

/** Model evaluations the scheme needs: N rows each of A, B and the d matrices A_B^i. */
export function saltelliSampleSize(dims: number, baseSamples: number): number {
  return baseSamples * (dims + 2);
}

function invalid(field: string, value: unknown, allowed: string): MoldtwinError {
  return new MoldtwinError("TWIN_ERR_VALIDATION", `sensitivity: ${field} is not valid`, [{ field, value, allowed }]);
}

function isInt(x: unknown, min: number): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= min;
}

/**
 * The sample, row-major n × dims, in blocks of N rows: A (rows 0..N), B (N..2N), then A_B^i at rows
 * (2 + i)·N .. (3 + i)·N. A row's block and base index tell which estimator term it feeds.
 */
function saltelliSample(dims: number, n: number, seed: number): Float64Array {
  const rows = saltelliSampleSize(dims, n);
  const x = new Float64Array(rows * dims);
  const spec = { kind: "sobol" as const, dims: 2 * dims, points: n, seed };
  const ab = new Float64Array(2 * dims);
  for (let k = 0; k < n; k++) {
    designPoint(spec, k, ab);
    const a = ab.subarray(0, dims);
    const b = ab.subarray(dims);
    x.set(a, k * dims);
    x.set(b, (n + k) * dims);
    for (let i = 0; i < dims; i++) {
      const row = ((2 + i) * n + k) * dims;
      x.set(a, row);
      x[row + i] = b[i]!;
    }
  }
  return x;
}

/**
 * The estimators over base rows idx[0..n) (or 0..n when idx is null) of one output, y laid out in blocks as
 * the sample (y[k] = f(A_k), y[n + k] = f(B_k), y[(2 + i)·n + k] = f(A_B^i_k)). Writes S_i, ST_i into
 * first/total at `at`, returns V. Zero variance gives indices 0, not 0/0.
 */
function estimate(
  y: Float64Array,
  n: number,
  dims: number,
  idx: Int32Array | null,
  first: Float64Array,
  total: Float64Array,
  at: number,
): number {
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let r = 0; r < n; r++) {
    const k = idx === null ? r : idx[r]!;
    const fa = y[k]!;
    const fb = y[n + k]!;
    sum += fa + fb;
    min = Math.min(min, fa, fb);
    max = Math.max(max, fa, fb);
  }
  const mean = sum / (2 * n);
  let ss = 0;
  let sd = 0;
  for (let r = 0; r < n; r++) {
    const k = idx === null ? r : idx[r]!;
    const da = y[k]! - mean;
    const db = y[n + k]! - mean;
    ss += da * da + db * db;
    sd += da + db;
  }
  // Two-pass with the correction term (Chan, Golub & LeVeque 1983) for the rounding error of the mean.
  const v = (ss - (sd * sd) / (2 * n)) / (2 * n);
  // A constant output has no sensitivity. The test is on the values, not on v: the mean of 2N copies of 0.1 is
  // not exactly 0.1, so v comes out ~1e-28, not 0. Spreads within rounding noise of the values count as constant.
  const noise = 64 * Number.EPSILON * Math.max(Math.abs(min), Math.abs(max));
  if (!(max - min > noise) || !(v > 0)) {
    for (let i = 0; i < dims; i++) {
      first[at + i] = 0;
      total[at + i] = 0;
    }
    return 0;
  }
  for (let i = 0; i < dims; i++) {
    const base = (2 + i) * n;
    let s1 = 0;
    let st = 0;
    for (let r = 0; r < n; r++) {
      const k = idx === null ? r : idx[r]!;
      const fa = y[k]!;
      const fab = y[base + k]!;
      // f(B) centred: the estimator is not shift-invariant, and a large mean would only add noise.
      s1 += (y[n + k]! - mean) * (fab - fa);
      st += (fa - fab) * (fa - fab);
    }
    first[at + i] = s1 / n / v;
    total[at + i] = st / (2 * n) / v;
  }
  return v;
}

/** First-order and total Sobol' indices of every output of `model` on the unit cube, with bootstrap CIs. */
export async function sobolIndices(model: VectorModel, o: SobolIndicesOptions): Promise<SobolIndices> {
  const { dims, outputs, baseSamples: n, seed } = o;
  const resamples = o.bootstrap ?? DEFAULT_BOOTSTRAP;
  // A and B take one Sobol' dim each per factor.
  const maxDims = Math.floor(SOBOL_MAX_DIMS / 2);
  if (!isInt(dims, 1) || dims > maxDims) throw invalid("dims", dims, `integer, 1 ≤ dims ≤ ${maxDims}`);
  if (!isInt(outputs, 1)) throw invalid("outputs", outputs, "integer ≥ 1");
  if (!isInt(n, 2)) throw invalid("baseSamples", n, "integer ≥ 2");
  if (!isInt(resamples, 0)) throw invalid("bootstrap", o.bootstrap, "integer ≥ 0");
  const rows = saltelliSampleSize(dims, n);
  if (rows > MAX_ROWS) throw invalid("baseSamples", n, `baseSamples·(dims + 2) ≤ ${MAX_ROWS}`);
  // designPoint validates the seed.
  const x = saltelliSample(dims, n, seed);

  const out = new Float64Array(rows * outputs);
  await model(x, rows, out);
  for (let r = 0; r < out.length; r++) {
    if (!Number.isFinite(out[r])) {
      const row = Math.floor(r / outputs);
      throw new MoldtwinError("SIM_ERR_NON_FINITE", "sensitivity: the model returned a non-finite output", [
        { field: `out[${row}][${r % outputs}]`, value: out[r], allowed: "finite number" },
      ]);
    }
  }

  // One contiguous column per output, so the estimator loops read with stride 1.
  const ys: Float64Array[] = [];
  for (let j = 0; j < outputs; j++) {
    const y = new Float64Array(rows);
    for (let r = 0; r < rows; r++) y[r] = out[r * outputs + j]!;
    ys.push(y);
  }

  const first = new Float64Array(outputs * dims);
  const total = new Float64Array(outputs * dims);
  const variance = new Float64Array(outputs);
  for (let j = 0; j < outputs; j++) variance[j] = estimate(ys[j]!, n, dims, null, first, total, j * dims);

  const firstCi = new Float64Array(outputs * dims).fill(Number.NaN);
  const totalCi = new Float64Array(outputs * dims).fill(Number.NaN);
  if (resamples > 0) {
    // Paired bootstrap: one set of base indices per resample, shared by every output and factor, so that the
    // A, B and A_B^i values of a base row stay together as the estimators need.
    const idx = new Int32Array(n);
    const bFirst = new Float64Array(outputs * dims);
    const bTotal = new Float64Array(outputs * dims);
    const sum1 = new Float64Array(outputs * dims);
    const sq1 = new Float64Array(outputs * dims);
    const sumT = new Float64Array(outputs * dims);
    const sqT = new Float64Array(outputs * dims);
    for (let b = 0; b < resamples; b++) {
      for (let r = 0; r < n; r++) idx[r] = Math.floor(uniform01(seed, STREAM_BOOTSTRAP, r, b) * n);
      for (let j = 0; j < outputs; j++) estimate(ys[j]!, n, dims, idx, bFirst, bTotal, j * dims);
      for (let q = 0; q < outputs * dims; q++) {
        // Deviations from the full-sample estimate keep the sums small (no cancellation in the variance).
        const d1 = bFirst[q]! - first[q]!;
        const dT = bTotal[q]! - total[q]!;
        sum1[q]! += d1;
        sq1[q]! += d1 * d1;
        sumT[q]! += dT;
        sqT[q]! += dT * dT;
      }
    }
    const z = normalQuantile(0.975);
    const m = resamples;
    for (let q = 0; q < outputs * dims; q++) {
      const denom = Math.max(1, m - 1);
      firstCi[q] = z * Math.sqrt(Math.max(0, (sq1[q]! - (sum1[q]! * sum1[q]!) / m) / denom));
      totalCi[q] = z * Math.sqrt(Math.max(0, (sqT[q]! - (sumT[q]! * sumT[q]!) / m) / denom));
    }
  }

  return { first, total, firstCi, totalCi, variance, evaluations: rows };
}

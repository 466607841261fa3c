/**
 * Index-addressable experimental designs on the unit hypercube. Point `i` is a pure function of (spec, i): no
 * state, no replay of points 0..i−1, so a sweep split into chunks over worker threads gives bit-identical points
 * whatever the split. Nothing is allocated per point; coordinates go into the caller's Float64Array.
 *
 * - grid: full factorial, mixed radix (dim 0 varies fastest), coordinate k/(L−1).
 * - lhs: Latin hypercube sampling, M. D. McKay, R. J. Beckman and W. J. Conover, "A comparison of three methods
 *   for selecting values of input variables in the analysis of output from a computer code", Technometrics 21
 *   (1979) 239–245. The per-dimension permutation of strata must be evaluable at one index, so it is a keyed
 *   Feistel network on the next power of two, brought into [0, N) by cycle-walking: J. Black and P. Rogaway,
 *   "Ciphers with arbitrary finite domains", CT-RSA 2002, LNCS 2271, 114–130.
 * - sobol: I. M. Sobol', "On the distribution of points in a cube and the approximate evaluation of integrals",
 *   USSR Comput. Math. Math. Phys. 7 (1967) 86–112, with the direction numbers of S. Joe and F. Y. Kuo,
 *   "Constructing Sobol sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30 (2008)
 *   2635–2654 (file new-joe-kuo-6.21201, rows for dims 2..64; checked row by row against the copy SciPy ships in
 *   scipy/stats/_sobol_direction_numbers.npz). Point n is the XOR of the direction numbers selected by the Gray
 *   code n ^ (n >> 1) (Antonov and Saleev, USSR Comput. Math. Math. Phys. 19 (1979) 252–256), so it is O(bits)
 *   from the index alone. Randomised by a digital shift (XOR with a seeded 32-bit word per dim), which keeps
 *   every (t, m, s)-net property of the sequence while making the design depend on the seed.
 */

import { MoldtwinError } from "../errors.ts";
import { hash32, uniform01 } from "./random.ts";

export type DesignKind = "grid" | "lhs" | "sobol";

export interface DesignSpec {
  kind: DesignKind;
  dims: number;
  /** grid: levels per dim (each ≥ 2), size = product */
  levels?: readonly number[];
  /** lhs, sobol: number of points */
  points?: number;
  seed: number;
}

/**
 * Stream counters for hash32/uniform01, ASCII tags so they do not collide with other users of the same seed
 * (a shared stream would correlate the design with, say, Monte Carlo noise drawn from the same seed).
 */
const STREAM_LHS_PERMUTATION = 0x4c485350; // "LHSP"
const STREAM_LHS_JITTER = 0x4c48534a; // "LHSJ"
const STREAM_SOBOL_SHIFT = 0x534f4253; // "SOBS"

const TWO_POW_32 = 4294967296;

/**
 * Joe–Kuo new-joe-kuo-6.21201, dims 2..64, each row `[s, a, m_1 … m_s]`: s the degree of the primitive
 * polynomial, a its inner coefficients as bits, m_k the odd initial direction integers (m_k < 2^k).
 */
const JOE_KUO: readonly (readonly number[])[] = [
  [1, 0, 1], // 2
  [2, 1, 1, 3], // 3
  [3, 1, 1, 3, 1], // 4
  [3, 2, 1, 1, 1], // 5
  [4, 1, 1, 1, 3, 3], // 6
  [4, 4, 1, 3, 5, 13], // 7
  [5, 2, 1, 1, 5, 5, 17], // 8
  [5, 4, 1, 1, 5, 5, 5], // 9
  [5, 7, 1, 1, 7, 11, 19], // 10
  [5, 11, 1, 1, 5, 1, 1], // 11
  [5, 13, 1, 1, 1, 3, 11], // 12
  [5, 14, 1, 3, 5, 5, 31], // 13
  [6, 1, 1, 3, 3, 9, 7, 49], // 14
  [6, 13, 1, 1, 1, 15, 21, 21], // 15
  [6, 16, 1, 3, 1, 13, 27, 49], // 16
  [6, 19, 1, 1, 1, 15, 7, 5], // 17
  [6, 22, 1, 3, 1, 15, 13, 25], // 18
  [6, 25, 1, 1, 5, 5, 19, 61], // 19
  [7, 1, 1, 3, 7, 11, 23, 15, 103], // 20
  [7, 4, 1, 3, 7, 13, 13, 15, 69], // 21
  [7, 7, 1, 1, 3, 13, 7, 35, 63], // 22
  [7, 8, 1, 3, 5, 9, 1, 25, 53], // 23
  [7, 14, 1, 3, 1, 13, 9, 35, 107], // 24
  [7, 19, 1, 3, 1, 5, 27, 61, 31], // 25
  [7, 21, 1, 1, 5, 11, 19, 41, 61], // 26
  [7, 28, 1, 3, 5, 3, 3, 13, 69], // 27
  [7, 31, 1, 1, 7, 13, 1, 19, 1], // 28
  [7, 32, 1, 3, 7, 5, 13, 19, 59], // 29
  [7, 37, 1, 1, 3, 9, 25, 29, 41], // 30
  [7, 41, 1, 3, 5, 13, 23, 1, 55], // 31
  [7, 42, 1, 3, 7, 3, 13, 59, 17], // 32
  [7, 50, 1, 3, 1, 3, 5, 53, 69], // 33
  [7, 55, 1, 1, 5, 5, 23, 33, 13], // 34
  [7, 56, 1, 1, 7, 7, 1, 61, 123], // 35
  [7, 59, 1, 1, 7, 9, 13, 61, 49], // 36
  [7, 62, 1, 3, 3, 5, 3, 55, 33], // 37
  [8, 14, 1, 3, 1, 15, 31, 13, 49, 245], // 38
  [8, 21, 1, 3, 5, 15, 31, 59, 63, 97], // 39
  [8, 22, 1, 3, 1, 11, 11, 11, 77, 249], // 40
  [8, 38, 1, 3, 1, 11, 27, 43, 71, 9], // 41
  [8, 47, 1, 1, 7, 15, 21, 11, 81, 45], // 42
  [8, 49, 1, 3, 7, 3, 25, 31, 65, 79], // 43
  [8, 50, 1, 3, 1, 1, 19, 11, 3, 205], // 44
  [8, 52, 1, 1, 5, 9, 19, 21, 29, 157], // 45
  [8, 56, 1, 3, 7, 11, 1, 33, 89, 185], // 46
  [8, 67, 1, 3, 3, 3, 15, 9, 79, 71], // 47
  [8, 70, 1, 3, 7, 11, 15, 39, 119, 27], // 48
  [8, 84, 1, 1, 3, 1, 11, 31, 97, 225], // 49
  [8, 97, 1, 1, 1, 3, 23, 43, 57, 177], // 50
  [8, 103, 1, 3, 7, 7, 17, 17, 37, 71], // 51
  [8, 115, 1, 3, 1, 5, 27, 63, 123, 213], // 52
  [8, 122, 1, 1, 3, 5, 11, 43, 53, 133], // 53
  [9, 8, 1, 3, 5, 5, 29, 17, 47, 173, 479], // 54
  [9, 13, 1, 3, 3, 11, 3, 1, 109, 9, 69], // 55
  [9, 16, 1, 1, 1, 5, 17, 39, 23, 5, 343], // 56
  [9, 22, 1, 3, 1, 5, 25, 15, 31, 103, 499], // 57
  [9, 25, 1, 1, 1, 11, 11, 17, 63, 105, 183], // 58
  [9, 44, 1, 1, 5, 11, 9, 29, 97, 231, 363], // 59
  [9, 47, 1, 1, 5, 15, 19, 45, 41, 7, 383], // 60
  [9, 52, 1, 3, 7, 7, 31, 19, 83, 137, 221], // 61
  [9, 55, 1, 1, 1, 3, 23, 15, 111, 223, 83], // 62
  [9, 59, 1, 1, 5, 13, 31, 15, 55, 25, 161], // 63
  [9, 62, 1, 1, 3, 13, 25, 47, 39, 87, 257], // 64
];

/** Dims 1..SOBOL_MAX_DIMS have direction numbers (dim 1 is van der Corput and needs no table row). */
export const SOBOL_MAX_DIMS: number = JOE_KUO.length + 1;

/** 32 direction numbers per dim, V[32·dim + j] = v_{j+1}·2^32 (bit j of the Gray code selects it). */
const DIRECTIONS: Uint32Array = buildDirections();

function buildDirections(): Uint32Array {
  const v = new Uint32Array(SOBOL_MAX_DIMS * 32);
  for (let j = 0; j < 32; j++) v[j] = 2 ** (31 - j);
  for (let d = 1; d < SOBOL_MAX_DIMS; d++) {
    const row = JOE_KUO[d - 1]!;
    const s = row[0]!;
    const a = row[1]!;
    const base = 32 * d;
    for (let j = 0; j < 32; j++) {
      if (j < s) {
        v[base + j] = row[2 + j]! * 2 ** (31 - j);
        continue;
      }
      // Bratley & Fox recurrence as Joe & Kuo state it: v_j = v_{j−s} ⊕ (v_{j−s} >> s) ⊕ ⊕_k a_k v_{j−k}.
      const vs = v[base + j - s]!;
      let x = vs ^ (vs >>> s);
      for (let k = 1; k < s; k++) if ((a >>> (s - 1 - k)) & 1) x ^= v[base + j - k]!;
      v[base + j] = x >>> 0;
    }
  }
  return v;
}

/** The 32-bit integer of raw Sobol' point n (n = 0 is the origin), dim 0-based; n < 2^32. */
function sobolInteger(n: number, dim: number): number {
  let gray = (n ^ (n >>> 1)) >>> 0;
  let x = 0;
  let p = 32 * dim;
  while (gray !== 0) {
    if (gray & 1) x ^= DIRECTIONS[p]!;
    gray >>>= 1;
    p++;
  }
  return x >>> 0;
}

/**
 * Raw, unshifted Sobol' coordinate x/2^32 of sequence point `index` (index 0 is the origin, index 1 is
 * (0.5, 0.5, …)) in 0-based `dim`. For tests and reference; `designPoint` uses index + 1 and a digital shift.
 */
export function sobolPointUnscrambled(index: number, dim: number): number {
  if (!Number.isInteger(index) || index < 0 || index >= TWO_POW_32) {
    throw validation("index", index, "integer, 0 ≤ index < 2^32");
  }
  if (!Number.isInteger(dim) || dim < 0 || dim >= SOBOL_MAX_DIMS) {
    throw validation("dim", dim, `integer, 0 ≤ dim < ${SOBOL_MAX_DIMS}`);
  }
  return sobolInteger(index, dim) / TWO_POW_32;
}

function validation(field: string, value: unknown, allowed: string): MoldtwinError {
  return new MoldtwinError("TWIN_ERR_VALIDATION", `design: ${field} is not valid`, [{ field, value, allowed }]);
}

function isPositiveInt(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= 1;
}

/** The largest design size per kind: LHS keeps the Feistel state in 32-bit integer ops; Sobol' has 32 bits. */
const LHS_MAX_POINTS = 2 ** 31;
const SOBOL_MAX_POINTS = TWO_POW_32 - 1; // index + 1 must stay below 2^32

/** Validates the spec and returns its number of points. */
export function designSize(d: DesignSpec): number {
  if (!isPositiveInt(d.dims)) throw validation("dims", d.dims, "integer ≥ 1");
  // hash32 reads the seed as a 32-bit word: a wider or fractional seed would silently alias another one.
  if (!Number.isInteger(d.seed) || d.seed < -(2 ** 31) || d.seed >= TWO_POW_32) {
    throw validation("seed", d.seed, "integer, −2^31 ≤ seed < 2^32");
  }
  switch (d.kind) {
    case "grid": {
      const levels = d.levels;
      if (!Array.isArray(levels)) throw validation("levels", levels, `array of ${d.dims} integers ≥ 2`);
      if (levels.length !== d.dims) throw validation("levels", levels, `exactly dims = ${d.dims} entries`);
      let size = 1;
      for (let j = 0; j < levels.length; j++) {
        const l = levels[j];
        if (!isPositiveInt(l) || l < 2) throw validation(`levels[${j}]`, l, "integer ≥ 2");
        size *= l;
      }
      if (!Number.isSafeInteger(size)) throw validation("levels", levels, "product ≤ 2^53 − 1");
      return size;
    }
    case "lhs":
    case "sobol": {
      const max = d.kind === "lhs" ? LHS_MAX_POINTS : SOBOL_MAX_POINTS;
      if (!isPositiveInt(d.points) || d.points > max)
        throw validation("points", d.points, `integer, 1 ≤ points ≤ ${max}`);
      if (d.kind === "sobol" && d.dims > SOBOL_MAX_DIMS) {
        throw validation("dims", d.dims, `integer, 1 ≤ dims ≤ ${SOBOL_MAX_DIMS} for sobol`);
      }
      return d.points;
    }
    default:
      throw validation("kind", (d as { kind: unknown }).kind, "one of: grid, lhs, sobol");
  }
}

/** Grid helper: the level index of dim j for point index (mixed radix, dim 0 varies fastest). */
export function gridLevel(levels: readonly number[], index: number, dim: number): number {
  let r = index;
  for (let j = 0; j < dim; j++) r = Math.floor(r / levels[j]!);
  return r % levels[dim]!;
}

const FEISTEL_ROUNDS = 6;
/** Round keys of the current (seed, dim), reused across the cycle-walk; module scratch, so nothing per point. */
const roundKeys = new Uint32Array(FEISTEL_ROUNDS);

/** Round function: lowbias32 (C. Wellons, "Prospecting for hash functions", 2018) of the half-block and key. */
function feistelRound(half: number, key: number): number {
  let h = (half ^ key) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * π(i) for a seeded permutation of [0, n). A Feistel network on `bits` = ⌈log2 n⌉ bits is a bijection of
 * [0, 2^bits) for any round function; the halves may be unequal (their widths swap every round). Cycle-walking
 * re-applies it until the value falls in [0, n), which is again a bijection of [0, n) and needs on average
 * fewer than 2^bits/n < 2 steps.
 */
function lhsPermute(i: number, n: number, seed: number, dim: number): number {
  if (n <= 1) return 0;
  const bits = 32 - Math.clz32(n - 1);
  for (let r = 0; r < FEISTEL_ROUNDS; r++) roundKeys[r] = hash32(seed, STREAM_LHS_PERMUTATION, r, dim);
  let x = i;
  do {
    let hiBits = bits >>> 1;
    let loBits = bits - hiBits;
    for (let r = 0; r < FEISTEL_ROUNDS; r++) {
      // bits ≤ 31 (N ≤ 2^31), so plain int32 bit operations are exact.
      const hi = x >>> loBits;
      const lo = x & ((1 << loBits) - 1);
      const f = feistelRound(lo, roundKeys[r]!) & ((1 << hiBits) - 1);
      // (hi, lo) → (lo, hi ⊕ F(lo)): the old low half moves up, widths swap.
      x = (lo << hiBits) | (hi ^ f);
      const t = hiBits;
      hiBits = loBits;
      loBits = t;
    }
  } while (x >= n);
  return x;
}

/** Writes the `dims` unit coordinates of point `index` into out[offset .. offset+dims). */
export function designPoint(d: DesignSpec, index: number, out: Float64Array, offset = 0): void {
  const size = designSize(d);
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw validation("index", index, `integer, 0 ≤ index < ${size}`);
  }
  if (!Number.isInteger(offset) || offset < 0 || offset + d.dims > out.length) {
    throw validation("offset", offset, `integer, 0 ≤ offset ≤ out.length − dims = ${out.length - d.dims}`);
  }
  const dims = d.dims;
  switch (d.kind) {
    case "grid": {
      const levels = d.levels!;
      let r = index;
      for (let j = 0; j < dims; j++) {
        const l = levels[j]!;
        const k = r % l;
        r = (r - k) / l;
        out[offset + j] = k / (l - 1);
      }
      return;
    }
    case "lhs": {
      for (let j = 0; j < dims; j++) {
        const stratum = lhsPermute(index, size, d.seed, j);
        out[offset + j] = (stratum + uniform01(d.seed, STREAM_LHS_JITTER, index, j)) / size;
      }
      return;
    }
    case "sobol": {
      // Point 0 of the sequence is the origin; the design starts at sequence point 1 (index + 1) so that the
      // unshifted design never puts a corner of the cube first. (The shift below already moves the origin
      // inside the cube, and the cost of the skip is that the first 2^k design points are not exactly a net.)
      for (let j = 0; j < dims; j++) {
        const shift = hash32(d.seed, STREAM_SOBOL_SHIFT, 0, j);
        const x = (sobolInteger(index + 1, j) ^ shift) >>> 0;
        // Centre of the 2^-32 cell: strictly inside (0, 1), so inverse CDFs never see 0 or 1.
        out[offset + j] = (x + 0.5) / TWO_POW_32;
      }
      return;
    }
  }
}

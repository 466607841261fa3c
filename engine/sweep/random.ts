/**
 * Counter-based random numbers: every draw is a pure function of (seed, stream, index, dim). A sweep point or a
 * Monte Carlo replicate gets the same number whichever chunk, worker or machine computes it, so results are
 * bit-identical in-process, in the pool with any number of workers, and (later) across a distributed runner.
 * Stateful generators cannot give that without replaying the sequence up to each chunk.
 *
 * The mixer is the 32-bit finaliser of MurmurHash3 (Appleby, `fmix32`), chained over the four counters with an
 * odd-constant offset (as in Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11, which makes
 * the case for counter-based generators in parallel simulation). Integer ops only (Math.imul, shifts), so the
 * bits are the same on every JavaScript engine.
 */

const GOLDEN_32 = 0x9e3779b9;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** MurmurHash3 fmix32: full avalanche of a 32-bit word. */
function fmix32(h0: number): number {
  let h = h0 | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of four counters. `index` may exceed 2³² (it is split into two words). */
export function hash32(seed: number, stream: number, index: number, dim: number): number {
  const lo = (index % TWO_POW_32) | 0;
  const hi = Math.floor(index / TWO_POW_32) | 0;
  let h = fmix32((seed | 0) ^ GOLDEN_32);
  h = fmix32(h ^ Math.imul(stream | 0, 0x27d4eb2d) ^ 0x165667b1);
  h = fmix32(h ^ lo);
  h = fmix32(h ^ Math.imul(hi, 0x61c88647) ^ Math.imul(dim | 0, 0x2545f491));
  return h;
}

/** A uniform number in the open interval (0, 1) with 53 random bits. */
export function uniform01(seed: number, stream: number, index: number, dim: number): number {
  const a = hash32(seed, stream, index, 2 * dim) >>> 5; // 27 bits
  const b = hash32(seed, stream, index, 2 * dim + 1) >>> 6; // 26 bits
  // (a·2²⁶ + b + 0.5) / 2⁵³ lies strictly inside (0, 1).
  return (a * 67108864 + b + 0.5) / TWO_POW_53;
}

/**
 * Inverse of the standard normal CDF, P. J. Acklam's rational approximation (2003; relative error < 1.15e-9
 * over (0, 1)), the quantile used by many statistics libraries before a refinement step. Exact enough for
 * Monte Carlo noise: its error is orders of magnitude below any sampling error here.
 */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const pLow = 0.02425;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((-7.784894002430293e-3 * q - 3.223964580411365e-1) * q - 2.400758277161838) * q - 2.549732539343734) * q +
        4.374664141464968) *
        q +
        2.938163982698783) /
      ((((7.784695709041462e-3 * q + 3.224671290700398e-1) * q + 2.445134137142996) * q + 3.754408661907416) * q + 1)
    );
  }
  if (p > 1 - pLow) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((-3.969683028665376e1 * r + 2.209460984245205e2) * r - 2.759285104469687e2) * r + 1.38357751867269e2) * r -
      3.066479806614716e1) *
      r +
      2.506628277459239) *
      q) /
    (((((-5.447609879822406e1 * r + 1.615858368580409e2) * r - 1.556989798598866e2) * r + 6.680131188771972e1) * r -
      1.328068155288572e1) *
      r +
      1)
  );
}

/** A standard normal draw, by inversion of a counter-based uniform (so it is as reproducible as the uniform). */
export function standardNormal(seed: number, stream: number, index: number, dim: number): number {
  return normalQuantile(uniform01(seed, stream, index, dim));
}

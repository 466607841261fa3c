/**
 * Special functions for life-data analysis, accurate to about 1e-14 relative (the fits need tail
 * probabilities and their logarithms far beyond what the engine's single-precision erf offers):
 * ln Γ (Lanczos), the regularized incomplete gamma functions P and Q (series and continued fraction,
 * Numerical Recipes 3rd ed. §6.2), the standard normal cdf through Cody's erfc (1969), and its inverse
 * (Wichura, Algorithm AS 241 PPND16, Applied Statistics 37 (1988) 477–484, ≈ 1e-16 relative).
 */

// Lanczos approximation with g = 7, n = 9 (Godfrey's coefficients; Press et al., NR 3rd ed. §6.1 discusses the
// method): relative error below 2e-15 for Re z > 0.5; the reflection formula covers z < 0.5.
const LANCZOS_G = 7;
const LANCZOS = [
  0.9999999999998099, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 0.000009984369578019572, 1.5056327351493116e-7,
] as const;
const LN_SQRT_2PI = 0.9189385332046728;

/** ln |Γ(x)|, x not a non-positive integer. */
export function lnGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  }
  const z = x - 1;
  let a = LANCZOS[0];
  const t = z + LANCZOS_G + 0.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return LN_SQRT_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Γ(x); exact factorials for small positive integers, the Lanczos form elsewhere. */
export function gammaFunction(x: number): number {
  if (Number.isInteger(x) && x > 0 && x <= 20) {
    let f = 1;
    for (let i = 2; i < x; i++) f *= i;
    return f;
  }
  if (x < 0.5) return Math.PI / (Math.sin(Math.PI * x) * gammaFunction(1 - x));
  return Math.exp(lnGamma(x));
}

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITER = 10_000;

/** ln of the series part of P(a, x) (NR §6.2 gser): ln Σ + a ln x − x − ln Γ(a). Use for x < a + 1. */
function lnGammaSeries(a: number, x: number): number {
  let ap = a;
  let del = 1 / a;
  let sum = del;
  for (let n = 0; n < MAX_ITER; n++) {
    ap += 1;
    del *= x / ap;
    sum += del;
    if (Math.abs(del) < Math.abs(sum) * EPS) break;
  }
  return Math.log(sum) + a * Math.log(x) - x - lnGamma(a);
}

/** ln Q(a, x) by the Legendre continued fraction, modified Lentz (NR §6.2 gcf). Use for x ≥ a + 1. */
function lnGammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITER; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.log(h) - x + a * Math.log(x) - lnGamma(a);
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x)/Γ(a), a > 0, x ≥ 0. */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  if (x < a + 1) return Math.exp(lnGammaSeries(a, x));
  return -Math.expm1(lnGammaContinuedFraction(a, x));
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x). */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  if (x < a + 1) return -Math.expm1(lnGammaSeries(a, x));
  return Math.exp(lnGammaContinuedFraction(a, x));
}

/** ln P(a, x), accurate deep in the lower tail (where P underflows). */
export function lnGammaP(a: number, x: number): number {
  if (x <= 0) return Number.NEGATIVE_INFINITY;
  if (x < a + 1) return lnGammaSeries(a, x);
  return Math.log1p(-Math.exp(lnGammaContinuedFraction(a, x)));
}

/** ln Q(a, x), accurate deep in the upper tail (where Q underflows). */
export function lnGammaQ(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x < a + 1) return Math.log1p(-Math.exp(lnGammaSeries(a, x)));
  return lnGammaContinuedFraction(a, x);
}

// W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969) 631–638
// (the coefficient sets of Netlib SPECFUN calerf): ~1e-16 relative, a handful of flops. The fits evaluate
// Φ once per censored point per likelihood call, so this is the hot path of every lognormal/normal fit.
const CODY_A = [
  3.1611237438705655, 113.86415415105016, 377.485237685302, 3209.3775891384694, 0.18577770618460315,
] as const;
const CODY_B = [23.601290952344122, 244.02463793444417, 1282.6165260773723, 2844.236833439171] as const;
const CODY_C = [
  0.5641884969886701, 8.883149794388377, 66.11919063714163, 298.6351381974001, 881.952221241769, 1712.0476126340707,
  2051.0783778260716, 1230.3393547979972, 2.1531153547440383e-8,
] as const;
const CODY_D = [
  15.744926110709835, 117.6939508913125, 537.1811018620099, 1621.3895745666903, 3290.7992357334597, 4362.619090143247,
  3439.3676741437216, 1230.3393548037495,
] as const;
const CODY_P = [
  0.30532663496123236, 0.36034489994980445, 0.12578172611122926, 0.016083785148742275, 6.587491615298378e-4,
  0.016315387137302097,
] as const;
const CODY_Q = [
  2.568520192289822, 1.8729528499234604, 0.5279051029514285, 0.06051834131244132, 0.0023352049762686918,
] as const;
const ONE_OVER_SQRT_PI = 0.5641895835477563;

/** erf(x) for |x| ≤ 0.46875 (Cody's first interval). */
function erfSmall(x: number): number {
  const z = x * x;
  let num = CODY_A[4] * z;
  let den = z;
  for (let i = 0; i < 3; i++) {
    num = (num + CODY_A[i]!) * z;
    den = (den + CODY_B[i]!) * z;
  }
  return (x * (num + CODY_A[3])) / (den + CODY_B[3]);
}

/** erfcx(x) = e^(x²)·erfc(x) for x ≥ 0.46875 (Cody's second and third intervals); never overflows. */
function erfcxLarge(x: number): number {
  if (x <= 4) {
    let num = CODY_C[8] * x;
    let den = x;
    for (let i = 0; i < 7; i++) {
      num = (num + CODY_C[i]!) * x;
      den = (den + CODY_D[i]!) * x;
    }
    return (num + CODY_C[7]) / (den + CODY_D[7]);
  }
  const z = 1 / (x * x);
  let num = CODY_P[5] * z;
  let den = z;
  for (let i = 0; i < 4; i++) {
    num = (num + CODY_P[i]!) * z;
    den = (den + CODY_Q[i]!) * z;
  }
  return (ONE_OVER_SQRT_PI - (z * (num + CODY_P[4])) / (den + CODY_Q[4])) / x;
}

/** −x² split as in calerf (x² = s² + δ with s a multiple of 1/16) so e^(−x²) keeps full precision for large x. */
function lnExpMinusSquare(x: number): number {
  const s = Math.trunc(x * 16) / 16;
  return -s * s - (x - s) * (x + s);
}

/** erfc(x), full relative accuracy in the upper tail. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const y = Math.abs(x);
  let r: number;
  if (y <= 0.46875) return 1 - erfSmall(x);
  if (y > 27) r = 0;
  else r = Math.exp(lnExpMinusSquare(y)) * erfcxLarge(y);
  return x < 0 ? 2 - r : r;
}

export function erf(x: number): number {
  if (Math.abs(x) <= 0.46875) return erfSmall(x);
  return x < 0 ? erfc(-x) - 1 : 1 - erfc(x);
}

/** ln erfc(x) for x ≥ 0, finite for any x (no underflow). */
function lnErfc(x: number): number {
  if (x <= 0.46875) return Math.log1p(-erfSmall(x));
  return lnExpMinusSquare(x) + Math.log(erfcxLarge(x));
}

/** Standard normal cdf Φ(z), full relative accuracy in both tails. */
export function normalCdf(z: number): number {
  const x = z * Math.SQRT1_2;
  return z < 0 ? 0.5 * erfc(-x) : 1 - 0.5 * erfc(x);
}

/** Standard normal survival 1 − Φ(z) = Φ(−z). */
export function normalSf(z: number): number {
  return normalCdf(-z);
}

/** ln Φ(z), finite for every finite z (the left tail via ln erfc = −x² + ln erfcx). */
export function lnNormalCdf(z: number): number {
  const x = z * Math.SQRT1_2;
  return z < 0 ? -Math.LN2 + lnErfc(-x) : Math.log1p(-0.5 * erfc(x));
}

/** Standard normal density φ(z). */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LN_SQRT_2PI);
}

// Wichura AS 241 (PPND16) coefficients, highest degree first (Applied Statistics 37:477–484, 1988).
const AS241_A = [
  2509.0809287301227, 33430.57558358813, 67265.7709270087, 45921.95393154987, 13731.69376550946, 1971.5909503065513,
  133.14166789178438, 3.3871328727963665,
] as const;
const AS241_B = [
  5226.495278852854, 28729.085735721943, 39307.89580009271, 21213.794301586597, 5394.196021424751, 687.1870074920579,
  42.31333070160091, 1,
] as const;
const AS241_C = [
  0.0007745450142783414, 0.022723844989269184, 0.2417807251774506, 1.2704582524523684, 3.6478483247632045,
  5.769497221460691, 4.630337846156546, 1.4234371107496835,
] as const;
const AS241_D = [
  1.0507500716444169e-9, 0.0005475938084995345, 0.015198666563616457, 0.14810397642748008, 0.6897673349851,
  1.6763848301838038, 2.053191626637759, 1,
] as const;
const AS241_E = [
  2.0103343992922881e-7, 0.000027115555687434876, 0.0012426609473880784, 0.026532189526576124, 0.29656057182850487,
  1.7848265399172913, 5.463784911164114, 6.657904643501103,
] as const;
const AS241_F = [
  2.0442631033899397e-15, 1.421511758316446e-7, 0.000018463183175100548, 0.0007868691311456133, 0.014875361290850615,
  0.1369298809227358, 0.599832206555888, 1,
] as const;

function horner(c: readonly number[], x: number): number {
  let v = c[0]!;
  for (let i = 1; i < c.length; i++) v = v * x + c[i]!;
  return v;
}

/** Φ⁻¹(p), Wichura AS 241 PPND16; ±Infinity at p = 0 and 1, NaN outside [0, 1]. */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return Number.NaN;
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(AS241_A, r)) / horner(AS241_B, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let z: number;
  if (r <= 5) {
    r -= 1.6;
    z = horner(AS241_C, r) / horner(AS241_D, r);
  } else {
    r -= 5;
    z = horner(AS241_E, r) / horner(AS241_F, r);
  }
  return q < 0 ? -z : z;
}

/** Two-sided (or one-sided) standard normal multiplier for a confidence level (reliability.md §1.2). */
export function zForConfidence(ci: number, sides: 1 | 2 = 2): number {
  return sides === 2 ? -normalQuantile((1 - ci) / 2) : -normalQuantile(1 - ci);
}

/** Inverse of P(a, ·): the x with P(a, x) = p (Newton with bisection safeguard; NR §6.2.1 start). */
export function gammaPInverse(a: number, p: number): number {
  if (p <= 0) return 0;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  // Start: Wilson–Hilferty for a ≥ 1, the small-x series inversion below.
  let x: number;
  if (a >= 1) {
    const z = normalQuantile(p);
    const c = 1 / (9 * a);
    x = Math.max(1e-3, a * (1 - c + z * Math.sqrt(c)) ** 3);
  } else {
    const t = 1 - a * (0.253 + a * 0.12);
    x = p < t ? (p / t) ** (1 / a) : 1 - Math.log(1 - (p - t) / (1 - t));
  }
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  const lga = lnGamma(a);
  for (let i = 0; i < 200; i++) {
    const f = gammaP(a, x) - p;
    if (f < 0) lo = x;
    else hi = x;
    const dens = Math.exp((a - 1) * Math.log(x) - x - lga);
    let next = x - f / dens;
    if (!(next > lo && next < hi) || !Number.isFinite(next))
      next = hi === Number.POSITIVE_INFINITY ? 2 * x : 0.5 * (lo + hi);
    if (Math.abs(next - x) <= 1e-15 * x) return next;
    x = next;
  }
  return x;
}

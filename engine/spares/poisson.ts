/**
 * Pipeline (lead-time demand) distributions for spares stocking, and the backorder functions of a stock level s:
 *
 *   EBO(s) = E[(X − s)⁺] = Σ_{x>s} (x − s)·p(x)                       expected backorders
 *   VBO(s) = E[((X − s)⁺)²] − EBO(s)²                                  variance of the backorders
 *   EOH(s) = E[(s − X)⁺] = s − E[X] + EBO(s)                           expected on-hand stock
 *
 * X is Poisson (Palm's theorem, 1938: with Poisson demand and independent resupply times the number of units in
 * resupply is Poisson with mean = demand rate × mean resupply time) or negative binomial with the same mean and a
 * larger variance (Sherbrooke 1986 "VARI-METRIC", Operations Research 34; Sherbrooke, "Optimal Inventory Modeling
 * of Systems: Multi-Echelon Techniques", 2nd ed. 2004, ch. 2 eq. 2.7–2.8 and ch. 4 for the NB fit).
 *
 * Numerics: no term is ever computed from p(0) = e^{−m} (it underflows for m ≳ 745). A sum starts at its largest
 * useful term from the log-pmf (ln Γ) and runs by the pmf ratio recurrence away from the bulk, stopping on a
 * geometric bound of what is left. When s is below the mean the short finite side is summed and the identities
 * EBO(s) = m − s + Σ_{x<s} (s − x)·p(x) and E[((X−s)⁺)²] = Var X + (m − s)² − Σ_{x<s} (s − x)²·p(x) give the tail,
 * so there is no cancellation on either side.
 */
import { lnGamma } from "../reliability/special.ts";
import { requireCount, requireNonNegative } from "./stockingChecks.ts";

export type CountDistributionKind = "poisson" | "negative-binomial";

/**
 * A count distribution given by its mean and variance. Negative binomial (Sherbrooke's parameterisation by the
 * variance-to-mean ratio): P(X = x) = Γ(x + r)/(Γ(r)·x!) · (1 − q)^r · q^x with q = 1 − mean/variance and
 * r = mean²/(variance − mean). For the Poisson r and q are 0 (unused).
 */
export interface CountDistribution {
  readonly kind: CountDistributionKind;
  readonly mean: number;
  readonly variance: number;
  readonly r: number;
  readonly q: number;
}

/** A variance-to-mean ratio within this of 1 is treated as Poisson (the NB's r = m²/(v − m) would blow up). */
const VTMR_POISSON_TOLERANCE = 1e-6;
const REL_TOL = 1e-17;
const MAX_TERMS = 50_000_000;

const LN_FACTORIAL = new Float64Array(256);
for (let i = 2; i < 256; i++) LN_FACTORIAL[i] = LN_FACTORIAL[i - 1]! + Math.log(i);

/** ln k! (a table below 256, ln Γ above). */
export function lnFactorial(k: number): number {
  return k < 256 ? LN_FACTORIAL[k]! : lnGamma(k + 1);
}

/** ln Γ(x + r) − ln Γ(r): a product for small x (exact, no cancellation when r is large), ln Γ otherwise. */
function lnRising(r: number, x: number): number {
  if (x < 64) {
    let s = 0;
    let prod = 1;
    for (let k = 0; k < x; k++) {
      prod *= r + k;
      if (prod > 1e280) {
        s += Math.log(prod);
        prod = 1;
      }
    }
    return s + Math.log(prod);
  }
  return lnGamma(x + r) - lnGamma(r);
}

/** The Poisson distribution with mean m ≥ 0. */
export function poissonDistribution(mean: number): CountDistribution {
  requireNonNegative("mean", mean, "units");
  return { kind: "poisson", mean, variance: mean, r: 0, q: 0 };
}

/**
 * Poisson when variance ≤ mean·(1 + 1e-6), negative binomial otherwise. An under-dispersed variance (< mean) is
 * raised to the mean (Sherbrooke uses the binomial there; pipelines of (S−1, S) systems are never
 * under-dispersed).
 */
export function countDistribution(mean: number, variance: number = mean): CountDistribution {
  requireNonNegative("mean", mean, "units");
  requireNonNegative("variance", variance, "units²");
  if (mean === 0 || variance <= mean * (1 + VTMR_POISSON_TOLERANCE)) {
    return { kind: "poisson", mean, variance: mean, r: 0, q: 0 };
  }
  const q = 1 - mean / variance;
  return { kind: "negative-binomial", mean, variance, r: (mean * mean) / (variance - mean), q };
}

/** ln P(X = x) for integer x ≥ 0 (m > 0). */
export function logPmfRaw(nb: boolean, m: number, r: number, q: number, x: number): number {
  if (!nb) return x * Math.log(m) - m - lnFactorial(x);
  return lnRising(r, x) - lnFactorial(x) + r * Math.log1p(-q) + (x === 0 ? 0 : x * Math.log(q));
}

/** p(x + 1)/p(x). */
function ratioUp(nb: boolean, m: number, r: number, q: number, x: number): number {
  return nb ? ((x + r) * q) / (x + 1) : m / (x + 1);
}

/**
 * Σ_{k≥0} (W + k)² ρ^k with ρ < 1: a bound on what is left of a weighted sum whose terms shrink at least
 * geometrically by ρ, the current term carrying weight W.
 */
function tailBound2(p: number, w: number, rho: number): number {
  const g = 1 / (1 - rho);
  return p * (w * w * g + 2 * w * rho * g * g + rho * (1 + rho) * g * g * g);
}

/**
 * The backorder moments at stock level s (integer ≥ 0) of a Poisson (nb = false, mean m) or negative binomial
 * (nb = true, mean m, shape r, q) count, written into out (length ≥ 4): out[0] = P(X > s), out[1] = EBO(s) =
 * E[(X − s)⁺], out[2] = E[((X − s)⁺)²], out[3] = P(X ≤ s) (each summed directly, so both tails keep their
 * relative accuracy). Allocation-free: the hot path of the METRIC marginal allocation.
 */
export function backorderMomentsInto(nb: boolean, m: number, r: number, q: number, s: number, out: Float64Array): void {
  if (m <= 0) {
    out[0] = 0;
    out[1] = 0;
    out[2] = 0;
    out[3] = 1;
    return;
  }
  const variance = nb ? m / (1 - q) : m;
  if (s >= m) {
    // Upper tail from s + 1: past the mean the pmf ratio is < 1 and (Poisson, NB r ≥ 1) falls with x, or
    // (NB r < 1) rises towards q; either way max(ρ, q) bounds every later ratio.
    let x = s + 1;
    let p = Math.exp(logPmfRaw(nb, m, r, q, x));
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    for (let n = 0; n < MAX_TERMS && p > 0; n++) {
      const w = x - s;
      t0 += p;
      t1 += w * p;
      t2 += w * w * p;
      const rho = ratioUp(nb, m, r, q, x);
      const rb = nb && r < 1 ? q : rho;
      p *= rho;
      x++;
      if (rb < 1 && p / (1 - rb) <= REL_TOL * t0 && tailBound2(p, w + 1, rb) <= REL_TOL * t2) break;
    }
    out[0] = t0;
    out[1] = t1;
    out[2] = t2;
    out[3] = 1 - t0;
    return;
  }
  // s below the mean: sum the finite lower side x = s, s − 1, …, 0 (weight s − x) and use the identities.
  let x = s;
  let p = Math.exp(logPmfRaw(nb, m, r, q, x));
  let l0 = 0;
  let l1 = 0;
  let l2 = 0;
  // Going down, p(x − 1)/p(x) = x/m (Poisson) or x/((x − 1 + r)·q) (NB); both shrink as x falls unless NB r < 1.
  const boundValid = !nb || r >= 1;
  for (;;) {
    const w = s - x;
    l0 += p;
    l1 += w * p;
    l2 += w * w * p;
    if (x === 0) break;
    const rhoDown = nb ? x / ((x - 1 + r) * q) : x / m;
    p *= rhoDown;
    x--;
    if (p === 0) break;
    if (
      boundValid &&
      rhoDown < 1 &&
      p / (1 - rhoDown) <= REL_TOL * l0 &&
      tailBound2(p, w + 1, rhoDown) <= REL_TOL * l2
    ) {
      break;
    }
  }
  const d = m - s;
  out[0] = Math.max(0, 1 - l0);
  out[1] = d + l1;
  out[2] = Math.max(0, variance + d * d - l2);
  out[3] = Math.min(1, l0);
}

const scratch = new Float64Array(4);

function checkLevel(field: string, s: number): void {
  requireCount(field, s, 0, "units");
}

function nbOf(d: CountDistribution): boolean {
  return d.kind === "negative-binomial";
}

/** P(X = k). */
export function pmf(d: CountDistribution, k: number): number {
  checkLevel("k", k);
  if (d.mean === 0) return k === 0 ? 1 : 0;
  return Math.exp(logPmfRaw(nbOf(d), d.mean, d.r, d.q, k));
}

/** P(X ≤ k). */
export function cdf(d: CountDistribution, k: number): number {
  checkLevel("k", k);
  backorderMomentsInto(nbOf(d), d.mean, d.r, d.q, k, scratch);
  return scratch[3]!;
}

/** P(X > k), accurate in the far upper tail. */
export function sf(d: CountDistribution, k: number): number {
  checkLevel("k", k);
  backorderMomentsInto(nbOf(d), d.mean, d.r, d.q, k, scratch);
  return scratch[0]!;
}

/** EBO(s) = Σ_{x>s} (x − s)·p(x) (Sherbrooke 2004 eq. 2.7). */
export function expectedBackorders(d: CountDistribution, s: number): number {
  checkLevel("s", s);
  backorderMomentsInto(nbOf(d), d.mean, d.r, d.q, s, scratch);
  return scratch[1]!;
}

/** VBO(s) = Σ_{x>s} (x − s)²·p(x) − EBO(s)² (Sherbrooke 2004 eq. 2.8). */
export function backorderVariance(d: CountDistribution, s: number): number {
  checkLevel("s", s);
  backorderMomentsInto(nbOf(d), d.mean, d.r, d.q, s, scratch);
  const e = scratch[1]!;
  return Math.max(0, scratch[2]! - e * e);
}

/** Expected on-hand stock E[(s − X)⁺] = s − E[X] + EBO(s) (on hand − backorders = s − pipeline). */
export function expectedOnHand(d: CountDistribution, s: number): number {
  return Math.max(0, s - d.mean + expectedBackorders(d, s));
}

/**
 * E[z^{(X − s)⁺}], 0 ≤ z ≤ 1: the probability-generating function of the backorders. With backorders spread
 * uniformly over N presses, z = 1 − 1/N gives the probability that a given press has none of them.
 */
export function backorderPgf(d: CountDistribution, s: number, z: number): number {
  checkLevel("s", s);
  return backorderPgfRaw(nbOf(d), d.mean, d.r, d.q, s, z);
}

export function backorderPgfRaw(nb: boolean, m: number, r: number, q: number, s: number, z: number): number {
  if (m <= 0) return 1;
  backorderMomentsInto(nb, m, r, q, s, scratch);
  const below = scratch[3]!;
  if (z >= 1) return 1;
  let x = s + 1;
  let p = Math.exp(logPmfRaw(nb, m, r, q, x));
  let zw = z;
  let sum = 0;
  for (let n = 0; n < MAX_TERMS; n++) {
    const term = p * zw;
    sum += term;
    const rho = ratioUp(nb, m, r, q, x);
    const rb = (nb && r < 1 ? q : rho) * z;
    p *= rho;
    zw *= z;
    x++;
    if (p === 0 || zw === 0) break;
    if (x > m && rb < 1 && (p * zw) / (1 - rb) <= REL_TOL * (sum + below)) break;
  }
  return Math.min(1, below + sum);
}

/** Poisson pmf P(X = k | m), stable for large m. */
export function poissonPmf(k: number, m: number): number {
  return pmf(poissonDistribution(m), k);
}

/** Poisson cdf P(X ≤ k | m). */
export function poissonCdf(k: number, m: number): number {
  return cdf(poissonDistribution(m), k);
}

/** Poisson EBO(s | m). */
export function poissonExpectedBackorders(s: number, m: number): number {
  return expectedBackorders(poissonDistribution(m), s);
}

/** Poisson VBO(s | m). */
export function poissonBackorderVariance(s: number, m: number): number {
  return backorderVariance(poissonDistribution(m), s);
}

import { MoldtwinError } from "../errors.ts";
import { brentRoot } from "./numeric.ts";
import { normalQuantile } from "./special.ts";

/**
 * P(|T| ≤ t) for Student's t with an integer number of degrees of freedom, by the finite series of Abramowitz &
 * Stegun 26.7.3 (ν odd) and 26.7.4 (ν even) in θ = atan(t/√ν). Exact up to rounding.
 */
export function studentTTwoSidedCdf(t: number, dof: number): number {
  const theta = Math.atan(Math.abs(t) / Math.sqrt(dof));
  const c2 = Math.cos(theta) ** 2;
  const s = Math.sin(theta);
  if (dof % 2 === 1) {
    if (dof === 1) return (2 * theta) / Math.PI;
    let term = Math.cos(theta);
    let sum = term;
    for (let j = 1; 2 * j + 1 <= dof - 2; j++) {
      term *= (c2 * (2 * j)) / (2 * j + 1);
      sum += term;
    }
    return (2 / Math.PI) * (theta + s * sum);
  }
  let term = 1;
  let sum = 1;
  for (let j = 1; 2 * j <= dof - 2; j++) {
    term *= (c2 * (2 * j - 1)) / (2 * j);
    sum += term;
  }
  return s * sum;
}

/**
 * The two-sided quantile t such that P(|T| ≤ t) = confidence, ν integer ≥ 1. Exact (Brent root of the A&S
 * 26.7.3/4 series) up to ν = 2000; beyond, the Cornish–Fisher expansion of A&S 26.7.5 in 1/ν (error < 1e-9 there).
 */
export function studentTTwoSidedQuantile(confidence: number, dof: number): number {
  if (!(confidence > 0 && confidence < 1) || !(Number.isInteger(dof) && dof >= 1)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `Student t quantile needs 0 < confidence < 1 and integer ν ≥ 1`, [
      { field: "confidence", value: confidence, allowed: "0 < confidence < 1" },
      { field: "dof", value: dof, allowed: "an integer ≥ 1" },
    ]);
  }
  const z = normalQuantile(0.5 + confidence / 2);
  if (dof > 2000) {
    const z3 = z ** 3;
    const z5 = z ** 5;
    const z7 = z ** 7;
    const g1 = (z3 + z) / 4;
    const g2 = (5 * z5 + 16 * z3 + 3 * z) / 96;
    const g3 = (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / 384;
    return z + g1 / dof + g2 / dof ** 2 + g3 / dof ** 3;
  }
  // The t quantile lies above z; the Cauchy (ν = 1) quantile bounds it from above.
  const hi = Math.tan((Math.PI * confidence) / 2) + 1;
  return brentRoot((t) => studentTTwoSidedCdf(t, dof) - confidence, z * 0.999, hi, 1e-13);
}

/** The p-quantile of Student's t (one-sided, 0 < p < 1): the two-sided quantile of confidence |2p − 1|, signed. */
export function studentTQuantile(p: number, dof: number): number {
  if (p === 0.5) return 0;
  const t = studentTTwoSidedQuantile(Math.abs(2 * p - 1), dof);
  return p < 0.5 ? -t : t;
}

import type { CrossWlf } from "../../twin-models/schemas/material.ts";

/**
 * Cross-WLF viscosity, Moldflow 7-parameter form (Autodesk, "Cross-WLF viscosity model",
 * MFLO_CROSSWLF_VISCOSITY_MODEL; molding.md §2.1):
 *   η0(T, p) = D1 · exp(−A1·(T − T*) / (A2 + T − T*)),  T* = D2 + D3·p,  A2 = Ã2 + D3·p
 *   η(T, γ̇, p) = η0 / (1 + (η0·γ̇/τ*)^(1−n))
 * Below T* the WLF expression is invalid and the melt is treated as frozen (η = etaMax). Results are clamped
 * to [etaMin, etaMax] as openInjMoldSim does (krebeljk/openInjMoldSim, thermophysicalProperties.poly).
 * Temperatures in K, pressure in Pa, viscosity in Pa·s. `factor` scales η0 (lot offset, calibration).
 */
export function zeroShearViscosityPaS(m: CrossWlf, tempK: number, pressurePa: number, factor = 1): number {
  const tStar = m.d2K + m.d3KPerPa * pressurePa;
  const dT = tempK - tStar;
  const a2 = m.a2TildeK + m.d3KPerPa * pressurePa;
  const eta0 = dT <= 0 ? Number.POSITIVE_INFINITY : factor * m.d1PaS * Math.exp((-m.a1 * dT) / (a2 + dT));
  // Math.min/max rather than returning a card field from one branch: V8 keeps integer-valued fields (5, 1e8)
  // tagged, and a branch merging them with a computed double boxes that double on every call.
  return Math.min(Math.max(eta0, m.etaMinPaS), m.etaMaxPaS);
}

/** Cross shear thinning applied to a given zero-shear viscosity. */
export function crossViscosityPaS(m: CrossWlf, eta0PaS: number, shearRate1s: number): number {
  return Math.max(eta0PaS / (1 + ((eta0PaS * shearRate1s) / m.tauStarPa) ** (1 - m.n)), m.etaMinPaS);
}

export function crossWlfViscosityPaS(
  m: CrossWlf,
  tempK: number,
  shearRate1s: number,
  pressurePa: number,
  factor = 1,
): number {
  return crossViscosityPaS(m, zeroShearViscosityPaS(m, tempK, pressurePa, factor), shearRate1s);
}

/**
 * Local power-law index n_local = d ln τ / d ln γ̇ of the Cross model at γ̇ (molding.md §2.3, "with Cross-WLF"):
 * with x = (η0·γ̇/τ*)^(1−n), τ = η0·γ̇/(1 + x) gives n_local = 1 − (1 − n)·x/(1 + x). It runs from 1
 * (Newtonian plateau) down to n (power-law region), which lets the closed-form power-law pressure drops be used
 * piecewise with Cross-WLF.
 */
export function localPowerLawIndex(m: CrossWlf, eta0PaS: number, shearRate1s: number): number {
  const x = ((eta0PaS * shearRate1s) / m.tauStarPa) ** (1 - m.n);
  return 1 - ((1 - m.n) * x) / (1 + x);
}

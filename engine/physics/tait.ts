import type { Tait } from "../../twin-models/schemas/material.ts";

/** Universal Tait constant (molding.md §2.2; CRC/Wohlfarth). */
export const TAIT_C = 0.0894;

/** Melt-to-solid transition temperature Tt(p) = b5 + b6·p, in K (p in Pa). */
export function transitionTempK(t: Tait, pressurePa: number): number {
  return t.b5 + t.b6 * pressurePa;
}

/**
 * Modified 2-domain Tait specific volume (Autodesk AMDF-2DOMAINT; molding.md §2.2), m³/kg, T in K, p in Pa:
 *   V = V0(T)·[1 − C·ln(1 + p/B(T))] + Vt(T, p)
 * melt (T > Tt): V0 = b1m + b2m·(T − b5), B = b3m·exp(−b4m·(T − b5)), Vt = 0
 * solid (T ≤ Tt): V0 = b1s + b2s·(T − b5), B = b3s·exp(−b4s·(T − b5)), Vt = b7·exp(b8·(T − b5) − b9·p)
 */
export function specificVolumeM3PerKg(t: Tait, tempK: number, pressurePa: number): number {
  const dT = tempK - t.b5;
  if (tempK > t.b5 + t.b6 * pressurePa) {
    const v0 = t.b1m + t.b2m * dT;
    const b = t.b3m * Math.exp(-t.b4m * dT);
    return v0 * (1 - TAIT_C * Math.log(1 + pressurePa / b));
  }
  const v0 = t.b1s + t.b2s * dT;
  const b = t.b3s * Math.exp(-t.b4s * dT);
  return v0 * (1 - TAIT_C * Math.log(1 + pressurePa / b)) + t.b7 * Math.exp(t.b8 * dT - t.b9 * pressurePa);
}

export function densityKgPerM3(t: Tait, tempK: number, pressurePa: number): number {
  return 1 / specificVolumeM3PerKg(t, tempK, pressurePa);
}

import { KN_PER_METRIC_TON_FORCE, KN_PER_US_TON_FORCE, M2_PER_CM2 } from "../units.ts";

/** Default clamp safety factor: the mfgcalcs calculator's documented default (molding.md §2.5, check K2). */
export const DEFAULT_CLAMP_SAFETY_FACTOR = 1.15;

export interface ClampForce {
  clampForceKN: number;
  clampForceMetricTons: number;
  clampForceUSTons: number;
}

/** F = A_projected × p_cavity × SF (molding.md §2.5), reported in kN, metric tonne-force and US ton-force. */
export function clampForce(
  projectedAreaCm2: number,
  cavityPressureMPa: number,
  safetyFactor = DEFAULT_CLAMP_SAFETY_FACTOR,
): ClampForce {
  // cm² → m² (1e-4) times MPa → Pa (1e6) gives N; /1000 gives kN.
  const kN = (projectedAreaCm2 * M2_PER_CM2 * cavityPressureMPa * 1e6 * safetyFactor) / 1000;
  return {
    clampForceKN: kN,
    clampForceMetricTons: kN / KN_PER_METRIC_TON_FORCE,
    clampForceUSTons: kN / KN_PER_US_TON_FORCE,
  };
}

/** In-silico scientific molding studies (molding.md §1.4): pure functions of (twin, base settings, options). */
export {
  type CavityBalanceOptions,
  type CavityBalanceResult,
  cavityBalanceStudy,
  MOLD_OFFSET_WEIGHT,
} from "./cavityBalance.ts";
export { assertFinite, availablePressureMPa, minimumFillTimeS } from "./common.ts";
export { GATE_SEAL_DEFAULTS, type GateSealOptions, type GateSealResult, gateSealStudy } from "./gateSeal.ts";
export {
  PRESSURE_ROLES,
  type PressureDropOptions,
  type PressureDropResult,
  pressureDropStudy,
} from "./pressureDrop.ts";
export {
  VISCOSITY_DEFAULTS,
  type ViscosityCurveOptions,
  type ViscosityCurveResult,
  type ViscosityStep,
  viscosityCurveStudy,
} from "./viscosityCurve.ts";

/** Unit conversions, pinned once so that no module re-derives a constant (see molding.md §2.5 units warning). */

export const KELVIN_OFFSET = 273.15;
export const PA_PER_MPA = 1e6;
export const M_PER_MM = 1e-3;
export const M3_PER_CM3 = 1e-6;
export const M2_PER_CM2 = 1e-4;
export const J_PER_KWH = 3.6e6;
/** Standard gravity, BIPM: 1 kgf = 9.80665 N, so 1 metric tonne-force = 9.80665 kN. */
export const KN_PER_METRIC_TON_FORCE = 9.80665;
/** 1 US short ton-force = 2000 lbf; 1 lbf = 4.4482216152605 N (NIST SP 811). */
export const N_PER_LBF = 4.4482216152605;
export const KN_PER_US_TON_FORCE = (2000 * N_PER_LBF) / 1000;
/** 1 psi = 6894.757293168 Pa (NIST SP 811). */
export const PA_PER_PSI = 6894.757293168;
/** 1 in² = 6.4516 cm² (exact). */
export const CM2_PER_IN2 = 6.4516;

export const cToK = (tempC: number): number => tempC + KELVIN_OFFSET;
export const kToC = (tempK: number): number => tempK - KELVIN_OFFSET;
/** The mean Gregorian month (365.2425 d / 12): wear ages and forecast buckets in months neither drift nor depend on February. */
export const DAYS_PER_MONTH = 365.2425 / 12;

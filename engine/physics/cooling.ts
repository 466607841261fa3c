/**
 * One-term Fourier-series cooling times (molding.md §2.4). Plate of full thickness h, cylinder of diameter D,
 * melt Tm cooled by a wall at Tw until the centreline (or the mean) reaches the ejection temperature Te.
 *   plate, centre:    t = h²/(π²α) · ln[(4/π)·θ]
 *   plate, mean:      t = h²/(π²α) · ln[(8/π²)·θ]
 *   cylinder, centre: t = D²/(4λ1²α) · ln[2/(λ1·J1(λ1))·θ]      (λ1 = 2.4048, first zero of J0)
 *   cylinder, mean:   t = D²/(4λ1²α) · ln[(4/λ1²)·θ]
 * with θ = (Tm − Tw)/(Te − Tw). Sources: novasolver injection-molding tools and RJG (plate, centre); the mean
 * and cylinder forms are the first terms of the exact series (Carslaw & Jaeger, Conduction of Heat in Solids).
 * When the log argument is ≤ 1 the one-term solution says the part is already cool enough: 0 s.
 */

export type CoolingShape = "plate" | "cylinder";
export type CoolingCriterion = "centre" | "mean";

/** First zero of the Bessel function J0, and J1 there (Abramowitz & Stegun, table 9.5). */
export const BESSEL_J0_ZERO_1 = 2.404825557695773;
export const BESSEL_J1_AT_J0_ZERO_1 = 0.5191474972894669;

const PLATE_CENTRE = 4 / Math.PI;
const PLATE_MEAN = 8 / (Math.PI * Math.PI);
const CYL_CENTRE = 2 / (BESSEL_J0_ZERO_1 * BESSEL_J1_AT_J0_ZERO_1);
const CYL_MEAN = 4 / (BESSEL_J0_ZERO_1 * BESSEL_J0_ZERO_1);

export function coolingTimeS(
  shape: CoolingShape,
  criterion: CoolingCriterion,
  thicknessM: number,
  diffusivityM2s: number,
  meltC: number,
  moldC: number,
  ejectC: number,
): number {
  const theta = (meltC - moldC) / (ejectC - moldC);
  if (shape === "plate") {
    const arg = (criterion === "centre" ? PLATE_CENTRE : PLATE_MEAN) * theta;
    return arg <= 1 ? 0 : ((thicknessM * thicknessM) / (Math.PI * Math.PI * diffusivityM2s)) * Math.log(arg);
  }
  const arg = (criterion === "centre" ? CYL_CENTRE : CYL_MEAN) * theta;
  const lambda2 = BESSEL_J0_ZERO_1 * BESSEL_J0_ZERO_1;
  return arg <= 1 ? 0 : ((thicknessM * thicknessM) / (4 * lambda2 * diffusivityM2s)) * Math.log(arg);
}

/**
 * Mean temperature of a plate t seconds after it was filled at Tm against walls at Tw, from the same one-term
 * series: T̄ = Tw + (Tm − Tw)·(8/π²)·exp(−π²αt/h²), capped at Tm where one term overshoots (t → 0).
 */
export function plateMeanTempC(
  thicknessM: number,
  diffusivityM2s: number,
  meltC: number,
  moldC: number,
  timeS: number,
): number {
  const decay = PLATE_MEAN * Math.exp((-Math.PI * Math.PI * diffusivityM2s * timeS) / (thicknessM * thicknessM));
  return moldC + (meltC - moldC) * (decay > 1 ? 1 : decay);
}

/** Thermal diffusivity α = k/(ρ·cp), m²/s. */
export const diffusivityM2s = (
  conductivityWPerMK: number,
  densityKgPerM3: number,
  heatCapacityJPerKgK: number,
): number => conductivityWPerMK / (densityKgPerM3 * heatCapacityJPerKgK);

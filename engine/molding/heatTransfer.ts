/**
 * Melt-to-wall heat transfer during filling. Laminar duct flow with a constant wall temperature:
 * fully developed Nusselt numbers 3.66 (tube, on D) and 7.54 (parallel plates, on D_h = 2H), and the
 * thermally developing (Lévêque) means Nu = 1.615·Gz^(1/3) (tube) and 1.85·Gz^(1/3) (plates), Gz = Pe·D_h/x;
 * Shah & London, Laminar Flow Forced Convection in Ducts (1978); Incropera, Fundamentals of Heat and Mass
 * Transfer, §8.4. The two limits are blended with a Churchill–Usagi cube sum. Molding flows have Gz in the
 * hundreds to thousands, so the developing term dominates and frozen layers stay thin while melt flows.
 */

const NU_TUBE_FULLY_DEVELOPED = 3.66;
const NU_PLATES_FULLY_DEVELOPED = 7.54;
const LEVEQUE_TUBE = 1.615;
const LEVEQUE_PLATES = 1.85;

/** Heat transfer coefficient, W/(m²·K). `tube` selects the tube correlations, else parallel plates. */
export function heatTransferCoefficientWPerM2K(
  tube: boolean,
  hydraulicDiameterM: number,
  meanVelocityMs: number,
  distanceM: number,
  diffusivityM2s: number,
  conductivityWPerMK: number,
): number {
  const graetz = (meanVelocityMs * hydraulicDiameterM * hydraulicDiameterM) / (diffusivityM2s * distanceM);
  const developing = (tube ? LEVEQUE_TUBE : LEVEQUE_PLATES) * Math.cbrt(graetz);
  const developed = tube ? NU_TUBE_FULLY_DEVELOPED : NU_PLATES_FULLY_DEVELOPED;
  const nusselt = Math.cbrt(developed ** 3 + developing ** 3);
  return (nusselt * conductivityWPerMK) / hydraulicDiameterM;
}

/**
 * Lubrication (Hele-Shaw) pressure drops for a power-law fluid η = K·γ̇^(n−1), molding.md §2.3 (Kazmer,
 * Injection Mold Design Engineering ch. 5; Newtonian limits: molper.es, Hagen–Poiseuille). SI units:
 * K in Pa·sⁿ, flow in m³/s, lengths in m, result in Pa. Every form reduces exactly to its Newtonian one at n = 1.
 * Positional arguments on purpose: these run inside the per-shot march and must not allocate.
 */

/** Strip/slit of full gap H and width W: Δp = (K·L/b)·[(2n+1)·(Q/W)/(2n·b²)]^n with b = H/2. */
export function stripPressureDropPa(
  k: number,
  n: number,
  flowM3s: number,
  lengthM: number,
  widthM: number,
  thicknessM: number,
): number {
  const b = thicknessM / 2;
  return ((k * lengthM) / b) * (((2 * n + 1) * (flowM3s / widthM)) / (2 * n * b * b)) ** n;
}

/** Tube of radius R: Δp = (2K·L/R)·[(3n+1)/(4n) · 4Q/(π·R³)]^n. */
export function tubePressureDropPa(k: number, n: number, flowM3s: number, lengthM: number, radiusM: number): number {
  return ((2 * k * lengthM) / radiusM) * tubeWallShearRate1s(n, flowM3s, radiusM) ** n;
}

/**
 * Centre-gated disk from R1 to R2, gap H: Δp = (K/b)·[(2n+1)·Q/(4π·n·b²)]^n · (R2^(1−n) − R1^(1−n))/(1−n);
 * at n = 1 the radial factor is ln(R2/R1).
 */
export function diskPressureDropPa(
  k: number,
  n: number,
  flowM3s: number,
  innerRadiusM: number,
  outerRadiusM: number,
  thicknessM: number,
): number {
  const b = thicknessM / 2;
  const radial =
    Math.abs(1 - n) < 1e-9
      ? Math.log(outerRadiusM / innerRadiusM)
      : (outerRadiusM ** (1 - n) - innerRadiusM ** (1 - n)) / (1 - n);
  return (k / b) * (((2 * n + 1) * flowM3s) / (4 * Math.PI * n * b * b)) ** n * radial;
}

/** Apparent (Newtonian) wall shear rate in a strip: 6Q/(W·H²). */
export function stripApparentShearRate1s(flowM3s: number, widthM: number, thicknessM: number): number {
  return (6 * flowM3s) / (widthM * thicknessM * thicknessM);
}

/** True wall shear rate in a strip (Rabinowitsch): (2n+1)/(3n) · 6Q/(W·H²). */
export function stripWallShearRate1s(n: number, flowM3s: number, widthM: number, thicknessM: number): number {
  return ((2 * n + 1) / (3 * n)) * stripApparentShearRate1s(flowM3s, widthM, thicknessM);
}

/** True wall shear rate in a tube: (3n+1)/(4n) · 4Q/(π·R³). */
export function tubeWallShearRate1s(n: number, flowM3s: number, radiusM: number): number {
  return (((3 * n + 1) / (4 * n)) * 4 * flowM3s) / (Math.PI * radiusM * radiusM * radiusM);
}

/** Wall shear rate in a disk at radius r: the strip form with W = 2πr (molding.md §2.3, [D]). */
export function diskWallShearRate1s(n: number, flowM3s: number, radiusM: number, thicknessM: number): number {
  return stripWallShearRate1s(n, flowM3s, 2 * Math.PI * radiusM, thicknessM);
}

/** Newtonian closed forms (molding.md §2.3), used by the calculator and as test oracles. */
export const newtonianStripPressureDropPa = (mu: number, q: number, l: number, w: number, h: number): number =>
  (12 * mu * l * q) / (w * h * h * h);
export const newtonianTubePressureDropPa = (mu: number, q: number, l: number, r: number): number =>
  (8 * mu * l * q) / (Math.PI * r ** 4);
export const newtonianDiskPressureDropPa = (mu: number, q: number, r1: number, r2: number, h: number): number =>
  (6 * mu * q * Math.log(r2 / r1)) / (Math.PI * h * h * h);

/**
 * Archard wear (reliability.md §1.6): V = K·F·s/H, or per unit area dh = k·p·ds with k = K/H the specific wear
 * rate. Units: k in mm³/(N·m), p in MPa = N/mm², s in m → h in mm.
 *
 *  - Screw flights and barrel: the flight-land clearance grows from the SPI starting clearance (0.0015 in per inch
 *    of diameter per side, extremecoatings) to the metering-zone replacement limit (moldersservices: 0.015 in =
 *    0.38 mm total clearance, here scaled with the diameter: 2.5 × new, which is 0.38 mm on a 2-in screw). Piecewise
 *    k through the nitrided case (Reiloy: case 0.18–0.38 mm, hardest in the first 0.002–0.005 in, "after the surface
 *    is worn .007 in, wear accelerates"). Output loss from leak flow over the flight lands, ∝ clearance³ at the
 *    back pressure (Tadmor & Gogos, Principles of Polymer Processing §9.2, flight-clearance leak flow), calibrated
 *    to "output −25 % at doubled clearance" (extremecoatings).
 *  - Check ring: ring-to-barrel clearance → share of hold pressure lost (slit leak ∝ clearance³) → cushion loss.
 *  - Toggle bushings: pin/bushing wear under the link force while the toggle locks up and releases.
 *
 * Calibration: k of the screw's first case layer puts a φ30 nitrided screw and barrel on a 30 % glass-filled
 * nylon at its replacement limit after 1,250 h ("severely worn after 1,250 hours", dowell-machinery) at the
 * anchor duty below; unfilled melts wear 20× slower (assumed: years of life on unfilled PP).
 */
import type {
  CheckRingModel,
  ComponentCardOf,
  ScrewBarrelModel,
  ToggleBushingModel,
} from "../../twin-models/schemas/component.ts";
import { abrasiveness, clampLifeH, nominalAge, scatteredLife } from "./common.ts";
import type { ComponentLife } from "./component.ts";
import type { Duty } from "./duty.ts";

/** SPI starting clearance between flight and barrel, per side, per unit of diameter (0.0015 in per in). */
export const SPI_RADIAL_CLEARANCE_PER_DIAMETER = 0.0015;
/** Output share below which the model stops (the kernel's screw floor is 5 % of drag flow as well). */
export const MIN_OUTPUT_FACTOR = 0.05;

/**
 * The duty the dowell-machinery anchor is read at (stated assumptions: the source gives only the diameter, the
 * resin and the hours): φ30 mm, 100 rpm, screw turning 45 % of the time (recovery ends inside the cooling time),
 * 1 MPa specific back pressure (nylon is run at low back pressure), 30 % glass fibre.
 */
export const DOWELL_ANCHOR = {
  screwDiameterMm: 30,
  screwSpeedRpm: 100,
  screwRotationShare: 0.45,
  backPressureMPa: 1,
  fillerFraction: 0.3,
  severeWearH: 1250,
} as const;

/** New radial (per side) flight clearance, mm. */
export function newRadialClearanceMm(diameterMm: number, perDiameter = SPI_RADIAL_CLEARANCE_PER_DIAMETER): number {
  return perDiameter * diameterMm;
}

/**
 * Plasticating output of a worn screw relative to new, at clearance ratio r = δ/δ0. At fixed back pressure the
 * leak flow over the flight lands grows as δ³ (Tadmor & Gogos §9.2) while drag flow stays; with the leak share
 * fixed by "−25 % at 2×" (extremecoatings): f = 1 − lossAtDouble·(r³ − 1)/7, floored at MIN_OUTPUT_FACTOR.
 */
export function screwOutputFactor(clearanceRatio: number, lossAtDouble = 0.25): number {
  const r = clearanceRatio < 1 ? 1 : clearanceRatio;
  const f = 1 - (lossAtDouble * (r * r * r - 1)) / 7;
  return f > MIN_OUTPUT_FACTOR ? f : MIN_OUTPUT_FACTOR;
}

/**
 * Piecewise wear through a hardened case: `exposure` is k₁·∫p·ds (mm if all of it fell in the first layer);
 * each layer i ends at depth d_i and wears at relativeRate_i × the first layer's rate, the core at coreRate.
 */
export function depthForExposure(
  exposureMm: number,
  layers: ScrewBarrelModel["caseLayers"],
  coreRelativeRate: number,
): number {
  let depth = 0;
  let left = exposureMm;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    const need = (layer.toDepthMm - depth) / layer.relativeRate;
    if (left <= need) return depth + left * layer.relativeRate;
    left -= need;
    depth = layer.toDepthMm;
  }
  return depth + left * coreRelativeRate;
}

/** Inverse of depthForExposure. */
export function exposureForDepth(
  depthMm: number,
  layers: ScrewBarrelModel["caseLayers"],
  coreRelativeRate: number,
): number {
  let depth = 0;
  let exposure = 0;
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    if (depthMm <= layer.toDepthMm) return exposure + (depthMm - depth) / layer.relativeRate;
    exposure += (layer.toDepthMm - depth) / layer.relativeRate;
    depth = layer.toDepthMm;
  }
  return exposure + (depthMm - depth) / coreRelativeRate;
}

/** Sliding distance of the flight tips on the barrel per operating hour, m/h: π·D·N × turning share. */
export function flightSlidingMPerH(screwDiameterMm: number, screwSpeedRpm: number, rotationShare: number): number {
  return Math.PI * screwDiameterMm * 1e-3 * screwSpeedRpm * 60 * rotationShare;
}

/** Mechanics of the screw-and-barrel model at a duty, exposed for tests and reports. */
export interface ScrewBarrelWear {
  newRadialClearanceMm: number;
  failureRadialClearanceMm: number;
  /** Wear of each surface (flight tip and bore) at failure, mm. */
  failureDepthMm: number;
  /** k₁·A·p·v: first-layer wear depth per operating hour of one surface, mm/h. */
  exposureRateMmPerH: number;
  abrasiveness: number;
  nominalLifeH: number;
}

export function screwBarrelWear(m: ScrewBarrelModel, duty: Duty): ScrewBarrelWear {
  const d0 = newRadialClearanceMm(duty.screwDiameterMm, m.newClearancePerDiameter);
  const dFail = m.failureClearanceRatio * d0;
  // Flight tip and bore are both nitrided and wear alike: each takes half of the clearance growth (assumption).
  const failureDepthMm = (dFail - d0) / 2;
  const a = abrasiveness(duty.fillerFraction, m.filledAbrasivenessAt30Pct, m.fillerExponent);
  const pressureMPa = duty.backPressureMPa + m.compressionPressureMPa;
  const sliding = flightSlidingMPerH(duty.screwDiameterMm, duty.screwSpeedRpm, duty.screwRotationShare);
  const rate = m.wearCoefficientMm3PerNm * a * pressureMPa * sliding;
  const nominalLifeH = clampLifeH(exposureForDepth(failureDepthMm, m.caseLayers, m.coreRelativeRate) / rate);
  return {
    newRadialClearanceMm: d0,
    failureRadialClearanceMm: dFail,
    failureDepthMm,
    exposureRateMmPerH: rate,
    abrasiveness: a,
    nominalLifeH,
  };
}

/** Screw and barrel: lognormal life, recovery-time signature, screwOutputFactor feedback. */
export function screwBarrelLife(card: ComponentCardOf<"screw-barrel">, duty: Duty): ComponentLife {
  const m = card.model;
  const w = screwBarrelWear(m, duty);
  const nominalH = w.nominalLifeH;
  const rate = w.exposureRateMmPerH;
  const d0 = w.newRadialClearanceMm;
  const layers = m.caseLayers;
  const core = m.coreRelativeRate;
  const loss = m.outputLossAtDoubleClearance;
  const recoveryS = duty.plasticationTimeS;
  const outputAt = (ageH: number, lifeH: number): number => {
    const x = nominalAge(ageH, lifeH, nominalH);
    const depth = x >= nominalH ? w.failureDepthMm : depthForExposure(rate * x, layers, core);
    return screwOutputFactor((d0 + 2 * depth) / d0, loss);
  };
  return {
    card,
    life: scatteredLife(nominalH, m.unitSigmaLn),
    signature: {
      name: "screw recovery time",
      unit: "s",
      newValue: recoveryS,
      failureValue: recoveryS / screwOutputFactor(m.failureClearanceRatio, loss),
      noiseSd: m.recoveryNoiseFraction * recoveryS,
      alertValue: recoveryS / m.alertOutputFactor,
    },
    signalKind: "drift",
    signatureAt: (ageH, lifeH) => recoveryS / outputAt(ageH, lifeH),
    adjustmentsAt: (ageH, lifeH) => ({ screwOutputFactor: outputAt(ageH, lifeH) }),
  };
}

/** Mechanics of the check-ring model at a duty. */
export interface CheckRingWear {
  newRadialClearanceMm: number;
  failureRadialClearanceMm: number;
  /** Ring wear per operating hour, mm/h. */
  wearRateMmPerH: number;
  nominalLifeH: number;
}

export function checkRingWear(m: CheckRingModel, duty: Duty): CheckRingWear {
  const d0 = newRadialClearanceMm(duty.screwDiameterMm, m.newClearancePerDiameter);
  const dFail = m.failureClearanceRatio * d0;
  const a = abrasiveness(duty.fillerFraction, m.filledAbrasivenessAt30Pct, m.fillerExponent);
  // Sliding under pressure per cycle, MPa·m: the ring turns with the screw during recovery against the back
  // pressure (plus the melting-zone pressure) and strokes axially: forward through the fill (pressure ramping to
  // the peak: mean ½·peak) and the packing stroke (hold pressure), back through the recovery stroke.
  const rotatingPv =
    (duty.backPressureMPa + m.compressionPressureMPa) *
    Math.PI *
    duty.screwDiameterMm *
    1e-3 *
    (duty.screwSpeedRpm / 60) *
    duty.plasticationTimeS;
  const axialPv =
    (0.5 * duty.peakInjectionPressureMPa * duty.fillStrokeMm +
      duty.holdPressureMPa * duty.packingStrokeMm +
      (duty.backPressureMPa + m.compressionPressureMPa) * duty.injectionStrokeMm) *
    1e-3;
  const rate = m.wearCoefficientMm3PerNm * a * (rotatingPv + axialPv) * duty.cyclesPerHour;
  return {
    newRadialClearanceMm: d0,
    failureRadialClearanceMm: dFail,
    wearRateMmPerH: rate,
    nominalLifeH: clampLifeH((dFail - d0) / rate),
  };
}

/**
 * Hold-pressure leakage past a ring at clearance ratio ρ = δ/δ0: slit leak flow ∝ δ³ (Hagen–Poiseuille between
 * plates), none at new (a new ring seals on its seat), λ_fail at the failure clearance ρ_f:
 * λ = λ_fail·(ρ³ − 1)/(ρ_f³ − 1).
 */
export function checkRingLeakage(clearanceRatio: number, failureRatio: number, leakageAtFailure: number): number {
  const r = clearanceRatio < 1 ? 1 : clearanceRatio;
  return (leakageAtFailure * (r * r * r - 1)) / (failureRatio * failureRatio * failureRatio - 1);
}

/**
 * Cushion lost per shot, mm: to hold pressure while a share λ of what it pushes leaks back, the screw travels
 * packing stroke / (1 − λ) instead of the packing stroke (lumped reading of the kernel's leakage fraction).
 */
export function cushionLossMm(packingStrokeMm: number, leakage: number): number {
  return (packingStrokeMm * leakage) / (1 - leakage);
}

/** Check ring: lognormal life, cushion-loss signature, checkRingLeakageFraction feedback. */
export function checkRingLife(card: ComponentCardOf<"check-ring">, duty: Duty): ComponentLife {
  const m = card.model;
  const w = checkRingWear(m, duty);
  const nominalH = w.nominalLifeH;
  const ratioFail = m.failureClearanceRatio;
  const lambdaFail = m.leakageAtFailure;
  const packing = duty.packingStrokeMm;
  const leakAt = (ageH: number, lifeH: number): number => {
    const x = nominalAge(ageH, lifeH, nominalH);
    return checkRingLeakage(1 + ((ratioFail - 1) * x) / nominalH, ratioFail, lambdaFail);
  };
  return {
    card,
    life: scatteredLife(nominalH, m.unitSigmaLn),
    signature: {
      name: "cushion loss",
      unit: "mm",
      newValue: 0,
      failureValue: cushionLossMm(packing, lambdaFail),
      noiseSd: m.cushionNoiseSdMm,
      alertValue: cushionLossMm(packing, m.alertLeakage),
    },
    signalKind: "drift",
    signatureAt: (ageH, lifeH) => cushionLossMm(packing, leakAt(ageH, lifeH)),
    adjustmentsAt: (ageH, lifeH) => ({ checkRingLeakageFraction: leakAt(ageH, lifeH) }),
  };
}

/** Mechanics of the toggle-bushing model at a duty. */
export interface ToggleWear {
  /** Clamp force the setter applies, kN: the required force, at least minClampShare of the rating. */
  clampSetForceKN: number;
  pinDiameterMm: number;
  contactPressureMPa: number;
  /** Sliding under load per cycle, m. */
  slidingPerCycleM: number;
  lifeCycles: number;
  nominalLifeH: number;
}

export function toggleWear(m: ToggleBushingModel, duty: Duty): ToggleWear {
  const rated = duty.ratedClampForceKN;
  const floor = m.minClampShare * rated;
  const set = Math.min(rated, Math.max(duty.requiredClampForceKN, floor));
  // Pins are sized for the design bearing pressure at the rated force: d·(L/d)·d = F_link,rated / p_design.
  const pinDiameterMm = Math.sqrt((rated * 1000) / m.loadSharingLinks / (m.designPressureMPa * m.lengthToDiameter));
  const contactPressureMPa = (m.designPressureMPa * set) / rated;
  // Lock-up and release each turn the pin through the lock-up angle under load: s = 2·θ·d/2.
  const slidingPerCycleM = ((m.lockupAngleDeg * Math.PI) / 180) * pinDiameterMm * 1e-3;
  const wearPerCycleMm = m.wearCoefficientMm3PerNm * contactPressureMPa * slidingPerCycleM;
  const lifeCycles = m.wearAllowanceMm / wearPerCycleMm;
  return {
    clampSetForceKN: set,
    pinDiameterMm,
    contactPressureMPa,
    slidingPerCycleM,
    lifeCycles,
    nominalLifeH: clampLifeH(lifeCycles / duty.cyclesPerHour),
  };
}

/** Toggle bushings: lognormal life, toggle-play signature (linear wear), no twin feedback. */
export function toggleBushingLife(card: ComponentCardOf<"toggle-bushing">, duty: Duty): ComponentLife {
  const m = card.model;
  const w = toggleWear(m, duty);
  const nominalH = w.nominalLifeH;
  const newPlay = m.newPlayMm;
  const allowance = m.wearAllowanceMm;
  return {
    card,
    life: scatteredLife(nominalH, m.unitSigmaLn),
    signature: {
      name: "toggle play",
      unit: "mm",
      newValue: newPlay,
      failureValue: newPlay + allowance,
      noiseSd: m.playNoiseSdMm,
      alertValue: m.alertPlayMm,
    },
    signalKind: "drift",
    signatureAt: (ageH, lifeH) => newPlay + (allowance * nominalAge(ageH, lifeH, nominalH)) / nominalH,
    adjustmentsAt: () => ({}),
  };
}

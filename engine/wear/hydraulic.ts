/**
 * Hydraulic oil and pump of hydraulic and servo-hydraulic presses.
 *
 *  - Oil: oxidation life halves per +10 °C of oil temperature — the field rule for mineral hydraulic and turbine
 *    oils (Noria, "the Arrhenius rate rule"; it is Arrhenius with Ea ≈ 0.6–0.7 eV near 60 °C, reliability.md
 *    §1.7). The reference life is anchored on the ASTM D943 (TOST) test at 95 °C, whose end point is an acid
 *    number of 2.0 mg KOH/g; the service life is scaled down for hot spots in pump and relief valve (assumption).
 *    Change on condition (Belcher, reliability.md §3): the signature is the acid number (AN), with the
 *    autocatalytic shape of oxidation (slow induction, then fast rise).
 *  - Pump: competing risks of bearing/fatigue failure, life ∝ (p_rated/p_m)^n at the cube-mean system pressure of
 *    the actual cycle (as ISO 281 for its bearings), and load-independent wear (vanes, seals, contamination)
 *    whose life halves per `halvingIntervalK` of oil temperature. Hazard part: internal leakage rises over P–F.
 *  - Oil temperature: no press data, so an estimate (stated assumption): coolers hold the tank at 40–50 °C; a fixed
 *    pump blows its excess flow over the relief valve and runs warmer than a servo pump, and both rise with the
 *    time-weighted pressure load of the cycle.
 */

import type { ComponentCardOf } from "../../twin-models/schemas/component.ts";
import type { DriveType } from "../../twin-models/schemas/machine.ts";
import { clampLifeH, hazardPart, nominalAge, seriesAlpha, weibullLife } from "./common.ts";
import type { ComponentLife } from "./component.ts";
import type { Duty } from "./duty.ts";

/** Oil temperature at no load and its rise at full pressure utilisation, per drive (assumptions, see above). */
export const OIL_TEMP = {
  hydraulic: { baseC: 50, riseK: 15 },
  "servo-hydraulic": { baseC: 42, riseK: 10 },
  /** No hydraulic oil: the injection unit's surroundings, reported for completeness only. */
  "all-electric": { baseC: 35, riseK: 0 },
} as const satisfies Record<DriveType, { baseC: number; riseK: number }>;

/** Oil temperature estimate, °C, from the drive and the cycle's pressure utilisation (0…1). */
export function oilTempEstimateC(driveType: DriveType, pressureUtilisation: number): number {
  const t = OIL_TEMP[driveType];
  const u = pressureUtilisation < 0 ? 0 : pressureUtilisation > 1 ? 1 : pressureUtilisation;
  return t.baseC + t.riseK * u;
}

/** Oxidation life at `tempC`: L_ref·2^((T_ref − T)/ΔT_double). */
export function oxidationLifeH(
  referenceLifeH: number,
  referenceTempC: number,
  doublingK: number,
  tempC: number,
): number {
  return referenceLifeH * 2 ** ((referenceTempC - tempC) / doublingK);
}

/** Hydraulic oil: Weibull life from the oil temperature; acid-number signature AN(x) = new + Δ·x^n, x = age/L. */
export function hydraulicOilLife(card: ComponentCardOf<"hydraulic-oil">, duty: Duty): ComponentLife {
  const m = card.model;
  const alpha = clampLifeH(oxidationLifeH(m.referenceLifeH, m.referenceTempC, m.doublingIntervalK, duty.oilTempC));
  const an0 = m.newAcidNumber;
  const span = m.failureAcidNumber - an0;
  const n = m.riseExponent;
  return {
    card,
    life: weibullLife(alpha, m.weibullShape),
    signature: {
      name: "acid number",
      unit: "mg KOH/g",
      newValue: an0,
      failureValue: m.failureAcidNumber,
      noiseSd: m.acidNumberNoiseSd,
      alertValue: m.alertAcidNumber,
    },
    signalKind: "drift",
    signatureAt: (ageH, lifeH) => an0 + span * nominalAge(ageH, lifeH, 1) ** n,
    adjustmentsAt: () => ({}),
  };
}

/**
 * Cube-mean system pressure of the cycle as a share of the rating (the pressure analogue of ISO 281's equivalent
 * load): the fill ramps 0 → peak (cube mean of a linear ramp: peak/∛4), hold at the hold pressure, the rest of
 * the cycle at the idle share.
 */
export function cubeMeanPressureShare(duty: Duty, idleShare: number): number {
  const max = duty.maxInjectionPressureMPa;
  const fill = duty.peakInjectionPressureMPa / max;
  const hold = duty.holdPressureMPa / max;
  const restS = Math.max(0, duty.cycleTimeS - duty.fillTimeS - duty.holdTimeS);
  const cube =
    ((fill * fill * fill) / 4) * duty.fillTimeS +
    hold * hold * hold * duty.holdTimeS +
    idleShare * idleShare * idleShare * restS;
  return Math.cbrt(cube / (duty.fillTimeS + duty.holdTimeS + restS));
}

/** Weibull α of the pump at a duty, h, with its two competing parts. */
export function pumpAlphaH(
  m: ComponentCardOf<"hydraulic-pump">["model"],
  duty: Duty,
): { fatigueH: number; wearH: number; alphaH: number; pressureShare: number } {
  const share = cubeMeanPressureShare(duty, m.idlePressureShare);
  const fatigueH = clampLifeH(m.fatigueLifeAtRatedH * (share > 0 ? share ** -m.pressureExponent : Infinity));
  const wearH = clampLifeH(m.wearLifeH * 2 ** ((m.referenceOilTempC - duty.oilTempC) / m.halvingIntervalK));
  return { fatigueH, wearH, alphaH: clampLifeH(seriesAlpha(m.weibullShape, fatigueH, wearH)), pressureShare: share };
}

/** Hydraulic pump: Weibull life, leakage signature over the P–F interval. */
export function hydraulicPumpLife(card: ComponentCardOf<"hydraulic-pump">, duty: Duty): ComponentLife {
  const m = card.model;
  return hazardPart(card, weibullLife(pumpAlphaH(m, duty).alphaH, m.weibullShape), m.signature);
}

/**
 * Arrhenius-Weibull life of the barrel's heater bands and thermocouples (reliability.md §1.7): Weibull with a
 * common shape and scale α(T) = α_ref·AF, AF = exp[(Ea/k_B)(1/T_use − 1/T_ref)], T in K. The part temperature is
 * the melt setting plus the card's offset (heater sheath superheat; 0 for a sensor in the barrel wall). Every
 * parameter is an engineering assumption (no public IMM component MTBF data, reliability.md §3) and flagged on
 * the cards.
 */
import type { ComponentCardOf } from "../../twin-models/schemas/component.ts";
import { arrheniusAccelerationFactor } from "../reliability/lifeStress.ts";
import { clampLifeH, hazardPart, nominalAge, weibullLife } from "./common.ts";
import type { ComponentLife } from "./component.ts";
import type { Duty } from "./duty.ts";

/** Weibull α at the duty's part temperature, h. */
export function arrheniusAlphaH(
  m: { characteristicLifeH: number; referenceTempC: number; activationEnergyEV: number; tempOverMeltK: number },
  duty: Duty,
): number {
  return clampLifeH(
    m.characteristicLifeH *
      arrheniusAccelerationFactor({
        useTempC: duty.meltTempC + m.tempOverMeltK,
        acceleratedTempC: m.referenceTempC,
        activationEnergyEV: m.activationEnergyEV,
      }),
  );
}

/** Heater band: hazard part; the zone controller's output % rises over the P–F interval before open circuit. */
export function heaterBandLife(card: ComponentCardOf<"heater-band">, duty: Duty): ComponentLife {
  const m = card.model;
  return hazardPart(card, weibullLife(arrheniusAlphaH(m, duty), m.weibullShape), m.signature);
}

/**
 * Thermocouple: degradation part. Its drift (°C) grows linearly with age at a rate that makes this unit reach the
 * drift limit at its life: drift = limit·age/L (a unit's life is Weibull-distributed, its path exact).
 */
export function thermocoupleLife(card: ComponentCardOf<"thermocouple">, duty: Duty): ComponentLife {
  const m = card.model;
  const limit = m.driftLimitC;
  return {
    card,
    life: weibullLife(arrheniusAlphaH(m, duty), m.weibullShape),
    signature: {
      name: "thermocouple drift",
      unit: "°C",
      newValue: 0,
      failureValue: limit,
      noiseSd: m.noiseSdC,
      alertValue: m.alertDriftC,
    },
    signalKind: "drift",
    signatureAt: (ageH, lifeH) => limit * nominalAge(ageH, lifeH, 1),
    adjustmentsAt: () => ({}),
  };
}

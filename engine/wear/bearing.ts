/**
 * Rolling-contact fatigue: ISO 281 basic rating life (reliability.md §1.5; SKF, citing ISO 281:2007)
 *   L10 = (C/P)^p  [10⁶ rev], p = 3 ball, 10/3 roller;  L10h = 10⁶/(60·n)·L10;  Lnm = a1·a_ISO·L10
 *   a1(R) = 0.95·(ln(1/R)/ln(1/0.9))^(2/3) + 0.05
 * and life as Weibull β = 1.5 anchored at t(R = 0.9) = L10h. Ball screws follow ISO 3408-5 the same way, with
 * the equivalent axial load and mean speed of the actual cycle
 *   P_m = (Σ F_i³·n_i·t_i / Σ n_i·t_i)^(1/3),  n_m = Σ n_i·t_i / Σ t_i
 * and the catalogue load factor f_w for vibration and impact (THK/NSK practice: L = (C_a/(f_w·P_m))³·10⁶ rev).
 * Ratings are not on the machine cards: C is sized from the press's maximum injection force (static capacity
 * C₀ ≥ s₀·F_max with s₀ ≈ 1.5, and C₀/C ≈ 2.5–2.7 for thrust roller bearings and ball screws: C ≈ 0.55–0.6·F_max;
 * assumption on the cards).
 */
import type { ComponentCardOf } from "../../twin-models/schemas/component.ts";
import { MoldtwinError } from "../errors.ts";
import { clampLifeH, hazardPart, weibullLife } from "./common.ts";
import type { ComponentLife } from "./component.ts";
import type { Duty } from "./duty.ts";

/** ISO 281 life exponents. */
export const BALL_EXPONENT = 3;
export const ROLLER_EXPONENT = 10 / 3;
/** ISO 281 Weibull slope of bearing life. */
export const BEARING_WEIBULL_SHAPE = 1.5;

/** Basic rating life L10 in millions of revolutions. */
export function l10Mrev(dynamicLoadRatingKN: number, equivalentLoadKN: number, exponent: number): number {
  if (!(dynamicLoadRatingKN > 0 && equivalentLoadKN >= 0 && exponent > 0)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "ISO 281: C > 0, P ≥ 0 and p > 0 required", [
      { field: "C", value: dynamicLoadRatingKN, unit: "kN", allowed: "> 0" },
      { field: "P", value: equivalentLoadKN, unit: "kN", allowed: "≥ 0" },
    ]);
  }
  return equivalentLoadKN === 0 ? Number.MAX_VALUE : (dynamicLoadRatingKN / equivalentLoadKN) ** exponent;
}

/** L10h = 10⁶/(60·n)·L10, hours at n rpm. */
export function l10Hours(l10MillionRev: number, speedRpm: number): number {
  return (1e6 * l10MillionRev) / (60 * speedRpm);
}

/** ISO 281 reliability factor a1 for a reliability R in [0.9, 1) (and the same curve below 0.9). */
export function reliabilityFactorA1(reliability: number): number {
  if (!(reliability > 0 && reliability < 1)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "a1: reliability must lie in (0, 1)", [
      { field: "reliability", value: reliability, allowed: "0 < R < 1" },
    ]);
  }
  return 0.95 * (Math.log(1 / reliability) / Math.log(1 / 0.9)) ** (2 / 3) + 0.05;
}

/** Weibull α of a life whose 10 % quantile is `l10H`, shape β: α = L10/(−ln 0.9)^(1/β). */
export function alphaFromL10(l10H: number, beta = BEARING_WEIBULL_SHAPE): number {
  return l10H / (-Math.log(0.9)) ** (1 / beta);
}

/** Load of one phase of the cycle for the equivalent-load sum. */
export interface LoadPhase {
  forceKN: number;
  speedRpm: number;
  timeS: number;
}

/** Equivalent load and mean speed of a duty cycle (ISO 281 / ISO 3408-5 cube mean weighted by revolutions). */
export function equivalentLoad(
  phases: readonly LoadPhase[],
  exponent = BALL_EXPONENT,
): { loadKN: number; meanSpeedRpm: number; revsPerCycle: number } {
  let revs = 0;
  let weighted = 0;
  let time = 0;
  for (const p of phases) {
    const r = (p.speedRpm * p.timeS) / 60;
    revs += r;
    weighted += p.forceKN ** exponent * r;
    time += p.timeS;
  }
  return {
    loadKN: revs > 0 ? (weighted / revs) ** (1 / exponent) : 0,
    meanSpeedRpm: time > 0 ? (60 * revs) / time : 0,
    revsPerCycle: revs,
  };
}

/** Rolling-contact life of a part of a press at a duty, hours at R = 0.9 (a_ISO applied). */
export interface RollingLife {
  dynamicLoadRatingKN: number;
  equivalentLoadKN: number;
  meanSpeedRpm: number;
  revsPerHour: number;
  l10Mrev: number;
  l10h: number;
}

function rollingLife(
  m: {
    loadRatingPerMaxInjectionForce: number;
    lifeExponent: number;
    loadFactor: number;
    lifeModificationFactor: number;
  },
  duty: Duty,
  phases: readonly LoadPhase[],
): RollingLife {
  const c = m.loadRatingPerMaxInjectionForce * duty.maxInjectionForceKN;
  const eq = equivalentLoad(phases, m.lifeExponent);
  const l10 = l10Mrev(c, m.loadFactor * eq.loadKN, m.lifeExponent);
  const revsPerHour = eq.revsPerCycle * duty.cyclesPerHour;
  const l10h =
    revsPerHour > 0 ? clampLifeH((m.lifeModificationFactor * l10 * 1e6) / revsPerHour) : clampLifeH(Infinity);
  return {
    dynamicLoadRatingKN: c,
    equivalentLoadKN: eq.loadKN,
    meanSpeedRpm: eq.meanSpeedRpm,
    revsPerHour,
    l10Mrev: l10,
    l10h,
  };
}

/**
 * Load phases of the injection ball screw of an all-electric press over one cycle: the fill (force ramping to
 * peak pressure × screw area: a linear ramp's cube mean is peak/∛4), the packing stroke at hold pressure and the
 * recovery stroke back against the back pressure; speed n = axial speed / lead. Holding still under load turns
 * no revolutions and does not count (ISO 3408-5 weights by revolutions).
 */
export function ballScrewPhases(duty: Duty, leadMm: number): LoadPhase[] {
  const a = duty.screwAreaMm2 / 1000; // kN per MPa
  const rpm = (strokeMm: number, timeS: number): number => (timeS > 0 ? (strokeMm / timeS / leadMm) * 60 : 0);
  return [
    {
      forceKN: (duty.peakInjectionPressureMPa * a) / Math.cbrt(4),
      speedRpm: rpm(duty.fillStrokeMm, duty.fillTimeS),
      timeS: duty.fillTimeS,
    },
    { forceKN: duty.holdPressureMPa * a, speedRpm: rpm(duty.packingStrokeMm, duty.holdTimeS), timeS: duty.holdTimeS },
    {
      forceKN: duty.backPressureMPa * a,
      speedRpm: rpm(duty.injectionStrokeMm, duty.plasticationTimeS),
      timeS: duty.plasticationTimeS,
    },
  ];
}

export function ballScrewRollingLife(m: ComponentCardOf<"ball-screw">["model"], duty: Duty): RollingLife {
  return rollingLife(m, duty, ballScrewPhases(duty, m.leadPerScrewDiameter * duty.screwDiameterMm));
}

/** Plasticizing thrust bearing: back pressure × screw area at the screw speed while the screw recovers. */
export function plasticizingBearingRollingLife(
  m: ComponentCardOf<"plasticizing-bearing">["model"],
  duty: Duty,
): RollingLife {
  return rollingLife(m, duty, [
    {
      forceKN: (duty.backPressureMPa * duty.screwAreaMm2) / 1000,
      speedRpm: duty.screwSpeedRpm,
      timeS: duty.plasticationTimeS,
    },
  ]);
}

function hazardLife(
  card: ComponentCardOf<"ball-screw"> | ComponentCardOf<"plasticizing-bearing">,
  l10h: number,
): ComponentLife {
  const m = card.model;
  return hazardPart(card, weibullLife(alphaFromL10(l10h, m.weibullShape), m.weibullShape), m.signature);
}

export function ballScrewLife(card: ComponentCardOf<"ball-screw">, duty: Duty): ComponentLife {
  return hazardLife(card, ballScrewRollingLife(card.model, duty).l10h);
}

export function plasticizingBearingLife(card: ComponentCardOf<"plasticizing-bearing">, duty: Duty): ComponentLife {
  return hazardLife(card, plasticizingBearingRollingLife(card.model, duty).l10h);
}

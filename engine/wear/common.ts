import type { ComponentCard, HazardSignature } from "../../twin-models/schemas/component.ts";
import { MoldtwinError } from "../errors.ts";
import { type LifeDistribution, lognormal, weibull } from "../reliability/distributions.ts";
import type { ComponentLife } from "./component.ts";
import type { Duty } from "./duty.ts";

/**
 * Longest characteristic life a model reports, h (≈ 1,100 years): a part this duty hardly loads (a thrust bearing
 * at zero back pressure) gets this life instead of Infinity, which the engine never emits.
 */
export const MAX_LIFE_H = 1e7;
/** Shortest, h: keeps distributions proper when a duty is absurd (a minute of life is already a failed design). */
export const MIN_LIFE_H = 1e-2;

export const clampLifeH = (h: number): number =>
  !(h > MIN_LIFE_H) ? MIN_LIFE_H : h > MAX_LIFE_H || !Number.isFinite(h) ? MAX_LIFE_H : h;

/** Fields of a Duty that must be finite and > 0 (the rest finite and ≥ 0). */
const POSITIVE: readonly (keyof Duty)[] = [
  "operatingHoursPerDay",
  "cycleTimeS",
  "cyclesPerHour",
  "screwDiameterMm",
  "screwSpeedRpm",
  "plasticationTimeS",
  "fillTimeS",
  "shotVolumeCm3",
  "ratedClampForceKN",
  "cavities",
  "screwAreaMm2",
  "injectionStrokeMm",
  "maxInjectionPressureMPa",
  "maxInjectionForceKN",
  "intensificationRatio",
];

/** A duty built by hand (tests, the fleet module) gets the same guard as one from dutyOf: no NaN reaches a model. */
export function checkDuty(duty: Duty): void {
  const bad: { field: string; value: unknown; allowed: string }[] = [];
  for (const [k, v] of Object.entries(duty)) {
    if (k === "driveType") continue;
    const positive = POSITIVE.includes(k as keyof Duty);
    if (typeof v !== "number" || !Number.isFinite(v) || (positive ? v <= 0 : v < 0)) {
      bad.push({ field: `duty.${k}`, value: v, allowed: positive ? "a finite number > 0" : "a finite number ≥ 0" });
    }
  }
  if (!["hydraulic", "servo-hydraulic", "all-electric"].includes(duty.driveType)) {
    bad.push({ field: "duty.driveType", value: duty.driveType, allowed: "hydraulic, servo-hydraulic, all-electric" });
  }
  if (duty.fillerFraction > 1) bad.push({ field: "duty.fillerFraction", value: duty.fillerFraction, allowed: "≤ 1" });
  if (bad.length > 0) {
    throw new MoldtwinError(
      "TWIN_ERR_VALIDATION",
      `invalid duty: ${bad.map((b) => `${b.field} = ${String(b.value)}`).join("; ")}`,
      bad,
    );
  }
}

/**
 * Unit-to-unit scatter of a degradation part: the wear rate of a unit is the nominal rate times a lognormal
 * multiplier with median 1 and log-σ `sigmaLn` (stated assumption per card), so the life is lognormal with median
 * `nominalLifeH`, and a unit that fails at L followed the nominal path at age·(T_nom/L): signatures are exact.
 */
export function scatteredLife(nominalLifeH: number, sigmaLn: number): LifeDistribution {
  return lognormal(Math.log(clampLifeH(nominalLifeH)), sigmaLn);
}

/** Weibull with the scale clamped to [MIN_LIFE_H, MAX_LIFE_H]. */
export function weibullLife(alphaH: number, beta: number): LifeDistribution {
  return weibull(clampLifeH(alphaH), beta);
}

/**
 * Competing Weibull risks with a common shape β: R = exp(−Σ(t/α_i)^β) is again Weibull with
 * α = (Σ α_i^−β)^(−1/β) (series system; reliability.md §1.1).
 */
export function seriesAlpha(beta: number, a: number, b: number): number {
  return (a ** -beta + b ** -beta) ** (-1 / beta);
}

/** Wear-rate multiplier of a filled melt: 1 + (m30 − 1)·(φ/0.3)^n (φ = filler mass fraction). */
export function abrasiveness(fillerFraction: number, at30Pct: number, exponent: number): number {
  return 1 + (at30Pct - 1) * (fillerFraction / 0.3) ** exponent;
}

/**
 * P–F signature of a hazard part: newValue until `pfIntervalH` before the unit's failure at `lifeH`, then
 * new + (failure − new)·s^exponent with s the elapsed share of the interval (1 at failure). A unit shorter-lived
 * than the interval starts moving at age 0. Allocation-free.
 */
export function pfSignature(sig: HazardSignature): (ageH: number, lifeH: number) => number {
  const { newValue, failureValue, pfIntervalH } = sig;
  const exponent = sig.riseExponent;
  const span = failureValue - newValue;
  return (ageH: number, lifeH: number): number => {
    const pf = pfIntervalH < lifeH ? pfIntervalH : lifeH;
    if (!(pf > 0)) return failureValue;
    const start = lifeH - pf;
    if (ageH <= start) return newValue;
    const s = ageH >= lifeH ? 1 : (ageH - start) / pf;
    return newValue + span * s ** exponent;
  };
}

/**
 * Where a unit that fails at `lifeH` stands at `ageH` on the nominal path of a part whose nominal life is
 * `nominalH`: ageH·nominalH/lifeH, clamped to [0, nominalH] (the state is held at functional failure).
 */
export function nominalAge(ageH: number, lifeH: number, nominalH: number): number {
  if (!(ageH > 0)) return 0;
  if (!(lifeH > 0) || ageH >= lifeH) return nominalH;
  return (ageH * nominalH) / lifeH;
}

/**
 * A hazard part (bearing, ball screw, heater band, pump, mold part): its life distribution, and a P–F signature
 * that stays at the new value until the P–F interval before failure. No twin feedback.
 */
export function hazardPart(card: ComponentCard, life: LifeDistribution, sig: HazardSignature): ComponentLife {
  const { name, unit, newValue, failureValue, noiseSd, alertValue } = sig;
  return {
    card,
    life,
    signature: { name, unit, newValue, failureValue, noiseSd, alertValue },
    signalKind: "pf",
    signatureAt: pfSignature(sig),
    adjustmentsAt: () => ({}),
  };
}

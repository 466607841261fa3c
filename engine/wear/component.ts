/**
 * One component of one press: its card, its life under the press's duty, what condition monitoring sees of it,
 * and (screw and barrel, check ring) how its wear moves the shot twin. The fleet forecast and the PdM backtest
 * (engine/fleet) work on these.
 */
import { listComponents } from "../../twin-models/library/components.ts";
import type { ComponentCard } from "../../twin-models/schemas/component.ts";
import type { TwinAdjustments } from "../../twin-models/schemas/process.ts";
import { MoldtwinError } from "../errors.ts";
import type { LifeDistribution } from "../reliability/distributions.ts";
import { checkRingLife, screwBarrelLife, toggleBushingLife } from "./archard.ts";
import { heaterBandLife, thermocoupleLife } from "./arrhenius.ts";
import { ballScrewLife, plasticizingBearingLife } from "./bearing.ts";
import { checkDuty } from "./common.ts";
import type { Duty } from "./duty.ts";
import { hydraulicOilLife, hydraulicPumpLife } from "./hydraulic.ts";
import { moldPartLife } from "./mold.ts";

export interface ComponentLife {
  /**
   * The library card. Its `perPress` is the number of sockets on this press: cards counted per cavity or per
   * hot-runner drop come back as a copy with perPress = perPress × cavities (or drops) and countBasis "press".
   */
  card: ComponentCard;
  /** Time to failure of a new unit, in operating hours, under this duty. */
  life: LifeDistribution;
  /** What condition monitoring sees: name, unit, value when new, value at functional failure, measurement noise (1 σ). */
  signature: {
    name: string;
    unit: string;
    newValue: number;
    failureValue: number;
    noiseSd: number;
    alertValue: number;
  };
  /**
   * How the signature behaves: "drift" moves over the whole life (wear, oxidation, drift); "pf" sits at newValue
   * until the P–F interval before failure (hazard parts). Monitoring rules are configured per kind.
   */
  signalKind: "drift" | "pf";
  /**
   * Noise-free signature of a unit that will fail at `unitLifeH`, at age `ageH` (0 ≤ ageH ≤ unitLifeH; held at the
   * end values outside). Degradation parts (screw, check ring, oil, thermocouple drift, bushings) drift over the
   * whole life; hazard parts (bearings, ball screws, heater bands, pump, mold parts) stay at newValue until the
   * P–F interval before failure, then rise to failureValue. Allocation-free.
   */
  signatureAt(ageH: number, unitLifeH: number): number;
  /** Twin feedback (check ring, screw/barrel): adjustments of a unit at this age; {} for parts without feedback. */
  adjustmentsAt(ageH: number, unitLifeH: number): Partial<TwinAdjustments>;
}

/** Kinds whose wear moves the shot twin (TwinAdjustments). */
export const FEEDBACK_KINDS: readonly ComponentCard["kind"][] = ["screw-barrel", "check-ring"];

/** Sockets of a card on a press with this duty. */
export function socketsOn(card: ComponentCard, duty: Duty): number {
  const basis = card.countBasis ?? "press";
  return basis === "cavity"
    ? card.perPress * duty.cavities
    : basis === "hot-drop"
      ? card.perPress * duty.hotRunnerDrops
      : card.perPress;
}

/** Whether a card exists on a press with this duty: its drive type, and a hot runner for hot-runner parts. */
export function appliesTo(card: ComponentCard, duty: Duty): boolean {
  if (!card.appliesTo.includes(duty.driveType)) return false;
  return (card.countBasis ?? "press") !== "hot-drop" || duty.hotRunnerDrops > 0;
}

export function componentLife(card: ComponentCard, duty: Duty): ComponentLife {
  checkDuty(duty);
  const sockets = socketsOn(card, duty);
  const c = sockets === card.perPress ? card : ({ ...card, perPress: sockets, countBasis: "press" } as ComponentCard);
  switch (c.kind) {
    case "screw-barrel":
      return screwBarrelLife(c, duty);
    case "check-ring":
      return checkRingLife(c, duty);
    case "toggle-bushing":
      return toggleBushingLife(c, duty);
    case "heater-band":
      return heaterBandLife(c, duty);
    case "thermocouple":
      return thermocoupleLife(c, duty);
    case "hydraulic-oil":
      return hydraulicOilLife(c, duty);
    case "hydraulic-pump":
      return hydraulicPumpLife(c, duty);
    case "ball-screw":
      return ballScrewLife(c, duty);
    case "plasticizing-bearing":
      return plasticizingBearingLife(c, duty);
    case "mold-ejector-pins":
    case "mold-hot-runner-nozzle":
      return moldPartLife(c, duty);
  }
}

/** The components of one press: the applicable cards (default: the library) with their lives under its duty. */
export function componentsFor(duty: Duty, cards: readonly ComponentCard[] = listComponents()): ComponentLife[] {
  checkDuty(duty);
  return cards.filter((c) => appliesTo(c, duty)).map((c) => componentLife(c, duty));
}

/**
 * "What does this press do after N hours?": the adjustments of every feedback component (screw and barrel,
 * check ring) of a unit whose life is the `quantile` of its distribution (0.5: the median unit; 0.1: a unit that
 * wears faster than 90 % of them), `ageH` operating hours after it was fitted new. A part past its life is held
 * at its failure state (no replacement). Leakages combine as independent paths, 1 − Π(1 − λ_i); output factors
 * multiply. Only the fields the feedback parts move are returned.
 */
export function wornAdjustments(
  duty: Duty,
  ageH: number,
  quantile = 0.5,
  cards?: readonly ComponentCard[],
): Partial<TwinAdjustments> {
  if (!(Number.isFinite(ageH) && ageH >= 0)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `wear age ${ageH} h: a finite number ≥ 0`, [
      { field: "ageH", value: ageH, unit: "h", allowed: "a finite number ≥ 0" },
    ]);
  }
  if (!(quantile > 0 && quantile < 1)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `wear quantile ${quantile}: 0 < q < 1`, [
      { field: "quantile", value: quantile, allowed: "0 < q < 1" },
    ]);
  }
  const parts = componentsFor(
    duty,
    (cards ?? listComponents()).filter((c) => FEEDBACK_KINDS.includes(c.kind)),
  );
  let tight = 1;
  let output = 1;
  let leaks = false;
  let worn = false;
  for (const p of parts) {
    const lifeH = p.life.quantile(quantile);
    const a = p.adjustmentsAt(ageH, lifeH);
    if (a.checkRingLeakageFraction !== undefined) {
      tight *= 1 - a.checkRingLeakageFraction;
      leaks = true;
    }
    if (a.screwOutputFactor !== undefined) {
      output *= a.screwOutputFactor;
      worn = true;
    }
  }
  return {
    ...(leaks ? { checkRingLeakageFraction: 1 - tight } : {}),
    ...(worn ? { screwOutputFactor: output } : {}),
  };
}

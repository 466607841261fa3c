/**
 * Mold components: Weibull lives counted in mold cycles (ejector pins: galling, breakage) and converted to
 * operating hours with the press's rate, or in powered hours (hot-runner nozzle heaters). Parameters are
 * engineering assumptions (reliability.md §3: no public data), flagged on the cards.
 */
import type { ComponentCardOf } from "../../twin-models/schemas/component.ts";
import { hazardPart, weibullLife } from "./common.ts";
import type { ComponentLife } from "./component.ts";
import type { Duty } from "./duty.ts";

/** Weibull α in operating hours. */
export function moldPartAlphaH(m: ComponentCardOf<"mold-ejector-pins">["model"], duty: Duty): number {
  return m.lifeBasis === "cycles" ? m.characteristicLife / duty.cyclesPerHour : m.characteristicLife;
}

export function moldPartLife(
  card: ComponentCardOf<"mold-ejector-pins"> | ComponentCardOf<"mold-hot-runner-nozzle">,
  duty: Duty,
): ComponentLife {
  const m = card.model;
  return hazardPart(card, weibullLife(moldPartAlphaH(m, duty), m.weibullShape), m.signature);
}

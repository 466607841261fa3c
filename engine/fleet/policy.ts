import type { MaintenanceCosts } from "../../twin-models/schemas/forecast.ts";
import { optimalAgeReplacement } from "../reliability/replacement.ts";
import type { ComponentLife } from "../wear/component.ts";

/**
 * The maintenance policy of one part on one press: what a planned and an unplanned replacement cost (part,
 * labour, downtime), and the age-replacement interval that minimises the long-run cost rate.
 */
export interface PreventivePolicy {
  /** Cost-optimal replacement age in operating hours; null when running to failure is cheapest. */
  optimalAgeH: number | null;
  optimalIntervalDays: number | null;
  costPreventiveEur: number;
  costUnplannedEur: number;
  costRateEurPerH: number;
  runToFailureCostRateEurPerH: number;
  savingFraction: number;
  reason: string;
}

/** C_P and C_U from the card and the plant's rates, and the cost-optimal age (Barlow & Proschan 1965). */
export function preventivePolicy(part: ComponentLife, costs: MaintenanceCosts, hoursPerDay: number): PreventivePolicy {
  const card = part.card;
  const { labourEurPerH, downtimeEurPerH, unplannedLabourFactor } = costs;
  const costPreventiveEur =
    card.partCostEur + card.labourHours * labourEurPerH + card.plannedDowntimeH * downtimeEurPerH;
  const costUnplannedEur =
    card.partCostEur +
    card.labourHours * labourEurPerH * unplannedLabourFactor +
    card.unplannedDowntimeH * downtimeEurPerH;
  const opt = optimalAgeReplacement(part.life, costPreventiveEur, costUnplannedEur);
  const optimalAgeH = opt.finite ? opt.optimalAge : null;
  return {
    optimalAgeH,
    optimalIntervalDays: optimalAgeH === null ? null : optimalAgeH / hoursPerDay,
    costPreventiveEur,
    costUnplannedEur,
    costRateEurPerH: opt.costRate,
    runToFailureCostRateEurPerH: opt.runToFailureCostRate,
    savingFraction: opt.savingFraction,
    reason: opt.reason,
  };
}

/**
 * Preventive ages per part, computed once per component life (presses with the same recipe share one): the
 * spares and forecast Monte Carlos ask per socket.
 */
export function preventiveAges(costs: MaintenanceCosts): (part: ComponentLife) => number | null {
  const cache = new WeakMap<ComponentLife, number | null>();
  return (part) => {
    let age = cache.get(part);
    if (age === undefined) {
      age = preventivePolicy(part, costs, 1).optimalAgeH;
      cache.set(part, age);
    }
    return age;
  };
}

import { type Static, Type } from "@sinclair/typebox";
import { Num } from "./common.ts";

/**
 * `moldtwin pilot <scenario.json>`: a shadow pilot (../shared/domain, the six-step pilot): a baseline period and a
 * shadow period of recorded press events, and the contract the shadow period was run "as if" under.
 */
export const PilotScenario = Type.Object(
  {
    kind: Type.Literal("pilot"),
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    contract: Type.String({
      pattern: "\\.json$",
      description: "the contract scenario (relative to this file) whose terms applied in the shadow period",
    }),
    baseline: Type.String({
      minLength: 1,
      description: "event log CSV of the baseline period (relative to this file)",
    }),
    shadow: Type.String({ minLength: 1, description: "event log CSV of the shadow period (relative to this file)" }),
    projectionRuns: Type.Integer({
      unit: "1",
      minimum: 100,
      maximum: 100_000,
      default: 2000,
      description: "Monte Carlo runs of the contract's projection over the shadow period",
    }),
    scrapCostEurPerPart: Num({
      unit: "EUR",
      minimum: 0,
      maximum: 1000,
      default: 0.05,
      description: "value lost per scrapped part",
    }),
    energyPriceEurPerKWh: Num({ unit: "EUR/kWh", minimum: 0, maximum: 10, default: 0.18 }),
  },
  { additionalProperties: false },
);

export type PilotScenario = Static<typeof PilotScenario>;

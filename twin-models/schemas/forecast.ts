import { type Static, Type } from "@sinclair/typebox";
import { Id, IsoDate, Num, PlantRef } from "./common.ts";

/** A component replaced after commissioning: its age counts from this date. */
export const Replacement = Type.Object(
  {
    press: Id,
    component: Id,
    socket: Type.Optional(Type.Integer({ unit: "1", minimum: 0, maximum: 63, description: "default: every socket" })),
    replacedOn: IsoDate("date the part was renewed"),
  },
  { additionalProperties: false },
);

/** A condition reading (the component's signature, in its unit) that moves a socket's forecast off the prior. */
export const ConditionReading = Type.Object(
  {
    press: Id,
    component: Id,
    socket: Type.Integer({ unit: "1", minimum: 0, maximum: 63, default: 0 }),
    value: Type.Number({ description: "the component's signature value, in the signature's unit" }),
  },
  { additionalProperties: false },
);

/** What labour and downtime cost: turns planned and unplanned replacements into the costs C_P and C_U. */
export const MaintenanceCosts = Type.Object(
  {
    labourEurPerH: Num({ unit: "EUR/h", minimum: 0, maximum: 10_000, default: 75 }),
    downtimeEurPerH: Num({
      unit: "EUR/h",
      minimum: 0,
      maximum: 1_000_000,
      default: 350,
      description: "lost contribution and SLA exposure per press-hour down",
    }),
    unplannedLabourFactor: Num({
      unit: "1",
      minimum: 1,
      maximum: 10,
      default: 1.5,
      description: "overtime and call-out premium on unplanned labour",
    }),
  },
  { additionalProperties: false, default: {} },
);

const FleetCommon = {
  name: Type.String({ minLength: 1 }),
  description: Type.Optional(Type.String()),
  plant: PlantRef,
  fleetSize: Type.Optional(
    Type.Integer({
      unit: "1",
      minimum: 1,
      maximum: 100_000,
      description: "scale the plant up by repeating its presses (benchmarks, what-ifs)",
    }),
  ),
  utilisation: Num({
    unit: "1",
    exclusiveMinimum: 0,
    maximum: 1,
    default: 0.85,
    description: "share of the plant's shift hours a press actually runs (assumption: typical OEE availability)",
  }),
  seed: Type.Integer({ unit: "1", minimum: 0, maximum: 4294967295, default: 1 }),
};

/** `moldtwin forecast <scenario.json>`: failures, remaining life, preventive intervals and work orders of a fleet. */
export const ForecastScenario = Type.Object(
  {
    kind: Type.Literal("forecast"),
    ...FleetCommon,
    asOf: IsoDate("forecast start; ages count up to it"),
    horizonMonths: Type.Integer({ unit: "month", minimum: 1, maximum: 240, default: 12 }),
    runs: Type.Integer({ unit: "1", minimum: 10, maximum: 1_000_000, default: 2000, description: "Monte Carlo runs" }),
    costs: MaintenanceCosts,
    workOrderWindowDays: Type.Integer({
      unit: "d",
      minimum: 1,
      maximum: 3650,
      default: 90,
      description: "work orders are suggested for replacements due within this many days",
    }),
    riskThreshold: Num({
      unit: "1",
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      default: 0.1,
      description: "a socket is due when its failure probability reaches this value (before the part's lead time)",
    }),
    replacements: Type.Array(Replacement, { default: [] }),
    condition: Type.Array(ConditionReading, { default: [] }),
  },
  { additionalProperties: false },
);

/** `moldtwin pdm-backtest <scenario.json>`: run a fleet to failure and score alerting on its signatures. */
export const PdmScenario = Type.Object(
  {
    kind: Type.Literal("pdm-backtest"),
    ...FleetCommon,
    years: Num({ unit: "a", exclusiveMinimum: 0, maximum: 50, default: 5, description: "simulated calendar time" }),
    sampleEveryH: Num({
      unit: "h",
      minimum: 0.25,
      maximum: 720,
      default: 8,
      description: "condition-monitoring sample interval (operating hours)",
    }),
    minLeadH: Num({
      unit: "h",
      minimum: 0,
      maximum: 10_000,
      default: 24,
      description: "an alert counts as a hit only if it comes at least this long before the failure",
    }),
    maxLeadH: Num({
      unit: "h",
      exclusiveMinimum: 0,
      maximum: 100_000,
      default: 1440,
      description: "an alert further ahead than this is a false alert",
    }),
    suddenFailureShare: Num({
      unit: "1",
      minimum: 0,
      maximum: 1,
      default: 0.15,
      description:
        "share of hazard-part failures with no precursor (a band shorting, a pin snapping on a foreign body): assumption",
    }),
    detector: Type.Object(
      {
        smoothing: Num({
          unit: "1",
          exclusiveMinimum: 0,
          maximum: 1,
          default: 0.2,
          description: "EWMA weight of the newest sample",
        }),
        baselineSamples: Type.Integer({
          unit: "1",
          minimum: 3,
          maximum: 10_000,
          default: 30,
          description: "first samples of a new part that set its baseline",
        }),
        trendMemoryH: Num({
          unit: "h",
          exclusiveMinimum: 0,
          maximum: 100_000,
          default: 1000,
          description: "time constant of the discounted least-squares trend (drift signals)",
        }),
        trendSignificance: Num({
          unit: "1",
          minimum: 0,
          maximum: 100,
          default: 3,
          description: "a trend counts when its slope is this many standard errors from zero",
        }),
        targetLeadH: Num({
          unit: "h",
          exclusiveMinimum: 0,
          maximum: 100_000,
          default: 480,
          description: "alert when the projected time to the failure level falls below this",
        }),
        sigmaMultiple: Num({
          unit: "1",
          exclusiveMinimum: 0,
          maximum: 20,
          default: 5,
          description: "P–F rule: EWMA this many of its own σ beyond the part's baseline",
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type Replacement = Static<typeof Replacement>;
export type ConditionReading = Static<typeof ConditionReading>;
export type MaintenanceCosts = Static<typeof MaintenanceCosts>;
export type ForecastScenario = Static<typeof ForecastScenario>;
export type PdmScenario = Static<typeof PdmScenario>;

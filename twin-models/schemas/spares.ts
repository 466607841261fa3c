import { type Static, Type } from "@sinclair/typebox";
import { Id, IsoDate, Num, PlantRef } from "./common.ts";
import { MaintenanceCosts } from "./forecast.ts";

const OnHand = Type.Array(
  Type.Object(
    {
      partNumber: Type.String({ minLength: 1 }),
      quantity: Type.Integer({ unit: "1", minimum: 0, maximum: 1_000_000 }),
    },
    { additionalProperties: false },
  ),
  { default: [], description: "stock already on the shelf; requisitions buy only the difference" },
);

/** A customer site: one plant with its own spares store, resupplied from the depot. */
export const SparesSite = Type.Object(
  {
    id: Id,
    plant: PlantRef,
    resupplyDays: Num({
      unit: "d",
      exclusiveMinimum: 0,
      maximum: 365,
      default: 2,
      description: "depot → site transport time",
    }),
    onHand: OnHand,
  },
  { additionalProperties: false },
);

/** `moldtwin spares <scenario.json>`: demand forecasts, stock levels and purchase requisitions for a fleet. */
export const SparesScenario = Type.Object(
  {
    kind: Type.Literal("spares"),
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    sites: Type.Array(SparesSite, { minItems: 1, maxItems: 50 }),
    depot: Type.Object(
      {
        id: Type.String({ minLength: 1, default: "depot" }),
        onHand: OnHand,
      },
      { additionalProperties: false, default: {} },
    ),
    asOf: IsoDate("forecast start"),
    horizonMonths: Type.Integer({ unit: "month", minimum: 1, maximum: 120, default: 12 }),
    historyMonths: Type.Integer({
      unit: "month",
      minimum: 6,
      maximum: 240,
      default: 36,
      description: "months of demand history used by the history-only forecasts and the backtest",
    }),
    backtestMonths: Type.Integer({
      unit: "month",
      minimum: 1,
      maximum: 60,
      default: 12,
      description: "the last months of history held out to choose between the forecasts",
    }),
    runs: Type.Integer({ unit: "1", minimum: 20, maximum: 100_000, default: 500, description: "Monte Carlo runs" }),
    seed: Type.Integer({ unit: "1", minimum: 0, maximum: 4294967295, default: 1 }),
    utilisation: Num({ unit: "1", exclusiveMinimum: 0, maximum: 1, default: 0.85 }),
    policy: Type.Union([Type.Literal("corrective"), Type.Literal("preventive")], {
      default: "preventive",
      description: "preventive: parts are also replaced at their cost-optimal age (those draw spares too)",
    }),
    forecast: Type.Union(
      [Type.Literal("auto"), Type.Literal("condition"), Type.Literal("history"), Type.Literal("blend")],
      {
        default: "auto",
        description:
          "which demand forecast sets the stock: auto = per part number the one with the lower backtest error",
      },
    ),
    costs: MaintenanceCosts,
    holdingRatePerYear: Num({
      unit: "1/a",
      minimum: 0,
      maximum: 2,
      default: 0.25,
      description: "annual holding cost as a share of stock value",
    }),
    targets: Type.Array(Num({ unit: "1", exclusiveMinimum: 0, exclusiveMaximum: 1 }), {
      minItems: 1,
      maxItems: 10,
      default: [0.95, 0.99],
      description: "fleet availability targets (share of press-time not waiting for a spare)",
    }),
    budgetEur: Type.Optional(
      Num({
        unit: "EUR",
        exclusiveMinimum: 0,
        maximum: 1e10,
        description: "also plan the best stock for this total stock value (and order to it)",
      }),
    ),
    requisitionTarget: Type.Optional(
      Num({
        unit: "1",
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        description:
          "the target (one of `targets`) the purchase requisitions stock to; default the budget plan, else the first target",
      }),
    ),
    simulation: Type.Object(
      {
        days: Type.Integer({ unit: "d", minimum: 30, maximum: 36_500, default: 1095 }),
        replications: Type.Integer({ unit: "1", minimum: 2, maximum: 1000, default: 20 }),
      },
      {
        additionalProperties: false,
        default: {},
        description: "the event simulation that confirms each stock plan",
      },
    ),
  },
  { additionalProperties: false },
);

export type SparesSite = Static<typeof SparesSite>;
export type SparesScenario = Static<typeof SparesScenario>;

import { type Static, Type } from "@sinclair/typebox";
import { Fraction, IsoDate, Num, PlantRef } from "./common.ts";

/**
 * A service contract for a fleet of presses (MPaaS): the price, the SLA and guarantees, what is included, how the
 * presses fail and are repaired, what things cost, and the risk limits pricing must respect. Tiers follow the
 * business model in ../shared/domain (Standard, Advanced, Performance); `moldtwin schema contract` prints this.
 */

const Eur = (description: string, def = 0, maximum = 1e9) =>
  Num({ unit: "EUR", minimum: 0, maximum, default: def, description });

export const ContractTier = Type.Union(
  [Type.Literal("standard"), Type.Literal("advanced"), Type.Literal("performance")],
  {
    description:
      "standard: remote monitoring, service and parts billed per call (time and material), no SLA; advanced: + predictive maintenance, remote process optimisation, parts at a discount; performance (MPaaS): pay per good part, spares and on-site service included, availability SLA, energy and yield guarantees",
  },
);

export const ContractPrice = Type.Object(
  {
    setupFeeEur: Eur("one-time fee at the start of the term"),
    monthlyFeePerPressEur: Eur("fixed fee per press and month", 0, 1e7),
    feePerGoodPartEur: Num({ unit: "EUR", minimum: 0, maximum: 1000, default: 0, description: "per good part (GQ)" }),
  },
  { additionalProperties: false, default: {} },
);

export const PenaltyForm = Type.Union(
  [Type.Literal("linear-per-point"), Type.Literal("step"), Type.Literal("per-hour-credit")],
  {
    description:
      "linear-per-point: a share of the window's fees per percentage point below target; step: a share of the window's fees when below target; per-hour-credit: EUR per hour of downtime beyond the allowance (1 − target) × basis",
  },
);

export const Sla = Type.Object(
  {
    availabilityTarget: Fraction("supplier-dependent uptime (SEMI E10) the provider guarantees", 0.95),
    window: Type.Union([Type.Literal("month"), Type.Literal("year")], {
      default: "month",
      description: "measurement and settlement window",
    }),
    excludePlannedMaintenance: Type.Boolean({
      default: true,
      description: "planned maintenance does not count as downtime (customer-caused downtime never does)",
    }),
    penalty: Type.Object(
      {
        form: { ...PenaltyForm, default: "linear-per-point" },
        shareOfFeesPerPoint: Num({ unit: "1/pp", minimum: 0, maximum: 1, default: 0.02 }),
        stepShareOfFees: Num({ unit: "1", minimum: 0, maximum: 1, default: 0.1 }),
        creditEurPerHour: Eur("per hour of downtime beyond the allowance", 500, 1e6),
        capShareOfFees: Num({
          unit: "1",
          minimum: 0,
          maximum: 1,
          default: 0.25,
          description: "penalty cap as a share of the window's fees",
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    bonusEurPerPointAbove: Eur("bonus per percentage point above target, per window", 0, 1e7),
    bonusCapEur: Eur("bonus cap per window", 0, 1e8),
  },
  { additionalProperties: false },
);

export const EnergyTerms = Type.Object(
  {
    targetKWhPerPart: Num({ unit: "kWh", exclusiveMinimum: 0, maximum: 100 }),
    sharedSavingsShare: Fraction("the provider's share of savings below target (and of excess above it)", 0.5),
    priceEurPerKWh: Num({ unit: "EUR/kWh", minimum: 0, maximum: 10, default: 0.18 }),
  },
  { additionalProperties: false },
);

export const YieldGuarantee = Type.Object(
  {
    goodRatio: Fraction("guaranteed quality ratio GQ/PQ per month (ISO 22400-2)", 0.97),
    creditEurPerMissingPart: Num({ unit: "EUR", minimum: 0, maximum: 1000, default: 0.1 }),
  },
  { additionalProperties: false },
);

export const StatedFailures = Type.Object(
  {
    source: Type.Literal("stated"),
    mtbfH: Num({
      unit: "h",
      exclusiveMinimum: 0,
      maximum: 1e6,
      description: "mean operating hours between failures, per press",
    }),
    mttrH: Num({ unit: "h", exclusiveMinimum: 0, maximum: 1e4, description: "mean repair time" }),
    repairDistribution: Type.Union([Type.Literal("exponential"), Type.Literal("fixed"), Type.Literal("lognormal")], {
      default: "exponential",
    }),
    failureClock: Type.Union([Type.Literal("operating"), Type.Literal("scheduled")], {
      default: "operating",
      description:
        "operating: a press does not age while down (alternating renewal); scheduled: failures arrive in scheduled time regardless",
    }),
    partCostEur: Eur("parts per repair", 500, 1e7),
    labourHours: Num({ unit: "h", minimum: 0, maximum: 1000, default: 4 }),
    leadTimeDays: Num({ unit: "d", minimum: 0, maximum: 365, default: 14 }),
  },
  { additionalProperties: false },
);

export const ContractScenario = Type.Object(
  {
    kind: Type.Literal("contract"),
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    plant: PlantRef,
    fleetSize: Type.Optional(Type.Integer({ unit: "1", minimum: 1, maximum: 10_000 })),
    tier: { ...ContractTier, default: "performance" },
    start: IsoDate("first day of the term"),
    termMonths: Type.Integer({ unit: "month", minimum: 1, maximum: 120, default: 36 }),
    runs: Type.Integer({ unit: "1", minimum: 100, maximum: 1_000_000, default: 4000 }),
    seed: Type.Integer({ unit: "1", minimum: 0, maximum: 4294967295, default: 1 }),
    fleet: Type.Union([Type.Literal("new"), Type.Literal("as-is")], {
      default: "new",
      description:
        "new: every wear part new at the start (presses sold with the contract); as-is: parts aged from each press's commissioning",
    }),
    utilisation: Fraction("share of the plant's shift hours the presses are scheduled", 0.85),
    price: ContractPrice,
    sla: Type.Optional(Sla),
    energy: Type.Optional(EnergyTerms),
    yieldGuarantee: Type.Optional(YieldGuarantee),
    failures: Type.Union(
      [Type.Object({ source: Type.Literal("twin") }, { additionalProperties: false }), StatedFailures],
      {
        default: { source: "twin" },
        description: "twin: every wear part's life from the wear models; stated: one failure process per press",
      },
    ),
    spares: Type.Union(
      [
        Type.Object(
          {
            source: Type.Literal("metric"),
            targetAvailability: Fraction("stock for this press availability (spares model)", 0.95),
            resupplyDays: Num({ unit: "d", minimum: 0, maximum: 60, default: 2 }),
          },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            source: Type.Literal("stated"),
            fillRate: Fraction("share of failures whose part is on the shelf", 0.9),
          },
          { additionalProperties: false },
        ),
      ],
      { default: { source: "metric" } },
    ),
    operations: Type.Object(
      {
        demandShare: Num({
          unit: "1",
          minimum: 0.01,
          maximum: 1,
          default: 0.92,
          description:
            "customer demand as a share of the fleet's scheduled capacity (≥ 1 %: below it kWh per part has no meaning)",
        }),
        demandCv: Num({ unit: "1", minimum: 0, maximum: 1, default: 0.06, description: "month-to-month" }),
        yieldMean: Fraction("good parts / produced, before remote optimisation", 0.965),
        yieldSd: Num({ unit: "1", minimum: 0, maximum: 0.3, default: 0.008, description: "fleet month-to-month" }),
        remoteOptimisationYieldGainPoints: Num({
          unit: "pp",
          minimum: 0,
          maximum: 20,
          default: 2,
          description: "assumed; the Case A pilot reports 4–8 pp",
        }),
        remoteOptimisationBaseLoadCut: Fraction("assumed cut of the base load by idle-mode settings", 0.08),
        energyCv: Num({ unit: "1", minimum: 0, maximum: 1, default: 0.03 }),
        customerDowntimeHoursPerPressMonth: Num({ unit: "h", minimum: 0, maximum: 200, default: 4 }),
        customerDowntimeEventH: Num({ unit: "h", exclusiveMinimum: 0, maximum: 200, default: 3 }),
        plannedMaintenanceHoursPerPressMonth: Num({ unit: "h", minimum: 0, maximum: 200, default: 2 }),
        repairCv: Num({
          unit: "1",
          minimum: 0,
          maximum: 3,
          default: 0.5,
          description: "of twin repair times (lognormal)",
        }),
        pdmHitRate: Fraction("failures caught ahead by predictive maintenance (PdM backtest: 0.89)", 0.85),
      },
      { additionalProperties: false, default: {} },
    ),
    costs: Type.Object(
      {
        technicianEurPerH: Eur("", 75, 10_000),
        unplannedLabourFactor: Num({ unit: "1", minimum: 1, maximum: 10, default: 1.5 }),
        travelEurPerVisit: Eur("", 150, 1e5),
        travelHoursPerVisit: Num({ unit: "h", minimum: 0, maximum: 100, default: 2 }),
        platformEurPerPressMonth: Eur("monitoring, data platform, remote service desk", 40, 1e5),
        pressPriceEur: Eur("capital per press (owned by the provider under performance)", 250_000, 1e8),
        pressLifeYears: Num({ unit: "a", minimum: 0.1, maximum: 50, default: 10 }),
        residualShare: Fraction("press value left after its life", 0.1),
        financingRatePerYear: Num({ unit: "1/a", minimum: 0, maximum: 1, default: 0.06 }),
        holdingRatePerYear: Num({ unit: "1/a", minimum: 0, maximum: 2, default: 0.25 }),
        discountRatePerYear: Num({ unit: "1/a", minimum: 0, maximum: 1, default: 0.08 }),
        timeAndMaterialMarkup: Num({
          unit: "1",
          minimum: 0,
          maximum: 5,
          default: 0.3,
          description: "standard and advanced tiers bill service and parts with this markup",
        }),
        advancedPartsDiscount: Fraction("parts discount of the advanced tier", 0.1),
        customerDowntimeEurPerH: Eur("the customer's lost contribution per press-hour down (customer view)", 350, 1e6),
      },
      { additionalProperties: false, default: {} },
    ),
    risk: Type.Object(
      {
        marginTargetShare: Num({
          unit: "1",
          minimum: -1,
          maximum: 1,
          default: 0.1,
          description: "pricing: margin ≥ this share of revenue over the term…",
        }),
        maxShortfallProbability: Fraction("…with probability ≥ 1 − this", 0.1),
        cvarLevel: Num({ unit: "1", minimum: 0.5, maximum: 0.999, default: 0.95 }),
        cvarLimitEur: Type.Optional(
          Num({ unit: "EUR", minimum: 0, maximum: 1e10, description: "and CVaR of the loss ≤ this" }),
        ),
        solveFor: Type.Union([Type.Literal("monthly"), Type.Literal("per-part")], {
          default: "monthly",
          description: "which fee pricing solves for (the other stays as given)",
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type ContractScenario = Static<typeof ContractScenario>;
export type ContractTier = Static<typeof ContractTier>;
export type ContractPrice = Static<typeof ContractPrice>;
export type Sla = Static<typeof Sla>;

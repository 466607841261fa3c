import { type Static, type TObject, Type } from "@sinclair/typebox";
import { MoldtwinError } from "../../engine/errors.ts";
import { parse } from "../validate.ts";
import { Fraction, Id, Num, Positive, Provenance } from "./common.ts";
import { DriveType } from "./machine.ts";

/**
 * Wear and failure cards of press components (reliability.md §1.5–1.7, §3). One card = one replaceable part
 * type with its cost and logistics and the parameters of its life model; engine/wear turns a card and the press's
 * duty into a life distribution, a condition-monitoring signature and (screw, check ring) twin feedback.
 * No public MTBF tables exist per injection-molding component (reliability.md §3): most model parameters are
 * engineering assumptions, and every card lists them in `assumed`.
 */

export const ComponentKind = Type.Union(
  [
    Type.Literal("screw-barrel"),
    Type.Literal("check-ring"),
    Type.Literal("heater-band"),
    Type.Literal("thermocouple"),
    Type.Literal("hydraulic-pump"),
    Type.Literal("hydraulic-oil"),
    Type.Literal("ball-screw"),
    Type.Literal("plasticizing-bearing"),
    Type.Literal("toggle-bushing"),
    Type.Literal("mold-ejector-pins"),
    Type.Literal("mold-hot-runner-nozzle"),
  ],
  { description: "what the part is; selects the life model in engine/wear" },
);

const Shape = (description: string): ReturnType<typeof Num> =>
  Num({ unit: "1", minimum: 0.3, maximum: 10, description: `Weibull shape β: ${description}` });
const SigmaLn = Num({
  unit: "1",
  exclusiveMinimum: 0,
  maximum: 2,
  description: "unit-to-unit scatter: σ of ln(wear rate), so life is lognormal with this σ",
});
const PfIntervalH = Positive(
  "h",
  "P–F interval: how long before functional failure the signature starts to move (hazard parts)",
  100_000,
);

/** What condition monitoring sees on a hazard part: flat at newValue until the P–F interval, then rising. */
export const HazardSignature = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    unit: Type.String({ minLength: 1 }),
    newValue: Type.Number(),
    alertValue: Type.Number(),
    failureValue: Type.Number(),
    noiseSd: Num({ unit: "(signature unit)", minimum: 0, description: "measurement noise, 1 σ" }),
    pfIntervalH: PfIntervalH,
    riseExponent: Num({
      unit: "1",
      minimum: 0.2,
      maximum: 5,
      default: 2,
      description: "shape of the rise over the P–F interval: (elapsed share)^exponent; 2 = accelerating",
    }),
  },
  { additionalProperties: false },
);

/** Screw flights and barrel: Archard wear of the flight-land clearance (reliability.md §1.6, §3). */
export const ScrewBarrelModel = Type.Object(
  {
    newClearancePerDiameter: Num({
      unit: "1",
      exclusiveMinimum: 0,
      maximum: 0.01,
      description: "radial flight clearance of a new screw per unit diameter (SPI: 0.0015 in per in)",
    }),
    failureClearanceRatio: Num({
      unit: "1",
      exclusiveMinimum: 1,
      maximum: 10,
      description: "clearance at functional failure / new clearance (metering-zone replacement limit)",
    }),
    outputLossAtDoubleClearance: Num({
      unit: "1",
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      description: "loss of plasticating output when the clearance has doubled",
    }),
    wearCoefficientMm3PerNm: Positive(
      "mm³/(N·m)",
      "Archard specific wear rate k = K/H of the hardest case layer against an unfilled melt",
      1e-3,
    ),
    caseLayers: Type.Array(
      Type.Object(
        {
          toDepthMm: Positive("mm", "depth below the new surface where this layer ends", 10),
          relativeRate: Positive("1", "wear rate in this layer relative to wearCoefficientMm3PerNm", 1000),
        },
        { additionalProperties: false },
      ),
      { maxItems: 8, description: "hardened case from the surface down, depths ascending (nitrided case)" },
    ),
    coreRelativeRate: Positive("1", "wear rate once worn through the case, relative to the first layer", 1000),
    compressionPressureMPa: Num({
      unit: "MPa",
      minimum: 0,
      maximum: 100,
      description: "melting-zone pressure pressing solids and filler into the clearance, added to the back pressure",
    }),
    filledAbrasivenessAt30Pct: Num({
      unit: "1",
      minimum: 1,
      maximum: 1000,
      description: "wear-rate multiplier of a 30 % glass/mineral-filled melt over an unfilled one",
    }),
    fillerExponent: Num({
      unit: "1",
      minimum: 0.5,
      maximum: 4,
      description: "multiplier = 1 + (filledAbrasivenessAt30Pct − 1)·(fillerFraction/0.3)^exponent",
    }),
    unitSigmaLn: SigmaLn,
    recoveryNoiseFraction: Num({
      unit: "1",
      minimum: 0,
      maximum: 1,
      description: "shot-to-shot scatter of the recovery time, 1 σ / new recovery time",
    }),
    alertOutputFactor: Num({
      unit: "1",
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      description: "alert when the output has fallen to this share (recovery time = new / share)",
    }),
  },
  { additionalProperties: false },
);

/** Sliding check ring: Archard wear of the ring-to-barrel clearance → hold-pressure leakage. */
export const CheckRingModel = Type.Object(
  {
    newClearancePerDiameter: Num({ unit: "1", exclusiveMinimum: 0, maximum: 0.01 }),
    failureClearanceRatio: Num({ unit: "1", exclusiveMinimum: 1, maximum: 10 }),
    leakageAtFailure: Num({
      unit: "1",
      exclusiveMinimum: 0,
      exclusiveMaximum: 1,
      description: "share of hold pressure lost at functional failure (TwinAdjustments.checkRingLeakageFraction)",
    }),
    wearCoefficientMm3PerNm: Positive("mm³/(N·m)", "Archard specific wear rate against an unfilled melt", 1e-3),
    compressionPressureMPa: Num({ unit: "MPa", minimum: 0, maximum: 100 }),
    filledAbrasivenessAt30Pct: Num({ unit: "1", minimum: 1, maximum: 1000 }),
    fillerExponent: Num({ unit: "1", minimum: 0.5, maximum: 4 }),
    unitSigmaLn: SigmaLn,
    cushionNoiseSdMm: Num({ unit: "mm", minimum: 0, maximum: 10, description: "shot-to-shot cushion scatter, 1 σ" }),
    alertLeakage: Fraction("alert when the leakage reaches this share of hold pressure"),
  },
  { additionalProperties: false },
);

/** Toggle pins and bushings: Archard wear under the link force while the toggle locks up. */
export const ToggleBushingModel = Type.Object(
  {
    designPressureMPa: Positive("MPa", "bushing bearing pressure at rated clamp force (pin sizing)", 1000),
    loadSharingLinks: Type.Integer({
      unit: "1",
      minimum: 1,
      maximum: 32,
      description: "links sharing the clamp force",
    }),
    lengthToDiameter: Positive("1", "bushing length / pin diameter", 5),
    lockupAngleDeg: Positive("°", "pin rotation under clamp load per lock-up (and again per release)", 90),
    wearCoefficientMm3PerNm: Positive("mm³/(N·m)", undefined, 1e-3),
    wearAllowanceMm: Positive("mm", "radial wear at functional failure (platen parallelism, toggle play)", 5),
    newPlayMm: Num({ unit: "mm", minimum: 0, maximum: 5, description: "toggle play of new bushings" }),
    minClampShare: Fraction("clamp force setters use at least, as a share of the rating"),
    unitSigmaLn: SigmaLn,
    playNoiseSdMm: Num({ unit: "mm", minimum: 0, maximum: 1 }),
    alertPlayMm: Positive("mm", undefined, 5),
  },
  { additionalProperties: false },
);

/** Arrhenius-Weibull life (reliability.md §1.7): α(T) = α_ref·exp[(Ea/k_B)(1/T − 1/T_ref)]. */
const ArrheniusFields = {
  characteristicLifeH: Positive("h", "Weibull α at the reference temperature", 10_000_000),
  referenceTempC: Num({ unit: "°C", minimum: 0, maximum: 1000 }),
  activationEnergyEV: Positive("eV", undefined, 5),
  weibullShape: Shape("wear-out > 1"),
  tempOverMeltK: Num({
    unit: "K",
    minimum: -200,
    maximum: 500,
    description: "part temperature above the melt setting (heater sheath superheat; 0 for a sensor in the wall)",
  }),
};

export const HeaterBandModel = Type.Object(
  { ...ArrheniusFields, signature: HazardSignature },
  { additionalProperties: false },
);

export const ThermocoupleModel = Type.Object(
  {
    ...ArrheniusFields,
    driftLimitC: Positive("°C", "drift at functional failure (out of tolerance)", 50),
    alertDriftC: Positive("°C", undefined, 50),
    noiseSdC: Num({ unit: "°C", minimum: 0, maximum: 10 }),
  },
  { additionalProperties: false },
);

export const HydraulicOilModel = Type.Object(
  {
    referenceLifeH: Positive("h", "oxidation life (Weibull α) at the reference oil temperature", 10_000_000),
    referenceTempC: Num({ unit: "°C", minimum: 0, maximum: 200 }),
    doublingIntervalK: Positive("K", "oxidation rate doubles per this rise in oil temperature", 100),
    weibullShape: Shape("narrow (degradation)"),
    newAcidNumber: Num({ unit: "mg KOH/g", minimum: 0, maximum: 10 }),
    alertAcidNumber: Num({ unit: "mg KOH/g", minimum: 0, maximum: 10 }),
    failureAcidNumber: Num({ unit: "mg KOH/g", minimum: 0, maximum: 10 }),
    acidNumberNoiseSd: Num({ unit: "mg KOH/g", minimum: 0, maximum: 5 }),
    riseExponent: Num({ unit: "1", minimum: 1, maximum: 6, description: "AN(x) = new + Δ·x^exponent, x = age/life" }),
  },
  { additionalProperties: false },
);

export const HydraulicPumpModel = Type.Object(
  {
    fatigueLifeAtRatedH: Positive("h", "Weibull α of bearing/fatigue failure at continuous rated pressure", 10_000_000),
    pressureExponent: Positive("1", "fatigue life ∝ (p_rated/p_m)^exponent", 10),
    wearLifeH: Positive("h", "Weibull α of load-independent wear (vanes, seals) at the reference oil temperature"),
    referenceOilTempC: Num({ unit: "°C", minimum: 0, maximum: 200 }),
    halvingIntervalK: Positive("K", "wear life halves per this rise in oil temperature", 100),
    idlePressureShare: Fraction("system pressure between moves, as a share of the rating (fixed pump unloaded)"),
    weibullShape: Shape("pump"),
    signature: HazardSignature,
  },
  { additionalProperties: false },
);

/** ISO 281 / ISO 3408-5 rolling-contact fatigue (reliability.md §1.5). */
const RollingFields = {
  loadRatingPerMaxInjectionForce: Positive(
    "1",
    "dynamic load rating C / the press's maximum injection force (size from static capacity)",
    20,
  ),
  lifeExponent: Num({ unit: "1", minimum: 1, maximum: 5, description: "3 ball, 10/3 roller" }),
  loadFactor: Num({ unit: "1", minimum: 1, maximum: 5, description: "f_w: vibration/impact load factor" }),
  lifeModificationFactor: Num({
    unit: "1",
    exclusiveMinimum: 0,
    maximum: 50,
    description: "a_ISO: lubrication and contamination",
  }),
  weibullShape: Shape("ISO 281: 1.5"),
  signature: HazardSignature,
};

export const BallScrewModel = Type.Object(
  { ...RollingFields, leadPerScrewDiameter: Positive("1", "ball-screw lead / plasticizing-screw diameter", 10) },
  { additionalProperties: false },
);

export const PlasticizingBearingModel = Type.Object({ ...RollingFields }, { additionalProperties: false });

/** Mold parts: Weibull life counted in cycles (converted to hours with the press's rate) or in powered hours. */
export const MoldPartModel = Type.Object(
  {
    lifeBasis: Type.Union([Type.Literal("cycles"), Type.Literal("hours")]),
    characteristicLife: Positive("cycles or h", "Weibull α in the unit of lifeBasis", 1e12),
    weibullShape: Shape("mold part"),
    signature: HazardSignature,
  },
  { additionalProperties: false },
);

const Common = {
  id: Id,
  name: Type.String({ minLength: 1 }),
  partNumber: Type.String({ minLength: 1 }),
  appliesTo: Type.Array(DriveType, { minItems: 1, uniqueItems: true, description: "drive types the part exists on" }),
  perPress: Type.Integer({ unit: "1", minimum: 1, maximum: 10_000, description: "sockets per countBasis unit" }),
  countBasis: Type.Union([Type.Literal("press"), Type.Literal("cavity"), Type.Literal("hot-drop")], {
    default: "press",
    description: "sockets = perPress × 1 (press), × mold cavities (cavity) or × hot-runner drops (hot-drop)",
  }),
  partCostEur: Num({ unit: "EUR", minimum: 0, maximum: 10_000_000 }),
  labourHours: Num({ unit: "h", minimum: 0, maximum: 10_000 }),
  plannedDowntimeH: Num({ unit: "h", minimum: 0, maximum: 10_000, description: "press down for a planned swap" }),
  unplannedDowntimeH: Num({
    unit: "h",
    minimum: 0,
    maximum: 10_000,
    description: "press down after a failure, spare on the shelf",
  }),
  leadTimeDays: Num({ unit: "d", minimum: 0, maximum: 1000, description: "order to delivery of a spare" }),
  ...Provenance,
};

function card<K extends string, M extends TObject>(kind: K, model: M) {
  return Type.Object({ ...Common, kind: Type.Literal(kind), model }, { additionalProperties: false });
}

export const ScrewBarrelCard = card("screw-barrel", ScrewBarrelModel);
export const CheckRingCard = card("check-ring", CheckRingModel);
export const HeaterBandCard = card("heater-band", HeaterBandModel);
export const ThermocoupleCard = card("thermocouple", ThermocoupleModel);
export const HydraulicPumpCard = card("hydraulic-pump", HydraulicPumpModel);
export const HydraulicOilCard = card("hydraulic-oil", HydraulicOilModel);
export const BallScrewCard = card("ball-screw", BallScrewModel);
export const PlasticizingBearingCard = card("plasticizing-bearing", PlasticizingBearingModel);
export const ToggleBushingCard = card("toggle-bushing", ToggleBushingModel);
export const EjectorPinsCard = card("mold-ejector-pins", MoldPartModel);
export const HotRunnerNozzleCard = card("mold-hot-runner-nozzle", MoldPartModel);

/** The card schema of each kind: validation picks the one named by `kind`, so errors point at the right fields. */
export const COMPONENT_CARD_SCHEMAS = {
  "screw-barrel": ScrewBarrelCard,
  "check-ring": CheckRingCard,
  "heater-band": HeaterBandCard,
  thermocouple: ThermocoupleCard,
  "hydraulic-pump": HydraulicPumpCard,
  "hydraulic-oil": HydraulicOilCard,
  "ball-screw": BallScrewCard,
  "plasticizing-bearing": PlasticizingBearingCard,
  "toggle-bushing": ToggleBushingCard,
  "mold-ejector-pins": EjectorPinsCard,
  "mold-hot-runner-nozzle": HotRunnerNozzleCard,
} as const;

export const ComponentCard = Type.Union(
  [
    ScrewBarrelCard,
    CheckRingCard,
    HeaterBandCard,
    ThermocoupleCard,
    HydraulicPumpCard,
    HydraulicOilCard,
    BallScrewCard,
    PlasticizingBearingCard,
    ToggleBushingCard,
    EjectorPinsCard,
    HotRunnerNozzleCard,
  ],
  { description: "a press or mold component with its life model (discriminated by kind)" },
);

export type ComponentKind = Static<typeof ComponentKind>;
export type HazardSignature = Static<typeof HazardSignature>;
export type ScrewBarrelModel = Static<typeof ScrewBarrelModel>;
export type CheckRingModel = Static<typeof CheckRingModel>;
export type ToggleBushingModel = Static<typeof ToggleBushingModel>;
export type HeaterBandModel = Static<typeof HeaterBandModel>;
export type ThermocoupleModel = Static<typeof ThermocoupleModel>;
export type HydraulicOilModel = Static<typeof HydraulicOilModel>;
export type HydraulicPumpModel = Static<typeof HydraulicPumpModel>;
export type BallScrewModel = Static<typeof BallScrewModel>;
export type PlasticizingBearingModel = Static<typeof PlasticizingBearingModel>;
export type MoldPartModel = Static<typeof MoldPartModel>;
export type ComponentCard = Static<typeof ComponentCard>;
export type ComponentCardOf<K extends ComponentKind> = Extract<ComponentCard, { kind: K }>;

/**
 * Validates a component card against the schema of its `kind` (a union would only say "matches none of 11
 * forms"): errors name the field, the value, its unit and the allowed range.
 */
export function parseComponentCard(value: unknown, root: string): ComponentCard {
  const kind = value && typeof value === "object" ? (value as { kind?: unknown }).kind : undefined;
  const schema =
    typeof kind === "string" && Object.hasOwn(COMPONENT_CARD_SCHEMAS, kind)
      ? COMPONENT_CARD_SCHEMAS[kind as ComponentKind]
      : undefined;
  if (!schema) {
    const kinds = Object.keys(COMPONENT_CARD_SCHEMAS).join(", ");
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `invalid ${root}: kind = ${JSON.stringify(kind)}`, [
      { field: `${root}.kind`, value: kind, allowed: `one of: ${kinds}` },
    ]);
  }
  return parse(schema, value, root) as ComponentCard;
}

import { type Static, Type } from "@sinclair/typebox";
import { Fraction, Id, Num, Positive, Provenance, Range } from "./common.ts";

/** Cross-WLF viscosity, Moldflow 7-parameter form (Autodesk MFLO_CROSSWLF_VISCOSITY_MODEL; molding.md §2.1). */
export const CrossWlf = Type.Object(
  {
    n: Num({ unit: "1", exclusiveMinimum: 0, exclusiveMaximum: 1, description: "power-law index" }),
    tauStarPa: Positive("Pa", "critical stress level at the transition to shear thinning"),
    d1PaS: Positive("Pa·s", "zero-shear viscosity at T* and p = 0"),
    d2K: Positive("K", "glass-transition-like reference temperature T* at p = 0"),
    d3KPerPa: Num({ unit: "K/Pa", minimum: 0, maximum: 1e-6, description: "pressure dependence of T*" }),
    a1: Positive("1", "WLF constant A1"),
    a2TildeK: Positive("K", "WLF constant Ã2"),
    etaMinPaS: Num({ unit: "Pa·s", exclusiveMinimum: 0, default: 5, description: "numerical floor (openInjMoldSim)" }),
    etaMaxPaS: Num({ unit: "Pa·s", exclusiveMinimum: 0, default: 1e8, description: "frozen/ceiling viscosity" }),
  },
  { additionalProperties: false },
);

/**
 * Modified 2-domain Tait PVT (Autodesk AMDF-2DOMAINT; molding.md §2.2). Units: b1 m³/kg, b2 m³/(kg·K),
 * b3 Pa, b4 1/K, b5 K, b6 K/Pa, b7 m³/kg, b8 1/K, b9 1/Pa. Amorphous grades have b7 = b8 = b9 = 0.
 */
export const Tait = Type.Object(
  {
    b1m: Positive("m³/kg", undefined, 0.01),
    b2m: Num({ unit: "m³/(kg·K)", minimum: 0, maximum: 1e-4 }),
    b3m: Positive("Pa"),
    b4m: Num({ unit: "1/K", minimum: 0, maximum: 1 }),
    b1s: Positive("m³/kg", undefined, 0.01),
    b2s: Num({ unit: "m³/(kg·K)", minimum: 0, maximum: 1e-4 }),
    b3s: Positive("Pa"),
    b4s: Num({ unit: "1/K", minimum: 0, maximum: 1 }),
    b5: Positive("K", undefined, 1000),
    b6: Num({ unit: "K/Pa", minimum: 0, maximum: 1e-5 }),
    b7: Num({ unit: "m³/kg", minimum: 0, maximum: 0.01 }),
    b8: Num({ unit: "1/K", minimum: 0, maximum: 1 }),
    b9: Num({ unit: "1/Pa", minimum: 0, maximum: 1e-6 }),
  },
  {
    additionalProperties: false,
    // Bounds: polymers' specific volumes are 0.5–1.5 × 10⁻³ m³/kg; beyond ten times the rest, the PVT is NaN.
    description: "2-domain Tait coefficients; maxima far beyond any polymer keep the specific volume finite",
  },
);

export const Material = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    family: Type.String({ minLength: 1, description: "polymer family: PS, HDPE, PP, ABS, PC, PA66, POM, …" }),
    morphology: Type.Union([Type.Literal("amorphous"), Type.Literal("semicrystalline")]),
    crossWlf: CrossWlf,
    tait: Tait,
    thermalConductivityWPerMK: Positive("W/(m·K)", undefined, 5),
    heatCapacityJPerKgK: Num({
      unit: "J/(kg·K)",
      minimum: 100,
      maximum: 10_000,
      description: "melt specific heat (polymers 1000–3000; below 100 the energy balance is not finite)",
    }),
    heatOfFusionJPerKg: Num({ unit: "J/kg", minimum: 0, description: "of the 100 % crystalline polymer" }),
    crystallinityFraction: Fraction("crystalline mass fraction reached in the part"),
    noFlowTempC: Num({ unit: "°C", minimum: -50, maximum: 400 }),
    ejectionTempC: Num({ unit: "°C", minimum: -50, maximum: 400 }),
    maxShearRate1s: Positive("1/s"),
    maxShearStressMPa: Positive("MPa"),
    maxMeltTempC: Num({ unit: "°C", minimum: 50, maximum: 450, description: "absolute maximum melt temperature" }),
    meltTempC: Range("°C", "recommended melt temperature range"),
    moldTempC: Range("°C", "recommended mold surface temperature range"),
    fillerFraction: Fraction("mass fraction of filler or fibre", 0),
    sinkVolumetricShrinkagePct: Positive("%", "volumetric shrinkage above which sink/voids are expected", 50),
    ...Provenance,
  },
  { additionalProperties: false },
);

export type CrossWlf = Static<typeof CrossWlf>;
export type Tait = Static<typeof Tait>;
export type Material = Static<typeof Material>;

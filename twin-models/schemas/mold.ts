import { type Static, Type } from "@sinclair/typebox";
import { Id, Length, Num, Positive, Provenance } from "./common.ts";

const branches = Type.Integer({
  unit: "1",
  minimum: 1,
  maximum: 256,
  default: 1,
  description: "identical parallel copies of this segment sharing the total flow",
});

/** Flow-path segments from the nozzle to the last point to fill (molding.md §2.3 geometries). */
export const TubeSegment = Type.Object(
  {
    kind: Type.Literal("tube"),
    name: Type.Optional(Type.String()),
    lengthMm: Positive("mm", undefined, 5000),
    diameterMm: Length(undefined, 100),
    heated: Type.Boolean({ default: false, description: "hot runner: stays molten and full between shots" }),
    branches,
  },
  { additionalProperties: false, description: "sprue or runner of circular section" },
);

export const GateSegment = Type.Object(
  {
    kind: Type.Literal("gate"),
    name: Type.Optional(Type.String()),
    shape: Type.Union([Type.Literal("rect"), Type.Literal("round")]),
    lengthMm: Positive("mm", "gate land length", 50),
    widthMm: Type.Optional(Length("rect gates", 500)),
    thicknessMm: Type.Optional(Length("rect gates", 50)),
    diameterMm: Type.Optional(Length("round gates", 50)),
    branches,
  },
  { additionalProperties: false },
);

export const StripSegment = Type.Object(
  {
    kind: Type.Literal("strip"),
    name: Type.Optional(Type.String()),
    lengthMm: Positive("mm", "flow length", 5000),
    widthMm: Length(undefined, 5000),
    thicknessMm: Length("wall thickness", 50),
    branches,
  },
  { additionalProperties: false, description: "rectangular cavity section (slit flow)" },
);

export const DiskSegment = Type.Object(
  {
    kind: Type.Literal("disk"),
    name: Type.Optional(Type.String()),
    innerRadiusMm: Positive("mm", undefined, 2000),
    outerRadiusMm: Positive("mm", undefined, 2000),
    thicknessMm: Length("wall thickness", 50),
    branches,
  },
  { additionalProperties: false, description: "centre-gated disk section (radial flow)" },
);

export const FlowSegment = Type.Union([TubeSegment, GateSegment, StripSegment, DiskSegment]);

export const CriticalDimension = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    nominalMm: Positive("mm", "drawing nominal of the molded part", 5000),
    toleranceMm: Positive("mm", "symmetric tolerance ±", 100),
    cavityMm: Positive("mm", "steel size of the cavity (nominal plus the designed shrink allowance)", 5000),
  },
  { additionalProperties: false },
);

export const Mold = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    cavities: Type.Integer({ unit: "1", minimum: 1, maximum: 256 }),
    partVolumeCm3: Positive("cm³", "volume of one part", 50_000),
    projectedAreaCm2: Positive("cm²", "projected area of one part", 50_000),
    runnerProjectedAreaCm2: Num({ unit: "cm²", minimum: 0, default: 0 }),
    wallThicknessMm: Positive("mm", "nominal (governing) wall thickness for cooling", 50),
    coolantTempC: Num({ unit: "°C", minimum: 0, maximum: 200 }),
    moldHalfDeltaC: Num({
      unit: "°C",
      minimum: 0,
      maximum: 80,
      default: 0,
      description: "surface-temperature difference between the mold halves",
    }),
    warpageLimitMm: Positive(
      "mm",
      "allowed out-of-flatness plus differential shrinkage length for the warpage screen",
      100,
    ),
    packTransmission: Num({
      unit: "1",
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.75,
      description: "mean cavity pressure during hold / hold pressure (pressure losses in the packing path)",
    }),
    flowPath: Type.Array(FlowSegment, { minItems: 1, maxItems: 32 }),
    criticalDimension: CriticalDimension,
    ...Provenance,
  },
  { additionalProperties: false },
);

export type FlowSegment = Static<typeof FlowSegment>;
export type CriticalDimension = Static<typeof CriticalDimension>;
export type Mold = Static<typeof Mold>;

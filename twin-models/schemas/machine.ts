import { type Static, Type } from "@sinclair/typebox";
import { Fraction, Id, Length, Num, Positive, Provenance } from "./common.ts";

export const DriveType = Type.Union(
  [Type.Literal("hydraulic"), Type.Literal("servo-hydraulic"), Type.Literal("all-electric")],
  {
    description:
      "hydraulic = fixed-displacement pump; servo-hydraulic = variable-speed pump; all-electric = servo ball-screw drives",
  },
);

export const Machine = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    driveType: DriveType,
    clampForceKN: Positive("kN", "rated clamp force", 100_000),
    screwDiameterMm: Length(undefined, 300),
    maxInjectionPressureMPa: Positive("MPa", "maximum specific (melt) injection pressure", 400),
    intensificationRatio: Positive("1", "specific (melt) pressure / hydraulic pressure", 30),
    maxInjectionRateCm3PerS: Positive("cm³/s", undefined, 20_000),
    shotVolumeCm3: Positive("cm³", "maximum swept shot volume", 100_000),
    dryCycleTimeS: Positive("s", "mold close + open + eject with no shot", 60),
    basePowerKW: Positive("kW", "idle power: controls, pump standby, barrel heat losses", 500),
    driveEfficiency: Num({
      unit: "1",
      exclusiveMinimum: 0,
      maximum: 1,
      description: "wire-to-melt efficiency of the injection drive",
    }),
    plasticatingEfficiency: Num({
      unit: "1",
      exclusiveMinimum: 0,
      maximum: 1,
      description: "wire-to-melt efficiency of screw drive plus heaters",
    }),
    holdFlowFraction: Fraction(
      "drive flow spent to hold pressure, as a fraction of max injection rate (1 = fixed pump over relief)",
    ),
    moveEnergyKJ: Num({
      unit: "kJ",
      minimum: 0,
      description: "shaft energy of mold close/open, clamp build-up and ejection per cycle",
    }),
    heaterPowerKW: Positive("kW", "installed barrel heater power", 500),
    usablePressureFraction: Num({
      unit: "1",
      exclusiveMinimum: 0,
      maximum: 1,
      default: 0.9,
      description: "share of max injection pressure usable in the velocity phase",
    }),
    nozzle: Type.Object(
      { lengthMm: Positive("mm", undefined, 500), diameterMm: Length(undefined, 50) },
      { additionalProperties: false },
    ),
    screw: Type.Object(
      {
        meteringDepthMm: Length("metering-zone channel depth", 30),
        meteringLengthMm: Positive("mm", "metering-zone axial length", 5000),
        helixAngleDeg: Num({ unit: "°", exclusiveMinimum: 0, exclusiveMaximum: 90, default: 17.66 }),
      },
      { additionalProperties: false },
    ),
    ...Provenance,
  },
  { additionalProperties: false },
);

export type DriveType = Static<typeof DriveType>;
export type Machine = Static<typeof Machine>;

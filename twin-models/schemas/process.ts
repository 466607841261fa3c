import { type Static, Type } from "@sinclair/typebox";
import { Fraction, Num } from "./common.ts";

/**
 * Process settings a setter enters at the press. Pressures are specific (melt-side) pressures; the hydraulic
 * equivalent is pressure / intensification ratio. Either injectionTimeS or injectionSpeedMmPerS sets the fill.
 */
export const ProcessSettings = Type.Object(
  {
    meltTempC: Num({ unit: "°C", minimum: 50, maximum: 450 }),
    moldTempC: Num({ unit: "°C", minimum: 0, maximum: 250 }),
    injectionTimeS: Type.Optional(Num({ unit: "s", exclusiveMinimum: 0, maximum: 60 })),
    injectionSpeedMmPerS: Type.Optional(Num({ unit: "mm/s", minimum: 0.01, maximum: 2000 })),
    vpSwitchoverPct: Num({
      unit: "%",
      minimum: 50,
      maximum: 100,
      default: 98,
      description: "% of shot volume filled at V/P switchover",
    }),
    holdPressureMPa: Num({ unit: "MPa", minimum: 0, maximum: 400 }),
    holdTimeS: Num({ unit: "s", minimum: 0, maximum: 600 }),
    coolingTimeS: Num({ unit: "s", minimum: 0, maximum: 600, description: "after the end of hold" }),
    backPressureMPa: Num({ unit: "MPa", minimum: 0, maximum: 40, default: 5, description: "specific back pressure" }),
    // Lower bounds here and on the factors below: a subnormal speed or factor (5e-324) makes a time infinite.
    screwSpeedRpm: Num({ unit: "rpm", minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);

/**
 * Twin parameters that are not settings: calibration factors and machine condition. Defaults are the
 * as-designed twin; calibration (later) and wear models (later) move them.
 */
export const TwinAdjustments = Type.Object(
  {
    viscosityFactor: Num({
      unit: "1",
      exclusiveMinimum: 0,
      maximum: 10,
      default: 1,
      description: "multiplies η0 (lot-to-lot, calibration)",
    }),
    heatTransferFactor: Num({
      unit: "1",
      minimum: 0.01,
      maximum: 10,
      default: 1,
      description: "multiplies the melt-to-mold heat transfer",
    }),
    checkRingLeakageFraction: Fraction("share of hold pressure lost across a worn check ring", 0),
    driveEfficiencyFactor: Num({ unit: "1", minimum: 0.01, maximum: 2, default: 1 }),
    nozzleLossFactor: Num({
      unit: "1",
      minimum: 0,
      maximum: 10,
      default: 1,
      description: "multiplies the nozzle pressure drop",
    }),
    screwOutputFactor: Num({
      unit: "1",
      minimum: 0.01,
      maximum: 1,
      default: 1,
      description:
        "multiplies the screw's plasticating rate: 1 = new; 0.75 at doubled flight clearance (wear, engine/wear/archard.ts)",
    }),
  },
  { additionalProperties: false },
);

export type ProcessSettings = Static<typeof ProcessSettings>;
export type TwinAdjustments = Static<typeof TwinAdjustments>;

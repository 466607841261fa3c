import { type Static, Type } from "@sinclair/typebox";
import { Id, Num } from "./common.ts";
import { Machine } from "./machine.ts";
import { Material } from "./material.ts";
import { Mold } from "./mold.ts";
import { ProcessSettings, TwinAdjustments } from "./process.ts";

/**
 * Wear state of a twin: the press has run `ageMonths` at `operatingHoursPerDay` since its screw, barrel and check
 * ring were new, at the scenario's settings (a sweep or window: at its base settings). The engine turns this into
 * TwinAdjustments (engine/wear wornAdjustments: screwOutputFactor, checkRingLeakageFraction) and combines them with
 * the explicit adjustments (leakages as independent paths, output factors multiplied).
 */
export const TwinWear = Type.Object(
  {
    ageMonths: Num({ unit: "month", minimum: 0, maximum: 600, description: "operating age in calendar months" }),
    operatingHoursPerDay: Type.Optional(Num({ unit: "h/d", exclusiveMinimum: 0, maximum: 24, default: 24 })),
    quantile: Type.Optional(
      Num({
        unit: "1",
        exclusiveMinimum: 0,
        exclusiveMaximum: 1,
        default: 0.5,
        description: "which unit: the quantile of its life distribution (0.5 median; 0.1 a fast-wearing unit)",
      }),
    ),
  },
  { additionalProperties: false },
);

/** A twin: one press with one mold and one material, by library id or inline card. */
export const TwinRef = Type.Object(
  {
    material: Type.Union([Id, Material]),
    machine: Type.Union([Id, Machine]),
    mold: Type.Union([Id, Mold]),
    adjustments: Type.Optional(Type.Partial(TwinAdjustments)),
    wear: Type.Optional(TwinWear),
  },
  { additionalProperties: false },
);

/** `moldtwin simulate <scenario.json>`: one shot of one twin at given settings. */
export const ShotScenario = Type.Object(
  {
    kind: Type.Literal("shot"),
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    twin: TwinRef,
    settings: ProcessSettings,
  },
  { additionalProperties: false },
);

export type TwinWear = Static<typeof TwinWear>;
export type TwinRef = Static<typeof TwinRef>;
export type ShotScenario = Static<typeof ShotScenario>;

import { type Static, Type } from "@sinclair/typebox";
import { Id } from "./common.ts";
import { Machine } from "./machine.ts";
import { Material } from "./material.ts";
import { Mold } from "./mold.ts";
import { ProcessSettings, TwinAdjustments } from "./process.ts";

/** A twin: one press with one mold and one material, by library id or inline card. */
export const TwinRef = Type.Object(
  {
    material: Type.Union([Id, Material]),
    machine: Type.Union([Id, Machine]),
    mold: Type.Union([Id, Mold]),
    adjustments: Type.Optional(Type.Partial(TwinAdjustments)),
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

export type TwinRef = Static<typeof TwinRef>;
export type ShotScenario = Static<typeof ShotScenario>;

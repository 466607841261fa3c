import { type Static, Type } from "@sinclair/typebox";
import { INPUT_FIELDS } from "../../engine/molding/layout.ts";
import { Num } from "./common.ts";
import { ProcessSettings, TwinAdjustments } from "./process.ts";
import { TwinRef } from "./scenario.ts";

/**
 * Names a sweep may vary: every input the shot kernel reads — the process settings and the twin parameters (lot,
 * wear, calibration) — so the kernel's input layout is the one list.
 */
export const SWEEPABLE = INPUT_FIELDS;

export const Factor = Type.Object(
  {
    name: Type.Union(
      SWEEPABLE.map((n) => Type.Literal(n)),
      { description: "a process setting or twin parameter" },
    ),
    min: Type.Number({ description: "lowest value swept, in the setting's unit" }),
    max: Type.Number({ description: "highest value swept, in the setting's unit" }),
    levels: Type.Integer({ unit: "1", minimum: 2, maximum: 4097, default: 21, description: "grid levels" }),
    log: Type.Boolean({ default: false, description: "space levels geometrically (e.g. injection time)" }),
  },
  { additionalProperties: false },
);

export const Design = Type.Object(
  {
    kind: Type.Union([Type.Literal("grid"), Type.Literal("lhs"), Type.Literal("sobol")], { default: "grid" }),
    points: Type.Optional(
      Type.Integer({ unit: "1", minimum: 1, maximum: 100_000_000, description: "lhs and sobol: number of points" }),
    ),
    seed: Type.Integer({ unit: "1", minimum: 0, maximum: 4294967295, default: 1 }),
  },
  { additionalProperties: false },
);

/** `moldtwin sweep <scenario.json>`: raw outputs of a design over any settings, as Arrow columns. */
export const SweepScenario = Type.Object(
  {
    kind: Type.Literal("sweep"),
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    twin: TwinRef,
    settings: ProcessSettings,
    factors: Type.Array(Factor, { minItems: 1, maxItems: 12 }),
    design: Type.Optional(Design),
    outputs: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: "output columns (default: all)" })),
  },
  { additionalProperties: false },
);

/** Monte Carlo noise around a setpoint; defaults are stated assumptions (README, process window). */
export const Noise = Type.Object(
  {
    meltTempSdC: Num({ unit: "°C", minimum: 0, maximum: 50, default: 2, description: "shot-to-shot melt temperature" }),
    moldTempSdC: Num({ unit: "°C", minimum: 0, maximum: 50, default: 1.5, description: "mold surface temperature" }),
    viscosityLotCv: Num({ unit: "1", minimum: 0, maximum: 1, default: 0.05, description: "lot-to-lot η0 (CV)" }),
    checkRingLeakageMax: Num({
      unit: "1",
      minimum: 0,
      maximum: 1,
      default: 0.03,
      description: "check-ring leakage, uniform on [0, max], share of hold pressure",
    }),
  },
  { additionalProperties: false },
);

export type Factor = Static<typeof Factor>;
export type Design = Static<typeof Design>;
export type SweepScenario = Static<typeof SweepScenario>;
export type Noise = Static<typeof Noise>;

/** The unit of a sweepable name, from its schema ("°C", "MPa", "s", "1"). */
export function unitOf(name: string): string {
  const props = { ...ProcessSettings.properties, ...TwinAdjustments.properties } as Record<string, { unit?: string }>;
  return props[name]?.unit ?? "1";
}

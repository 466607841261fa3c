import { type Static, Type } from "@sinclair/typebox";
import { Num } from "./common.ts";
import { ProcessSettings } from "./process.ts";
import { TwinRef } from "./scenario.ts";
import { Factor, Noise } from "./sweep.ts";

const Bound = (unit: string) =>
  Type.Object(
    {
      min: Type.Optional(Num({ unit, minimum: 0 })),
      max: Type.Optional(Num({ unit, exclusiveMinimum: 0 })),
    },
    { additionalProperties: false },
  );

/** Targets the part and the contract set, beyond the physics (which always applies). */
export const WindowConstraints = Type.Object(
  {
    partMassG: Type.Optional(Bound("g")),
    cycleTimeS: Type.Optional(
      Type.Object({ max: Num({ unit: "s", exclusiveMinimum: 0 }) }, { additionalProperties: false }),
    ),
    energyPerPartKWh: Type.Optional(
      Type.Object({ max: Num({ unit: "kWh", exclusiveMinimum: 0 }) }, { additionalProperties: false }),
    ),
    expressions: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), {
        description: "mathjs conditions over inputs and outputs, e.g. partMassG >= 12.1 and cycleTimeS <= 18",
      }),
    ),
  },
  { additionalProperties: false },
);

export const Objective = Type.Union(
  [Type.Literal("most-robust"), Type.Literal("shortest-cycle"), Type.Literal("least-energy")],
  { default: "most-robust" },
);

/** `moldtwin window <scenario.json>`: the process window of a twin over 1–4 settings. */
export const WindowScenario = Type.Object(
  {
    kind: Type.Literal("window"),
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    twin: TwinRef,
    settings: ProcessSettings,
    factors: Type.Array(Factor, { minItems: 1, maxItems: 4 }),
    constraints: Type.Optional(WindowConstraints),
    preferredMargin: Num({
      unit: "1",
      exclusiveMinimum: 0,
      maximum: 0.9,
      default: 0.1,
      description: "margin every physical constraint keeps inside the preferred window",
    }),
    objective: Objective,
    search: Type.Union([Type.Literal("adaptive"), Type.Literal("grid")], { default: "grid" }),
    robustness: Type.Object(
      {
        replicates: Type.Integer({ unit: "1", minimum: 10, maximum: 100_000, default: 200 }),
        candidates: Type.Integer({ unit: "1", minimum: 1, maximum: 1000, default: 32 }),
        seed: Type.Integer({ unit: "1", minimum: 0, maximum: 4294967295, default: 1 }),
        noise: Type.Optional(Noise),
      },
      { additionalProperties: false, default: {} },
    ),
    sensitivity: Type.Object(
      {
        baseSamples: Type.Integer({
          unit: "1",
          minimum: 0,
          maximum: 1_000_000,
          default: 256,
          description: "Saltelli base samples N (N·(d+2) shots); 0 skips the Sobol indices",
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type WindowConstraints = Static<typeof WindowConstraints>;
export type WindowScenario = Static<typeof WindowScenario>;
export type Objective = Static<typeof Objective>;

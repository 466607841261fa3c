import { type TNumber, type TObject, Type } from "@sinclair/typebox";

/**
 * Schema helpers. Every numeric field carries its `unit` so that validation errors can say
 * "settings.meltTempC = 400 °C; allowed: 180 … 285 °C" without a second table of units.
 */
export interface NumberOpts {
  unit: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  default?: number;
}

export const Num = (opts: NumberOpts): TNumber => Type.Number(opts);
export const Positive = (unit: string, description?: string, maximum?: number): TNumber =>
  Type.Number({ unit, exclusiveMinimum: 0, ...(maximum === undefined ? {} : { maximum }), description });
/**
 * A length of a flow channel or of the screw, in mm: at least 10 µm. Below that the flow formulas underflow (a gate
 * 1e-215 mm wide has no cross-section) and the shot would be NaN instead of a validation error.
 */
export const Length = (description?: string, maximum?: number): TNumber =>
  Type.Number({ unit: "mm", minimum: 0.01, ...(maximum === undefined ? {} : { maximum }), description });
export const Fraction = (description?: string, def?: number): TNumber =>
  Type.Number({ unit: "1", minimum: 0, maximum: 1, description, ...(def === undefined ? {} : { default: def }) });

export const Id = Type.String({
  pattern: "^[a-z0-9][a-z0-9-]*$",
  minLength: 2,
  maxLength: 64,
  description: "kebab-case id",
});

/** A calendar date YYYY-MM-DD (the engine rejects impossible ones such as 2026-02-30, naming the field). */
export const IsoDate = (description: string) =>
  Type.String({ pattern: "^\\d{4}-\\d{2}-\\d{2}$", description: `ISO date YYYY-MM-DD: ${description}` });

/** A plant a scenario runs on: a demo plant id (seeds/<id>.json) or a plant file path relative to the scenario. */
export const PlantRef = Type.Union([Id, Type.String({ pattern: "\\.json$" })], {
  description: "a demo plant id (seeds/<id>.json) or a path to a plant file, relative to the scenario",
});

/** Where a card's numbers come from: a citation, how far to trust it, and which fields are assumptions. */
export const Provenance = {
  source: Type.String({
    minLength: 3,
    description: "Citation: paper, standard, handbook, data sheet or repository file",
  }),
  trust: Type.Union([Type.Literal("traceable"), Type.Literal("unverified"), Type.Literal("assumed")], {
    description:
      "traceable = numbers from a cited primary source; unverified = representative defaults; assumed = our engineering estimate",
  }),
  assumed: Type.Optional(
    Type.Array(Type.String(), { description: "Fields whose values no cited source gives: stated assumptions" }),
  ),
};

export const Range = (
  unit: string,
  description?: string,
): TObject<{ min: TNumber; recommended: TNumber; max: TNumber }> =>
  Type.Object(
    { min: Type.Number({ unit }), recommended: Type.Number({ unit }), max: Type.Number({ unit }) },
    { additionalProperties: false, description },
  );

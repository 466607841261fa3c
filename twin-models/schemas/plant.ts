import { type Static, Type } from "@sinclair/typebox";
import { Id, IsoDate, Num } from "./common.ts";
import { ProcessSettings } from "./process.ts";

const Position = Type.Object(
  {
    xM: Num({ unit: "m", minimum: -1000, maximum: 1000 }),
    yM: Num({ unit: "m", minimum: -1000, maximum: 1000 }),
    rotationDeg: Num({ unit: "°", minimum: -360, maximum: 360, default: 0 }),
  },
  { additionalProperties: false },
);

/** One press in a cell with what runs on it and the equipment around it (for the viewer and the live twin). */
export const PlantPress = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    machine: Id,
    mold: Id,
    material: Id,
    settings: ProcessSettings,
    position: Position,
    robot: Type.Boolean({ default: false }),
    temperatureControlUnits: Type.Integer({ unit: "1", minimum: 0, maximum: 8, default: 1 }),
    commissionedOn: IsoDate("ages of wear parts count from it"),
  },
  { additionalProperties: false },
);

export const Conveyor = Type.Object(
  { id: Id, from: Position, to: Position, widthM: Num({ unit: "m", exclusiveMinimum: 0, maximum: 5 }) },
  { additionalProperties: false },
);

export const Plant = Type.Object(
  {
    id: Id,
    name: Type.String({ minLength: 1 }),
    description: Type.String(),
    tenant: Id,
    traceability: Type.Union([Type.Literal("per-shot"), Type.Literal("per-cavity")], {
      description: "per-cavity: every part id maps to press, cavity, cycle values and material lot",
    }),
    shiftHoursPerDay: Num({ unit: "h", minimum: 0, maximum: 24 }),
    cells: Type.Array(
      Type.Object(
        {
          id: Id,
          name: Type.String({ minLength: 1 }),
          presses: Type.Array(PlantPress, { minItems: 1 }),
          conveyors: Type.Array(Conveyor, { default: [] }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);

export type PlantPress = Static<typeof PlantPress>;
export type Plant = Static<typeof Plant>;

import { type Static, Type } from "@sinclair/typebox";
import { Id } from "./common.ts";

const NodeIdString = Type.String({
  pattern: "^(ns=\\d+;)?[isgb]=.+$",
  description: "an OPC UA node id, e.g. ns=2;s=Machine/Barrel/Zone1/Temp",
});

/**
 * A tag map (`moldtwin ingest --tag-map file.json`): presses that do not speak EUROMAP 77, their signals and shot
 * counter by explicit node ids. A cycle is recorded at every counter increment (a jump of k > 1 is a gap of k − 1).
 */
export const TagMap = Type.Object(
  {
    presses: Type.Array(
      Type.Object(
        {
          press: Id,
          endpoint: Type.String({
            pattern: "^opc\\.tcp://",
            description: "opc.tcp:// URL of the press's OPC UA server",
          }),
          model: Type.Optional(Type.String()),
          jobName: Type.Optional(Type.String({ description: "job the counter counts (counters reset per job)" })),
          cycleCounter: NodeIdString,
          cycleTimeMs: Type.Optional({ ...NodeIdString, description: "node of the last cycle time, ms" }),
          partsPerCycle: Type.Integer({ unit: "1", minimum: 1, maximum: 256, default: 1 }),
          signals: Type.Record(Type.String({ minLength: 1 }), NodeIdString, {
            description: "signal name (end it in TemperatureC for the temperature range check) → node id",
          }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1 },
    ),
  },
  { additionalProperties: false },
);

export type TagMap = Static<typeof TagMap>;
export type TagMappedPress = TagMap["presses"][number];

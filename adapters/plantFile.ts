import { fileURLToPath } from "node:url";
import { type Plant, Plant as PlantSchema } from "../twin-models/schemas/plant.ts";
import { parse } from "../twin-models/validate.ts";
import { readJsonFile } from "./cli/io.ts";

/** The embedded default: demo plant Case A (automotive interior, 20 presses). */
export const DEFAULT_PLANT_PATH = fileURLToPath(new URL("../seeds/case-a-automotive.json", import.meta.url));

/** Reads and validates a plant file (seeds/*.json). */
export function loadPlant(path = DEFAULT_PLANT_PATH): Plant {
  return parse(PlantSchema, readJsonFile(path, "plant"), "plant");
}

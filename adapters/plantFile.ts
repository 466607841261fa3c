import { existsSync, readdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type ErrorDetail, MoldtwinError } from "../engine/errors.ts";
import { type Plant, Plant as PlantSchema } from "../twin-models/schemas/plant.ts";
import { parse, summarize } from "../twin-models/validate.ts";
import { readJsonFile } from "./cli/io.ts";

/** The embedded default: demo plant Case A (automotive interior, 20 presses). */
export const DEFAULT_PLANT_PATH = fileURLToPath(new URL("../seeds/case-a-automotive.json", import.meta.url));

/** Reads and validates a plant file (seeds/*.json). */
export function loadPlant(path = DEFAULT_PLANT_PATH): Plant {
  const plant = parse(PlantSchema, readJsonFile(path, "plant"), "plant");
  checkUniqueIds(plant);
  return plant;
}

/**
 * Cell and press ids name things everywhere (the service's registry, the history store, forecasts, work orders):
 * each may appear once in a plant, else the file is refused naming the repeat and where the id was first used.
 */
function checkUniqueIds(plant: Plant): void {
  const details: ErrorDetail[] = [];
  const cells = new Map<string, string>();
  const presses = new Map<string, string>();
  const once = (seen: Map<string, string>, id: string, field: string): void => {
    const first = seen.get(id);
    if (first === undefined) seen.set(id, field);
    else details.push({ field, value: id, allowed: `an id not already used by ${first}` });
  };
  plant.cells.forEach((cell, i) => {
    once(cells, cell.id, `plant.cells[${i}].id`);
    cell.presses.forEach((press, j) => {
      once(presses, press.id, `plant.cells[${i}].presses[${j}].id`);
    });
  });
  if (details.length > 0) throw new MoldtwinError("TWIN_ERR_VALIDATION", summarize("plant", details), details);
}

/**
 * A scenario's `plant`: a demo plant id (seeds/<id>.json) or a path to a plant file, relative to the scenario
 * file, so a scenario directory can carry its own plant.
 */
export function loadPlantRef(ref: string, scenarioPath: string): Plant {
  if (ref.endsWith(".json")) return loadPlant(resolve(dirname(scenarioPath), ref));
  const path = fileURLToPath(new URL(`../seeds/${ref}.json`, import.meta.url));
  if (!existsSync(path)) {
    throw new MoldtwinError("TWIN_ERR_UNKNOWN_ID", `no demo plant ${ref}`, [
      { field: "scenario.plant", value: ref, allowed: `${demoPlants().join(", ")} or a path to a plant .json file` },
    ]);
  }
  return loadPlant(path);
}

export function demoPlants(): string[] {
  return readdirSync(fileURLToPath(new URL("../seeds/", import.meta.url)))
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.replace(/\.json$/, ""));
}

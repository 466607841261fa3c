import type { TSchema } from "@sinclair/typebox";
import type { Command } from "commander";
import { MoldtwinError } from "../../../engine/errors.ts";
import { ContractScenario } from "../../../twin-models/schemas/contract.ts";
import { ForecastScenario, PdmScenario } from "../../../twin-models/schemas/forecast.ts";
import { Machine } from "../../../twin-models/schemas/machine.ts";
import { Material } from "../../../twin-models/schemas/material.ts";
import { Plant } from "../../../twin-models/schemas/plant.ts";
import { ShotScenario } from "../../../twin-models/schemas/scenario.ts";
import { SparesScenario } from "../../../twin-models/schemas/spares.ts";
import { SweepScenario } from "../../../twin-models/schemas/sweep.ts";
import { WindowScenario } from "../../../twin-models/schemas/window.ts";
import { run } from "../io.ts";

/**
 * `moldtwin schema <kind>`: the JSON Schema (draft 2020-12 compatible, from the TypeBox schema the files are
 * validated against) of a scenario or plant file, with units, defaults and descriptions.
 */
export const SCHEMAS: Record<string, TSchema> = {
  contract: ContractScenario,
  spares: SparesScenario,
  forecast: ForecastScenario,
  "pdm-backtest": PdmScenario,
  shot: ShotScenario,
  sweep: SweepScenario,
  window: WindowScenario,
  plant: Plant,
  material: Material,
  machine: Machine,
};

export function registerSchema(program: Command): void {
  program
    .command("schema <kind>")
    .description(`print the JSON Schema of a file kind: ${Object.keys(SCHEMAS).join(", ")}`)
    .action(async (kind: string) =>
      run(true, () => {
        const schema = SCHEMAS[kind];
        if (!schema) {
          throw new MoldtwinError("CLI_ERR_USAGE", `no schema for ${kind}`, [
            { field: "kind", value: kind, allowed: Object.keys(SCHEMAS).join(", ") },
          ]);
        }
        process.stdout.write(
          `${JSON.stringify({ $schema: "https://json-schema.org/draft/2020-12/schema", title: kind, ...schema }, null, 2)}\n`,
        );
      }),
    );
}

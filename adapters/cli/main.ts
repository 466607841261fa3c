#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { MoldtwinError } from "../../engine/errors.ts";
import { registerCalc } from "./commands/calc.ts";
import { registerCalibrate } from "./commands/calibrate.ts";
import { registerContract } from "./commands/contract.ts";
import { registerDemandForecast } from "./commands/demandForecast.ts";
import { registerFitLife } from "./commands/fitLife.ts";
import { registerForecast } from "./commands/forecast.ts";
import { registerIngest } from "./commands/ingest.ts";
import { registerKpi } from "./commands/kpi.ts";
import { registerLibrary } from "./commands/library.ts";
import { registerLife } from "./commands/life.ts";
import { registerMaterial } from "./commands/material.ts";
import { registerPdmBacktest } from "./commands/pdmBacktest.ts";
import { registerPilot } from "./commands/pilot.ts";
import { registerSchema } from "./commands/schema.ts";
import { registerSimCell } from "./commands/simCell.ts";
import { registerSimulate } from "./commands/simulate.ts";
import { registerSpares } from "./commands/spares.ts";
import { registerStart } from "./commands/start.ts";
import { registerStoreCommands } from "./commands/storeAdmin.ts";
import { registerStudy } from "./commands/study.ts";
import { registerSweep } from "./commands/sweep.ts";
import { registerTrace } from "./commands/trace.ts";
import { registerWindow } from "./commands/window.ts";
import { registerWorker } from "./commands/worker.ts";
import { run } from "./io.ts";

/** The `moldtwin` command line: one entry, one sub-command per job. */
export function buildProgram(): Command {
  const program = new Command("moldtwin")
    .description("digital-twin simulation and what-if engine for injection-molding machines")
    .version("0.1.0")
    // Usage errors are reported once, by run(), as coded errors (JSON with --json).
    .configureOutput({ outputError: () => {} })
    .exitOverride();
  registerSimulate(program);
  registerLibrary(program);
  registerMaterial(program);
  registerCalc(program);
  registerCalibrate(program);
  registerSweep(program);
  registerWindow(program);
  registerStart(program);
  registerStudy(program);
  registerForecast(program);
  registerPdmBacktest(program);
  registerFitLife(program);
  registerLife(program);
  registerDemandForecast(program);
  registerSpares(program);
  registerKpi(program);
  registerContract(program);
  registerPilot(program);
  registerSchema(program);
  registerSimCell(program);
  registerIngest(program);
  registerTrace(program);
  registerStoreCommands(program);
  registerWorker(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version exit 0; usage errors were already printed by commander.
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return;
      const json = argv.includes("--json");
      await run(json, () => {
        throw new MoldtwinError("CLI_ERR_USAGE", e.message.replace(/^error: /, ""), [
          { field: "command line", value: argv.slice(2).join(" "), allowed: "see moldtwin --help" },
        ]);
      });
      return;
    }
    throw e;
  }
}

if (import.meta.main) await main(process.argv);

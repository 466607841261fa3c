import type { Command } from "commander";
import { MoldtwinError } from "../../../engine/errors.ts";
import { checkSettings } from "../../../engine/molding/simulateShot.ts";
import { designSize } from "../../../engine/sweep/designs.ts";
import { buildPlan, checkFactors, checkOutputs } from "../../../engine/sweep/plan.ts";
import { closeSweepPools } from "../../../engine/sweep/pool.ts";
import { resolveTwin } from "../../../twin-models/resolve.ts";
import { SweepScenario } from "../../../twin-models/schemas/sweep.ts";
import { parse } from "../../../twin-models/validate.ts";
import { REDIS_OPTION, withDistributed } from "../distributed.ts";
import { fmt, printJson, readJsonFile, run } from "../io.ts";
import { progressReporter } from "../progress.ts";
import { parseWorkers } from "./window.ts";

/**
 * `moldtwin sweep <scenario.json> --out run.arrow`: the raw sweep, every shot of a grid, Latin hypercube or
 * Sobol design as Arrow columns (inputs, outputs, defect margins), streamed to an IPC file so memory stays
 * bounded however many points are asked for.
 */
export function registerSweep(program: Command): void {
  program
    .command("sweep <scenario>")
    .description("run a design (grid, lhs, sobol) over any settings and stream every shot to an Arrow IPC file")
    .requiredOption("--out <file.arrow>", "Arrow IPC file to write")
    .option("--workers <n>", "worker threads (0 = this thread; default: all cores for large sweeps)")
    .option(...REDIS_OPTION)
    .option("--json", "print one JSON object")
    .action(async (scenarioPath: string, o) =>
      run(Boolean(o.json), async () => {
        const sc = parse(SweepScenario, readJsonFile(scenarioPath, "scenario"), "scenario");
        const twin = resolveTwin(sc.twin, "scenario.twin");
        checkSettings(twin, sc.settings, "scenario.settings");
        checkFactors(twin, sc.settings, sc.factors, "scenario.factors");
        const outputs = checkOutputs(sc.outputs, "scenario.outputs");
        const d = sc.design ?? { kind: "grid" as const, seed: 1 };
        if (d.kind !== "grid" && d.points === undefined) {
          throw new MoldtwinError("TWIN_ERR_VALIDATION", `scenario.design.points is required for a ${d.kind} design`, [
            { field: "scenario.design.points", allowed: "an integer ≥ 1 (number of points)" },
          ]);
        }
        const design = {
          kind: d.kind,
          dims: sc.factors.length,
          levels: sc.factors.map((f) => f.levels),
          ...(d.points === undefined ? {} : { points: d.points }),
          seed: d.seed,
        };
        const points = designSize(design);
        const workers = parseWorkers(o.workers, points);
        const plan = buildPlan(twin, sc.settings, sc.factors, { kind: "design", design }, outputs);
        // Arrow (≈ 0.35 s to load) only for the commands that write it.
        const { openArrowFileSink } = await import("../../arrowFile.ts");
        const { runSweep } = await import("../../../engine/sweep/runSweep.ts");
        const sink = openArrowFileSink(o.out);
        const progress = progressReporter();
        const abort = new AbortController();
        const onSigint = (): void => abort.abort();
        process.once("SIGINT", onSigint);
        try {
          const r = await withDistributed(o.redis, ({ executor }) =>
            runSweep(plan, {
              workers,
              ...(executor ? { executor } : {}),
              collect: false,
              signal: abort.signal,
              sink: (t) => sink.write(t),
              onProgress: (p) => progress.update(`${d.kind} sweep`, p.rowsDone, p.rows),
            }),
          );
          progress.stop();
          const summary = {
            scenario: sc.name,
            design: d.kind,
            seed: d.seed,
            points: r.rows,
            chunks: r.chunks,
            workers: r.workers,
            elapsedS: r.elapsedMs / 1000,
            shotsPerS: r.rows / (r.elapsedMs / 1000),
            columns: ["row", "point", "valid", ...sc.factors.map((f) => f.name), ...outputs],
            file: o.out,
          };
          if (o.json) printJson(summary);
          else {
            process.stdout.write(
              `moldtwin sweep — ${sc.name}\n  ${r.rows} shots (${d.kind}, seed ${d.seed}) in ${fmt(summary.elapsedS)} s ` +
                `${o.redis ? `via ${o.redis} (${r.workers} worker slot${r.workers === 1 ? "" : "s"})` : `on ${workers || "this"} thread${workers === 1 ? "" : "s"}`} (${fmt(summary.shotsPerS)} shots/s)\n` +
                `  ${summary.columns.length} columns → ${o.out}\n`,
            );
          }
        } finally {
          progress.stop();
          process.off("SIGINT", onSigint);
          await sink.close();
          await closeSweepPools();
        }
      }),
    );
}

import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { MoldtwinError } from "../../../engine/errors.ts";
import { closeSweepPools, defaultWorkers } from "../../../engine/sweep/pool.ts";
import type { Setpoint, WindowResult } from "../../../engine/window/window.ts";
import { unitOf } from "../../../twin-models/schemas/sweep.ts";
import { WindowScenario } from "../../../twin-models/schemas/window.ts";
import { parse } from "../../../twin-models/validate.ts";
import type { ArrowFileSink } from "../../arrowFile.ts";
import { areaDiagramSvg } from "../../svg/areaDiagram.ts";
import { REDIS_OPTION, withDistributed } from "../distributed.ts";
import { fmt, numeric, printJson, readJsonFile, run } from "../io.ts";
import { progressReporter } from "../progress.ts";

/** Below this many grid points the pool's start-up costs more than it saves: run in-process unless told. */
const POOL_THRESHOLD_POINTS = 20_000;

export function parseWorkers(raw: string | undefined, points: number): number {
  if (raw === undefined) return points >= POOL_THRESHOLD_POINTS ? defaultWorkers() : 0;
  const n = numeric(raw);
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > 256) {
    throw new MoldtwinError("CLI_ERR_USAGE", `--workers must be a whole number from 0 to 256, got "${raw}"`, [
      { field: "--workers", value: raw, allowed: "0 (in this thread) … 256 worker threads" },
    ]);
  }
  return n;
}

const settingsLine = (s: Record<string, number>): string =>
  Object.entries(s)
    .map(([k, v]) => `${k} ${fmt(v)} ${unitOf(k)}`)
    .join(", ");

function setpointLines(label: string, p: Setpoint, r: WindowResult & { feasible: true }): string {
  const q = p.robustness;
  const cd = r.cpkRequired;
  return (
    `${label}: ${settingsLine(p.settings)}\n` +
    `    yield ${fmt(100 * q.yield)} % under noise · Cpk(critical dimension) ${fmt(q.criticalDimensionCpk)} ` +
    `(${q.criticalDimensionCpk >= cd ? "meets" : "below"} ${cd}) · cycle ${fmt(q.cycleTimeMeanS)} s · ` +
    `${fmt(q.energyPerPartMeanKWh)} kWh/part · part mass ${fmt(q.partMassMeanG)} ± ${fmt(q.partMassSdG)} g · ` +
    `bad-day margin (P5) ${fmt(q.worstMarginP05)} · ${fmt(p.boundaryDistance)} of the range from the nearest limit\n` +
    `    one knob at a time stays feasible over: ${p.runs.map((x) => `${x.name} ${fmt(x.min)}–${fmt(x.max)}`).join(", ")}\n`
  );
}

export function windowReport(r: WindowResult): string {
  let s = `moldtwin window — ${r.scenario}\n`;
  s += `  ${r.twin.moldId} on ${r.twin.machineId} with ${r.twin.materialId}\n`;
  s += `  ${r.search.mode} search: ${r.search.evaluations} of ${r.search.gridPoints} grid points simulated (${fmt(100 * r.search.evaluatedShare)} %) in ${fmt(r.elapsedMs / 1000)} s\n`;
  s += `  ${r.counts.feasible} feasible, ${r.counts.preferred} preferred of ${r.counts.points}; window ${r.closedOnEverySide ? "closed on every side" : "NOT closed on every side"}\n\n`;
  const rows = r.factors.map((f) => [
    `${f.name} (${unitOf(f.name)})`,
    `${fmt(f.sweptMin)}–${fmt(f.sweptMax)}`,
    f.feasible ? `${fmt(f.feasible.min)}–${fmt(f.feasible.max)}` : "none",
    f.preferred ? `${fmt(f.preferred.min)}–${fmt(f.preferred.max)}` : "none",
    f.low.closed ? f.low.limitedByLabel : "OPEN: extend min",
    f.high.closed ? f.high.limitedByLabel : "OPEN: extend max",
  ]);
  const head = ["setting", "swept", "feasible", "preferred", "low side limited by", "high side limited by"];
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k]!.length)));
  const line = (cells: string[]): string => `  ${cells.map((c, k) => c.padEnd(widths[k]!)).join("  ")}\n`;
  s += line(head) + rows.map(line).join("");
  if (!r.feasible) {
    s += `\nINFEASIBLE: ${r.infeasible.message}\n  failing constraints (share of simulated points):\n`;
    for (const c of r.infeasible.failingConstraints.slice(0, 6)) s += `    ${fmt(100 * c.share)} %  ${c.label}\n`;
    return s;
  }
  s += `\n${setpointLines(`recommended (${r.recommended.objective})`, r.recommended, r)}`;
  if (r.objectivesConflict) {
    s += "\nthe objectives conflict; their optima:\n";
    s += setpointLines("  shortest cycle", r.optima.shortestCycle, r);
    s += setpointLines("  least kWh/part", r.optima.leastEnergy, r);
    s += setpointLines("  most robust", r.optima.mostRobust, r);
    s += `  Pareto set: ${r.pareto.length} setpoints (see --json)\n`;
  }
  if (r.sensitivity) {
    s += `\nsensitivity over the swept ranges (total Sobol' index; ${r.sensitivity.evaluations} shots):\n`;
    const names = r.factors.map((f) => f.name);
    s += `  ${"output".padEnd(26)}${names.map((n) => n.padStart(18)).join("")}\n`;
    for (const o of r.sensitivity.outputs) {
      s += `  ${o.output.padEnd(26)}${o.indices.map((x) => fmt(x.total).padStart(18)).join("")}\n`;
    }
  }
  s += `\nnoise model: melt ±${r.noise.meltTempSdC} °C, mold ±${r.noise.moldTempSdC} °C (1σ), viscosity lot CV ${r.noise.viscosityLotCv}, check-ring leakage 0–${r.noise.checkRingLeakageMax}; ${r.noise.replicates} replicates per candidate\n`;
  return s;
}

/** The object `window --json` prints; the HTTP job runner (adapters/http/jobWorker.ts) returns the same. */
export function windowJson(r: WindowResult, workers: number, files: Record<string, string>) {
  return { ...r, workers, files };
}

export function registerWindow(program: Command): void {
  program
    .command("window <scenario>")
    .description("process window: feasible and preferred ranges, what limits each side, the robust optimum")
    .option("--workers <n>", "worker threads (0 = this thread; default: all cores for large grids)")
    .option(...REDIS_OPTION)
    .option("--out <file.arrow>", "write every simulated shot as an Arrow IPC file")
    .option("--svg <file.svg>", "write the molding-area diagram")
    .option("--adaptive", "adaptive search: simulate only near the window's boundary")
    .option("--grid", "simulate the full grid")
    .option("--objective <name>", "most-robust | shortest-cycle | least-energy (overrides the scenario)")
    .option("--json", "print one JSON object")
    .action(async (scenarioPath: string, o) =>
      run(Boolean(o.json), async () => {
        const raw = readJsonFile(scenarioPath, "scenario") as Record<string, unknown>;
        if (o.objective !== undefined && raw && typeof raw === "object") raw.objective = o.objective;
        const sc = parse(WindowScenario, raw, "scenario");
        const points = sc.factors.reduce((a, f) => a * f.levels, 1);
        let workers = parseWorkers(o.workers, points);
        const sink: ArrowFileSink | null = o.out ? (await import("../../arrowFile.ts")).openArrowFileSink(o.out) : null;
        // Loaded on use: the window's expression engine (mathjs) takes ≈ 0.5 s to import, and every other
        // command should start without it.
        const { runWindow } = await import("../../../engine/window/window.ts");
        const progress = progressReporter();
        const abort = new AbortController();
        const onSigint = (): void => abort.abort();
        process.once("SIGINT", onSigint);
        try {
          const r = await withDistributed(o.redis, async ({ executor, slots }) => {
            const w = await runWindow(sc, {
              workers,
              ...(executor ? { executor } : {}),
              signal: abort.signal,
              onProgress: (stage, p) => progress.update(stage, p.rowsDone, p.rows),
              ...(sink ? { sink: (t) => sink.write(t) } : {}),
              ...(o.adaptive ? { search: "adaptive" as const } : o.grid ? { search: "grid" as const } : {}),
            });
            workers = slots() ?? workers;
            return w;
          });
          progress.stop();
          if (o.svg) writeFileSync(o.svg, areaDiagramSvg(r));
          const files = { ...(o.out ? { arrow: o.out } : {}), ...(o.svg ? { svg: o.svg } : {}) };
          if (o.json) printJson(windowJson(r, workers, files));
          else {
            process.stdout.write(windowReport(r));
            for (const [k, v] of Object.entries(files)) process.stdout.write(`${k}: ${v}\n`);
          }
        } finally {
          progress.stop();
          process.off("SIGINT", onSigint);
          await sink?.close();
          await closeSweepPools();
        }
      }),
    );
}

import type { MessagePort } from "node:worker_threads";
import { type Table, tableToIPC } from "apache-arrow";
import { move, transferableSymbol, valueSymbol } from "piscina";
import { MoldtwinError } from "../../engine/errors.ts";
import type { ChunkExecutor } from "../../engine/runner/executor.ts";
import type { ContractScenario } from "../../twin-models/schemas/contract.ts";
import type { ForecastScenario } from "../../twin-models/schemas/forecast.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import type { SparesScenario } from "../../twin-models/schemas/spares.ts";
import type { WindowScenario } from "../../twin-models/schemas/window.ts";

/**
 * The piscina task of the HTTP service's job runner (adapters/http/jobs.ts): one window, forecast, spares or
 * contract run, on this worker thread only (workers: 0 everywhere, so pools are never nested), with the same
 * engine calls as the CLI command and the same `--json` object (the commands' `…Json` builders). Progress goes
 * back through the MessagePort in the task; cancellation is piscina's: the thread is terminated.
 *
 * The engine modules are imported on first use of a kind (the window's mathjs alone takes ≈ 0.5 s to load).
 */

export type JobInput =
  | { kind: "window"; scenario: WindowScenario }
  | { kind: "forecast"; scenario: ForecastScenario; plant: Plant }
  | { kind: "spares"; scenario: SparesScenario; plants: Plant[] }
  | { kind: "contract"; scenario: ContractScenario; plant: Plant };

/** `redisUrl`: the service's distributed runner — chunked kinds fan out to `moldtwin worker`s through Redis. */
export type JobTask = JobInput & { port: MessagePort; redisUrl?: string };

/** A progress message: the stage's own count (rows, presses, runs, steps) and the run's overall fraction. */
export interface JobProgress {
  stage: string;
  done: number;
  total: number;
  fraction: number;
}

export interface JobError {
  code: string;
  message: string;
  details: unknown[];
}

/**
 * `json`: the CLI's `--json` object, serialised (exactly what `JSON.parse` of the CLI's stdout gives back);
 * `progress`: the last progress (its message may arrive after the outcome, or not at all once the port closes).
 */
export type JobOutcome =
  | { ok: true; json: string; arrow: Uint8Array; progress: JobProgress | null }
  | { ok: false; error: JobError };

/** Progress messages at most every 50 ms, except a stage's first and last. */
const POST_INTERVAL_MS = 50;

type Report = ((stage: string, done: number, total: number) => void) & { latest: JobProgress | null };

interface KindOutput {
  json: unknown;
  table: Table;
  progress: JobProgress | null;
}

/**
 * Turns a stage's count into the run's overall fraction with fixed stage weights (the share of the work each
 * stage does, estimated from the scenario); the fraction never goes back.
 */
function reporter(port: MessagePort, weights: (stage: string) => [from: number, to: number]): Report {
  let last = 0;
  let lastStage = "";
  let fraction = 0;
  const report: Report = Object.assign(
    (stage: string, done: number, total: number): void => {
      const [from, to] = weights(stage);
      fraction = Math.max(fraction, Math.min(1, from + (to - from) * (total > 0 ? done / total : 0)));
      report.latest = { stage, done, total, fraction };
      const now = performance.now();
      if (stage === lastStage && done < total && now - last < POST_INTERVAL_MS) return;
      last = now;
      lastStage = stage;
      port.postMessage(report.latest);
    },
    { latest: null },
  );
  return report;
}

async function runWindowJob(sc: WindowScenario, port: MessagePort, executor?: ChunkExecutor): Promise<KindOutput> {
  const [{ runWindow }, { windowJson }, { windowTable }] = await Promise.all([
    import("../../engine/window/window.ts"),
    import("../cli/commands/window.ts"),
    import("./runOutput.ts"),
  ]);
  // Shots per stage: the grid (an upper bound on an adaptive search), the robustness Monte Carlo of at most
  // `candidates` setpoints, the Sobol' sample (reported by no progress: it fills the gap to 1 at the end).
  const grid = sc.factors.reduce((a, f) => a * f.levels, 1);
  const mc = sc.robustness.candidates * sc.robustness.replicates;
  const sobol = sc.sensitivity.baseSamples * (sc.factors.length + 2);
  const all = grid + mc + sobol;
  const searchTo = grid / all;
  let searched = 0;
  let lastRows = 0;
  let lastDone = 0;
  const report = reporter(port, (stage) =>
    stage === "robustness Monte Carlo" ? [searchTo, (grid + mc) / all] : [0, searchTo],
  );
  const chunks: Table[] = [];
  const r = await runWindow(sc, {
    workers: 0,
    ...(executor ? { executor } : {}),
    sink: (t) => {
      chunks.push(t);
    },
    onProgress: (stage, p) => {
      if (stage === "adaptive search") {
        // Each adaptive round counts its own rows: report the rounds' sum against the grid.
        if (p.rowsDone < lastDone) searched += lastRows;
        lastDone = p.rowsDone;
        lastRows = p.rows;
        report(stage, Math.min(grid, searched + p.rowsDone), grid);
      } else report(stage, p.rowsDone, p.rows);
    },
  });
  return { json: windowJson(r, 0, {}), table: windowTable(sc, r, chunks), progress: report.latest };
}

async function runForecastJob(
  sc: ForecastScenario,
  plant: Plant,
  port: MessagePort,
  executor?: ChunkExecutor,
): Promise<KindOutput> {
  const [{ forecastFleetParallel }, { forecastJson }, { forecastTable }] = await Promise.all([
    import("../../engine/fleet/parallel.ts"),
    import("../cli/commands/forecast.ts"),
    import("./runOutput.ts"),
  ]);
  const report = reporter(port, () => [0, 1]);
  const r = await forecastFleetParallel(plant, sc, {
    workers: 0,
    ...(executor ? { executor } : {}),
    onProgress: (p) => report("forecast", p.done, p.total),
  });
  return { json: forecastJson(sc, r, 0, {}), table: forecastTable(r), progress: report.latest };
}

async function runSparesJob(sc: SparesScenario, plants: Plant[], port: MessagePort): Promise<KindOutput> {
  const [{ planSpares }, { sparesJson }, { sparesTable }] = await Promise.all([
    import("../../engine/spares/spares.ts"),
    import("../cli/commands/spares.ts"),
    import("./runOutput.ts"),
  ]);
  const report = reporter(port, () => [0, 1]);
  const r = planSpares(
    sc,
    plants.map((plant) => ({ plant })),
    (p) => report(p.phase, p.done, p.total),
  );
  return { json: sparesJson(sc, r, {}), table: sparesTable(r), progress: report.latest };
}

async function runContractJob(
  sc: ContractScenario,
  plant: Plant,
  port: MessagePort,
  executor?: ChunkExecutor,
): Promise<KindOutput> {
  const [contract, { evaluatePnl, tierTerms }, { contractJson }, { contractTable }] = await Promise.all([
    import("../../engine/contracts/contract.ts"),
    import("../../engine/contracts/pnl.ts"),
    import("../cli/commands/contract.ts"),
    import("./runOutput.ts"),
  ]);
  const { simulateScenario, outcomesFor, tornadoOf, contractResult, DRIVERS } = contract;
  const terms = tierTerms(sc.tier, sc);
  // Runs simulated per stage: the main simulation, then two re-simulations per physical tornado driver on
  // min(runs, 2000) runs (tornadoOf's default), which on the demo scenarios is most of the work.
  const physical = DRIVERS.filter((d) => d.physical && (terms.pdm || !d.name.startsWith("PdM"))).length;
  const main = sc.runs;
  const tornadoRuns = 2 * physical * Math.min(sc.runs, 2000);
  const split = main / (main + tornadoRuns);
  const report = reporter(port, (stage) => (stage === "tornado" ? [split, 1] : [0, split]));
  const options = { workers: 0, tornado: true, onProgress: report, ...(executor ? { executor } : {}) };
  // runContract's steps, spelled out to keep the per-run P&L for the Arrow table.
  const sim = await simulateScenario(sc, plant, [sc.tier], options);
  const outcomes = outcomesFor(sim, terms);
  const pnl = evaluatePnl(sim.model, outcomes, sc, terms, sc.price);
  const tornado = await tornadoOf(sim, terms, sc.price, options);
  const r = contractResult(sim, terms, outcomes, pnl, tornado);
  return { json: contractJson(sc, r), table: contractTable(r, pnl), progress: report.latest };
}

async function run(task: JobTask): Promise<KindOutput> {
  // Spares is not chunked (its Monte Carlo is one pass): it always runs here.
  if (task.kind === "spares") return runSparesJob(task.scenario, task.plants, task.port);
  const { openBullmqExecutor } = task.redisUrl
    ? await import("../queue/bullmqExecutor.ts")
    : { openBullmqExecutor: null };
  const executor = openBullmqExecutor ? await openBullmqExecutor({ url: task.redisUrl! }) : undefined;
  try {
    if (task.kind === "window") return await runWindowJob(task.scenario, task.port, executor);
    if (task.kind === "forecast") return await runForecastJob(task.scenario, task.plant, task.port, executor);
    return await runContractJob(task.scenario, task.plant, task.port, executor);
  } finally {
    await executor?.close();
  }
}

export function jobError(e: unknown): JobError {
  if (e instanceof MoldtwinError) {
    return { code: e.code, message: e.message, details: JSON.parse(JSON.stringify(e.details)) as unknown[] };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: "INTERNAL_ERR", message: `internal error: ${message}`, details: [] };
}

export default async function runJob(task: JobTask): Promise<JobOutcome> {
  try {
    const { json, table, progress } = await run(task);
    const out = { ok: true as const, json: JSON.stringify(json), arrow: tableToIPC(table, "stream"), progress };
    // The Arrow bytes are moved to the main thread, not copied.
    return move({
      get [transferableSymbol]() {
        return [out.arrow.buffer];
      },
      get [valueSymbol]() {
        return out;
      },
    }) as unknown as JobOutcome;
  } catch (e) {
    if (process.env.MOLDTWIN_DEBUG && !(e instanceof MoldtwinError)) console.error(e);
    return { ok: false, error: jobError(e) };
  } finally {
    task.port.close();
  }
}

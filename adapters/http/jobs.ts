import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { MessageChannel } from "node:worker_threads";
import { Piscina } from "piscina";
import { MoldtwinError } from "../../engine/errors.ts";
import { checkSettings } from "../../engine/molding/simulateShot.ts";
import { checkFactors } from "../../engine/sweep/plan.ts";
import { resolveTwin } from "../../twin-models/resolve.ts";
import { ContractScenario } from "../../twin-models/schemas/contract.ts";
import { ForecastScenario } from "../../twin-models/schemas/forecast.ts";
import { SparesScenario } from "../../twin-models/schemas/spares.ts";
import { WindowScenario } from "../../twin-models/schemas/window.ts";
import { parse } from "../../twin-models/validate.ts";
import { loadPlantRef } from "../plantFile.ts";
import type { JobError, JobInput, JobOutcome, JobProgress, JobTask } from "./jobWorker.ts";

/**
 * The HTTP service's job runner (issue 8, "runs"): window, forecast, spares and contract runs as jobs on a
 * piscina pool of `threads` worker threads (default 1: on 2 cores the HTTP thread keeps the other), so the
 * server's event loop stays responsive and a run outlives the request that started it (results stay here).
 *
 * - submit validates synchronously, exactly like the CLI: the scenario against the kind's TypeBox schema (root
 *   "scenario", so errors name e.g. `scenario.factors[0].levels`), the plant refs resolved against `baseDir` (a
 *   demo plant id or a plant .json path relative to it, as relative to the scenario file in the CLI), and the
 *   window's twin ids, settings and factor ranges. Bad input throws the MoldtwinError; a full queue throws
 *   RUN_ERR_QUEUE_FULL (429). What only the engine can check (e.g. a forecast's replacement naming a press the
 *   plant lacks) fails the run: status "failed" with the engine's error.
 * - Runs wait in a FIFO queue (at most `maxQueued`) and go to the pool when a thread is free. Each runs on its
 *   worker thread alone (the engine with workers: 0), with the same engine calls as the CLI command, so the
 *   same scenario and seed give the CLI's `--json` object (a window's `elapsedMs` aside, which is a clock).
 * - Progress: `progress.stage` names the engine's stage and `done`/`total` count in its unit (grid rows, presses,
 *   Monte Carlo runs, steps), as the CLI's progress bar does, so they restart at a new stage; `fraction` is the
 *   whole run's share done (stages weighted by their estimated work), never goes back, and is 1 when done.
 * - Cancel: a queued run is cancelled at once; a running one's worker thread is terminated (piscina abort) and
 *   the run is marked cancelled at once; piscina starts a fresh thread for the next run. A cancelled run's
 *   `error` is RUN_ERR_CANCELLED, a failed one's the engine's error (code, message, details).
 * - subscribe: progress changes at most every 100 ms (the latest state is always delivered), status changes at
 *   once. It does not replay the current state: call get() after subscribing.
 * - Finished runs beyond `keepRuns` are forgotten, oldest first (result bytes included).
 */

export type RunKind = "window" | "forecast" | "spares" | "contract";
export const RUN_KINDS: readonly RunKind[] = ["window", "forecast", "spares", "contract"];
export type RunStatus = "queued" | "running" | "done" | "failed" | "cancelled";

export interface RunInfo {
  /** "run-" + 12 random hex digits. */
  id: string;
  kind: RunKind;
  /** The scenario's name. */
  name: string;
  scenarioId: string | null;
  /** Owner tenant id (scoping is done by the caller). */
  tenant: string;
  /** User or token id. */
  owner: string;
  status: RunStatus;
  /** `stage`: the engine's current stage (null before the first report); see the module comment. */
  progress: { done: number; total: number; fraction: number; stage: string | null };
  createdAtMs: number;
  startedAtMs: number | null;
  finishedAtMs: number | null;
  error: { code: string; message: string; details: unknown[] } | null;
}

export interface SubmitRequest {
  kind: RunKind;
  /** Raw JSON: a scenario file's content or a posted body. */
  scenario: unknown;
  scenarioId?: string | null;
  /** Folder that relative plant/file refs in the scenario resolve against. */
  baseDir: string;
  /** Overrides the scenario's seed when given (a window's `robustness.seed`, which also seeds its Sobol sample). */
  seed?: number;
  tenant: string;
  owner: string;
}

export interface JobManager {
  /** Validates synchronously with the same TypeBox schema as the CLI (throws MoldtwinError naming the field), then queues. */
  submit(req: SubmitRequest): RunInfo;
  get(id: string): RunInfo | undefined;
  /** Newest first. */
  list(): RunInfo[];
  /** queued → cancelled at once; running → worker aborted, status cancelled; finished → unchanged. */
  cancel(id: string): RunInfo | undefined;
  /** The exact object the CLI's --json prints for that scenario, once done. */
  result(id: string): unknown | undefined;
  /** The same, as the JSON text (compact), to send without serialising it again. */
  resultJson(id: string): string | undefined;
  /** Arrow IPC *stream* bytes of the run's main table (see runOutput.ts for each kind's columns). */
  resultArrow(id: string): Uint8Array | undefined;
  /** Progress/status changes, throttled to ≤ 10/s; returns the unsubscribe function. */
  subscribe(id: string, listener: (info: RunInfo) => void): () => void;
  close(): Promise<void>;
}

export interface JobManagerOptions {
  /** Worker threads, default 1. */
  threads?: number;
  /** Runs waiting for a thread before submit refuses (RUN_ERR_QUEUE_FULL), default 20. */
  maxQueued?: number;
  /** Finished runs kept (with their results), default 100. */
  keepRuns?: number;
  /**
   * Heap limit of a worker thread (MB), default 4096: a run that needs more fails (INTERNAL_ERR) instead of
   * taking the server down.
   */
  workerHeapMb?: number;
  /** Fan the chunked kinds (window, forecast, contract) out to `moldtwin worker`s through this Redis. */
  redisUrl?: string;
}

const WORKER = new URL("./jobWorker.ts", import.meta.url).href;
const NOTIFY_INTERVAL_MS = 100;

interface Run {
  info: RunInfo;
  input: JobInput | null;
  abort: AbortController | null;
  json: string | null;
  parsed: unknown;
  arrow: Uint8Array | null;
  listeners: Set<(info: RunInfo) => void>;
  lastNotifyMs: number;
  timer: NodeJS.Timeout | null;
}

/**
 * The validated input of a run: the scenario with its defaults (and the seed override), plants loaded. Throws
 * the MoldtwinError of the first problem, as the CLI would.
 */
export function prepareRun(req: Pick<SubmitRequest, "kind" | "scenario" | "baseDir" | "seed">): JobInput {
  const kind = req.kind;
  if (!RUN_KINDS.includes(kind)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `unknown run kind ${JSON.stringify(kind)}`, [
      { field: "kind", value: kind, allowed: `one of: ${RUN_KINDS.join(", ")}` },
    ]);
  }
  const raw = withSeed(kind, req.scenario, req.seed);
  // loadPlantRef resolves a path ref against the scenario file's folder: a file in baseDir stands for it.
  const scenarioPath = join(req.baseDir, "scenario.json");
  switch (kind) {
    case "window": {
      const scenario = parse(WindowScenario, raw, "scenario");
      // runWindow's first checks (cheap; its constraint expressions need mathjs and are checked in the worker).
      const twin = resolveTwin(scenario.twin, "scenario.twin");
      checkSettings(twin, scenario.settings, "scenario.settings");
      checkFactors(twin, scenario.settings, scenario.factors, "scenario.factors");
      return { kind, scenario };
    }
    case "forecast": {
      const scenario = parse(ForecastScenario, raw, "scenario");
      return { kind, scenario, plant: loadPlantRef(scenario.plant, scenarioPath) };
    }
    case "spares": {
      const scenario = parse(SparesScenario, raw, "scenario");
      return { kind, scenario, plants: scenario.sites.map((s) => loadPlantRef(s.plant, scenarioPath)) };
    }
    case "contract": {
      const scenario = parse(ContractScenario, raw, "scenario");
      return { kind, scenario, plant: loadPlantRef(scenario.plant, scenarioPath) };
    }
  }
}

/** The scenario with the seed overridden (a copy; non-objects are left for the schema to reject). */
function withSeed(kind: RunKind, scenario: unknown, seed: number | undefined): unknown {
  if (seed === undefined || scenario === null || typeof scenario !== "object" || Array.isArray(scenario)) {
    return scenario;
  }
  const s = scenario as Record<string, unknown>;
  if (kind !== "window") return { ...s, seed };
  const robustness = s.robustness && typeof s.robustness === "object" ? s.robustness : {};
  return { ...s, robustness: { ...robustness, seed } };
}

const snapshot = (i: RunInfo): RunInfo => ({
  ...i,
  progress: { ...i.progress },
  error: i.error ? { ...i.error, details: [...i.error.details] } : null,
});

const isFinished = (s: RunStatus): boolean => s === "done" || s === "failed" || s === "cancelled";

export function createJobManager(options: JobManagerOptions = {}): JobManager {
  const threads = options.threads ?? 1;
  const maxQueued = options.maxQueued ?? 20;
  const keepRuns = options.keepRuns ?? 100;
  const pool = new Piscina({
    filename: WORKER,
    minThreads: threads,
    maxThreads: threads,
    // Warm threads keep the engine modules loaded between runs.
    idleTimeout: Number.POSITIVE_INFINITY,
    concurrentTasksPerWorker: 1,
    resourceLimits: { maxOldGenerationSizeMb: options.workerHeapMb ?? 4096 },
  });
  const runs = new Map<string, Run>();
  const queue: Run[] = [];
  let running = 0;
  let closed = false;

  const emit = (run: Run): void => {
    if (run.timer) {
      clearTimeout(run.timer);
      run.timer = null;
    }
    run.lastNotifyMs = Date.now();
    const info = snapshot(run.info);
    for (const l of [...run.listeners]) {
      try {
        l(info);
      } catch {
        // A listener's failure (e.g. a closed socket) is its own business.
      }
    }
  };

  /** Status changes at once; progress at most every NOTIFY_INTERVAL_MS, the latest state always delivered. */
  const notify = (run: Run, statusChange: boolean): void => {
    if (run.listeners.size === 0) return;
    const wait = run.lastNotifyMs + NOTIFY_INTERVAL_MS - Date.now();
    if (statusChange || wait <= 0) emit(run);
    else if (!run.timer) {
      run.timer = setTimeout(() => emit(run), wait);
      run.timer.unref();
    }
  };

  const finish = (run: Run, status: "done" | "failed" | "cancelled", error: JobError | null): void => {
    const i = run.info;
    i.status = status;
    i.finishedAtMs = Date.now();
    i.error = error;
    if (status === "done") i.progress = { ...i.progress, done: i.progress.total, fraction: 1 };
    run.input = null;
    run.abort = null;
    notify(run, true);
    run.listeners.clear();
    evict();
  };

  const evict = (): void => {
    let finished = 0;
    for (const r of runs.values()) if (isFinished(r.info.status)) finished++;
    for (const [id, r] of runs) {
      if (finished <= keepRuns) break;
      if (!isFinished(r.info.status)) continue;
      runs.delete(id);
      finished--;
    }
  };

  const pump = (): void => {
    while (!closed && running < threads && queue.length > 0) start(queue.shift()!);
  };

  const start = (run: Run): void => {
    running++;
    const input = run.input!;
    const abort = new AbortController();
    run.abort = abort;
    run.info.status = "running";
    run.info.startedAtMs = Date.now();
    notify(run, true);
    const { port1, port2 } = new MessageChannel();
    port1.on("message", (p: JobProgress) => {
      if (run.info.status !== "running") return;
      run.info.progress = { done: p.done, total: p.total, fraction: p.fraction, stage: p.stage };
      notify(run, false);
    });
    const task: JobTask = { ...input, port: port2, ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}) };
    (pool.run(task, { signal: abort.signal, transferList: [port2] }) as Promise<JobOutcome>)
      .then(
        (out) => {
          if (run.info.status !== "running") return;
          if (out.ok) {
            run.json = out.json;
            run.arrow = out.arrow;
            if (out.progress) run.info.progress = { ...out.progress };
            finish(run, "done", null);
          } else finish(run, "failed", out.error);
        },
        (e: unknown) => {
          if (run.info.status !== "running") return;
          // Not the engine's error (that comes back as an outcome): the thread died, e.g. out of memory.
          const message = e instanceof Error ? e.message : String(e);
          finish(run, "failed", { code: "INTERNAL_ERR", message: `the run's worker failed: ${message}`, details: [] });
        },
      )
      .finally(() => {
        port1.close();
        running--;
        pump();
      });
  };

  const cancelledError = (what: string): JobError => ({
    code: "RUN_ERR_CANCELLED",
    message: `the run was cancelled ${what}`,
    details: [],
  });

  return {
    submit(req) {
      if (closed) throw new MoldtwinError("RUN_ERR_CANCELLED", "the job runner is shutting down: no new runs");
      const input = prepareRun(req);
      if (queue.length >= maxQueued) {
        throw new MoldtwinError(
          "RUN_ERR_QUEUE_FULL",
          `${queue.length} runs are already waiting for a worker: try again when one has finished`,
          [{ field: "runs", value: queue.length, allowed: `at most ${maxQueued} queued runs` }],
        );
      }
      const info: RunInfo = {
        id: `run-${randomBytes(6).toString("hex")}`,
        kind: input.kind,
        name: input.scenario.name,
        scenarioId: req.scenarioId ?? null,
        tenant: req.tenant,
        owner: req.owner,
        status: "queued",
        progress: { done: 0, total: 0, fraction: 0, stage: null },
        createdAtMs: Date.now(),
        startedAtMs: null,
        finishedAtMs: null,
        error: null,
      };
      const run: Run = {
        info,
        input,
        abort: null,
        json: null,
        parsed: undefined,
        arrow: null,
        listeners: new Set(),
        lastNotifyMs: 0,
        timer: null,
      };
      runs.set(info.id, run);
      queue.push(run);
      pump();
      return snapshot(info);
    },

    get(id) {
      const run = runs.get(id);
      return run ? snapshot(run.info) : undefined;
    },

    list() {
      return [...runs.values()].reverse().map((r) => snapshot(r.info));
    },

    cancel(id) {
      const run = runs.get(id);
      if (!run) return undefined;
      if (run.info.status === "queued") {
        queue.splice(queue.indexOf(run), 1);
        finish(run, "cancelled", cancelledError("before it started"));
      } else if (run.info.status === "running") {
        const abort = run.abort;
        finish(run, "cancelled", cancelledError("while running"));
        abort?.abort();
      }
      return snapshot(run.info);
    },

    result(id) {
      const run = runs.get(id);
      if (!run || run.json === null) return undefined;
      if (run.parsed === undefined) run.parsed = JSON.parse(run.json);
      return run.parsed;
    },

    resultJson(id) {
      return runs.get(id)?.json ?? undefined;
    },

    resultArrow(id) {
      return runs.get(id)?.arrow ?? undefined;
    },

    subscribe(id, listener) {
      const run = runs.get(id);
      if (!run || isFinished(run.info.status)) return () => {};
      run.listeners.add(listener);
      return () => {
        run.listeners.delete(listener);
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const run of queue.splice(0)) finish(run, "cancelled", cancelledError("by the server's shutdown"));
      for (const run of runs.values()) {
        if (run.info.status !== "running") continue;
        const abort = run.abort;
        finish(run, "cancelled", cancelledError("by the server's shutdown"));
        abort?.abort();
      }
      await pool.destroy();
    },
  };
}

export type { JobError };

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { freePort } from "../freePort.ts";
import type { SimCell } from "../opcua/cell.ts";
import type { Ingest } from "../opcua/ingest.ts";
import { loadPlant } from "../plantFile.ts";
import type { HistoryStore } from "../store/historyStore.ts";
import { type BuiltApp, buildApp } from "./app.ts";
import { Auth } from "./auth.ts";
import { CycleWrites } from "./historyReader.ts";
import { createJobManager, type JobManager } from "./jobs.ts";
import { LiveHub } from "./live.ts";
import { type LogSink, type ProtectionOptions, protectionFromEnv } from "./protection.ts";
import { ScenarioCatalog } from "./scenarioCatalog.ts";
import { Registry } from "./tenancy.ts";

/**
 * The whole product in one process: the simulated EUROMAP 77 cells (or real OPC UA endpoints), ingest into the
 * DuckDB history store and the live hub (with calibration and drift monitoring), the job pool, the API and the viewer.
 */

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const DEFAULT_PLANT_FILES = [
  join(ROOT, "seeds/case-a-automotive.json"),
  join(ROOT, "seeds/case-b-medical.json"),
];
/** The plant forecast each plant's press panels read remaining life from. */
const FORECAST_SCENARIOS: Record<string, string> = {
  "case-a-automotive": "case-a-forecast",
  "case-b-medical": "case-b-forecast",
};

export interface ServiceOptions {
  /** HTTP port; 0 picks a free one. Default 8080. */
  port?: number;
  host?: string;
  /** Tokens, the history store and PKI live here. Default `.moldtwin`. */
  stateDir?: string;
  storePath?: string;
  plantFiles?: string[];
  /** Real OPC UA endpoints to ingest from; when given, no simulated cell is started. */
  endpoints?: string[];
  /** Security of the ingest sessions (real endpoints; the embedded cells run on localhost with none). */
  opcuaSecurity?: "none" | "sign-and-encrypt";
  opcuaUser?: { user: string; password: string };
  /** First port of the simulated cells (one server per plant). Default 48400; 0 picks free ports (tests). */
  opcuaBasePort?: number;
  /** Wall-clock seconds per simulated second (1 = real time). */
  timeScale?: number;
  signalPeriodMs?: number;
  livePeriodMs?: number;
  /** Build and serve the viewer (default true). */
  viewer?: boolean;
  demoTokens?: boolean;
  jobThreads?: number;
  /** Distributed runner: window, forecast and contract runs go to `moldtwin worker`s through this Redis. */
  redisUrl?: string;
  log?: (line: string) => void;
  /** Rate limits and load shedding (adapters/http/protection.ts); over MOLDTWIN_RATE_LIMIT etc. from the environment. */
  protection?: Partial<ProtectionOptions>;
  /** Access log (JSON lines, tokens redacted); default none, or stdout when MOLDTWIN_ACCESS_LOG=1. */
  accessLog?: LogSink | null;
}

export interface Service {
  url: string;
  /** Demo tokens by name (empty when none were seeded). */
  tokens: Record<string, string>;
  app: FastifyInstance;
  routes: BuiltApp["routes"];
  live: LiveHub;
  jobs: JobManager;
  cells: SimCell[];
  /** The history store and the ingest client (benchmarks count cycles and gaps with them). */
  store: HistoryStore;
  ingest: Ingest;
  stop(): Promise<void>;
}

export async function startService(options: ServiceOptions = {}): Promise<Service> {
  const log = options.log ?? (() => {});
  const stateDir = options.stateDir ?? ".moldtwin";
  const plants: Plant[] = (options.plantFiles ?? DEFAULT_PLANT_FILES).map((f) => loadPlant(f));
  const registry = new Registry(plants);
  const { auth, demoTokens } = Auth.openOrSeed(stateDir, plants, { demoTokens: options.demoTokens ?? true });

  const cleanups: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const f of cleanups.splice(0).reverse()) {
      try {
        await f();
      } catch (e) {
        log(`shutdown: ${(e as Error).message}`);
      }
    }
  };
  try {
    const { openStore } = await import("../store/historyStore.ts");
    // Its cycle writes counted, so the history route answers repeated reads from memory until a press writes again.
    const cycleWrites = new CycleWrites();
    const store: HistoryStore = cycleWrites.track(
      await openStore(options.storePath ?? join(stateDir, "history.duckdb")),
    );
    cleanups.push(() => store.close());
    log(`history store ${store.path}`);

    // Real endpoints run in real time; the simulated cells at the chosen scale.
    const live = new LiveHub(plants, { timeScale: options.endpoints?.length ? 1 : (options.timeScale ?? 1) });
    const jobs = createJobManager({
      threads: options.jobThreads ?? 1,
      ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
    });
    if (options.redisUrl) log(`runs fan out through Redis at ${options.redisUrl} (start workers: npx moldtwin worker)`);
    cleanups.push(() => jobs.close());

    const cells: SimCell[] = [];
    let endpoints = options.endpoints ?? [];
    if (endpoints.length === 0) {
      const { startSimCell } = await import("../opcua/cell.ts");
      const base = options.opcuaBasePort ?? 48400;
      for (const [i, plant] of plants.entries()) {
        const port = base === 0 ? await freePort() : base + i;
        const cell = await startSimCell({
          plant,
          port,
          seed: 1 + i,
          timeScale: options.timeScale ?? 1,
          signalPeriodMs: options.signalPeriodMs ?? 1000,
          pkiDir: join(stateDir, "pki", `sim-${i}`),
        });
        cells.push(cell);
        cleanups.push(() => cell.stop());
        log(`simulated cell ${plant.id}: ${cell.presses.length} presses at ${cell.endpointUrl}`);
      }
      endpoints = cells.map((c) => c.endpointUrl);
    }
    const { startIngest } = await import("../opcua/ingest.ts");
    const ingest: Ingest = await startIngest({
      endpoints,
      sink: live.tee(store),
      ...(options.opcuaSecurity ? { security: options.opcuaSecurity } : {}),
      ...(options.opcuaUser ? { user: options.opcuaUser } : {}),
      pkiDir: join(stateDir, "pki", "client"),
      // One line per press found is noise at start; the summary below says how many.
      log: (line) => {
        if (!line.startsWith("found ")) log(`ingest: ${line}`);
      },
    });
    cleanups.push(() => ingest.stop());
    log(`ingest: ${ingest.presses.length} presses from ${endpoints.length} endpoint(s)`);

    const ticker = setInterval(() => live.tick(), 1000);
    live.tick();
    cleanups.push(async () => clearInterval(ticker));

    const scenarios = new ScenarioCatalog(join(ROOT, "scenarios"));
    const forecastRuns = new Map<string, string>();
    for (const plant of plants) {
      const entry = scenarios.entries.find((e) => e.id === FORECAST_SCENARIOS[plant.id]);
      if (!entry) continue;
      // A system run: tenant "system" lists under no one's runs; the press panels read it directly.
      const run = jobs.submit({
        kind: "forecast",
        scenario: entry.content,
        scenarioId: entry.id,
        baseDir: scenarios.dir,
        tenant: "system",
        owner: "service",
      });
      forecastRuns.set(plant.id, run.id);
    }

    let viewerDir: string | null = null;
    if (options.viewer !== false) {
      const { ensureViewerBuilt } = await import("./viewerBuild.ts");
      viewerDir = await ensureViewerBuilt({ log });
    }

    const built = await buildApp({
      registry,
      auth,
      live,
      jobs,
      store,
      cycleWrites,
      scenarios,
      forecastRuns,
      viewerDir,
      livePeriodMs: options.livePeriodMs ?? 1000,
      protection: { ...protectionFromEnv(), ...options.protection },
      accessLog:
        options.accessLog !== undefined
          ? options.accessLog
          : process.env.MOLDTWIN_ACCESS_LOG === "1"
            ? process.stdout
            : null,
    });
    cleanups.push(() => built.app.close());
    await built.app.listen({ port: options.port ?? 8080, host: options.host ?? "127.0.0.1" });
    const address = built.app.server.address();
    const port = typeof address === "object" && address ? address.port : options.port;
    return {
      url: `http://localhost:${port}/`,
      tokens: demoTokens,
      app: built.app,
      routes: built.routes,
      live,
      jobs,
      cells,
      store,
      ingest,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

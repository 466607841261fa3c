/**
 * Distributed runner benchmark (npm run bench). Prints figures; never asserts on time. Starts a real redis-server
 * and two `moldtwin worker` processes (one thread each), then:
 *  - Case A contract, 10,000 terms × 20 presses × 36 months (no tornado): local on 2 threads vs 2 worker
 *    processes via Redis — wall time, chunk count and size, mean chunk time on a worker, result bytes, the
 *    overhead per chunk (wall time beyond the workers' compute), and that the results are identical;
 *  - the queue's own cost: 32 chunks of 512 shots each (≈ 15 ms of compute), so the wall time is mostly the
 *    round trip of a chunk (job add, fetch, lock, result store, BLPOP, HGET);
 *  - the chunk-size estimate (engine/runner/sizing.ts) against the measured chunk time.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { readJsonFile } from "../adapters/cli/io.ts";
import { loadPlant } from "../adapters/plantFile.ts";
import { openBullmqExecutor } from "../adapters/queue/bullmqExecutor.ts";
import { startRedisServer } from "../adapters/queue/redisServer.ts";
import { runContract } from "../engine/contracts/contract.ts";
import { OUTPUT_FIELDS } from "../engine/molding/layout.ts";
import { starterSettings } from "../engine/molding/starterSettings.ts";
import { COST_MS, DISTRIBUTED_SIZING } from "../engine/runner/sizing.ts";
import { buildPlan } from "../engine/sweep/plan.ts";
import { closeSweepPools } from "../engine/sweep/pool.ts";
import { runSweep } from "../engine/sweep/runSweep.ts";
import { resolveTwin } from "../twin-models/resolve.ts";
import { ContractScenario } from "../twin-models/schemas/contract.ts";
import { parse } from "../twin-models/validate.ts";

const RUNS = 10_000;
const CLI = fileURLToPath(new URL("../adapters/cli/main.ts", import.meta.url));
const path = fileURLToPath(new URL("../scenarios/case-a-contract.json", import.meta.url));
const scenario = parse(ContractScenario, { ...(readJsonFile(path, "scenario") as object), runs: RUNS }, "scenario");
const plant = loadPlant();

console.log(`moldtwin distributed bench — Node ${process.version}, ${availableParallelism()} cores`);
const redis = await startRedisServer();
const logs: string[] = [];
const workers: ChildProcess[] = [0, 1].map((i) => {
  const child = spawn(process.execPath, [CLI, "worker", "--redis", redis.url, "--concurrency", "1"]);
  logs[i] = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    logs[i] += d;
  });
  return child;
});
while (!logs.every((l) => l.includes("waiting for chunks"))) await new Promise((r) => setTimeout(r, 50));

/** Seconds each worker spent on the chunks it finished since `marks` (its log: compute and storing the result). */
const chunkSeconds = (marks: number[]): number[][] =>
  logs.map((l, i) => [...l.slice(marks[i]).matchAll(/done in ([\d.]+) s/g)].map((m) => Number(m[1])));
const sum = (xs: number[]): number => xs.reduce((a, x) => a + x, 0);
const mark = (): number[] => logs.map((l) => l.length);

const executor = await openBullmqExecutor({ url: redis.url });
try {
  // Warm-up: both workers compile the fleet and JIT the kernel; the local pool starts its threads.
  const warm = { ...scenario, runs: 1000 };
  await runContract(warm, plant, { executor, tornado: false });
  await runContract(warm, plant, { workers: 2, tornado: false });

  let t0 = performance.now();
  const local = await runContract(scenario, plant, { workers: 2, tornado: false });
  const localS = (performance.now() - t0) / 1000;

  const before = { ...executor.stats };
  const m = mark();
  t0 = performance.now();
  const remote = await runContract(scenario, plant, { executor, tornado: false });
  const remoteS = (performance.now() - t0) / 1000;
  const perWorker = chunkSeconds(m);
  const times = perWorker.flat();
  const chunks = executor.stats.chunks - before.chunks;
  const bytes = executor.stats.resultBytes - before.resultBytes;
  const mean = sum(times) / Math.max(1, times.length);
  // Overhead: wall time beyond the busier worker's chunks, per chunk that worker ran (imbalance excluded).
  const busiest = perWorker.reduce((a, w) => (sum(w) > sum(a) ? w : a), [] as number[]);
  const overheadS = remoteS - sum(busiest);
  const estimate = (RUNS / chunks) * remote.presses * remote.termMonths * COST_MS.contractPressMonth;
  const same = JSON.stringify(local) === JSON.stringify(remote);
  console.log(
    `  contract Case A, ${RUNS.toLocaleString("en-US")} terms × ${remote.presses} presses × ${remote.termMonths} months, no tornado:`,
  );
  console.log(`    local, 2 threads:              ${localS.toFixed(2)} s`);
  console.log(
    `    2 worker processes via Redis:  ${remoteS.toFixed(2)} s (${(localS / remoteS).toFixed(2)}× the local speed), ` +
      `${same ? "identical to the local run" : "(!) DIFFERS from the local run"}`,
  );
  console.log(
    `    ${chunks} chunks of ≈ ${Math.round(RUNS / chunks)} runs (${perWorker.map((w) => w.length).join(" + ")} per worker); ` +
      `mean chunk ${mean.toFixed(2)} s on a worker (${Math.min(...times).toFixed(2)}–${Math.max(...times).toFixed(2)} s; ` +
      `estimated ${(estimate / 1000).toFixed(2)} s; target ${DISTRIBUTED_SIZING.targetMs / 1000} s, ≥ ${DISTRIBUTED_SIZING.minMs / 1000} s); ` +
      `results ${(bytes / chunks / 1e6).toFixed(1)} MB a chunk`,
  );
  console.log(
    `    overhead per chunk: ${((1000 * overheadS) / Math.max(1, busiest.length)).toFixed(0)} ms ` +
      `(wall time beyond the busier worker's ${sum(busiest).toFixed(2)} s of chunks, over its ${busiest.length} chunks: ` +
      `job hand-over, fetching the result, merging)`,
  );

  // The queue's own round trip: many tiny chunks.
  const twin = resolveTwin({ material: "pp-isofil-hk10-tvhm", machine: "e110-all-electric", mold: "clip-4cav-auto" });
  const plan = buildPlan(
    twin,
    starterSettings(twin),
    [
      { name: "meltTempC", min: 215, max: 245, levels: 10, log: false },
      { name: "holdPressureMPa", min: 5, max: 20, levels: 10, log: false },
    ],
    { kind: "design", design: { kind: "sobol", dims: 2, points: 32 * 512, seed: 5 } },
    OUTPUT_FIELDS,
  );
  const tiny = await openBullmqExecutor({ url: redis.url, sizing: { targetMs: 1, minMs: 1 } });
  try {
    await runSweep(plan, { executor: tiny, chunkRows: 512, collect: false });
    const m2 = mark();
    t0 = performance.now();
    const r = await runSweep(plan, { executor: tiny, chunkRows: 512, collect: false });
    const wall = performance.now() - t0;
    const compute = sum(chunkSeconds(m2).flat()) * 1000;
    console.log(
      `  queue round trip: ${r.chunks} chunks of 512 shots (${(compute / r.chunks).toFixed(1)} ms of compute each) on 2 workers in ` +
        `${(wall / 1000).toFixed(2)} s → ${((wall - compute / 2) / (r.chunks / 2)).toFixed(1)} ms per chunk beyond compute`,
    );
  } finally {
    await tiny.close();
  }
} finally {
  await executor.close();
  for (const w of workers) w.kill("SIGTERM");
  await Promise.all(workers.map((w) => once(w, "exit")));
  await redis.stop();
  await closeSweepPools();
}

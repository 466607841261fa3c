import { availableParallelism } from "node:os";
import { Piscina } from "piscina";

/**
 * One warm piscina pool per thread count, shared by every chunked run in the process (sweeps, forecasts, contract
 * Monte Carlo, and the chunks a distributed worker takes from Redis): its worker is engine/runner/poolWorker.ts. Settings follow the engineering
 * reference §3.1: min = max threads (no churn), an explicit idle timeout (piscina's default 0 makes idle workers
 * exit at once), one task per worker at a time (the kernel is CPU-bound).
 */
const IDLE_TIMEOUT_MS = 30_000;
const pools = new Map<number, Piscina>();

export const defaultWorkers = (): number => Math.max(1, availableParallelism());

export function sweepPool(threads: number): Piscina {
  let pool = pools.get(threads);
  if (!pool) {
    pool = new Piscina({
      filename: new URL("../runner/poolWorker.ts", import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: IDLE_TIMEOUT_MS,
      concurrentTasksPerWorker: 1,
    });
    pools.set(threads, pool);
  }
  return pool;
}

/** Stops every pool so the process can exit (CLI end, server shutdown, test teardown). */
export async function closeSweepPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.destroy()));
}

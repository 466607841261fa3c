import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { type Job, UnrecoverableError, Worker } from "bullmq";
import { MoldtwinError } from "../../engine/errors.ts";
import type { ChunkTask } from "../../engine/runner/chunk.ts";
import { closeSweepPools, sweepPool } from "../../engine/sweep/pool.ts";
import {
  bullmqConnection,
  type ChunkJobData,
  closeRedis,
  codedReason,
  connectRedis,
  decode,
  encode,
  QUEUE,
  runKeys,
  storeResult,
  WORKER_HEARTBEAT_MS,
  WORKER_TTL_MS,
  within,
  workerKey,
} from "./protocol.ts";

/**
 * A distributed worker (`moldtwin worker --redis …`): takes chunks from the BullMQ queue and runs each with the
 * same `runChunk` as the local pool — on the same piscina pool (engine/sweep/pool.ts, one thread per slot), so
 * this process's main thread stays free to renew the chunks' locks however long a chunk computes.
 *
 * For each job: read the run's shared data (once per run: cached), run the chunk, store its result with the
 * atomic STORE_RESULT script (protocol.ts). What happens when a worker dies mid-chunk: nothing is stored, its
 * lock (lockDuration) expires, and the stalled-job check of any other worker (every stalledInterval) puts the
 * job back in the queue; the next worker runs the chunk again from its part — the same bytes, since a chunk is
 * a pure function of its task. A job may stall maxStalledCount times before it is failed. A chunk that throws
 * is retried `attempts` times with exponential backoff (set by the gatherer), except input errors
 * (MoldtwinError), which every attempt would repeat: they fail at once and the gatherer reports their code.
 */

export interface ChunkWorkerOptions {
  url: string;
  /** Chunks at a time, each on its own pool thread (default 1). */
  concurrency?: number;
  /** A chunk's lock lives this long without renewal; a dead worker's chunk re-runs after it (default 10 s). */
  lockDurationMs?: number;
  /** How often this worker looks for chunks of dead workers (default 5 s). */
  stalledIntervalMs?: number;
  /** Times a chunk may lose its worker before it is failed (default 3). */
  maxStalledCount?: number;
  /** One line per event (chunk started, done, failed; connection trouble). */
  log?: (line: string) => void;
}

export interface ChunkWorker {
  readonly id: string;
  readonly concurrency: number;
  /** Chunks run to the end (stored or not). */
  readonly processed: number;
  /** Stops taking chunks and finishes the running ones; `force` abandons them (they re-run elsewhere). */
  close(force?: boolean): Promise<void>;
}

const SHARED_CACHE_RUNS = 8;

export async function startChunkWorker(o: ChunkWorkerOptions): Promise<ChunkWorker> {
  const concurrency = Math.max(1, Math.floor(o.concurrency ?? 1));
  const log = o.log ?? (() => {});
  // Our own commands; like BullMQ's connections, it reconnects for as long as Redis is away.
  const conn = await connectRedis(o.url, { reconnect: "forever" });
  const id = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const announce = (): Promise<unknown> =>
    conn
      .set(workerKey(id), JSON.stringify({ host: hostname(), pid: process.pid, concurrency }), "PX", WORKER_TTL_MS)
      .catch(() => {});
  await announce();
  const heartbeat = setInterval(announce, WORKER_HEARTBEAT_MS);
  heartbeat.unref();

  const pool = sweepPool(concurrency);
  const shared = new Map<string, Promise<unknown>>();
  const sharedOf = (runId: string): Promise<unknown> => {
    let p = shared.get(runId);
    if (!p) {
      p = conn.getBuffer(runKeys(runId).shared).then((b) => (b ? decode(b) : null));
      p.catch(() => shared.delete(runId));
      if (shared.size >= SHARED_CACHE_RUNS) shared.delete(shared.keys().next().value!);
      shared.set(runId, p);
    }
    return p;
  };

  let processed = 0;
  const tagOf = (job: Job<ChunkJobData>): string => {
    const { kind, runId, index } = job.data;
    const again = job.attemptsStarted > 1 ? ` (start ${job.attemptsStarted})` : "";
    return `${kind} run ${runId.slice(0, 8)} chunk ${index}${again}`;
  };

  let active = 0;
  let onIdle: (() => void) | null = null;
  const processor = async (job: Job<ChunkJobData>): Promise<number> => {
    active++;
    try {
      return await processChunk(job);
    } finally {
      active--;
      if (active === 0) onIdle?.();
    }
  };
  const processChunk = async (job: Job<ChunkJobData>): Promise<number> => {
    const { runId, kind, index, part } = job.data;
    const tag = tagOf(job);
    const data = await sharedOf(runId);
    if (data === null) {
      log(`${tag}: its run is over, skipped`);
      return -1;
    }
    log(`${tag}: started`);
    const t0 = performance.now();
    let result: unknown;
    try {
      result = await pool.run({ kind, shared: data, part } as ChunkTask);
    } catch (e) {
      if (e instanceof MoldtwinError) throw new UnrecoverableError(codedReason(e));
      throw e;
    }
    const stored = await storeResult(conn, runId, index, encode(result));
    processed++;
    const what = stored === 1 ? "stored" : stored === 0 ? "already stored by an earlier run of it" : "its run is over";
    log(`${tag}: done in ${((performance.now() - t0) / 1000).toFixed(2)} s, ${what}`);
    return stored;
  };

  const bullConn = bullmqConnection(o.url);
  const worker = new Worker<ChunkJobData, number>(QUEUE, processor, {
    connection: bullConn,
    concurrency,
    lockDuration: o.lockDurationMs ?? 10_000,
    stalledInterval: o.stalledIntervalMs ?? 5_000,
    maxStalledCount: o.maxStalledCount ?? 3,
  });
  let lastTrouble = 0;
  worker.on("error", (e: Error) => {
    // Connection trouble repeats every retry: say it once every 10 s.
    if (Date.now() - lastTrouble > 10_000) log(`redis: ${e.message}`);
    lastTrouble = Date.now();
  });
  worker.on("failed", (job: Job<ChunkJobData> | undefined, e: Error) => {
    if (job) log(`${tagOf(job)}: failed: ${e.message.replace(/^moldtwin-error:/, "")}`);
  });
  worker.on("stalled", (jobId: string) => log(`chunk ${jobId} lost its worker: back in the queue`));
  try {
    await worker.waitUntilReady();
  } catch (e) {
    clearInterval(heartbeat);
    await within(worker.close(true), 1000).catch(() => {});
    await Promise.all([closeRedis(bullConn), closeRedis(conn)]);
    throw e;
  }

  let closing: Promise<void> | null = null;
  return {
    id,
    concurrency,
    get processed() {
      return processed;
    },
    close(force = false) {
      closing ??= (async () => {
        clearInterval(heartbeat);
        const closed = worker.close(force).catch(() => {});
        // Wait for the running chunks (not when forced), then give BullMQ a moment to let go of Redis: if Redis
        // is gone it would wait for it forever.
        if (!force && active > 0) await new Promise<void>((r) => (onIdle = r));
        await within(closed, 3000);
        await within(
          conn.del(workerKey(id)).catch(() => {}),
          1000,
        );
        await Promise.all([closeRedis(bullConn), closeRedis(conn)]);
        await closeSweepPools();
      })();
      return closing;
    },
  };
}

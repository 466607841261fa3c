import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { MoldtwinError } from "../../engine/errors.ts";
import type { ChunkKind, PartOf, ResultOf, SharedOf } from "../../engine/runner/chunk.ts";
import type { ChunkExecutor, ChunkSizing, ExecutorRun } from "../../engine/runner/executor.ts";
import { cancelled } from "../../engine/runner/gather.ts";
import { DISTRIBUTED_SIZING } from "../../engine/runner/sizing.ts";
import {
  type ChunkJobData,
  closeRedis,
  connectRedis,
  decode,
  encode,
  errorFromReason,
  jobIdOf,
  QUEUE,
  queueUnavailable,
  RUN_TTL_S,
  runKeys,
  within,
  workerSlots,
} from "./protocol.ts";

/**
 * The distributed executor (`--redis redis://…` on sweep, window, forecast, contract, price): the gatherer side
 * of the chunk protocol (engine/runner/chunk.ts, protocol.ts).
 *
 * A run: SET its shared data; per chunk, add a BullMQ job (id `<runId>-<index>`, `attempts` with exponential
 * backoff) and wait for its index on the run's `done` list (BLPOP on a duplicate connection of its own, as it
 * blocks the connection); read the result
 * from the `results` hash, HDEL it, and hand it to the gather (engine/runner/gather.ts), which merges in
 * chunk-index order exactly as on one machine. Closing the run removes its unfinished jobs and DELetes its keys:
 * a chunk still running somewhere finishes into nothing (STORE_RESULT finds no run) — no key of the run is left.
 *
 * Never a silent hang: Redis unreachable at the start is RUN_ERR_QUEUE_UNAVAILABLE within 3 s; a connection lost
 * mid-run fails the run the same way; no worker alive for `waitForWorkersMs` too (with a note on stderr while
 * waiting). A chunk that failed on every attempt, or lost its worker more than maxStalledCount times, fails the
 * run with RUN_ERR_CHUNK_FAILED (or with the chunk's own coded error, e.g. an input error).
 */

export interface BullmqExecutorOptions {
  url: string;
  /** Chunk sizes (default 3 s of estimated work, ≥ 1 s: sizing.ts). */
  sizing?: ChunkSizing;
  /** Attempts per chunk when it throws (default 3), with exponential backoff from backoffMs (default 1 s). */
  attempts?: number;
  backoffMs?: number;
  /** Give up when no worker has announced itself for this long (default 60 s). */
  waitForWorkersMs?: number;
  /** How often to look at the jobs of chunks not done yet (failed, lost) and at the workers (default 1 s). */
  pollMs?: number;
  /** Notes for people while waiting (no worker yet): the CLI prints them on stderr. */
  onNote?: (note: string) => void;
}

export interface BullmqExecutor extends ChunkExecutor {
  /** Runs and chunks through this executor so far, their results' bytes, the worker slots the last run saw. */
  readonly stats: { runs: number; chunks: number; resultBytes: number; slots: number };
  close(): Promise<void>;
}

export async function openBullmqExecutor(o: BullmqExecutorOptions): Promise<BullmqExecutor> {
  const conn = await connectRedis(o.url);
  // The Queue reuses our command connection (BullMQ leaves a connection it was given open: closeRedis below).
  // Its bounded retries make a job add fail instead of waiting for a Redis that went away.
  const queue = new Queue<ChunkJobData>(QUEUE, { connection: conn });
  queue.on("error", () => {});
  const ready = await within(
    queue.waitUntilReady().then(() => true),
    5000,
  );
  if (!ready) {
    await within(queue.close(), 1000).catch(() => {});
    await closeRedis(conn);
    throw queueUnavailable(o.url, "BullMQ could not open its queue within 5 s");
  }
  const attempts = o.attempts ?? 3;
  const backoffMs = o.backoffMs ?? 1000;
  const waitForWorkersMs = o.waitForWorkersMs ?? 60_000;
  const pollMs = o.pollMs ?? 1000;
  const stats = { runs: 0, chunks: 0, resultBytes: 0, slots: 0 };
  const open = new Set<BullmqRun<ChunkKind>>();

  const lost = (e: unknown): MoldtwinError =>
    e instanceof MoldtwinError ? e : queueUnavailable(o.url, `lost the connection: ${(e as Error).message}`);
  // Reconnecting failed for a few seconds (connectRedis): the connection ended for good, and so do the open runs.
  let closing = false;
  conn.on("end", () => {
    if (closing) return;
    for (const run of open) run.fail(lost(new Error("Redis went away and did not come back within seconds")));
  });

  return {
    label: o.url,
    sizing: o.sizing ?? DISTRIBUTED_SIZING,
    stats,
    async open<K extends ChunkKind>(kind: K, shared: SharedOf<K>): Promise<ExecutorRun<K>> {
      const runId = randomUUID();
      const keys = runKeys(runId);
      try {
        await conn.set(keys.shared, encode(shared), "EX", RUN_TTL_S);
        const { slots } = await workerSlots(conn);
        stats.slots = slots;
        const blocking = conn.duplicate();
        blocking.on("error", () => {});
        try {
          await blocking.connect();
        } catch (e) {
          blocking.disconnect();
          throw e;
        }
        const run = new BullmqRun<K>({
          kind,
          runId,
          queue,
          conn,
          blocking,
          parallelism: Math.max(1, slots),
          attempts,
          backoffMs,
          pollMs,
          waitForWorkersMs,
          url: o.url,
          onNote: o.onNote,
          stats,
          lost,
          onClose: () => open.delete(run as unknown as BullmqRun<ChunkKind>),
        });
        open.add(run as unknown as BullmqRun<ChunkKind>);
        stats.runs++;
        return run;
      } catch (e) {
        await within(conn.del(keys.shared), 1000).catch(() => {});
        throw lost(e);
      }
    },
    async close() {
      closing = true;
      for (const run of [...open]) await run.close();
      await within(queue.close(), 3000).catch(() => {});
      await closeRedis(conn);
    },
  };
}

interface RunContext<K extends ChunkKind> {
  kind: K;
  runId: string;
  queue: Queue<ChunkJobData>;
  conn: Redis;
  /** A duplicate of conn, for BLPOP; this run's own (disconnected when it closes). */
  blocking: Redis;
  parallelism: number;
  attempts: number;
  backoffMs: number;
  pollMs: number;
  waitForWorkersMs: number;
  url: string;
  onNote: ((note: string) => void) | undefined;
  stats: BullmqExecutor["stats"];
  lost: (e: unknown) => MoldtwinError;
  onClose: () => void;
}

interface Waiter<K extends ChunkKind> {
  resolve(result: ResultOf<K>): void;
  reject(e: unknown): void;
}

/** Chunks a run keeps queued per worker slot: enough that no worker waits for the gatherer. */
const IN_FLIGHT_PER_SLOT = 4;

class BullmqRun<K extends ChunkKind> implements ExecutorRun<K> {
  readonly parallelism: number;
  readonly maxInFlight: number;
  readonly #c: RunContext<K>;
  readonly #waiting = new Map<number, Waiter<K>>();
  /** Chunks whose job was added: the ones to look after, and to remove if the run ends first. */
  readonly #submitted = new Set<number>();
  readonly #delivered = new Set<number>();
  #failure: MoldtwinError | null = null;
  #listening: Promise<void> | null = null;
  #closed = false;
  #noWorkerSince: number | null = null;

  constructor(c: RunContext<K>) {
    this.#c = c;
    this.parallelism = c.parallelism;
    this.maxInFlight = Math.max(8, IN_FLIGHT_PER_SLOT * c.parallelism);
  }

  async run(index: number, part: PartOf<K>, signal?: AbortSignal): Promise<ResultOf<K>> {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw cancelled();
    const c = this.#c;
    const result = new Promise<ResultOf<K>>((resolve, reject) => this.#waiting.set(index, { resolve, reject }));
    result.catch(() => {});
    if (signal) {
      const onAbort = (): void => this.#settle(index, null, cancelled());
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
      void result.finally(() => signal.removeEventListener("abort", onAbort)).catch(() => {});
    }
    try {
      await c.queue.add(
        c.kind,
        { runId: c.runId, kind: c.kind, index, part },
        {
          jobId: jobIdOf(c.runId, index),
          attempts: c.attempts,
          backoff: { type: "exponential", delay: c.backoffMs },
          removeOnComplete: true,
          // Kept for the gatherer to read its reason (it removes it when the run closes); gone after a day anyway.
          removeOnFail: { age: RUN_TTL_S },
        },
      );
      this.#submitted.add(index);
    } catch (e) {
      this.fail(c.lost(e));
    }
    this.#listening ??= this.#listen();
    return result;
  }

  /** Waits for stored results (BLPOP on `done`), and looks after the chunks not done yet every pollMs. */
  async #listen(): Promise<void> {
    const c = this.#c;
    const keys = runKeys(c.runId);
    let lastCheck = Date.now();
    while (!this.#closed && this.#failure === null) {
      try {
        const popped = await c.blocking.blpop(keys.done, c.pollMs / 1000);
        if (popped) await this.#take(Number(popped[1]));
        if (popped === null || Date.now() - lastCheck >= c.pollMs) {
          await this.#check();
          lastCheck = Date.now();
        }
      } catch (e) {
        if (!this.#closed) this.fail(c.lost(e));
      }
    }
  }

  async #take(index: number): Promise<void> {
    if (!this.#waiting.has(index) || this.#delivered.has(index)) return;
    const keys = runKeys(this.#c.runId);
    const bytes = await this.#c.conn.hgetBuffer(keys.results, String(index));
    if (bytes === null) return;
    await this.#c.conn.hdel(keys.results, String(index));
    this.#c.stats.chunks++;
    this.#c.stats.resultBytes += bytes.length;
    this.#delivered.add(index);
    this.#settle(index, decode<ResultOf<K>>(bytes), null);
  }

  /** Chunks failed for good or lost, and whether any worker is alive. */
  async #check(): Promise<void> {
    const c = this.#c;
    const keys = runKeys(c.runId);
    const pending = [...this.#waiting.keys()].filter((i) => this.#submitted.has(i));
    for (const index of pending) {
      const id = jobIdOf(c.runId, index);
      const state = await c.queue.getJobState(id);
      if (state === "failed") {
        const job = await c.queue.getJob(id);
        this.fail(errorFromReason(job?.failedReason, `chunk ${index} of the ${c.kind} run`));
        return;
      }
      // A job is removed only once completed, and a completed chunk stored its result first: a job gone
      // without a result is a chunk lost.
      if (state === "unknown" && (await c.conn.hexists(keys.results, String(index))) === 0) {
        this.fail(errorFromReason(undefined, `chunk ${index} of the ${c.kind} run`));
        return;
      }
    }
    if (pending.length === 0) {
      this.#noWorkerSince = null;
      return;
    }
    const { workers } = await workerSlots(c.conn);
    if (workers > 0) {
      this.#noWorkerSince = null;
      return;
    }
    const now = Date.now();
    if (this.#noWorkerSince === null) {
      this.#noWorkerSince = now;
      c.onNote?.(`waiting for a worker: start one with \`moldtwin worker --redis ${c.url}\``);
    } else if (now - this.#noWorkerSince > c.waitForWorkersMs) {
      this.fail(
        new MoldtwinError(
          "RUN_ERR_QUEUE_UNAVAILABLE",
          `no moldtwin worker took the ${c.kind} run's chunks from ${c.url} within ${Math.round(c.waitForWorkersMs / 1000)} s (start one with \`moldtwin worker --redis ${c.url}\`)`,
          [{ field: "--redis", value: c.url, allowed: "a Redis with at least one `moldtwin worker` attached" }],
        ),
      );
    }
  }

  #settle(index: number, result: ResultOf<K> | null, error: unknown): void {
    const w = this.#waiting.get(index);
    if (!w) return;
    this.#waiting.delete(index);
    if (error !== null) w.reject(error);
    else w.resolve(result as ResultOf<K>);
  }

  /** Fails the run: its chunks not delivered yet reject with `e` (the first failure wins). */
  fail(e: MoldtwinError): void {
    this.#failure ??= e;
    for (const index of [...this.#waiting.keys()]) this.#settle(index, null, this.#failure);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const c = this.#c;
    // Rejects a BLPOP in flight at once (QUIT would wait for it).
    c.blocking.disconnect();
    await within(this.#listening ?? Promise.resolve(), 3000).catch(() => {});
    for (const index of [...this.#waiting.keys()]) this.#settle(index, null, this.#failure ?? cancelled());
    // Unfinished jobs: waiting, delayed and failed ones go; an active one finishes into nothing (its run is gone).
    const unfinished = [...this.#submitted].filter((i) => !this.#delivered.has(i));
    await within(Promise.all(unfinished.map((i) => c.queue.remove(jobIdOf(c.runId, i)).catch(() => 0))), 3000).catch(
      () => {},
    );
    const keys = runKeys(c.runId);
    await within(c.conn.del(keys.shared, keys.results, keys.done), 3000).catch(() => {});
    c.onClose();
  }
}

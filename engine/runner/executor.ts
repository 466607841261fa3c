import { sweepPool } from "../sweep/pool.ts";
import { type ChunkKind, type ChunkTask, type PartOf, type ResultOf, runChunk, type SharedOf } from "./chunk.ts";

/**
 * Executors: who runs the chunks of a run (chunk.ts). The orchestration code (runSweep, simulateContract,
 * forecastFleetParallel) takes one and does not care which: this thread, the piscina thread pool, or
 * distributed workers behind Redis (adapters/queue/bullmqExecutor.ts — engine code never imports adapters, so
 * the CLI passes that one in). The gather and merge code (gather.ts and each kind's merge) is the same for all.
 */

/** Chunk sizes a distributed executor asks for, in estimated milliseconds of work (sizing.ts). */
export interface ChunkSizing {
  /** Work per chunk to aim for. */
  targetMs: number;
  /** The smallest chunk worth shipping: below, per-chunk overhead (queue, Redis, serialization) dominates. */
  minMs: number;
}

export interface ChunkExecutor {
  /** For reports and logs: "this thread", "2 threads", "redis://host:port". */
  readonly label: string;
  /**
   * Chunk sizes for this executor. Absent: each kind's local granularity (5–300 ms a chunk, for a thread pool's
   * ≈ 40 µs per-task overhead) — exactly the chunks the runs had before there were executors.
   */
  readonly sizing?: ChunkSizing;
  /** Opens a run: the data every chunk shares goes out once. */
  open<K extends ChunkKind>(kind: K, shared: SharedOf<K>): Promise<ExecutorRun<K>>;
}

export interface ExecutorRun<K extends ChunkKind> {
  /** Chunks that can run at once: threads, or the slots of the distributed workers alive when the run opened. */
  readonly parallelism: number;
  /** Chunks to keep launched but not yet delivered: bounds the memory of a streamed sweep. */
  readonly maxInFlight: number;
  /** Runs chunk `index`; any number at a time, finishing in any order. Rejects on abort. */
  run(index: number, part: PartOf<K>, signal?: AbortSignal): Promise<ResultOf<K>>;
  /** Ends the run, however it went: frees what the executor holds for it. */
  close(): Promise<void>;
}

const task = <K extends ChunkKind>(kind: K, shared: SharedOf<K>, part: PartOf<K>): ChunkTask<K> =>
  ({ kind, shared, part }) as unknown as ChunkTask<K>;

/** This thread, one chunk at a time, yielding to the event loop (timers, progress, Ctrl-C) between chunks. */
export const inlineExecutor: ChunkExecutor = {
  label: "this thread",
  async open<K extends ChunkKind>(kind: K, shared: SharedOf<K>): Promise<ExecutorRun<K>> {
    return {
      parallelism: 1,
      maxInFlight: 1,
      async run(_index, part) {
        await new Promise<void>((r) => setImmediate(r));
        return runChunk(task(kind, shared, part));
      },
      async close() {},
    };
  },
};

/** Chunks per thread kept in flight on the pool: enough that no thread waits for the main thread. */
const IN_FLIGHT_PER_THREAD = 3;

/** The process's shared piscina pool of `threads` threads (engine/sweep/pool.ts); the same runChunk inside. */
export function poolExecutor(threads: number): ChunkExecutor {
  return {
    label: `${threads} thread${threads === 1 ? "" : "s"}`,
    async open<K extends ChunkKind>(kind: K, shared: SharedOf<K>): Promise<ExecutorRun<K>> {
      const pool = sweepPool(threads);
      return {
        parallelism: threads,
        maxInFlight: threads * IN_FLIGHT_PER_THREAD,
        run: (_index, part, signal) =>
          pool.run(task(kind, shared, part), signal ? { signal } : {}) as Promise<ResultOf<K>>,
        async close() {},
      };
    },
  };
}

/** `--workers N`: the pool of N threads, or this thread for 0. */
export function localExecutor(workers: number): ChunkExecutor {
  return workers > 0 ? poolExecutor(workers) : inlineExecutor;
}

import { type Table, tableFromIPC } from "apache-arrow";
import type { Twin } from "../../twin-models/resolve.ts";
import { MoldtwinError } from "../errors.ts";
import type { OutputField } from "../molding/layout.ts";
import { type ChunkSpec, type NoiseSpec, type PointSource, pointCount, runChunk, type SweepFactor } from "./chunk.ts";
import { sweepPool } from "./pool.ts";

/**
 * Orchestration of a sweep: split the rows into chunks, run them in-process or in the worker pool, and deliver
 * the chunk tables in row order (whatever order workers finish in) to a sink and/or one collected table.
 * Chunks are sized for ≥ 5–10 ms of work each (engineering.md §3.2: per-task overhead ≈ 40 µs) and ≈ 8 per
 * worker, so stragglers even out; at most a few chunks per worker are in flight, so a streamed 10⁶-row sweep
 * holds only those in memory.
 */

/** Everything a sweep needs except where its chunks start: the spec of every chunk minus start and count. */
export interface SweepPlan {
  twin: Twin;
  twinKey: string;
  baseInputs: Float64Array;
  factors: readonly SweepFactor[];
  points: PointSource;
  outputs: readonly OutputField[];
  noise?: NoiseSpec;
}

export interface SweepProgress {
  rowsDone: number;
  rows: number;
  chunksDone: number;
  chunks: number;
}

export interface RunSweepOptions {
  /** 0 runs in this thread; N > 0 uses a pool of N worker threads. */
  workers?: number;
  /** Rows per chunk; default from the row count and worker count. */
  chunkRows?: number;
  signal?: AbortSignal;
  onProgress?: (p: SweepProgress) => void;
  /** Receives each chunk's table in row order (e.g. an Arrow IPC file writer). */
  sink?: (table: Table, chunkIndex: number) => void | Promise<void>;
  /** Keep the chunks and return them as one table (default true; false for streamed sweeps). */
  collect?: boolean;
}

export interface SweepRun {
  table: Table | null;
  rows: number;
  chunks: number;
  workers: number;
  elapsedMs: number;
}

/** ≈ 25 µs a shot → 512 rows ≈ 13 ms: the smallest chunk worth a pool task. */
const MIN_CHUNK_ROWS = 512;
/** ≈ 0.1 s of work: large enough that overhead vanishes, small enough for smooth progress. */
const MAX_CHUNK_ROWS = 4096;
/**
 * At least this many chunks, whatever the worker count: the chunking depends on the row count only, so a run's
 * chunks (and the record batches of its Arrow file) are the same bytes on 0, 1 or N workers.
 */
const MIN_CHUNKS = 16;
const IN_FLIGHT_PER_WORKER = 3;

export function planRows(plan: SweepPlan): number {
  return pointCount(plan.points, plan.factors.length) * (plan.noise ? plan.noise.replicates : 1);
}

export function defaultChunkRows(rows: number): number {
  const target = Math.ceil(rows / MIN_CHUNKS);
  return Math.min(MAX_CHUNK_ROWS, Math.max(MIN_CHUNK_ROWS, target));
}

export function chunkSpec(plan: SweepPlan, start: number, count: number): ChunkSpec {
  return { ...plan, start, count };
}

function cancelled(): MoldtwinError {
  return new MoldtwinError("RUN_ERR_CANCELLED", "the sweep was cancelled before it finished");
}

export async function runSweep(plan: SweepPlan, o: RunSweepOptions = {}): Promise<SweepRun> {
  const t0 = performance.now();
  const workers = o.workers ?? 0;
  const rows = planRows(plan);
  const chunkRows = o.chunkRows ?? defaultChunkRows(rows);
  const chunks = Math.ceil(rows / chunkRows);
  const collect = o.collect ?? true;
  const kept: Table[] = [];
  let rowsDone = 0;
  let chunksDone = 0;

  const deliver = async (table: Table, index: number): Promise<void> => {
    if (o.sink) await o.sink(table, index);
    if (collect) kept.push(table);
    rowsDone += table.numRows;
    chunksDone++;
    o.onProgress?.({ rowsDone, rows, chunksDone, chunks });
  };
  const span = (i: number): [number, number] => [i * chunkRows, Math.min(chunkRows, rows - i * chunkRows)];

  if (o.signal?.aborted) throw cancelled();
  if (workers <= 0) {
    for (let i = 0; i < chunks; i++) {
      const [start, count] = span(i);
      await deliver(runChunk(chunkSpec(plan, start, count)), i);
      // Let timers, progress output and abort events through between chunks.
      await new Promise<void>((r) => setImmediate(r));
      if (o.signal?.aborted) throw cancelled();
    }
  } else {
    const pool = sweepPool(workers);
    const maxInFlight = workers * IN_FLIGHT_PER_WORKER;
    const done = new Map<number, Table>();
    const running = new Map<number, Promise<void>>();
    let next = 0;
    let nextToDeliver = 0;
    let failure: unknown = null;
    const launch = (i: number): void => {
      const [start, count] = span(i);
      const task = pool.run(chunkSpec(plan, start, count), o.signal ? { signal: o.signal } : {}).then(
        (bytes: Uint8Array) => {
          done.set(i, tableFromIPC(bytes));
        },
        (e: unknown) => {
          failure ??= e;
        },
      );
      running.set(
        i,
        task.finally(() => running.delete(i)),
      );
    };
    while (nextToDeliver < chunks && failure === null) {
      while (next < chunks && running.size + done.size < maxInFlight) launch(next++);
      if (!done.has(nextToDeliver)) await Promise.race(running.values());
      while (failure === null && done.has(nextToDeliver)) {
        const t = done.get(nextToDeliver)!;
        done.delete(nextToDeliver);
        await deliver(t, nextToDeliver++);
      }
      if (o.signal?.aborted) failure ??= cancelled();
    }
    if (failure !== null) {
      // Let the other tasks settle (an abort rejects them all) before reporting one error.
      await Promise.allSettled(running.values());
      if (o.signal?.aborted) throw cancelled();
      throw failure;
    }
  }
  const table = collect ? (kept.length === 0 ? null : kept[0]!.concat(...kept.slice(1))) : null;
  return { table, rows, chunks, workers, elapsedMs: performance.now() - t0 };
}

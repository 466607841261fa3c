import type { Table } from "apache-arrow";
import type { Twin } from "../../twin-models/resolve.ts";
import type { OutputField } from "../molding/layout.ts";
import { type ChunkExecutor, localExecutor } from "../runner/executor.ts";
import { runChunks } from "../runner/gather.ts";
import { COST_MS, granulesPerChunk } from "../runner/sizing.ts";
import type { ChunkSpec, NoiseSpec, PointSource, SweepFactor, SweepPart } from "./chunk.ts";
import { columnsToTable, pointCount } from "./chunk.ts";

/**
 * Orchestration of a sweep: split the rows into chunks, run them on an executor (this thread, the worker pool, or
 * distributed workers: engine/runner/) and deliver the chunk tables in row order (whatever order workers finish
 * in) to a sink and/or one collected table.
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
  /** Who runs the chunks (e.g. distributed workers); overrides `workers`. */
  executor?: ChunkExecutor;
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

export async function runSweep(plan: SweepPlan, o: RunSweepOptions = {}): Promise<SweepRun> {
  const t0 = performance.now();
  const workers = o.workers ?? 0;
  const executor = o.executor ?? localExecutor(workers);
  const rows = planRows(plan);
  const chunkRows = o.chunkRows ?? defaultChunkRows(rows);
  const chunks = Math.ceil(rows / chunkRows);
  const collect = o.collect ?? true;
  const kept: Table[] = [];
  let rowsDone = 0;
  let chunksDone = 0;

  // Chunk i of the run is rows [i·chunkRows, …): one record batch. A distributed chunk holds several, in order,
  // and is delivered batch by batch — the sink and the progress see the same chunks on every executor.
  const deliver = async (table: Table): Promise<void> => {
    if (o.sink) await o.sink(table, chunksDone);
    if (collect) kept.push(table);
    rowsDone += table.numRows;
    chunksDone++;
    o.onProgress?.({ rowsDone, rows, chunksDone, chunks });
  };
  const { parallelism } = await runChunks(
    executor,
    "sweep",
    plan,
    (run) => {
      const per = executor.sizing
        ? granulesPerChunk(chunks, chunkRows * COST_MS.sweepShot, executor.sizing, run.parallelism)
        : 1;
      const parts: SweepPart[] = [];
      for (let i = 0; i < chunks; i += per) {
        const start = i * chunkRows;
        parts.push({ start, count: Math.min(per * chunkRows, rows - start), batchRows: chunkRows });
      }
      return parts;
    },
    {
      signal: o.signal,
      what: "the sweep",
      deliver: async (batches) => {
        for (const columns of batches) await deliver(columnsToTable(columns));
      },
    },
  );
  const table = collect ? (kept.length === 0 ? null : kept[0]!.concat(...kept.slice(1))) : null;
  return {
    table,
    rows,
    chunks,
    workers: o.executor ? parallelism : workers,
    elapsedMs: performance.now() - t0,
  };
}

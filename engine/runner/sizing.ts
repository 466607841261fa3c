import type { ChunkSizing } from "./executor.ts";

/**
 * Chunk sizes for distributed executors. A chunk through Redis costs a job (add, fetch, lock, complete), the
 * shared data once per worker and run, and its result's bytes twice (worker → Redis → gatherer): a few
 * milliseconds plus ≈ 1 ms per MB (bench/distributed.ts measures it), and a chunk whose worker dies is re-run
 * whole. So distributed chunks hold 1–10 s of work (about 3 s), against 5–300 ms on the local thread pool. The
 * estimates below turn that into rows, runs and presses; they are measured means (Node 24, one 2-core x86
 * runner) and only need to be right within a factor of about 3.
 */
export const COST_MS = {
  /** One shot of the sweep kernel (25–37 µs on the demo twins, with or without noise). */
  sweepShot: 0.03,
  /**
   * One contract run of one press for one month: 1.0–1.6 µs on Case A, 3.2–3.8 µs on Case B (more failures per
   * press-month), so a "3 s" chunk is 1.5–2.4 s of Case A and 5–6 s of Case B.
   */
  contractPressMonth: 0.002,
  /** One forecast run of one wear-part socket over the horizon (1.2 µs on Case A, 0.8 µs on Case B, 12 months). */
  forecastSocketRun: 0.0012,
} as const;

/** The default for distributed executors: about 3 s of work a chunk, never under 1 s unless the run is shorter. */
export const DISTRIBUTED_SIZING: ChunkSizing = { targetMs: 3000, minMs: 1000 };

/**
 * How many chunks a run of `totalMs` estimated work gets: about targetMs each, but at least two per slot as long as
 * chunks stay ≥ minMs (so every worker gets work, and a re-run chunk is a small share of the run), and a whole
 * multiple of the slots when that keeps them ≥ minMs (so the last round does not leave workers idle).
 */
export function chunkCount(totalMs: number, sizing: ChunkSizing, parallelism: number): number {
  const p = Math.max(1, parallelism);
  const fits = (n: number): boolean => totalMs / n >= sizing.minMs;
  let n = Math.max(1, Math.ceil(totalMs / sizing.targetMs), Math.min(2 * p, Math.floor(totalMs / sizing.minMs)));
  const rounded = Math.ceil(n / p) * p;
  if (rounded > n && fits(rounded)) n = rounded;
  return n;
}

/** Granules (local chunks of equal cost) per distributed chunk: ≥ 1. */
export function granulesPerChunk(
  granules: number,
  msPerGranule: number,
  sizing: ChunkSizing,
  parallelism: number,
): number {
  return Math.max(1, Math.ceil(granules / chunkCount(granules * msPerGranule, sizing, parallelism)));
}

/** Contiguous ranges [from, to) of items of the given costs, each about the same work (≥ 1 item). */
export function rangesByCost(costs: readonly number[], sizing: ChunkSizing, parallelism: number): [number, number][] {
  const total = costs.reduce((a, c) => a + c, 0);
  const per = total / chunkCount(total, sizing, parallelism);
  const ranges: [number, number][] = [];
  let from = 0;
  let acc = 0;
  for (let i = 0; i < costs.length; i++) {
    acc += costs[i]!;
    // Cut where the chunk is closest to its share: before item i if that is nearer than after it.
    if (acc >= per || i === costs.length - 1) {
      const without = acc - costs[i]!;
      if (i > from && per - without < acc - per) {
        ranges.push([from, i]);
        from = i;
        acc = costs[i]!;
        if (i === costs.length - 1) ranges.push([from, i + 1]);
      } else {
        ranges.push([from, i + 1]);
        from = i + 1;
        acc = 0;
      }
    }
  }
  return ranges;
}

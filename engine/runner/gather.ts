import { MoldtwinError } from "../errors.ts";
import type { ChunkKind, PartOf, ResultOf, SharedOf } from "./chunk.ts";
import type { ChunkExecutor, ExecutorRun } from "./executor.ts";

/**
 * The gather shared by every executor: launch a run's chunks (at most `maxInFlight` launched and not yet
 * delivered), and deliver their results in chunk-index order whatever order they finish in — so each kind's
 * merge sees exactly the sequence it sees on one thread. The run is closed however it ends (a distributed run's
 * Redis keys are deleted); the first failure stops the launching, and is reported once the launched chunks
 * have settled.
 */

export interface GatherOptions<K extends ChunkKind> {
  signal?: AbortSignal | undefined;
  /** Names the run in RUN_ERR_CANCELLED ("the sweep was cancelled …"). */
  what?: string;
  /** Chunk i's result, in chunk-index order. */
  deliver: (result: ResultOf<K>, index: number) => void | Promise<void>;
}

export interface Gathered {
  chunks: number;
  parallelism: number;
}

export function cancelled(what = "the run"): MoldtwinError {
  return new MoldtwinError("RUN_ERR_CANCELLED", `${what} was cancelled before it finished`);
}

/**
 * Runs `(kind, shared, parts)` on `executor`. `parts` is asked for once the run is open, with the run's
 * parallelism (a distributed run sizes its chunks by the workers it finds).
 */
export async function runChunks<K extends ChunkKind>(
  executor: ChunkExecutor,
  kind: K,
  shared: SharedOf<K>,
  parts: (run: ExecutorRun<K>) => readonly PartOf<K>[],
  o: GatherOptions<K>,
): Promise<Gathered> {
  const what = o.what ?? "the run";
  if (o.signal?.aborted) throw cancelled(what);
  const run = await executor.open(kind, shared);
  try {
    const list = parts(run);
    const done = new Map<number, ResultOf<K>>();
    const running = new Map<number, Promise<void>>();
    let next = 0;
    let nextToDeliver = 0;
    let failure: unknown = null;
    const aborted = o.signal
      ? new Promise<void>((resolve) => o.signal!.addEventListener("abort", () => resolve(), { once: true }))
      : null;
    const launch = (i: number): void => {
      const task = run.run(i, list[i]!, o.signal).then(
        (result) => {
          done.set(i, result);
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
    while (nextToDeliver < list.length && failure === null) {
      while (next < list.length && running.size + done.size < run.maxInFlight) launch(next++);
      if (!done.has(nextToDeliver)) await Promise.race(aborted ? [...running.values(), aborted] : running.values());
      while (failure === null && done.has(nextToDeliver)) {
        const result = done.get(nextToDeliver)!;
        done.delete(nextToDeliver);
        await o.deliver(result, nextToDeliver++);
      }
      if (o.signal?.aborted) failure ??= cancelled(what);
    }
    if (failure !== null) {
      // Let the other chunks settle (an abort rejects them all) before reporting one error.
      await Promise.allSettled(running.values());
      if (o.signal?.aborted) throw cancelled(what);
      throw failure;
    }
    return { chunks: list.length, parallelism: run.parallelism };
  } finally {
    await run.close();
  }
}

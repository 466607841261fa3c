import type { ContractPart, ContractShared } from "../contracts/chunk.ts";
import { runContractChunk } from "../contracts/chunk.ts";
import type { ForecastPart, ForecastShared } from "../fleet/chunk.ts";
import { runForecastChunk } from "../fleet/chunk.ts";
import type { PressRangeForecast } from "../fleet/forecast.ts";
import { type ChunkColumns, runSweepChunk, type SweepPart } from "../sweep/chunk.ts";
import type { SweepPlan } from "../sweep/runSweep.ts";

/**
 * A run split into chunks: the one protocol behind sweeps (and the process window's sweeps), the fleet forecast
 * and the contract Monte Carlo, whichever executor runs the chunks — this thread, the piscina thread pool, or
 * distributed workers behind Redis (adapters/queue/).
 *
 * **The chunk protocol.** A run is `(kind, shared, parts[])`: `shared` is what every chunk needs (the sweep
 * plan, the contract scenario and plant, the forecast scenario and plant), sent once per run; a part is what
 * tells chunk i apart (a row range, a run range, a press range), a few integers. `runChunk({kind, shared,
 * part})` is a pure function of them: the piscina worker (poolWorker.ts) and the distributed worker
 * (adapters/queue/worker.ts, which hands the chunk to the same pool) both call it and nothing else. The gatherer
 * (gather.ts) launches chunks through an executor (executor.ts) and hands their results to the kind's merge in
 * chunk-index order, whatever order they finish in.
 *
 * **Why results are bit-identical on any executor and any chunking.** Every random number is counter-based
 * (engine/sweep/random.ts): a shot's noise depends on its replicate, a contract run's draws on (seed, press,
 * socket, run), a forecast press's on (seed, press, component, socket). So a chunk's result depends only on
 * its own rows, runs or presses, never on which chunk, thread or machine computed it or on what ran before.
 * The merges only concatenate (sweep batches, outcome arrays at their run offsets, press forecasts in fleet
 * order), in chunk-index order, and every sum over runs or presses is taken afterwards over the merged whole in
 * the same order as on one thread. Results cross threads by structured clone and machines by the v8
 * serializer (doubles as their 8 bytes, typed arrays as their bytes), both exact. Sweeps keep the run's local
 * record batches inside larger distributed chunks (SweepPart.batchRows), so even the Arrow file is the same bytes.
 */

export interface ChunkKinds {
  sweep: { shared: SweepPlan; part: SweepPart; result: ChunkColumns[] };
  contract: { shared: ContractShared; part: ContractPart; result: Float64Array };
  forecast: { shared: ForecastShared; part: ForecastPart; result: PressRangeForecast };
}

export type ChunkKind = keyof ChunkKinds;
export const CHUNK_KINDS: readonly ChunkKind[] = ["sweep", "contract", "forecast"];

export type SharedOf<K extends ChunkKind> = ChunkKinds[K]["shared"];
export type PartOf<K extends ChunkKind> = ChunkKinds[K]["part"];
export type ResultOf<K extends ChunkKind> = ChunkKinds[K]["result"];

/** One chunk of one run: everything a worker needs to compute it. */
export type ChunkTask<K extends ChunkKind = ChunkKind> = K extends ChunkKind
  ? { kind: K; shared: SharedOf<K>; part: PartOf<K> }
  : never;

/** The pure chunk runner: same task in, same bytes out, on any thread or machine. */
export function runChunk<K extends ChunkKind>(task: ChunkTask<K>): ResultOf<K>;
export function runChunk(task: ChunkTask): ResultOf<ChunkKind> {
  switch (task.kind) {
    case "sweep":
      return runSweepChunk(task.shared, task.part);
    case "contract":
      return runContractChunk(task.shared, task.part);
    case "forecast":
      return runForecastChunk(task.shared, task.part);
  }
}

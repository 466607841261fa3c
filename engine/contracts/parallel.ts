import type { ContractScenario } from "../../twin-models/schemas/contract.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { type ChunkExecutor, localExecutor } from "../runner/executor.ts";
import { runChunks } from "../runner/gather.ts";
import { COST_MS, granulesPerChunk } from "../runner/sizing.ts";
import { type ContractPart, rememberContractModel } from "./chunk.ts";
import type { ContractModel, ModelVariation } from "./model.ts";
import { FIELDS } from "./simulate.ts";

/** Runs per local chunk: ≈ 0.1–0.3 s of work at 20 presses × 36 months, far above the pool's 5–10 ms floor. */
const RUNS_PER_TASK = 250;

/**
 * The physical outcomes of runs [0, runs) on an executor: `workers` threads (0: this thread) or `executor`
 * (e.g. distributed workers, whose chunks are whole multiples of the local 250 runs). Every run draws from its
 * own counter-based streams and its outcomes land at its own offset, so they are identical for any executor,
 * worker count and split.
 */
export async function simulateContract(
  model: ContractModel,
  source: { scenario: ContractScenario; plant: Plant },
  o: {
    runs: number;
    pdm: boolean;
    variation?: ModelVariation;
    workers: number;
    executor?: ChunkExecutor | undefined;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<Float64Array> {
  const executor = o.executor ?? localExecutor(o.workers);
  rememberContractModel(source.scenario, source.plant, model);
  const stride = model.months * FIELDS;
  const out = new Float64Array(o.runs * stride);
  const granules = Math.ceil(o.runs / RUNS_PER_TASK);
  const msPerGranule = RUNS_PER_TASK * model.presses.length * model.months * COST_MS.contractPressMonth;
  let parts: ContractPart[] = [];
  let done = 0;
  await runChunks(
    executor,
    "contract",
    { ...source, pdm: o.pdm, variation: o.variation ?? {} },
    (run) => {
      const per =
        RUNS_PER_TASK *
        (executor.sizing ? granulesPerChunk(granules, msPerGranule, executor.sizing, run.parallelism) : 1);
      parts = [];
      for (let from = 0; from < o.runs; from += per) parts.push({ runFrom: from, runTo: Math.min(o.runs, from + per) });
      return parts;
    },
    {
      deliver: (outcomes, i) => {
        const part = parts[i]!;
        out.set(outcomes, part.runFrom * stride);
        done += part.runTo - part.runFrom;
        o.onProgress?.(done, o.runs);
      },
    },
  );
  return out;
}

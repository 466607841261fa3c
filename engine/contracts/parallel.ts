import type { ContractScenario } from "../../twin-models/schemas/contract.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { sweepPool } from "../sweep/pool.ts";
import type { ContractModel, ModelVariation } from "./model.ts";
import { FIELDS, simulateOutcomes } from "./simulate.ts";
import type { ContractTask } from "./worker.ts";

const WORKER = new URL("./worker.ts", import.meta.url).href;
/** Runs per pool task: ≈ 100 ms of work at 20 presses × 36 months, far above the 5–10 ms floor. */
const RUNS_PER_TASK = 250;

/**
 * The physical outcomes of runs [0, runs) on `workers` threads (0: this thread). Every run draws from its own
 * counter-based streams, so the outcomes are identical for any worker count and any split.
 */
export async function simulateContract(
  model: ContractModel,
  source: { scenario: ContractScenario; plant: Plant },
  o: {
    runs: number;
    pdm: boolean;
    variation?: ModelVariation;
    workers: number;
    onProgress?: (done: number, total: number) => void;
  },
): Promise<Float64Array> {
  const seed = source.scenario.seed;
  if (o.workers === 0) {
    const out = new Float64Array(o.runs * model.months * FIELDS);
    for (let from = 0; from < o.runs; from += RUNS_PER_TASK) {
      const to = Math.min(o.runs, from + RUNS_PER_TASK);
      out.set(
        simulateOutcomes(model, { seed, runFrom: from, runTo: to, pdm: o.pdm, variation: o.variation }),
        from * model.months * FIELDS,
      );
      o.onProgress?.(to, o.runs);
    }
    return out;
  }
  const pool = sweepPool(o.workers);
  const out = new Float64Array(o.runs * model.months * FIELDS);
  let done = 0;
  const tasks: Promise<void>[] = [];
  for (let from = 0; from < o.runs; from += RUNS_PER_TASK) {
    const to = Math.min(o.runs, from + RUNS_PER_TASK);
    const task: ContractTask = { ...source, runFrom: from, runTo: to, pdm: o.pdm, variation: o.variation ?? {} };
    tasks.push(
      (pool.run(task, { filename: WORKER }) as Promise<Float64Array>).then((part) => {
        out.set(part, from * model.months * FIELDS);
        done += to - from;
        o.onProgress?.(done, o.runs);
      }),
    );
  }
  await Promise.all(tasks);
  return out;
}

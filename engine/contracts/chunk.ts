import type { ContractScenario } from "../../twin-models/schemas/contract.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { type ContractModel, compileContract, type ModelVariation } from "./model.ts";
import { simulateOutcomes } from "./simulate.ts";

/**
 * The contract Monte Carlo's unit of work (engine/runner/chunk.ts): the physical outcomes of runs
 * [runFrom, runTo) of one simulation. Pure: every run draws from its own counter-based streams, so the outcomes
 * of a run do not depend on which chunk, thread or machine computed it. The compiled fleet is kept per scenario
 * and plant for the next chunks of the same contract (a thread or a distributed worker runs many).
 */

/** What every chunk of one contract simulation shares (sent once per run to a distributed worker). */
export interface ContractShared {
  scenario: ContractScenario;
  plant: Plant;
  pdm: boolean;
  variation: ModelVariation;
}

export interface ContractPart {
  runFrom: number;
  runTo: number;
}

let cached: { key: string; model: ContractModel } | null = null;

const keyOf = (scenario: ContractScenario, plant: Plant): string => JSON.stringify([scenario, plant]);

/** The caller compiled the model already: this thread's chunks use it instead of compiling it again. */
export function rememberContractModel(scenario: ContractScenario, plant: Plant, model: ContractModel): void {
  const key = keyOf(scenario, plant);
  if (cached?.key !== key) cached = { key, model };
}

/** Outcomes of runs [runFrom, runTo): (runTo − runFrom) × months × FIELDS. */
export function runContractChunk(shared: ContractShared, part: ContractPart): Float64Array {
  const key = keyOf(shared.scenario, shared.plant);
  if (cached?.key !== key) cached = { key, model: compileContract(shared.scenario, shared.plant) };
  return simulateOutcomes(cached.model, {
    seed: shared.scenario.seed,
    runFrom: part.runFrom,
    runTo: part.runTo,
    pdm: shared.pdm,
    variation: shared.variation,
  });
}

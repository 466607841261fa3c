import type { ForecastScenario } from "../../twin-models/schemas/forecast.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { buildFleet, type Fleet } from "./fleet.ts";
import { forecastPresses, type PressRangeForecast } from "./forecast.ts";

/**
 * The fleet forecast's unit of work (engine/runner/chunk.ts): the forecast of presses [from, to). Pure: every
 * press draws from its own counter-based streams. The fleet is built once per plant and scenario (a few shots
 * per distinct recipe) and kept for the next ranges of the same forecast.
 */

/** What every chunk of one forecast shares (sent once per run to a distributed worker). */
export interface ForecastShared {
  plant: Plant;
  scenario: ForecastScenario;
}

export interface ForecastPart {
  from: number;
  to: number;
}

let cached: { key: string; fleet: Fleet } | null = null;

export function fleetFor(shared: ForecastShared): Fleet {
  const { plant, scenario } = shared;
  const key = JSON.stringify([plant, scenario.utilisation, scenario.fleetSize ?? null]);
  if (cached?.key !== key) {
    cached = { key, fleet: buildFleet(plant, { utilisation: scenario.utilisation, fleetSize: scenario.fleetSize }) };
  }
  return cached.fleet;
}

export function runForecastChunk(shared: ForecastShared, part: ForecastPart): PressRangeForecast {
  return forecastPresses(fleetFor(shared), shared.scenario, part.from, part.to);
}

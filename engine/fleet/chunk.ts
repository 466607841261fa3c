import type { ForecastScenario } from "../../twin-models/schemas/forecast.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { buildFleet, type Fleet } from "./fleet.ts";
import { forecastPresses, type PressRangeForecast } from "./forecast.ts";

/**
 * Piscina task (run on the sweep pool with this file as `filename`): the forecast of presses [from, to). The
 * worker builds the fleet once per plant and scenario (a few shots per distinct recipe) and keeps it for the
 * next ranges of the same forecast.
 */
export interface ForecastTask {
  plant: Plant;
  scenario: ForecastScenario;
  from: number;
  to: number;
}

let cached: { key: string; fleet: Fleet } | null = null;

export default function forecastRange(task: ForecastTask): PressRangeForecast {
  const key = JSON.stringify([task.plant, task.scenario.utilisation, task.scenario.fleetSize ?? null]);
  if (cached?.key !== key) {
    const { utilisation, fleetSize } = task.scenario;
    cached = { key, fleet: buildFleet(task.plant, { utilisation, fleetSize }) };
  }
  return forecastPresses(cached.fleet, task.scenario, task.from, task.to);
}

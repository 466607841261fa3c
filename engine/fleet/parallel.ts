import type { ForecastScenario } from "../../twin-models/schemas/forecast.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { sweepPool } from "../sweep/pool.ts";
import { buildFleet } from "./fleet.ts";
import {
  assembleForecast,
  checkReferences,
  type ForecastProgress,
  type ForecastResult,
  forecast,
  type PressRangeForecast,
} from "./forecast.ts";
import type { ForecastTask } from "./worker.ts";

const WORKER = new URL("./worker.ts", import.meta.url).href;
/** Ranges per worker: enough to balance uneven presses, few enough that each task runs well over 10 ms. */
const RANGES_PER_WORKER = 4;

/**
 * The fleet forecast on `workers` threads of the shared pool (0: this thread). Presses are split into contiguous
 * ranges; results come back in fleet order, and since every press draws from its own counter-based streams the
 * result is identical for any number of workers.
 */
export async function forecastFleetParallel(
  plant: Plant,
  scenario: ForecastScenario,
  options: { workers: number; onProgress?: (p: ForecastProgress) => void },
): Promise<ForecastResult> {
  const fleet = buildFleet(plant, { utilisation: scenario.utilisation, fleetSize: scenario.fleetSize });
  if (options.workers === 0) return forecast(fleet, scenario, options.onProgress);
  checkReferences(fleet, scenario);
  const total = fleet.presses.length;
  const ranges = Math.min(total, options.workers * RANGES_PER_WORKER);
  const pool = sweepPool(options.workers);
  let done = 0;
  const parts = await Promise.all(
    Array.from({ length: ranges }, async (_, r) => {
      const task: ForecastTask = {
        plant,
        scenario,
        from: Math.floor((r * total) / ranges),
        to: Math.floor(((r + 1) * total) / ranges),
      };
      const part = (await pool.run(task, { filename: WORKER })) as PressRangeForecast;
      done += task.to - task.from;
      options.onProgress?.({ done, total });
      return part;
    }),
  );
  return assembleForecast(fleet, scenario, parts);
}

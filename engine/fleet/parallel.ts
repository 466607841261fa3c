import type { ForecastScenario } from "../../twin-models/schemas/forecast.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { type ChunkExecutor, poolExecutor } from "../runner/executor.ts";
import { runChunks } from "../runner/gather.ts";
import { COST_MS, rangesByCost } from "../runner/sizing.ts";
import { type ForecastPart, fleetFor } from "./chunk.ts";
import {
  assembleForecast,
  checkReferences,
  type ForecastProgress,
  type ForecastResult,
  forecast,
  type PressRangeForecast,
} from "./forecast.ts";

/** Ranges per pool thread: enough to balance uneven presses, few enough that each task runs well over 10 ms. */
const RANGES_PER_WORKER = 4;

/**
 * The fleet forecast on `workers` threads of the shared pool (0: this thread) or on `executor` (e.g. distributed
 * workers, which get contiguous press ranges of about equal estimated work). Results come back in fleet order,
 * and since every press draws from its own counter-based streams the result is identical for any executor and
 * any number of workers.
 */
export async function forecastFleetParallel(
  plant: Plant,
  scenario: ForecastScenario,
  options: { workers: number; executor?: ChunkExecutor | undefined; onProgress?: (p: ForecastProgress) => void },
): Promise<ForecastResult> {
  const fleet = fleetFor({ plant, scenario });
  if (!options.executor && options.workers === 0) return forecast(fleet, scenario, options.onProgress);
  checkReferences(fleet, scenario);
  const executor = options.executor ?? poolExecutor(options.workers);
  const total = fleet.presses.length;
  let ranges: ForecastPart[] = [];
  const parts: PressRangeForecast[] = [];
  let done = 0;
  await runChunks(
    executor,
    "forecast",
    { plant, scenario },
    (run) => {
      if (executor.sizing) {
        const months = Math.max(1, scenario.horizonMonths / 12);
        const costs = fleet.presses.map(
          (p) =>
            p.components.reduce((n, c) => n + c.card.perPress, 0) * scenario.runs * months * COST_MS.forecastSocketRun,
        );
        ranges = rangesByCost(costs, executor.sizing, run.parallelism).map(([from, to]) => ({ from, to }));
      } else {
        const n = Math.min(total, run.parallelism * RANGES_PER_WORKER);
        ranges = Array.from({ length: n }, (_, r) => ({
          from: Math.floor((r * total) / n),
          to: Math.floor(((r + 1) * total) / n),
        }));
      }
      return ranges;
    },
    {
      deliver: (part, i) => {
        parts.push(part);
        done += ranges[i]!.to - ranges[i]!.from;
        options.onProgress?.({ done, total });
      },
    },
  );
  return assembleForecast(fleet, scenario, parts);
}

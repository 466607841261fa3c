/**
 * Example METRIC problems: a two-plant, two-part case (the one the event simulation confirms in
 * metricSimulation.test.ts) and a deterministic synthetic fleet for scale runs and benchmarks.
 */
import { uniform01 } from "../sweep/random.ts";
import type { MetricProblem } from "./metric.ts";

/** Two plants, two parts: heater bands (60-day supplier lead time) and check rings (45 days). */
export const TWO_SITES: MetricProblem = {
  sites: [
    { id: "plant-a", presses: 4, resupplyDays: 2 },
    { id: "plant-b", presses: 3, resupplyDays: 4 },
  ],
  items: [
    {
      id: "heater-band",
      unitCostEur: 300,
      supplierLeadTimeDays: 60,
      sites: [
        { demandPerDay: 0.08, socketsPerPress: 2 },
        { demandPerDay: 0.06, socketsPerPress: 2 },
      ],
    },
    {
      id: "check-ring",
      unitCostEur: 900,
      supplierLeadTimeDays: 45,
      sites: [
        { demandPerDay: 0.03, socketsPerPress: 1 },
        { demandPerDay: 0.04, socketsPerPress: 1 },
      ],
    },
  ],
};

/**
 * A deterministic synthetic fleet of I parts over J plants: unit costs 50–2 700 EUR (log-uniform), supplier lead
 * times 14–90 days, 1–4 sockets per press, demand 0.002–0.05 per day per plant scaled by its presses.
 */
export function syntheticFleet(I: number, J: number, seed = 1): MetricProblem {
  const sites = Array.from({ length: J }, (_, j) => ({
    id: `plant-${j}`,
    presses: 4 + ((j * 3) % 7),
    resupplyDays: 1 + j,
  }));
  const items = Array.from({ length: I }, (_, i) => ({
    id: `part-${i}`,
    unitCostEur: Math.round(50 * Math.exp(4 * uniform01(seed, 0, i, 0))),
    supplierLeadTimeDays: 14 + Math.round(76 * uniform01(seed, 0, i, 1)),
    sites: sites.map((s, j) => ({
      demandPerDay: 0.002 + (0.05 * uniform01(seed, 1, i, j) ** 2 * s.presses) / 8,
      socketsPerPress: 1 + Math.floor(4 * uniform01(seed, 2, i, j)),
    })),
  }));
  return { sites, items };
}

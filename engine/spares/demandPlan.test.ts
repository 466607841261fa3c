import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Plant } from "../../twin-models/schemas/plant.ts";
import { SparesScenario } from "../../twin-models/schemas/spares.ts";
import { parse } from "../../twin-models/validate.ts";
import { buildFleet } from "../fleet/fleet.ts";
import { preventiveAges } from "../fleet/policy.ts";
import { planDemand } from "./demandPlan.ts";
import { conditionDemand, type SiteFleet } from "./fleetDemand.ts";

/**
 * The acceptance test: on a fleet whose wear is known (every socket's last replacement is on record, from
 * the realised past), the condition-based forecast beats history-only forecasting on what actually happens next.
 * "What happens next" is an independent realisation of the same fleet's future from the same state (another seed).
 */

const scenario = parse(
  SparesScenario,
  {
    kind: "spares",
    name: "t",
    sites: [{ id: "site-a", plant: "case-a-automotive" }],
    asOf: "2026-11-22",
    horizonMonths: 12,
    historyMonths: 36,
    backtestMonths: 12,
    runs: 300,
    seed: 5,
  },
  "scenario",
);

describe("spares demand: condition-based vs history-only", () => {
  const plantJson = JSON.parse(readFileSync(new URL("../../seeds/case-a-automotive.json", import.meta.url), "utf8"));
  const fleet = buildFleet(parse(Plant, plantJson, "plant"), { utilisation: scenario.utilisation });
  const sites: SiteFleet[] = [{ siteId: "site-a", fleet, pressOffset: 0 }];
  const pmAge = preventiveAges(scenario.costs);
  const plan = planDemand(sites, scenario, (k) => pmAge(k.part));

  it("forecasts every part number the Case A fleet uses, per month, with P50 ≤ P90", () => {
    expect(plan.rows.length).toBeGreaterThan(10);
    for (const r of plan.rows) {
      expect(r.condition.mean).toHaveLength(12);
      for (const [m, p50] of r.condition.p50.entries()) expect(p50).toBeLessThanOrEqual(r.condition.p90[m]!);
      expect(r.ratePerDay).toBeGreaterThanOrEqual(0);
    }
  });

  it("beats history-only forecasting on an independent realisation of the next 12 months", () => {
    // The truth: one run of the same fleet's future from the same records, on another seed.
    const truth = conditionDemand(plan.sockets, plan.partNumbers.length, 1, {
      lastReplacementH: plan.lastReplacementH,
      months: 12,
      runs: 1,
      seed: 987_654,
      preventiveAgeH: (k) => pmAge(k.part),
    });
    let conditionError = 0;
    let historyError = 0;
    for (const r of plan.rows) {
      const actual = truth.counts[r.partIndex]![r.siteIndex]!;
      for (let m = 0; m < 12; m++) {
        conditionError += Math.abs(r.condition.mean[m]! - actual[m]!);
        historyError += Math.abs(r.history.perMonth - actual[m]!);
      }
    }
    expect(conditionError).toBeLessThan(historyError);
    // And the backtest on the held-out history says the same.
    expect(plan.backtest.conditionMae).toBeLessThan(plan.backtest.historyMae);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { getComponent } from "../../twin-models/library/components.ts";
import { ContractScenario } from "../../twin-models/schemas/contract.ts";
import type { PressEvent } from "../../twin-models/schemas/kpi.ts";
import { PilotScenario } from "../../twin-models/schemas/pilot.ts";
import { Plant } from "../../twin-models/schemas/plant.ts";
import { parse } from "../../twin-models/validate.ts";
import { shadowPilot } from "./pilot.ts";
import { capitalCostPerPressMonth } from "./pnl.ts";

/**
 * The shadow pilot on two hand-made one-press logs (January baseline, February shadow, 30-day windows), so every
 * figure can be checked by hand.
 */

const plantA = parse(
  Plant,
  JSON.parse(readFileSync(new URL("../../seeds/case-a-automotive.json", import.meta.url), "utf8")),
  "plant",
);
const onePress = { ...plantA, cells: [{ ...plantA.cells[0]!, presses: [plantA.cells[0]!.presses[0]!] }] };
const pressId = onePress.cells[0]!.presses[0]!.id;

const H = 3600;
function log(startIso: string, rows: [number, PressEvent["state"], Partial<PressEvent>?][]): PressEvent[] {
  let t = Date.parse(startIso);
  return rows.map(([hours, state, extra]) => {
    const e: PressEvent = {
      press: pressId,
      start: new Date(t).toISOString().replace(".000Z", "Z"),
      durationS: hours * H,
      state,
      parts: 0,
      good: 0,
      scrap: 0,
      rework: 0,
      energyKWh: 0,
      ...extra,
    };
    t += hours * H * 1000;
    return e;
  });
}

// January (31 days = 744 h): 700 h production (1,000,000 parts, 20,000 scrap), a check-ring breakdown of 4 h and
// 20 h waiting for the part, 20 h no order. Energy 7,000 kWh.
const baseline = log("2026-01-01T00:00:00Z", [
  [700, "production", { parts: 1_000_000, good: 980_000, scrap: 20_000, energyKWh: 7000, plannedUnitS: 2.5 }],
  [4, "breakdown", { event: `${pressId}-F0001-check-ring-std` }],
  [20, "waiting-parts", { event: `${pressId}-F0001-check-ring-std` }],
  [20, "no-order"],
]);
// February (28 days = 672 h): 662 h production (960,000 parts, 9,600 scrap), the check ring replaced ahead in 2 h,
// 8 h customer-caused. Energy 6,240 kWh.
const shadow = log("2026-02-01T00:00:00Z", [
  [662, "production", { parts: 960_000, good: 950_400, scrap: 9_600, energyKWh: 6240, plannedUnitS: 2.5 }],
  [2, "planned-maintenance", { event: `${pressId}-P0001-check-ring-std` }],
  [8, "customer-caused"],
]);

const contract = parse(
  ContractScenario,
  {
    kind: "contract",
    name: "hand",
    plant: "case-a-automotive",
    start: "2026-02-01",
    termMonths: 12,
    price: { setupFeeEur: 12_000, monthlyFeePerPressEur: 2000, feePerGoodPartEur: 0.002 },
    sla: { availabilityTarget: 0.95 },
    spares: { source: "stated", fillRate: 0.9 },
  },
  "contract",
);
const pilot = parse(
  PilotScenario,
  { kind: "pilot", name: "hand", contract: "c.json", baseline: "b.csv", shadow: "s.csv", projectionRuns: 200 },
  "pilot",
);

describe("shadow pilot, by hand", async () => {
  const r = await shadowPilot(pilot, contract, onePress, { baseline, shadow });
  const [jan] = r.periods.baseline.months;
  const [feb] = r.periods.shadow.months;
  const ring = getComponent("check-ring-std");

  it("the contract's availability on the recorded buckets", () => {
    // January: down = 4 + 20 = 24 h; basis = 744 − 20 (no order) = 724 h → 1 − 24/724.
    expect(jan!.availability).toBeCloseTo(1 - 24 / 724, 12);
    // February: planned work excluded, customer-caused excluded: basis = 672 − 8 − 2 = 662, down 0.
    expect(feb!.availability).toBe(1);
    expect(jan!.breakdowns).toBe(1);
    expect(feb!.partsReplacedAhead).toBe(1);
    expect(jan!.partsCostEur).toBe(ring.partCostEur);
  });

  it("the customer's TCO both ways, item by item", () => {
    const c = contract.costs;
    const b = r.tco.baseline.breakdown;
    expect(b.downtime).toBeCloseTo(24 * c.customerDowntimeEurPerH, 9);
    expect(b.energy).toBeCloseTo(7000 * pilot.energyPriceEurPerKWh, 9);
    expect(b.scrap).toBeCloseTo(20_000 * pilot.scrapCostEurPerPart, 9);
    expect(b.capital).toBeCloseTo(capitalCostPerPressMonth(c), 9);
    const tm =
      (ring.partCostEur +
        ring.labourHours * c.technicianEurPerH * c.unplannedLabourFactor +
        c.travelEurPerVisit +
        c.travelHoursPerVisit * c.technicianEurPerH) *
      (1 + c.timeAndMaterialMarkup);
    expect(b["service and parts (T&M)"]).toBeCloseTo(tm, 9);
    // Shadow: fees = setup/term + monthly fee + per good part; no SLA penalty (100 %), no energy terms.
    const fees = 12_000 / 12 + 2000 + 0.002 * 950_400;
    const s = r.tco.shadow.breakdown;
    expect(s["contract fees (net of penalties and credits)"]).toBeCloseTo(fees, 6);
    expect(s.downtime).toBeCloseTo(2 * c.customerDowntimeEurPerH, 9);
    expect(r.tco.shadow.perThousandGoodPartsEur).toBeCloseTo((1000 * r.tco.shadow.totalEur) / 950_400, 9);
  });

  it("the provider's P&L that would have been, and energy per part", () => {
    const p = r.contractPnl.months[0]!;
    expect(p.penaltyEur).toBe(0);
    expect(p.marginEur).toBeCloseTo(p.revenueEur - p.costEur, 9);
    expect(r.energy.baselineKWhPerPart).toBeCloseTo(0.007, 12);
    expect(r.energy.shadowKWhPerPart).toBeCloseTo(6240 / 960_000, 12);
    expect(r.energy.savedKWh).toBeCloseTo((0.007 - 0.0065) * 960_000, 6);
  });

  it("compares each recorded month with the projection's P10–P90", () => {
    const m = r.projection.months[0]!;
    for (const band of [m.availability, m.goodParts, m.kWhPerPart, m.marginEur]) {
      expect(band.p10).toBeLessThanOrEqual(band.p90);
      expect(band.inside).toBe(band.actual >= band.p10 && band.actual <= band.p90);
    }
    expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
  });
});

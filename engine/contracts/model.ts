import type { ContractScenario } from "../../twin-models/schemas/contract.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { daysBetween } from "../fleet/calendar.ts";
import { buildFleet } from "../fleet/fleet.ts";
import { exponential, type LifeDistribution } from "../reliability/distributions.ts";
import { partNumberOf } from "../spares/fleetDemand.ts";
import { evaluateMetric, type MetricProblem, metricAllocate } from "../spares/metric.ts";
import { DAYS_PER_MONTH } from "../units.ts";

/**
 * The contract's fleet as the Monte Carlo sees it: per press its failure modes (each wear part with its sockets,
 * life, repair time and spares service), its output rate and its energy line; and the time frame.
 *
 * Time is **scheduled press-hours** (shift hours × utilisation): a month is S = DAYS_PER_MONTH × shift hours/day ×
 * utilisation of them, every month alike. Parts age in operating hours.
 *
 * Spares (`spares.source`):
 *  - `metric`: the spares model (engine/spares/metric.ts, exact two-echelon) stocks the contract's part numbers
 *    for the target press availability at the long-run renewal rates (sockets / mean life); a failure finds its
 *    part missing with probability 1 − fill rate, and then waits an exponential time with mean
 *    EBO / (λ·(1 − fill)) — so the mean wait over all failures is EBO/λ, Little's law, and the expected
 *    waiting-for-parts hours are Σ EBO × hours (the METRIC check in the tests);
 *  - `stated`: a fixed fill rate, and a missing part waits its supplier lead time.
 */

export interface FailureMode {
  name: string;
  partNumber: string;
  life: LifeDistribution;
  sockets: number;
  /** Mean repair time of an unplanned failure, scheduled hours. */
  repairMeanH: number;
  repairDistribution: "exponential" | "fixed" | "lognormal";
  repairCv: number;
  /** Downtime when the failure is caught ahead (predictive maintenance) and done as planned work. */
  plannedH: number;
  partCostEur: number;
  labourH: number;
  stockoutProbability: number;
  /** Mean wait for a missing part, scheduled hours. */
  waitMeanH: number;
  waitDistribution: "exponential" | "fixed";
}

export interface ContractPress {
  id: string;
  modes: FailureMode[];
  /** Operating hours before the start of the term (0: new). */
  ageAtStartH: number;
  /** Good-or-not parts per scheduled hour at the recipe's cycle. */
  partsPerH: number;
  basePowerKW: number;
  processKWhPerPart: number;
}

export interface ContractModel {
  presses: ContractPress[];
  months: number;
  /** Scheduled hours per press and month. */
  scheduledHPerMonth: number;
  /** Scheduled hours per calendar day (waits in days convert with it). */
  scheduledHPerDay: number;
  failureClock: "operating" | "scheduled";
  customerEventsPerPressMonth: number;
  customerEventH: number;
  plannedMaintenanceHPerPressMonth: number;
  pdmHitRate: number;
  spares: {
    source: "metric" | "stated";
    stockValueEur: number;
    /** Fleet availability the stock gives (spares model), null when stated. */
    availability: number | null;
    /** Σ EBO over part numbers (metric), null when stated. */
    expectedBackorders: number | null;
  };
}

/** Knobs the tornado turns (and tests use): multiply lives and repair times, shift PdM and fill rates. */
export interface ModelVariation {
  lifeScale?: number;
  repairScale?: number;
  pdmHitRateDelta?: number;
  stockoutScale?: number;
}

export function compileContract(scenario: ContractScenario, plant: Plant): ContractModel {
  const fleet = buildFleet(plant, { utilisation: scenario.utilisation, fleetSize: scenario.fleetSize });
  const scheduledHPerDay = plant.shiftHoursPerDay * scenario.utilisation;
  const ops = scenario.operations;
  const presses: ContractPress[] = fleet.presses.map((p) => {
    const d = p.duty;
    const partsPerH = (3600 / d.cycleTimeS) * d.cavities;
    const ageDays = scenario.fleet === "as-is" ? Math.max(0, daysBetween(p.commissionedOn, scenario.start)) : 0;
    const modes: FailureMode[] =
      scenario.failures.source === "stated"
        ? [statedMode(scenario.failures, scheduledHPerDay)]
        : p.components.map((c) => ({
            name: c.card.id,
            partNumber: partNumberOf(p, c.card),
            life: c.life,
            sockets: c.card.perPress,
            repairMeanH: c.card.unplannedDowntimeH,
            repairDistribution: ops.repairCv > 0 ? "lognormal" : "fixed",
            repairCv: ops.repairCv,
            plannedH: c.card.plannedDowntimeH,
            partCostEur: c.card.partCostEur,
            labourH: c.card.labourHours,
            stockoutProbability: 0,
            waitMeanH: c.card.leadTimeDays * scheduledHPerDay,
            waitDistribution: "fixed",
          }));
    return {
      id: p.id,
      modes,
      ageAtStartH: ageDays * scheduledHPerDay,
      partsPerH,
      basePowerKW: d.basePowerKW,
      processKWhPerPart: d.processEnergyPerPartKWh,
    };
  });
  const model: ContractModel = {
    presses,
    months: scenario.termMonths,
    scheduledHPerMonth: DAYS_PER_MONTH * scheduledHPerDay,
    scheduledHPerDay,
    failureClock: scenario.failures.source === "stated" ? scenario.failures.failureClock : "operating",
    customerEventsPerPressMonth: ops.customerDowntimeHoursPerPressMonth / ops.customerDowntimeEventH,
    customerEventH: ops.customerDowntimeEventH,
    plannedMaintenanceHPerPressMonth: ops.plannedMaintenanceHoursPerPressMonth,
    pdmHitRate: ops.pdmHitRate,
    spares: { source: scenario.spares.source, stockValueEur: 0, availability: null, expectedBackorders: null },
  };
  if (scenario.spares.source === "stated") {
    const miss = 1 - scenario.spares.fillRate;
    for (const p of presses) for (const m of p.modes) m.stockoutProbability = miss;
  } else {
    stockSpares(model, scenario.spares.targetAvailability, scenario.spares.resupplyDays);
  }
  return model;
}

function statedMode(f: Extract<ContractScenario["failures"], { source: "stated" }>, hPerDay: number): FailureMode {
  return {
    name: "press",
    partNumber: "STATED-REPAIR-KIT",
    life: exponential(1 / f.mtbfH),
    sockets: 1,
    repairMeanH: f.mttrH,
    repairDistribution: f.repairDistribution,
    repairCv: 1,
    plannedH: f.mttrH / 2,
    partCostEur: f.partCostEur,
    labourH: f.labourHours,
    stockoutProbability: 0,
    waitMeanH: f.leadTimeDays * hPerDay,
    waitDistribution: "fixed",
  };
}

/**
 * Stocks the fleet's part numbers with the spares model (one site — the customer's plant — and the depot) for the
 * target availability, and sets each mode's stockout probability and conditional mean wait from the result.
 */
export function stockSpares(model: ContractModel, targetAvailability: number, resupplyDays: number): void {
  const byPn = new Map<string, { modes: FailureMode[]; presses: Set<number>; ratePerDay: number; lead: number }>();
  model.presses.forEach((p, j) => {
    for (const m of p.modes) {
      let e = byPn.get(m.partNumber);
      if (!e) {
        e = { modes: [], presses: new Set(), ratePerDay: 0, lead: m.waitMeanH / model.scheduledHPerDay };
        byPn.set(m.partNumber, e);
      }
      e.modes.push(m);
      e.presses.add(j);
      // Long-run renewal rate per socket: 1 / mean life, in operating (≈ scheduled) hours.
      e.ratePerDay += (m.sockets / m.life.mean()) * model.scheduledHPerDay;
    }
  });
  const entries = [...byPn.entries()];
  const problem: MetricProblem = {
    sites: [{ id: "customer", presses: model.presses.length, resupplyDays }],
    items: entries.map(([pn, e]) => ({
      id: pn,
      unitCostEur: Math.max(1e-6, e.modes[0]!.partCostEur),
      supplierLeadTimeDays: e.lead,
      sites: [
        {
          demandPerDay: e.ratePerDay,
          socketsPerPress: e.modes[0]!.sockets,
          pressIndices: [...e.presses].sort((a, b) => a - b),
        },
      ],
    })),
  };
  const alloc = metricAllocate(problem, { targetAvailability }, { method: "exact" });
  const ev = evaluateMetric(problem, alloc.allocation, { method: "exact" });
  entries.forEach(([, e], i) => {
    const site = ev.items[i]!.sites[0]!;
    const miss = Math.max(0, 1 - site.fillRate);
    const meanWaitDays = e.ratePerDay > 0 && miss > 0 ? site.expectedBackorders / (e.ratePerDay * miss) : 0;
    for (const m of e.modes) {
      m.stockoutProbability = miss;
      m.waitMeanH = meanWaitDays * model.scheduledHPerDay;
      m.waitDistribution = "exponential";
    }
  });
  model.spares = {
    source: "metric",
    stockValueEur: ev.fleet.investmentEur,
    availability: ev.fleet.availability,
    expectedBackorders: ev.fleet.expectedBackorders,
  };
}

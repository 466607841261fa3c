import type { ComponentCard } from "../../twin-models/schemas/component.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import type { SparesScenario } from "../../twin-models/schemas/spares.ts";
import { addDays } from "../fleet/calendar.ts";
import { buildFleet, type Fleet } from "../fleet/fleet.ts";
import { preventiveAges } from "../fleet/policy.ts";
import { uniform01 } from "../sweep/random.ts";
import { DAYS_PER_MONTH } from "../units.ts";
import { type DemandPlan, type PartSiteDemand, planDemand, type SeriesForecast } from "./demandPlan.ts";
import type { SiteFleet } from "./fleetDemand.ts";
import {
  type MetricAllocationResult,
  type MetricMethod,
  type MetricProblem,
  type MetricUnitReason,
  metricAllocate,
  metricCurve,
} from "./metric.ts";
import { type Estimate, simulateMetric } from "./metricSimulation.ts";
import { baseStockForFillRate, baseStockFromSamples } from "./stocking.ts";
import { invalid } from "./stockingChecks.ts";

/**
 * `moldtwin spares`: from the fleets of one or more sites to stock levels and purchase requisitions.
 *
 *  1. Demand per part number, site and month (demandPlan.ts): history-only intermittent forecasts and the twin's
 *     condition-based Monte Carlo, chosen or blended per part number by a backtest on held-out history.
 *  2. The two-echelon stocking problem (metric.ts): the depot and every site, each part number's supplier lead
 *     time and unit cost, its forecast demand rate per site, the presses that carry it and its sockets per press.
 *  3. For every availability target (and a budget, if given) the greedy marginal allocation with the exact site
 *     pipeline of Graves (1985) — the one of the three METRIC variants that the event simulation confirms within
 *     its confidence interval (VARI-METRIC is ≈ 3 half-widths optimistic, METRIC ≈ 24; metricSimulation.test.ts).
 *  4. Each plan confirmed by the event simulation (metricSimulation.ts); the cost-vs-availability curve; purchase
 *     requisitions for what the chosen plan needs beyond the stock on hand, with the reason for each line.
 *
 * "Availability" is Sherbrooke's (2004 §5.2): the expected share of presses not waiting for a spare part — what
 * the spares decide of the press availability an uptime contract sells (the "part availability" of the stock).
 * The fill rate (share of demands met from the site shelf at once) is reported beside it.
 */

export const STOCKING_METHOD: MetricMethod = "exact";

/** A site's fleet: from its plant (and optionally other component cards), or built by the caller. */
export type SparesSiteInput = { plant: Plant; cards?: ComponentCard[] } | { fleet: Fleet };

export interface SparesProgress {
  phase: string;
  done: number;
  total: number;
}

export interface StockLine {
  partNumber: string;
  name: string;
  unitCostEur: number;
  location: string;
  stock: number;
  onHand: number;
  /** stock − onHand if positive: what to buy. */
  toBuy: number;
  /** Forecast demand at this location over the horizon (the depot: all sites'). */
  demandPerMonth: number;
  expectedBackorders: number;
  fillRate: number;
  /** Why each unit was stocked: its marginal value, in the order bought. */
  units: MetricUnitReason[];
}

export interface StockPlan {
  /** "95 %", or "budget 50,000 EUR". */
  label: string;
  targetAvailability: number | null;
  budgetEur: number | null;
  targetMet: boolean | null;
  stopReason: string;
  availability: number;
  pressUpShare: number;
  /** Demand-weighted site fill rate. */
  fillRate: number;
  expectedBackorders: number;
  units: number;
  stockValueEur: number;
  annualHoldingCostEur: number;
  /** Value of the units to buy beyond the stock on hand. */
  toBuyEur: number;
  simulated: { availability: Estimate; pressUpShare: Estimate; expectedBackorders: Estimate };
  /** Whether the analytic availability lies in the simulation's confidence interval. */
  confirmed: boolean;
  lines: StockLine[];
}

export interface Requisition {
  id: string;
  partNumber: string;
  name: string;
  location: string;
  quantity: number;
  unitCostEur: number;
  valueEur: number;
  orderDate: string;
  expectedDelivery: string;
  plan: string;
  reason: string;
}

export interface PartNumberDemand {
  partNumber: string;
  name: string;
  kind: string;
  site: string;
  sockets: number;
  presses: number;
  unitCostEur: number;
  leadTimeDays: number;
  historyTotal: number;
  demandClass: string;
  historyMethod: string;
  historyPerMonth: number;
  condition: SeriesForecast;
  chosen: PartSiteDemand["chosen"];
  conditionWeight: number;
  forecast: SeriesForecast;
  backtest: PartSiteDemand["backtest"];
  perMonth: number;
  leadTimeDemand: LeadTimeDemand;
}

/**
 * The site stocking alone against the supplier lead time plus its resupply, for each target as a fill rate:
 * the base stock from Poisson demand at the chosen forecast's rate and from the simulated lead-time demand of the
 * condition-based Monte Carlo (which sees a worn fleet's near-term demand and its clustering).
 */
export interface LeadTimeDemand {
  leadTimeDays: number;
  poissonMean: number;
  simulated: { mean: number; varianceToMean: number; p90: number };
  fillRateStock: { target: number; poisson: number; simulated: number }[];
}

export interface SparesResult {
  name: string;
  asOf: string;
  horizonMonths: number;
  historyMonths: number;
  runs: number;
  seed: number;
  policy: SparesScenario["policy"];
  forecastChoice: SparesScenario["forecast"];
  stockingMethod: MetricMethod;
  depot: string;
  sites: { id: string; plant: string; presses: number; operatingHoursPerDay: number; resupplyDays: number }[];
  demand: {
    backtest: DemandPlan["backtest"];
    /** Fleet total of the chosen forecasts per month. */
    perMonth: number[];
    partNumbers: PartNumberDemand[];
  };
  plans: StockPlan[];
  /** The greedy cost-vs-availability curve up to the highest target or the budget (thinned to ≤ 400 points). */
  curve: { costEur: number; availability: number; units: number }[];
  requisitionPlan: string;
  requisitions: Requisition[];
  /** Stock on hand beyond what the requisition plan needs. */
  excess: { partNumber: string; location: string; onHand: number; needed: number }[];
  simulation: { days: number; replications: number; seed: number };
  warnings: string[];
}

export function planSpares(
  scenario: SparesScenario,
  inputs: SparesSiteInput[],
  onProgress: (p: SparesProgress) => void = () => {},
): SparesResult {
  if (inputs.length !== scenario.sites.length) {
    invalid("sites", inputs.length, `one plant per scenario site (${scenario.sites.length})`);
  }
  const requisitionTarget = scenario.requisitionTarget;
  if (requisitionTarget !== undefined && !scenario.targets.includes(requisitionTarget)) {
    invalid("scenario.requisitionTarget", requisitionTarget, `one of the targets ${scenario.targets.join(", ")}`);
  }
  const totalPhases = 2 + scenario.targets.length + (scenario.budgetEur ? 1 : 0);
  let phase = 0;
  const step = (name: string): void => onProgress({ phase: name, done: phase++, total: totalPhases });

  step("demand forecast");
  let offset = 0;
  const fleets: SiteFleet[] = scenario.sites.map((site, j) => {
    const input = inputs[j]!;
    const fleet =
      "fleet" in input
        ? input.fleet
        : buildFleet(input.plant, {
            utilisation: scenario.utilisation,
            ...(input.cards ? { cards: input.cards } : {}),
          });
    const siteFleet = { siteId: site.id, fleet, pressOffset: offset };
    offset += fleet.presses.length;
    return siteFleet;
  });
  const pmAge = preventiveAges(scenario.costs);
  const plan = planDemand(fleets, scenario, scenario.policy === "preventive" ? (k) => pmAge(k.part) : () => null);

  step("stocking curve");
  const problem = stockingProblem(plan, scenario, fleets);
  const depotId = scenario.depot.id;
  const onHand = onHandTable(scenario, plan, depotId);
  const sim = { days: scenario.simulation.days, replications: scenario.simulation.replications, seed: scenario.seed };
  const plans: StockPlan[] = [];
  // The curve runs to the highest target, or on to the budget if that is larger.
  let curve = metricCurve(problem, { method: STOCKING_METHOD, targetAvailability: Math.max(...scenario.targets) });
  const finalCost = curve.points[curve.points.length - 1]!.costEur;
  if (scenario.budgetEur !== undefined && scenario.budgetEur > finalCost) {
    curve = metricCurve(problem, { method: STOCKING_METHOD, budgetEur: scenario.budgetEur });
  }
  const goals: { label: string; goal: { targetAvailability: number } | { budgetEur: number } }[] = [
    ...scenario.targets.map((t) => ({ label: percent(t), goal: { targetAvailability: t } })),
    ...(scenario.budgetEur !== undefined
      ? [{ label: `budget ${eur(scenario.budgetEur)}`, goal: { budgetEur: scenario.budgetEur } }]
      : []),
  ];
  for (const g of goals) {
    step(`stock for ${g.label}`);
    const alloc = metricAllocate(problem, g.goal, { method: STOCKING_METHOD });
    plans.push(stockPlan(g.label, g.goal, alloc, problem, plan, onHand, depotId, scenario, sim));
  }
  onProgress({ phase: "done", done: totalPhases, total: totalPhases });

  const chosenPlan =
    requisitionTarget !== undefined
      ? plans[scenario.targets.indexOf(requisitionTarget)]!
      : scenario.budgetEur !== undefined
        ? plans[plans.length - 1]!
        : plans[0]!;
  const warnings: string[] = [];
  for (const p of plans) {
    if (p.targetMet === false)
      warnings.push(`${p.label}: not reached (${p.stopReason}); the plan reaches ${percent(p.availability)}`);
    if (!p.confirmed) {
      warnings.push(
        `${p.label}: the simulated availability ${percent(p.simulated.availability.mean)} ± ${percent(p.simulated.availability.halfWidth)} does not cover the analytic ${percent(p.availability)}`,
      );
    }
  }
  for (const [key, q] of onHand.unknown) warnings.push(`on hand ${key} × ${q}: no press of the fleet uses it`);
  return {
    name: scenario.name,
    asOf: scenario.asOf,
    horizonMonths: scenario.horizonMonths,
    historyMonths: scenario.historyMonths,
    runs: scenario.runs,
    seed: scenario.seed,
    policy: scenario.policy,
    forecastChoice: scenario.forecast,
    stockingMethod: STOCKING_METHOD,
    depot: depotId,
    sites: fleets.map((f, j) => ({
      id: f.siteId,
      plant: f.fleet.plantId,
      presses: f.fleet.presses.length,
      operatingHoursPerDay: f.fleet.operatingHoursPerDay,
      resupplyDays: scenario.sites[j]!.resupplyDays,
    })),
    demand: {
      backtest: plan.backtest,
      perMonth: Array.from({ length: plan.horizonMonths }, (_, m) =>
        plan.rows.reduce((a, r) => a + r.forecast.mean[m]!, 0),
      ),
      partNumbers: plan.rows.map((r) => partNumberDemand(r, plan, scenario)),
    },
    plans,
    curve: thin(
      curve.points.map((p) => ({ costEur: p.costEur, availability: p.availability, units: p.units })),
      400,
    ),
    requisitionPlan: chosenPlan.label,
    requisitions: requisitions(chosenPlan, plan, scenario),
    excess: chosenPlan.lines
      .filter((l) => l.onHand > l.stock)
      .map((l) => ({ partNumber: l.partNumber, location: l.location, onHand: l.onHand, needed: l.stock }))
      .concat(
        [...onHand.unknown].map(([key, q]) => {
          const [location, partNumber] = key.split("|") as [string, string];
          return { partNumber, location, onHand: q, needed: 0 };
        }),
      ),
    simulation: sim,
    warnings,
  };
}

/** The METRIC problem: items = part numbers; per site the forecast rate, the presses carrying it, sockets each. */
function stockingProblem(plan: DemandPlan, scenario: SparesScenario, fleets: SiteFleet[]): MetricProblem {
  const J = fleets.length;
  const carriers = plan.partNumbers.map(() => Array.from({ length: J }, () => new Set<number>()));
  for (const k of plan.sockets) carriers[k.partNumber]![k.site]!.add(k.press.index);
  const rowOf = new Map(plan.rows.map((r) => [`${r.partIndex}|${r.siteIndex}`, r]));
  return {
    sites: fleets.map((f, j) => ({
      id: f.siteId,
      presses: f.fleet.presses.length,
      resupplyDays: scenario.sites[j]!.resupplyDays,
    })),
    items: plan.partNumbers.map((pn, p) => ({
      id: pn.partNumber,
      unitCostEur: pn.unitCostEur,
      supplierLeadTimeDays: pn.leadTimeDays,
      sites: fleets.map((_, j) => {
        const row = rowOf.get(`${p}|${j}`);
        const users = [...carriers[p]![j]!].sort((a, b) => a - b);
        if (!row || users.length === 0) return { demandPerDay: 0, socketsPerPress: 0 };
        return {
          demandPerDay: row.ratePerDay,
          socketsPerPress: Math.round(row.sockets / row.presses),
          pressIndices: users,
        };
      }),
    })),
  };
}

interface OnHandTable {
  get(location: string, partNumber: string): number;
  /** Entries for part numbers no press uses, `location|partNumber` → quantity. */
  unknown: Map<string, number>;
}

function onHandTable(scenario: SparesScenario, plan: DemandPlan, depotId: string): OnHandTable {
  const known = new Set(plan.partNumbers.map((p) => p.partNumber));
  const table = new Map<string, number>();
  const unknown = new Map<string, number>();
  const add = (location: string, entries: SparesScenario["depot"]["onHand"]): void => {
    for (const e of entries) {
      const key = `${location}|${e.partNumber.toUpperCase()}`;
      const target = known.has(e.partNumber.toUpperCase()) ? table : unknown;
      target.set(key, (target.get(key) ?? 0) + e.quantity);
    }
  };
  add(depotId, scenario.depot.onHand);
  for (const s of scenario.sites) add(s.id, s.onHand);
  return { get: (location, pn) => table.get(`${location}|${pn}`) ?? 0, unknown };
}

function stockPlan(
  label: string,
  goal: { targetAvailability: number } | { budgetEur: number },
  alloc: MetricAllocationResult,
  problem: MetricProblem,
  plan: DemandPlan,
  onHand: OnHandTable,
  depotId: string,
  scenario: SparesScenario,
  sim: { days: number; replications: number; seed: number },
): StockPlan {
  const ev = alloc.evaluation;
  const lines: StockLine[] = [];
  let demand = 0;
  let filled = 0;
  let toBuyEur = 0;
  alloc.items.forEach((item, i) => {
    const pn = plan.partNumbers[i]!;
    const evItem = ev.items[i]!;
    const line = (location: string, stock: number, units: MetricUnitReason[], perDay: number, e: number, f: number) => {
      const have = onHand.get(location, pn.partNumber);
      const toBuy = Math.max(0, stock - have);
      toBuyEur += toBuy * pn.unitCostEur;
      if (stock === 0 && have === 0 && perDay === 0) return;
      lines.push({
        partNumber: pn.partNumber,
        name: pn.name,
        unitCostEur: pn.unitCostEur,
        location,
        stock,
        onHand: have,
        toBuy,
        demandPerMonth: perDay * DAYS_PER_MONTH,
        expectedBackorders: e,
        fillRate: f,
        units,
      });
    };
    line(
      depotId,
      item.depot.stock,
      item.depot.units,
      evItem.depot.demandPerDay,
      evItem.depot.expectedBackorders,
      evItem.depot.fillRate,
    );
    item.sites.forEach((s, j) => {
      const lv = evItem.sites[j]!;
      demand += lv.demandPerDay;
      filled += lv.demandPerDay * lv.fillRate;
      line(s.siteId, s.stock, s.units, lv.demandPerDay, lv.expectedBackorders, lv.fillRate);
    });
  });
  const simulated = simulateMetric(problem, alloc.allocation, sim);
  const a = simulated.fleet.availability;
  return {
    label,
    targetAvailability: "targetAvailability" in goal ? goal.targetAvailability : null,
    budgetEur: "budgetEur" in goal ? goal.budgetEur : null,
    targetMet: alloc.targetMet,
    stopReason: alloc.stopReason,
    availability: ev.fleet.availability,
    pressUpShare: ev.fleet.pressUpShare,
    fillRate: demand > 0 ? filled / demand : 1,
    expectedBackorders: ev.fleet.expectedBackorders,
    units: ev.fleet.units,
    stockValueEur: ev.fleet.investmentEur,
    annualHoldingCostEur: ev.fleet.investmentEur * scenario.holdingRatePerYear,
    toBuyEur,
    simulated: {
      availability: a,
      pressUpShare: simulated.fleet.pressUpShare,
      expectedBackorders: simulated.fleet.expectedBackorders,
    },
    confirmed: Math.abs(a.mean - ev.fleet.availability) <= a.halfWidth,
    lines,
  };
}

function partNumberDemand(r: PartSiteDemand, plan: DemandPlan, scenario: SparesScenario): PartNumberDemand {
  const pn = plan.partNumbers[r.partIndex]!;
  const leadTimeDays = pn.leadTimeDays + scenario.sites[r.siteIndex]!.resupplyDays;
  return {
    partNumber: r.partNumber,
    name: pn.name,
    kind: pn.kind,
    site: r.site,
    sockets: r.sockets,
    presses: r.presses,
    unitCostEur: pn.unitCostEur,
    leadTimeDays: pn.leadTimeDays,
    historyTotal: r.history.total,
    demandClass: r.history.class,
    historyMethod: r.history.method,
    historyPerMonth: r.history.perMonth,
    condition: r.condition,
    chosen: r.chosen,
    conditionWeight: r.conditionWeight,
    forecast: r.forecast,
    backtest: r.backtest,
    perMonth: r.ratePerDay * DAYS_PER_MONTH,
    leadTimeDemand: leadTimeDemand(r, plan, leadTimeDays, scenario),
  };
}

/** Stream of the lead-time thinning draws (apart from the Monte Carlo's own streams). */
const LEAD_TIME_STREAM = 0x1ead_7000;

function leadTimeDemand(r: PartSiteDemand, plan: DemandPlan, leadTimeDays: number, sc: SparesScenario): LeadTimeDemand {
  const { months, runs } = plan.condition;
  const counts = plan.condition.counts[r.partIndex]![r.siteIndex]!;
  // Demand in the next L days of each run: whole months, then the part month's renewals kept with probability
  // = the fraction of it inside L (binomial thinning: renewals spread uniformly over a month).
  const span = Math.min(months, leadTimeDays / DAYS_PER_MONTH);
  const whole = Math.floor(span);
  const frac = span - whole;
  const samples = new Float64Array(runs);
  const stream = LEAD_TIME_STREAM + r.partIndex * plan.sites.length + r.siteIndex;
  for (let run = 0; run < runs; run++) {
    let d = 0;
    for (let m = 0; m < whole; m++) d += counts[m * runs + run]!;
    if (frac > 0 && whole < months) {
      const n = counts[whole * runs + run]!;
      for (let u = 0; u < n; u++) if (uniform01(sc.seed, stream, run, u) < frac) d++;
    }
    samples[run] = d;
  }
  let mean = 0;
  for (const x of samples) mean += x;
  mean /= runs;
  let variance = 0;
  for (const x of samples) variance += (x - mean) ** 2;
  variance /= Math.max(1, runs - 1);
  const sorted = Float64Array.from(samples).sort();
  const poissonMean = r.ratePerDay * leadTimeDays;
  return {
    leadTimeDays,
    poissonMean,
    simulated: { mean, varianceToMean: mean > 0 ? variance / mean : 1, p90: sorted[Math.ceil(0.9 * runs) - 1]! },
    // No demand needs no stock (the fill-rate definition would ask for one unit to serve a demand that never comes).
    fillRateStock: sc.targets.map((target) => ({
      target,
      poisson:
        poissonMean > 0
          ? baseStockForFillRate({ meanLeadTimeDemand: poissonMean, targetFillRate: target }).baseStock
          : 0,
      simulated: mean > 0 ? baseStockFromSamples({ samples, targetFillRate: target }).baseStock : 0,
    })),
  };
}

/** One requisition per part number and location that needs more than it has, numbered in a stable order. */
function requisitions(p: StockPlan, plan: DemandPlan, scenario: SparesScenario): Requisition[] {
  const rowOf = new Map(plan.rows.map((r) => [`${r.partNumber}|${r.site}`, r]));
  const leadOf = new Map(plan.partNumbers.map((pn) => [pn.partNumber, pn.leadTimeDays]));
  const resupplyOf = new Map(scenario.sites.map((s) => [s.id, s.resupplyDays]));
  return p.lines
    .filter((l) => l.toBuy > 0)
    .sort((a, b) => a.partNumber.localeCompare(b.partNumber) || a.location.localeCompare(b.location))
    .map((l, n) => {
      const lead = leadOf.get(l.partNumber)!;
      const resupply = resupplyOf.get(l.location);
      return {
        id: `PR-${String(n + 1).padStart(4, "0")}`,
        partNumber: l.partNumber,
        name: l.name,
        location: l.location,
        quantity: l.toBuy,
        unitCostEur: l.unitCostEur,
        valueEur: l.toBuy * l.unitCostEur,
        orderDate: scenario.asOf,
        expectedDelivery: addDays(scenario.asOf, Math.ceil(lead + (resupply ?? 0))),
        plan: p.label,
        reason: requisitionReason(l, p, rowOf.get(`${l.partNumber}|${l.location}`), lead, resupply),
      };
    });
}

function requisitionReason(
  l: StockLine,
  p: StockPlan,
  row: PartSiteDemand | undefined,
  leadTimeDays: number,
  resupplyDays: number | undefined,
): string {
  const parts: string[] = [];
  const plan = p.targetAvailability !== null ? `for ${p.label} availability` : `in the ${p.label} plan`;
  parts.push(`stock ${l.stock} ${plan} (on hand ${l.onHand})`);
  if (row) {
    const source =
      row.chosen === "blend"
        ? `blend, ${Math.round(100 * row.conditionWeight)} % condition-based`
        : row.chosen === "condition"
          ? "condition-based"
          : `history, ${row.history.method}`;
    parts.push(
      `forecast ${num(row.ratePerDay * DAYS_PER_MONTH)}/month (${source}; backtest MAE ${num(row.backtest.conditionMae)} condition vs ${num(row.backtest.historyMae)} history)`,
    );
    parts.push(`resupply ${resupplyDays ?? 0} d from the depot`);
  } else {
    parts.push(`pools ${num(l.demandPerMonth)}/month of site demand against a ${leadTimeDays} d supplier lead time`);
  }
  const last = l.units[l.units.length - 1];
  const saved = l.units.reduce((a, u) => a + u.deltaEbo, 0);
  if (last) {
    parts.push(
      `its ${l.units.length} unit(s) cut expected backorders by ${num(saved)}, the last adding ${num(1e5 * last.ratioPerEur)} availability points per 1,000 EUR`,
    );
  }
  parts.push(`expected backorders left ${num(l.expectedBackorders)}, fill rate ${percent(l.fillRate)}`);
  return parts.join("; ");
}

function thin<T>(xs: T[], max: number): T[] {
  if (xs.length <= max) return xs;
  const out: T[] = [];
  const stride = (xs.length - 1) / (max - 1);
  for (let n = 0; n < max; n++) out.push(xs[Math.round(n * stride)]!);
  return out;
}

const percent = (x: number): string => `${Number((100 * x).toFixed(x > 0.99 && x < 1 ? 2 : 1))} %`;
const eur = (x: number): string => `${Math.round(x).toLocaleString("en-US")} EUR`;
const num = (x: number): string => (Math.abs(x) >= 10 ? x.toFixed(1) : Number(x.toPrecision(2)).toString());

import type { ForecastScenario } from "../../twin-models/schemas/forecast.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { MoldtwinError } from "../errors.ts";
import { DAYS_PER_MONTH } from "../units.ts";
import type { ComponentLife } from "../wear/component.ts";
import { daysBetween } from "./calendar.ts";
import { buildFleet, type Fleet, type FleetPress, socketStream } from "./fleet.ts";
import { type PreventivePolicy, preventivePolicy } from "./policy.ts";
import { type SocketRunStats, SocketSimulator } from "./socketSimulator.ts";
import { suggestWorkOrders, type WorkOrder } from "./workOrders.ts";

/**
 * Fleet failure forecast: a Monte Carlo of every wear-part socket of every press as a renewal process.
 *
 * Why simulate the past too: a press commissioned five years ago has had its short-lived parts renewed an
 * unknown number of times, so the age of the part in service today is not the press's age. Each run starts a new
 * part at commissioning (or at the recorded replacement), renews it at every failure up to the forecast date —
 * the current part's age then follows the renewal process's age distribution (Cox, Renewal Theory, 1962, §5) —
 * and continues over the horizon. Both policies, "as is" (corrective only) and "age replacement at the
 * cost-optimal age", run on common random numbers, so their difference is not sampling noise.
 *
 * Condition readings enter by likelihood weighting: a run whose current part would show the reported signature
 * gets weight N(reading; signatureAt(age, life), noise σ). Weighted quantiles then give the remaining life given
 * the reading (importance sampling with the prior as proposal; the effective sample size is reported).
 *
 * Units: operating hours (h) inside; calendar days and dates at the edges via the plant's operating hours/day.
 */

export type { PreventivePolicy };

export interface Quantiles {
  p10: number;
  p50: number;
  p90: number;
}

export interface ComponentForecast {
  press: string;
  pressName: string;
  cell: string;
  component: string;
  componentName: string;
  kind: string;
  partNumber: string;
  sockets: number;
  leadTimeDays: number;
  labourHoursPerSocket: number;
  /** Median age of the part in service today (h); ageKnown: its history starts at a recorded replacement. */
  currentAgeH: number;
  ageKnown: boolean;
  lifeP50H: number;
  /** P(at least one socket fails within the horizon), corrective policy. */
  failureProbability: number;
  expectedFailures: number;
  expectedFailuresPerMonth: number[];
  remainingLifeH: Quantiles;
  remainingLifeDays: Quantiles;
  preventive: PreventivePolicy;
  /** With age replacement at the optimum over the horizon: expected failures and planned replacements. */
  withPreventive: { expectedFailures: number; expectedReplacements: number };
  /** Expected maintenance cost over the horizon (parts, labour, downtime), as is vs with the preventive policy. */
  expectedCostEur: { asIs: number; withPreventive: number };
  condition?: { reading: number; unit: string; effectiveRuns: number };
  signature: { name: string; unit: string };
}

export interface ForecastResult {
  plant: string;
  tenant: string;
  asOf: string;
  horizonMonths: number;
  runs: number;
  seed: number;
  operatingHoursPerDay: number;
  presses: number;
  components: ComponentForecast[];
  fleet: {
    expectedFailuresPerMonth: number[];
    expectedFailures: number;
    byKind: { kind: string; expectedFailures: number; expectedFailuresPerMonth: number[] }[];
    expectedCostEur: { asIs: number; withPreventive: number };
  };
  workOrders: WorkOrder[];
  warnings: string[];
}

export interface ForecastProgress {
  done: number;
  total: number;
}

export function forecastFleet(
  plant: Plant,
  scenario: ForecastScenario,
  onProgress?: (p: ForecastProgress) => void,
): ForecastResult {
  const fleet = buildFleet(plant, { utilisation: scenario.utilisation, fleetSize: scenario.fleetSize });
  return forecast(fleet, scenario, onProgress);
}

/** The forecast of a fleet already built (tests and callers with their own component lives use this). */
export function forecast(
  fleet: Fleet,
  scenario: ForecastScenario,
  onProgress?: (p: ForecastProgress) => void,
): ForecastResult {
  checkReferences(fleet, scenario);
  const part = forecastPresses(fleet, scenario, 0, fleet.presses.length, (done) =>
    onProgress?.({ done, total: fleet.presses.length }),
  );
  return assembleForecast(fleet, scenario, [part]);
}

/** The forecasts of presses [from, to) of a fleet: the unit of work of a pool task. */
export interface PressRangeForecast {
  components: InternalForecast[];
  warnings: string[];
}

/**
 * Forecasts presses [from, to). Every number depends only on the press's own index, the scenario and the seed
 * (counter-based streams), so any split of the fleet into ranges gives the same result.
 */
export function forecastPresses(
  fleet: Fleet,
  scenario: ForecastScenario,
  from: number,
  to: number,
  onPress?: (done: number) => void,
): PressRangeForecast {
  const hoursPerDay = fleet.operatingHoursPerDay;
  const hoursPerMonth = hoursPerDay * DAYS_PER_MONTH;
  const months = scenario.horizonMonths;
  const horizonH = months * hoursPerMonth;
  const warnings: string[] = [];
  const sim = new SocketSimulator(scenario.runs, months, Math.max(1, maxSockets(fleet)));
  const components: InternalForecast[] = [];
  for (let i = from; i < to; i++) {
    const press = fleet.presses[i]!;
    for (let c = 0; c < press.components.length; c++) {
      const part = press.components[c]!;
      const starts = socketStarts(press, part, scenario, hoursPerDay);
      const readings = readingsFor(press, part, scenario);
      const policy = preventivePolicy(part, scenario.costs, hoursPerDay);
      const stats = sim.run({
        life: part,
        startsH: starts.startsH,
        recorded: starts.recorded,
        readings,
        horizonH,
        hoursPerMonth,
        pmAgeH: policy.optimalAgeH,
        seed: scenario.seed,
        streamOf: (socket) => socketStream(press.index, c, socket),
      });
      if (readings.some((r) => r !== null) && stats.effectiveRuns < 30) {
        warnings.push(
          `${press.id}/${part.card.id}: the condition reading is far from what the model expects at this age ` +
            `(${stats.effectiveRuns.toFixed(0)} effective runs); check the reading or raise runs`,
        );
      }
      components.push(
        componentForecast(press, part, starts.known, policy, stats, readings, hoursPerDay, scenario.riskThreshold),
      );
    }
    onPress?.(i + 1 - from);
  }
  return { components, warnings };
}

/** Joins press-range forecasts (in fleet order) into the fleet result: summaries and work orders. */
export function assembleForecast(
  fleet: Fleet,
  scenario: ForecastScenario,
  parts: PressRangeForecast[],
): ForecastResult {
  const components = parts.flatMap((p) => p.components);
  const months = scenario.horizonMonths;
  const workOrders = suggestWorkOrders(components, {
    asOf: scenario.asOf,
    windowDays: scenario.workOrderWindowDays,
    riskThreshold: scenario.riskThreshold,
    operatingHoursPerDay: fleet.operatingHoursPerDay,
    risk: (f) => f.riskDueH,
  });
  return {
    plant: fleet.plantId,
    tenant: fleet.tenant,
    asOf: scenario.asOf,
    horizonMonths: months,
    runs: scenario.runs,
    seed: scenario.seed,
    operatingHoursPerDay: fleet.operatingHoursPerDay,
    presses: fleet.presses.length,
    components: components.map(({ riskDueH: _, ...rest }) => rest),
    fleet: fleetSummary(components, months),
    workOrders,
    warnings: parts.flatMap((p) => p.warnings),
  };
}

function maxSockets(fleet: Fleet): number {
  let n = 0;
  for (const p of fleet.presses) for (const c of p.components) n = Math.max(n, c.card.perPress);
  return n;
}

/** Every replacement and reading must name a press and component of the fleet: a typo must not pass silently. */
export function checkReferences(fleet: Fleet, scenario: ForecastScenario): void {
  const known = new Map(fleet.presses.map((p) => [p.id, new Set(p.components.map((c) => c.card.id))]));
  const check = (list: { press: string; component: string }[], field: string) =>
    list.forEach((r, i) => {
      const parts = known.get(r.press);
      if (!parts) {
        throw new MoldtwinError("TWIN_ERR_UNKNOWN_ID", `${field}[${i}].press: no press ${r.press} in the plant`, [
          { field: `${field}[${i}].press`, value: r.press, allowed: [...known.keys()].slice(0, 30).join(", ") },
        ]);
      }
      if (!parts.has(r.component)) {
        throw new MoldtwinError(
          "TWIN_ERR_UNKNOWN_ID",
          `${field}[${i}].component: press ${r.press} has no component ${r.component}`,
          [{ field: `${field}[${i}].component`, value: r.component, allowed: [...parts].join(", ") }],
        );
      }
    });
  check(scenario.replacements, "replacements");
  check(scenario.condition, "condition");
}

/**
 * When each socket's history starts, in operating hours relative to the forecast date (≤ 0), and whether that
 * start is a recorded replacement. A record is the socket's last replacement: the part fitted then is still in
 * service. Without one, the history is a renewal process since commissioning.
 */
function socketStarts(
  press: FleetPress,
  part: ComponentLife,
  scenario: ForecastScenario,
  hoursPerDay: number,
): { startsH: Float64Array; recorded: Uint8Array; known: boolean } {
  const startsH = new Float64Array(part.card.perPress);
  const recordedSockets = new Uint8Array(part.card.perPress);
  let known = true;
  const baseId = press.id.replace(/-r\d+$/, "");
  for (let s = 0; s < startsH.length; s++) {
    let date = press.commissionedOn;
    let recorded = false;
    for (const r of scenario.replacements) {
      if (r.press !== press.id && r.press !== baseId) continue;
      if (r.component !== part.card.id || (r.socket !== undefined && r.socket !== s)) continue;
      if (!recorded || r.replacedOn > date) date = r.replacedOn;
      recorded = true;
    }
    known &&= recorded;
    recordedSockets[s] = recorded ? 1 : 0;
    const days = daysBetween(date, scenario.asOf);
    startsH[s] = -Math.max(0, days) * hoursPerDay;
  }
  return { startsH, recorded: recordedSockets, known };
}

function readingsFor(press: FleetPress, part: ComponentLife, scenario: ForecastScenario): (number | null)[] {
  const out: (number | null)[] = Array.from({ length: part.card.perPress }, () => null);
  for (const r of scenario.condition) {
    if (r.press === press.id && r.component === part.card.id && r.socket < out.length) out[r.socket] = r.value;
  }
  return out;
}

/**
 * Quantiles of run values, weighted when condition readings weight the runs (inverse of the weighted empirical
 * CDF, Hyndman & Fan 1996 type 1). Sorts once; the unweighted case uses the typed-array sort.
 */
export function runQuantiles(values: Float64Array, weights: Float64Array | null, probs: number[]): number[] {
  const n = values.length;
  if (weights === null) {
    const sorted = Float64Array.from(values).sort();
    return probs.map((p) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))]!);
  }
  const order = Array.from(values.keys()).sort((a, b) => values[a]! - values[b]!);
  let total = 0;
  for (const i of order) total += weights[i]!;
  return probs.map((p) => {
    const target = p * total;
    let acc = 0;
    for (const i of order) {
      acc += weights[i]!;
      if (acc >= target) return values[i]!;
    }
    return values[order[n - 1]!]!;
  });
}

export type InternalForecast = ComponentForecast & { riskDueH: number };

function componentForecast(
  press: FleetPress,
  part: ComponentLife,
  ageKnown: boolean,
  preventive: PreventivePolicy,
  stats: SocketRunStats,
  readings: (number | null)[],
  hoursPerDay: number,
  riskThreshold: number,
): InternalForecast {
  const weights = readings.some((r) => r !== null) ? stats.weights : null;
  const [p10, p50, p90, risk] = runQuantiles(stats.firstFailureH, weights, [0.1, 0.5, 0.9, riskThreshold]) as [
    number,
    number,
    number,
    number,
  ];
  const age = runQuantiles(stats.currentAgeH, weights, [0.5])[0]!;
  const monthly = Array.from(stats.monthlyFailures);
  const expectedFailures = monthly.reduce((a, b) => a + b, 0);
  const reading = readings.find((r) => r !== null);
  const clampPos = (x: number) => Math.max(0, x);
  return {
    press: press.id,
    pressName: press.name,
    cell: press.cellId,
    component: part.card.id,
    componentName: part.card.name,
    kind: part.card.kind,
    partNumber: part.card.partNumber,
    sockets: part.card.perPress,
    leadTimeDays: part.card.leadTimeDays,
    labourHoursPerSocket: part.card.labourHours,
    currentAgeH: age,
    ageKnown,
    lifeP50H: part.life.quantile(0.5),
    failureProbability: stats.failureProbability,
    expectedFailures,
    expectedFailuresPerMonth: monthly,
    remainingLifeH: { p10: clampPos(p10), p50: clampPos(p50), p90: clampPos(p90) },
    remainingLifeDays: {
      p10: clampPos(p10) / hoursPerDay,
      p50: clampPos(p50) / hoursPerDay,
      p90: clampPos(p90) / hoursPerDay,
    },
    preventive,
    withPreventive:
      preventive.optimalAgeH === null
        ? { expectedFailures, expectedReplacements: 0 }
        : { expectedFailures: stats.failuresPm, expectedReplacements: stats.replacementsPm },
    expectedCostEur: {
      asIs: expectedFailures * preventive.costUnplannedEur,
      withPreventive:
        preventive.optimalAgeH === null
          ? expectedFailures * preventive.costUnplannedEur
          : stats.failuresPm * preventive.costUnplannedEur + stats.replacementsPm * preventive.costPreventiveEur,
    },
    ...(reading === undefined || reading === null
      ? {}
      : { condition: { reading, unit: part.signature.unit, effectiveRuns: stats.effectiveRuns } }),
    signature: { name: part.signature.name, unit: part.signature.unit },
    riskDueH: clampPos(risk),
  };
}

function fleetSummary(components: ComponentForecast[], months: number): ForecastResult["fleet"] {
  const total = new Array<number>(months).fill(0);
  const kinds = new Map<string, number[]>();
  let asIs = 0;
  let withPreventive = 0;
  for (const c of components) {
    const perKind = kinds.get(c.kind) ?? new Array<number>(months).fill(0);
    kinds.set(c.kind, perKind);
    c.expectedFailuresPerMonth.forEach((x, m) => {
      total[m]! += x;
      perKind[m]! += x;
    });
    asIs += c.expectedCostEur.asIs;
    withPreventive += c.expectedCostEur.withPreventive;
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  return {
    expectedFailuresPerMonth: total,
    expectedFailures: sum(total),
    byKind: [...kinds].map(([kind, perMonth]) => ({
      kind,
      expectedFailures: sum(perMonth),
      expectedFailuresPerMonth: perMonth,
    })),
    expectedCostEur: { asIs, withPreventive },
  };
}

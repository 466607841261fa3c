import type { ForecastScenario } from "../../twin-models/schemas/forecast.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { MoldtwinError } from "../errors.ts";
import { optimalAgeReplacement } from "../reliability/replacement.ts";
import { uniform01 } from "../sweep/random.ts";
import { DAYS_PER_MONTH } from "../units.ts";
import type { ComponentLife } from "../wear/component.ts";
import { daysBetween } from "./calendar.ts";
import { buildFleet, type Fleet, type FleetPress, socketStream } from "./fleet.ts";
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

export interface PreventivePolicy {
  /** Cost-optimal replacement age in operating hours; null when running to failure is cheapest. */
  optimalAgeH: number | null;
  optimalIntervalDays: number | null;
  costPreventiveEur: number;
  costUnplannedEur: number;
  costRateEurPerH: number;
  runToFailureCostRateEurPerH: number;
  savingFraction: number;
  reason: string;
}

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

/** Most renewals one socket may see in one run: a guard against a part with a near-zero life (a card error). */
const MAX_RENEWALS = 100_000;

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
      const policy = preventivePolicy(part, scenario, hoursPerDay);
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

/** C_P and C_U from the card and the plant's rates, and the cost-optimal age (Barlow & Proschan 1965). */
function preventivePolicy(part: ComponentLife, scenario: ForecastScenario, hoursPerDay: number): PreventivePolicy {
  const card = part.card;
  const { labourEurPerH, downtimeEurPerH, unplannedLabourFactor } = scenario.costs;
  const costPreventiveEur =
    card.partCostEur + card.labourHours * labourEurPerH + card.plannedDowntimeH * downtimeEurPerH;
  const costUnplannedEur =
    card.partCostEur +
    card.labourHours * labourEurPerH * unplannedLabourFactor +
    card.unplannedDowntimeH * downtimeEurPerH;
  const opt = optimalAgeReplacement(part.life, costPreventiveEur, costUnplannedEur);
  const optimalAgeH = opt.finite ? opt.optimalAge : null;
  return {
    optimalAgeH,
    optimalIntervalDays: optimalAgeH === null ? null : optimalAgeH / hoursPerDay,
    costPreventiveEur,
    costUnplannedEur,
    costRateEurPerH: opt.costRate,
    runToFailureCostRateEurPerH: opt.runToFailureCostRate,
    savingFraction: opt.savingFraction,
    reason: opt.reason,
  };
}

interface SocketRunInput {
  life: ComponentLife;
  startsH: Float64Array;
  /** 1: the socket's start is its last recorded replacement (the part has survived since). */
  recorded: Uint8Array;
  readings: (number | null)[];
  horizonH: number;
  hoursPerMonth: number;
  pmAgeH: number | null;
  seed: number;
  streamOf: (socket: number) => number;
}

interface SocketRunStats {
  weightSum: number;
  effectiveRuns: number;
  failureProbability: number;
  monthlyFailures: Float64Array;
  failuresPm: number;
  replacementsPm: number;
  firstFailureH: Float64Array;
  weights: Float64Array;
  currentAgeH: Float64Array;
}

/**
 * The Monte Carlo core. Buffers are allocated once per forecast and reused for every press and component; a run
 * draws unit lives by inversion of counter-based uniforms (seed, socket stream, run, renewal number), so the
 * numbers do not depend on the order of presses or on which worker computes them.
 */
class SocketSimulator {
  private readonly monthly: Float64Array;
  private readonly first: Float64Array;
  private readonly weights: Float64Array;
  private readonly age: Float64Array;
  private readonly curStart: Float64Array;
  private readonly curLife: Float64Array;
  private readonly curDraw: Int32Array;
  private readonly runs: number;
  private readonly months: number;

  constructor(runs: number, months: number, sockets: number) {
    this.runs = runs;
    this.months = months;
    this.monthly = new Float64Array(months);
    this.first = new Float64Array(runs);
    this.weights = new Float64Array(runs);
    this.age = new Float64Array(runs);
    this.curStart = new Float64Array(sockets);
    this.curLife = new Float64Array(sockets);
    this.curDraw = new Int32Array(sockets);
  }

  run(input: SocketRunInput): SocketRunStats {
    const { life, startsH, recorded, readings, horizonH, hoursPerMonth, pmAgeH, seed } = input;
    const dist = life.life;
    const sockets = startsH.length;
    const noiseSd = life.signature.noiseSd > 0 ? life.signature.noiseSd : 1e-9;
    this.monthly.fill(0);
    let weightSum = 0;
    let weightSq = 0;
    let pAny = 0;
    let failuresPm = 0;
    let replacementsPm = 0;
    for (let r = 0; r < this.runs; r++) {
      // 1. The past: renew from the start of each socket's history to the forecast date (t = 0).
      let logWeight = 0;
      let ageSum = 0;
      for (let s = 0; s < sockets; s++) {
        const stream = input.streamOf(s);
        let t = startsH[s]!;
        let k = 0;
        // A recorded part has survived to today: draw its life from the conditional distribution L | L > age.
        const u = uniform01(seed, stream, r, k);
        let unitLife = recorded[s] ? survivorLife(dist, -t, u) : dist.quantile(u);
        while (t + unitLife <= 0 && k < MAX_RENEWALS) {
          t += unitLife;
          k++;
          unitLife = dist.quantile(uniform01(seed, stream, r, k));
        }
        this.curStart[s] = t;
        this.curLife[s] = unitLife;
        this.curDraw[s] = k;
        ageSum += -t;
        const reading = readings[s];
        if (reading !== null && reading !== undefined) {
          const z = (reading - life.signatureAt(-t, unitLife)) / noiseSd;
          logWeight -= 0.5 * z * z;
        }
      }
      const w = Math.exp(logWeight);
      this.weights[r] = w;
      this.age[r] = ageSum / sockets;
      weightSum += w;
      weightSq += w * w;
      // 2. The future, corrective only: every failure within the horizon renews the socket.
      let firstFailure = Number.POSITIVE_INFINITY;
      let failedInHorizon = false;
      for (let s = 0; s < sockets; s++) {
        const stream = input.streamOf(s);
        let failAt = this.curStart[s]! + this.curLife[s]!;
        let k = this.curDraw[s]!;
        if (failAt < firstFailure) firstFailure = failAt;
        while (failAt <= horizonH && k < MAX_RENEWALS) {
          failedInHorizon = true;
          const month = Math.min(this.months - 1, Math.floor(failAt / hoursPerMonth));
          this.monthly[month]! += w;
          k++;
          failAt += dist.quantile(uniform01(seed, stream, r, k));
        }
      }
      this.first[r] = firstFailure;
      if (failedInHorizon) pAny += w;
      // 3. The same future under age replacement at pmAgeH, on the same random numbers.
      if (pmAgeH !== null) {
        for (let s = 0; s < sockets; s++) {
          const stream = input.streamOf(s);
          let k = this.curDraw[s]!;
          let unitStart = this.curStart[s]!;
          let unitLife = this.curLife[s]!;
          // A part already past the optimal age is replaced now.
          let renewAt = Math.max(0, unitStart + Math.min(unitLife, pmAgeH));
          while (renewAt <= horizonH && k < MAX_RENEWALS) {
            if (unitLife <= pmAgeH && unitStart + unitLife > 0) failuresPm += w;
            else replacementsPm += w;
            k++;
            unitStart = renewAt;
            unitLife = dist.quantile(uniform01(seed, stream, r, k));
            renewAt = unitStart + Math.min(unitLife, pmAgeH);
          }
        }
      }
    }
    if (!(weightSum > 0)) {
      throw new MoldtwinError(
        "TWIN_ERR_OUT_OF_RANGE",
        `condition reading for ${life.card.id} is impossible under its wear model (no run reproduces it)`,
        [{ field: "condition", value: readings, unit: life.signature.unit, allowed: signatureRange(life) }],
      );
    }
    for (let m = 0; m < this.months; m++) this.monthly[m]! /= weightSum;
    return {
      weightSum,
      effectiveRuns: (weightSum * weightSum) / weightSq,
      failureProbability: pAny / weightSum,
      monthlyFailures: this.monthly,
      failuresPm: failuresPm / weightSum,
      replacementsPm: replacementsPm / weightSum,
      firstFailureH: this.first,
      weights: this.weights,
      currentAgeH: this.age,
    };
  }
}

/**
 * Inverse-CDF draw of a life known to exceed `ageH`: F(L) = 1 − u·R(age). Past the 1 − 1e-15 quantile (a part far
 * beyond its life) the part is taken to fail now.
 */
function survivorLife(dist: ComponentLife["life"], ageH: number, u: number): number {
  if (ageH <= 0) return dist.quantile(u);
  const p = 1 - u * dist.sf(ageH);
  if (!(p < 1 - 1e-15)) return ageH + 1e-9;
  return Math.max(ageH + 1e-9, dist.quantile(p));
}

function signatureRange(life: ComponentLife): string {
  const { newValue, failureValue, unit } = life.signature;
  return `${Math.min(newValue, failureValue)} … ${Math.max(newValue, failureValue)} ${unit}`;
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

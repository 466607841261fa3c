/**
 * Single-site base stock (S − 1, S) for a spare part: one-for-one replenishment, every demand immediately reorders
 * one unit, which arrives after the lead time; unmet demand is backordered (a press waits).
 *
 * With lead-time demand D (the number of units in resupply; Poisson with mean m = demand rate × lead time by
 * Palm's theorem 1938, or negative binomial when its variance exceeds the mean):
 *
 *   on hand − backorders = S − D, so  EBO(S) = E[(D − S)⁺],  E[on hand] = S − m + EBO(S)
 *   fill rate     = share of demands met from stock = P(D ≤ S − 1)
 *                   (Axsäter, "Inventory Control", 2nd ed. 2006, §5.2, one-for-one replenishment: a Poisson arrival
 *                   sees the time-average state (PASTA), and finds a unit iff fewer than S are in resupply)
 *   service level = P(D ≤ S) (reliability.md §1.9 convention: the probability of no backorder at a random time)
 *   availability  = (1 − EBO(S)/(N·Z))^Z  (Sherbrooke 2004 §5.2: N presses with Z sockets of the part each; every
 *                   backorder is a socket missing on a press and a press is up only with all its Z sockets filled)
 *
 * Each search returns the smallest S meeting its target (the metrics are non-decreasing in S, so a bisection).
 */
import { MoldtwinError } from "../errors.ts";
import { backorderMomentsInto, type CountDistribution, countDistribution } from "./poisson.ts";
import { assertFiniteOutput, invalid, requireCount, requireNonNegative, requireTarget } from "./stockingChecks.ts";

export type StockTargetKind = "fillRate" | "serviceLevel" | "availability";
export type LeadTimeDistributionKind = "poisson" | "negative-binomial" | "empirical";

export interface BaseStockResult {
  /** The base stock S (units): smallest level meeting the target. */
  baseStock: number;
  target: { kind: StockTargetKind; value: number };
  distribution: LeadTimeDistributionKind;
  meanLeadTimeDemand: number;
  varianceLeadTimeDemand: number;
  /** Share of demands met from stock, P(D ≤ S − 1). */
  fillRate: number;
  /** P(D ≤ S): probability of no backorder at a random time. */
  serviceLevel: number;
  /** EBO(S), units. */
  expectedBackorders: number;
  /** VBO(S), units². */
  backorderVariance: number;
  /** E[(S − D)⁺], units. */
  expectedOnHand: number;
  /** Sherbrooke's availability (1 − EBO/(N·Z))^Z when presses and sockets are given, else null. */
  availability: number | null;
}

/** Sherbrooke's availability factor of one part: (1 − EBO/(N·Z))^Z, 0 when the backorders exceed the sockets. */
export function sherbrookeAvailability(ebo: number, presses: number, socketsPerPress: number): number {
  const u = 1 - ebo / (presses * socketsPerPress);
  return u <= 0 ? 0 : u ** socketsPerPress;
}

interface Metrics {
  fill: number;
  service: number;
  ebo: number;
  second: number;
}

interface Evaluator {
  at(s: number, out: Metrics): void;
  mean: number;
  variance: number;
  kind: LeadTimeDistributionKind;
  /** A level at which every target < 1 is nearly met, to start the bracket. */
  guess: number;
}

function parametricEvaluator(d: CountDistribution): Evaluator {
  const nb = d.kind === "negative-binomial";
  const buf = new Float64Array(4);
  return {
    mean: d.mean,
    variance: d.variance,
    kind: d.kind,
    guess: Math.ceil(d.mean + 8 * Math.sqrt(d.variance) + 8),
    at(s, out) {
      backorderMomentsInto(nb, d.mean, d.r, d.q, s, buf);
      out.service = buf[3]!;
      out.ebo = buf[1]!;
      out.second = buf[2]!;
      if (s === 0) {
        out.fill = 0;
      } else {
        backorderMomentsInto(nb, d.mean, d.r, d.q, s - 1, buf);
        out.fill = buf[3]!;
      }
    },
  };
}

function findLevel(ev: Evaluator, meets: (m: Metrics) => boolean): number {
  const m: Metrics = { fill: 0, service: 0, ebo: 0, second: 0 };
  let hi = Math.max(1, ev.guess);
  for (let k = 0; ; k++) {
    ev.at(hi, m);
    if (meets(m)) break;
    if (k > 60 || hi > 2 ** 52) {
      throw new MoldtwinError("SIM_ERR_NON_FINITE", "base stock search did not converge", [
        { field: "baseStock", value: hi },
      ]);
    }
    hi *= 2;
  }
  let lo = -1; // meets(lo) is false (S = −1 is never a level)
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    ev.at(mid, m);
    if (meets(m)) hi = mid;
    else lo = mid;
  }
  return hi;
}

function result(
  ev: Evaluator,
  s: number,
  kind: StockTargetKind,
  value: number,
  presses?: number,
  sockets?: number,
): BaseStockResult {
  const m: Metrics = { fill: 0, service: 0, ebo: 0, second: 0 };
  ev.at(s, m);
  const ebo = assertFiniteOutput("expectedBackorders", m.ebo);
  return {
    baseStock: s,
    target: { kind, value },
    distribution: ev.kind,
    meanLeadTimeDemand: ev.mean,
    varianceLeadTimeDemand: ev.variance,
    fillRate: assertFiniteOutput("fillRate", m.fill),
    serviceLevel: assertFiniteOutput("serviceLevel", m.service),
    expectedBackorders: ebo,
    backorderVariance: Math.max(0, m.second - ebo * ebo),
    expectedOnHand: Math.max(0, s - ev.mean + ebo),
    availability: presses !== undefined && sockets !== undefined ? sherbrookeAvailability(ebo, presses, sockets) : null,
  };
}

export interface LeadTimeDemandInput {
  /** m = demand rate × lead time, units. */
  meanLeadTimeDemand: number;
  /** Variance of the lead-time demand, units²; default m (Poisson). Larger: negative binomial. */
  varianceLeadTimeDemand?: number;
}

function leadTimeEvaluator(input: LeadTimeDemandInput): Evaluator {
  requireNonNegative("meanLeadTimeDemand", input.meanLeadTimeDemand, "units");
  const v = input.varianceLeadTimeDemand ?? input.meanLeadTimeDemand;
  requireNonNegative("varianceLeadTimeDemand", v, "units²");
  return parametricEvaluator(countDistribution(input.meanLeadTimeDemand, v));
}

/** Smallest S with fill rate P(D ≤ S − 1) ≥ target (Axsäter §5.2). */
export function baseStockForFillRate(input: LeadTimeDemandInput & { targetFillRate: number }): BaseStockResult {
  requireTarget("targetFillRate", input.targetFillRate);
  const ev = leadTimeEvaluator(input);
  const t = input.targetFillRate;
  return result(
    ev,
    findLevel(ev, (m) => m.fill >= t),
    "fillRate",
    t,
  );
}

/** Smallest S with P(D ≤ S) ≥ target (reliability.md §1.9). */
export function baseStockForServiceLevel(input: LeadTimeDemandInput & { targetServiceLevel: number }): BaseStockResult {
  requireTarget("targetServiceLevel", input.targetServiceLevel);
  const ev = leadTimeEvaluator(input);
  const t = input.targetServiceLevel;
  return result(
    ev,
    findLevel(ev, (m) => m.service >= t),
    "serviceLevel",
    t,
  );
}

export interface AvailabilityInput {
  /** Fleet-wide demand rate of the part (all presses), units/day. */
  demandPerDay: number;
  /** Resupply (order or repair) lead time, days. */
  leadTimeDays: number;
  /** Sockets of this part on each press (Sherbrooke's Z). */
  installedSockets: number;
  /** Presses that carry the part (N). */
  presses: number;
  targetAvailability: number;
  /** Variance-to-mean ratio of the lead-time demand (≥ 1); default 1 (Poisson). */
  varianceToMeanRatio?: number;
}

/** Smallest S with Sherbrooke's availability (1 − EBO(S)/(N·Z))^Z ≥ target. */
export function baseStockForAvailability(input: AvailabilityInput): BaseStockResult {
  requireNonNegative("demandPerDay", input.demandPerDay, "units/day");
  requireNonNegative("leadTimeDays", input.leadTimeDays, "days");
  requireCount("installedSockets", input.installedSockets, 1, "sockets/press");
  requireCount("presses", input.presses, 1, "presses");
  requireTarget("targetAvailability", input.targetAvailability);
  const vtmr = input.varianceToMeanRatio ?? 1;
  if (!(Number.isFinite(vtmr) && vtmr >= 1)) invalid("varianceToMeanRatio", vtmr, "finite, ≥ 1");
  const mean = input.demandPerDay * input.leadTimeDays;
  const ev = parametricEvaluator(countDistribution(mean, mean * vtmr));
  const { presses, installedSockets: z, targetAvailability: t } = input;
  const s = findLevel(ev, (m) => sherbrookeAvailability(m.ebo, presses, z) >= t);
  return result(ev, s, "availability", t, presses, z);
}

export interface SamplesInput {
  /** Simulated lead-time demand counts (integers ≥ 0), e.g. from a fleet Monte Carlo. */
  samples: Float64Array | readonly number[];
  targetFillRate?: number;
  targetServiceLevel?: number;
  targetAvailability?: number;
  /** Needed with targetAvailability. */
  presses?: number;
  installedSockets?: number;
}

/**
 * Base stock from the empirical distribution of simulated lead-time demand: the same definitions with p(x) the
 * sample frequencies (fill rate P(D ≤ S − 1) assumes, as for the Poisson, that a demand sees the time-average
 * pipeline). Exactly one target. Targets may be 1 here (S = the largest sample, or one more for the fill rate).
 */
export function baseStockFromSamples(input: SamplesInput): BaseStockResult {
  const { samples } = input;
  const n = samples.length;
  if (n === 0) invalid("samples", n, "at least one lead-time demand sample");
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = samples[i]!;
    if (!(Number.isInteger(x) && x >= 0)) invalid(`samples[${i}]`, x, "an integer count ≥ 0", "units");
    sorted[i] = x;
  }
  sorted.sort();
  // Suffix sums of x and x² (from index i to the end) for the tail moments.
  const suf1 = new Float64Array(n + 1);
  const suf2 = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) {
    const x = sorted[i]!;
    suf1[i] = suf1[i + 1]! + x;
    suf2[i] = suf2[i + 1]! + x * x;
  }
  const mean = suf1[0]! / n;
  const variance = Math.max(0, suf2[0]! / n - mean * mean);
  /** Index of the first sample > s. */
  const firstAbove = (s: number): number => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]! > s) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const ev: Evaluator = {
    mean,
    variance,
    kind: "empirical",
    guess: sorted[n - 1]! + 1,
    at(s, out) {
      const k = firstAbove(s);
      const cnt = n - k;
      out.service = k / n;
      out.fill = s === 0 ? 0 : firstAbove(s - 1) / n;
      out.ebo = (suf1[k]! - s * cnt) / n;
      out.second = Math.max(0, (suf2[k]! - 2 * s * suf1[k]! + s * s * cnt) / n);
    },
  };
  const targets = [input.targetFillRate, input.targetServiceLevel, input.targetAvailability].filter(
    (t) => t !== undefined,
  );
  if (targets.length !== 1) {
    invalid("target", targets.length, "exactly one of targetFillRate, targetServiceLevel, targetAvailability");
  }
  if (input.targetFillRate !== undefined) {
    const t = input.targetFillRate;
    requireTarget("targetFillRate", t, true);
    return result(
      ev,
      findLevel(ev, (m) => m.fill >= t),
      "fillRate",
      t,
    );
  }
  if (input.targetServiceLevel !== undefined) {
    const t = input.targetServiceLevel;
    requireTarget("targetServiceLevel", t, true);
    return result(
      ev,
      findLevel(ev, (m) => m.service >= t),
      "serviceLevel",
      t,
    );
  }
  const t = input.targetAvailability!;
  requireTarget("targetAvailability", t, true);
  const presses = input.presses ?? Number.NaN;
  const z = input.installedSockets ?? Number.NaN;
  requireCount("presses", presses, 1, "presses");
  requireCount("installedSockets", z, 1, "sockets/press");
  return result(
    ev,
    findLevel(ev, (m) => sherbrookeAvailability(m.ebo, presses, z) >= t),
    "availability",
    t,
    presses,
    z,
  );
}

/** The stocking metrics of a given base stock S under Poisson (or NB) lead-time demand. */
export function evaluateBaseStock(
  input: LeadTimeDemandInput & { baseStock: number; presses?: number; installedSockets?: number },
): Omit<BaseStockResult, "target"> {
  requireCount("baseStock", input.baseStock, 0, "units");
  if (input.presses !== undefined) requireCount("presses", input.presses, 1, "presses");
  if (input.installedSockets !== undefined) requireCount("installedSockets", input.installedSockets, 1);
  const ev = leadTimeEvaluator(input);
  const { target: _t, ...rest } = result(ev, input.baseStock, "serviceLevel", 0, input.presses, input.installedSockets);
  return rest;
}

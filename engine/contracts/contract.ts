import type { ContractPrice, ContractScenario, ContractTier } from "../../twin-models/schemas/contract.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import type { ChunkExecutor } from "../runner/executor.ts";
import { type ContractModel, compileContract, type ModelVariation } from "./model.ts";
import { simulateContract } from "./parallel.ts";
import { type EconomicVariation, evaluatePnl, type RunPnl, type TierTerms, tierTerms } from "./pnl.ts";
import { F, FIELDS } from "./simulate.ts";
import {
  type Proportion,
  proportion,
  quantileSorted,
  type Summary,
  summarize,
  type TailRisk,
  tailRisk,
} from "./stats.ts";

/**
 * `moldtwin contract`: the Monte Carlo of a service contract over its term for the whole fleet — availability,
 * SLA breaches and penalties, revenue, cost, margin and NPV with P10/P50/P90, VaR/CVaR of the margin, Monte Carlo
 * standard errors, per-month bands and a tornado of margin drivers (common random numbers).
 */

export const CONVENTIONS = {
  quantiles:
    "percentile (non-exceedance) convention: P90 is the value not exceeded in 90 % of runs; P10/P50/P90 are order statistics x(⌈pN⌉)",
  availability:
    "SLA availability, the contract's form of SEMI E10 supplier-dependent uptime, for the fleet: 1 − (breakdown repair + waiting for parts [+ planned work unless excluded]) / (scheduled hours − customer-caused downtime [− planned maintenance when excluded]); setups, minor stops and idle time without orders are the customer's operation and count on neither side; an incident's downtime is booked to the month it starts",
  breach: "P(SLA breach) = share of measurement windows below target, over all runs (± its standard error over runs)",
  risk: "loss = −margin over the term; VaR_β = β-quantile of the loss; CVaR_β = mean of the (1 − β) worst losses",
  tornado:
    "swing of the expected margin when one driver moves to its low and high value, all else at base, on the same random numbers",
} as const;

export interface TornadoBar {
  driver: string;
  low: string;
  high: string;
  marginLowEur: number;
  marginHighEur: number;
  swingEur: number;
}

export interface MonthBand {
  month: number;
  availability: { p10: number; p50: number; p90: number };
  marginEur: { p10: number; p50: number; p90: number };
}

export interface ContractResult {
  name: string;
  tier: ContractTier;
  plant: string;
  presses: number;
  start: string;
  termMonths: number;
  runs: number;
  seed: number;
  price: ContractPrice;
  conventions: typeof CONVENTIONS;
  spares: ContractModel["spares"];
  sla: TierTerms["sla"];
  availability: {
    term: Summary;
    window: "month" | "year";
    windows: number;
    breachProbability: Proportion;
    anyBreachInTerm: Proportion;
    /** Inherent availability MTBF/(MTBF + MTTR) of the fleet's breakdowns (repair only), for comparison. */
    inherent: number;
  };
  penaltyEur: Summary;
  bonusEur: Summary;
  revenueEur: Summary;
  costEur: Summary;
  marginEur: Summary;
  npvEur: Summary;
  marginShareOfRevenue: number;
  lossProbability: Proportion;
  tail: TailRisk;
  energy: { kWhPerPart: Summary; sharingEur: Summary };
  goodParts: Summary;
  yieldCreditEur: Summary;
  customerCostEur: Summary;
  failures: {
    breakdownsPerPressYear: number;
    caughtByPdmPerPressYear: number;
    stockoutShare: number;
    waitingForPartsHoursPerPressYear: number;
  };
  monthly: MonthBand[];
  /** The margin over the term in 24 equal bins: bin lower edges (EUR) and run counts. */
  marginHistogram: { fromEur: number[]; widthEur: number; counts: number[] };
  tornado: TornadoBar[];
  warnings: string[];
}

export interface ContractRunOptions {
  workers?: number;
  /** Who runs the Monte Carlo's chunks (e.g. distributed workers); overrides `workers`. */
  executor?: ChunkExecutor;
  /** Runs for the tornado's re-simulated drivers (the first runs of the main simulation); default min(runs, 2000). */
  tornadoRuns?: number;
  tornado?: boolean;
  onProgress?: (stage: string, done: number, total: number) => void;
}

/** A compiled contract with its simulated outcomes (per PdM setting), to evaluate tiers and prices on. */
export interface ContractSimulation {
  scenario: ContractScenario;
  plant: Plant;
  model: ContractModel;
  outcomes: Map<boolean, Float64Array>;
  workers: number;
  executor?: ChunkExecutor | undefined;
}

export async function simulateScenario(
  scenario: ContractScenario,
  plant: Plant,
  tiers: ContractTier[],
  options: ContractRunOptions = {},
): Promise<ContractSimulation> {
  const model = compileContract(scenario, plant);
  const workers = options.workers ?? 0;
  const outcomes = new Map<boolean, Float64Array>();
  for (const pdm of new Set(tiers.map((t) => tierTerms(t, scenario).pdm))) {
    outcomes.set(
      pdm,
      await simulateContract(
        model,
        { scenario, plant },
        {
          runs: scenario.runs,
          pdm,
          workers,
          executor: options.executor,
          onProgress: (d, t) => options.onProgress?.(pdm ? "simulate (PdM)" : "simulate", d, t),
        },
      ),
    );
  }
  return { scenario, plant, model, outcomes, workers, executor: options.executor };
}

export function outcomesFor(sim: ContractSimulation, terms: TierTerms): Float64Array {
  return sim.outcomes.get(terms.pdm)!;
}

export async function runContract(
  scenario: ContractScenario,
  plant: Plant,
  options: ContractRunOptions = {},
): Promise<ContractResult> {
  const sim = await simulateScenario(scenario, plant, [scenario.tier], options);
  const terms = tierTerms(scenario.tier, scenario);
  const outcomes = outcomesFor(sim, terms);
  const pnl = evaluatePnl(sim.model, outcomes, scenario, terms, scenario.price);
  const tornado = options.tornado === false ? [] : await tornadoOf(sim, terms, scenario.price, options);
  return contractResult(sim, terms, outcomes, pnl, tornado);
}

export function contractResult(
  sim: ContractSimulation,
  terms: TierTerms,
  outcomes: Float64Array,
  pnl: RunPnl,
  tornado: TornadoBar[],
): ContractResult {
  const { scenario, model } = sim;
  const R = pnl.runs;
  const M = model.months;
  const P = model.presses.length;
  let anyBreach = 0;
  let breachMean = 0;
  for (let r = 0; r < R; r++) {
    if (pnl.breachShare[r]! > 0) anyBreach++;
    breachMean += pnl.breachShare[r]!;
  }
  breachMean /= R;
  let breachSs = 0;
  for (let r = 0; r < R; r++) breachSs += (pnl.breachShare[r]! - breachMean) ** 2;
  const totals = new Float64Array(FIELDS);
  for (let i = 0; i < outcomes.length; i++) totals[i % FIELDS] = totals[i % FIELDS]! + outcomes[i]!;
  const pressYears = (R * P * M) / 12;
  const failures = totals[F.failures]!;
  let losses = 0;
  for (let r = 0; r < R; r++) if (pnl.margin[r]! < 0) losses++;
  const revenue = summarize(pnl.revenue);
  const margin = summarize(pnl.margin);
  const warnings: string[] = [];
  const breach = { p: breachMean, se: R > 1 ? Math.sqrt(breachSs / (R - 1) / R) : 0 };
  if (terms.sla && breach.p > 0 && breach.se > 0.005) {
    warnings.push(`P(SLA breach) is known to ± ${(100 * breach.se).toFixed(2)} pp only: raise --runs for ± 0.5 pp`);
  }
  if (!terms.sla)
    warnings.push(`the ${terms.tier} tier has no availability SLA: availability is reported, not settled`);
  return {
    name: scenario.name,
    tier: terms.tier,
    plant: sim.plant.id,
    presses: P,
    start: scenario.start,
    termMonths: M,
    runs: R,
    seed: scenario.seed,
    price: scenario.price,
    conventions: CONVENTIONS,
    spares: model.spares,
    sla: terms.sla,
    availability: {
      term: summarize(pnl.availability),
      window: terms.sla?.window ?? "month",
      windows: pnl.windows,
      breachProbability: breach,
      anyBreachInTerm: proportion(anyBreach, R),
      inherent:
        failures > 0
          ? (P * model.scheduledHPerMonth * M * R - totals[F.repairH]!) / (P * model.scheduledHPerMonth * M * R)
          : 1,
    },
    penaltyEur: summarize(pnl.penalty),
    bonusEur: summarize(pnl.bonus),
    revenueEur: revenue,
    costEur: summarize(pnl.cost),
    marginEur: margin,
    npvEur: summarize(pnl.npv),
    marginShareOfRevenue: revenue.mean > 0 ? margin.mean / revenue.mean : 0,
    lossProbability: proportion(losses, R),
    tail: tailRisk(pnl.margin, scenario.risk.cvarLevel),
    energy: { kWhPerPart: summarize(pnl.kWhPerPart), sharingEur: summarize(pnl.energySharing) },
    goodParts: summarize(pnl.goodParts),
    yieldCreditEur: summarize(pnl.yieldCredit),
    customerCostEur: summarize(pnl.customerCost),
    failures: {
      breakdownsPerPressYear: failures / pressYears,
      caughtByPdmPerPressYear: totals[F.caught]! / pressYears,
      stockoutShare: failures > 0 ? totals[F.stockouts]! / failures : 0,
      waitingForPartsHoursPerPressYear: totals[F.waitH]! / pressYears,
    },
    monthly: monthBands(pnl),
    marginHistogram: histogram(pnl.margin, 24),
    tornado,
    warnings,
  };
}

function histogram(values: Float64Array, bins: number): ContractResult["marginHistogram"] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const width = hi > lo ? (hi - lo) / bins : 1;
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) {
    const k = Math.min(bins - 1, Math.floor((v - lo) / width));
    counts[k] = counts[k]! + 1;
  }
  return { fromEur: counts.map((_, k) => lo + k * width), widthEur: width, counts };
}

function monthBands(pnl: RunPnl): MonthBand[] {
  const R = pnl.runs;
  const M = pnl.months;
  const a = new Float64Array(R);
  const m = new Float64Array(R);
  const out: MonthBand[] = [];
  for (let k = 0; k < M; k++) {
    for (let r = 0; r < R; r++) {
      a[r] = pnl.monthlyAvailability[r * M + k]!;
      m[r] = pnl.monthlyMargin[r * M + k]!;
    }
    a.sort();
    m.sort();
    out.push({
      month: k + 1,
      availability: { p10: quantileSorted(a, 0.1), p50: quantileSorted(a, 0.5), p90: quantileSorted(a, 0.9) },
      marginEur: { p10: quantileSorted(m, 0.1), p50: quantileSorted(m, 0.5), p90: quantileSorted(m, 0.9) },
    });
  }
  return out;
}

interface Driver {
  name: string;
  low: string;
  high: string;
  physical?: [ModelVariation, ModelVariation];
  economic?: [EconomicVariation, EconomicVariation];
}

/** The drivers and their ranges (stated, ± around base; the physical ones re-simulate with common random numbers). */
export const DRIVERS: Driver[] = [
  { name: "part lives", low: "−20 %", high: "+25 %", physical: [{ lifeScale: 0.8 }, { lifeScale: 1.25 }] },
  { name: "repair times", low: "+25 %", high: "−25 %", physical: [{ repairScale: 1.25 }, { repairScale: 0.75 }] },
  { name: "spares stockouts", low: "×2", high: "×0.5", physical: [{ stockoutScale: 2 }, { stockoutScale: 0.5 }] },
  {
    name: "PdM hit rate",
    low: "−15 pp",
    high: "+10 pp",
    physical: [{ pdmHitRateDelta: -0.15 }, { pdmHitRateDelta: 0.1 }],
  },
  {
    name: "customer demand",
    low: "−10 pp",
    high: "+5 pp",
    economic: [{ demandShareDelta: -0.1 }, { demandShareDelta: 0.05 }],
  },
  { name: "yield", low: "−2 pp", high: "+1 pp", economic: [{ yieldDelta: -0.02 }, { yieldDelta: 0.01 }] },
  { name: "base load", low: "+15 %", high: "−10 %", economic: [{ baseLoadScale: 1.15 }, { baseLoadScale: 0.9 }] },
  {
    name: "technician rate",
    low: "+20 %",
    high: "−20 %",
    economic: [{ technicianRateScale: 1.2 }, { technicianRateScale: 0.8 }],
  },
  { name: "part prices", low: "+20 %", high: "−20 %", economic: [{ partCostScale: 1.2 }, { partCostScale: 0.8 }] },
  {
    name: "energy price",
    low: "+30 %",
    high: "−30 %",
    economic: [{ energyPriceScale: 1.3 }, { energyPriceScale: 0.7 }],
  },
];

export async function tornadoOf(
  sim: ContractSimulation,
  terms: TierTerms,
  price: ContractPrice,
  options: ContractRunOptions,
): Promise<TornadoBar[]> {
  const { scenario, model } = sim;
  const full = outcomesFor(sim, terms);
  const runs = Math.min(scenario.runs, options.tornadoRuns ?? 2000);
  const base = full.subarray(0, runs * model.months * FIELDS);
  const mean = (o: Float64Array, v: EconomicVariation = {}): number => {
    const m = evaluatePnl(model, o, scenario, terms, price, v).margin;
    let s = 0;
    for (const x of m) s += x;
    return s / m.length;
  };
  const bars: TornadoBar[] = [];
  const physical = DRIVERS.filter((d) => d.physical && (terms.pdm || !d.name.startsWith("PdM")));
  let done = 0;
  for (const d of DRIVERS) {
    let lo: number;
    let hi: number;
    if (d.physical) {
      if (!terms.pdm && d.name.startsWith("PdM")) continue;
      const sims: number[] = [];
      for (const variation of d.physical) {
        const o = await simulateContract(
          model,
          { scenario, plant: sim.plant },
          { runs, pdm: terms.pdm, variation, workers: sim.workers, executor: sim.executor },
        );
        sims.push(mean(o));
      }
      [lo, hi] = sims as [number, number];
      options.onProgress?.("tornado", ++done, physical.length);
    } else {
      lo = mean(base, d.economic![0]);
      hi = mean(base, d.economic![1]);
    }
    bars.push({
      driver: d.name,
      low: d.low,
      high: d.high,
      marginLowEur: lo,
      marginHighEur: hi,
      swingEur: Math.abs(hi - lo),
    });
  }
  return bars.sort((a, b) => b.swingEur - a.swingEur);
}

import type { SparesScenario } from "../../twin-models/schemas/spares.ts";
import { DAYS_PER_MONTH } from "../units.ts";
import {
  type ConditionDemand,
  conditionDemand,
  type DemandSeries,
  enumerateSockets,
  type PartNumber,
  type SiteFleet,
  type Socket,
  simulatePast,
} from "./fleetDemand.ts";
import { bestMethod, classifyDemand, forecastIntermittent, type IntermittentMethod } from "./intermittent.ts";
import { baseStockForServiceLevel } from "./stocking.ts";

/**
 * Demand forecast per part number and site, two ways, and the choice between them:
 *  - history only: the best intermittent-demand method (rolling-origin MASE) on the monthly demand history;
 *  - condition-based: the twin's renewal Monte Carlo from every socket's known age, under the policy;
 *  - backtest: both forecast the last `backtestMonths` of history from the data known before them (the history
 *    before the cut; the replacement records as they stood then); their mean absolute errors against what
 *    happened pick one per part number and site (`auto`), or weight a blend by inverse error (`blend`).
 */

export interface SeriesForecast {
  /** Expected demand per month over the horizon. */
  mean: number[];
  p50: number[];
  p90: number[];
}

export interface PartSiteDemand {
  partNumber: string;
  site: string;
  siteIndex: number;
  partIndex: number;
  sockets: number;
  presses: number;
  history: {
    total: number;
    demandMonths: number;
    class: string;
    method: IntermittentMethod;
    perMonth: number;
  };
  condition: SeriesForecast;
  backtest: { months: number; historyMae: number; conditionMae: number; actualTotal: number };
  chosen: "condition" | "history" | "blend";
  conditionWeight: number;
  forecast: SeriesForecast;
  /** Expected demand per day over the horizon, from the chosen forecast (what the stocking models use). */
  ratePerDay: number;
}

export interface DemandPlan {
  partNumbers: PartNumber[];
  sites: string[];
  horizonMonths: number;
  rows: PartSiteDemand[];
  /** Fleet-wide comparison of the two forecasts on the backtest window (parts per part-number-site-month). */
  backtest: { months: number; historyMae: number; conditionMae: number; chosenMae: number };
  /** The condition-based tallies (for lead-time demand samples). */
  condition: ConditionDemand;
  sockets: Socket[];
  /** Every socket's last replacement in the realised past (operating hours before the forecast date). */
  lastReplacementH: Float64Array;
}

const CANDIDATES: IntermittentMethod[] = ["croston", "sba", "sbj", "tsb", "adida", "imapa"];

export function planDemand(
  sites: SiteFleet[],
  scenario: SparesScenario,
  preventiveAgeH: (s: Socket) => number | null,
): DemandPlan {
  const { sockets, partNumbers } = enumerateSockets(sites, scenario.asOf);
  const nPn = partNumbers.length;
  const nSites = sites.length;
  const past = simulatePast(sockets, nPn, nSites, {
    months: scenario.historyMonths,
    cutMonths: scenario.backtestMonths,
    seed: scenario.seed,
    preventiveAgeH,
  });
  const common = { runs: scenario.runs, seed: scenario.seed, preventiveAgeH };
  const now = conditionDemand(sockets, nPn, nSites, {
    ...common,
    lastReplacementH: past.lastReplacementH,
    months: scenario.horizonMonths,
  });
  // The backtest forecast starts at the cut: records as they stood then, ages measured from the cut.
  const atCut = Float64Array.from(
    sockets,
    (k, i) => past.lastReplacementAtCutH[i]! + scenario.backtestMonths * k.hoursPerDay * DAYS_PER_MONTH,
  );
  const then = conditionDemand(sockets, nPn, nSites, {
    ...common,
    lastReplacementH: atCut,
    months: scenario.backtestMonths,
  });
  const socketCount = tally(sockets, nPn, nSites, () => 1);
  const pressCount = countPresses(sockets, nPn, nSites);
  const rows: (PartSiteDemand & { chosenMae: number })[] = [];
  let hErr = 0;
  let cErr = 0;
  let chosenErr = 0;
  let cells = 0;
  for (let p = 0; p < nPn; p++) {
    for (let s = 0; s < nSites; s++) {
      if (socketCount[p]![s]! === 0) continue;
      const row = partSite(p, s, past.series, now, then, scenario);
      rows.push({
        ...row,
        partNumber: partNumbers[p]!.partNumber,
        site: sites[s]!.siteId,
        siteIndex: s,
        partIndex: p,
        sockets: socketCount[p]![s]!,
        presses: pressCount[p]![s]!,
      });
      const m = scenario.backtestMonths;
      hErr += row.backtest.historyMae * m;
      cErr += row.backtest.conditionMae * m;
      chosenErr += row.chosenMae * m;
      cells += m;
    }
  }
  return {
    partNumbers,
    sites: sites.map((s) => s.siteId),
    horizonMonths: scenario.horizonMonths,
    rows: rows.map(({ chosenMae: _, ...r }) => r),
    backtest: {
      months: scenario.backtestMonths,
      historyMae: hErr / Math.max(1, cells),
      conditionMae: cErr / Math.max(1, cells),
      chosenMae: chosenErr / Math.max(1, cells),
    },
    condition: now,
    sockets,
    lastReplacementH: past.lastReplacementH,
  };
}

type RowCore = Omit<PartSiteDemand, "partNumber" | "site" | "siteIndex" | "partIndex" | "sockets" | "presses"> & {
  chosenMae: number;
};

function partSite(
  p: number,
  s: number,
  series: DemandSeries,
  now: ConditionDemand,
  then: ConditionDemand,
  sc: SparesScenario,
): RowCore {
  const full = series[p]![s]!;
  const cut = full.length - sc.backtestMonths;
  const train = full.subarray(0, cut);
  const holdout = full.subarray(cut);
  const history = historyForecast(full);
  const historyThen = historyForecast(train).perMonth;
  const conditionThen = summarize(then.counts[p]![s]!, then.months, then.runs).mean;
  let hMae = 0;
  let cMae = 0;
  for (let m = 0; m < holdout.length; m++) {
    hMae += Math.abs(historyThen - holdout[m]!);
    cMae += Math.abs(conditionThen[m]! - holdout[m]!);
  }
  hMae /= holdout.length;
  cMae /= holdout.length;
  const condition = summarize(now.counts[p]![s]!, now.months, now.runs);
  const historyPath = poissonPath(history.perMonth, sc.horizonMonths);
  // Inverse-error weights; equal errors (e.g. both zero) weight equally.
  const wCond = hMae + cMae > 0 ? hMae / (hMae + cMae) : 0.5;
  const chosen: PartSiteDemand["chosen"] =
    sc.forecast === "condition" || sc.forecast === "history" || sc.forecast === "blend"
      ? sc.forecast
      : cMae <= hMae
        ? "condition"
        : "history";
  const conditionWeight = chosen === "condition" ? 1 : chosen === "history" ? 0 : wCond;
  const forecast =
    chosen === "condition"
      ? condition
      : chosen === "history"
        ? historyPath
        : poissonBlend(condition, historyPath, conditionWeight);
  const chosenMae =
    chosen === "condition"
      ? cMae
      : chosen === "history"
        ? hMae
        : mae(holdout, (m) => conditionWeight * conditionThen[m]! + (1 - conditionWeight) * historyThen);
  const perMonthMean = forecast.mean.reduce((a, b) => a + b, 0) / forecast.mean.length;
  return {
    history,
    condition,
    backtest: { months: holdout.length, historyMae: hMae, conditionMae: cMae, actualTotal: sum(holdout) },
    chosen,
    conditionWeight,
    forecast,
    ratePerDay: perMonthMean / DAYS_PER_MONTH,
    chosenMae,
  };
}

/** The best intermittent method by rolling-origin MASE, and its flat per-month forecast. */
function historyForecast(y: Float64Array): PartSiteDemand["history"] {
  const total = sum(y);
  const demandMonths = y.reduce((n, v) => n + (v > 0 ? 1 : 0), 0);
  if (demandMonths === 0) {
    return { total: 0, demandMonths: 0, class: "no demand", method: "croston", perMonth: 0 };
  }
  const cls = classifyDemand(y).class;
  const method = demandMonths >= 3 ? bestMethod(y, CANDIDATES).best : "croston";
  return { total, demandMonths, class: cls, method, perMonth: forecastIntermittent(y, method).forecast };
}

/** Mean and P50/P90 per month of Monte Carlo tallies laid out month·runs + run. */
function summarize(counts: Float32Array, months: number, runs: number): SeriesForecast {
  const mean: number[] = [];
  const p50: number[] = [];
  const p90: number[] = [];
  for (let m = 0; m < months; m++) {
    const month = counts.slice(m * runs, (m + 1) * runs).sort();
    mean.push(sum(month) / runs);
    p50.push(month[Math.ceil(0.5 * runs) - 1]!);
    p90.push(month[Math.ceil(0.9 * runs) - 1]!);
  }
  return { mean, p50, p90 };
}

/** A flat per-month rate as a Poisson path: what history-only forecasts say about each month. */
function poissonPath(rate: number, months: number): SeriesForecast {
  return {
    mean: new Array(months).fill(rate),
    p50: new Array(months).fill(poissonQuantile(rate, 0.5)),
    p90: new Array(months).fill(poissonQuantile(rate, 0.9)),
  };
}

function poissonBlend(a: SeriesForecast, b: SeriesForecast, wA: number): SeriesForecast {
  const mean = a.mean.map((x, m) => wA * x + (1 - wA) * b.mean[m]!);
  return { mean, p50: mean.map((x) => poissonQuantile(x, 0.5)), p90: mean.map((x) => poissonQuantile(x, 0.9)) };
}

/** Smallest k with P(Poisson(mean) ≤ k) ≥ p: the base stock for that service level. */
function poissonQuantile(mean: number, p: number): number {
  return baseStockForServiceLevel({ meanLeadTimeDemand: mean, targetServiceLevel: p }).baseStock;
}

function tally(sockets: Socket[], nPn: number, nSites: number, f: (k: Socket) => number): number[][] {
  const out = Array.from({ length: nPn }, () => new Array<number>(nSites).fill(0));
  for (const k of sockets) out[k.partNumber]![k.site]! += f(k);
  return out;
}

function countPresses(sockets: Socket[], nPn: number, nSites: number): number[][] {
  const seen = new Set<string>();
  return tally(sockets, nPn, nSites, (k) => {
    const key = `${k.partNumber}|${k.site}|${k.pressIndex}`;
    if (seen.has(key)) return 0;
    seen.add(key);
    return 1;
  });
}

const sum = (xs: ArrayLike<number>): number => {
  let t = 0;
  for (let i = 0; i < xs.length; i++) t += xs[i]!;
  return t;
};

function mae(actual: Float64Array, forecast: (m: number) => number): number {
  let e = 0;
  for (let m = 0; m < actual.length; m++) e += Math.abs(forecast(m) - actual[m]!);
  return e / Math.max(1, actual.length);
}

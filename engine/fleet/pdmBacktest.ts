import type { PdmScenario } from "../../twin-models/schemas/forecast.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { standardNormal, uniform01 } from "../sweep/random.ts";
import type { ComponentLife } from "../wear/component.ts";
import { buildFleet, type Fleet, socketStream } from "./fleet.ts";
import { runQuantiles } from "./forecast.ts";

/**
 * Predictive-maintenance backtest: every socket of the fleet runs to failure, again and again, for `years`; the
 * condition signature of the part in it is sampled every `sampleEveryH` operating hours with measurement noise
 * (and a `suddenFailureShare` of hazard-part failures come without any precursor);
 * an alerting rule sees only those samples (and the signature's configured alert level), never the true life.
 * Metrics (docs/README "Predictive-maintenance metrics"; after reliability.md §1.14):
 *  - hit rate (recall): share of failures preceded by an alert of their unit whose lead time lies in
 *    [minLeadH, maxLeadH] — early enough to ship the spare and send a technician, not so early it is noise;
 *  - precision: share of alerts followed by a failure of that unit within maxLeadH (alerts whose window runs past
 *    the end of the simulation are censored: neither true nor false);
 *  - lead time: failure age − alert age of every alert followed by its failure within maxLeadH (P10, median, P90).
 *  - late-prediction score: the PHM'08 asymmetric score (Saxena et al. 2008) of the remaining life the rule
 *    projected at its alert, d = predicted − true in days, late predictions penalised harder.
 *
 * The alerting rule, configured per signal type (as an engineer configures a monitoring system; it never sees
 * the true life):
 *  - P–F signals (bearing vibration, heater controller output, ejection force): the signal is flat until a
 *    fault starts, so any sustained departure is the fault — alert when the EWMA (Roberts 1959; weight
 *    `smoothing`) leaves the part's own baseline (mean of its first `baselineSamples` samples) by more than
 *    `sigmaMultiple` EWMA standard deviations (an EWMA control chart, Lucas & Saccucci 1990);
 *  - drift signals (clearance, cushion, oil oxidation, thermocouple drift): the signal moves all life long, so a
 *    departure says nothing about timing — alert when the discounted least-squares line (memory `trendMemoryH`, slope significant at `trendSignificance`)
 *    samples reaches the failure value within `targetLeadH` (trend projection), or when the EWMA is past the
 *    signature's alert value and the projection is within `maxLeadH`.
 * An alert that is not followed by a failure within maxLeadH expires (inspection found nothing) and the rule
 * re-arms.
 */

export interface LeadStats {
  p10H: number;
  medianH: number;
  p90H: number;
}

export interface PdmCounts {
  failures: number;
  hits: number;
  alerts: number;
  trueAlerts: number;
  falseAlerts: number;
  censoredAlerts: number;
  lateAlerts: number;
  missed: number;
}

export interface PdmKindResult extends PdmCounts {
  kind: string;
  hitRate: number;
  precision: number;
  lead: LeadStats;
}

export interface PdmResult {
  plant: string;
  presses: number;
  sockets: number;
  years: number;
  seed: number;
  operatingHoursPerDay: number;
  windowH: { minLead: number; maxLead: number };
  counts: PdmCounts;
  hitRate: number;
  precision: number;
  lead: LeadStats;
  /** Lead times of every true alert (h), for a histogram. */
  leadTimesH: number[];
  /** Over true alerts of drift signals (the P–F rule predicts no remaining life). */
  phmScore: { total: number; perAlert: number; alerts: number };
  byKind: PdmKindResult[];
  definitions: Record<string, string>;
}

const DEFINITIONS = {
  hitRate: "failures preceded by an alert of the same part with lead time in [minLeadH, maxLeadH] / failures",
  precision: "alerts followed by the part's failure within maxLeadH / alerts (censored alerts excluded)",
  leadTime: "failure age − alert age, over alerts followed by their failure within maxLeadH",
  phmScore:
    "Σ exp(−d/13)−1 for d<0, exp(d/10)−1 for d≥0, d = projected − true remaining life in days (PHM'08), over true alerts of drift signals",
};

interface Tally extends PdmCounts {
  leads: number[];
  score: number;
  scored: number;
}

const newTally = (): Tally => ({
  failures: 0,
  hits: 0,
  alerts: 0,
  trueAlerts: 0,
  falseAlerts: 0,
  censoredAlerts: 0,
  lateAlerts: 0,
  missed: 0,
  leads: [],
  score: 0,
  scored: 0,
});

export function pdmBacktest(plant: Plant, scenario: PdmScenario): PdmResult {
  return backtest(buildFleet(plant, { utilisation: scenario.utilisation, fleetSize: scenario.fleetSize }), scenario);
}

/** The backtest of a fleet already built. */
export function backtest(fleet: Fleet, scenario: PdmScenario): PdmResult {
  const endH = scenario.years * 365.2425 * fleet.operatingHoursPerDay;
  const detector = new Detector(scenario);
  const total = newTally();
  const byKind = new Map<string, Tally>();
  let sockets = 0;
  for (const press of fleet.presses) {
    press.components.forEach((part, c) => {
      const tally = byKind.get(part.card.kind) ?? newTally();
      byKind.set(part.card.kind, tally);
      for (let s = 0; s < part.card.perPress; s++) {
        sockets++;
        runSocket(part, socketStream(press.index, c, s), endH, scenario, detector, [tally, total]);
      }
    });
  }
  return {
    plant: fleet.plantId,
    presses: fleet.presses.length,
    sockets,
    years: scenario.years,
    seed: scenario.seed,
    operatingHoursPerDay: fleet.operatingHoursPerDay,
    windowH: { minLead: scenario.minLeadH, maxLead: scenario.maxLeadH },
    counts: counts(total),
    hitRate: ratio(total.hits, total.failures),
    precision: ratio(total.trueAlerts, total.trueAlerts + total.falseAlerts),
    lead: leadStats(total.leads),
    leadTimesH: total.leads,
    phmScore: { total: total.score, perAlert: ratio(total.score, total.scored), alerts: total.scored },
    byKind: [...byKind].map(([kind, t]) => ({
      kind,
      ...counts(t),
      hitRate: ratio(t.hits, t.failures),
      precision: ratio(t.trueAlerts, t.trueAlerts + t.falseAlerts),
      lead: leadStats(t.leads),
    })),
    definitions: DEFINITIONS,
  };
}

/**
 * One socket over the whole simulation: successive parts, each sampled until it fails or the simulation ends.
 * An alert that is not followed by a failure within maxLeadH expires (the inspection found nothing); the rule is
 * then re-armed, so one early false alarm does not blind it for the rest of the part's life.
 */
function runSocket(
  part: ComponentLife,
  stream: number,
  endH: number,
  scenario: PdmScenario,
  detector: Detector,
  tallies: Tally[],
): void {
  const dt = scenario.sampleEveryH;
  const { noiseSd } = part.signature;
  let startH = 0;
  for (let unit = 0; startH < endH; unit++) {
    const lifeH = part.life.quantile(uniform01(scenario.seed, stream, unit, 0));
    const fails = startH + lifeH <= endH;
    const lastAgeH = Math.min(lifeH, endH - startH);
    // A sudden failure gives no warning: its signature stays at the new value until it fails.
    const sudden = part.signalKind === "pf" && uniform01(scenario.seed, stream, unit, 1) < scenario.suddenFailureShare;
    const newValue = part.signature.newValue;
    detector.reset(part);
    let hit = false;
    let quietUntilH = 0;
    for (let k = 1; k * dt < lastAgeH; k++) {
      const ageH = k * dt;
      const clean = sudden ? newValue : part.signatureAt(ageH, lifeH);
      const y = clean + noiseSd * standardNormal(scenario.seed, stream + 0x40000000, unit, k);
      if (!detector.push(ageH, y) || ageH < quietUntilH) continue;
      quietUntilH = ageH + scenario.maxLeadH;
      const leadH = lifeH - ageH;
      const projectedH = detector.projectedRemainingH(ageH);
      for (const t of tallies) {
        t.alerts++;
        if (fails && leadH <= scenario.maxLeadH) {
          t.trueAlerts++;
          t.leads.push(leadH);
          if (leadH < scenario.minLeadH) t.lateAlerts++;
          if (!detector.pf) {
            const d = (Math.min(projectedH, scenario.maxLeadH) - leadH) / 24;
            t.score += d < 0 ? Math.exp(-d / 13) - 1 : Math.exp(d / 10) - 1;
            t.scored++;
          }
        } else if (quietUntilH <= endH - startH || fails) t.falseAlerts++;
        else t.censoredAlerts++;
      }
      hit ||= fails && leadH <= scenario.maxLeadH && leadH >= scenario.minLeadH;
    }
    if (fails) {
      for (const t of tallies) {
        t.failures++;
        if (hit) t.hits++;
        else t.missed++;
      }
    }
    startH += lifeH;
  }
}

/**
 * The alerting rule on one part's samples: an EWMA with the part's own baseline, and a discounted least-squares
 * trend (Brown, "Smoothing, Forecasting and Prediction", 1963: exponentially forgetting regression with memory
 * `trendMemoryH`), kept as running weighted sums so each sample costs O(1) and nothing is allocated.
 * A trend only counts when its slope is significant (t = slope / SE ≥ trendSignificance): slow drifts under
 * noise otherwise produce chance slopes whose projections fire months early.
 */
class Detector {
  private readonly sc: PdmScenario;
  private n = 0;
  private ewma = 0;
  private baselineSum = 0;
  private direction = 1;
  private alertValue = 0;
  private failureValue = 0;
  private ewmaSd = 0;
  private forget = 1;
  // Discounted sums of 1, x, x², y, x·y, y² with x the age in hours.
  private s0 = 0;
  private sx = 0;
  private sxx = 0;
  private sy = 0;
  private sxy = 0;
  private syy = 0;
  private slope = 0;
  private intercept = 0;
  private slopeT = 0;
  pf = false;

  constructor(sc: PdmScenario) {
    this.sc = sc;
  }

  reset(part: ComponentLife): void {
    const sig = part.signature;
    const d = this.sc.detector;
    this.pf = part.signalKind === "pf";
    this.n = 0;
    this.ewma = sig.newValue;
    this.baselineSum = 0;
    this.direction = sig.failureValue >= sig.newValue ? 1 : -1;
    this.alertValue = sig.alertValue;
    this.failureValue = sig.failureValue;
    // Asymptotic EWMA standard deviation for independent noise (Lucas & Saccucci 1990).
    this.ewmaSd = sig.noiseSd * Math.sqrt(d.smoothing / (2 - d.smoothing));
    this.forget = Math.exp(-this.sc.sampleEveryH / d.trendMemoryH);
    this.s0 = this.sx = this.sxx = this.sy = this.sxy = this.syy = 0;
    this.slope = this.intercept = this.slopeT = 0;
  }

  /** Adds one sample; true when the part should be alerted on. */
  push(ageH: number, y: number): boolean {
    const { smoothing, baselineSamples, sigmaMultiple, targetLeadH, trendSignificance } = this.sc.detector;
    this.ewma = this.n === 0 ? y : smoothing * y + (1 - smoothing) * this.ewma;
    this.n++;
    if (!this.pf) this.addToTrend(ageH, y);
    if (this.n <= baselineSamples) {
      this.baselineSum += y;
      return false;
    }
    const dir = this.direction;
    const departed = dir * (this.ewma - this.baselineSum / baselineSamples) >= sigmaMultiple * this.ewmaSd;
    if (this.pf) return departed;
    const pastAlertLevel = dir * (this.ewma - this.alertValue) >= 0;
    if (!departed && !pastAlertLevel) return false;
    this.fitTrend();
    if (dir * this.slope <= 0 || this.slopeT < trendSignificance) return false;
    const remainingH = this.projectedRemainingH(ageH);
    return remainingH <= targetLeadH || (pastAlertLevel && remainingH <= this.sc.maxLeadH);
  }

  /** Hours until the trend line reaches the failure value (0 if past it; +∞ without a rising trend). */
  projectedRemainingH(ageH: number): number {
    if (this.direction * this.slope <= 0) return Number.POSITIVE_INFINITY;
    const reachAt = (this.failureValue - this.intercept) / this.slope;
    return Math.max(0, reachAt - ageH);
  }

  private addToTrend(x: number, y: number): void {
    const f = this.forget;
    this.s0 = f * this.s0 + 1;
    this.sx = f * this.sx + x;
    this.sxx = f * this.sxx + x * x;
    this.sy = f * this.sy + y;
    this.sxy = f * this.sxy + x * y;
    this.syy = f * this.syy + y * y;
  }

  /** Weighted least squares from the running sums, with the slope's t statistic. */
  private fitTrend(): void {
    const mx = this.sx / this.s0;
    const my = this.sy / this.s0;
    const vxx = this.sxx - this.s0 * mx * mx;
    const vxy = this.sxy - this.s0 * mx * my;
    const vyy = this.syy - this.s0 * my * my;
    this.slope = vxx > 0 ? vxy / vxx : 0;
    this.intercept = my - this.slope * mx;
    // Residual variance with the effective sample size of the weights; SE(slope)² = s²/vxx.
    const residual = Math.max(0, vyy - this.slope * vxy);
    const dof = Math.max(1, this.s0 - 2);
    const se = vxx > 0 ? Math.sqrt(residual / dof / vxx) : Number.POSITIVE_INFINITY;
    this.slopeT = se > 0 ? Math.abs(this.slope) / se : Number.POSITIVE_INFINITY;
  }
}

function counts(t: Tally): PdmCounts {
  const { leads: _l, score: _s, scored: _n, ...rest } = t;
  return rest;
}

function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}

function leadStats(leads: number[]): LeadStats {
  if (leads.length === 0) return { p10H: 0, medianH: 0, p90H: 0 };
  const [p10H, medianH, p90H] = runQuantiles(Float64Array.from(leads), null, [0.1, 0.5, 0.9]) as [
    number,
    number,
    number,
  ];
  return { p10H, medianH, p90H };
}

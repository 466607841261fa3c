/**
 * Drift detection: does the press still behave like its twin? Per output, the standardized residual
 * z = (observed − predicted by the last calibration) / σ is charted by
 *
 *  - a two-sided tabular CUSUM (Page 1954, "Continuous inspection schemes", Biometrika 41; tabular form and the
 *    shift estimate μ̂ = μ0 + K + C/N of Montgomery, *Introduction to Statistical Quality Control*, §9.1):
 *    C⁺ = max(0, C⁺ + z − k), C⁻ = max(0, C⁻ − z − k), alert when C > h; or
 *  - an EWMA (Roberts 1959, "Control chart tests based on geometric moving averages", Technometrics 1;
 *    Montgomery §9.2): E = λz + (1 − λ)E, alert outside ±L·√(λ/(2 − λ)·(1 − (1 − λ)^{2t})).
 *
 * σ is the output's measurement sd, inflated by the calibration's own rms standardized residual of that output
 * when it exceeds 1 (a twin that fits an output worse than its noise would otherwise alarm on its misfit).
 * Each output and direction alerts once, then waits for a reset (after recalibration).
 */

import { MoldtwinError } from "../errors.ts";
import { type Calibration, type ObservedCycle, predict, recalibrate } from "./calibrate.ts";
import { OBSERVED_OUTPUTS, type ObservedOutput, OUTPUT_UNITS, sdOf } from "./observables.ts";

export type DriftMethod = "cusum" | "ewma";

export interface DriftOptions {
  method?: DriftMethod;
  /** CUSUM reference value k, in σ (default 0.5: tuned to detect a 1σ shift, Montgomery §9.1.3). */
  k?: number;
  /** CUSUM decision interval h, in σ (default 10, see CUSUM_DEFAULTS). */
  h?: number;
  /** EWMA weight λ (default 0.2). */
  lambda?: number;
  /** EWMA limit width L, in σ of the EWMA (default 4.3). */
  L?: number;
  /** Outputs to chart (default: every output the cycles report). */
  outputs?: readonly ObservedOutput[];
}

/**
 * Defaults (stated): k = 0.5σ; h = 10σ rather than the single-chart textbook 4–5σ, because a press charts up to 7
 * outputs at once. Siegmund's approximation (cusumArl) gives an in-control ARL of 1.4·10⁵ cycles per one-sided
 * chart, ≈ 7·10⁴ per two-sided output and ≈ 10⁴ cycles between false alerts over 7 outputs (about a day of
 * production at 8 s cycles), and ≈ 20 cycles to detect a 1σ shift. EWMA: λ = 0.2 with L = 4.3 instead of
 * Montgomery's single-chart 3 (ARL₀ ≈ 580, Lucas & Saccucci 1990) for the same family rate: ARL₀ ≈ 7·10⁴ per
 * two-sided chart, measured by a 300-run simulation with the counter-based generator.
 */
export const DRIFT_DEFAULTS = { method: "cusum" as DriftMethod, k: 0.5, h: 10, lambda: 0.2, L: 4.3 };

/**
 * Average run length of a one-sided CUSUM with reference k and interval h, both in σ, when the mean is `shift`σ
 * from target: Siegmund's approximation ARL = (e^{−2Δb} + 2Δb − 1)/(2Δ²), Δ = shift − k, b = h + 1.166
 * (Siegmund 1985, *Sequential Analysis*; Montgomery §9.1.4); (b/1)² at Δ = 0.
 */
export function cusumArl(k: number, h: number, shift: number): number {
  const d = shift - k;
  const b = h + 1.166;
  if (Math.abs(d) < 1e-9) return b * b;
  return (Math.exp(-2 * d * b) + 2 * d * b - 1) / (2 * d * d);
}

export interface CusumState {
  upper: number;
  lower: number;
  /** Consecutive cycles each sum has been above zero. */
  upperRun: number;
  lowerRun: number;
}

export function cusumStep(s: CusumState, z: number, k: number): void {
  const up = s.upper + z - k;
  const down = s.lower - z - k;
  s.upper = up > 0 ? up : 0;
  s.lower = down > 0 ? down : 0;
  s.upperRun = up > 0 ? s.upperRun + 1 : 0;
  s.lowerRun = down > 0 ? s.lowerRun + 1 : 0;
}

export interface ChartAlarm {
  /** 0-based index of the observation that signals. */
  index: number;
  direction: "up" | "down";
  statistic: number;
  /** Estimated new mean (CUSUM: target ± σ(k + C/N); EWMA: the EWMA itself). */
  estimatedMean: number;
  /** CUSUM: observations since the sum last left zero (N). */
  run?: number;
}

/** Tabular CUSUM of raw values against a target (Montgomery §9.1.2), first alarm per direction. */
export function tabularCusum(
  values: readonly number[],
  target: number,
  sigma: number,
  k: number,
  h: number,
): { upper: number[]; lower: number[]; alarms: ChartAlarm[] } {
  const s: CusumState = { upper: 0, lower: 0, upperRun: 0, lowerRun: 0 };
  const upper: number[] = [];
  const lower: number[] = [];
  const alarms: ChartAlarm[] = [];
  values.forEach((x, i) => {
    cusumStep(s, (x - target) / sigma, k);
    upper.push(s.upper * sigma);
    lower.push(s.lower * sigma);
    if (s.upper > h && !alarms.some((a) => a.direction === "up")) {
      alarms.push({
        index: i,
        direction: "up",
        statistic: s.upper * sigma,
        estimatedMean: target + sigma * (k + s.upper / s.upperRun),
        run: s.upperRun,
      });
    }
    if (s.lower > h && !alarms.some((a) => a.direction === "down")) {
      alarms.push({
        index: i,
        direction: "down",
        statistic: s.lower * sigma,
        estimatedMean: target - sigma * (k + s.lower / s.lowerRun),
        run: s.lowerRun,
      });
    }
  });
  return { upper, lower, alarms };
}

/** Half-width of the EWMA limits at observation t (1-based), in σ of the observations (Montgomery eq. 9.24). */
export function ewmaLimit(lambda: number, L: number, t: number): number {
  return L * Math.sqrt((lambda / (2 - lambda)) * (1 - (1 - lambda) ** (2 * t)));
}

/** EWMA chart of raw values (Montgomery §9.2.1), E₀ = target, exact time-varying limits, first alarm per side. */
export function ewmaChart(
  values: readonly number[],
  target: number,
  sigma: number,
  lambda: number,
  L: number,
): { ewma: number[]; ucl: number[]; lcl: number[]; alarms: ChartAlarm[] } {
  let e = target;
  const ewma: number[] = [];
  const ucl: number[] = [];
  const lcl: number[] = [];
  const alarms: ChartAlarm[] = [];
  values.forEach((x, i) => {
    e = lambda * x + (1 - lambda) * e;
    const w = sigma * ewmaLimit(lambda, L, i + 1);
    ewma.push(e);
    ucl.push(target + w);
    lcl.push(target - w);
    const dir = e > target + w ? "up" : e < target - w ? "down" : undefined;
    if (dir && !alarms.some((a) => a.direction === dir)) {
      alarms.push({ index: i, direction: dir, statistic: e, estimatedMean: e });
    }
  });
  return { ewma, ucl, lcl, alarms };
}

export interface DriftAlert {
  /** The cycle (press counter) that signals. */
  cycle: number;
  output: ObservedOutput;
  direction: "up" | "down";
  method: DriftMethod;
  statistic: number;
  threshold: number;
  /** Estimated shift of the output from the twin's prediction: in σ and in the output's unit. */
  shiftSigma: number;
  shift: number;
  unit: string;
  /** CUSUM: first cycle of the run that signals (the estimated start of the drift). */
  since: number;
}

interface OutputState {
  cusum: CusumState;
  ewma: number;
  t: number;
  /** Cycle numbers of the current CUSUM runs. */
  upperSince: number;
  lowerSince: number;
  alertedUp: boolean;
  alertedDown: boolean;
  scale: number;
}

/** Charts one press against its calibrated twin, cycle by cycle. */
export class DriftMonitor {
  private calibration: Calibration;
  private readonly options: typeof DRIFT_DEFAULTS & { outputs?: readonly ObservedOutput[] };
  private readonly states = new Map<ObservedOutput, OutputState>();

  constructor(calibration: Calibration, options: DriftOptions = {}) {
    const o = { ...DRIFT_DEFAULTS, ...options };
    const bad = [
      ...(o.method !== "cusum" && o.method !== "ewma"
        ? [{ field: "method", value: o.method, allowed: "cusum or ewma" }]
        : []),
      ...(o.k >= 0 && Number.isFinite(o.k) ? [] : [{ field: "k", value: o.k, allowed: "a finite number ≥ 0 (σ)" }]),
      ...(o.h > 0 && Number.isFinite(o.h) ? [] : [{ field: "h", value: o.h, allowed: "a finite number > 0 (σ)" }]),
      ...(o.lambda > 0 && o.lambda <= 1 ? [] : [{ field: "lambda", value: o.lambda, allowed: "0 < λ ≤ 1" }]),
      ...(o.L > 0 && Number.isFinite(o.L) ? [] : [{ field: "L", value: o.L, allowed: "a finite number > 0" }]),
      ...(o.outputs ?? [])
        .filter((x) => !(OBSERVED_OUTPUTS as readonly string[]).includes(x))
        .map((x) => ({ field: "outputs", value: x, allowed: `one of: ${OBSERVED_OUTPUTS.join(", ")}` })),
    ];
    if (bad.length > 0) {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", `invalid drift options: ${bad[0]!.field}`, bad);
    }
    this.options = o;
    this.calibration = calibration;
  }

  get method(): DriftMethod {
    return this.options.method;
  }

  /** The alert threshold in the chart's own units (CUSUM: h in σ; EWMA: the asymptotic L·σ_E). */
  get threshold(): number {
    return this.options.method === "cusum" ? this.options.h : ewmaLimit(this.options.lambda, this.options.L, 1e9);
  }

  /** Restarts every chart, against a new calibration when given (after recalibration). */
  reset(calibration?: Calibration): void {
    if (calibration) this.calibration = calibration;
    this.states.clear();
  }

  /** Current chart statistics per output: CUSUM upper/lower sums, or the EWMA and its current limit (σ). */
  statistics(): Partial<Record<ObservedOutput, { upper: number; lower: number }>> {
    const out: Partial<Record<ObservedOutput, { upper: number; lower: number }>> = {};
    for (const [k, s] of this.states) {
      out[k] =
        this.options.method === "cusum"
          ? { upper: s.cusum.upper, lower: s.cusum.lower }
          : { upper: s.ewma, lower: -s.ewma };
    }
    return out;
  }

  private stateOf(output: ObservedOutput): OutputState {
    let s = this.states.get(output);
    if (!s) {
      const fit = this.calibration.outputs[output];
      s = {
        cusum: { upper: 0, lower: 0, upperRun: 0, lowerRun: 0 },
        ewma: 0,
        t: 0,
        upperSince: 0,
        lowerSince: 0,
        alertedUp: false,
        alertedDown: false,
        scale: Math.max(1, fit?.rmsStandardized ?? 1),
      };
      this.states.set(output, s);
    }
    return s;
  }

  /** Charts one observed cycle; returns the alerts it raises (each output and side alerts once until reset). */
  update(cycle: ObservedCycle, cycleNumber = cycle.cycle ?? 0): DriftAlert[] {
    const wanted = this.options.outputs;
    const names = Object.keys(cycle.observed).filter(
      (o) => (OBSERVED_OUTPUTS as readonly string[]).includes(o) && (!wanted || wanted.includes(o as ObservedOutput)),
    ) as ObservedOutput[];
    const needsCushion = names.includes("cushionMm") && cycle.cushionRefMm !== undefined;
    const pred = predict(
      this.calibration,
      cycle.settings,
      needsCushion ? { cushionRefMm: cycle.cushionRefMm!, uncertainty: false } : { uncertainty: false },
    );
    const alerts: DriftAlert[] = [];
    const o = this.options;
    for (const output of names) {
      const y = cycle.observed[output];
      const f = pred.outputs[output];
      if (y === undefined || f === undefined || !Number.isFinite(y)) continue;
      const s = this.stateOf(output);
      const sigma = sdOf(this.calibration.measurementSd[output], f) * s.scale;
      if (!(sigma > 0)) continue;
      const z = (y - f) / sigma;
      s.t++;
      const raise = (
        direction: "up" | "down",
        statistic: number,
        threshold: number,
        shiftSigma: number,
        since: number,
      ) => {
        alerts.push({
          cycle: cycleNumber,
          output,
          direction,
          method: o.method,
          statistic,
          threshold,
          shiftSigma,
          shift: shiftSigma * sigma,
          unit: OUTPUT_UNITS[output],
          since,
        });
      };
      if (o.method === "cusum") {
        const c = s.cusum;
        if (c.upper === 0) s.upperSince = cycleNumber;
        if (c.lower === 0) s.lowerSince = cycleNumber;
        cusumStep(c, z, o.k);
        if (c.upper > o.h && !s.alertedUp) {
          s.alertedUp = true;
          raise("up", c.upper, o.h, o.k + c.upper / c.upperRun, s.upperSince);
        }
        if (c.lower > o.h && !s.alertedDown) {
          s.alertedDown = true;
          raise("down", c.lower, o.h, -(o.k + c.lower / c.lowerRun), s.lowerSince);
        }
      } else {
        s.ewma = o.lambda * z + (1 - o.lambda) * s.ewma;
        const limit = ewmaLimit(o.lambda, o.L, s.t);
        if (s.ewma > limit && !s.alertedUp) {
          s.alertedUp = true;
          raise("up", s.ewma, limit, s.ewma, cycleNumber);
        }
        if (s.ewma < -limit && !s.alertedDown) {
          s.alertedDown = true;
          raise("down", s.ewma, limit, s.ewma, cycleNumber);
        }
      }
    }
    return alerts;
  }
}

export interface OnlineOptions {
  /** Cycles in the recalibration window (default 50). */
  window?: number;
  drift?: DriftOptions;
  /** Recalibrate on the last `window` cycles at each alert and reset the charts (default true). */
  recalibrateOnAlert?: boolean;
}

export interface Recalibration {
  cycle: number;
  /** The new calibration, or the previous one when the window could not be fitted (see `error`). */
  calibration: Calibration;
  /** Why the window could not be fitted (FIT_ERR_INSUFFICIENT_DATA): the twin was kept, the charts restarted. */
  error?: string;
}

export interface OnlineResult {
  alerts: DriftAlert[];
  recalibrations: Recalibration[];
  final: Calibration;
  /** Per charted cycle: its number and the largest chart statistic of each output (σ), for plots. */
  trace: { cycle: number; statistics: Partial<Record<ObservedOutput, number>> }[];
}

/**
 * Online twin tracking: charts every cycle against the current calibration; at an alert, recalibrates on the
 * last `window` cycles (warm-started, "auto" in ONLINE_PRIORITY order) and restarts the charts against it.
 */
export function monitorPress(
  initial: Calibration,
  cycles: readonly ObservedCycle[],
  options: OnlineOptions = {},
): OnlineResult {
  const window = options.window ?? 50;
  if (!(Number.isInteger(window) && window >= 3)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `window = ${window}: an integer ≥ 3 cycles`, [
      { field: "window", value: window, unit: "cycles", allowed: "an integer ≥ 3" },
    ]);
  }
  const monitor = new DriftMonitor(initial, options.drift);
  const alerts: DriftAlert[] = [];
  const recalibrations: Recalibration[] = [];
  const trace: OnlineResult["trace"] = [];
  let current = initial;
  const seen: ObservedCycle[] = [];
  cycles.forEach((c, i) => {
    const number = c.cycle ?? initial.lastCycle + 1 + i;
    const cyc = { ...c, cycle: number };
    const raised = monitor.update(cyc, number);
    seen.push(cyc);
    const stats = monitor.statistics();
    trace.push({
      cycle: number,
      statistics: Object.fromEntries(
        Object.entries(stats).map(([k, v]) => [k, Math.max(Math.abs(v!.upper), Math.abs(v!.lower))]),
      ),
    });
    if (raised.length === 0) return;
    alerts.push(...raised);
    if (options.recalibrateOnAlert === false || seen.length < 3) return;
    try {
      current = recalibrate(seen.slice(-window), current);
      recalibrations.push({ cycle: number, calibration: current });
    } catch (e) {
      if (!(e instanceof MoldtwinError && e.code === "FIT_ERR_INSUFFICIENT_DATA")) throw e;
      recalibrations.push({ cycle: number, calibration: current, error: e.message });
    }
    monitor.reset(current);
  });
  return { alerts, recalibrations, final: current, trace };
}

/**
 * Calibration of a twin to the observed cycles of one press: the TwinAdjustments knobs (observables.ts) fitted by
 * weighted Levenberg–Marquardt (lm.ts) to whatever outputs each cycle reports, with standard errors and
 * intervals, per-output residual statistics, predictions at held-out settings with their parameter uncertainty
 * (delta method), and warm-started recalibration on a sliding window.
 *
 * The engine takes plain arrays of `{settings, observed}`: the CLI's CSV, a history store or a live OPC UA feed
 * all reduce to that. Different settings between cycles are what make the parameters separable (molding.md §5:
 * "calibrate on 3 measurements, predict an unseen condition's peak pressure within ±10 %").
 */

import type { Twin } from "../../twin-models/resolve.ts";
import { ProcessSettings, TwinAdjustments } from "../../twin-models/schemas/process.ts";
import { parse } from "../../twin-models/validate.ts";
import { type ErrorDetail, MoldtwinError } from "../errors.ts";
import { checkSettings } from "../molding/simulateShot.ts";
import { describeGroups, type LmStopReason, levenbergMarquardt, type VarianceMode } from "./lm.ts";
import {
  CALIBRATION_PARAMETERS,
  type CalibrationParameter,
  DEFAULT_MEASUREMENT_SD,
  type MeasurementSd,
  OBSERVED_OUTPUTS,
  type ObservedOutput,
  OUTPUT_INDEX,
  OUTPUT_UNITS,
  type ParameterSpec,
  parameterSpecs,
  ShotPredictor,
  sdOf,
  settingsKey,
} from "./observables.ts";

export interface ObservedCycle {
  /** The settings this cycle ran (any subset may differ from cycle to cycle). */
  settings: ProcessSettings;
  /** What the press reported; any subset of OBSERVED_OUTPUTS. */
  observed: Partial<Record<ObservedOutput, number>>;
  /** Cushion this recipe leaves with a tight check ring, mm: required when `observed.cushionMm` is given. */
  cushionRefMm?: number;
  /** The press's cycle counter (default: the position in the list). */
  cycle?: number;
}

export interface CalibrationOptions {
  /**
   * "auto" (default): fit every parameter the observations determine, in `priority` order, holding the rest at
   * their initial values (reported in `held` with the reason). A list: fit exactly these, or refuse with
   * FIT_ERR_INSUFFICIENT_DATA naming what cannot be identified.
   */
  parameters?: "auto" | readonly CalibrationParameter[];
  /** Order in which "auto" admits parameters (default INITIAL_PRIORITY). */
  priority?: readonly CalibrationParameter[];
  /** Start values (default: the twin's adjustments). */
  initial?: Partial<TwinAdjustments>;
  /** Overrides of DEFAULT_MEASUREMENT_SD per output. */
  measurementSd?: Partial<Record<ObservedOutput, MeasurementSd>>;
  /** Two-sided confidence of the intervals (default 0.95). */
  confidence?: number;
  maxIterations?: number;
  /** σ² of the covariance (default "scaled": max(1, χ²/dof), see lm.ts). */
  variance?: VarianceMode;
}

/** "auto" order for a first calibration: material and machine first, wear state, then the fill's finer knobs. */
export const INITIAL_PRIORITY: readonly CalibrationParameter[] = [
  "viscosityFactor",
  "driveEfficiencyFactor",
  "screwOutputFactor",
  "checkRingLeakageFraction",
  "heatTransferFactor",
  "nozzleLossFactor",
];

/** "auto" order for online recalibration: what drifts in production (wear, then the material lot) first. */
export const ONLINE_PRIORITY: readonly CalibrationParameter[] = [
  "checkRingLeakageFraction",
  "screwOutputFactor",
  "viscosityFactor",
  "driveEfficiencyFactor",
  "heatTransferFactor",
  "nozzleLossFactor",
];

/** Fewest cycles a calibration accepts. */
export const MIN_CYCLES = 3;

/** The largest observed reading accepted, in the output's unit. */
export const MAX_READING = 1e6;

export interface ParameterEstimate {
  value: number;
  standardError: number;
  /** Interval at `confidence`, inside the search range. */
  lower: number;
  upper: number;
  initial: number;
}

export interface HeldParameter {
  parameter: CalibrationParameter;
  value: number;
  reason: string;
}

export interface OutputStats {
  unit: string;
  n: number;
  /** Mean measurement sd used for its weights. */
  measurementSd: number;
  /** Mean and root-mean-square of observed − predicted, in the output's unit. */
  meanResidual: number;
  rmsResidual: number;
  /** The same in measurement sds. */
  meanStandardized: number;
  rmsStandardized: number;
}

export interface Calibration {
  /** The twin calibrated (its `wear` age, if any, dropped: the fitted knobs are the press's effective state). */
  twin: Twin;
  /** The twin's adjustments with the fitted values in place. */
  adjustments: TwinAdjustments;
  fitted: CalibrationParameter[];
  held: HeldParameter[];
  estimates: Partial<Record<CalibrationParameter, ParameterEstimate>>;
  /** Covariance and correlation of the fitted parameters, in `fitted` order. */
  covariance: number[][];
  correlation: number[][];
  outputs: Partial<Record<ObservedOutput, OutputStats>>;
  measurementSd: Record<ObservedOutput, MeasurementSd>;
  cycles: number;
  firstCycle: number;
  lastCycle: number;
  observations: number;
  distinctSettings: number;
  chiSquare: number;
  dof: number;
  reducedChiSquare: number;
  varianceFactor: number;
  confidence: number;
  iterations: number;
  converged: boolean;
  stopReason: LmStopReason;
}

interface Observation {
  cycle: number;
  group: number;
  output: ObservedOutput;
  value: number;
  sd: number;
  cushionRefMm: number;
}

interface Prepared {
  cycles: ObservedCycle[];
  groups: ProcessSettings[];
  groupHasCushion: boolean[];
  observations: Observation[];
}

function resolveSd(overrides: CalibrationOptions["measurementSd"]): Record<ObservedOutput, MeasurementSd> {
  const details: ErrorDetail[] = [];
  for (const [k, v] of Object.entries(overrides ?? {})) {
    if (!(OBSERVED_OUTPUTS as readonly string[]).includes(k)) {
      details.push({ field: `measurementSd.${k}`, value: k, allowed: `one of: ${OBSERVED_OUTPUTS.join(", ")}` });
      continue;
    }
    const a = v?.absolute ?? 0;
    const r = v?.relative ?? 0;
    if (!(Number.isFinite(a) && Number.isFinite(r) && a >= 0 && r >= 0 && a + r > 0)) {
      details.push({ field: `measurementSd.${k}`, value: v, allowed: "absolute ≥ 0 and relative ≥ 0, not both 0" });
    }
  }
  if (details.length > 0) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `invalid measurement sd: ${details[0]!.field}`, details);
  }
  const out = {} as Record<ObservedOutput, MeasurementSd>;
  for (const k of OBSERVED_OUTPUTS) {
    const o = overrides?.[k];
    const d = DEFAULT_MEASUREMENT_SD[k];
    out[k] = o
      ? { absolute: o.absolute ?? 0, relative: o.relative ?? 0 }
      : { absolute: d.absolute ?? 0, relative: d.relative ?? 0 };
  }
  return out;
}

/**
 * Validates cycles (settings against the schema and the twin, outputs by name and value) and flattens them into
 * observations, sharing one simulated shot between cycles with equal settings.
 */
export function prepareCycles(
  twin: Twin,
  cycles: readonly ObservedCycle[],
  sd: Record<ObservedOutput, MeasurementSd>,
  root = "cycles",
): Prepared {
  if (!Array.isArray(cycles) || cycles.length < MIN_CYCLES) {
    throw new MoldtwinError(
      "FIT_ERR_INSUFFICIENT_DATA",
      `calibration needs at least ${MIN_CYCLES} cycles, got ${Array.isArray(cycles) ? cycles.length : 0}`,
      [{ field: root, value: Array.isArray(cycles) ? cycles.length : cycles, allowed: `≥ ${MIN_CYCLES} cycles` }],
    );
  }
  const details: ErrorDetail[] = [];
  const groups: ProcessSettings[] = [];
  const groupHasCushion: boolean[] = [];
  const byKey = new Map<string, number>();
  const observations: Observation[] = [];
  const normalized: ObservedCycle[] = [];
  cycles.forEach((c, i) => {
    const at = `${root}[${i}]`;
    if (c === null || typeof c !== "object") {
      details.push({ field: at, value: c, allowed: "an object {settings, observed}" });
      return;
    }
    let settings: ProcessSettings;
    try {
      settings = parse(ProcessSettings, c.settings, `${at}.settings`);
      checkSettings(twin, settings, `${at}.settings`);
    } catch (e) {
      if (e instanceof MoldtwinError) {
        details.push(...e.details);
        return;
      }
      throw e;
    }
    const cycleNo = c.cycle ?? i;
    if (!Number.isFinite(cycleNo)) details.push({ field: `${at}.cycle`, value: c.cycle, allowed: "a finite number" });
    const observed = c.observed ?? {};
    if (typeof observed !== "object") {
      details.push({ field: `${at}.observed`, value: observed, allowed: "an object of output values" });
      return;
    }
    const entries = Object.entries(observed).filter(([, v]) => v !== undefined);
    if (entries.length === 0) {
      details.push({
        field: `${at}.observed`,
        value: {},
        allowed: `at least one of: ${OBSERVED_OUTPUTS.join(", ")}`,
      });
      return;
    }
    const key = settingsKey(settings);
    let group = byKey.get(key);
    if (group === undefined) {
      group = groups.length;
      byKey.set(key, group);
      groups.push(settings);
      groupHasCushion.push(false);
    }
    for (const [name, value] of entries) {
      if (!(OBSERVED_OUTPUTS as readonly string[]).includes(name)) {
        details.push({
          field: `${at}.observed.${name}`,
          value: name,
          allowed: `one of: ${OBSERVED_OUTPUTS.join(", ")}`,
        });
        continue;
      }
      const output = name as ObservedOutput;
      const unit = OUTPUT_UNITS[output];
      // Readings beyond 10⁶ in their unit (a 5.8e203 s cycle) are unit or sensor errors, and their squared residuals
      // overflow the fit: refused here, naming the reading.
      const ok =
        typeof value === "number" &&
        Number.isFinite(value) &&
        value <= MAX_READING &&
        (output === "cushionMm" ? value >= 0 : value > 0);
      if (!ok) {
        details.push({
          field: `${at}.observed.${name}`,
          value,
          unit,
          allowed: `a finite number ${output === "cushionMm" ? "≥ 0" : "> 0"} and ≤ ${MAX_READING} ${unit}`,
        });
        continue;
      }
      let ref = 0;
      if (output === "cushionMm") {
        const r = c.cushionRefMm;
        if (!(typeof r === "number" && Number.isFinite(r) && r > 0 && r <= MAX_READING)) {
          details.push({
            field: `${at}.cushionRefMm`,
            value: r,
            unit: "mm",
            allowed: "the cushion this recipe leaves with a tight check ring, a number > 0 mm (needed with cushionMm)",
          });
          continue;
        }
        ref = r;
        groupHasCushion[group] = true;
      }
      const sdValue = sdOf(sd[output], value as number);
      if (!(sdValue > 0)) {
        details.push({
          field: `${at}.observed.${name}`,
          value,
          unit,
          allowed: `a reading whose measurement sd is > 0 (measurementSd.${name} is relative only: give it an absolute part)`,
        });
        continue;
      }
      observations.push({ cycle: cycleNo, group, output, value: value as number, sd: sdValue, cushionRefMm: ref });
    }
    normalized.push({ ...c, settings, cycle: cycleNo });
  });
  if (details.length > 0) {
    throw new MoldtwinError(
      "TWIN_ERR_VALIDATION",
      `invalid observed cycles: ${details.length} problem(s), first at ${details[0]!.field}`,
      details.slice(0, 20),
    );
  }
  return { cycles: normalized, groups, groupHasCushion, observations };
}

const predictors = new WeakMap<Twin, ShotPredictor>();

function predictorFor(twin: Twin): ShotPredictor {
  let p = predictors.get(twin);
  if (!p) {
    p = new ShotPredictor(twin);
    predictors.set(twin, p);
  }
  return p;
}

/** Predictions of every observation at adjustments `adj`. */
function predictAll(predictor: ShotPredictor, prep: Prepared, adj: TwinAdjustments): Float64Array {
  const values = prep.groups.map(() => new Float64Array(OBSERVED_OUTPUTS.length));
  prep.groups.forEach((s, g) => {
    predictor.evaluate(s, adj, values[g]!, prep.groupHasCushion[g]!);
  });
  const out = new Float64Array(prep.observations.length);
  prep.observations.forEach((o, i) => {
    const v = values[o.group]![OUTPUT_INDEX[o.output]]!;
    out[i] = o.output === "cushionMm" ? o.cushionRefMm + v : v;
  });
  return out;
}

function withValues(base: TwinAdjustments, names: readonly CalibrationParameter[], x: readonly number[]) {
  const a = { ...base };
  names.forEach((n, j) => {
    a[n] = x[j]!;
  });
  return a;
}

/**
 * Standardized sensitivity columns ∂((f − y)/sd)/∂x_j at `base` by central differences (one-sided at a bound).
 */
function sensitivity(
  predictor: ShotPredictor,
  prep: Prepared,
  base: TwinAdjustments,
  names: readonly CalibrationParameter[],
  specs: Record<CalibrationParameter, ParameterSpec>,
): number[][] {
  return names.map((name) => {
    const s = specs[name];
    const x0 = base[name];
    const h = 1e-4 * Math.max(Math.abs(x0), 1e-3 * (s.upper - s.lower));
    const up = x0 + h <= s.upper;
    const down = x0 - h >= s.lower;
    const fp = predictAll(predictor, prep, { ...base, [name]: up ? x0 + h : x0 });
    const fm = predictAll(predictor, prep, { ...base, [name]: down ? x0 - h : x0 });
    const width = (up ? h : 0) + (down ? h : 0);
    return prep.observations.map((o, i) => (fp[i]! - fm[i]!) / width / o.sd);
  });
}

/** Greedy "auto" selection: admit parameters in priority order while each stays determined given the others. */
function selectParameters(
  columns: number[][],
  names: readonly CalibrationParameter[],
  specs: Record<CalibrationParameter, ParameterSpec>,
  base: TwinAdjustments,
  groupsText: string,
): { fitted: CalibrationParameter[]; held: HeldParameter[] } {
  const basis: number[][] = [];
  const fitted: CalibrationParameter[] = [];
  const held: HeldParameter[] = [];
  names.forEach((name, j) => {
    const col = columns[j]!;
    const norm0 = Math.hypot(...col);
    const spec = specs[name];
    if (!(norm0 > 0)) {
      held.push({
        parameter: name,
        value: base[name],
        reason: `no observed output depends on it (observed: ${groupsText}; it moves ${spec.moves})`,
      });
      return;
    }
    const r = col.slice();
    for (const q of basis) {
      let dot = 0;
      for (let i = 0; i < r.length; i++) dot += q[i]! * r[i]!;
      for (let i = 0; i < r.length; i++) r[i] = r[i]! - dot * q[i]!;
    }
    const norm = Math.hypot(...r);
    const alone = 1 / norm0;
    const given = norm > 0 ? 1 / norm : Number.POSITIVE_INFINITY;
    if (given <= spec.resolution) {
      basis.push(r.map((v) => v / norm));
      fitted.push(name);
      return;
    }
    const fmt = (v: number): string => `±${v.toPrecision(2)}`;
    const together = given > 1e3 * alone ? "not at all" : `only to ${fmt(given)}`;
    held.push({
      parameter: name,
      value: base[name],
      reason:
        alone > spec.resolution
          ? `too weakly determined by these observations: alone to ${fmt(alone)}, needs ${fmt(spec.resolution)} (it moves ${spec.moves})`
          : `confounded with ${fitted.join(", ")} at these settings: alone determined to ${fmt(alone)}, together with them ${together} (needs ${fmt(spec.resolution)}); vary the settings to separate them`,
    });
  });
  return { fitted, held };
}

function checkOptions(options: CalibrationOptions): void {
  const details: ErrorDetail[] = [];
  const known = CALIBRATION_PARAMETERS as readonly string[];
  if (Array.isArray(options.parameters)) {
    if (options.parameters.length === 0) {
      details.push({ field: "parameters", value: [], allowed: `"auto" or a list of: ${known.join(", ")}` });
    }
    for (const p of options.parameters) {
      if (!known.includes(p)) details.push({ field: "parameters", value: p, allowed: `one of: ${known.join(", ")}` });
    }
  } else if (options.parameters !== undefined && options.parameters !== "auto") {
    details.push({
      field: "parameters",
      value: options.parameters,
      allowed: `"auto" or a list of: ${known.join(", ")}`,
    });
  }
  for (const p of options.priority ?? []) {
    if (!known.includes(p)) details.push({ field: "priority", value: p, allowed: `one of: ${known.join(", ")}` });
  }
  const c = options.confidence;
  if (c !== undefined && !(c > 0 && c < 1)) details.push({ field: "confidence", value: c, allowed: "0 < c < 1" });
  if (details.length > 0) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `invalid calibration options: ${details[0]!.field}`, details);
  }
}

/**
 * Calibrates `twin` to the observed cycles of one press. Throws TWIN_ERR_VALIDATION for bad cycles (naming the
 * cycle and field), FIT_ERR_INSUFFICIENT_DATA for too few cycles or parameters the observations cannot
 * identify, never returns NaN.
 */
export function calibrate(twin: Twin, cycles: readonly ObservedCycle[], options: CalibrationOptions = {}): Calibration {
  checkOptions(options);
  const sd = resolveSd(options.measurementSd);
  const predictor = predictorFor(twin);
  const base = predictor.twin;
  const prep = prepareCycles(base, cycles, sd);
  const specs = parameterSpecs(base);
  const initial = parse(TwinAdjustments, { ...base.adjustments, ...(options.initial ?? {}) }, "initial");
  const groupsText = describeGroups(
    prep.observations.map((o) => o.output),
    prep.observations.length,
  );

  let fitted: CalibrationParameter[];
  let held: HeldParameter[] = [];
  if (Array.isArray(options.parameters)) {
    fitted = CALIBRATION_PARAMETERS.filter((p) => options.parameters!.includes(p));
    held = CALIBRATION_PARAMETERS.filter((p) => !fitted.includes(p)).map((p) => ({
      parameter: p,
      value: initial[p],
      reason: "not in the requested parameter list",
    }));
  } else {
    const order = options.priority ?? INITIAL_PRIORITY;
    const names = [...order, ...CALIBRATION_PARAMETERS.filter((p) => !order.includes(p))];
    const start = { ...initial };
    for (const n of names) start[n] = Math.min(specs[n].upper, Math.max(specs[n].lower, start[n]));
    const columns = sensitivity(predictor, prep, start, names, specs);
    const sel = selectParameters(columns, names, specs, initial, groupsText);
    fitted = CALIBRATION_PARAMETERS.filter((p) => sel.fitted.includes(p));
    held = sel.held;
    if (fitted.length === 0) {
      throw new MoldtwinError(
        "FIT_ERR_INSUFFICIENT_DATA",
        `no twin parameter is identifiable from the observations (${groupsText})`,
        held.map((h) => ({ field: `parameters.${h.parameter}`, value: h.value, allowed: h.reason })),
      );
    }
  }

  const lm = levenbergMarquardt(
    {
      parameters: fitted.map((name) => ({
        name,
        initial: initial[name],
        lower: specs[name].lower,
        upper: specs[name].upper,
        scale: specs[name].scale,
      })),
      observed: prep.observations.map((o) => o.value),
      sd: prep.observations.map((o) => o.sd),
      groups: prep.observations.map((o) => o.output),
      model: (x) => predictAll(predictor, prep, withValues(initial, fitted, x)),
    },
    {
      variance: options.variance ?? "scaled",
      confidence: options.confidence ?? 0.95,
      maxIterations: options.maxIterations ?? 100,
      // The kernel is smooth to ~1e-12; a relative step of 1e-6 keeps the difference well above its noise.
      jacobianStep: 1e-6,
      gradientTolerance: 1e-8,
      stepTolerance: 1e-9,
      costTolerance: 1e-12,
    },
  );

  const adjustments = withValues(initial, fitted, lm.values);
  const estimates: Partial<Record<CalibrationParameter, ParameterEstimate>> = {};
  for (const name of fitted) {
    const e = lm.estimates[name]!;
    estimates[name] = { ...e, initial: initial[name] };
  }
  const outputs: Partial<Record<ObservedOutput, OutputStats>> = {};
  for (const output of OBSERVED_OUTPUTS) {
    const idx = prep.observations.flatMap((o, i) => (o.output === output ? [i] : []));
    if (idx.length === 0) continue;
    const res = idx.map((i) => lm.residuals[i]!);
    const std = idx.map((i) => lm.standardizedResiduals[i]!);
    const mean = (v: number[]): number => v.reduce((s, t) => s + t, 0) / v.length;
    const rms = (v: number[]): number => Math.sqrt(mean(v.map((t) => t * t)));
    outputs[output] = {
      unit: OUTPUT_UNITS[output],
      n: idx.length,
      measurementSd: mean(idx.map((i) => prep.observations[i]!.sd)),
      meanResidual: mean(res),
      rmsResidual: rms(res),
      meanStandardized: mean(std),
      rmsStandardized: rms(std),
    };
  }
  const cycleNumbers = prep.cycles.map((c) => c.cycle!);
  const firstCycle = cycleNumbers.reduce((a, b) => (b < a ? b : a), Number.POSITIVE_INFINITY);
  const lastCycle = cycleNumbers.reduce((a, b) => (b > a ? b : a), Number.NEGATIVE_INFINITY);
  return {
    twin: base,
    adjustments,
    fitted,
    held,
    estimates,
    covariance: lm.covariance,
    correlation: lm.correlation,
    outputs,
    measurementSd: sd,
    cycles: prep.cycles.length,
    firstCycle,
    lastCycle,
    observations: prep.observations.length,
    distinctSettings: prep.groups.length,
    chiSquare: lm.chiSquare,
    dof: lm.dof,
    reducedChiSquare: lm.chiSquare / lm.dof,
    varianceFactor: lm.varianceFactor,
    confidence: lm.confidence,
    iterations: lm.iterations,
    converged: lm.converged,
    stopReason: lm.stopReason,
  };
}

/**
 * Online recalibration on a sliding window of cycles (the caller passes the last n), warm-started from the
 * previous fit: its adjustments are the start and the values of whatever the window cannot identify. "auto"
 * admits parameters in ONLINE_PRIORITY order (wear first), so a window at one production recipe refits the wear
 * knobs and keeps the fill knobs of the last calibration at varied settings.
 */
export function recalibrate(
  windowCycles: readonly ObservedCycle[],
  previous: Calibration,
  options: CalibrationOptions = {},
): Calibration {
  return calibrate(previous.twin, windowCycles, {
    priority: ONLINE_PRIORITY,
    measurementSd: previous.measurementSd,
    confidence: previous.confidence,
    maxIterations: 50,
    ...options,
    initial: { ...previous.adjustments, ...(options.initial ?? {}) },
  });
}

export interface Prediction {
  /** Predicted outputs (cushionMm only with a cushionRefMm). */
  outputs: Partial<Record<ObservedOutput, number>>;
  /** Standard deviation of each prediction from the parameter covariance alone (delta method). */
  parameterSd: Partial<Record<ObservedOutput, number>>;
  /** Measurement sd a new observation adds on top (the calibration's noise model). */
  measurementSd: Partial<Record<ObservedOutput, number>>;
}

/**
 * Predicts what the calibrated twin reports at `settings` (held-out settings included), with the uncertainty
 * of the fitted parameters (`uncertainty: false` skips it: one shot instead of 1 + 2 per fitted parameter).
 */
export function predict(
  calibration: Calibration,
  settings: ProcessSettings,
  options: { cushionRefMm?: number; uncertainty?: boolean } = {},
): Prediction {
  const s = parse(ProcessSettings, settings, "settings");
  checkSettings(calibration.twin, s);
  const ref = options.cushionRefMm;
  if (ref !== undefined && !(Number.isFinite(ref) && ref > 0)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `cushionRefMm = ${ref}: a number > 0 mm`, [
      { field: "cushionRefMm", value: ref, unit: "mm", allowed: "a number > 0 mm" },
    ]);
  }
  const predictor = predictorFor(calibration.twin);
  const n = OBSERVED_OUTPUTS.length;
  const at = (adj: TwinAdjustments): Float64Array => {
    const v = new Float64Array(n);
    predictor.evaluate(s, adj, v, ref !== undefined);
    return v;
  };
  const v0 = at(calibration.adjustments);
  const specs = parameterSpecs(calibration.twin);
  const fitted = options.uncertainty === false ? [] : calibration.fitted;
  const grads = fitted.map((name) => {
    const x0 = calibration.adjustments[name];
    const sp = specs[name];
    const h = 1e-6 * Math.max(Math.abs(x0), 1e-3 * (sp.upper - sp.lower));
    const up = x0 + h <= sp.upper;
    const down = x0 - h >= sp.lower;
    const fp = at({ ...calibration.adjustments, [name]: up ? x0 + h : x0 });
    const fm = at({ ...calibration.adjustments, [name]: down ? x0 - h : x0 });
    const width = (up ? h : 0) + (down ? h : 0);
    return Array.from(fp, (f, k) => (f - fm[k]!) / width);
  });
  const outputs: Partial<Record<ObservedOutput, number>> = {};
  const parameterSd: Partial<Record<ObservedOutput, number>> = {};
  const measurementSd: Partial<Record<ObservedOutput, number>> = {};
  OBSERVED_OUTPUTS.forEach((name, k) => {
    if (name === "cushionMm" && ref === undefined) return;
    const value = name === "cushionMm" ? ref! + v0[k]! : v0[k]!;
    let variance = 0;
    grads.forEach((gi, i) => {
      grads.forEach((gj, j) => {
        variance += gi[k]! * calibration.covariance[i]![j]! * gj[k]!;
      });
    });
    outputs[name] = value;
    parameterSd[name] = Math.sqrt(Math.max(0, variance));
    measurementSd[name] = sdOf(calibration.measurementSd[name], value);
  });
  return { outputs, parameterSd, measurementSd };
}

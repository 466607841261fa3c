/**
 * The calibration demo (`moldtwin calibrate --demo`): a simulated press with hidden offsets is put through a
 * one-factor-at-a-time trial, calibrated, checked at a held-out setting, then run in production at its recipe
 * while its check ring wears, charted against the twin and recalibrated at each alert. Deterministic by seed.
 */

import type { Twin } from "../../twin-models/resolve.ts";
import type { ProcessSettings, TwinAdjustments } from "../../twin-models/schemas/process.ts";
import { MoldtwinError } from "../errors.ts";
import { checkSettings } from "../molding/simulateShot.ts";
import { type Calibration, type CalibrationOptions, calibrate, predict } from "./calibrate.ts";
import { calibrationDesign } from "./design.ts";
import { type DriftOptions, monitorPress, type OnlineResult } from "./drift.ts";
import { simulatedPress } from "./simulatedPress.ts";

/** The offsets the demo press hides from its twin (stated; within the ranges calibration searches). */
export const DEMO_HIDDEN: TwinAdjustments = {
  viscosityFactor: 1.18,
  heatTransferFactor: 0.85,
  nozzleLossFactor: 1.4,
  driveEfficiencyFactor: 0.9,
  checkRingLeakageFraction: 0.04,
  screwOutputFactor: 0.92,
};

/** Part-mass tolerance of the demo, a share of the nominal mass (see drift.test.ts for why ±0.1 %). */
export const DEMO_MASS_TOLERANCE = 0.001;

export interface DemoOptions {
  seed?: number;
  /** Cycles per trial setting (default 8). */
  cyclesPerSetting?: number;
  /** Production cycles after the trial (default 1500). */
  productionCycles?: number;
  /** Cycle at which check-ring wear starts (default 300) and cycles to the card's failure clearance (1000). */
  wearStartCycle?: number;
  wearCyclesToFailure?: number;
  window?: number;
  drift?: DriftOptions;
  calibration?: CalibrationOptions;
}

export interface DemoResult {
  seed: number;
  hidden: TwinAdjustments;
  trialSettings: ProcessSettings[];
  calibration: Calibration;
  heldOut: {
    settings: ProcessSettings;
    predictedPeakMPa: number;
    parameterSdMPa: number;
    truePeakMPa: number;
    errorPct: number;
    uncalibratedErrorPct: number;
  };
  wear: { startCycle: number; cyclesToFailure: number };
  monitoring: OnlineResult;
  massTolerancePct: number;
  nominalPartMassG: number;
  /** First cycle whose true (noise-free) part mass is outside the tolerance; null if none in the run. */
  massToleranceExitCycle: number | null;
  firstAlertCycle: number | null;
  /** The press's true leakage at the end, against the final calibration's. */
  finalTrueLeakage: number;
}

/** A held-out setting near the recipe that the trial never ran: hotter, faster, warmer mold, higher hold. */
export function heldOutSettings(twin: Twin, recipe: ProcessSettings): ProcessSettings {
  const s: ProcessSettings = {
    ...recipe,
    meltTempC: Math.min(recipe.meltTempC + 8, twin.material.maxMeltTempC - 5),
    moldTempC: recipe.moldTempC + 5,
    holdPressureMPa: recipe.holdPressureMPa * 1.1,
    ...(recipe.injectionTimeS === undefined ? {} : { injectionTimeS: recipe.injectionTimeS * 0.7 }),
  };
  checkSettings(twin, s, "heldOut");
  return s;
}

export function runCalibrationDemo(twin: Twin, recipe: ProcessSettings, options: DemoOptions = {}): DemoResult {
  const seed = options.seed ?? 7;
  const perSetting = options.cyclesPerSetting ?? 8;
  const production = options.productionCycles ?? 1500;
  const wearStart = options.wearStartCycle ?? 300;
  const wearCycles = options.wearCyclesToFailure ?? 1000;
  for (const [field, v, min] of [
    ["cyclesPerSetting", perSetting, 1],
    ["productionCycles", production, 0],
  ] as const) {
    if (!(Number.isInteger(v) && v >= min && v <= 1_000_000)) {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} = ${v}: an integer ≥ ${min}`, [
        { field, value: v, unit: "cycles", allowed: `an integer from ${min} to 1000000` },
      ]);
    }
  }
  const press = simulatedPress({
    twin,
    hidden: DEMO_HIDDEN,
    seed,
    checkRingWear: { startCycle: wearStart, cyclesToFailure: wearCycles },
  });
  const design = calibrationDesign(twin, recipe);
  const trialCount = design.length * perSetting;
  const trial = press.run((c) => design[Math.floor(c / perSetting)]!, 0, trialCount);
  const calibration = calibrate(twin, trial, options.calibration);

  const held = heldOutSettings(twin, recipe);
  const truth = press.expected(held, 0).peakInjectionPressureMPa;
  const p = predict(calibration, held);
  const raw = predict({ ...calibration, adjustments: twin.adjustments, fitted: [], covariance: [] }, held, {
    uncertainty: false,
  });

  const cycles = press.run(() => recipe, trialCount, production);
  const monitoring = monitorPress(calibration, cycles, {
    ...(options.window === undefined ? {} : { window: options.window }),
    ...(options.drift === undefined ? {} : { drift: options.drift }),
  });
  const last = trialCount + production - 1;
  const nominal = press.expected(recipe, 0).partMassG;
  let exit: number | null = null;
  for (let c = wearStart; c <= last; c++) {
    if (Math.abs(press.expected(recipe, c).partMassG / nominal - 1) > DEMO_MASS_TOLERANCE) {
      exit = c;
      break;
    }
  }
  return {
    seed,
    hidden: DEMO_HIDDEN,
    trialSettings: design,
    calibration,
    heldOut: {
      settings: held,
      predictedPeakMPa: p.outputs.peakInjectionPressureMPa!,
      parameterSdMPa: p.parameterSd.peakInjectionPressureMPa!,
      truePeakMPa: truth,
      errorPct: (p.outputs.peakInjectionPressureMPa! / truth - 1) * 100,
      uncalibratedErrorPct: (raw.outputs.peakInjectionPressureMPa! / truth - 1) * 100,
    },
    wear: { startCycle: wearStart, cyclesToFailure: wearCycles },
    monitoring,
    massTolerancePct: DEMO_MASS_TOLERANCE * 100,
    nominalPartMassG: nominal,
    massToleranceExitCycle: exit,
    firstAlertCycle: monitoring.alerts[0]?.cycle ?? null,
    finalTrueLeakage: press.truthAt(last).checkRingLeakageFraction,
  };
}

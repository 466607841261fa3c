/**
 * What a press reports per cycle and how the twin predicts it, the calibration parameters (the twin's existing
 * TwinAdjustments knobs) with their search ranges, and the measurement noise assumed for each output.
 *
 * Every issue parameter has a knob: viscosity shift → viscosityFactor (×η0, Cross-WLF), heat transfer →
 * heatTransferFactor, drive efficiency → driveEfficiencyFactor, nozzle loss → nozzleLossFactor, wear state →
 * checkRingLeakageFraction and screwOutputFactor (engine/wear feedback). The cushion has no kernel output; it is
 * the wear model's own reading of the leakage (engine/wear/archard.ts cushionLossMm over the packing stroke of
 * engine/wear/shotDuty.ts), subtracted from the cushion the recipe leaves with a tight ring.
 */

import type { Twin } from "../../twin-models/resolve.ts";
import type { ProcessSettings, TwinAdjustments } from "../../twin-models/schemas/process.ts";
import type { CompiledTwin } from "../molding/compile.ts";
import { simulateShotInto } from "../molding/kernel.ts";
import { INPUT_SIZE, OUT, OUTPUT_SIZE } from "../molding/layout.ts";
import { compiledTwin, packAdjustments, toInputs } from "../molding/simulateShot.ts";
import { cushionLossMm } from "../wear/archard.ts";
import { dutyFromOutputs } from "../wear/shotDuty.ts";

/** Outputs a press reports per cycle (EUROMAP 63/77 actual values, a scale, an energy meter). */
export const OBSERVED_OUTPUTS = [
  "peakInjectionPressureMPa",
  "peakHydraulicPressureMPa",
  "fillTimeS",
  "cycleTimeS",
  "recoveryTimeS",
  "cushionMm",
  "partMassG",
  "energyPerShotKWh",
] as const;
export type ObservedOutput = (typeof OBSERVED_OUTPUTS)[number];

export const OUTPUT_UNITS: Record<ObservedOutput, string> = {
  peakInjectionPressureMPa: "MPa",
  peakHydraulicPressureMPa: "MPa",
  fillTimeS: "s",
  cycleTimeS: "s",
  recoveryTimeS: "s",
  cushionMm: "mm",
  partMassG: "g",
  energyPerShotKWh: "kWh",
};

export const OUTPUT_DESCRIPTIONS: Record<ObservedOutput, string> = {
  peakInjectionPressureMPa: "peak specific (melt-side) injection pressure in the fill",
  peakHydraulicPressureMPa: "peak hydraulic pressure = specific pressure / intensification ratio",
  fillTimeS: "injection (fill) time to V/P switchover",
  cycleTimeS: "cycle time",
  recoveryTimeS: "screw recovery (plastication) time",
  cushionMm: "cushion: cushionRefMm minus the check ring's leakage travel (needs the cycle's cushionRefMm)",
  partMassG: "mass of one part",
  energyPerShotKWh: "electrical energy of one cycle",
};

/** Measurement sd of an output: absolute + relative × |reading|. */
export interface MeasurementSd {
  absolute?: number;
  relative?: number;
}

/**
 * Default measurement sds (stated assumptions; override per output). Cushion and recovery are the library's own
 * condition-monitoring noises (twin-models/library/components.ts: cushionNoiseSdMm 0.03 mm, recoveryNoiseFraction
 * 2 %); the others are typical shot-to-shot repeatability of a stable process and instrument resolution.
 */
export const DEFAULT_MEASUREMENT_SD: Record<ObservedOutput, MeasurementSd & { note: string }> = {
  peakInjectionPressureMPa: { relative: 0.01, note: "1 % of reading: shot-to-shot repeatability of peak pressure" },
  peakHydraulicPressureMPa: { relative: 0.01, note: "1 % of reading, as the specific pressure" },
  fillTimeS: { absolute: 0.01, note: "0.01 s: controller resolution" },
  cycleTimeS: { absolute: 0.05, note: "0.05 s: cycle-to-cycle jitter of moves and handling" },
  recoveryTimeS: { relative: 0.02, note: "2 % of reading: recoveryNoiseFraction of the screw-barrel card" },
  cushionMm: { absolute: 0.03, note: "0.03 mm: cushionNoiseSdMm of the check-ring card" },
  partMassG: { relative: 0.0005, note: "0.05 % of reading: part-weight repeatability of a stable process" },
  energyPerShotKWh: { relative: 0.02, note: "2 % of reading: per-cycle energy metering" },
};

export function sdOf(spec: MeasurementSd, reading: number): number {
  return (spec.absolute ?? 0) + (spec.relative ?? 0) * Math.abs(reading);
}

/** The TwinAdjustments calibration moves. */
export const CALIBRATION_PARAMETERS = [
  "viscosityFactor",
  "heatTransferFactor",
  "nozzleLossFactor",
  "driveEfficiencyFactor",
  "checkRingLeakageFraction",
  "screwOutputFactor",
] as const;
export type CalibrationParameter = (typeof CALIBRATION_PARAMETERS)[number];

export interface ParameterSpec {
  lower: number;
  upper: number;
  scale: "linear" | "log";
  /**
   * Largest standard error at which fitting the parameter is still worth it: "auto" selection fits it only when
   * the observations, given the parameters already chosen, pin it to within this (its conditional standard
   * error, 1/‖residual of its weighted Jacobian column after projection on theirs‖). Stated: a third of a
   * factor's typical 1 for the fill knobs, 0.15 for viscosity and drive, 0.05 for the wear fractions. Generous on
   * purpose: a weakly determined knob fitted with a wide interval biases the others less than one held wrong.
   */
  resolution: number;
  /** The outputs it moves in the kernel, for messages. */
  moves: string;
}

/**
 * Search ranges (stated assumptions, inside the TwinAdjustments schema): factors from 1/5 to 5 × the library
 * value in log scale; the drive efficiency factor also keeps the drive's efficiency ≤ 1; leakage up to 60 % of
 * hold pressure; screw output down to 30 % of new.
 */
export function parameterSpecs(twin: Twin): Record<CalibrationParameter, ParameterSpec> {
  return {
    viscosityFactor: {
      lower: 0.2,
      upper: 5,
      scale: "log",
      resolution: 0.15,
      moves: "peak pressure, recovery time (and through them cycle time and energy)",
    },
    heatTransferFactor: {
      lower: 0.2,
      upper: 5,
      scale: "log",
      resolution: 0.3,
      moves: "peak pressure (frozen skin), gate seal (part mass when hold ends before seal)",
    },
    nozzleLossFactor: { lower: 0.05, upper: 10, scale: "log", resolution: 0.3, moves: "peak pressure (nozzle share)" },
    driveEfficiencyFactor: {
      lower: 0.3,
      upper: Math.min(2, 1 / twin.machine.driveEfficiency),
      scale: "log",
      resolution: 0.15,
      moves: "energy per shot (injection and moves)",
    },
    checkRingLeakageFraction: {
      lower: 0,
      upper: 0.6,
      scale: "linear",
      resolution: 0.05,
      moves: "cushion, part mass",
    },
    screwOutputFactor: {
      lower: 0.3,
      upper: 1,
      scale: "linear",
      resolution: 0.05,
      moves: "recovery time, cycle time when recovery outlasts cooling, energy",
    },
  };
}

/** Position of each output in OBSERVED_OUTPUTS (the layout of ShotPredictor's values). */
export const OUTPUT_INDEX: Record<ObservedOutput, number> = Object.fromEntries(
  OBSERVED_OUTPUTS.map((k, i) => [k, i]),
) as Record<ObservedOutput, number>;

/** Settings with their keys sorted: equal settings give equal keys, so shots are shared between cycles. */
export function settingsKey(s: ProcessSettings): string {
  return JSON.stringify(Object.entries(s).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Predicts observed outputs of a twin at settings with given adjustments. Holds one compiled twin and the base
 * input vector per settings key; `evaluate` fills `values` (layout: OBSERVED_OUTPUTS, cushion as the leakage
 * travel to subtract from the reference) without allocating beyond a duty object for the cushion.
 */
export class ShotPredictor {
  readonly twin: Twin;
  readonly compiled: CompiledTwin;
  private readonly base = new Map<string, Float64Array>();
  private readonly inputs = new Float64Array(INPUT_SIZE);
  private readonly out = new Float64Array(OUTPUT_SIZE);

  constructor(twin: Twin) {
    // Calibration fits the press's effective state: a `wear` age would be applied on top of the fitted knobs.
    this.twin = { material: twin.material, machine: twin.machine, mold: twin.mold, adjustments: twin.adjustments };
    this.compiled = compiledTwin(this.twin);
  }

  /** Values of OBSERVED_OUTPUTS into `values`; cushionMm gets −(leakage travel), to which the reference is added. */
  evaluate(settings: ProcessSettings, adjustments: TwinAdjustments, values: Float64Array, withCushion = true): void {
    const key = settingsKey(settings);
    let b = this.base.get(key);
    if (!b) {
      // A long history with drifting actual values has many distinct settings: keep the cache bounded.
      if (this.base.size >= 4096) this.base.clear();
      b = toInputs(this.twin, settings);
      this.base.set(key, b);
    }
    const inp = this.inputs;
    inp.set(b);
    packAdjustments(adjustments, inp);
    const o = this.out;
    simulateShotInto(this.compiled, inp, o);
    const I = OUTPUT_INDEX;
    values[I.peakInjectionPressureMPa] = o[OUT.peakInjectionPressureMPa]!;
    values[I.peakHydraulicPressureMPa] = o[OUT.hydraulicPressureMPa]!;
    values[I.fillTimeS] = o[OUT.fillTimeS]!;
    values[I.cycleTimeS] = o[OUT.cycleTimeS]!;
    values[I.recoveryTimeS] = o[OUT.plasticationTimeS]!;
    values[I.cushionMm] = withCushion
      ? -cushionLossMm(
          dutyFromOutputs(this.compiled, settings, o, 24).packingStrokeMm,
          adjustments.checkRingLeakageFraction,
        )
      : 0;
    values[I.partMassG] = o[OUT.partMassG]!;
    values[I.energyPerShotKWh] = o[OUT.energyPerShotKWh]!;
  }
}

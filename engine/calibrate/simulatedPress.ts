/**
 * A simulated press for tests and demos: the twin with hidden adjustments (the "real" press the engineer's twin
 * does not know), measurement noise on every reported output, and optionally check-ring wear that grows over the
 * cycles through the wear model's own leakage law. Deterministic: every noise draw is the counter-based
 * standardNormal(seed, stream, cycle, 0) of engine/sweep/random.ts, so a cycle's observation depends only on the
 * seed, the output and the cycle number, never on what was simulated before it.
 */

import { listComponents } from "../../twin-models/library/components.ts";
import type { Twin } from "../../twin-models/resolve.ts";
import type { ComponentCardOf } from "../../twin-models/schemas/component.ts";
import { type ProcessSettings, TwinAdjustments } from "../../twin-models/schemas/process.ts";
import { parse } from "../../twin-models/validate.ts";
import { MoldtwinError } from "../errors.ts";
import { checkSettings } from "../molding/simulateShot.ts";
import { standardNormal } from "../sweep/random.ts";
import { checkRingLeakage } from "../wear/archard.ts";
import type { ObservedCycle } from "./calibrate.ts";
import {
  DEFAULT_MEASUREMENT_SD,
  type MeasurementSd,
  OBSERVED_OUTPUTS,
  type ObservedOutput,
  OUTPUT_INDEX,
  ShotPredictor,
  sdOf,
} from "./observables.ts";

/** Random stream of the measurement noise (stream + output index). */
const NOISE_STREAM = 0x0ca1;

/**
 * Check-ring wear injected from `startCycle`: the ring-to-barrel clearance ratio grows linearly with cycles
 * (Archard: wear ∝ sliding under load, constant at a constant recipe) from 1 to the card's failure ratio in
 * `cyclesToFailure` cycles (an accelerated life: a real ring lasts millions of cycles), and past it at the same
 * rate; leakage follows engine/wear/archard.ts checkRingLeakage (slit flow ∝ clearance³).
 */
export interface CheckRingWearInjection {
  startCycle: number;
  cyclesToFailure: number;
  /** Library check-ring card (default "check-ring-…" of kind check-ring). */
  cardId?: string;
}

export interface SimulatedPressSpec {
  /** The twin as the engineer knows it (library cards, default adjustments). */
  twin: Twin;
  /** The press's true adjustments, hidden from calibration. */
  hidden?: Partial<TwinAdjustments>;
  seed: number;
  /** Measurement noise per output (default DEFAULT_MEASUREMENT_SD: the calibration's own noise model). */
  noise?: Partial<Record<ObservedOutput, MeasurementSd>>;
  /** Outputs the press reports (default all but peakHydraulicPressureMPa, which duplicates the specific pressure). */
  outputs?: readonly ObservedOutput[];
  /** Cushion the recipes leave with a tight check ring, mm (default 5). */
  cushionRefMm?: number;
  checkRingWear?: CheckRingWearInjection;
}

export interface SimulatedPress {
  readonly outputs: readonly ObservedOutput[];
  /** The true adjustments at a cycle (hidden offsets combined with the injected wear). */
  truthAt(cycle: number): TwinAdjustments;
  /** Noise-free outputs of the true press at a cycle. */
  expected(settings: ProcessSettings, cycle: number): Record<ObservedOutput, number>;
  /** One observed cycle (noisy), as calibration takes it. */
  observe(settings: ProcessSettings, cycle: number): ObservedCycle;
  /** Cycles `first` … `first + count − 1`, the settings of each from `plan(cycle)`. */
  run(plan: (cycle: number) => ProcessSettings, first: number, count: number): ObservedCycle[];
}

export const DEFAULT_SIMULATED_OUTPUTS: readonly ObservedOutput[] = OBSERVED_OUTPUTS.filter(
  (o) => o !== "peakHydraulicPressureMPa",
);

function checkRingCard(id?: string): ComponentCardOf<"check-ring"> {
  const cards = listComponents().filter((c): c is ComponentCardOf<"check-ring"> => c.kind === "check-ring");
  const card = id === undefined ? cards[0] : cards.find((c) => c.id === id);
  if (!card) {
    throw new MoldtwinError("TWIN_ERR_UNKNOWN_ID", `no check-ring card ${id}`, [
      { field: "checkRingWear.cardId", value: id, allowed: cards.map((c) => c.id).join(", ") },
    ]);
  }
  return card;
}

export function simulatedPress(spec: SimulatedPressSpec): SimulatedPress {
  const hidden = parse(TwinAdjustments, { ...spec.twin.adjustments, ...(spec.hidden ?? {}) }, "hidden");
  const predictor = new ShotPredictor(spec.twin);
  const outputs = spec.outputs ?? DEFAULT_SIMULATED_OUTPUTS;
  const cushionRefMm = spec.cushionRefMm ?? 5;
  const wear = spec.checkRingWear;
  if (!Number.isInteger(spec.seed)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `seed ${spec.seed}: an integer`, [
      { field: "seed", value: spec.seed, allowed: "an integer" },
    ]);
  }
  if (wear && !(Number.isFinite(wear.startCycle) && wear.cyclesToFailure > 0)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "check-ring wear: startCycle finite, cyclesToFailure > 0", [
      { field: "checkRingWear", value: wear, allowed: "startCycle a finite number, cyclesToFailure > 0" },
    ]);
  }
  const card = wear ? checkRingCard(wear.cardId) : undefined;
  const noise = { ...DEFAULT_MEASUREMENT_SD, ...(spec.noise ?? {}) };

  const truthAt = (cycle: number): TwinAdjustments => {
    if (!wear || !card || cycle < wear.startCycle) return hidden;
    const ratioFail = card.model.failureClearanceRatio;
    const ratio = 1 + ((ratioFail - 1) * (cycle - wear.startCycle)) / wear.cyclesToFailure;
    const worn = checkRingLeakage(ratio, ratioFail, card.model.leakageAtFailure);
    // Leak paths in series, as engine/molding/simulateShot.ts toInputs combines wear with the twin's own leakage.
    const leakage = Math.min(0.95, 1 - (1 - hidden.checkRingLeakageFraction) * (1 - worn));
    return { ...hidden, checkRingLeakageFraction: leakage };
  };

  const values = new Float64Array(OBSERVED_OUTPUTS.length);
  const expected = (settings: ProcessSettings, cycle: number): Record<ObservedOutput, number> => {
    checkSettings(spec.twin, settings);
    predictor.evaluate(settings, truthAt(cycle), values, true);
    const out = {} as Record<ObservedOutput, number>;
    for (const o of OBSERVED_OUTPUTS) {
      const v = values[OUTPUT_INDEX[o]]!;
      out[o] = o === "cushionMm" ? cushionRefMm + v : v;
    }
    return out;
  };

  const observe = (settings: ProcessSettings, cycle: number): ObservedCycle => {
    const e = expected(settings, cycle);
    const observed: Partial<Record<ObservedOutput, number>> = {};
    for (const o of outputs) {
      const z = standardNormal(spec.seed, NOISE_STREAM + OUTPUT_INDEX[o], cycle, 0);
      const v = e[o] + sdOf(noise[o], e[o]) * z;
      // A reading is never negative (a cushion bottoms out at 0).
      observed[o] = Math.max(0, v);
    }
    return { settings, observed, cushionRefMm, cycle };
  };

  return {
    outputs,
    truthAt,
    expected,
    observe,
    run: (plan, first, count) => Array.from({ length: count }, (_, i) => observe(plan(first + i), first + i)),
  };
}

/**
 * Gate-freeze (gate-seal) study (molding.md §1.4, "standard practice"; RJG / Bozzelli decoupled molding): weigh
 * the part at increasing hold times at fixed hold pressure; the weight rises while the gate is open and
 * plateaus once it seals. Set the hold time just past the plateau.
 *
 * Seal criterion (common practice: "part weight stops changing", typically within 0.1 % of the plateau weight):
 * the seal time is the first hold time after which the part mass changes by less than `sealThresholdPct`
 * (default 0.1 %) of the plateau mass, i.e. |m_plateau − m(t)| < threshold × m_plateau for this and every longer
 * hold; the plateau mass is the mass at the longest hold. Recommended hold time = seal time + margin (default
 * +10 %, or a stated number of seconds). The kernel's own gate-freeze time (one-term slab/cylinder solution to the
 * no-flow temperature, molding.md §2.4) is reported for comparison.
 */
import type { Twin } from "../../twin-models/resolve.ts";
import type { ProcessSettings } from "../../twin-models/schemas/process.ts";
import { simulateShot } from "../molding/simulateShot.ts";
import { assertFinite, checkNumber, fixed, round } from "./common.ts";

export interface GateSealOptions {
  /** Hold-time steps from 0 to maxHoldTimeS inclusive (default 25). */
  steps?: number;
  /** Longest hold, s (default 2.5 × the kernel's gate-freeze time). */
  maxHoldTimeS?: number;
  /** Plateau criterion, % of the plateau mass (default 0.1). */
  sealThresholdPct?: number;
  /** Margin over the seal time, % (default 10); ignored when marginS is given. */
  marginPct?: number;
  /** Margin over the seal time, s. */
  marginS?: number;
}

export const GATE_SEAL_DEFAULTS = { steps: 25, maxHoldFactor: 2.5, sealThresholdPct: 0.1, marginPct: 10 } as const;

export function gateSealStudy(twin: Twin, base: ProcessSettings, options: GateSealOptions = {}) {
  const steps = options.steps ?? GATE_SEAL_DEFAULTS.steps;
  const threshold = options.sealThresholdPct ?? GATE_SEAL_DEFAULTS.sealThresholdPct;
  const marginPct = options.marginPct ?? GATE_SEAL_DEFAULTS.marginPct;
  checkNumber("options.steps", steps, { integer: true, min: 3, max: 200 });
  checkNumber("options.sealThresholdPct", threshold, { exclusiveMin: 0, max: 10, unit: "%" });
  checkNumber("options.marginPct", marginPct, { min: 0, max: 200, unit: "%" });
  if (options.marginS !== undefined) checkNumber("options.marginS", options.marginS, { min: 0, max: 600, unit: "s" });

  const nominal = simulateShot(twin, base);
  const gateFreezeS = nominal.pack.gateFreezeTimeS;
  const maxHold = options.maxHoldTimeS ?? GATE_SEAL_DEFAULTS.maxHoldFactor * gateFreezeS;
  checkNumber("options.maxHoldTimeS", maxHold, { exclusiveMin: 0, max: 600, unit: "s" });

  const holds = Array.from({ length: steps }, (_, i) => (maxHold * i) / (steps - 1));
  const shots = holds.map((h) => simulateShot(twin, { ...base, holdTimeS: h }));
  const mass = shots.map((r) => r.pack.partMassG);
  const plateau = mass[mass.length - 1]!;
  const tol = (threshold / 100) * plateau;
  // First index from which every later mass stays within the tolerance of the plateau.
  let sealIndex = mass.length - 1;
  for (let i = mass.length - 1; i >= 0; i--) {
    if (Math.abs(plateau - mass[i]!) < tol) sealIndex = i;
    else break;
  }
  const sealS = holds[sealIndex]!;
  const marginS = options.marginS ?? (sealS * marginPct) / 100;
  const recommended = sealS + marginS;
  const gainPct = (100 * (plateau - mass[0]!)) / plateau;
  const reachedPlateau = sealIndex < mass.length - 1;
  const holdStepS = holds[1]! - holds[0]!;

  return assertFinite({
    study: "gate-seal" as const,
    source: "gate-freeze study: part weight vs hold time, plateau = gate seal (molding.md §1.4; RJG decoupled molding)",
    method: {
      sealThresholdPct: threshold,
      sealCriterion:
        "first hold time after which part mass stays within sealThresholdPct of the plateau (mass at the longest hold)",
      margin: options.marginS !== undefined ? `+${options.marginS} s` : `+${marginPct} % of the seal time`,
      holdPressureMPa: base.holdPressureMPa,
      ladder: `${steps} hold times from 0 to ${round(maxHold, 4)} s (step ${round(holdStepS, 4)} s)`,
    },
    points: holds.map((h, i) => ({
      holdTimeS: round(h, 6),
      partMassG: round(mass[i]!, 7),
      massChangeFromPreviousPct: i === 0 ? 0 : round((100 * (mass[i]! - mass[i - 1]!)) / plateau, 4),
      cavityPressureAtSealMPa: round(shots[i]!.pack.cavityPressureAtSealMPa, 5),
      volumetricShrinkagePct: round(shots[i]!.pack.volumetricShrinkagePct, 5),
    })),
    plateauPartMassG: round(plateau, 7),
    massGainOverStudyPct: round(gainPct, 5),
    reachedPlateau,
    sealTimeS: round(sealS, 6),
    holdStepS: round(holdStepS, 6),
    recommendedHoldTimeS: fixed(recommended, 3),
    kernel: {
      gateFreezeTimeS: round(gateFreezeS, 6),
      /** Natural seal: the earlier of gate and thinnest-part freeze. */
      sealTimeS: round(shots[shots.length - 1]!.pack.sealTimeS, 6),
      studyMinusKernelS: round(sealS - gateFreezeS, 5),
    },
    recommendation: {
      holdTimeS: fixed(recommended, 3),
      text: reachedPlateau
        ? `gate seals at ≈ ${round(sealS, 3)} s (mass within ${threshold} % of its plateau; kernel gate freeze ${round(gateFreezeS, 3)} s): hold ${fixed(recommended, 2)} s`
        : `no plateau within ${round(maxHold, 3)} s of hold: extend the study (maxHoldTimeS)`,
    },
  });
}

export type GateSealResult = ReturnType<typeof gateSealStudy>;

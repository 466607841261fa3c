/**
 * Calibration on a simulated press with hidden parameter offsets: Case A's press A01 (4-cavity clip, PP + 10 %
 * talc, 110 t all-electric). The twin the engineer has is the library twin (all adjustments 1, no leakage); the
 * press hides six offsets. A one-factor-at-a-time trial of 9 settings × 8 cycles (calibrationDesign) is observed
 * with the default measurement noise, then calibrated.
 *
 * Stated tolerances: every fitted parameter within 3 standard errors of its hidden value and within ±10 %
 * (viscosity, nozzle loss), ±5 % (heat transfer), ±3 % (drive efficiency), ±0.005 (leakage fraction), ±0.01
 * (screw output factor); the 95 % intervals cover the truth; a held-out setting's peak pressure within ±10 %.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/errorOf.ts";
import { resolveTwin } from "../../twin-models/resolve.ts";
import type { ProcessSettings, TwinAdjustments } from "../../twin-models/schemas/process.ts";
import { calibrate, predict, recalibrate } from "./calibrate.ts";
import { DEMO_HIDDEN } from "./demo.ts";
import { calibrationDesign } from "./design.ts";
import { simulatedPress } from "./simulatedPress.ts";

const plant = JSON.parse(readFileSync(new URL("../../seeds/case-a-automotive.json", import.meta.url), "utf8"));
const a01 = plant.cells[0].presses.find((p: { id: string }) => p.id === "a01");
const recipe: ProcessSettings = a01.settings;
const twin = resolveTwin({ material: a01.material, machine: a01.machine, mold: a01.mold });

/** The demo's hidden offsets (demo.ts). */
const HIDDEN: TwinAdjustments = DEMO_HIDDEN;
const TOLERANCE: Record<keyof TwinAdjustments, { relative?: number; absolute?: number }> = {
  viscosityFactor: { relative: 0.1 },
  heatTransferFactor: { relative: 0.05 },
  nozzleLossFactor: { relative: 0.1 },
  driveEfficiencyFactor: { relative: 0.03 },
  checkRingLeakageFraction: { absolute: 0.005 },
  screwOutputFactor: { absolute: 0.01 },
};
const PER_SETTING = 8;
const design = calibrationDesign(twin, recipe);
const trial = (seed: number) =>
  simulatedPress({ twin, hidden: HIDDEN, seed }).run((c) => design[Math.floor(c / PER_SETTING)]!, 0, 72);
/** A setting in none of the trial's cycles: hotter, faster, warmer mold and higher hold than any of them. */
const HELD_OUT: ProcessSettings = {
  ...recipe,
  meltTempC: 236,
  injectionTimeS: 1.0,
  moldTempC: 40,
  holdPressureMPa: 13,
};

describe("hidden offsets on Case A's clip press are recovered", () => {
  const cycles = trial(7);
  const fit = calibrate(twin, cycles);

  it("the trial has 9 distinct settings × 8 cycles and every parameter is identifiable from it", () => {
    expect(design).toHaveLength(9);
    expect(fit.cycles).toBe(72);
    expect(fit.distinctSettings).toBe(9);
    expect(fit.observations).toBe(72 * 7);
    expect(fit.fitted).toEqual([
      "viscosityFactor",
      "heatTransferFactor",
      "nozzleLossFactor",
      "driveEfficiencyFactor",
      "checkRingLeakageFraction",
      "screwOutputFactor",
    ]);
    expect(fit.held).toEqual([]);
    expect(fit.converged).toBe(true);
    expect(fit.reducedChiSquare).toBeGreaterThan(0.8);
    expect(fit.reducedChiSquare).toBeLessThan(1.2);
  });

  it("each parameter within 3 SE and its stated tolerance of the hidden value; the 95 % intervals cover it", () => {
    for (const name of fit.fitted) {
      const e = fit.estimates[name]!;
      const truth = HIDDEN[name];
      const tol = TOLERANCE[name];
      expect(Math.abs(e.value - truth)).toBeLessThan(3 * e.standardError);
      if (tol.relative) expect(Math.abs(e.value / truth - 1)).toBeLessThan(tol.relative);
      if (tol.absolute) expect(Math.abs(e.value - truth)).toBeLessThan(tol.absolute);
      expect(e.lower).toBeLessThan(truth);
      expect(e.upper).toBeGreaterThan(truth);
    }
    // The measured recovery (seed 7): fitted ± SE.
    expect(fit.estimates.viscosityFactor!.value).toBeCloseTo(1.169, 2);
    expect(fit.estimates.viscosityFactor!.standardError).toBeCloseTo(0.071, 2);
    expect(fit.estimates.heatTransferFactor!.value).toBeCloseTo(0.852, 2);
    expect(fit.estimates.checkRingLeakageFraction!.value).toBeCloseTo(0.0406, 3);
    expect(fit.estimates.screwOutputFactor!.value).toBeCloseTo(0.92, 2);
    // Viscosity and nozzle loss both move only the fill pressure: strongly, but not perfectly, correlated.
    expect(fit.correlation[0]![2]!).toBeLessThan(-0.95);
  });

  it("residuals per output look like the measurement noise", () => {
    for (const stats of Object.values(fit.outputs)) {
      expect(Math.abs(stats!.meanStandardized)).toBeLessThan(0.5);
      expect(stats!.rmsStandardized).toBeGreaterThan(0.6);
      expect(stats!.rmsStandardized).toBeLessThan(1.3);
    }
    expect(fit.outputs.peakInjectionPressureMPa!.n).toBe(72);
    expect(fit.outputs.peakInjectionPressureMPa!.unit).toBe("MPa");
  });

  it("predicts the held-out setting's peak pressure within ±10 % (the uncalibrated twin misses by > 10 %)", () => {
    const truth = simulatedPress({ twin, hidden: HIDDEN, seed: 7 }).expected(HELD_OUT, 0);
    const p = predict(fit, HELD_OUT, { cushionRefMm: 5 });
    const error = p.outputs.peakInjectionPressureMPa! / truth.peakInjectionPressureMPa - 1;
    expect(Math.abs(error)).toBeLessThan(0.1);
    expect(Math.abs(error)).toBeLessThan(0.01); // measured: −0.19 %
    expect(Math.abs(p.outputs.peakInjectionPressureMPa! - truth.peakInjectionPressureMPa)).toBeLessThan(
      3 * p.parameterSd.peakInjectionPressureMPa! + 0.01 * truth.peakInjectionPressureMPa,
    );
    expect(p.parameterSd.peakInjectionPressureMPa!).toBeGreaterThan(0);
    expect(p.measurementSd.peakInjectionPressureMPa!).toBeCloseTo(0.01 * p.outputs.peakInjectionPressureMPa!, 12);
    expect(Math.abs(p.outputs.cushionMm! - truth.cushionMm)).toBeLessThan(0.01);
    const uncalibrated = predict({ ...fit, adjustments: twin.adjustments, fitted: [], covariance: [] }, HELD_OUT);
    expect(
      Math.abs(uncalibrated.outputs.peakInjectionPressureMPa! / truth.peakInjectionPressureMPa - 1),
    ).toBeGreaterThan(0.1);
  });

  it("other seeds recover the offsets within 3 SE too", () => {
    for (const seed of [11, 23]) {
      const f = calibrate(twin, trial(seed));
      for (const name of f.fitted) {
        const e = f.estimates[name]!;
        expect(Math.abs(e.value - HIDDEN[name])).toBeLessThan(3 * e.standardError);
      }
    }
  });
});

describe("determinism", () => {
  it("same seed, same cycles and the same fit to the last bit; another seed differs", () => {
    const a = calibrate(twin, trial(5));
    const b = calibrate(twin, trial(5));
    expect(trial(5)).toEqual(trial(5));
    expect(b.adjustments).toEqual(a.adjustments);
    expect(b.estimates).toEqual(a.estimates);
    expect(b.covariance).toEqual(a.covariance);
    const c = calibrate(twin, trial(6));
    expect(c.adjustments.viscosityFactor).not.toBe(a.adjustments.viscosityFactor);
  });
});

describe("what one production recipe can and cannot identify", () => {
  const press = simulatedPress({ twin, hidden: HIDDEN, seed: 3 });
  const production = press.run(() => recipe, 100, 40);

  it('"auto" fits what the cycles determine and holds the rest, saying why', () => {
    const fit = calibrate(twin, production);
    expect(fit.fitted).toEqual([
      "viscosityFactor",
      "driveEfficiencyFactor",
      "checkRingLeakageFraction",
      "screwOutputFactor",
    ]);
    expect(fit.held.map((h) => h.parameter)).toEqual(["heatTransferFactor", "nozzleLossFactor"]);
    expect(fit.held[0]!.reason).toContain("confounded with viscosityFactor");
    expect(fit.held[0]!.value).toBe(1);
  });

  it('"auto" with only peak pressure observed fits viscosity alone; the others have no output to move', () => {
    const onlyPeak = production.map((c) => ({
      ...c,
      observed: { peakInjectionPressureMPa: c.observed.peakInjectionPressureMPa! },
    }));
    const fit = calibrate(twin, onlyPeak);
    expect(fit.fitted).toEqual(["viscosityFactor"]);
    const reasons = Object.fromEntries(fit.held.map((h) => [h.parameter, h.reason]));
    expect(reasons.driveEfficiencyFactor).toContain("no observed output depends on it");
    expect(reasons.checkRingLeakageFraction).toContain("it moves cushion, part mass");
  });

  it("an explicit list that the cycles cannot separate is refused, naming the parameters and observations", () => {
    const onlyPeak = production.map((c) => ({
      ...c,
      observed: { peakInjectionPressureMPa: c.observed.peakInjectionPressureMPa! },
    }));
    const confounded = errorOf(() =>
      calibrate(twin, onlyPeak, { parameters: ["viscosityFactor", "nozzleLossFactor"] }),
    );
    expect(confounded.code).toBe("FIT_ERR_INSUFFICIENT_DATA");
    expect(confounded.details.map((d) => d.field)).toEqual([
      "parameters.viscosityFactor",
      "parameters.nozzleLossFactor",
    ]);
    expect(confounded.message).toContain("peakInjectionPressureMPa × 40");
    const unmoved = errorOf(() =>
      calibrate(twin, onlyPeak, { parameters: ["viscosityFactor", "driveEfficiencyFactor"] }),
    );
    expect(unmoved.code).toBe("FIT_ERR_INSUFFICIENT_DATA");
    expect(unmoved.details.map((d) => d.field)).toEqual(["parameters.driveEfficiencyFactor"]);
  });

  it("recalibrate on a production window starts from the previous fit and refits the wear knobs", () => {
    const first = calibrate(twin, trial(7));
    const worn = simulatedPress({ twin, hidden: { ...HIDDEN, checkRingLeakageFraction: 0.1 }, seed: 9 });
    const window = worn.run(() => recipe, 500, 50);
    const again = recalibrate(window, first);
    expect(again.fitted).toContain("checkRingLeakageFraction");
    expect(again.held.map((h) => h.parameter)).toEqual(["heatTransferFactor", "nozzleLossFactor"]);
    expect(again.adjustments.heatTransferFactor).toBe(first.adjustments.heatTransferFactor);
    expect(again.adjustments.checkRingLeakageFraction).toBeCloseTo(0.1, 2);
    expect(again.firstCycle).toBe(500);
    expect(again.lastCycle).toBe(549);
  });
});

describe("bad input gets coded errors naming the field", () => {
  const cycles = trial(7).slice(0, 10);

  it("too few cycles", () => {
    const e = errorOf(() => calibrate(twin, cycles.slice(0, 2)));
    expect(e.code).toBe("FIT_ERR_INSUFFICIENT_DATA");
    expect(e.details[0]).toMatchObject({ field: "cycles", value: 2 });
  });

  it("an unknown output name, a negative reading, a cushion without its reference", () => {
    const bad = cycles.map((c) => ({ ...c }));
    bad[1] = { ...bad[1]!, observed: { ...bad[1]!.observed, peakPressure: 20 } as never };
    bad[2] = { ...bad[2]!, observed: { partMassG: -1 } };
    bad[3] = { settings: bad[3]!.settings, observed: { cushionMm: 4.9 } };
    const e = errorOf(() => calibrate(twin, bad));
    expect(e.code).toBe("TWIN_ERR_VALIDATION");
    expect(e.details.map((d) => d.field)).toEqual([
      "cycles[1].observed.peakPressure",
      "cycles[2].observed.partMassG",
      "cycles[3].cushionRefMm",
    ]);
    expect(e.details[0]!.allowed).toContain("peakInjectionPressureMPa");
  });

  it("settings the twin refuses, and an unknown parameter name", () => {
    const hot = cycles.map((c, i) => (i === 4 ? { ...c, settings: { ...c.settings, meltTempC: 300 } } : c));
    const e = errorOf(() => calibrate(twin, hot));
    expect(e.code).toBe("TWIN_ERR_VALIDATION");
    expect(e.details[0]!.field).toBe("cycles[4].settings.meltTempC");
    const p = errorOf(() => calibrate(twin, cycles, { parameters: ["viscosity" as never] }));
    expect(p.code).toBe("TWIN_ERR_VALIDATION");
    expect(p.details[0]).toMatchObject({ field: "parameters", value: "viscosity" });
  });
});

import { describe, expect, it } from "vitest";
import { resolveTwin, type Twin } from "../../twin-models/resolve.ts";
import type { Mold } from "../../twin-models/schemas/mold.ts";
import { simulateShot } from "../molding/simulateShot.ts";
import { starterSettings } from "../molding/starterSettings.ts";
import { cavityBalanceStudy, gateSealStudy, pressureDropStudy, viscosityCurveStudy } from "./index.ts";

const clip = resolveTwin({ material: "pp-isofil-hk10-tvhm", machine: "e110-all-electric", mold: "clip-4cav-auto" });
const cap = resolveTwin({ material: "ps-styron-678e", machine: "e110-all-electric", mold: "medical-cap-8cav" });
const clipSettings = starterSettings(clip);
const capSettings = starterSettings(cap);

/** Every number in a result is finite (NaN/Infinity would turn into null in JSON). */
const noNonFinite = (v: unknown): void => {
  if (typeof v === "number") expect(Number.isFinite(v)).toBe(true);
  else if (v && typeof v === "object") for (const x of Object.values(v)) noNonFinite(x);
};

describe("viscosity curve (in-press rheology)", () => {
  for (const [name, twin, s] of [
    ["clip", clip, clipSettings],
    ["cap", cap, capSettings],
  ] as const) {
    it(`${name}: shear thinning, respects the press's rate, recommends the slow end of the flat region`, () => {
      const r = viscosityCurveStudy(twin, s);
      expect(r.steps).toHaveLength(12);
      const usable = r.steps.filter((p) => p.usable);
      // Rising relative shear rate (faster fills) → falling relative viscosity over the usable steps.
      for (let i = 1; i < usable.length; i++) {
        expect(usable[i]!.relativeShearRate1s).toBeGreaterThan(usable[i - 1]!.relativeShearRate1s);
        expect(usable[i]!.relativeViscosityMPaS).toBeLessThan(usable[i - 1]!.relativeViscosityMPaS);
      }
      // η_rel = P_specific × t_fill and γ̇_rel = 1/t_fill.
      for (const p of r.steps) {
        expect(p.relativeViscosityMPaS).toBeCloseTo(p.peakInjectionPressureMPa * p.fillTimeS, 2);
        expect(p.injectionRateLimited).toBe(false);
      }
      expect(Math.max(...usable.map((p) => p.normalizedViscosityPct))).toBe(100);
      const rec = r.recommendation;
      expect(rec.injectionTimeS).not.toBeNull();
      const step = r.steps.find((p) => p.injectionTimeS === rec.injectionTimeS)!;
      expect(step.inFlatRegion && step.usable).toBe(true);
      // It is the slowest flat step; the next-slower step is outside the flat region.
      const flat = r.steps.filter((p) => p.inFlatRegion);
      expect(Math.max(...flat.map((p) => p.injectionTimeS))).toBe(rec.injectionTimeS);
      for (const p of flat) if (p !== flat[flat.length - 1]) expect(p.changeToFasterPct).toBeLessThan(5);
      const slower = r.steps[r.steps.indexOf(step) - 1];
      if (slower?.usable) expect(slower.changeToFasterPct).toBeGreaterThanOrEqual(5);
      noNonFinite(r);
    });
  }

  it("flags and excludes steps that short-shoot or exceed the press's pressure", () => {
    const r = viscosityCurveStudy(clip, clipSettings, { slowestInjectionTimeS: 6 });
    const bad = r.steps.filter((p) => !p.usable);
    expect(bad.length).toBeGreaterThan(0);
    for (const p of bad) {
      expect(p.inFlatRegion).toBe(false);
      expect(p.shortShotMargin <= 0 || p.pressureLimited).toBe(true);
    }
  });

  it("a looser threshold widens the flat region toward slower fills", () => {
    const tight = viscosityCurveStudy(clip, clipSettings, { flatThresholdPct: 2 });
    const loose = viscosityCurveStudy(clip, clipSettings, { flatThresholdPct: 10 });
    expect(loose.recommendation.injectionTimeS!).toBeGreaterThan(tight.recommendation.injectionTimeS!);
  });

  it("rejects a bad option with a coded error naming it", () => {
    expect(() => viscosityCurveStudy(clip, clipSettings, { flatThresholdPct: -1 })).toThrow(/flatThresholdPct/);
    expect(() => viscosityCurveStudy(clip, clipSettings, { fastestInjectionTimeS: 0.001 })).toThrow(
      /fastestInjectionTimeS/,
    );
  });
});

describe("gate-seal study", () => {
  it("mass rises while the gate is open, is flat after the kernel's gate freeze; seal near it", () => {
    const r = gateSealStudy(clip, clipSettings);
    const tf = r.kernel.gateFreezeTimeS;
    expect(r.points).toHaveLength(25);
    expect(r.points[r.points.length - 1]!.holdTimeS).toBeCloseTo(2.5 * tf, 4);
    for (let i = 1; i < r.points.length; i++) {
      const [a, b] = [r.points[i - 1]!, r.points[i]!];
      if (b.holdTimeS <= tf) expect(b.partMassG).toBeGreaterThan(a.partMassG);
      if (a.holdTimeS >= tf) expect(b.partMassG).toBe(a.partMassG);
    }
    // Linear rise of total gain G up to t_f: the 0.1 % plateau criterion fires at t_f·(1 − 0.1/G), one step later
    // at most, never after the first step past t_f.
    const expected = tf * (1 - 0.1 / r.massGainOverStudyPct);
    expect(r.sealTimeS).toBeGreaterThanOrEqual(expected - 1e-9);
    expect(r.sealTimeS).toBeLessThan(expected + r.holdStepS + 1e-9);
    expect(r.sealTimeS).toBeLessThanOrEqual(tf + r.holdStepS);
    expect(r.recommendedHoldTimeS).toBeCloseTo(1.1 * r.sealTimeS, 3);
    noNonFinite(r);
  });

  it("with a clear mass gain (high hold pressure) the seal is within one hold step of the kernel's gate freeze", () => {
    for (const [twin, s] of [
      [clip, { ...clipSettings, holdPressureMPa: 60 }],
      [cap, { ...capSettings, holdPressureMPa: 80 }],
    ] as const) {
      const r = gateSealStudy(twin, s);
      expect(r.massGainOverStudyPct).toBeGreaterThan(1);
      expect(Math.abs(r.sealTimeS - r.kernel.gateFreezeTimeS)).toBeLessThanOrEqual(r.holdStepS + 1e-9);
      expect(r.reachedPlateau).toBe(true);
    }
  });

  it("a margin in seconds replaces the percentage", () => {
    const r = gateSealStudy(clip, clipSettings, { marginS: 0.5 });
    expect(r.recommendedHoldTimeS).toBeCloseTo(r.sealTimeS + 0.5, 3);
  });
});

describe("pressure-drop study", () => {
  it("segment drops sum to the peak pressure; verdict against max × usable fraction", () => {
    for (const [twin, s] of [
      [clip, clipSettings],
      [cap, capSettings],
    ] as const) {
      const r = pressureDropStudy(twin, s);
      const a = r.atSettings;
      const sum = a.segments.reduce((x, g) => x + g.pressureDropMPa, 0);
      expect(Math.abs(sum - a.peakInjectionPressureMPa) / a.peakInjectionPressureMPa).toBeLessThan(1e-4);
      expect(a.segments[3]!.cumulativeMPa).toBeCloseTo(a.peakInjectionPressureMPa, 3);
      expect(a.segments.reduce((x, g) => x + g.sharePct, 0)).toBeCloseTo(100, 1);
      expect(a.availablePressureMPa).toBeCloseTo(
        twin.machine.maxInjectionPressureMPa * twin.machine.usablePressureFraction,
        6,
      );
      expect(a.verdict).toBe("not pressure-limited");
      expect(a.headroomPct).toBeCloseTo(100 * (1 - a.peakInjectionPressureMPa / a.availablePressureMPa), 1);
      expect(r.acrossInjectionTimes.length).toBeGreaterThanOrEqual(2);
    }
  });

  it("a press with too little pressure is pressure-limited, with negative headroom", () => {
    const weak: Twin = { ...clip, machine: { ...clip.machine, maxInjectionPressureMPa: 18 } };
    const r = pressureDropStudy(weak, { ...clipSettings, holdPressureMPa: 10 });
    expect(r.atSettings.verdict).toBe("pressure-limited");
    expect(r.atSettings.headroomPct).toBeLessThan(0);
    const shot = simulateShot(weak, { ...clipSettings, holdPressureMPa: 10 });
    expect(shot.defects.shortShot.margin).toBeLessThanOrEqual(0);
  });
});

describe("cavity balance", () => {
  it("library molds as built: identical branches → exactly 0 % imbalance", () => {
    for (const [twin, s] of [
      [clip, clipSettings],
      [cap, capSettings],
    ] as const) {
      const r = cavityBalanceStudy(twin, s);
      expect(r.geometricallyBalanced).toBe(true);
      for (const run of r.runs) {
        expect(run.imbalancePct).toBe(0);
        for (const c of run.cavities) expect(c.flowSharePct).toBeCloseTo(100 / twin.mold.cavities, 10);
      }
    }
  });

  it("a longer runner makes that cavity fill last; imbalance changes with speed", () => {
    const r = cavityBalanceStudy(clip, clipSettings, { runnerExtraMm: [0, 0, 0, 15] });
    for (const run of r.runs) {
      expect(run.converged).toBe(true);
      const fills = run.cavities.map((c) => c.fillPctWhenFirstFull);
      expect(Math.min(...fills)).toBe(fills[3]);
      expect(run.lastCavity).toBe(4);
      expect(run.cavities[3]!.flowSharePct).toBeLessThan(run.cavities[0]!.flowSharePct);
      expect(run.imbalancePct).toBeGreaterThan(0);
      // Every cavity sees the same pressure drop from the sprue entrance (converged split).
    }
    const imb = r.runs.map((x) => x.imbalancePct);
    expect(new Set(imb).size).toBeGreaterThan(1);
  });

  it("a hotter cavity takes more flow", () => {
    const r = cavityBalanceStudy(cap, capSettings, { moldTempOffsetC: [0, 0, 0, 0, 0, 0, 0, 5] });
    const run = r.runs[0]!;
    expect(run.cavities[7]!.flowSharePct).toBeGreaterThan(run.cavities[0]!.flowSharePct);
    expect(run.firstFullCavity).toBe(8);
  });

  it("Newtonian sanity check: with parallel branches the split follows 1/resistance", () => {
    const mold: Mold = {
      ...clip.mold,
      id: "parallel-4cav-test",
      flowPath: [
        { kind: "tube", name: "sprue", lengthMm: 60, diameterMm: 5, heated: false, branches: 1 },
        { kind: "tube", name: "runner", lengthMm: 30, diameterMm: 4, heated: false, branches: 4 },
        { kind: "gate", name: "gate", shape: "rect", lengthMm: 1, widthMm: 2.5, thicknessMm: 1, branches: 4 },
        { kind: "strip", name: "part", lengthMm: 45, widthMm: 34, thicknessMm: 1.8, branches: 4 },
      ],
    };
    const twin: Twin = { ...clip, mold };
    const extra = [0, 10, 20, 40];
    const r = cavityBalanceStudy(twin, clipSettings, { runnerExtraMm: extra, rheology: "newtonian" });
    // Geometric Newtonian resistances (μ cancels): 8L/(πR⁴) tube, 12L/(W·H³) strip, SI.
    const R = 0.002;
    const resistance = extra.map(
      (x) =>
        (8 * (0.03 + x / 1000)) / (Math.PI * R ** 4) +
        (12 * 0.001) / (0.0025 * 0.001 ** 3) +
        (12 * 0.045) / (0.034 * 0.0018 ** 3),
    );
    const inv = resistance.map((x) => 1 / x);
    const total = inv.reduce((a, b) => a + b, 0);
    for (const run of r.runs) {
      expect(run.converged).toBe(true);
      run.cavities.forEach((c, k) => {
        expect(c.flowSharePct).toBeCloseTo((100 * inv[k]!) / total, 5);
      });
    }
  });

  it("rejects per-cavity lists of the wrong length or non-finite values, naming the option", () => {
    expect(() => cavityBalanceStudy(clip, clipSettings, { runnerExtraMm: [0, 0, 15] })).toThrow(/runnerExtraMm/);
    expect(() => cavityBalanceStudy(clip, clipSettings, { moldTempOffsetC: [0, 0, Number.NaN, 0] })).toThrow(
      /moldTempOffsetC\[2\]/,
    );
  });
});

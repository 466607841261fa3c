/**
 * Drift detection: the textbook charts first (Montgomery, *Introduction to Statistical Quality Control*, Table 9.1
 * data: 20 observations from N(10, 1), then 10 after the mean moved to 11), then the acceptance test on
 * Case A's clip press A01: check-ring wear injected at cycle 300 must raise an alert before the part mass leaves
 * its tolerance.
 *
 * Part-mass tolerance (stated): ±0.1 % of the nominal (as-calibrated, noise-free) mass, ±2.6 mg on the 2.586 g
 * clip. A ±0.5 % band is never left by check-ring wear in this twin: the mass locked at seal moves with the
 * cavity pressure through the Tait specific volume at the no-flow temperature, −0.05 % per 10 % of hold pressure
 * lost on this part, so even 60 % leakage costs only ≈ 0.3 %. The cushion is the early signal (the wear model's
 * own signature): 10 % leakage takes ≈ 0.28 mm of it, ≈ 9 sd of a cushion reading.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/errorOf.ts";
import { resolveTwin } from "../../twin-models/resolve.ts";
import type { ProcessSettings, TwinAdjustments } from "../../twin-models/schemas/process.ts";
import { calibrate } from "./calibrate.ts";
import { DEMO_HIDDEN } from "./demo.ts";
import { calibrationDesign } from "./design.ts";
import { cusumArl, DriftMonitor, ewmaChart, monitorPress, tabularCusum } from "./drift.ts";
import { simulatedPress } from "./simulatedPress.ts";

const TABLE_9_1 = [
  9.45, 7.99, 9.29, 11.66, 12.16, 10.18, 8.04, 11.46, 9.2, 10.34, 9.03, 11.47, 10.51, 9.4, 10.08, 9.37, 10.62, 10.31,
  8.52, 10.84, 10.9, 9.33, 12.29, 11.5, 10.6, 11.08, 10.38, 11.62, 11.31, 10.52,
];

describe("textbook charts (Montgomery Table 9.1, μ0 = 10, σ = 1)", () => {
  it("tabular CUSUM, k = 0.5, h = 5: Montgomery's upper sums, the signal at period 29, μ̂ = 11.25", () => {
    const c = tabularCusum(TABLE_9_1, 10, 1, 0.5, 5);
    // C⁺ as tabulated for periods 1–29.
    const printed = [
      0, 0, 0, 1.16, 2.82, 2.5, 0.04, 1.0, 0, 0, 0, 0.97, 0.98, 0, 0, 0, 0.12, 0, 0, 0.34, 0.74, 0, 1.79, 2.79, 2.89,
      3.47, 3.35, 4.47, 5.28,
    ];
    for (const [i, v] of printed.entries()) expect(c.upper[i]).toBeCloseTo(v, 10);
    expect(c.alarms).toHaveLength(1);
    expect(c.alarms[0]).toMatchObject({ index: 28, direction: "up", run: 7 });
    // μ̂ = μ0 + K + C⁺/N⁺ = 10 + 0.5 + 5.28/7.
    expect(c.alarms[0]!.estimatedMean).toBeCloseTo(11.25, 2);
    expect(Math.max(...c.lower)).toBeLessThan(5);
  });

  it("EWMA, λ = 0.1, L = 2.7: the recursion and exact limits by hand; signals at period 29 like the CUSUM", () => {
    const e = ewmaChart(TABLE_9_1, 10, 1, 0.1, 2.7);
    // z₁ = 0.1·9.45 + 0.9·10, UCL₁ = 10 + 2.7·√(0.1/1.9·(1 − 0.9²)) = 10.27; z₂ = 0.1·7.99 + 0.9·9.945.
    expect(e.ewma[0]).toBeCloseTo(9.945, 12);
    expect(e.ucl[0]).toBeCloseTo(10.27, 12);
    expect(e.ewma[1]).toBeCloseTo(9.7495, 12);
    // The limits approach 10 ± 2.7·√(0.1/1.9) = 10 ± 0.6194 from inside.
    expect(e.ucl[29]).toBeCloseTo(10.6189, 4);
    expect(e.ucl[29]).toBeLessThan(10 + 2.7 * Math.sqrt(0.1 / 1.9));
    expect(e.alarms).toEqual([{ index: 28, direction: "up", statistic: e.ewma[28], estimatedMean: e.ewma[28] }]);
  });

  it("Siegmund's ARL: 938 one-sided at h = 5 (two-sided ≈ 469; Montgomery's exact 465); the defaults' 1.4·10⁵", () => {
    expect(cusumArl(0.5, 5, 0)).toBeCloseTo(938.2, 1);
    expect(cusumArl(0.5, 5, 0) / 2).toBeCloseTo(469, 0);
    expect(cusumArl(0.5, 5, 1)).toBeCloseTo(10.34, 2);
    expect(cusumArl(0.5, 10, 0)).toBeCloseTo(141347, -1);
    expect(cusumArl(0.5, 10, 1)).toBeCloseTo(20.33, 2);
  });
});

// ---- The press: A01 with hidden offsets, calibrated on a 72-cycle trial, then production at its recipe ----
const plant = JSON.parse(readFileSync(new URL("../../seeds/case-a-automotive.json", import.meta.url), "utf8"));
const a01 = plant.cells[0].presses.find((p: { id: string }) => p.id === "a01");
const recipe: ProcessSettings = a01.settings;
const twin = resolveTwin({ material: a01.material, machine: a01.machine, mold: a01.mold });
/** The demo's hidden offsets (demo.ts). */
const HIDDEN: TwinAdjustments = DEMO_HIDDEN;
const design = calibrationDesign(twin, recipe);
const WEAR_START = 300;
const MASS_TOLERANCE = 0.001;
const press = simulatedPress({
  twin,
  hidden: HIDDEN,
  seed: 7,
  checkRingWear: { startCycle: WEAR_START, cyclesToFailure: 1000 },
});
const trial = press.run((c) => design[Math.floor(c / 8)]!, 0, 72);
const initial = calibrate(twin, trial);
const production = press.run(() => recipe, 72, 1528);

/** First cycle whose true (noise-free) part mass is outside ±0.1 % of the nominal. */
function toleranceExit(): number {
  const nominal = press.expected(recipe, 0).partMassG;
  for (let c = 0; c < 5000; c++) {
    if (Math.abs(press.expected(recipe, c).partMassG / nominal - 1) > MASS_TOLERANCE) return c;
  }
  return -1;
}

describe("check-ring wear injected at cycle 300 on A01", () => {
  const exit = toleranceExit();

  it("the part mass leaves ±0.1 % at cycle 1485, with 24 % of the hold pressure leaking", () => {
    expect(exit).toBe(1485);
    expect(press.truthAt(exit).checkRingLeakageFraction).toBeCloseTo(0.241, 3);
    expect(press.truthAt(WEAR_START - 1).checkRingLeakageFraction).toBe(0.04);
  });

  it("CUSUM alerts on the cushion at cycle 448, > 1000 cycles before the mass leaves tolerance", () => {
    const r = monitorPress(initial, production, { window: 50 });
    const first = r.alerts[0]!;
    expect(first).toMatchObject({ cycle: 448, output: "cushionMm", direction: "down", method: "cusum", since: 420 });
    expect(first.cycle).toBeGreaterThan(WEAR_START);
    expect(first.cycle).toBeLessThan(exit);
    expect(exit - first.cycle).toBeGreaterThan(1000);
    // Estimated shift ≈ −0.85σ ≈ −0.026 mm of cushion; the true mass is then still 0.004 % from nominal.
    expect(first.shiftSigma).toBeCloseTo(-0.85, 1);
    expect(first.shift).toBeCloseTo(-0.0256, 3);
    const nominal = press.expected(recipe, 0).partMassG;
    expect(Math.abs(press.expected(recipe, first.cycle).partMassG / nominal - 1)).toBeLessThan(0.0001);
    // No alert before the wear starts.
    expect(r.alerts.every((a) => a.cycle > WEAR_START)).toBe(true);
    // Each alert recalibrates on the last 50 cycles; the fitted leakage tracks the true one.
    expect(r.recalibrations.length).toBe(r.alerts.length);
    for (const { cycle, calibration } of r.recalibrations.slice(0, 8)) {
      expect(calibration.cycles).toBe(50);
      expect(calibration.lastCycle).toBe(cycle);
      expect(calibration.adjustments.checkRingLeakageFraction).toBeGreaterThan(
        press.truthAt(cycle - 50).checkRingLeakageFraction - 0.005,
      );
      expect(calibration.adjustments.checkRingLeakageFraction).toBeLessThan(
        press.truthAt(cycle).checkRingLeakageFraction + 0.005,
      );
    }
    expect(r.final.adjustments.checkRingLeakageFraction).toBeGreaterThan(0.2);
  });

  it("EWMA (λ = 0.2, L = 4.3) alerts at cycle 532, also long before the tolerance exit", () => {
    const r = monitorPress(initial, production.slice(0, 700), { drift: { method: "ewma" } });
    expect(r.alerts[0]).toMatchObject({ cycle: 532, output: "cushionMm", direction: "down", method: "ewma" });
    expect(r.alerts[0]!.cycle).toBeLessThan(exit);
  });

  it("without wear the same press runs 1528 production cycles with no alert (either chart)", () => {
    const steady = simulatedPress({ twin, hidden: HIDDEN, seed: 7 }).run(() => recipe, 72, 1528);
    expect(monitorPress(initial, steady).alerts).toEqual([]);
    expect(monitorPress(initial, steady, { drift: { method: "ewma" } }).alerts).toEqual([]);
  });
});

describe("DriftMonitor", () => {
  it("alerts once per output and side until reset, then starts over", () => {
    const m = new DriftMonitor(initial, { outputs: ["cushionMm"] });
    const shifted = production.slice(0, 40).map((c) => ({
      ...c,
      observed: { ...c.observed, cushionMm: c.observed.cushionMm! - 0.1 },
    }));
    const alerts = shifted.flatMap((c) => m.update(c));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.output).toBe("cushionMm");
    // 0.1 mm ≈ 3.3σ below: C⁻ grows ≈ 2.8σ a cycle past k, so it crosses h = 10σ on the 3rd or 4th cycle.
    expect(alerts[0]!.cycle).toBe(74);
    expect(m.statistics().cushionMm!.lower).toBeGreaterThan(10);
    m.reset();
    expect(m.statistics()).toEqual({});
    expect(shifted.slice(0, 4).flatMap((c) => m.update(c))).toHaveLength(1);
  });

  it("refuses bad options with the field named", () => {
    const e = errorOf(() => new DriftMonitor(initial, { h: 0, outputs: ["mass" as never] }));
    expect(e.code).toBe("TWIN_ERR_VALIDATION");
    expect(e.details.map((d) => d.field)).toEqual(["h", "outputs"]);
    const w = errorOf(() => monitorPress(initial, production, { window: 2 }));
    expect(w.details[0]!.field).toBe("window");
  });
});

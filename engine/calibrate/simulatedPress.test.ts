/**
 * The simulated press: counter-based noise (a cycle's reading depends on seed, output and cycle only), the noise
 * level it claims, hidden offsets and the injected check-ring wear through the wear model's leakage law.
 */
import { describe, expect, it } from "vitest";
import { errorOf } from "../../test/errorOf.ts";
import { listComponents } from "../../twin-models/library/components.ts";
import { resolveTwin } from "../../twin-models/resolve.ts";
import type { ProcessSettings } from "../../twin-models/schemas/process.ts";
import { checkRingLeakage } from "../wear/archard.ts";
import { calibrationDesign } from "./design.ts";
import { simulatedPress } from "./simulatedPress.ts";

const twin = resolveTwin({ material: "pp-isofil-hk10-tvhm", machine: "e110-all-electric", mold: "clip-4cav-auto" });
const recipe: ProcessSettings = {
  meltTempC: 228,
  moldTempC: 35,
  injectionTimeS: 1.4,
  vpSwitchoverPct: 98,
  holdPressureMPa: 11.9,
  holdTimeS: 1,
  coolingTimeS: 2.3,
  backPressureMPa: 5,
  screwSpeedRpm: 100,
};

describe("simulatedPress", () => {
  it("a cycle's observation depends only on the seed and the cycle number", () => {
    const press = simulatedPress({ twin, hidden: { viscosityFactor: 1.2 }, seed: 4 });
    const run = press.run(() => recipe, 100, 20);
    expect(press.observe(recipe, 110)).toEqual(run[10]);
    expect(simulatedPress({ twin, seed: 5 }).observe(recipe, 110)).not.toEqual(run[10]);
    expect(Object.keys(run[0]!.observed)).not.toContain("peakHydraulicPressureMPa");
    expect(run[0]!.cushionRefMm).toBe(5);
  });

  it("noise has the declared sd: 1 % of peak pressure, 0.03 mm of cushion (2000 cycles, within 5 %)", () => {
    const press = simulatedPress({ twin, seed: 9 });
    const truth = press.expected(recipe, 0);
    const cycles = press.run(() => recipe, 0, 2000);
    const sd = (k: "peakInjectionPressureMPa" | "cushionMm"): number =>
      Math.sqrt(cycles.reduce((s, c) => s + (c.observed[k]! - truth[k]) ** 2, 0) / cycles.length);
    expect(sd("peakInjectionPressureMPa") / (0.01 * truth.peakInjectionPressureMPa)).toBeCloseTo(1, 1);
    expect(sd("cushionMm") / 0.03).toBeCloseTo(1, 1);
    expect(truth.cushionMm).toBe(5);
  });

  it("hidden offsets move the true outputs; injected wear follows checkRingLeakage of the library card", () => {
    const card = listComponents().find((c) => c.kind === "check-ring")!;
    const model = card.model as { failureClearanceRatio: number; leakageAtFailure: number };
    const press = simulatedPress({
      twin,
      hidden: { checkRingLeakageFraction: 0.04, viscosityFactor: 1.3 },
      seed: 1,
      checkRingWear: { startCycle: 100, cyclesToFailure: 1000 },
    });
    const plain = simulatedPress({ twin, seed: 1 });
    expect(press.expected(recipe, 0).peakInjectionPressureMPa).toBeGreaterThan(
      plain.expected(recipe, 0).peakInjectionPressureMPa,
    );
    expect(press.truthAt(99).checkRingLeakageFraction).toBe(0.04);
    // At the failure clearance (cycle 1100) the worn ring leaks leakageAtFailure (15 %), in series with the 4 %.
    const worn = checkRingLeakage(model.failureClearanceRatio, model.failureClearanceRatio, model.leakageAtFailure);
    expect(worn).toBeCloseTo(0.15, 12);
    expect(press.truthAt(1100).checkRingLeakageFraction).toBeCloseTo(1 - 0.96 * 0.85, 12);
    expect(press.expected(recipe, 1100).cushionMm).toBeLessThan(press.expected(recipe, 0).cushionMm - 0.3);
    expect(press.expected(recipe, 1100).partMassG).toBeLessThan(press.expected(recipe, 0).partMassG);
  });

  it("the trial design moves one factor at a time and drops what the twin refuses", () => {
    const design = calibrationDesign(twin, recipe);
    expect(design[0]).toEqual(recipe);
    expect(design.map((s) => s.injectionTimeS)).toContain(0.7);
    const hot = calibrationDesign(twin, { ...recipe, meltTempC: 280 });
    expect(hot.every((s) => s.meltTempC <= twin.material.maxMeltTempC)).toBe(true);
    const e = errorOf(() => simulatedPress({ twin, seed: 1.5 }));
    expect(e.details[0]!.field).toBe("seed");
  });
});

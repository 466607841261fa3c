/**
 * Wear feedback into the shot twin: screwOutputFactor slows recovery (and the cycle once recovery outlasts
 * cooling), a worn check ring loses hold pressure (lighter parts, more shrinkage), and a twin with a `wear` age
 * gets both through the one path every shot, sweep and window takes (toInputs).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resolveTwin } from "../../twin-models/resolve.ts";
import { ShotScenario } from "../../twin-models/schemas/scenario.ts";
import { parse } from "../../twin-models/validate.ts";
import { MoldtwinError } from "../errors.ts";
import { simulateShotInto } from "../molding/kernel.ts";
import { IN, OUT, OUTPUT_SIZE } from "../molding/layout.ts";
import { compiledTwin, simulateShot, toInputs } from "../molding/simulateShot.ts";
import { DAYS_PER_MONTH } from "../units.ts";
import { componentsFor, wornAdjustments } from "./component.ts";
import { dutyOf } from "./duty.ts";

const scenario = (name: string): ShotScenario =>
  parse(ShotScenario, JSON.parse(readFileSync(new URL(`../../scenarios/${name}.json`, import.meta.url), "utf8")), name);

describe("screwOutputFactor in the kernel", () => {
  const twin = resolveTwin({ material: "pp-isofil-hk10-tvhm", machine: "e110-all-electric", mold: "clip-4cav-auto" });
  const settings = scenario("clip-baseline").settings;

  it("divides the recovery rate: 0.75 → recovery × 4/3; the cycle grows with it when recovery outlasts cooling", () => {
    const run = (f: number): Float64Array => {
      const inputs = toInputs(twin, settings);
      inputs[IN.screwOutputFactor] = f;
      const out = new Float64Array(OUTPUT_SIZE);
      simulateShotInto(compiledTwin(twin), inputs, out);
      return out;
    };
    const fresh = run(1);
    const worn = run(0.75);
    expect(worn[OUT.plasticationTimeS]! / fresh[OUT.plasticationTimeS]!).toBeCloseTo(4 / 3, 12);
    expect(fresh[OUT.plasticationTimeS]!).toBeGreaterThan(settings.coolingTimeS);
    expect(worn[OUT.cycleTimeS]! - fresh[OUT.cycleTimeS]!).toBeCloseTo(
      worn[OUT.plasticationTimeS]! - fresh[OUT.plasticationTimeS]!,
      12,
    );
    expect(worn[OUT.partMassG]).toBe(fresh[OUT.partMassG]);
  });

  it("defaults to 1 and is validated as a twin adjustment in (0, 1]", () => {
    expect(twin.adjustments.screwOutputFactor).toBe(1);
    expect(() => resolveTwin({ ...scenario("clip-baseline").twin, adjustments: { screwOutputFactor: 0 } })).toThrow(
      MoldtwinError,
    );
    expect(() => resolveTwin({ ...scenario("clip-baseline").twin, adjustments: { screwOutputFactor: 1.2 } })).toThrow(
      MoldtwinError,
    );
  });
});

describe("what does the clip press do after 6 months? (scenarios/clip-after-6-months.json)", () => {
  const base = scenario("clip-baseline");
  const aged = scenario("clip-after-6-months");
  const newTwin = resolveTwin(base.twin);
  const oldTwin = resolveTwin(aged.twin);
  const fresh = simulateShot(newTwin, base.settings);
  const worn = simulateShot(oldTwin, aged.settings);

  it("same press, same recipe; only the wear age differs", () => {
    expect(aged.settings).toEqual(base.settings);
    expect(oldTwin.wear).toEqual({ ageMonths: 6, operatingHoursPerDay: 24, quantile: 0.5 });
  });

  it("the worn check ring holds less pressure: lighter parts, more shrinkage, lower cavity pressure at seal", () => {
    expect(worn.pack.cavityPressureAtSealMPa).toBeLessThan(fresh.pack.cavityPressureAtSealMPa);
    expect(worn.pack.partMassG).toBeLessThan(fresh.pack.partMassG);
    expect(worn.pack.volumetricShrinkagePct).toBeGreaterThan(fresh.pack.volumetricShrinkagePct);
    expect(worn.quality.criticalDimension.predictedMm).toBeLessThan(fresh.quality.criticalDimension.predictedMm);
  });

  it("the worn screw recovers slower, so the (recovery-limited) cycle is longer and each part costs more energy", () => {
    expect(worn.cooling.plasticationTimeS).toBeGreaterThan(fresh.cooling.plasticationTimeS);
    expect(worn.cycle.cycleTimeS).toBeGreaterThan(fresh.cycle.cycleTimeS);
    expect(worn.energy.perPartKWh).toBeGreaterThan(fresh.energy.perPartKWh);
    // The fill does not see the wear.
    expect(worn.fill.peakInjectionPressureMPa).toBe(fresh.fill.peakInjectionPressureMPa);
  });

  it("condition monitoring sees it too: cushion loss and recovery time up from new", () => {
    const duty = dutyOf(newTwin, base.settings, 24);
    const ageH = 6 * DAYS_PER_MONTH * 24;
    for (const part of componentsFor(duty).filter((p) => ["check-ring", "screw-barrel"].includes(p.card.kind))) {
      const median = part.life.quantile(0.5);
      expect(part.signatureAt(ageH, median)).toBeGreaterThan(part.signature.newValue);
    }
  });

  it("the kernel inputs carry exactly the median unit's worn adjustments at 6 months × 24 h", () => {
    const inputs = toInputs(oldTwin, aged.settings);
    const expected = wornAdjustments(dutyOf(newTwin, base.settings, 24), 6 * DAYS_PER_MONTH * 24, 0.5);
    expect(inputs[IN.checkRingLeakageFraction]).toBeCloseTo(expected.checkRingLeakageFraction!, 12);
    expect(inputs[IN.screwOutputFactor]).toBeCloseTo(expected.screwOutputFactor!, 12);
    expect(expected.checkRingLeakageFraction!).toBeGreaterThan(0);
    expect(expected.screwOutputFactor!).toBeLessThan(1);
  });

  it("wear combines with explicit adjustments: leak paths in series, output factors multiplied", () => {
    const both = resolveTwin({
      ...aged.twin,
      adjustments: { checkRingLeakageFraction: 0.1, screwOutputFactor: 0.9 },
    });
    // The duty is that of the calibrated press (it turns its screw longer), so the wear is taken at that duty.
    const w = wornAdjustments(dutyOf(both, aged.settings, 24), 6 * DAYS_PER_MONTH * 24);
    const b = toInputs(both, aged.settings);
    expect(1 - b[IN.checkRingLeakageFraction]!).toBeCloseTo(0.9 * (1 - w.checkRingLeakageFraction!), 12);
    expect(b[IN.screwOutputFactor]!).toBeCloseTo(0.9 * w.screwOutputFactor!, 12);
  });

  it("age 0 is the new press; more months wear it further; fewer hours per day wear it less", () => {
    const at = (wear: object): Float64Array => toInputs(resolveTwin({ ...base.twin, wear } as never), base.settings);
    const zero = at({ ageMonths: 0 });
    expect(zero).toEqual(toInputs(newTwin, base.settings));
    const six = at({ ageMonths: 6 });
    const three = at({ ageMonths: 3 });
    const sixOneShift = at({ ageMonths: 6, operatingHoursPerDay: 8 });
    expect(three[IN.screwOutputFactor]!).toBeGreaterThan(six[IN.screwOutputFactor]!);
    expect(sixOneShift[IN.screwOutputFactor]!).toBeGreaterThan(six[IN.screwOutputFactor]!);
  });

  it("a bad wear state fails validation with the field and unit", () => {
    try {
      resolveTwin({ ...base.twin, wear: { ageMonths: -1 } }, "scenario.twin");
      expect.unreachable();
    } catch (e) {
      expect((e as MoldtwinError).code).toBe("TWIN_ERR_VALIDATION");
      expect((e as MoldtwinError).details[0]?.field).toBe("scenario.twin.wear.ageMonths");
    }
    expect(() => resolveTwin({ ...base.twin, wear: { ageMonths: 6, quantile: 1 } })).toThrow(MoldtwinError);
  });
});

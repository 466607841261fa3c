/**
 * ISO 281 against its published numbers (reliability.md §4.3, §1.5) and the ball-screw / thrust-bearing models
 * against the laws they must obey (more load → shorter life, cube-mean equivalent load).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getComponent } from "../../twin-models/library/components.ts";
import type { ComponentCardOf } from "../../twin-models/schemas/component.ts";
import {
  alphaFromL10,
  BEARING_WEIBULL_SHAPE,
  ballScrewRollingLife,
  equivalentLoad,
  l10Hours,
  l10Mrev,
  plasticizingBearingRollingLife,
  ROLLER_EXPONENT,
  reliabilityFactorA1,
} from "./bearing.ts";
import { componentLife } from "./component.ts";
import { testDuty } from "./testDuty.ts";

fc.configureGlobal({ seed: 20261121 });

describe("ISO 281 basic rating life (reliability.md §4.3)", () => {
  it("C = 30 kN, P = 5 kN, ball: L10 = 216 Mrev; at 1500 rpm L10h = 2400 h", () => {
    expect(l10Mrev(30, 5, 3)).toBeCloseTo(216, 10);
    expect(l10Hours(216, 1500)).toBeCloseTo(2400, 8);
  });

  it("roller: 6^(10/3) ≈ 392 Mrev", () => {
    expect(l10Mrev(30, 5, ROLLER_EXPONENT)).toBeCloseTo(392.498, 2);
    expect(Math.round(l10Mrev(30, 5, ROLLER_EXPONENT))).toBe(392);
  });

  it("reliability factor a1: 1 at 90 %, and the ISO 281 table at 95–99 % to 2 digits", () => {
    expect(reliabilityFactorA1(0.9)).toBeCloseTo(1, 12);
    const table: [number, number][] = [
      [0.95, 0.64],
      [0.96, 0.55],
      [0.97, 0.47],
      [0.98, 0.37],
      [0.99, 0.25],
    ];
    for (const [r, a1] of table) expect(Math.round(reliabilityFactorA1(r) * 100) / 100).toBe(a1);
  });

  it("Weibull β = 1.5 anchored at t(R = 0.9) = L10h; its 95–99 % lives follow a1 without the 0.05 floor", () => {
    const l10h = 2400;
    const alpha = alphaFromL10(l10h);
    const r = (rel: number): number => alpha * (-Math.log(rel)) ** (1 / BEARING_WEIBULL_SHAPE);
    expect(r(0.9)).toBeCloseTo(l10h, 8);
    for (const rel of [0.95, 0.97, 0.99]) {
      expect(r(rel) / l10h).toBeCloseTo((reliabilityFactorA1(rel) - 0.05) / 0.95, 10);
    }
  });

  it("equivalent load: constant load gives that load; ISO cube mean weighted by revolutions", () => {
    const one = equivalentLoad([{ forceKN: 7, speedRpm: 300, timeS: 2 }], 3);
    expect(one.loadKN).toBeCloseTo(7, 12);
    expect(one.meanSpeedRpm).toBeCloseTo(300, 12);
    // Two phases of equal revolutions at 2 and 4 kN: P = ((8 + 64)/2)^(1/3).
    const two = equivalentLoad(
      [
        { forceKN: 2, speedRpm: 100, timeS: 6 },
        { forceKN: 4, speedRpm: 200, timeS: 3 },
      ],
      3,
    );
    expect(two.loadKN).toBeCloseTo(Math.cbrt(36), 12);
    expect(two.revsPerCycle).toBeCloseTo(20, 12);
  });
});

describe("ball screw and plasticizing thrust bearing from the actual cycle", () => {
  const ballScrew = getComponent("ball-screw-injection") as ComponentCardOf<"ball-screw">;
  const thrust = getComponent("plasticizing-thrust-bearing") as ComponentCardOf<"plasticizing-bearing">;

  it("the hazard life's 10 % quantile is the ISO life", () => {
    const duty = testDuty({ peakInjectionPressureMPa: 150, holdPressureMPa: 90 });
    const life = componentLife(ballScrew, duty).life;
    expect(life.quantile(0.1)).toBeCloseTo(ballScrewRollingLife(ballScrew.model, duty).l10h, 4);
    expect(life.params.beta).toBe(1.5);
  });

  it("ball screw: higher injection pressure → shorter life (power 3 on the load)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 20, max: 200, noNaN: true }),
        fc.double({ min: 1.05, max: 2, noNaN: true }),
        (p, k) => {
          const lo = ballScrewRollingLife(ballScrew.model, testDuty({ peakInjectionPressureMPa: p }));
          const hi = ballScrewRollingLife(ballScrew.model, testDuty({ peakInjectionPressureMPa: p * k }));
          expect(hi.l10h).toBeLessThan(lo.l10h);
        },
      ),
    );
  });

  it("thrust bearing: life ∝ (back pressure)^(−10/3) at the same revolutions", () => {
    const a = plasticizingBearingRollingLife(thrust.model, testDuty({ backPressureMPa: 5 }));
    const b = plasticizingBearingRollingLife(thrust.model, testDuty({ backPressureMPa: 10 }));
    expect(a.l10h / b.l10h).toBeCloseTo(2 ** (10 / 3), 6);
    expect(a.equivalentLoadKN).toBeCloseTo((5 * testDuty().screwAreaMm2) / 1000, 10);
  });

  it("zero back pressure is an effectively infinite but finite life", () => {
    const life = componentLife(thrust, testDuty({ backPressureMPa: 0 })).life;
    expect(Number.isFinite(life.quantile(0.5))).toBe(true);
  });
});

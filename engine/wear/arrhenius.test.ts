/**
 * Arrhenius acceleration (reliability.md §4.3 worked check), Arrhenius-Weibull heater bands and thermocouples,
 * and the oil-oxidation "doubles per +10 °C" rule with its temperature estimate.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getComponent } from "../../twin-models/library/components.ts";
import type { ComponentCardOf } from "../../twin-models/schemas/component.ts";
import { arrheniusAlphaH } from "./arrhenius.ts";
import { componentLife } from "./component.ts";
import { cubeMeanPressureShare, oilTempEstimateC, oxidationLifeH, pumpAlphaH } from "./hydraulic.ts";
import { testDuty } from "./testDuty.ts";

fc.configureGlobal({ seed: 20261121 });

const heater = getComponent("heater-band-mica") as ComponentCardOf<"heater-band">;
const tc = getComponent("thermocouple-j") as ComponentCardOf<"thermocouple">;
const oil = getComponent("hydraulic-oil-hm46") as ComponentCardOf<"hydraulic-oil">;
const pump = getComponent("hydraulic-pump-fixed") as ComponentCardOf<"hydraulic-pump">;

describe("Arrhenius-Weibull heater bands and thermocouples", () => {
  it("a band at the card's reference temperature has the card's characteristic life (AF = 1)", () => {
    const atRef = testDuty({ meltTempC: heater.model.referenceTempC - heater.model.tempOverMeltK });
    expect(arrheniusAlphaH(heater.model, atRef)).toBeCloseTo(heater.model.characteristicLifeH, 6);
  });

  it("hotter melt → shorter heater-band and thermocouple lives, strictly", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 150, max: 330, noNaN: true }),
        fc.double({ min: 1, max: 40, noNaN: true }),
        (t, dt) => {
          const cool = testDuty({ meltTempC: t });
          const hot = testDuty({ meltTempC: t + dt });
          expect(arrheniusAlphaH(heater.model, hot)).toBeLessThan(arrheniusAlphaH(heater.model, cool));
          expect(arrheniusAlphaH(tc.model, hot)).toBeLessThan(arrheniusAlphaH(tc.model, cool));
        },
      ),
    );
  });

  it("the heater band's characteristic life is the card's at its reference sheath temperature", () => {
    const duty = testDuty({ meltTempC: heater.model.referenceTempC - heater.model.tempOverMeltK });
    const life = componentLife(heater, duty).life;
    expect(life.params.alpha).toBeCloseTo(heater.model.characteristicLifeH, 6);
    expect(life.params.beta).toBe(heater.model.weibullShape);
  });
});

describe("hydraulic oil and pump", () => {
  it("oxidation life halves per +10 °C of oil temperature and equals the reference life at its temperature", () => {
    expect(oxidationLifeH(1000, 95, 10, 95)).toBe(1000);
    fc.assert(
      fc.property(fc.double({ min: 20, max: 90, noNaN: true }), (t) => {
        expect(oxidationLifeH(1000, 95, 10, t) / oxidationLifeH(1000, 95, 10, t + 10)).toBeCloseTo(2, 10);
      }),
    );
  });

  it("oil temperature estimate: a fixed pump runs warmer than a servo pump; both rise with pressure load", () => {
    for (const u of [0, 0.3, 1]) {
      expect(oilTempEstimateC("hydraulic", u)).toBeGreaterThan(oilTempEstimateC("servo-hydraulic", u));
    }
    expect(oilTempEstimateC("hydraulic", 0.5)).toBeGreaterThan(oilTempEstimateC("hydraulic", 0.1));
    // → the same work gives the oil a shorter life on a fixed-pump press.
    const fixed = componentLife(oil, testDuty({ driveType: "hydraulic", intensificationRatio: 11 }));
    const servo = componentLife(oil, testDuty({ driveType: "servo-hydraulic", intensificationRatio: 11 }));
    expect(fixed.life.quantile(0.5)).toBeLessThan(servo.life.quantile(0.5));
  });

  it("acid-number signature: new value at 0, D943 end point (2.0 mg KOH/g) at failure, rising", () => {
    const part = componentLife(oil, testDuty({ driveType: "hydraulic" }));
    const l = part.life.quantile(0.5);
    expect(part.signatureAt(0, l)).toBe(oil.model.newAcidNumber);
    expect(part.signatureAt(l, l)).toBe(2);
    expect(part.signatureAt(0.5 * l, l)).toBeLessThan(part.signatureAt(0.8 * l, l));
  });

  it("pump: cube-mean pressure of a constant-pressure cycle is that pressure; more pressure or heat → shorter life", () => {
    const flat = testDuty({
      driveType: "hydraulic",
      peakInjectionPressureMPa: 48 * Math.cbrt(4),
      holdPressureMPa: 48,
    });
    expect(cubeMeanPressureShare(flat, 48 / 240)).toBeCloseTo(0.2, 10);
    const base = pumpAlphaH(pump.model, testDuty({ driveType: "hydraulic" }));
    expect(
      pumpAlphaH(pump.model, testDuty({ driveType: "hydraulic", peakInjectionPressureMPa: 200 })).alphaH,
    ).toBeLessThan(base.alphaH);
    expect(pumpAlphaH(pump.model, testDuty({ driveType: "hydraulic", oilTempC: 65 })).alphaH).toBeLessThan(base.alphaH);
  });
});

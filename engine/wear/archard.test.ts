/**
 * Archard wear of screw and barrel, check ring and toggle bushings against the published anchors
 * (reliability.md §3): SPI starting clearance, −25 % output at doubled clearance, the 0.38 mm metering limit,
 * the nitrided case, "φ30 nitrided on fibre-filled nylon severely worn after ≈ 1,250 h", and years on unfilled PP.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getComponent } from "../../twin-models/library/components.ts";
import { getMachine, getMaterial } from "../../twin-models/library/index.ts";
import { resolveTwin } from "../../twin-models/resolve.ts";
import type { ComponentCardOf } from "../../twin-models/schemas/component.ts";
import { simulateShot } from "../molding/simulateShot.ts";
import { starterSettings } from "../molding/starterSettings.ts";
import {
  checkRingLeakage,
  checkRingWear,
  DOWELL_ANCHOR,
  depthForExposure,
  exposureForDepth,
  newRadialClearanceMm,
  screwBarrelWear,
  screwOutputFactor,
  toggleWear,
} from "./archard.ts";
import { componentLife } from "./component.ts";
import { dutyOf } from "./duty.ts";
import { testDuty } from "./testDuty.ts";

fc.configureGlobal({ seed: 20261121 });

const screw = getComponent("screw-barrel-nitrided") as ComponentCardOf<"screw-barrel">;
const ring = getComponent("check-ring-std") as ComponentCardOf<"check-ring">;
const toggle = getComponent("toggle-bushing-std") as ComponentCardOf<"toggle-bushing">;
const MM_PER_IN = 25.4;

describe("screw and barrel clearance", () => {
  it("SPI starting clearance: 0.0015 in per inch per side ≈ 0.04 mm per 25 mm; 50 mm screw ≈ 0.08 mm per side", () => {
    expect(newRadialClearanceMm(25)).toBeCloseTo(0.0375, 6);
    expect(Math.round(newRadialClearanceMm(25) * 100) / 100).toBe(0.04);
    expect(newRadialClearanceMm(50)).toBeCloseTo(0.075, 6);
    expect(Math.round(newRadialClearanceMm(50) * 100) / 100).toBe(0.08);
    expect(screw.model.newClearancePerDiameter).toBe(0.0015);
  });

  it("the failure clearance of a 2-in screw is the moldersservices metering limit, 0.015 in (0.38 mm) total", () => {
    const d0 = newRadialClearanceMm(2 * MM_PER_IN, screw.model.newClearancePerDiameter);
    expect(2 * d0 * screw.model.failureClearanceRatio).toBeCloseTo(0.015 * MM_PER_IN, 3);
  });

  it("output −25 % at doubled clearance (extremecoatings), 1 when new, falling with clearance", () => {
    expect(screwOutputFactor(1)).toBe(1);
    expect(screwOutputFactor(2, screw.model.outputLossAtDoubleClearance)).toBeCloseTo(0.75, 12);
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.double({ min: 1e-3, max: 1, noNaN: true }),
        (r, dr) => {
          expect(screwOutputFactor(r + dr)).toBeLessThanOrEqual(screwOutputFactor(r));
          expect(screwOutputFactor(r)).toBeGreaterThan(0);
        },
      ),
    );
  });

  it("piecewise k: depth and exposure are inverse; wear accelerates past the nitrided case (0.18 mm, Reiloy)", () => {
    const { caseLayers, coreRelativeRate } = screw.model;
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (depth) => {
        const e = exposureForDepth(depth, caseLayers, coreRelativeRate);
        expect(depthForExposure(e, caseLayers, coreRelativeRate)).toBeCloseTo(depth, 10);
      }),
    );
    const rateAt = (depth: number): number =>
      (depthForExposure(exposureForDepth(depth, caseLayers, coreRelativeRate) + 1e-6, caseLayers, coreRelativeRate) -
        depth) /
      1e-6;
    expect(caseLayers.at(-1)!.toDepthMm).toBe(0.18);
    expect(rateAt(0.05)).toBeCloseTo(1, 6);
    expect(rateAt(0.25)).toBeGreaterThan(rateAt(0.12));
    expect(rateAt(0.12)).toBeGreaterThan(rateAt(0.05));
  });
});

describe("calibration anchors", () => {
  it("the dowell anchor duty (φ30, 30 % glass fibre) reaches the limit at 1,250 h", () => {
    const duty = testDuty({
      screwDiameterMm: DOWELL_ANCHOR.screwDiameterMm,
      screwSpeedRpm: DOWELL_ANCHOR.screwSpeedRpm,
      screwRotationShare: DOWELL_ANCHOR.screwRotationShare,
      backPressureMPa: DOWELL_ANCHOR.backPressureMPa,
      fillerFraction: DOWELL_ANCHOR.fillerFraction,
    });
    const life = componentLife(screw, duty).life;
    expect(life.quantile(0.5) / DOWELL_ANCHOR.severeWearH).toBeCloseTo(1, 2);
  });

  it("a simulated φ30 nitrided press on PA66 + 30 % GF, cooling-limited recipe: severe wear in 1,000–1,500 h", () => {
    const e110 = getMachine("e110-all-electric");
    const machine = {
      ...e110,
      id: "e-phi30",
      screwDiameterMm: 30,
      screw: { ...e110.screw, meteringDepthMm: 1.7, meteringLengthMm: 150 },
    };
    const material = { ...getMaterial("pa66-generic"), id: "pa66-gf30", fillerFraction: 0.3 };
    const twin = resolveTwin({ machine, material, mold: "clip-4cav-auto" });
    const starter = starterSettings(twin);
    // Set as the anchor assumes a setter runs nylon: low back pressure, and a cooling time (thicker-walled part)
    // in which recovery takes 45 % of the cycle.
    const settings = { ...starter, backPressureMPa: 1, coolingTimeS: 0 };
    const shot = simulateShot(twin, settings);
    const otherS = shot.cycle.movesS + shot.cycle.fillS + shot.cycle.holdS;
    settings.coolingTimeS = Math.round((shot.cooling.plasticationTimeS / 0.45 - otherS) * 10) / 10;
    const duty = dutyOf(twin, settings, 24);
    expect(duty.screwRotationShare).toBeCloseTo(0.45, 2);
    const p50 = componentLife(screw, duty).life.quantile(0.5);
    expect(p50).toBeGreaterThanOrEqual(1000);
    expect(p50).toBeLessThanOrEqual(1500);
  });

  it("unfilled PP lasts years at 24 h/day; glass/mineral-filled melts wear far faster", () => {
    const pp = { ...getMaterial("pp-isofil-hk10-tvhm"), id: "pp-unfilled", fillerFraction: 0 };
    const twin = resolveTwin({ machine: "e110-all-electric", mold: "clip-4cav-auto", material: pp });
    const duty = dutyOf(twin, starterSettings(twin), 24);
    const years = componentLife(screw, duty).life.quantile(0.5) / (24 * 365.25);
    expect(years).toBeGreaterThan(2);
    const filled = screwBarrelWear(screw.model, { ...duty, fillerFraction: 0.3 });
    expect(screwBarrelWear(screw.model, duty).nominalLifeH / filled.nominalLifeH).toBeCloseTo(20, 6);
  });

  it("more screw speed, back pressure or filler → shorter screw and ring life", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("screwSpeedRpm", "backPressureMPa", "fillerFraction", "screwRotationShare"),
        fc.double({ min: 0.05, max: 0.5, noNaN: true }),
        (field, base) => {
          const scale = { screwSpeedRpm: 300, backPressureMPa: 20, fillerFraction: 1, screwRotationShare: 1 }[field];
          const lo = testDuty({ [field]: base * scale });
          const hi = testDuty({ [field]: base * scale * 1.5 });
          expect(screwBarrelWear(screw.model, hi).nominalLifeH).toBeLessThan(
            screwBarrelWear(screw.model, lo).nominalLifeH,
          );
          if (field !== "screwRotationShare") {
            expect(checkRingWear(ring.model, hi).nominalLifeH).toBeLessThan(checkRingWear(ring.model, lo).nominalLifeH);
          }
        },
      ),
    );
  });
});

describe("check ring", () => {
  it("leakage 0 when new, the card's limit at the failure clearance, rising as clearance³", () => {
    const { failureClearanceRatio: rf, leakageAtFailure: lf } = ring.model;
    expect(checkRingLeakage(1, rf, lf)).toBe(0);
    expect(checkRingLeakage(rf, rf, lf)).toBeCloseTo(lf, 12);
    expect(checkRingLeakage(2, rf, lf) / checkRingLeakage(rf, rf, lf)).toBeCloseTo(7 / (rf ** 3 - 1), 12);
  });

  it("feeds checkRingLeakageFraction and a cushion loss that grow with age", () => {
    const part = componentLife(ring, testDuty());
    const lifeH = part.life.quantile(0.5);
    expect(part.adjustmentsAt(0, lifeH)).toEqual({ checkRingLeakageFraction: 0 });
    expect(part.adjustmentsAt(lifeH, lifeH).checkRingLeakageFraction).toBeCloseTo(ring.model.leakageAtFailure, 12);
    expect(part.signatureAt(0.5 * lifeH, lifeH)).toBeGreaterThan(0);
    expect(part.signatureAt(0.5 * lifeH, lifeH)).toBeLessThan(part.signature.failureValue);
  });
});

describe("toggle bushings", () => {
  it("life in cycles ∝ 1/clamp force above the setters' floor; 10⁷ cycles at rated force on a 250 t press", () => {
    const rated = testDuty({ ratedClampForceKN: 2452, requiredClampForceKN: 2452 });
    expect(toggleWear(toggle.model, rated).lifeCycles / 1e7).toBeCloseTo(1, 1);
    const half = toggleWear(toggle.model, { ...rated, requiredClampForceKN: 1226 });
    expect(half.lifeCycles / toggleWear(toggle.model, rated).lifeCycles).toBeCloseTo(2, 10);
    // Below 30 % of the rating the setter's floor holds the force (and the life) constant.
    const a = toggleWear(toggle.model, { ...rated, requiredClampForceKN: 100 });
    const b = toggleWear(toggle.model, { ...rated, requiredClampForceKN: 300 });
    expect(a.lifeCycles).toBe(b.lifeCycles);
    expect(a.clampSetForceKN).toBeCloseTo(0.3 * 2452, 10);
  });
});

import type { Duty } from "./duty.ts";
import { oilTempEstimateC } from "./hydraulic.ts";

/**
 * A hand-made duty for tests: a φ35 press (240 MPa max) making a 20 cm³ shot every 8 s. Overrides replace
 * fields; the derived ones (cycles per hour, areas, strokes, shares, oil temperature) follow unless given.
 */
export function testDuty(overrides: Partial<Duty> = {}): Duty {
  const d = { ...BASE, ...overrides };
  const screwAreaMm2 = overrides.screwAreaMm2 ?? (Math.PI * d.screwDiameterMm * d.screwDiameterMm) / 4;
  const stroke = overrides.injectionStrokeMm ?? (d.shotVolumeCm3 * 1000) / screwAreaMm2;
  const pressureUtilisation =
    overrides.pressureUtilisation ??
    Math.min(
      1,
      (d.peakInjectionPressureMPa * d.fillTimeS + d.holdPressureMPa * d.holdTimeS) /
        (d.maxInjectionPressureMPa * d.cycleTimeS),
    );
  return {
    ...d,
    cyclesPerHour: overrides.cyclesPerHour ?? 3600 / d.cycleTimeS,
    screwAreaMm2,
    injectionStrokeMm: stroke,
    fillStrokeMm: overrides.fillStrokeMm ?? stroke * 0.98,
    packingStrokeMm: overrides.packingStrokeMm ?? stroke * 0.12,
    maxInjectionForceKN: overrides.maxInjectionForceKN ?? (d.maxInjectionPressureMPa * screwAreaMm2) / 1000,
    screwRotationShare: overrides.screwRotationShare ?? Math.min(1, d.plasticationTimeS / d.cycleTimeS),
    pressureUtilisation,
    oilTempC: overrides.oilTempC ?? oilTempEstimateC(d.driveType, pressureUtilisation),
  };
}

const BASE: Duty = {
  driveType: "all-electric",
  operatingHoursPerDay: 24,
  cycleTimeS: 8,
  cyclesPerHour: 450,
  screwDiameterMm: 35,
  screwSpeedRpm: 100,
  plasticationTimeS: 3.6,
  backPressureMPa: 5,
  peakInjectionPressureMPa: 60,
  holdPressureMPa: 36,
  fillTimeS: 1,
  holdTimeS: 1.5,
  shotVolumeCm3: 20,
  meltTempC: 230,
  requiredClampForceKN: 400,
  ratedClampForceKN: 1079,
  fillerFraction: 0,
  cavities: 4,
  moldTempC: 40,
  screwAreaMm2: 0,
  injectionStrokeMm: 0,
  fillStrokeMm: 0,
  packingStrokeMm: 0,
  maxInjectionPressureMPa: 240,
  maxInjectionForceKN: 0,
  intensificationRatio: 1,
  screwRotationShare: 0,
  pressureUtilisation: 0,
  oilTempC: 0,
  hotRunnerDrops: 0,
  partMassG: 4,
  basePowerKW: 6,
  processEnergyPerPartKWh: 0.004,
};

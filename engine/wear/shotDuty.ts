import type { ProcessSettings } from "../../twin-models/schemas/process.ts";
import { MoldtwinError } from "../errors.ts";
import type { CompiledTwin } from "../molding/compile.ts";
import { OUT } from "../molding/layout.ts";
import { specificVolumeM3PerKg } from "../physics/tait.ts";
import { KELVIN_OFFSET } from "../units.ts";
import type { Duty } from "./duty.ts";
import { oilTempEstimateC } from "./hydraulic.ts";

/**
 * A press's duty from one kernel output vector of its twin as new (layout OUT). Kept apart from duty.ts (which
 * runs the shot) so that the shot path (engine/molding/simulateShot.ts) can build a duty without importing it back.
 */
export function dutyFromOutputs(
  c: CompiledTwin,
  settings: ProcessSettings,
  out: Float64Array,
  operatingHoursPerDay: number,
): Duty {
  if (!(operatingHoursPerDay > 0 && operatingHoursPerDay <= 24)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `operatingHoursPerDay = ${operatingHoursPerDay}: 0 < h ≤ 24`, [
      { field: "operatingHoursPerDay", value: operatingHoursPerDay, unit: "h/d", allowed: "0 < h ≤ 24" },
    ]);
  }
  const m = c.machine;
  const mat = c.material;
  const mold = c.mold;
  const cycleTimeS = out[OUT.cycleTimeS]!;
  const fillTimeS = out[OUT.fillTimeS]!;
  const plasticationTimeS = out[OUT.plasticationTimeS]!;
  const peak = out[OUT.peakInjectionPressureMPa]!;
  const shotMassKg = out[OUT.shotMassG]! / 1000;
  const screwAreaMm2 = c.screwAreaM2 * 1e6;
  const meltVolumeM3PerKg = specificVolumeM3PerKg(c.tait, settings.meltTempC + KELVIN_OFFSET, 0);
  const sealVolumeM3PerKg = specificVolumeM3PerKg(
    c.tait,
    c.freezeTempC + KELVIN_OFFSET,
    out[OUT.cavityPressureAtSealMPa]! * 1e6,
  );
  const shotVolumeCm3 = shotMassKg * meltVolumeM3PerKg * 1e6;
  const strokeMm = (shotVolumeCm3 * 1000) / screwAreaMm2;
  const vp = settings.vpSwitchoverPct / 100;
  // After switchover the screw delivers the rest of the fill and then the melt that the part loses shrinking from
  // the melt state to its state at seal (Tait): the volume a leaking check ring lets flow back.
  const packingVolumeCm3 =
    shotVolumeCm3 * (1 - vp) + Math.max(0, shotMassKg * (meltVolumeM3PerKg - sealVolumeM3PerKg) * 1e6);
  const utilisation =
    (peak * fillTimeS + settings.holdPressureMPa * settings.holdTimeS) / (m.maxInjectionPressureMPa * cycleTimeS);
  const pressureUtilisation = utilisation > 1 ? 1 : utilisation;
  let hotRunnerDrops = 0;
  for (const seg of mold.flowPath) {
    if (seg.kind === "tube" && seg.heated && seg.branches > hotRunnerDrops) hotRunnerDrops = seg.branches;
  }
  return {
    driveType: m.driveType,
    operatingHoursPerDay,
    cycleTimeS,
    cyclesPerHour: 3600 / cycleTimeS,
    screwDiameterMm: m.screwDiameterMm,
    screwSpeedRpm: settings.screwSpeedRpm,
    plasticationTimeS,
    backPressureMPa: settings.backPressureMPa,
    peakInjectionPressureMPa: peak,
    holdPressureMPa: settings.holdPressureMPa,
    fillTimeS,
    holdTimeS: settings.holdTimeS,
    shotVolumeCm3,
    meltTempC: settings.meltTempC,
    requiredClampForceKN: out[OUT.requiredClampForceKN]!,
    ratedClampForceKN: m.clampForceKN,
    fillerFraction: mat.fillerFraction,
    cavities: mold.cavities,
    moldTempC: settings.moldTempC,
    screwAreaMm2,
    injectionStrokeMm: strokeMm,
    fillStrokeMm: strokeMm * vp,
    packingStrokeMm: (packingVolumeCm3 * 1000) / screwAreaMm2,
    maxInjectionPressureMPa: m.maxInjectionPressureMPa,
    maxInjectionForceKN: (m.maxInjectionPressureMPa * screwAreaMm2) / 1000,
    intensificationRatio: m.intensificationRatio,
    screwRotationShare: Math.min(1, plasticationTimeS / cycleTimeS),
    pressureUtilisation,
    oilTempC: oilTempEstimateC(m.driveType, pressureUtilisation),
    hotRunnerDrops,
    partMassG: out[OUT.partMassG]!,
    // Kent's base-load line for the shot (contracts-kpi.md §1.4): the machine's base draw while on, and the
    // process energy of one part on top of it.
    basePowerKW: (out[OUT.energyBaseKWh]! * 3600) / cycleTimeS,
    processEnergyPerPartKWh: (out[OUT.energyPerShotKWh]! - out[OUT.energyBaseKWh]!) / mold.cavities,
  };
}

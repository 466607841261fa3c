import type { Twin } from "../../twin-models/resolve.ts";
import type { DriveType } from "../../twin-models/schemas/machine.ts";
import type { ProcessSettings } from "../../twin-models/schemas/process.ts";
import { simulateShotInto } from "../molding/kernel.ts";
import { OUTPUT_SIZE } from "../molding/layout.ts";
import { checkSettings, compiledTwin, toInputs } from "../molding/simulateShot.ts";
import { dutyFromOutputs } from "./shotDuty.ts";

/**
 * How one press runs: from its simulated shot (engine/molding simulateShot), its cards and its operating hours.
 * Every wear model reads its loads and speeds from here, so a recipe change moves every component's life.
 * Forces in kN, pressures are specific (melt-side) pressures in MPa unless named `hydraulic…`.
 */
export interface Duty {
  driveType: DriveType;
  operatingHoursPerDay: number;
  cycleTimeS: number;
  cyclesPerHour: number;
  screwDiameterMm: number;
  screwSpeedRpm: number;
  plasticationTimeS: number;
  backPressureMPa: number;
  peakInjectionPressureMPa: number;
  holdPressureMPa: number;
  fillTimeS: number;
  holdTimeS: number;
  /** Melt volume of one shot (cavities and cold runner) at the melt temperature, cm³. */
  shotVolumeCm3: number;
  meltTempC: number;
  requiredClampForceKN: number;
  ratedClampForceKN: number;
  fillerFraction: number;
  cavities: number;
  // ---- what the wear models need beyond the lead's list ----
  moldTempC: number;
  /** Cross-section of the plasticizing screw, mm². */
  screwAreaMm2: number;
  /** Screw travel that meters the shot, mm (shot volume / screw area). */
  injectionStrokeMm: number;
  /** Screw travel in the velocity phase, mm (stroke × V/P share). */
  fillStrokeMm: number;
  /** Screw travel after V/P switchover that packs the part: the rest of the fill plus the melt-to-seal shrinkage, mm. */
  packingStrokeMm: number;
  /** Press rating: maximum specific injection pressure, MPa, and the matching screw force, kN. */
  maxInjectionPressureMPa: number;
  maxInjectionForceKN: number;
  /** Melt pressure / hydraulic pressure (1 on all-electric presses). */
  intensificationRatio: number;
  /** Share of the cycle the screw turns (plastication / cycle time). */
  screwRotationShare: number;
  /** Time-weighted pressure load of the injection drive: (p_peak·t_fill + p_hold·t_hold) / (p_max·t_cycle). */
  pressureUtilisation: number;
  /**
   * Hydraulic oil temperature, °C (estimate from drive type and pressure utilisation, engine/wear/hydraulic.ts);
   * all-electric presses carry no hydraulic oil and report the injection-unit ambient.
   */
  oilTempC: number;
  /** Hot-runner drops of the mold (0 = cold runner). */
  hotRunnerDrops: number;
  partMassG: number;
  /** Base load of the running machine (drive idle, heaters, auxiliaries), kW. */
  basePowerKW: number;
  /** Energy per part above the base load (plastication, injection, moves), kWh. */
  processEnergyPerPartKWh: number;
}

/**
 * The duty of a press running `settings` for `operatingHoursPerDay`: one shot of the twin as new (wear state and
 * the `wear` of the twin ignored: the duty is what the recipe asks of a press, not what a worn press delivers).
 */
export function dutyOf(twin: Twin, settings: ProcessSettings, operatingHoursPerDay: number): Duty {
  checkSettings(twin, settings);
  const asNew: Twin =
    twin.wear === undefined
      ? twin
      : { material: twin.material, machine: twin.machine, mold: twin.mold, adjustments: twin.adjustments };
  const compiled = compiledTwin(asNew);
  const inputs = toInputs(asNew, settings);
  const out = new Float64Array(OUTPUT_SIZE);
  simulateShotInto(compiled, inputs, out);
  return dutyFromOutputs(compiled, settings, out, operatingHoursPerDay);
}

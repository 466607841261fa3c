import type { DriveType, Machine } from "../schemas/machine.ts";
import { DRIVE_TYPICALS, typicalBasePowerKW } from "./drives.ts";

/**
 * Three representative presses. Sizes follow common catalogue classes (110 t, 250 t, 450 t); they are not one
 * maker's data sheet, so trust is "assumed". Energy fields derive from DRIVE_TYPICALS so that a press and its
 * drive-swapped twin (withDriveType) agree. Screw metering depth ≈ 0.05–0.06·D and metering length 5·D follow
 * Rosato, Injection Molding Handbook (3rd ed.) ch. 3 screw design practice.
 */
function press(
  p: Omit<
    Machine,
    | "basePowerKW"
    | "driveEfficiency"
    | "plasticatingEfficiency"
    | "holdFlowFraction"
    | "moveEnergyKJ"
    | "source"
    | "trust"
    | "assumed"
  >,
): Machine {
  const t = DRIVE_TYPICALS[p.driveType as DriveType];
  return {
    ...p,
    basePowerKW: typicalBasePowerKW(p.driveType, p.clampForceKN, p.heaterPowerKW),
    driveEfficiency: t.driveEfficiency,
    plasticatingEfficiency: t.plasticatingEfficiency,
    holdFlowFraction: t.holdFlowFraction,
    moveEnergyKJ: (t.moveEnergyJPerKN * p.clampForceKN) / 1000,
    source:
      "Representative catalogue class (no single maker's data sheet); energy typicals in twin-models/library/drives.ts",
    trust: "assumed",
    assumed: ["all fields: class-typical values"],
  };
}

export const MACHINES: Machine[] = [
  press({
    id: "e110-all-electric",
    name: "110 t all-electric, Ø35 mm screw",
    driveType: "all-electric",
    clampForceKN: 1079,
    screwDiameterMm: 35,
    maxInjectionPressureMPa: 240,
    intensificationRatio: 1,
    maxInjectionRateCm3PerS: 290,
    shotVolumeCm3: 135,
    dryCycleTimeS: 1.6,
    heaterPowerKW: 8,
    usablePressureFraction: 0.9,
    nozzle: { lengthMm: 60, diameterMm: 4 },
    screw: { meteringDepthMm: 2.0, meteringLengthMm: 175, helixAngleDeg: 17.66 },
  }),
  press({
    id: "sh250-servo-hydraulic",
    name: "250 t servo-hydraulic, Ø50 mm screw",
    driveType: "servo-hydraulic",
    clampForceKN: 2452,
    screwDiameterMm: 50,
    maxInjectionPressureMPa: 220,
    intensificationRatio: 10.5,
    maxInjectionRateCm3PerS: 390,
    shotVolumeCm3: 390,
    dryCycleTimeS: 2.8,
    heaterPowerKW: 16,
    usablePressureFraction: 0.9,
    nozzle: { lengthMm: 80, diameterMm: 6 },
    screw: { meteringDepthMm: 2.6, meteringLengthMm: 250, helixAngleDeg: 17.66 },
  }),
  press({
    id: "h450-hydraulic",
    name: "450 t hydraulic (fixed pump), Ø70 mm screw",
    driveType: "hydraulic",
    clampForceKN: 4413,
    screwDiameterMm: 70,
    maxInjectionPressureMPa: 200,
    intensificationRatio: 11,
    maxInjectionRateCm3PerS: 580,
    shotVolumeCm3: 1080,
    dryCycleTimeS: 4.5,
    heaterPowerKW: 30,
    usablePressureFraction: 0.9,
    nozzle: { lengthMm: 100, diameterMm: 8 },
    screw: { meteringDepthMm: 3.4, meteringLengthMm: 350, helixAngleDeg: 17.66 },
  }),
];

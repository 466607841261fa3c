import type { DriveType, Machine } from "../schemas/machine.ts";

/**
 * Energy-relevant typicals per drive type: our stated assumptions, chosen so that the shot simulator reproduces
 * the published ordering and ratio (molding.md §2.7): hydraulic > servo-hydraulic ≥ all-electric in kWh/kg
 * (Thiriez & Gutowski 2006), hydraulic ≈ 3.8 × all-electric on the same work (Socks/VEIC: 0.613 vs 0.161 kWh/kg),
 * servo-hydraulic ≈ 55 % of a fixed-pump hydraulic ([V] findoutaboutplastics).
 *  - idlePowerKWPerKN: standby draw of the drive. A fixed-displacement pump circulates oil at bypass pressure all
 *    cycle long; a servo pump and servo motors idle near zero.
 *  - holdFlowFraction: drive flow spent holding pressure. A fixed pump blows most of its flow over the relief valve
 *    (0.7: the rest is unloaded by the pressure-flow valve);
 *    a servo pump only replaces leakage; an electric screw drive holds torque with little current.
 *  - efficiencies: wire-to-melt for the injection drive and for plasticating (motor + barrel heaters).
 */
export interface DriveTypical {
  driveEfficiency: number;
  plasticatingEfficiency: number;
  holdFlowFraction: number;
  idlePowerKWPerKN: number;
  moveEnergyJPerKN: number;
}

export const DRIVE_TYPICALS: Record<DriveType, DriveTypical> = {
  hydraulic: {
    driveEfficiency: 0.5,
    plasticatingEfficiency: 0.55,
    holdFlowFraction: 0.7,
    idlePowerKWPerKN: 0.0026,
    moveEnergyJPerKN: 9,
  },
  "servo-hydraulic": {
    driveEfficiency: 0.7,
    plasticatingEfficiency: 0.7,
    holdFlowFraction: 0.08,
    idlePowerKWPerKN: 0.0005,
    moveEnergyJPerKN: 5,
  },
  "all-electric": {
    driveEfficiency: 0.85,
    plasticatingEfficiency: 0.82,
    holdFlowFraction: 0.02,
    idlePowerKWPerKN: 0.0002,
    moveEnergyJPerKN: 3,
  },
};

/** Controls, cabinet cooling and lighting, independent of the drive: assumption. */
export const AUXILIARY_POWER_KW = 0.4;
/** Share of installed barrel-heater power lost to the surroundings at steady state: assumption. */
export const HEATER_LOSS_SHARE = 0.1;

/** Base (idle) power of a press from its size and drive: auxiliaries + heater losses + drive standby. */
export function typicalBasePowerKW(driveType: DriveType, clampForceKN: number, heaterPowerKW: number): number {
  return (
    AUXILIARY_POWER_KW + HEATER_LOSS_SHARE * heaterPowerKW + DRIVE_TYPICALS[driveType].idlePowerKWPerKN * clampForceKN
  );
}

/** The same press rebuilt with another drive: used to compare drives on identical work. */
export function withDriveType(machine: Machine, driveType: DriveType): Machine {
  const t = DRIVE_TYPICALS[driveType];
  return {
    ...machine,
    id: `${machine.id}-as-${driveType}`,
    driveType,
    basePowerKW: typicalBasePowerKW(driveType, machine.clampForceKN, machine.heaterPowerKW),
    driveEfficiency: t.driveEfficiency,
    plasticatingEfficiency: t.plasticatingEfficiency,
    holdFlowFraction: t.holdFlowFraction,
    moveEnergyKJ: (t.moveEnergyJPerKN * machine.clampForceKN) / 1000,
  };
}

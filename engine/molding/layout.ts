/**
 * Flat layouts of the shot kernel's input and output vectors. The kernel reads one Float64Array of inputs and
 * writes one Float64Array of outputs, so a sweep can run millions of shots without allocating, and each field
 * maps one-to-one onto an Arrow column. Names carry their units.
 */

export const INPUT_FIELDS = [
  "meltTempC",
  "moldTempC",
  "injectionTimeS",
  "vpSwitchoverPct",
  "holdPressureMPa",
  "holdTimeS",
  "coolingTimeS",
  "backPressureMPa",
  "screwSpeedRpm",
  "viscosityFactor",
  "heatTransferFactor",
  "checkRingLeakageFraction",
  "driveEfficiencyFactor",
  "nozzleLossFactor",
  "screwOutputFactor",
] as const;

export const OUTPUT_FIELDS = [
  // fill
  "fillTimeS",
  "flowRateCm3PerS",
  "injectionRateLimited",
  "peakInjectionPressureMPa",
  "hydraulicPressureMPa",
  "nozzlePressureDropMPa",
  "runnerPressureDropMPa",
  "gatePressureDropMPa",
  "cavityPressureDropMPa",
  "maxWallShearRate1s",
  "maxWallShearStressMPa",
  "gateShearStressMPa",
  "minFlowFrontTempC",
  "maxMeltTempC",
  "frozenLayerFraction",
  // pack
  "gateFreezeTimeS",
  "sealTimeS",
  "cavityPressureAtSealMPa",
  "partMassG",
  "shotMassG",
  "volumetricShrinkagePct",
  "linearShrinkagePct",
  // cooling and cycle
  "requiredCoolingTimeS",
  "ejectionMeanTempC",
  "plasticationTimeS",
  "cycleMovesS",
  "cycleFillS",
  "cycleHoldS",
  "cycleCoolingS",
  "cycleTimeS",
  // clamp
  "requiredClampForceKN",
  "clampUtilisation",
  // energy
  "energyBaseKWh",
  "energyPlasticationKWh",
  "energyInjectionKWh",
  "energyMovesKWh",
  "energyPerShotKWh",
  "energyPerPartKWh",
  "energyPerKgKWh",
  // quality
  "criticalDimensionMm",
  "criticalDimensionDeviationMm",
  "warpageMm",
  // margins: > 0 is safe, ≤ 0 is the defect; 1 is as far from the limit as the scale allows
  "pressureMargin",
  "flowFrontFreezeMargin",
  "shotCapacityMargin",
  "clampMargin",
  "overpackMargin",
  "shrinkageMargin",
  "holdTimeMargin",
  "shearRateMargin",
  "shearStressMargin",
  "meltTempMargin",
  "coolingMargin",
  "warpageMarginRaw",
  "shortShotMargin",
  "flashMargin",
  "sinkMargin",
  "burnMargin",
  "warpageMargin",
  "criticalDimensionMargin",
] as const;

export type InputField = (typeof INPUT_FIELDS)[number];
export type OutputField = (typeof OUTPUT_FIELDS)[number];

function indexOf<T extends readonly string[]>(fields: T): { readonly [K in T[number]]: number } {
  return Object.fromEntries(fields.map((f, i) => [f, i])) as { [K in T[number]]: number };
}

export const IN = indexOf(INPUT_FIELDS);
export const OUT = indexOf(OUTPUT_FIELDS);
export const INPUT_SIZE = INPUT_FIELDS.length;
export const OUTPUT_SIZE = OUTPUT_FIELDS.length;

/** The defects a process window is judged on, with their margin outputs. */
export const DEFECTS = ["shortShot", "flash", "sink", "burn", "warpage"] as const;
export type Defect = (typeof DEFECTS)[number];

import type { Twin } from "../../twin-models/resolve.ts";
import type { ProcessSettings, TwinAdjustments } from "../../twin-models/schemas/process.ts";
import { describeDetail, type ErrorDetail, MoldtwinError } from "../errors.ts";
import { DAYS_PER_MONTH } from "../units.ts";
import { wornAdjustments } from "../wear/component.ts";
import { dutyFromOutputs } from "../wear/shotDuty.ts";
import { type CompiledTwin, compileTwin } from "./compile.ts";
import { simulateShotInto } from "./kernel.ts";
import { IN, INPUT_SIZE, OUT, OUTPUT_SIZE } from "./layout.ts";

/** A margin this close to its limit is reported as "at-risk" rather than "ok". */
export const AT_RISK_MARGIN = 0.1;

const compiled = new WeakMap<Twin, CompiledTwin>();

/** Compiles a twin once per object; sweeps reuse it for every shot. */
export function compiledTwin(twin: Twin): CompiledTwin {
  let c = compiled.get(twin);
  if (!c) {
    c = compileTwin(twin.material, twin.machine, twin.mold);
    compiled.set(twin, c);
  }
  return c;
}

/**
 * Checks settings against the twin they run on: what a schema alone cannot know (the material's absolute
 * maximum melt temperature, the press's pressure limit). Throws TWIN_ERR_OUT_OF_RANGE naming every problem.
 */
export function checkSettings(twin: Twin, s: ProcessSettings, root = "settings"): void {
  const m = twin.material;
  const problems: ErrorDetail[] = [];
  const add = (field: string, value: number | undefined, unit: string, allowed: string): void => {
    problems.push({ field: `${root}.${field}`, value, unit, allowed });
  };
  if (s.meltTempC > m.maxMeltTempC) {
    add("meltTempC", s.meltTempC, "°C", `≤ ${m.maxMeltTempC} °C (absolute maximum melt temperature of ${m.id})`);
  }
  if (s.meltTempC <= m.noFlowTempC) {
    add("meltTempC", s.meltTempC, "°C", `> ${m.noFlowTempC} °C (no-flow temperature of ${m.id})`);
  }
  if (s.moldTempC >= m.ejectionTempC) {
    add(
      "moldTempC",
      s.moldTempC,
      "°C",
      `< ${m.ejectionTempC} °C (ejection temperature of ${m.id}: the part would never be ejectable)`,
    );
  }
  if (s.holdPressureMPa > twin.machine.maxInjectionPressureMPa) {
    add(
      "holdPressureMPa",
      s.holdPressureMPa,
      "MPa",
      `≤ ${twin.machine.maxInjectionPressureMPa} MPa (max injection pressure of ${twin.machine.id})`,
    );
  }
  const hasTime = s.injectionTimeS !== undefined;
  const hasSpeed = s.injectionSpeedMmPerS !== undefined;
  if (hasTime === hasSpeed) {
    problems.push({
      field: `${root}.injectionTimeS`,
      value: s.injectionTimeS,
      unit: "s",
      allowed: "exactly one of injectionTimeS or injectionSpeedMmPerS",
    });
  }
  if (problems.length > 0) {
    throw new MoldtwinError(
      "TWIN_ERR_OUT_OF_RANGE",
      `settings do not fit the twin: ${problems.map(describeDetail).join("; ")}`,
      problems,
    );
  }
}

/**
 * Packs settings and adjustments into the kernel's input vector (layout IN). A twin with a `wear` state gets the
 * worn adjustments of its screw and check ring on top of its own (see wornFor).
 */
export function toInputs(twin: Twin, s: ProcessSettings, into = new Float64Array(INPUT_SIZE)): Float64Array {
  packInputs(twin, s, into);
  if (twin.wear !== undefined) {
    const w = wornFor(twin, s, into);
    if (w.checkRingLeakageFraction !== undefined) {
      into[IN.checkRingLeakageFraction] =
        1 - (1 - twin.adjustments.checkRingLeakageFraction) * (1 - w.checkRingLeakageFraction);
    }
    if (w.screwOutputFactor !== undefined) {
      into[IN.screwOutputFactor] = twin.adjustments.screwOutputFactor * w.screwOutputFactor;
    }
  }
  return into;
}

/** Worn adjustments per twin and settings: a few per twin (the settings of a shot, or a sweep's base point). */
const wornCache = new WeakMap<Twin, Map<string, Partial<TwinAdjustments>>>();
const WORN_CACHE_SIZE = 64;

/**
 * The adjustments of a twin's wear state: the duty of the press as new at these settings (one kernel shot of the
 * unworn inputs in `asNew`), then engine/wear wornAdjustments at the age in operating hours.
 */
function wornFor(twin: Twin, s: ProcessSettings, asNew: Float64Array): Partial<TwinAdjustments> {
  const wear = twin.wear!;
  const hoursPerDay = wear.operatingHoursPerDay ?? 24;
  const quantile = wear.quantile ?? 0.5;
  const key = `${wear.ageMonths}|${hoursPerDay}|${quantile}|${asNew.join(",")}`;
  let byKey = wornCache.get(twin);
  const hit = byKey?.get(key);
  if (hit) return hit;
  const c = compiledTwin(twin);
  const out = new Float64Array(OUTPUT_SIZE);
  simulateShotInto(c, asNew, out);
  const duty = dutyFromOutputs(c, s, out, hoursPerDay);
  const ageH = wear.ageMonths * DAYS_PER_MONTH * hoursPerDay;
  const worn = wornAdjustments(duty, ageH, quantile);
  if (!byKey) {
    byKey = new Map();
    wornCache.set(twin, byKey);
  }
  if (byKey.size >= WORN_CACHE_SIZE) byKey.clear();
  byKey.set(key, worn);
  return worn;
}

function packInputs(twin: Twin, s: ProcessSettings, into: Float64Array): void {
  const c = compiledTwin(twin);
  const a = twin.adjustments;
  let injectionTimeS = s.injectionTimeS;
  if (injectionTimeS === undefined) {
    // Screw speed × screw area = volumetric rate; the velocity phase sweeps V/P share of the refilled volume.
    const rateM3s = (s.injectionSpeedMmPerS ?? 0) * 1e-3 * c.screwAreaM2;
    injectionTimeS = ((c.coldRunnerVolumeM3 + c.partsVolumeM3) * (s.vpSwitchoverPct / 100)) / rateM3s;
  }
  into[IN.meltTempC] = s.meltTempC;
  into[IN.moldTempC] = s.moldTempC;
  into[IN.injectionTimeS] = injectionTimeS;
  into[IN.vpSwitchoverPct] = s.vpSwitchoverPct;
  into[IN.holdPressureMPa] = s.holdPressureMPa;
  into[IN.holdTimeS] = s.holdTimeS;
  into[IN.coolingTimeS] = s.coolingTimeS;
  into[IN.backPressureMPa] = s.backPressureMPa;
  into[IN.screwSpeedRpm] = s.screwSpeedRpm;
  packAdjustments(a, into);
}

/** The twin's correction knobs into an input vector (calibration moves them on a packed recipe). */
export function packAdjustments(a: TwinAdjustments, into: Float64Array): void {
  into[IN.viscosityFactor] = a.viscosityFactor;
  into[IN.heatTransferFactor] = a.heatTransferFactor;
  into[IN.checkRingLeakageFraction] = a.checkRingLeakageFraction;
  into[IN.driveEfficiencyFactor] = a.driveEfficiencyFactor;
  into[IN.nozzleLossFactor] = a.nozzleLossFactor;
  into[IN.screwOutputFactor] = a.screwOutputFactor;
}

export type DefectStatus = "ok" | "at-risk" | "defect";

export interface DefectRisk {
  margin: number;
  status: DefectStatus;
  /** The criterion that sets the margin. */
  limitedBy: string;
}

const status = (margin: number): DefectStatus => (margin <= 0 ? "defect" : margin < AT_RISK_MARGIN ? "at-risk" : "ok");

function risk(criteria: Record<string, number>): DefectRisk {
  let limitedBy = "";
  let margin = Number.POSITIVE_INFINITY;
  for (const [name, m] of Object.entries(criteria)) {
    if (m < margin) {
      margin = m;
      limitedBy = name;
    }
  }
  return { margin, status: status(margin), limitedBy };
}

/** Reads a kernel output vector into the nested, unit-named result users and the API see. */
export function readShot(twin: Twin, o: Float64Array) {
  const v = (i: number): number => o[i]!;
  const cd = twin.mold.criticalDimension;
  return {
    fill: {
      fillTimeS: v(OUT.fillTimeS),
      flowRateCm3PerS: v(OUT.flowRateCm3PerS),
      injectionRateLimited: v(OUT.injectionRateLimited) === 1,
      peakInjectionPressureMPa: v(OUT.peakInjectionPressureMPa),
      hydraulicPressureMPa: v(OUT.hydraulicPressureMPa),
      pressureDropMPa: {
        nozzle: v(OUT.nozzlePressureDropMPa),
        runner: v(OUT.runnerPressureDropMPa),
        gate: v(OUT.gatePressureDropMPa),
        cavity: v(OUT.cavityPressureDropMPa),
      },
      maxWallShearRate1s: v(OUT.maxWallShearRate1s),
      maxWallShearStressMPa: v(OUT.maxWallShearStressMPa),
      gateShearStressMPa: v(OUT.gateShearStressMPa),
      minFlowFrontTempC: v(OUT.minFlowFrontTempC),
      maxMeltTempC: v(OUT.maxMeltTempC),
      frozenLayerFraction: v(OUT.frozenLayerFraction),
    },
    pack: {
      gateFreezeTimeS: v(OUT.gateFreezeTimeS),
      sealTimeS: v(OUT.sealTimeS),
      cavityPressureAtSealMPa: v(OUT.cavityPressureAtSealMPa),
      partMassG: v(OUT.partMassG),
      shotMassG: v(OUT.shotMassG),
      volumetricShrinkagePct: v(OUT.volumetricShrinkagePct),
      linearShrinkagePct: v(OUT.linearShrinkagePct),
    },
    cooling: {
      requiredCoolingTimeS: v(OUT.requiredCoolingTimeS),
      ejectionMeanTempC: v(OUT.ejectionMeanTempC),
      plasticationTimeS: v(OUT.plasticationTimeS),
    },
    cycle: {
      movesS: v(OUT.cycleMovesS),
      fillS: v(OUT.cycleFillS),
      holdS: v(OUT.cycleHoldS),
      coolingS: v(OUT.cycleCoolingS),
      cycleTimeS: v(OUT.cycleTimeS),
    },
    clamp: {
      requiredClampForceKN: v(OUT.requiredClampForceKN),
      ratedClampForceKN: twin.machine.clampForceKN,
      clampUtilisation: v(OUT.clampUtilisation),
    },
    energy: {
      baseKWh: v(OUT.energyBaseKWh),
      plasticationKWh: v(OUT.energyPlasticationKWh),
      injectionKWh: v(OUT.energyInjectionKWh),
      movesKWh: v(OUT.energyMovesKWh),
      perShotKWh: v(OUT.energyPerShotKWh),
      perPartKWh: v(OUT.energyPerPartKWh),
      perKgKWh: v(OUT.energyPerKgKWh),
    },
    quality: {
      criticalDimension: {
        name: cd.name,
        nominalMm: cd.nominalMm,
        toleranceMm: cd.toleranceMm,
        predictedMm: v(OUT.criticalDimensionMm),
        deviationMm: v(OUT.criticalDimensionDeviationMm),
        margin: v(OUT.criticalDimensionMargin),
        withinTolerance: v(OUT.criticalDimensionMargin) > 0,
      },
      warpageMm: v(OUT.warpageMm),
    },
    defects: {
      shortShot: risk({
        "injection pressure": v(OUT.pressureMargin),
        "flow-front freeze": v(OUT.flowFrontFreezeMargin),
        "shot capacity": v(OUT.shotCapacityMargin),
      }),
      flash: risk({ "clamp force": v(OUT.clampMargin), "over-packing": v(OUT.overpackMargin) }),
      sink: risk({ "volumetric shrinkage": v(OUT.shrinkageMargin), "hold time vs gate seal": v(OUT.holdTimeMargin) }),
      burn: risk({
        "shear rate": v(OUT.shearRateMargin),
        "shear stress": v(OUT.shearStressMargin),
        "melt temperature": v(OUT.meltTempMargin),
      }),
      warpage: risk({ "warpage screen": v(OUT.warpageMarginRaw), "ejection before cooled": v(OUT.coolingMargin) }),
    },
  };
}

export type ShotResult = ReturnType<typeof readShot>;

/**
 * One shot of a twin at given settings. Checks the settings against the twin, runs the allocation-free kernel
 * and returns a nested result with units in every key. For sweeps use `compiledTwin` + `simulateShotInto`.
 */
export function simulateShot(twin: Twin, settings: ProcessSettings): ShotResult {
  checkSettings(twin, settings);
  const out = new Float64Array(OUTPUT_SIZE);
  simulateShotInto(compiledTwin(twin), toInputs(twin, settings), out);
  return readShot(twin, out);
}

import type { Twin } from "../../twin-models/resolve.ts";
import type { ProcessSettings } from "../../twin-models/schemas/process.ts";
import { describeDetail, type ErrorDetail, MoldtwinError } from "../errors.ts";
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

/** Packs settings and adjustments into the kernel's input vector (layout IN). */
export function toInputs(twin: Twin, s: ProcessSettings, into = new Float64Array(INPUT_SIZE)): Float64Array {
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
  into[IN.viscosityFactor] = a.viscosityFactor;
  into[IN.heatTransferFactor] = a.heatTransferFactor;
  into[IN.checkRingLeakageFraction] = a.checkRingLeakageFraction;
  into[IN.driveEfficiencyFactor] = a.driveEfficiencyFactor;
  into[IN.nozzleLossFactor] = a.nozzleLossFactor;
  return into;
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

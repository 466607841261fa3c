import { MoldtwinError } from "../errors.ts";
import { DEFAULT_CLAMP_SAFETY_FACTOR } from "../physics/clamp.ts";
import { coolingTimeS, plateMeanTempC } from "../physics/cooling.ts";
import { crossViscosityPaS, localPowerLawIndex, zeroShearViscosityPaS } from "../physics/crossWlf.ts";
import { erfinvFast } from "../physics/erf.ts";
import { diskPressureDropPa, stripPressureDropPa, tubePressureDropPa } from "../physics/pressureDrop.ts";
import { specificVolumeM3PerKg } from "../physics/tait.ts";
import { J_PER_KWH, KELVIN_OFFSET, M2_PER_CM2 } from "../units.ts";
import {
  type CompiledTwin,
  ROLE_CAVITY,
  ROLE_GATE,
  ROLE_NOZZLE,
  ROLE_RUNNER,
  SHAPE_DISK,
  SHAPE_TUBE,
  STEPS_PER_SEGMENT,
} from "./compile.ts";
import { heatTransferCoefficientWPerM2K } from "./heatTransfer.ts";
import { IN, OUT, OUTPUT_FIELDS, OUTPUT_SIZE } from "./layout.ts";
import { plasticatingRateM3s } from "./screw.ts";

/** Pellets enter the barrel at about room temperature (dryer hoppers: higher; stated assumption). */
const FEED_TEMP_C = 25;
/** A frozen layer that leaves less than 10 % of the gap open stops the flow: treated as gap closure. */
const MAX_FROZEN_FRACTION = 0.9;
/** Lower bound of any time used as a denominator, s. */
const MIN_TIME_S = 1e-6;

/**
 * One shot of a compiled twin: reads `inputs` (layout IN), writes `out` (layout OUT). Pure, deterministic,
 * allocation-free. Physics per molding.md: Cross-WLF (§2.1), Tait (§2.2), generalized Hele-Shaw march with
 * a growing frozen layer (§2.3–2.4), PVT packing (§2.2), cooling (§2.4), clamp (§2.5), defects (§2.6),
 * energy on a base-load line (§2.7). Throws SIM_ERR_NON_FINITE rather than emit NaN or Infinity.
 */
export function simulateShotInto(tw: CompiledTwin, inputs: Float64Array, out: Float64Array): void {
  const mat = tw.material;
  const mac = tw.machine;
  const mold = tw.mold;
  const tait = tw.tait;

  const meltSetC = inputs[IN.meltTempC]!;
  const moldC = inputs[IN.moldTempC]!;
  const injectionTimeS = inputs[IN.injectionTimeS]!;
  const vpShare = inputs[IN.vpSwitchoverPct]! / 100;
  const holdPressureMPa = inputs[IN.holdPressureMPa]!;
  const holdTimeS = inputs[IN.holdTimeS]!;
  const coolingSetS = inputs[IN.coolingTimeS]!;
  const backPressureMPa = inputs[IN.backPressureMPa]!;
  const screwSpeedRpm = inputs[IN.screwSpeedRpm]!;
  const viscosityFactor = inputs[IN.viscosityFactor]!;
  const heatTransferFactor = inputs[IN.heatTransferFactor]!;
  const leakage = inputs[IN.checkRingLeakageFraction]!;
  const driveEfficiency = mac.driveEfficiency * inputs[IN.driveEfficiencyFactor]!;
  const nozzleLossFactor = inputs[IN.nozzleLossFactor]!;
  const screwOutputFactor = inputs[IN.screwOutputFactor]!;

  const cp = mat.heatCapacityJPerKgK;
  const k = mat.thermalConductivityWPerMK;
  const meltDensity = 1 / specificVolumeM3PerKg(tait, meltSetC + KELVIN_OFFSET, 0);
  const rhoCp = meltDensity * cp;
  // Work done against back pressure is dissipated in the melt: ΔT = Δp/(ρ·cp) (steady-flow energy balance).
  const meltC = meltSetC + (backPressureMPa * 1e6) / rhoCp;
  const freezeC = tw.freezeTempC;
  const diffusivity = k / rhoCp;
  const diffusivityEff = diffusivity * heatTransferFactor;

  // ---- Fill: velocity phase up to V/P switchover at constant flow rate ----
  const fillVolumeM3 = tw.coldRunnerVolumeM3 + tw.partsVolumeM3;
  const vpVolumeM3 = fillVolumeM3 * vpShare;
  const maxRateM3s = mac.maxInjectionRateCm3PerS * 1e-6;
  let flowM3s = vpVolumeM3 / injectionTimeS;
  let rateLimited = 0;
  if (flowM3s > maxRateM3s) {
    flowM3s = maxRateM3s;
    rateLimited = 1;
  }
  const fillTimeS = vpVolumeM3 / flowM3s;

  marchFill(
    tw,
    flowM3s,
    fillTimeS,
    vpVolumeM3,
    meltC,
    moldC,
    freezeC,
    diffusivity,
    diffusivityEff,
    k,
    rhoCp,
    heatTransferFactor,
    viscosityFactor,
    nozzleLossFactor,
  );
  const pressurePa = FILL[F_PRESSURE]!;
  const nozzlePa = FILL[F_NOZZLE]!;
  const runnerPa = FILL[F_RUNNER]!;
  const gatePa = FILL[F_GATE]!;
  const cavityPa = FILL[F_CAVITY]!;
  const workJ = FILL[F_WORK]!;
  const maxShearRate = FILL[F_MAX_RATE]!;
  const maxCavityStressPa = FILL[F_CAVITY_STRESS]!;
  const gateStressPa = FILL[F_GATE_STRESS]!;
  const minFrontC = FILL[F_MIN_FRONT]!;
  const maxBulkC = FILL[F_MAX_BULK]!;
  const maxFrozenAll = FILL[F_FROZEN_ALL]!;
  const maxFrozenCavity = FILL[F_FROZEN_CAVITY]!;

  const peakPressureMPa = pressurePa / 1e6;
  const availablePressureMPa = mac.maxInjectionPressureMPa * mac.usablePressureFraction;
  const pressureMargin = 1 - peakPressureMPa / availablePressureMPa;
  const frontTempMargin = (minFrontC - freezeC) / (meltC - freezeC);
  const closureMargin = 1 - maxFrozenAll / MAX_FROZEN_FRACTION;
  const flowFrontFreezeMargin = frontTempMargin < closureMargin ? frontTempMargin : closureMargin;

  // ---- Pack: the part's state when the gate (or the part) seals fixes its mass (PVT, molding.md §2.2) ----
  const holdEffectiveMPa = holdPressureMPa * (1 - leakage);
  const packCavityMPa = holdEffectiveMPa * mold.packTransmission;
  const gateFreezeS = Math.max(
    MIN_TIME_S,
    coolingTimeS(tw.gateShape, "centre", tw.gateThicknessM, diffusivityEff, meltC, moldC, freezeC),
  );
  const partFreezeS = Math.max(
    MIN_TIME_S,
    coolingTimeS("plate", "centre", tw.thinnestCavityM, diffusivityEff, meltC, moldC, freezeC),
  );
  const naturalSealS = gateFreezeS < partFreezeS ? gateFreezeS : partFreezeS;
  // Released before the seal, the cavity pressure decays while melt flows back: modelled as the pressure
  // falling in proportion to the unused share of the seal time (stated physics-lite assumption).
  const sealS = holdTimeS < naturalSealS ? holdTimeS : naturalSealS;
  const sealPressureMPa = packCavityMPa * (holdTimeS < naturalSealS ? holdTimeS / naturalSealS : 1);
  // Each layer locks its specific volume where it stops flowing, at the pressure then acting; the sealed part
  // then contracts to room temperature at p = 0: S_v = (V(T_nf, p_seal) − V(T_room, 0)) / V(T_nf, p_seal).
  const sealVolume = specificVolumeM3PerKg(tait, freezeC + KELVIN_OFFSET, sealPressureMPa * 1e6);
  const roomVolume = tw.roomVolumeM3PerKg;
  const partMassKg = (mold.partVolumeCm3 * 1e-6) / sealVolume;
  const shotMassKg = mold.cavities * partMassKg + tw.coldRunnerVolumeM3 / sealVolume;
  const volumetricShrinkage = 1 - roomVolume / sealVolume;
  const linearShrinkage = 1 - Math.cbrt(1 - volumetricShrinkage);

  // ---- Cooling and cycle ----
  const requiredCoolingS = coolingTimeS(
    "plate",
    "centre",
    tw.wallThicknessM,
    diffusivityEff,
    meltC,
    moldC,
    mat.ejectionTempC,
  );
  const inMoldS = holdTimeS + coolingSetS;
  const coolingMarginRaw = (inMoldS - requiredCoolingS) / Math.max(requiredCoolingS, MIN_TIME_S);
  const coolingMargin = coolingMarginRaw > 1 ? 1 : coolingMarginRaw;
  const ejectionMeanC = plateMeanTempC(tw.wallThicknessM, diffusivityEff, meltC, moldC, inMoldS + 0.5 * fillTimeS);
  const shotMeltVolumeM3 = shotMassKg * specificVolumeM3PerKg(tait, meltC + KELVIN_OFFSET, 0);
  const plastRate = plasticatingRateM3s(
    tw,
    meltSetC + KELVIN_OFFSET,
    screwSpeedRpm,
    backPressureMPa * 1e6,
    viscosityFactor,
    screwOutputFactor,
  );
  // Recovery runs during cooling; a worn screw (screwOutputFactor < 1) recovers slower and lengthens the cycle
  // once recovery outlasts the cooling time.
  const plasticationS = shotMeltVolumeM3 / plastRate;
  const coolPhaseS = coolingSetS > plasticationS ? coolingSetS : plasticationS;
  const cycleS = mac.dryCycleTimeS + fillTimeS + holdTimeS + coolPhaseS;
  const shotCapacityMargin = 1 - (shotMeltVolumeM3 * 1e6) / mac.shotVolumeCm3;

  // ---- Clamp and flash (molding.md §2.5, §2.6) ----
  const cavityFillMeanMPa = (0.5 * cavityPa) / 1e6;
  const clampPressureMPa = cavityFillMeanMPa > packCavityMPa ? cavityFillMeanMPa : packCavityMPa;
  const separatingForceKN = (tw.totalProjectedAreaCm2 * M2_PER_CM2 * clampPressureMPa * 1e6) / 1000;
  const requiredClampKN = separatingForceKN * DEFAULT_CLAMP_SAFETY_FACTOR;
  const clampMargin = 1 - separatingForceKN / mac.clampForceKN;
  // Over-packing: hold pressure beyond ≈ 2× the fill pressure flashes a low-viscosity melt (molper.es).
  const overpackMargin = 1 - holdEffectiveMPa / (2 * Math.max(peakPressureMPa, 1e-3));

  // ---- Energy on a base-load line (molding.md §2.7) ----
  const baseJ = mac.basePowerKW * 1000 * cycleS;
  const meltEnthalpyJPerKg = cp * (meltC - FEED_TEMP_C) + mat.crystallinityFraction * mat.heatOfFusionJPerKg;
  const plastJ = (shotMassKg * meltEnthalpyJPerKg) / mac.plasticatingEfficiency;
  // Flow the drive delivers but the melt does not take (fixed pump over the relief valve) is lost at pressure.
  const excessFlowJ =
    mac.holdFlowFraction *
    (pressurePa * (maxRateM3s - flowM3s) * fillTimeS + holdPressureMPa * 1e6 * maxRateM3s * holdTimeS);
  const injectionJ = (workJ + excessFlowJ) / driveEfficiency;
  const movesJ = (mac.moveEnergyKJ * 1000) / driveEfficiency;
  const shotJ = baseJ + plastJ + injectionJ + movesJ;

  // ---- Quality: critical dimension, warpage screen, defect margins ----
  const criticalMm = mold.criticalDimension.cavityMm * (1 - linearShrinkage);
  const deviationMm = criticalMm - mold.criticalDimension.nominalMm;
  const toleranceMm = mold.criticalDimension.toleranceMm;
  // Warpage screen: plate bowing κ = α·ΔT/h from unequal mold halves (AnkusDrive, molding.md §2.6) over the
  // flow length, δ = κ·L²/8, plus differential shrinkage between the thickest and thinnest sections.
  const curvature = (tw.linearExpansionPerK * mold.moldHalfDeltaC) / tw.wallThicknessM;
  const bowM = (curvature * tw.partFlowLengthM * tw.partFlowLengthM) / 8;
  // Differential shrinkage: pack pressure falls from the gate to the end of flow. A linear profile whose mean
  // is the pack transmission puts the gate at the full hold pressure and the flow end at (2·t − 1) of it.
  const endPressureMPa = Math.max(0, sealPressureMPa * (2 - 1 / mold.packTransmission));
  const gatePressureMPa = sealPressureMPa / mold.packTransmission;
  const shrinkEnd = 1 - roomVolume / specificVolumeM3PerKg(tait, freezeC + KELVIN_OFFSET, endPressureMPa * 1e6);
  const shrinkGate = 1 - roomVolume / specificVolumeM3PerKg(tait, freezeC + KELVIN_OFFSET, gatePressureMPa * 1e6);
  const differentialM = (Math.abs(shrinkEnd - shrinkGate) / 3) * tw.partFlowLengthM;
  const warpageMm = (bowM + differentialM) * 1000;
  const warpageMarginRaw = 1 - warpageMm / mold.warpageLimitMm;

  const shrinkageMargin = 1 - (volumetricShrinkage * 100) / mat.sinkVolumetricShrinkagePct;
  const holdRaw = (holdTimeS - naturalSealS) / naturalSealS;
  const holdTimeMargin = holdRaw > 1 ? 1 : holdRaw;
  const shearRateMargin = 1 - maxShearRate / mat.maxShearRate1s;
  const shearStressMargin = 1 - maxCavityStressPa / 1e6 / mat.maxShearStressMPa;
  const meltTempMargin = (mat.maxMeltTempC - maxBulkC) / (mat.maxMeltTempC - freezeC);

  const o = out;
  o[OUT.fillTimeS] = fillTimeS;
  o[OUT.flowRateCm3PerS] = flowM3s * 1e6;
  o[OUT.injectionRateLimited] = rateLimited;
  o[OUT.peakInjectionPressureMPa] = peakPressureMPa;
  o[OUT.hydraulicPressureMPa] = peakPressureMPa / mac.intensificationRatio;
  o[OUT.nozzlePressureDropMPa] = nozzlePa / 1e6;
  o[OUT.runnerPressureDropMPa] = runnerPa / 1e6;
  o[OUT.gatePressureDropMPa] = gatePa / 1e6;
  o[OUT.cavityPressureDropMPa] = cavityPa / 1e6;
  o[OUT.maxWallShearRate1s] = maxShearRate;
  o[OUT.maxWallShearStressMPa] = maxCavityStressPa / 1e6;
  o[OUT.gateShearStressMPa] = gateStressPa / 1e6;
  o[OUT.minFlowFrontTempC] = minFrontC;
  o[OUT.maxMeltTempC] = maxBulkC;
  o[OUT.frozenLayerFraction] = maxFrozenCavity;
  o[OUT.gateFreezeTimeS] = gateFreezeS;
  o[OUT.sealTimeS] = sealS;
  o[OUT.cavityPressureAtSealMPa] = sealPressureMPa;
  o[OUT.partMassG] = partMassKg * 1000;
  o[OUT.shotMassG] = shotMassKg * 1000;
  o[OUT.volumetricShrinkagePct] = volumetricShrinkage * 100;
  o[OUT.linearShrinkagePct] = linearShrinkage * 100;
  o[OUT.requiredCoolingTimeS] = requiredCoolingS;
  o[OUT.ejectionMeanTempC] = ejectionMeanC;
  o[OUT.plasticationTimeS] = plasticationS;
  o[OUT.cycleMovesS] = mac.dryCycleTimeS;
  o[OUT.cycleFillS] = fillTimeS;
  o[OUT.cycleHoldS] = holdTimeS;
  o[OUT.cycleCoolingS] = coolPhaseS;
  o[OUT.cycleTimeS] = cycleS;
  o[OUT.requiredClampForceKN] = requiredClampKN;
  o[OUT.clampUtilisation] = requiredClampKN / mac.clampForceKN;
  o[OUT.energyBaseKWh] = baseJ / J_PER_KWH;
  o[OUT.energyPlasticationKWh] = plastJ / J_PER_KWH;
  o[OUT.energyInjectionKWh] = injectionJ / J_PER_KWH;
  o[OUT.energyMovesKWh] = movesJ / J_PER_KWH;
  o[OUT.energyPerShotKWh] = shotJ / J_PER_KWH;
  o[OUT.energyPerPartKWh] = shotJ / J_PER_KWH / mold.cavities;
  o[OUT.energyPerKgKWh] = shotJ / J_PER_KWH / shotMassKg;
  o[OUT.criticalDimensionMm] = criticalMm;
  o[OUT.criticalDimensionDeviationMm] = deviationMm;
  o[OUT.warpageMm] = warpageMm;
  o[OUT.pressureMargin] = pressureMargin;
  o[OUT.flowFrontFreezeMargin] = flowFrontFreezeMargin;
  o[OUT.shotCapacityMargin] = shotCapacityMargin;
  o[OUT.clampMargin] = clampMargin;
  o[OUT.overpackMargin] = overpackMargin;
  o[OUT.shrinkageMargin] = shrinkageMargin;
  o[OUT.holdTimeMargin] = holdTimeMargin;
  o[OUT.shearRateMargin] = shearRateMargin;
  o[OUT.shearStressMargin] = shearStressMargin;
  o[OUT.meltTempMargin] = meltTempMargin;
  o[OUT.coolingMargin] = coolingMargin;
  o[OUT.warpageMarginRaw] = warpageMarginRaw;
  o[OUT.shortShotMargin] = Math.min(pressureMargin, flowFrontFreezeMargin, shotCapacityMargin);
  o[OUT.flashMargin] = Math.min(clampMargin, overpackMargin);
  o[OUT.sinkMargin] = Math.min(shrinkageMargin, holdTimeMargin);
  o[OUT.burnMargin] = Math.min(shearRateMargin, shearStressMargin, meltTempMargin);
  o[OUT.warpageMargin] = Math.min(warpageMarginRaw, coolingMargin);
  o[OUT.criticalDimensionMargin] = 1 - Math.abs(deviationMm) / toleranceMm;

  for (let f = 0; f < OUTPUT_SIZE; f++) {
    if (!Number.isFinite(o[f]!)) {
      throw new MoldtwinError(
        "SIM_ERR_NON_FINITE",
        `shot output ${OUTPUT_FIELDS[f]} is ${o[f]}: input outside the model's validity`,
        [{ field: OUTPUT_FIELDS[f]!, value: String(o[f]), allowed: "a finite number" }],
      );
    }
  }
}

/** Results of the fill march, passed through a module scratch vector so the march returns no boxed doubles. */
const F_PRESSURE = 0;
const F_NOZZLE = 1;
const F_RUNNER = 2;
const F_GATE = 3;
const F_CAVITY = 4;
const F_WORK = 5;
const F_MAX_RATE = 6;
const F_CAVITY_STRESS = 7;
const F_GATE_STRESS = 8;
const F_MIN_FRONT = 9;
const F_MAX_BULK = 10;
const F_FROZEN_ALL = 11;
const F_FROZEN_CAVITY = 12;
const FILL = new Float64Array(13);

/**
 * Non-isothermal generalized Hele-Shaw march from the nozzle to the flow front at V/P switchover (molding.md
 * §2.3–2.4). Kept apart from the kernel so V8 can inline the per-step physics into it (its own inlining budget).
 */
function marchFill(
  tw: CompiledTwin,
  flowM3s: number,
  fillTimeS: number,
  vpVolumeM3: number,
  meltC: number,
  moldC: number,
  freezeC: number,
  diffusivity: number,
  diffusivityEff: number,
  k: number,
  rhoCp: number,
  heatTransferFactor: number,
  viscosityFactor: number,
  nozzleLossFactor: number,
): void {
  const cross = tw.cross;
  let tempC = meltC;
  let pressurePa = 0;
  let nozzlePa = 0;
  let runnerPa = 0;
  let gatePa = 0;
  let cavityPa = 0;
  let filledM3 = 0;
  let coldDistanceM = 0;
  let workJ = 0;
  let maxShearRate = 0;
  let maxCavityStressPa = 0;
  let gateStressPa = 0;
  let minFrontC = meltC;
  let maxBulkC = meltC;
  let maxFrozenAll = 0;
  let maxFrozenCavity = 0;
  let reachedVp = false;

  for (let i = 0; i < tw.segmentCount && !reachedVp; i++) {
    const shape = tw.shape[i]!;
    const role = tw.role[i]!;
    const cold = tw.heated[i] === 0;
    const branchFlow = flowM3s / tw.branches[i]!;
    const steps = role === ROLE_NOZZLE ? 1 : STEPS_PER_SEGMENT;
    const fillScale = role === ROLE_CAVITY ? tw.cavityVolumeScale : 1;
    const segmentFillM3 = cold ? tw.branchVolumeM3[i]! * tw.branches[i]! * fillScale : 0;
    const lengthM = tw.lengthM[i]!;
    const gapM = shape === SHAPE_TUBE ? 2 * tw.radiusM[i]! : tw.thicknessM[i]!;
    const r0 = tw.innerRadiusM[i]!;
    const r1 = tw.outerRadiusM[i]!;

    for (let j = 0; j < steps && !reachedVp; j++) {
      const stepFullFillM3 = segmentFillM3 / steps;
      let part = 1;
      if (stepFullFillM3 > 0 && filledM3 + stepFullFillM3 >= vpVolumeM3) {
        part = (vpVolumeM3 - filledM3) / stepFullFillM3;
        reachedVp = true;
      }
      const stepFillM3 = stepFullFillM3 * part;

      // Step geometry (one branch). A disk step is a ring; truncation keeps its area share.
      let stepLengthM = (lengthM / steps) * part;
      let ringInner = 0;
      let ringOuter = 0;
      let stepVolumeM3 = 0;
      let crossSectionM2 = 0;
      if (shape === SHAPE_DISK) {
        ringInner = r0 + ((r1 - r0) * j) / steps;
        const fullOuter = r0 + ((r1 - r0) * (j + 1)) / steps;
        ringOuter = Math.sqrt(ringInner * ringInner + part * (fullOuter * fullOuter - ringInner * ringInner));
        stepLengthM = ringOuter - ringInner;
        stepVolumeM3 = Math.PI * (ringOuter * ringOuter - ringInner * ringInner) * gapM;
        crossSectionM2 = Math.PI * (ringInner + ringOuter) * gapM;
      } else if (shape === SHAPE_TUBE) {
        crossSectionM2 = (Math.PI * gapM * gapM) / 4;
        stepVolumeM3 = crossSectionM2 * stepLengthM;
      } else {
        crossSectionM2 = tw.widthM[i]! * gapM;
        stepVolumeM3 = crossSectionM2 * stepLengthM;
      }

      // Melt-to-wall heat transfer of this step; it sets both the skin's steady thickness and the bulk cooling.
      let frozenM = 0;
      let hWPerM2K = 0;
      const isTube = shape === SHAPE_TUBE;
      const hydraulicDiameterM = isTube ? gapM : 2 * gapM;
      const cooled = cold && role !== ROLE_NOZZLE;
      if (cooled) {
        const velocity = branchFlow / crossSectionM2;
        const distance = coldDistanceM + 0.5 * stepLengthM;
        hWPerM2K =
          heatTransferFactor *
          heatTransferCoefficientWPerM2K(isTube, hydraulicDiameterM, velocity, distance, diffusivity, k);
      }
      const halfGap = gapM / 2;
      const cap = MAX_FROZEN_FRACTION * halfGap;
      const contactS = fillTimeS - (filledM3 + 0.5 * stepFillM3) / flowM3s;
      const residenceS = stepVolumeM3 / branchFlow;
      const lossRate = cooled ? (hWPerM2K * (isTube ? 4 / gapM : 2 / gapM)) / rhoCp : 0;

      // Predictor-corrector: the step's skin and viscosity are taken at its mean bulk temperature. Evaluated at
      // the inlet alone, a thick skin's large Δp reheats the next step and the march oscillates.
      const inletC = tempC;
      let stepC = inletC;
      let outletC = inletC;
      let dp = 0;
      let wallRate = 0;
      let etaWall = 0;
      for (let pass = 0; pass < 2; pass++) {
        // Frozen layer at the end of the velocity phase (Carslaw & Jaeger semi-infinite conduction, capped by the
        // steady thickness where conduction through the skin balances heat brought by the flowing melt).
        frozenM = 0;
        if (cooled) {
          if (stepC <= freezeC + 1e-9) {
            frozenM = cap;
          } else {
            const theta = (freezeC - moldC) / (stepC - moldC);
            const conduction =
              theta > 0 && contactS > 0 ? 2 * Math.sqrt(diffusivityEff * contactS) * erfinvFast(theta) : 0;
            const steady = theta > 0 ? (k * (freezeC - moldC)) / (hWPerM2K * (stepC - freezeC)) : 0;
            frozenM = conduction > 0 ? (conduction * steady) / Math.sqrt(conduction * conduction + steady * steady) : 0;
            if (frozenM > cap) frozenM = cap;
          }
        }

        // Generalized Hele-Shaw: Cross-WLF at the wall shear rate, local power-law index, closed-form Δp.
        const openGapM = gapM - 2 * frozenM;
        const eta0 = zeroShearViscosityPaS(cross, stepC + KELVIN_OFFSET, 0, viscosityFactor);
        let apparent = 0;
        if (isTube) {
          const r = openGapM / 2;
          apparent = (4 * branchFlow) / (Math.PI * r * r * r);
        } else {
          const width = shape === SHAPE_DISK ? Math.PI * (ringInner + ringOuter) : tw.widthM[i]!;
          apparent = (6 * branchFlow) / (width * openGapM * openGapM);
        }
        let nLocal = localPowerLawIndex(cross, eta0, apparent);
        wallRate = rabinowitsch(isTube, nLocal) * apparent;
        nLocal = localPowerLawIndex(cross, eta0, wallRate);
        wallRate = rabinowitsch(isTube, nLocal) * apparent;
        etaWall = crossViscosityPaS(cross, eta0, wallRate);
        const consistency = etaWall * wallRate ** (1 - nLocal);
        if (isTube) dp = tubePressureDropPa(consistency, nLocal, branchFlow, stepLengthM, openGapM / 2);
        else if (shape === SHAPE_DISK)
          dp = diskPressureDropPa(consistency, nLocal, branchFlow, ringInner, ringOuter, openGapM);
        else dp = stripPressureDropPa(consistency, nLocal, branchFlow, stepLengthM, tw.widthM[i]!, openGapM);
        if (role === ROLE_NOZZLE) dp *= nozzleLossFactor;

        // Bulk temperature along the path: wall losses plus viscous dissipation. Over a step all pressure work
        // turns into heat, Δp/(ρ·cp), spread over the residence time; exact solution of the linear ODE
        // dT/dt = −a·(T − Tw) + S across the step. Heated segments are adiabatic.
        if (cooled) {
          const source = dp / rhoCp / residenceS;
          const equilibriumC = moldC + source / lossRate;
          outletC = equilibriumC + (inletC - equilibriumC) * Math.exp(-lossRate * residenceS);
        } else {
          outletC = inletC + dp / rhoCp;
        }
        stepC = 0.5 * (inletC + outletC);
      }

      if (cooled) {
        const fraction = frozenM / halfGap;
        if (fraction > maxFrozenAll) maxFrozenAll = fraction;
        if (role === ROLE_CAVITY && fraction > maxFrozenCavity) maxFrozenCavity = fraction;
        coldDistanceM += stepLengthM;
        if (outletC < minFrontC) minFrontC = outletC;
      }
      const wallStressPa = etaWall * wallRate;
      if (wallRate > maxShearRate) maxShearRate = wallRate;
      if (role === ROLE_CAVITY && wallStressPa > maxCavityStressPa) maxCavityStressPa = wallStressPa;
      if (role === ROLE_GATE && wallStressPa > gateStressPa) gateStressPa = wallStressPa;
      if (role === ROLE_NOZZLE) nozzlePa += dp;
      else if (role === ROLE_RUNNER) runnerPa += dp;
      else if (role === ROLE_GATE) gatePa += dp;
      else cavityPa += dp;
      pressurePa += dp;
      // Injection work ∫p dV: the pressure needed while this volume filled ≈ the drop up to here (upper skins
      // were thinner then, so this slightly overstates it).
      workJ += pressurePa * stepFillM3;
      tempC = outletC;
      if (tempC > maxBulkC) maxBulkC = tempC;
      filledM3 += stepFillM3;
    }
  }

  FILL[F_PRESSURE] = pressurePa;
  FILL[F_NOZZLE] = nozzlePa;
  FILL[F_RUNNER] = runnerPa;
  FILL[F_GATE] = gatePa;
  FILL[F_CAVITY] = cavityPa;
  FILL[F_WORK] = workJ;
  FILL[F_MAX_RATE] = maxShearRate;
  FILL[F_CAVITY_STRESS] = maxCavityStressPa;
  FILL[F_GATE_STRESS] = gateStressPa;
  FILL[F_MIN_FRONT] = minFrontC;
  FILL[F_MAX_BULK] = maxBulkC;
  FILL[F_FROZEN_ALL] = maxFrozenAll;
  FILL[F_FROZEN_CAVITY] = maxFrozenCavity;
}

/** Rabinowitsch correction from apparent to true wall shear rate: (3n+1)/(4n) tube, (2n+1)/(3n) slit. */
function rabinowitsch(tube: boolean, n: number): number {
  return tube ? (3 * n + 1) / (4 * n) : (2 * n + 1) / (3 * n);
}

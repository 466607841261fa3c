/**
 * Public API of the engine: pure kernels and their orchestration. Adapters (CLI, HTTP, OPC UA, store) and the
 * viewer import from here; nothing here imports them.
 */

export * as calibration from "./calibrate/index.ts";
export { type ContractResult, runContract, simulateScenario } from "./contracts/contract.ts";
export { type ContractModel, compileContract } from "./contracts/model.ts";
export { type PilotResult, shadowPilot } from "./contracts/pilot.ts";
export { capitalCostPerPressMonth, evaluatePnl, type RunPnl, slaPenalty, tierTerms } from "./contracts/pnl.ts";
export { type PricingResult, priceContract } from "./contracts/pricing.ts";
export { simulateOutcomes } from "./contracts/simulate.ts";
export { proportion, summarize, tailRisk } from "./contracts/stats.ts";
export {
  describeDetail,
  ERROR_CODES,
  type ErrorCode,
  type ErrorDetail,
  MoldtwinError,
} from "./errors.ts";
export { addDays, daysBetween } from "./fleet/calendar.ts";
export { buildFleet, type Fleet, type FleetPress } from "./fleet/fleet.ts";
export { type ComponentForecast, type ForecastResult, forecast, forecastFleet } from "./fleet/forecast.ts";
export { forecastFleetParallel } from "./fleet/parallel.ts";
export { backtest, type PdmResult, pdmBacktest } from "./fleet/pdmBacktest.ts";
export type { WorkOrder } from "./fleet/workOrders.ts";
export * as kpi from "./kpi/index.ts";
export { type CompiledTwin, compileTwin } from "./molding/compile.ts";
export { simulateShotInto } from "./molding/kernel.ts";
export { DEFECTS, IN, INPUT_FIELDS, INPUT_SIZE, OUT, OUTPUT_FIELDS, OUTPUT_SIZE } from "./molding/layout.ts";
export {
  AT_RISK_MARGIN,
  checkSettings,
  compiledTwin,
  type DefectRisk,
  readShot,
  type ShotResult,
  simulateShot,
  toInputs,
} from "./molding/simulateShot.ts";
export { starterSettings } from "./molding/starterSettings.ts";
export { type ClampForce, clampForce, DEFAULT_CLAMP_SAFETY_FACTOR } from "./physics/clamp.ts";
export {
  type CoolingCriterion,
  type CoolingShape,
  coolingTimeS,
  diffusivityM2s,
  plateMeanTempC,
} from "./physics/cooling.ts";
export {
  crossViscosityPaS,
  crossWlfViscosityPaS,
  localPowerLawIndex,
  zeroShearViscosityPaS,
} from "./physics/crossWlf.ts";
export * from "./physics/pressureDrop.ts";
export { densityKgPerM3, specificVolumeM3PerKg, TAIT_C, transitionTempK } from "./physics/tait.ts";
export * from "./reliability/bounds.ts";
export * from "./reliability/competingRisks.ts";
export * from "./reliability/distributions.ts";
export * from "./reliability/fit.ts";
export * from "./reliability/growth.ts";
export * from "./reliability/kaplanMeier.ts";
export * from "./reliability/lifeData.ts";
export * from "./reliability/lifeMetrics.ts";
export * from "./reliability/lifeStress.ts";
export * from "./reliability/mcf.ts";
export * from "./reliability/replacement.ts";
export * from "./reliability/stressStrength.ts";
export { type DemandPlan, planDemand } from "./spares/demandPlan.ts";
export * from "./spares/intermittent.ts";
export {
  evaluateMetric,
  type MetricAllocation,
  type MetricEvaluation,
  type MetricProblem,
  metricAllocate,
  metricCurve,
} from "./spares/metric.ts";
export { simulateBaseStock, simulateMetric } from "./spares/metricSimulation.ts";
export { planSpares, type SparesResult, type StockPlan } from "./spares/spares.ts";
export {
  baseStockForAvailability,
  baseStockForFillRate,
  baseStockForServiceLevel,
  baseStockFromSamples,
  evaluateBaseStock,
} from "./spares/stocking.ts";
export * from "./units.ts";
export * from "./wear/archard.ts";
export * from "./wear/arrhenius.ts";
export * from "./wear/bearing.ts";
export {
  abrasiveness,
  checkDuty,
  MAX_LIFE_H,
  pfSignature,
} from "./wear/common.ts";
export {
  appliesTo,
  type ComponentLife,
  componentLife,
  componentsFor,
  FEEDBACK_KINDS,
  socketsOn,
  wornAdjustments,
} from "./wear/component.ts";
export { type Duty, dutyOf } from "./wear/duty.ts";
export * from "./wear/hydraulic.ts";
export * from "./wear/mold.ts";
export { dutyFromOutputs } from "./wear/shotDuty.ts";

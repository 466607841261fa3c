/**
 * Twin calibration and drift detection: fit TwinAdjustments to observed cycles (Levenberg–Marquardt with
 * uncertainty), predict held-out settings, recalibrate on a sliding window, chart residuals by CUSUM or EWMA.
 */

export {
  type Calibration,
  type CalibrationOptions,
  calibrate,
  type HeldParameter,
  INITIAL_PRIORITY,
  MIN_CYCLES,
  type ObservedCycle,
  ONLINE_PRIORITY,
  type OutputStats,
  type ParameterEstimate,
  type Prediction,
  predict,
  recalibrate,
} from "./calibrate.ts";
export { DEMO_HIDDEN, DEMO_MASS_TOLERANCE, type DemoOptions, type DemoResult, runCalibrationDemo } from "./demo.ts";
export { calibrationDesign } from "./design.ts";
export {
  cusumArl,
  DRIFT_DEFAULTS,
  type DriftAlert,
  type DriftMethod,
  DriftMonitor,
  type DriftOptions,
  ewmaChart,
  ewmaLimit,
  monitorPress,
  type OnlineOptions,
  type OnlineResult,
  type Recalibration,
  tabularCusum,
} from "./drift.ts";
export { type LmOptions, type LmParameter, type LmProblem, type LmResult, levenbergMarquardt } from "./lm.ts";
export {
  CALIBRATION_PARAMETERS,
  type CalibrationParameter,
  DEFAULT_MEASUREMENT_SD,
  type MeasurementSd,
  OBSERVED_OUTPUTS,
  type ObservedOutput,
  OUTPUT_UNITS,
} from "./observables.ts";
export { type SimulatedPress, type SimulatedPressSpec, simulatedPress } from "./simulatedPress.ts";

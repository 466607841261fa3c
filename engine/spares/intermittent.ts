/**
 * Intermittent-demand forecasting for spare parts (reliability.md §1.13): the public names in one place.
 *
 * - forecastIntermittent: Croston, SBA, SBJ, TSB, ADIDA, IMAPA (intermittentMethods.ts, conventions there);
 * - classifyDemand: Syntetos–Boylan–Croston ADI / CV² classes (demandClass.ts);
 * - rollingOriginBacktest, bestMethod: MASE, bias and sPIS over rolling origins (backtest.ts).
 */
export {
  BACKTEST_DEFINITIONS,
  type BacktestOptions,
  type BacktestResult,
  bestMethod,
  defaultMinTrain,
  rollingOriginBacktest,
} from "./backtest.ts";
export { ADI_CUTOFF, CV2_CUTOFF, classifyDemand, type DemandClass } from "./demandClass.ts";
export { demandSeries, meanInterDemandInterval, roundHalfEven } from "./demandSeries.ts";
export {
  crostonBiasFactor,
  DEFAULT_ALPHA,
  DEFAULT_BETA,
  forecastIntermittent,
  INTERMITTENT_METHODS,
  type IntermittentForecast,
  type IntermittentMethod,
  type IntermittentOptions,
  simpleExponentialSmoothing,
} from "./intermittentMethods.ts";

/**
 * Reliability benchmarks (npm run bench). Prints figures; never asserts on time. Fixed seeds, so runs compare.
 *  - Weibull 2P MLE (profile-likelihood root + Fisher bounds) on 10⁵ right-censored points;
 *  - fleet forecast: 1,000 presses (the Case A plant repeated), 5-year horizon, every wear part, 1,000 Monte Carlo
 *    runs, in this thread and on 2 pool workers (identical results);
 *  - PdM backtest of the Case A fleet over 5 years.
 */
import { fileURLToPath } from "node:url";
import { readJsonFile } from "../adapters/cli/io.ts";
import { loadPlant } from "../adapters/plantFile.ts";
import { forecastFleetParallel } from "../engine/fleet/parallel.ts";
import { pdmBacktest } from "../engine/fleet/pdmBacktest.ts";
import { fitDistribution } from "../engine/reliability/fit.ts";
import { lifeData } from "../engine/reliability/lifeData.ts";
import { closeSweepPools } from "../engine/sweep/pool.ts";
import { uniform01 } from "../engine/sweep/random.ts";
import { ForecastScenario, PdmScenario } from "../twin-models/schemas/forecast.ts";
import { parse } from "../twin-models/validate.ts";

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeMs(f: () => void, runs: number): number {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    f();
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** 10⁵ Weibull(α = 1000 h, β = 1.8) lives, right-censored at a uniform inspection time up to 1,500 h. */
function censoredSample(n: number) {
  const failures: number[] = [];
  const right: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = 1000 * (-Math.log(uniform01(42, 1, i, 0))) ** (1 / 1.8);
    const c = 1500 * uniform01(42, 1, i, 1);
    if (t <= c) failures.push(t);
    else right.push(c);
  }
  return lifeData({ failures, right });
}

console.log(`moldtwin reliability bench — Node ${process.version}`);
const data = censoredSample(100_000);
fitDistribution(data, "weibull2p"); // warm-up
let fitted = fitDistribution(data, "weibull2p");
const fitMs = timeMs(() => {
  fitted = fitDistribution(data, "weibull2p");
}, 7);
console.log(
  `  Weibull 2P fit, 10⁵ points (${data.failures.length} failures, ${data.right.length} right-censored): ` +
    `${fitMs.toFixed(1)} ms (median of 7) → α ${fitted.params.alpha!.toFixed(1)} h, β ${fitted.params.beta!.toFixed(4)} (true 1000, 1.8)`,
);

const scenarioPath = fileURLToPath(new URL("../scenarios/case-a-forecast.json", import.meta.url));
const base = parse(ForecastScenario, readJsonFile(scenarioPath, "scenario"), "scenario");
const plant = loadPlant();
const big = { ...base, fleetSize: 1000, horizonMonths: 60, runs: 1000 };
const seconds: number[] = [];
for (const workers of [0, 2]) {
  const t0 = performance.now();
  const r = await forecastFleetParallel(plant, big, { workers });
  const s = (performance.now() - t0) / 1000;
  seconds.push(s);
  const sockets = r.components.reduce((a, c) => a + c.sockets, 0);
  console.log(
    `  forecast: 1,000 presses × 5 years × ${big.runs} runs, ${workers === 0 ? "this thread" : `${workers} workers`}: ${s.toFixed(2)} s ` +
      `(${r.components.length} press-components, ${sockets} sockets, ${r.fleet.expectedFailures.toFixed(0)} expected failures, ` +
      `${Math.round((sockets * big.runs) / s).toLocaleString("en")} socket-runs/s)`,
  );
}
console.log(`  forecast speed-up on 2 workers: ${(seconds[0]! / seconds[1]!).toFixed(2)}×`);
await closeSweepPools();

const pdmPath = fileURLToPath(new URL("../scenarios/case-a-pdm-backtest.json", import.meta.url));
const pdmScenario = parse(PdmScenario, readJsonFile(pdmPath, "scenario"), "scenario");
const t0 = performance.now();
const b = pdmBacktest(plant, pdmScenario);
console.log(
  `  PdM backtest, Case A, ${b.years} years, ${b.sockets} sockets: ${((performance.now() - t0) / 1000).toFixed(2)} s → ` +
    `hit rate ${(100 * b.hitRate).toFixed(1)} % (target ≥ 70), precision ${(100 * b.precision).toFixed(1)} % (≥ 50), ` +
    `median lead ${b.lead.medianH.toFixed(0)} h (≥ 72)`,
);

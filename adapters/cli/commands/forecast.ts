import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import type { ForecastResult } from "../../../engine/fleet/forecast.ts";
import { forecastFleetParallel } from "../../../engine/fleet/parallel.ts";
import type { WorkOrder } from "../../../engine/fleet/workOrders.ts";
import { closeSweepPools, defaultWorkers } from "../../../engine/sweep/pool.ts";
import { ForecastScenario } from "../../../twin-models/schemas/forecast.ts";
import { parse } from "../../../twin-models/validate.ts";
import { toCsv } from "../../csv.ts";
import { loadPlantRef } from "../../plantFile.ts";
import { lineChart } from "../../svg/chart.ts";
import { REDIS_OPTION, withDistributed } from "../distributed.ts";
import { columns, eur, fmt, printJson, readJsonFile, run } from "../io.ts";
import { progressReporter } from "../progress.ts";
import { parseWorkers } from "./window.ts";

/** Press-runs below which the pool costs more to start than it saves. */
const POOL_THRESHOLD_PRESS_RUNS = 200_000;

/**
 * `moldtwin forecast <scenario.json>`: per press and wear part, the failure probability over the horizon,
 * expected failures per month, remaining life P10/P50/P90 and the cost-optimal preventive interval; suggested
 * work orders as JSON and CSV for an EAM/CMMS; a chart of expected failures per month.
 */

export const WORK_ORDER_COLUMNS: (keyof WorkOrder & string)[] = [
  "id",
  "asset",
  "assetName",
  "cell",
  "component",
  "componentName",
  "partNumber",
  "quantity",
  "dueDate",
  "orderPartsBy",
  "labourHours",
  "estimatedCostEur",
  "priority",
  "trigger",
  "failureProbabilityByDue",
  "reason",
];

export function writeWorkOrders(path: string, orders: WorkOrder[]): void {
  const rounded = orders.map((w) => ({
    ...w,
    estimatedCostEur: Math.round(w.estimatedCostEur),
    failureProbabilityByDue: Number(w.failureProbabilityByDue.toFixed(3)),
  }));
  writeFileSync(
    path,
    path.endsWith(".json") ? `${JSON.stringify(rounded, null, 2)}\n` : toCsv(rounded, WORK_ORDER_COLUMNS),
  );
}

/** Most part kinds drawn as their own line; the rest are summed into "other kinds" so the legend stays legible. */
const CHART_KINDS = 5;

export function forecastChartSvg(r: ForecastResult): string {
  const months = r.fleet.expectedFailuresPerMonth.map((_, m) => m + 1);
  const kinds = [...r.fleet.byKind].sort((a, b) => b.expectedFailures - a.expectedFailures);
  const shown = kinds.slice(0, CHART_KINDS);
  const other = months.map((_, m) => kinds.slice(CHART_KINDS).reduce((a, k) => a + k.expectedFailuresPerMonth[m]!, 0));
  const line = (name: string, values: number[]) => ({
    name,
    points: months.map((m, i) => [m, values[i]!] as const),
    markers: false,
  });
  return lineChart({
    title: `Expected failures per month — ${r.presses} presses from ${r.asOf}`,
    xLabel: `month (${r.runs} Monte Carlo runs, seed ${r.seed})`,
    yLabel: "expected failures",
    yMin: 0,
    series: [
      line("all parts", r.fleet.expectedFailuresPerMonth),
      ...shown.map((k) => line(k.kind, k.expectedFailuresPerMonth)),
      ...(kinds.length > CHART_KINDS ? [line("other kinds", other)] : []),
    ],
  });
}

export function forecastReport(r: ForecastResult, top = 15): string {
  let s = `moldtwin forecast — ${r.plant} as of ${r.asOf}, ${r.horizonMonths} months, ${r.presses} presses\n`;
  s += `  ${r.runs} Monte Carlo runs (seed ${r.seed}); ${fmt(r.operatingHoursPerDay)} operating h/day\n`;
  s += `  expected failures over the horizon: ${fmt(r.fleet.expectedFailures)}; maintenance cost as is ${eur(r.fleet.expectedCostEur.asIs)}, with preventive replacement ${eur(r.fleet.expectedCostEur.withPreventive)}\n\n`;
  s += "  by part kind (expected failures over the horizon):\n";
  for (const k of [...r.fleet.byKind].sort((a, b) => b.expectedFailures - a.expectedFailures)) {
    s += `    ${k.kind.padEnd(24)} ${fmt(k.expectedFailures)}\n`;
  }
  const risky = [...r.components].sort((a, b) => b.failureProbability - a.failureProbability).slice(0, top);
  s += `\n  highest failure risk within the horizon (top ${risky.length}):\n`;
  const head = ["press", "component", "P(fail)", "RUL P10/P50/P90 (d)", "PM interval (d)"];
  const rows = risky.map((c) => [
    c.press,
    c.component,
    `${fmt(100 * c.failureProbability)} %`,
    `${fmt(c.remainingLifeDays.p10)} / ${fmt(c.remainingLifeDays.p50)} / ${fmt(c.remainingLifeDays.p90)}`,
    c.preventive.optimalIntervalDays === null ? "run to failure" : fmt(c.preventive.optimalIntervalDays),
  ]);
  s += columns(head, rows);
  s += `\n  work orders due within the window: ${r.workOrders.length}\n`;
  s += columns(
    ["id", "due", "asset", "component", "qty", "priority", "reason"],
    r.workOrders
      .slice(0, top)
      .map((w) => [w.id, w.dueDate, w.asset, w.component, String(w.quantity), w.priority, w.reason]),
  );
  if (r.workOrders.length > top) s += `    … ${r.workOrders.length - top} more (--work-orders file.csv)\n`;
  for (const w of r.warnings) s += `  warning: ${w}\n`;
  return s;
}

/** The object `forecast --json` prints; the HTTP job runner (adapters/http/jobWorker.ts) returns the same. */
export function forecastJson(sc: ForecastScenario, r: ForecastResult, workers: number, files: Record<string, string>) {
  return { scenario: sc.name, ...r, workers, files };
}

export function registerForecast(program: Command): void {
  program
    .command("forecast <scenario>")
    .description(
      "fleet failure forecast: risk, remaining life, preventive intervals and work orders per press and part",
    )
    .option("--work-orders <file>", "write the suggested work orders (.csv, or .json)")
    .option("--svg <file.svg>", "write expected failures per month as a chart")
    .option("--workers <n>", "worker threads (0 = this thread; default: all cores for large fleets)")
    .option(...REDIS_OPTION)
    .option("--json", "print one JSON object")
    .action(async (scenarioPath: string, o) =>
      run(Boolean(o.json), async () => {
        const sc = parse(ForecastScenario, readJsonFile(scenarioPath, "scenario"), "scenario");
        const plant = loadPlantRef(sc.plant, scenarioPath);
        const presses = sc.fleetSize ?? plant.cells.reduce((n, c) => n + c.presses.length, 0);
        const large = presses * sc.runs * Math.max(1, sc.horizonMonths / 12) >= POOL_THRESHOLD_PRESS_RUNS;
        let workers = o.workers === undefined ? (large ? defaultWorkers() : 0) : parseWorkers(o.workers, 0);
        const progress = progressReporter(process.stderr, "presses");
        let r: ForecastResult;
        try {
          r = await withDistributed(
            o.redis,
            async ({ executor, slots }) => {
              const f = await forecastFleetParallel(plant, sc, {
                workers,
                executor,
                onProgress: (p) => progress.update("forecast", p.done, p.total),
              });
              workers = slots() ?? workers;
              return f;
            },
            { exitOnSigint: true },
          );
        } finally {
          progress.stop();
          await closeSweepPools();
        }
        if (o.workOrders) writeWorkOrders(o.workOrders, r.workOrders);
        if (o.svg) writeFileSync(o.svg, forecastChartSvg(r));
        const files = { ...(o.workOrders ? { workOrders: o.workOrders } : {}), ...(o.svg ? { svg: o.svg } : {}) };
        if (o.json) printJson(forecastJson(sc, r, workers, files));
        else {
          process.stdout.write(forecastReport(r));
          for (const [k, v] of Object.entries(files)) process.stdout.write(`${k}: ${v}\n`);
        }
      }),
    );
}

import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { planSpares, type Requisition, type SparesResult } from "../../../engine/spares/spares.ts";
import { SparesScenario } from "../../../twin-models/schemas/spares.ts";
import { parse } from "../../../twin-models/validate.ts";
import { toCsv } from "../../csv.ts";
import { loadPlantRef } from "../../plantFile.ts";
import { lineChart } from "../../svg/chart.ts";
import { columns, eur, fmt, pct, printJson, readJsonFile, run } from "../io.ts";
import { progressReporter } from "../progress.ts";

/**
 * `moldtwin spares <scenario.json>`: demand per part number and warehouse, stock levels for each availability
 * target (two-echelon, confirmed by simulation), the cost-vs-availability curve and purchase requisitions.
 */

export const REQUISITION_COLUMNS: (keyof Requisition & string)[] = [
  "id",
  "partNumber",
  "name",
  "location",
  "quantity",
  "unitCostEur",
  "valueEur",
  "orderDate",
  "expectedDelivery",
  "plan",
  "reason",
];

export function writeRequisitions(path: string, rows: Requisition[]): void {
  writeFileSync(path, path.endsWith(".json") ? `${JSON.stringify(rows, null, 2)}\n` : toCsv(rows, REQUISITION_COLUMNS));
}

export function sparesChartSvg(r: SparesResult): string {
  const maxK = Math.max(...r.curve.map((p) => p.costEur / 1e3), ...r.plans.map((p) => p.stockValueEur / 1e3), 1);
  return lineChart({
    title: "Spare parts: stock value vs press availability",
    xLabel: `stock value, kEUR — greedy marginal allocation, ${r.stockingMethod} two-echelon model`,
    yLabel: "press availability, %",
    series: [
      {
        name: `${r.name} (points: the stock plans)`,
        points: r.curve.map((p) => [p.costEur / 1e3, 100 * p.availability] as const),
        markers: false,
      },
    ],
    xMin: 0,
    xMax: 1.3 * maxK,
    // The curve's interesting part: from some points below the lowest plan (zero stock is far below).
    yMin: Math.max(0, Math.floor(100 * Math.min(...r.plans.map((p) => p.availability))) - 10),
    yMax: 100,
    hLines: r.plans
      .filter((p) => p.targetAvailability !== null)
      .map((p) => ({ value: 100 * p.targetAvailability!, label: `target ${p.label}`, dashed: true })),
    points: r.plans.map((p) => ({
      x: p.stockValueEur / 1e3,
      y: 100 * p.availability,
      label: p.budgetEur === null ? p.label : "budget",
    })),
  });
}

export function sparesReport(r: SparesResult, top = 12): string {
  const presses = r.sites.reduce((n, s) => n + s.presses, 0);
  let s = `moldtwin spares — ${r.name}\n`;
  s += `  as of ${r.asOf}; ${r.sites.length} site(s) and depot "${r.depot}", ${presses} presses; horizon ${r.horizonMonths} months; ${r.runs} Monte Carlo runs (seed ${r.seed}); ${r.policy} maintenance\n\n`;
  const b = r.demand.backtest;
  s += `  demand forecast (${r.forecastChoice}): backtest on the last ${b.months} months of history, mean absolute error per part number, site and month\n`;
  s += `    condition-based ${fmt(b.conditionMae)}   history-only ${fmt(b.historyMae)}   chosen ${fmt(b.chosenMae)}\n`;
  const total = r.demand.perMonth.reduce((a, x) => a + x, 0);
  s += `    fleet demand over the horizon: ${fmt(total)} parts (${r.demand.perMonth.map((x) => fmt(x)).join(", ")} per month)\n\n`;
  const firstTarget = r.demand.partNumbers[0]?.leadTimeDemand.fillRateStock[0]?.target ?? 0.95;
  const busiest = [...r.demand.partNumbers].sort((a, c) => c.perMonth - a.perMonth).slice(0, top);
  s += `  busiest part numbers (per month over the horizon):\n`;
  s += columns(
    [
      "part number",
      "site",
      "sockets",
      "per month",
      "P50/P90 month 1",
      "forecast",
      "class (history)",
      `alone, ${pct(firstTarget, 0)} fill: Poisson/sim.`,
    ],
    busiest.map((p) => [
      p.partNumber,
      p.site,
      String(p.sockets),
      fmt(p.perMonth),
      `${fmt(p.forecast.p50[0]!)} / ${fmt(p.forecast.p90[0]!)}`,
      p.chosen === "blend" ? `blend ${Math.round(100 * p.conditionWeight)} % cond.` : p.chosen,
      p.demandClass,
      `${p.leadTimeDemand.fillRateStock[0]!.poisson} / ${p.leadTimeDemand.fillRateStock[0]!.simulated} (${p.leadTimeDemand.leadTimeDays} d)`,
    ]),
  );
  s += `    (alone: the site stocking against supplier lead time + resupply by itself, for the first target as a fill rate;\n`;
  s += `     Poisson at the forecast rate vs the simulated lead-time demand of the condition-based Monte Carlo)\n`;
  s += `\n  stock plans (two-echelon ${r.stockingMethod} model, greedy marginal allocation; simulation ${r.simulation.replications} × ${r.simulation.days} days):\n`;
  s += columns(
    ["plan", "availability", "simulated (95 % CI)", "fill rate", "units", "stock value", "holding/yr", "to buy"],
    r.plans.map((p) => [
      p.label,
      pct(p.availability),
      `${pct(p.simulated.availability.mean)} ± ${pct(p.simulated.availability.halfWidth)}${p.confirmed ? "" : " (!)"}`,
      pct(p.fillRate, 1),
      String(p.units),
      eur(p.stockValueEur),
      eur(p.annualHoldingCostEur),
      eur(p.toBuyEur),
    ]),
  );
  for (const p of r.plans) {
    const stocked = p.lines
      .filter((l) => l.stock > 0)
      .sort((a, b) => b.stock * b.unitCostEur - a.stock * a.unitCostEur);
    s += `\n  ${p.label}: stock per part number and location (${stocked.length} lines)\n`;
    s += columns(
      ["part number", "location", "stock", "on hand", "per month", "EBO", "fill rate"],
      stocked
        .slice(0, top)
        .map((l) => [
          l.partNumber,
          l.location,
          String(l.stock),
          String(l.onHand),
          fmt(l.demandPerMonth),
          fmt(l.expectedBackorders),
          pct(l.fillRate, 1),
        ]),
    );
    if (stocked.length > top) s += `    … ${stocked.length - top} more (--json)\n`;
  }
  const value = r.requisitions.reduce((a, q) => a + q.valueEur, 0);
  s += `\n  purchase requisitions for ${r.requisitionPlan}: ${r.requisitions.length} lines, ${eur(value)}\n`;
  s += columns(
    ["id", "part number", "location", "qty", "value", "delivery"],
    r.requisitions
      .slice(0, top)
      .map((q) => [q.id, q.partNumber, q.location, String(q.quantity), eur(q.valueEur), q.expectedDelivery]),
  );
  if (r.requisitions.length > top) s += `    … ${r.requisitions.length - top} more (--requisitions file.csv)\n`;
  if (r.requisitions[0]) s += `    reason, e.g. ${r.requisitions[0].id}: ${r.requisitions[0].reason}\n`;
  for (const e of r.excess)
    s += `  excess: ${e.location} holds ${e.onHand} × ${e.partNumber}, the plan needs ${e.needed}\n`;
  for (const w of r.warnings) s += `  warning: ${w}\n`;
  return s;
}

/** The object `spares --json` prints; the HTTP job runner (adapters/http/jobWorker.ts) returns the same. */
export function sparesJson(sc: SparesScenario, r: SparesResult, files: Record<string, string>) {
  return { scenario: sc.name, ...r, files };
}

export function registerSpares(program: Command): void {
  program
    .command("spares <scenario>")
    .description(
      "spare parts: demand per part number and warehouse, stock for availability targets, cost curve, requisitions",
    )
    .option("--svg <file.svg>", "write the cost-vs-availability curve")
    .option("--requisitions <file>", "write the purchase requisitions (.csv, or .json)")
    .option("--json", "print one JSON object")
    .action(async (scenarioPath: string, o) =>
      run(Boolean(o.json), async () => {
        const sc = parse(SparesScenario, readJsonFile(scenarioPath, "scenario"), "scenario");
        const inputs = sc.sites.map((site) => ({ plant: loadPlantRef(site.plant, scenarioPath) }));
        const progress = progressReporter(process.stderr, "steps");
        let r: SparesResult;
        try {
          r = planSpares(sc, inputs, (p) => progress.update(p.phase, p.done, p.total));
        } finally {
          progress.stop();
        }
        if (o.svg) writeFileSync(o.svg, sparesChartSvg(r));
        if (o.requisitions) writeRequisitions(o.requisitions, r.requisitions);
        const files = {
          ...(o.svg ? { svg: o.svg } : {}),
          ...(o.requisitions ? { requisitions: o.requisitions } : {}),
        };
        if (o.json) printJson(sparesJson(sc, r, files));
        else {
          process.stdout.write(sparesReport(r));
          for (const [k, v] of Object.entries(files)) process.stdout.write(`${k}: ${v}\n`);
        }
      }),
    );
}

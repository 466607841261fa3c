import { writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Command } from "commander";
import { type PilotResult, shadowPilot } from "../../../engine/contracts/pilot.ts";
import { closeSweepPools } from "../../../engine/sweep/pool.ts";
import { ContractScenario } from "../../../twin-models/schemas/contract.ts";
import { PilotScenario } from "../../../twin-models/schemas/pilot.ts";
import { parse } from "../../../twin-models/validate.ts";
import { loadPlantRef } from "../../plantFile.ts";
import { renderReport } from "../../report/html.ts";
import { barChart, lineChart } from "../../svg/chart.ts";
import { columns, eur, fmt, pct, printJson, readJsonFile, readTextFile, run } from "../io.ts";
import { progressReporter } from "../progress.ts";
import { readPressEventsCsv } from "./kpi.ts";
import { parseWorkers } from "./window.ts";

/**
 * `moldtwin pilot <scenario.json>`: the shadow pilot — TCO both ways, the contract P&L that would have been,
 * energy savings and reality against the projection's P10–P90; a text report, JSON, and an HTML report.
 */

export function pilotReport(r: PilotResult): string {
  const b = r.periods.baseline;
  const s_ = r.periods.shadow;
  let s = `moldtwin pilot — ${r.name}\n`;
  s += `  baseline ${b.from.slice(0, 10)} … ${b.to.slice(0, 10)} (${b.months.length} months), shadow ${s_.from.slice(0, 10)} … ${s_.to.slice(0, 10)} (${s_.months.length} months) under "${r.contract}"\n\n`;
  s += "  per month (fleet):\n";
  s += columns(
    ["month", "period", "availability", "breakdowns", "waiting h", "planned h", "good parts", "scrap", "Wh/part"],
    [...b.months.map((m) => ["baseline", m] as const), ...s_.months.map((m) => ["shadow", m] as const)].map(
      ([p, m]) => [
        m.month,
        p,
        pct(m.availability, 2),
        String(m.breakdowns),
        fmt(m.waitingPartsH),
        fmt(m.plannedH),
        Math.round(m.goodParts).toLocaleString("en-US"),
        pct(m.scrapParts / Math.max(1, m.producedParts), 2),
        (1000 * m.kWhPerPart).toFixed(3),
      ],
    ),
  );
  const t = r.tco;
  s += `\n  customer's total cost of ownership: baseline ${eur(t.baseline.perPressMonthEur)} per press-month (${eur(t.baseline.perThousandGoodPartsEur)} per 1,000 good parts), shadow ${eur(t.shadow.perPressMonthEur)} (${eur(t.shadow.perThousandGoodPartsEur)}): ${t.savingShare >= 0 ? "saves" : "costs"} ${pct(Math.abs(t.savingShare), 1)}\n`;
  s += columns(
    ["", "baseline per press-month", "shadow per press-month"],
    [...new Set([...Object.keys(t.baseline.breakdown), ...Object.keys(t.shadow.breakdown)])].map((k) => [
      k,
      eur((t.baseline.breakdown[k] ?? 0) / Math.max(1, sum(b.months))),
      eur((t.shadow.breakdown[k] ?? 0) / Math.max(1, sum(s_.months))),
    ]),
  );
  const p = r.contractPnl;
  s += `\n  the contract's P&L that would have been (shadow period): revenue ${eur(p.revenueEur)}, penalties ${eur(p.penaltiesEur)} (${p.breaches} months in breach), cost ${eur(p.costEur)}, margin ${eur(p.marginEur)} (${pct(p.revenueEur > 0 ? p.marginEur / p.revenueEur : 0, 1)})\n`;
  const e = r.energy;
  s += `  energy: ${(1000 * e.baselineKWhPerPart).toFixed(3)} → ${(1000 * e.shadowKWhPerPart).toFixed(3)} Wh/part (${pct(e.savingShare, 1)} less; ${Math.round(e.savedKWh).toLocaleString("en-US")} kWh, ${eur(e.savedEur)} over the shadow period)\n`;
  const i = r.projection.insideShare;
  s += `\n  reality vs the projection (${r.projection.runs} runs): months inside P10–P90 — availability ${pct(i.availability, 0)}, good parts ${pct(i.goodParts, 0)}, Wh/part ${pct(i.kWhPerPart, 0)}, margin ${pct(i.marginEur, 0)} (a calibrated projection: ≈ 80 %)\n`;
  for (const w of r.warnings) s += `  warning: ${w}\n`;
  return s;
}

const sum = (months: { presses: number }[]): number => months.reduce((a, m) => a + m.presses, 0);

export function pilotHtml(r: PilotResult): string {
  const months = r.projection.months;
  const idx = months.map((_, k) => k + 1);
  const bandChart = (
    title: string,
    y: string,
    pick: (m: (typeof months)[0]) => { p10: number; p90: number; actual: number },
    scale = 1,
  ) => {
    // The band's own range: availability near 100 % would be a flat line on a 0–100 axis.
    const values = months.flatMap((m) => [pick(m).p10, pick(m).p90, pick(m).actual].map((v) => scale * v));
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const pad = (hi - lo) * 0.15 || Math.abs(hi) * 0.01 || 1;
    return lineChart({
      yMin: lo - pad,
      yMax: hi + pad,
      title,
      xLabel: `month of the shadow period (${months[0]?.month ?? ""} = 1)`,
      yLabel: y,
      series: [
        {
          name: "projection P10",
          points: months.map((m, k) => [idx[k]!, scale * pick(m).p10] as const),
          dashed: true,
          markers: false,
        },
        {
          name: "projection P90",
          points: months.map((m, k) => [idx[k]!, scale * pick(m).p90] as const),
          dashed: true,
          markers: false,
        },
        { name: "recorded", points: months.map((m, k) => [idx[k]!, scale * pick(m).actual] as const), markers: true },
      ],
    });
  };
  const keys = [...new Set([...Object.keys(r.tco.baseline.breakdown), ...Object.keys(r.tco.shadow.breakdown)])];
  const bPm = sum(r.periods.baseline.months);
  const sPm = sum(r.periods.shadow.months);
  return renderReport({
    title: `Shadow pilot — ${r.name}`,
    subtitle: `moldtwin pilot · contract "${r.contract}" · plant ${r.plant}`,
    sections: [
      {
        heading: "Result",
        paragraphs: [
          `Total cost of ownership for the customer: ${eur(r.tco.baseline.perPressMonthEur)} per press-month in the baseline, ${eur(r.tco.shadow.perPressMonthEur)} in the shadow period (${pct(r.tco.savingShare, 1)} ${r.tco.savingShare >= 0 ? "less" : "more"}).`,
          `The contract would have earned the provider ${eur(r.contractPnl.marginEur)} on ${eur(r.contractPnl.revenueEur)} of revenue, with ${eur(r.contractPnl.penaltiesEur)} of penalties (${r.contractPnl.breaches} months below the SLA).`,
          `Energy per part fell ${pct(r.energy.savingShare, 1)}: ${Math.round(r.energy.savedKWh).toLocaleString("en-US")} kWh (${eur(r.energy.savedEur)}) over the shadow period.`,
          `Share of recorded months inside the projection's P10–P90: availability ${pct(r.projection.insideShare.availability, 0)}, good parts ${pct(r.projection.insideShare.goodParts, 0)}, energy per part ${pct(r.projection.insideShare.kWhPerPart, 0)}, margin ${pct(r.projection.insideShare.marginEur, 0)}.`,
        ],
      },
      {
        heading: "Total cost of ownership per press-month",
        table: {
          head: ["", "baseline", "shadow"],
          numeric: [1, 2],
          rows: [
            ...keys.map((k) => [
              k,
              eur((r.tco.baseline.breakdown[k] ?? 0) / Math.max(1, bPm)),
              eur((r.tco.shadow.breakdown[k] ?? 0) / Math.max(1, sPm)),
            ]),
            ["total", eur(r.tco.baseline.perPressMonthEur), eur(r.tco.shadow.perPressMonthEur)],
          ],
        },
        svgs: [
          barChart({
            title: "TCO per press-month, EUR",
            xLabel: "cost item",
            yLabel: "EUR per press-month",
            categories: keys,
            series: [
              { name: "baseline", values: keys.map((k) => (r.tco.baseline.breakdown[k] ?? 0) / Math.max(1, bPm)) },
              { name: "shadow", values: keys.map((k) => (r.tco.shadow.breakdown[k] ?? 0) / Math.max(1, sPm)) },
            ],
          }),
        ],
      },
      {
        heading: "The contract's P&L that would have been",
        table: {
          head: ["month", "revenue", "penalty", "energy sharing", "yield credit", "cost", "margin"],
          numeric: [1, 2, 3, 4, 5, 6],
          rows: r.contractPnl.months.map((m) => [
            m.month,
            eur(m.revenueEur),
            eur(m.penaltyEur),
            eur(m.energySharingEur),
            eur(m.yieldCreditEur),
            eur(m.costEur),
            eur(m.marginEur),
          ]),
        },
      },
      {
        heading: "Reality against the projection",
        svgs: [
          bandChart("Availability (contract definition)", "availability, %", (m) => m.availability, 100),
          bandChart("Good parts per month", "good parts, millions", (m) => m.goodParts, 1e-6),
          bandChart("Energy per part", "Wh per part", (m) => m.kWhPerPart, 1000),
          bandChart("Provider margin per month", "EUR", (m) => m.marginEur),
        ],
        notes: [
          "Projection: the contract's Monte Carlo over the same months, P10 and P90 per month (percentile convention).",
        ],
      },
      ...(r.warnings.length ? [{ heading: "Warnings", paragraphs: r.warnings }] : []),
    ],
  });
}

export function registerPilot(program: Command): void {
  program
    .command("pilot <scenario>")
    .description("shadow pilot: TCO baseline vs shadow, the contract P&L that would have been, reality vs projection")
    .option("--runs <n>", "Monte Carlo runs of the projection (overrides the scenario)")
    .option("--workers <n>", "worker threads for the projection (0 = this thread)")
    .option("--report <out.html>", "write an HTML report with charts")
    .option("--json", "print one JSON object")
    .action(async (path: string, o) =>
      run(Boolean(o.json), async () => {
        const raw = readJsonFile(path, "scenario") as Record<string, unknown>;
        const pilot = parse(
          PilotScenario,
          o.runs !== undefined ? { ...raw, projectionRuns: Number(o.runs) } : raw,
          "scenario",
        );
        const dir = dirname(path);
        const contractPath = resolve(dir, pilot.contract);
        const contract = parse(ContractScenario, readJsonFile(contractPath, "contract"), "contract");
        const plant = loadPlantRef(contract.plant, contractPath);
        const log = (file: string) => {
          const p = resolve(dir, file);
          return readPressEventsCsv(readTextFile(p, "event log"), p);
        };
        const logs = { baseline: log(pilot.baseline), shadow: log(pilot.shadow) };
        const progress = progressReporter(process.stderr, "steps");
        let r: PilotResult;
        try {
          r = await shadowPilot(pilot, contract, plant, logs, {
            workers: o.workers === undefined ? 0 : parseWorkers(o.workers, 0),
            onProgress: (stage, done, total) => progress.update(stage, done, total),
          });
        } finally {
          progress.stop();
          await closeSweepPools();
        }
        if (o.report) writeFileSync(o.report, pilotHtml(r));
        if (o.json) printJson({ scenario: pilot.name, ...r, ...(o.report ? { files: { report: o.report } } : {}) });
        else {
          process.stdout.write(pilotReport(r));
          if (o.report) process.stdout.write(`report: ${o.report}\n`);
        }
      }),
    );
}

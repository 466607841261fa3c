import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { type PdmResult, pdmBacktest } from "../../../engine/fleet/pdmBacktest.ts";
import { PdmScenario } from "../../../twin-models/schemas/forecast.ts";
import { parse } from "../../../twin-models/validate.ts";
import { loadPlantRef } from "../../plantFile.ts";
import { barChart } from "../../svg/chart.ts";
import { fmt, printJson, readJsonFile, run } from "../io.ts";

/**
 * `moldtwin pdm-backtest <scenario.json>`: run a fleet to failure with noisy condition signatures, alert on the
 * signals alone, score hit rate, precision and lead time (definitions in the JSON and the README).
 */

/** Targets of the MPaaS promise (domain KPIs): hit rate ≥ 70 %, precision ≥ 50 %, median lead ≥ 72 h. */
export const PDM_TARGETS = { hitRate: 0.7, precision: 0.5, medianLeadH: 72 };

export function leadHistogramSvg(r: PdmResult): string {
  const edges = [0, 24, 72, 168, 336, 720, 1440, Number.POSITIVE_INFINITY];
  const labels = ["< 1 d", "1–3 d", "3–7 d", "1–2 wk", "2–4 wk", "1–2 mo", "> 2 mo"];
  const counts = labels.map((_, i) => r.leadTimesH.filter((h) => h >= edges[i]! && h < edges[i + 1]!).length);
  return barChart({
    title: `Alert lead time before failure — hit rate ${fmt(100 * r.hitRate)} %, precision ${fmt(100 * r.precision)} %`,
    xLabel: "lead time (failure − alert)",
    yLabel: "true alerts",
    categories: labels,
    series: [{ name: `${r.leadTimesH.length} alerts followed by their failure`, values: counts }],
  });
}

export function pdmReport(r: PdmResult): string {
  const pass = (ok: boolean) => (ok ? "meets" : "BELOW");
  let s = `moldtwin pdm-backtest — ${r.plant}: ${r.presses} presses, ${r.sockets} part sockets, ${r.years} years (seed ${r.seed})\n`;
  s += `  failures ${r.counts.failures}, alerts ${r.counts.alerts} (true ${r.counts.trueAlerts}, false ${r.counts.falseAlerts}, censored ${r.counts.censoredAlerts}, late ${r.counts.lateAlerts}), missed ${r.counts.missed}\n`;
  s += `  hit rate  ${fmt(100 * r.hitRate)} %  (${pass(r.hitRate >= PDM_TARGETS.hitRate)} target ≥ 70 %; lead window ${r.windowH.minLead}–${r.windowH.maxLead} h)\n`;
  s += `  precision ${fmt(100 * r.precision)} %  (${pass(r.precision >= PDM_TARGETS.precision)} target ≥ 50 %)\n`;
  s += `  lead time P10 ${fmt(r.lead.p10H)} h, median ${fmt(r.lead.medianH)} h (${pass(r.lead.medianH >= PDM_TARGETS.medianLeadH)} target ≥ 72 h), P90 ${fmt(r.lead.p90H)} h\n`;
  s += `  PHM'08 score of the projected remaining life: ${fmt(r.phmScore.perAlert)} per alert over ${r.phmScore.alerts} drift-signal alerts\n\n`;
  s += `  ${"part kind".padEnd(24)}${"failures".padStart(9)}${"hit rate".padStart(10)}${"precision".padStart(11)}${"median lead h".padStart(15)}\n`;
  for (const k of r.byKind) {
    s += `  ${k.kind.padEnd(24)}${String(k.failures).padStart(9)}${`${fmt(100 * k.hitRate)} %`.padStart(10)}${`${fmt(100 * k.precision)} %`.padStart(11)}${fmt(k.lead.medianH).padStart(15)}\n`;
  }
  return s;
}

export function registerPdmBacktest(program: Command): void {
  program
    .command("pdm-backtest <scenario>")
    .description(
      "predictive-maintenance backtest: hit rate, precision and lead time of alerting on simulated signatures",
    )
    .option("--svg <file.svg>", "write the lead-time histogram")
    .option("--json", "print one JSON object")
    .action(async (scenarioPath: string, o) =>
      run(Boolean(o.json), () => {
        const sc = parse(PdmScenario, readJsonFile(scenarioPath, "scenario"), "scenario");
        const plant = loadPlantRef(sc.plant, scenarioPath);
        const r = pdmBacktest(plant, sc);
        if (o.svg) writeFileSync(o.svg, leadHistogramSvg(r));
        const targets = {
          ...PDM_TARGETS,
          met:
            r.hitRate >= PDM_TARGETS.hitRate &&
            r.precision >= PDM_TARGETS.precision &&
            r.lead.medianH >= PDM_TARGETS.medianLeadH,
        };
        if (o.json) printJson({ scenario: sc.name, ...r, targets, ...(o.svg ? { files: { svg: o.svg } } : {}) });
        else {
          process.stdout.write(pdmReport(r));
          if (o.svg) process.stdout.write(`svg: ${o.svg}\n`);
        }
      }),
    );
}

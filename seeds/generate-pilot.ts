/**
 * Regenerates the shadow-pilot demo logs of Case A (seeds/pilot.ts): the baseline (3 months from 2026-01-01, run
 * as today: reactive maintenance) and the shadow period (6 months from 2026-04-01, operated as if under the
 * performance contract), both for the 20-press plant seeds/case-a-automotive.json with the generator's defaults
 * and one seed, so both periods share one history of the plant's wear parts. Deterministic; run with
 * `npx node seeds/generate-pilot.ts` after changing the generator or the library and commit the CSV files.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadPlant } from "../adapters/plantFile.ts";
import { generatePilotLog, type PilotOptions, pilotCsv, summarizePilotLog } from "./pilot.ts";

/** One seed for both periods: the wear-part draws (indexed by renewal number) then describe one plant. */
export const PILOT_SEED = 2026;

export const PILOT_FILES: { file: string; options: PilotOptions }[] = [
  {
    file: "case-a-pilot-baseline.csv",
    options: { from: "2026-01-01", months: 3, seed: PILOT_SEED, mode: "baseline" },
  },
  {
    file: "case-a-pilot-shadow.csv",
    options: { from: "2026-04-01", months: 6, seed: PILOT_SEED, mode: "shadow" },
  },
];

const fmt = (x: number, digits = 1): string => x.toLocaleString("en-US", { maximumFractionDigits: digits });

function main(): void {
  const plant = loadPlant(fileURLToPath(new URL("./case-a-automotive.json", import.meta.url)));
  for (const { file, options } of PILOT_FILES) {
    const rows = generatePilotLog(plant, options);
    const csv = pilotCsv(rows);
    writeFileSync(new URL(`./${file}`, import.meta.url), csv);
    const s = summarizePilotLog(rows);
    console.log(
      [
        `${file}: ${options.mode}, ${options.months} months from ${options.from}, ${rows.length} rows, ${fmt(csv.length / 1e6, 2)} MB`,
        `  press-months ${fmt(s.pressMonths, 2)}; breakdowns ${s.breakdowns}`,
        `  breakdown ${fmt(s.breakdownH)} h (${fmt(s.breakdownHPerPressMonth, 2)} h/press-month), waiting-parts ${fmt(s.waitingPartsH)} h (${fmt(s.waitingPartsHPerPressMonth, 2)}), planned-maintenance ${fmt(s.plannedMaintenanceH)} h (${fmt(s.plannedMaintenanceHPerPressMonth, 2)})`,
        `  parts ${fmt(s.parts, 0)}, good ${fmt(s.good, 0)}, scrap ${fmt(s.scrapPct, 2)} %, rework ${fmt(s.reworkPct, 2)} %`,
        `  energy ${fmt(s.energyKWh, 0)} kWh, ${fmt(s.kWhPerPart * 1000, 3)} Wh/part, ${fmt(s.kWhPerGoodPart * 1000, 3)} Wh/good part`,
        `  hours by state: ${Object.entries(s.hoursByState)
          .map(([k, v]) => `${k} ${fmt(v, 0)}`)
          .join(", ")}`,
      ].join("\n"),
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();

import type { Command } from "commander";
import { MoldtwinError } from "../../../engine/errors.ts";
import {
  BACKTEST_DEFINITIONS,
  type BacktestOptions,
  type BacktestResult,
  bestMethod,
  classifyDemand,
  type DemandClass,
  forecastIntermittent,
  INTERMITTENT_METHODS,
  type IntermittentForecast,
  type IntermittentMethod,
  type IntermittentOptions,
  rollingOriginBacktest,
} from "../../../engine/spares/intermittent.ts";
import { CellErrors, numberCell, parseCsvTable } from "../csvTable.ts";
import { fmt, printJson, readTextFile, run } from "../io.ts";
import { columns, enumOption, type NumberRule, numberOption } from "./life/common.ts";

/**
 * `moldtwin demand-forecast <series.csv>`: the next-period demand of a spare part from its history by Croston,
 * SBA, SBJ, TSB, ADIDA or IMAPA (engine/spares/intermittentMethods.ts, reliability.md §1.13), its
 * Syntetos–Boylan–Croston class, and a rolling-origin backtest (MASE, bias, sPIS; engine/spares/backtest.ts).
 * `--method best` backtests all six and keeps the one with the lowest MASE.
 *
 * CSV: a header row with a column `demand` (other columns ignored), one row per period, oldest first; each value a
 * finite number ≥ 0. The default method is SBA: Syntetos & Boylan (2005) showed Croston's forecast biased upwards,
 * and SBA is the usual default for spare parts (tsintermittent `crost` with type "sba"); `best` picks noise as
 * often as signal on the short histories spare parts usually have.
 */

const CHOICES = [...INTERMITTENT_METHODS, "best"] as const;
type Choice = (typeof CHOICES)[number];
const WHAT = "demand";

const SMOOTHING: NumberRule = { allowed: "a number in (0, 1]", ok: (v) => Number.isFinite(v) && v > 0 && v <= 1 };
const integerAtLeast = (min: number): NumberRule => ({
  allowed: `an integer ≥ ${min}`,
  unit: "periods",
  ok: (v) => Number.isInteger(v) && v >= min,
});

export function readDemandCsv(text: string, file: string): number[] {
  const table = parseCsvTable(text, file, WHAT, ["demand"]);
  const errors = new CellErrors();
  const demand: number[] = [];
  for (const r of table.rows) {
    const v = numberCell(r.cell("demand"));
    if (v === undefined || !(Number.isFinite(v) && v >= 0)) {
      errors.add(r.row, "demand", r.cell("demand"), "a finite number ≥ 0 (demand in the period)");
    } else demand.push(v);
  }
  errors.throwIfAny(WHAT, file);
  if (demand.length === 0) {
    throw new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", `demand file ${file} has no data rows`, [
      { field: file, value: 0, unit: "periods", allowed: "at least one row of demand after the header" },
    ]);
  }
  return demand;
}

const DEFINITIONS = {
  forecast: "next-period (one-step, out-of-sample) forecast of demand per period",
  forecastPath: "the forecast for each of the next `horizon` periods (flat: these methods forecast a level)",
  fitted: "per period: the forecast for that period from the data before it; null before the method has one",
  classification:
    "Syntetos, Boylan & Croston (2005): ADI = mean interval between demands (first counted from before the series) vs 1.32, CV² = sample variance / mean² of the non-zero sizes vs 0.49",
  ...BACKTEST_DEFINITIONS,
};

function paramsText(f: IntermittentForecast): string {
  const p = f.params;
  const a = fmt(p.alpha!);
  switch (f.method) {
    case "tsb":
      return `α_d ${a} α_p ${fmt(p.beta!)}`;
    case "adida":
      return p.aggregation === undefined ? `α ${a}` : `α ${a} k ${p.aggregation}`;
    case "imapa":
      return p.maxAggregation === undefined ? `α ${a}` : `α ${a} K 1…${p.maxAggregation}`;
    default:
      return `α ${a} β ${fmt(p.beta!)}`;
  }
}

interface Row {
  forecast: IntermittentForecast;
  backtest: BacktestResult | null;
}

function human(
  file: string,
  n: number,
  c: DemandClass,
  rows: Row[],
  horizon: number,
  best: boolean,
  notes: string[],
): string {
  let s = `moldtwin demand-forecast — ${file}: ${n} periods, ${c.nonZero} with demand\n`;
  const adiSide = c.adi > 1.32 ? ">" : "≤";
  const cvSide = c.cv2 > 0.49 ? ">" : "≤";
  s +=
    c.nonZero === 0
      ? "  class: none (no demand to classify)\n"
      : `  class ${c.class} (ADI ${fmt(c.adi)} ${adiSide} 1.32, CV² ${fmt(c.cv2)} ${cvSide} 0.49; Syntetos–Boylan–Croston)\n`;
  const head = ["method", "params", "forecast/period", `next ${horizon}`, "MASE", "bias", "sPIS"];
  const body = rows.map((r, i) => [
    best && i === 0 ? `${r.forecast.method} *` : r.forecast.method,
    paramsText(r.forecast),
    fmt(r.forecast.forecast),
    fmt(r.forecast.forecast * horizon),
    r.backtest ? fmt(r.backtest.mase) : "—",
    r.backtest ? fmt(r.backtest.bias) : "—",
    r.backtest ? fmt(r.backtest.spis) : "—",
  ]);
  s += columns(head, body, "llrrrrr");
  const b = rows[0]!.backtest;
  if (b) {
    const scale =
      b.scaleBasis === "naive"
        ? `naive in-sample MAE ${fmt(b.scale)}`
        : `mean demand ${fmt(b.scale)} (the first ${b.minTrain} periods are constant)`;
    s += `  backtest: ${b.origins} rolling origins from period ${b.minTrain}, horizon ${b.horizon}; MASE scale ${scale}\n`;
  }
  if (best) s += "  * lowest rolling-origin MASE (ties: smallest |bias|)\n";
  for (const note of notes) s += `  note: ${note}\n`;
  return s;
}

export function registerDemandForecast(program: Command): void {
  program
    .command("demand-forecast <series>")
    .description("intermittent-demand forecast of a spare part (CSV column demand: one row per period, oldest first)")
    .option("--method <name>", `${CHOICES.join(" | ")} (default sba)`)
    .option(
      "--alpha <a>",
      "size smoothing (Croston family, TSB α_d) or SES smoothing (ADIDA, IMAPA), in (0, 1]; default 0.1",
    )
    .option(
      "--beta <b>",
      "interval smoothing (Croston family) or probability smoothing (TSB α_p), in (0, 1]; default 0.1",
    )
    .option("--aggregation <k>", "ADIDA level k / IMAPA largest level K (default: mean inter-demand interval, rounded)")
    .option("--horizon <h>", "periods to forecast and backtest horizon (default 1)")
    .option("--min-train <n>", "periods before the first backtest origin (default max(2, ⌈N/2⌉))")
    .option("--json", "print one JSON object")
    .action(async (file: string, o) =>
      run(Boolean(o.json), () => {
        const choice: Choice = enumOption(o.method, "--method", CHOICES, "sba");
        const alpha = numberOption(o.alpha, "--alpha", SMOOTHING);
        const beta = numberOption(o.beta, "--beta", SMOOTHING);
        const aggregation = numberOption(o.aggregation, "--aggregation", integerAtLeast(1));
        const horizon = numberOption(o.horizon, "--horizon", integerAtLeast(1)) ?? 1;
        const minTrain = numberOption(o.minTrain, "--min-train", integerAtLeast(2));
        const demand = readDemandCsv(readTextFile(file, WHAT), file);
        if (aggregation !== undefined && aggregation > demand.length) {
          throw new MoldtwinError("TWIN_ERR_VALIDATION", `--aggregation ${aggregation} exceeds the series length`, [
            {
              field: "--aggregation",
              value: aggregation,
              unit: "periods",
              allowed: `an integer in 1 … ${demand.length}`,
            },
          ]);
        }
        const fitOptions: IntermittentOptions = {
          ...(alpha !== undefined ? { alpha } : {}),
          ...(beta !== undefined ? { beta } : {}),
          ...(aggregation !== undefined ? { aggregation } : {}),
        };
        const btOptions: BacktestOptions = { ...fitOptions, horizon, ...(minTrain !== undefined ? { minTrain } : {}) };
        const classification = classifyDemand(demand);
        const notes: string[] = [];

        let rows: Row[];
        if (choice === "best") {
          const ranked = bestMethod(demand, INTERMITTENT_METHODS, btOptions);
          rows = ranked.results.map((b) => ({
            forecast: forecastIntermittent(demand, b.method, fitOptions),
            backtest: b,
          }));
        } else {
          const method: IntermittentMethod = choice;
          let backtest: BacktestResult | null = null;
          try {
            backtest = rollingOriginBacktest(demand, method, btOptions);
          } catch (e) {
            if (!(e instanceof MoldtwinError && e.code === "FIT_ERR_INSUFFICIENT_DATA")) throw e;
            notes.push(`no backtest: ${e.message}`);
          }
          rows = [{ forecast: forecastIntermittent(demand, method, fitOptions), backtest }];
        }
        const chosen = rows[0]!;
        const f = chosen.forecast;
        notes.push(...f.notes);
        if (classification.note) notes.push(classification.note);
        if (beta !== undefined && (f.method === "adida" || f.method === "imapa")) {
          notes.push(`--beta is not used by ${f.method} (its one smoothing constant is --alpha)`);
        }
        if (aggregation !== undefined && f.method !== "adida" && f.method !== "imapa") {
          notes.push(`--aggregation is only used by adida and imapa, not by ${f.method}`);
        }

        if (o.json) {
          printJson({
            analysis: "intermittent-demand-forecast",
            file,
            periods: demand.length,
            method: f.method,
            selection: choice === "best" ? "best" : "given",
            forecast: f.forecast,
            fitted: f.fitted,
            params: f.params,
            horizon,
            forecastPath: Array.from({ length: horizon }, () => f.forecast),
            classification,
            backtest: chosen.backtest,
            ...(choice === "best"
              ? {
                  ranking: rows.map((r) => ({
                    ...r.backtest!,
                    forecast: r.forecast.forecast,
                    params: r.forecast.params,
                  })),
                }
              : {}),
            notes,
            definitions: DEFINITIONS,
          });
        } else {
          process.stdout.write(human(file, demand.length, classification, rows, horizon, choice === "best", notes));
        }
      }),
    );
}

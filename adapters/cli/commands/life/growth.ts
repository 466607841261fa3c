import type { Command } from "commander";
import { crowAmsaa, duane, type GrowthResult } from "../../../../engine/reliability/growth.ts";
import { logLogChart } from "../../../svg/logLogChart.ts";
import { CellErrors, numberCell, parseCsvTable } from "../../csvTable.ts";
import { fmt, printJson, readTextFile, run } from "../../io.ts";
import { columns, enumOption, numberOption, POSITIVE, writeSvg } from "./common.ts";

/**
 * `moldtwin life growth <failures.csv>`: reliability growth of a system under test, Crow-AMSAA (NHPP power law,
 * MLE) or Duane (least squares on the log–log cumulative-MTBF plot), failure-truncated
 * (engine/reliability/growth.ts). CSV column `time`: cumulative test time at each failure, any order.
 */

const METHODS = ["crow-amsaa", "duane"] as const;
const WHAT = "failure-time";

export function readGrowthCsv(text: string, file: string): number[] {
  const table = parseCsvTable(text, file, WHAT, ["time"]);
  const errors = new CellErrors();
  const times: number[] = [];
  for (const r of table.rows) {
    const t = numberCell(r.cell("time"));
    if (t === undefined || !(Number.isFinite(t) && t > 0)) errors.add(r.row, "time", r.cell("time"), "a number > 0");
    else times.push(t);
  }
  errors.throwIfAny(WHAT, file);
  return times;
}

const DEFINITIONS = {
  beta: "shape of the expected cumulative failures N(t) = lambda·t^beta; beta < 1: reliability is growing",
  lambda: "scale of N(t) = lambda·t^beta, in failures per (time unit)^beta",
  growthRate: "crow-amsaa: 1 − beta; duane: the slope alpha of ln(cumulative MTBF) on ln t",
  DMTBF_C: "demonstrated cumulative MTBF at the last failure (time unit)",
  DMTBF_I: "demonstrated instantaneous MTBF at the last failure (time unit)",
  DFI_C: "demonstrated cumulative failure intensity, 1/DMTBF_C (failures per time unit)",
  DFI_I: "demonstrated instantaneous failure intensity, 1/DMTBF_I (failures per time unit)",
  timeToTarget: "test time at which the cumulative MTBF reaches targetMtbf; null without a target or if never",
  totalTime: "failure-truncated test time T: the last failure",
  points: "the data: i-th failure at cumulative time t, cumulative MTBF t/i",
};

function human(file: string, r: GrowthResult, target: number | undefined): string {
  let s = `moldtwin life growth — ${file}: ${r.model === "duane" ? "Duane" : "Crow-AMSAA"}, failure-truncated\n`;
  s += `  ${r.failures} failures up to T = ${fmt(r.totalTime)}\n`;
  const rows: string[][] = [
    ["beta (shape of N(t))", fmt(r.beta)],
    ["lambda (scale of N(t))", fmt(r.lambda)],
    ["growth rate", fmt(r.growthRate)],
    ["cumulative MTBF at T", fmt(r.DMTBF_C)],
    ["instantaneous MTBF at T", fmt(r.DMTBF_I)],
    ["cumulative intensity at T", fmt(r.DFI_C)],
    ["instantaneous intensity at T", fmt(r.DFI_I)],
  ];
  if (target !== undefined)
    rows.push([
      `time to cumulative MTBF ${fmt(target)}`,
      r.timeToTarget === null ? "never (not growing)" : fmt(r.timeToTarget),
    ]);
  return s + columns(["quantity", "value"], rows);
}

function svgOf(file: string, r: GrowthResult, times: number[], target: number | undefined): string {
  const sorted = [...times].sort((a, b) => a - b);
  const t0 = sorted[0]!;
  const grid = Array.from({ length: 41 }, (_, i) => t0 * (r.totalTime / t0) ** (i / 40));
  // Both models: N(t) = λ·t^β, cumulative MTBF t/N = t^(1−β)/λ, instantaneous MTBF 1/(λβ·t^(β−1)).
  return logLogChart({
    title: `${r.model === "duane" ? "Duane" : "Crow-AMSAA"} reliability growth — ${file}`,
    xLabel: "cumulative test time",
    yLabel: "MTBF",
    series: [
      {
        name: "cumulative MTBF t/i (data)",
        points: sorted.map((t, i) => [t, t / (i + 1)] as const),
        line: false,
        markers: true,
        color: "#1f77b4",
      },
      {
        name: "fitted cumulative MTBF",
        points: grid.map((t) => [t, t ** (1 - r.beta) / r.lambda] as const),
        color: "#d62728",
      },
      {
        name: "fitted instantaneous MTBF",
        points: grid.map((t) => [t, 1 / (r.lambda * r.beta * t ** (r.beta - 1))] as const),
        color: "#2ca02c",
        dashed: true,
      },
    ],
    ...(target !== undefined ? { hLines: [{ value: target, label: `target MTBF ${fmt(target)}` }] } : {}),
  });
}

export function registerGrowth(life: Command): void {
  life
    .command("growth <failures>")
    .description("reliability growth, Crow-AMSAA or Duane (CSV column time: cumulative test time at each failure)")
    .option("--method <name>", "crow-amsaa | duane (default crow-amsaa)")
    .option("--target-mtbf <x>", "target cumulative MTBF (time unit of the data): report when it is reached")
    .option("--svg <file>", "write the log–log MTBF plot with the fitted lines as SVG")
    .option("--json", "print one JSON object")
    .action(async (file: string, o) =>
      run(Boolean(o.json), () => {
        const method = enumOption(o.method, "--method", METHODS, "crow-amsaa");
        const target = numberOption(o.targetMtbf, "--target-mtbf", POSITIVE);
        const times = readGrowthCsv(readTextFile(file, WHAT), file);
        const opts = target === undefined ? {} : { targetMtbf: target };
        const r = method === "duane" ? duane(times, opts) : crowAmsaa(times, opts);
        if (o.svg) writeSvg(o.svg, svgOf(file, r, times, target));
        if (o.json) {
          const sorted = [...times].sort((a, b) => a - b);
          printJson({
            analysis: "reliability-growth",
            file,
            ...r,
            targetMtbf: target ?? null,
            points: sorted.map((t, i) => ({ failure: i + 1, time: t, cumulativeMtbf: t / (i + 1) })),
            definitions:
              r.model === "duane"
                ? {
                    ...DEFINITIONS,
                    alpha: "Duane slope of ln(cumulative MTBF) on ln t; beta = 1 − alpha",
                    b: "cumulative MTBF = b·t^alpha (time unit^(1 − alpha))",
                    A: "1/b, as reliability prints it; equals lambda",
                  }
                : DEFINITIONS,
            ...(o.svg ? { svgFile: o.svg } : {}),
          });
        } else process.stdout.write(human(file, r, target) + (o.svg ? `  MTBF plot: ${o.svg}\n` : ""));
      }),
    );
}

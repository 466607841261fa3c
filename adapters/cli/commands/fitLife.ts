import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { MoldtwinError } from "../../../engine/errors.ts";
import type { DistributionName } from "../../../engine/reliability/distributions.ts";
import { DISTRIBUTIONS, fitBest, fitDistribution, type RankingEntry } from "../../../engine/reliability/fit.ts";
import type { FitResult } from "../../../engine/reliability/fitTypes.ts";
import { type LifeData, parseLifeCsv } from "../../../engine/reliability/lifeData.ts";
import { probabilityPlotSvg } from "../../svg/probabilityPlot.ts";
import { fmt, numeric, printJson, readTextFile, run } from "../io.ts";

/**
 * `moldtwin fit-life <data.csv>`: maximum-likelihood life-data fit with right, left and interval censoring and
 * Fisher-matrix bounds (engine/reliability). CSV columns: time, status (F/S), optional time_left (see
 * parseLifeCsv).
 *
 * The default distribution is the Weibull 2P, not `best`: it is the standard first model for mechanical wear-out
 * and the one the rest of moldtwin (ISO 281 bearings, wear parts) is parameterised in, and ranking six families
 * by BIC on the handful of failures a molding plant usually has picks noise as often as signal. `--dist best`
 * fits all six, ranks them (BIC, or AICc with --rank-by aicc) and reports the ranking.
 */

const CHOICES = [...DISTRIBUTIONS, "best"] as const;
type Choice = (typeof CHOICES)[number];

function parseCi(raw: string | undefined): number {
  if (raw === undefined) return 0.95;
  const v = numeric(raw);
  if (typeof v !== "number" || !(v > 0 && v < 1)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `invalid option --ci ${JSON.stringify(raw)}; allowed: 0 < ci < 1`, [
      { field: "--ci", value: raw, allowed: "a confidence level strictly between 0 and 1, e.g. 0.95" },
    ]);
  }
  return v;
}

/** The JSON body: every number the fit has, with the usual parameter symbols. */
export function fitLifeJson(r: FitResult, ranking?: RankingEntry[], svgFile?: string): Record<string, unknown> {
  return {
    distribution: r.distribution,
    params: r.params,
    standardErrors: r.standardErrors,
    bounds: r.bounds,
    covariance: r.covariance,
    paramOrder: r.paramOrder,
    ci: r.ci,
    logLikelihood: r.logLikelihood,
    aicc: r.aicc,
    bic: r.bic,
    k: r.k,
    b10: r.b10,
    mttf: r.dist.mean(),
    n: r.n,
    failures: r.failures,
    censored: r.censored,
    warnings: r.warnings,
    ...(ranking ? { ranking } : {}),
    ...(svgFile ? { svgFile } : {}),
  };
}

function human(file: string, r: FitResult, ranking?: RankingEntry[]): string {
  const c = r.censored;
  let s = `moldtwin fit-life — ${file}: ${r.distribution} (MLE, ${fmt(100 * r.ci)} % two-sided Fisher bounds)\n`;
  s += `  ${r.n} units: ${r.failures} failures; censored ${c.right} right, ${c.left} left, ${c.interval} interval\n`;
  const rows = Object.keys(r.params).map((k) => [
    k,
    fmt(r.params[k]!),
    r.standardErrors[k] === undefined ? "—" : fmt(r.standardErrors[k]!),
    r.bounds[k] ? fmt(r.bounds[k]!.lower) : "—",
    r.bounds[k] ? fmt(r.bounds[k]!.upper) : "—",
  ]);
  const head = ["parameter", "estimate", "std error", "lower", "upper"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    `  ${cells.map((x, i) => (i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!))).join("  ")}\n`;
  s += line(head) + rows.map(line).join("");
  s += `  lnL ${fmt(r.logLikelihood)}   AICc ${r.aicc === null ? "n/a (n ≤ k + 1)" : fmt(r.aicc)}   BIC ${fmt(r.bic)}\n`;
  s += `  B10 life ${fmt(r.b10.value)} (${fmt(r.b10.lower)} – ${fmt(r.b10.upper)})   MTTF ${fmt(r.dist.mean())}\n`;
  for (const w of r.warnings) s += `  warning: ${w}\n`;
  if (ranking) {
    s += "  ranking (best first):\n";
    for (const e of ranking) {
      const what = e.error
        ? `not fitted: ${e.error.message}`
        : `BIC ${fmt(e.bic!)}  AICc ${e.aicc === null ? "n/a" : fmt(e.aicc)}  lnL ${fmt(e.logLikelihood!)}${e.excluded ? `  (excluded: ${e.excluded})` : ""}`;
      s += `    ${e.distribution.padEnd(12)}${what}\n`;
    }
  }
  return s;
}

export function registerFitLife(program: Command): void {
  program
    .command("fit-life <data>")
    .description("fit a life distribution to failure / suspension data (CSV: time, status F|S, optional time_left)")
    .option("--dist <name>", `${CHOICES.join(" | ")} (default weibull2p)`)
    .option("--ci <level>", "confidence level of the Fisher bounds (default 0.95)")
    .option("--rank-by <criterion>", "with --dist best: bic | aicc (default bic)")
    .option("--svg <file>", "write a probability plot with the fitted line and its bounds as SVG")
    .option("--json", "print one JSON object")
    .action(async (file: string, o) =>
      run(Boolean(o.json), () => {
        const dist = (o.dist ?? "weibull2p") as Choice;
        if (!CHOICES.includes(dist)) {
          throw new MoldtwinError("CLI_ERR_USAGE", `unknown distribution "${o.dist}"`, [
            { field: "--dist", value: o.dist, allowed: `one of: ${CHOICES.join(", ")}` },
          ]);
        }
        const rankBy = o.rankBy ?? "bic";
        if (rankBy !== "bic" && rankBy !== "aicc") {
          throw new MoldtwinError("CLI_ERR_USAGE", `unknown ranking criterion "${rankBy}"`, [
            { field: "--rank-by", value: rankBy, allowed: "bic or aicc" },
          ]);
        }
        const ci = parseCi(o.ci);
        // Zero and negative times are only meaningful for the normal distribution.
        const data: LifeData = parseLifeCsv(readTextFile(file, "life-data"), file, {
          allowNonPositive: dist === "normal" || dist === "best",
        });
        let result: FitResult;
        let ranking: RankingEntry[] | undefined;
        if (dist === "best") {
          const b = fitBest(data, { ci, rankBy });
          result = b.best;
          ranking = b.ranking;
        } else {
          result = fitDistribution(data, dist as DistributionName, { ci });
        }
        if (o.svg) {
          try {
            writeFileSync(
              o.svg,
              probabilityPlotSvg(data, result, { title: `${result.distribution} probability plot — ${file}` }),
            );
          } catch (e) {
            throw new MoldtwinError("FILE_ERR_READ", `cannot write SVG file ${o.svg}: ${(e as Error).message}`, [
              { field: "--svg", value: o.svg, allowed: "a writable path" },
            ]);
          }
        }
        if (o.json) printJson(fitLifeJson(result, ranking, o.svg));
        else process.stdout.write(human(file, result, ranking) + (o.svg ? `  probability plot: ${o.svg}\n` : ""));
      }),
    );
}

import type { Command } from "commander";
import { MoldtwinError } from "../../../../engine/errors.ts";
import { type KaplanMeierResult, kaplanMeier } from "../../../../engine/reliability/kaplanMeier.ts";
import { parseLifeCsv } from "../../../../engine/reliability/lifeData.ts";
import { lineChart } from "../../../svg/chart.ts";
import { fmt, printJson, readTextFile, run } from "../../io.ts";
import { ciOption, columns, enumOption, stepPoints, writeSvg } from "./common.ts";

/**
 * `moldtwin life km <data.csv>`: Kaplan–Meier product-limit survival with Greenwood bounds
 * (engine/reliability/kaplanMeier.ts). Same CSV as fit-life (time, status F/S); the product-limit estimator
 * takes exact failures and right-censored times only, so left- or interval-censored rows (time_left) are refused.
 */

const BOUNDS = ["plain", "log-log"] as const;

/** First time at which S(t) ≤ 0.5, null when the estimate never gets there. */
function medianLife(km: KaplanMeierResult): number | null {
  return km.rows.find((r) => r.survival <= 0.5)?.time ?? null;
}

function json(file: string, km: KaplanMeierResult, failures: number, censored: number, svg?: string) {
  return {
    analysis: "kaplan-meier",
    file,
    n: failures + censored,
    failures,
    censored,
    ci: km.ci,
    bounds: km.bounds,
    medianLife: medianLife(km),
    rows: km.rows,
    definitions: {
      time: "a distinct failure or censoring time, in the data's time unit",
      atRisk: "units at risk just before time (failures count before censorings at a tie)",
      survival: "S(t) just after time: product of (1 − failures/atRisk) up to t",
      variance: "Greenwood variance of S(t)",
      lower:
        km.bounds === "plain"
          ? "two-sided ci bound S − Z·√variance, clipped to [0, 1]"
          : "two-sided ci bound S^exp(+Z·√v), v = Greenwood sum / ln(S)² (Kalbfleisch–Prentice log-log)",
      upper:
        km.bounds === "plain"
          ? "two-sided ci bound S + Z·√variance, clipped to [0, 1]"
          : "two-sided ci bound S^exp(−Z·√v)",
      medianLife: "first time at which S ≤ 0.5; null if never reached",
    },
    ...(svg ? { svgFile: svg } : {}),
  };
}

function human(file: string, km: KaplanMeierResult, failures: number, censored: number): string {
  let s = `moldtwin life km — ${file}: Kaplan–Meier, ${fmt(100 * km.ci)} % ${km.bounds} Greenwood bounds\n`;
  s += `  ${failures + censored} units: ${failures} failures, ${censored} right-censored\n`;
  const shown = km.rows.filter((r) => r.failures > 0);
  s += columns(
    ["time", "at risk", "failed", "censored", "S(t)", "lower", "upper"],
    shown.map((r) => [
      fmt(r.time),
      String(r.atRisk),
      String(r.failures),
      String(r.censored),
      fmt(r.survival),
      fmt(r.lower),
      fmt(r.upper),
    ]),
    "rrrrrrr",
  );
  const hidden = km.rows.length - shown.length;
  if (hidden > 0) s += `  (${hidden} censoring-only time${hidden > 1 ? "s" : ""} not shown: S does not change there)\n`;
  const med = medianLife(km);
  s += `  median life ${med === null ? "not reached (S > 0.5 throughout)" : fmt(med)}\n`;
  return s;
}

function svgOf(file: string, km: KaplanMeierResult): string {
  const last = km.rows[km.rows.length - 1]!.time;
  const step = (pick: (r: KaplanMeierResult["rows"][number]) => number) =>
    stepPoints(
      km.rows.map((r) => [r.time, pick(r)] as const),
      1,
      0,
      last,
    );
  return lineChart({
    title: `Kaplan–Meier survival — ${file}`,
    xLabel: "time",
    yLabel: "survival S(t)",
    yMin: 0,
    yMax: 1,
    series: [
      { name: "Kaplan–Meier S(t)", points: step((r) => r.survival), markers: false, color: "#1f77b4" },
      {
        name: `${fmt(100 * km.ci)} % lower (${km.bounds})`,
        points: step((r) => r.lower),
        markers: false,
        dashed: true,
        color: "#7f7f7f",
      },
      {
        name: `${fmt(100 * km.ci)} % upper (${km.bounds})`,
        points: step((r) => r.upper),
        markers: false,
        dashed: true,
        color: "#bcbd22",
      },
    ],
  });
}

export function registerKm(life: Command): void {
  life
    .command("km <data>")
    .description("Kaplan–Meier survival with Greenwood bounds (CSV: time, status F|S, as fit-life)")
    .option("--ci <level>", "confidence level of the two-sided bounds (default 0.95)")
    .option("--bounds <kind>", "plain (Greenwood, normal approximation) | log-log (default plain)")
    .option("--svg <file>", "write a step plot of S(t) with its bounds as SVG")
    .option("--json", "print one JSON object")
    .action(async (file: string, o) =>
      run(Boolean(o.json), () => {
        const bounds = enumOption(o.bounds, "--bounds", BOUNDS, "plain");
        const ci = ciOption(o.ci);
        const data = parseLifeCsv(readTextFile(file, "life-data"), file);
        const other = data.left.length + data.intervalLow.length;
        if (other > 0) {
          throw new MoldtwinError(
            "TWIN_ERR_VALIDATION",
            `life-data file ${file}: Kaplan–Meier takes exact failures and right-censored times only`,
            [
              {
                field: "time_left",
                value: `${data.left.length} left-censored, ${data.intervalLow.length} interval-censored`,
                allowed: "empty on every row (use fit-life for left- or interval-censored data)",
              },
            ],
          );
        }
        const km = kaplanMeier(data.failures, data.right, ci, { bounds });
        if (o.svg) writeSvg(o.svg, svgOf(file, km));
        const nf = data.failures.length;
        const nc = data.right.length;
        if (o.json) printJson(json(file, km, nf, nc, o.svg));
        else process.stdout.write(human(file, km, nf, nc) + (o.svg ? `  step plot: ${o.svg}\n` : ""));
      }),
    );
}

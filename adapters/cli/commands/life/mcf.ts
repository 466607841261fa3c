import type { Command } from "commander";
import { MoldtwinError } from "../../../../engine/errors.ts";
import {
  type McfNonparametric,
  type McfParametric,
  mcfNonparametric,
  mcfParametric,
  type RepairableSystem,
} from "../../../../engine/reliability/mcf.ts";
import { type LineSeries, lineChart } from "../../../svg/chart.ts";
import { CellErrors, numberCell, parseCsvTable } from "../../csvTable.ts";
import { fmt, printJson, readTextFile, run } from "../../io.ts";
import { ciOption, columns, stepPoints, writeSvg } from "./common.ts";

/**
 * `moldtwin life mcf <systems.csv>`: mean cumulative function of repairable systems — the nonparametric
 * estimate with bounds and the power-law fit (t/α)^β with its trend (engine/reliability/mcf.ts).
 *
 * CSV columns `system`, `time`, `event`: one row per failure (event F, the system's age at the repair) and one
 * row per system with event R, the age at which observation ended (retirement, or the present age). Rows may
 * come in any order; each system needs exactly one R, at or after its last F.
 */

const WHAT = "repairable-systems";

export function readMcfCsv(text: string, file: string): RepairableSystem[] {
  const table = parseCsvTable(text, file, WHAT, ["system", "time", "event"]);
  const errors = new CellErrors();
  const bySystem = new Map<string, { failures: { t: number; row: number }[]; retire?: { t: number; row: number } }>();
  for (const r of table.rows) {
    const id = r.cell("system");
    const event = r.cell("event").toUpperCase();
    const t = numberCell(r.cell("time"));
    let ok = true;
    if (id === "") {
      errors.add(r.row, "system", "", "a system name or number");
      ok = false;
    }
    if (event !== "F" && event !== "R") {
      errors.add(r.row, "event", r.cell("event"), "F (failure) or R (retirement / end of observation)");
      ok = false;
    }
    if (t === undefined || !Number.isFinite(t) || t < 0 || (event === "R" && t === 0)) {
      errors.add(r.row, "time", r.cell("time"), event === "R" ? "an age > 0" : "an age ≥ 0");
      ok = false;
    }
    if (!ok) continue;
    const s = bySystem.get(id) ?? { failures: [] };
    bySystem.set(id, s);
    if (event === "F") s.failures.push({ t: t!, row: r.row });
    else if (s.retire) {
      errors.add(r.row, "event", "R", `one R per system; system "${id}" already retired at row ${s.retire.row}`);
    } else s.retire = { t: t!, row: r.row };
  }
  for (const [id, s] of bySystem) {
    if (!s.retire) {
      errors.addField(`system "${id}"`, "no R row", "one R row: the age at retirement or end of observation");
      continue;
    }
    for (const f of s.failures) {
      if (f.t > s.retire.t)
        errors.add(f.row, "time", f.t, `≤ ${s.retire.t}, the retirement age of system "${id}" (row ${s.retire.row})`);
    }
  }
  errors.throwIfAny(WHAT, file);
  if (bySystem.size === 0) {
    throw new MoldtwinError("FIT_ERR_INSUFFICIENT_DATA", `${WHAT} file ${file} has no data rows`, [
      { field: file, value: 0, unit: "rows", allowed: "rows system,time,event" },
    ]);
  }
  return [...bySystem].map(([id, s]) => ({
    id,
    failureTimes: s.failures.map((f) => f.t),
    retirementTime: s.retire!.t,
  }));
}

function parametricOrWarning(systems: RepairableSystem[], ci: number): { fit: McfParametric | null; warning?: string } {
  try {
    return { fit: mcfParametric(systems, ci) };
  } catch (e) {
    if (e instanceof MoldtwinError && e.code === "FIT_ERR_INSUFFICIENT_DATA")
      return { fit: null, warning: `no parametric fit: ${e.message}` };
    throw e;
  }
}

function parametricJson(p: McfParametric | null) {
  if (!p) return null;
  const { points: _points, mcfAt: _mcfAt, ...numbers } = p;
  return {
    model: "MCF(t) = (t/alpha)^beta",
    ...numbers,
    definitions: {
      alpha: "age at which the mean system has had one repair (time unit)",
      beta: "> 1: repairs getting more frequent; < 1: less frequent",
      alphaLower: "two-sided ci bounds X·exp(±Z·SE/X); SE and covariance from the least-squares fit (s²·(JᵀJ)⁻¹)",
      trend: "worsening if the beta interval lies above 1, improving if below 1, else constant",
    },
  };
}

function human(file: string, systems: RepairableSystem[], np: McfNonparametric, p: McfParametric | null): string {
  const failures = np.rows.length;
  let s = `moldtwin life mcf — ${file}: mean cumulative function, ${fmt(100 * np.ci)} % one-sided bounds\n`;
  s += `  ${systems.length} system${systems.length === 1 ? "" : "s"}, ${failures} failure${failures === 1 ? "" : "s"}\n`;
  s += columns(
    ["age", "system", "at risk", "MCF", "lower", "upper"],
    np.rows.map((r) => [fmt(r.time), r.system, String(r.atRisk), fmt(r.mcf), fmt(r.lower), fmt(r.upper)]),
    "rlrrrr",
  );
  if (p) {
    s += `  power law MCF(t) = (t/α)^β: α ${fmt(p.alpha)} (${fmt(p.alphaLower)} – ${fmt(p.alphaUpper)})`;
    s += `   β ${fmt(p.beta)} (${fmt(p.betaLower)} – ${fmt(p.betaUpper)})   trend: ${p.trend}\n`;
  }
  return s;
}

function svgOf(file: string, systems: RepairableSystem[], np: McfNonparametric, p: McfParametric | null): string {
  const end = Math.max(...systems.map((s) => s.retirementTime));
  const step = (pick: (r: McfNonparametric["rows"][number]) => number) =>
    stepPoints(
      np.rows.map((r) => [r.time, pick(r)] as const),
      0,
      0,
      end,
    );
  const series: LineSeries[] = [
    { name: "MCF (nonparametric)", points: step((r) => r.mcf), markers: false, color: "#1f77b4" },
    {
      name: `${fmt(100 * np.ci)} % lower`,
      points: step((r) => r.lower),
      markers: false,
      dashed: true,
      color: "#7f7f7f",
    },
    {
      name: `${fmt(100 * np.ci)} % upper`,
      points: step((r) => r.upper),
      markers: false,
      dashed: true,
      color: "#bcbd22",
    },
  ];
  if (p) {
    const pts = Array.from({ length: 81 }, (_, i) => {
      const t = (end * i) / 80;
      return [t, p.mcfAt(t)] as const;
    });
    series.push({
      name: `(t/${fmt(p.alpha)})^${fmt(p.beta)}`,
      points: pts,
      markers: false,
      color: "#d62728",
    });
  }
  return lineChart({
    title: `Mean cumulative function — ${file}`,
    xLabel: "age",
    yLabel: "mean cumulative repairs per system",
    yMin: 0,
    xMin: 0,
    xMax: end,
    series,
  });
}

export function registerMcf(life: Command): void {
  life
    .command("mcf <systems>")
    .description("mean cumulative function of repairable systems (CSV: system, time, event F|R)")
    .option("--ci <level>", "confidence level of the one-sided bounds (default 0.95)")
    .option("--svg <file>", "write the MCF with its bounds and the power-law fit as SVG")
    .option("--json", "print one JSON object")
    .action(async (file: string, o) =>
      run(Boolean(o.json), () => {
        const ci = ciOption(o.ci);
        const systems = readMcfCsv(readTextFile(file, WHAT), file);
        const np = mcfNonparametric(systems, ci);
        const { fit, warning } = parametricOrWarning(systems, ci);
        if (o.svg) writeSvg(o.svg, svgOf(file, systems, np, fit));
        if (o.json) {
          printJson({
            analysis: "mean-cumulative-function",
            file,
            systems: systems.length,
            failures: np.rows.length,
            ci,
            z: np.z,
            rows: np.rows,
            parametric: parametricJson(fit),
            warnings: warning ? [warning] : [],
            definitions: {
              time: "age of the system at the failure (time unit of the data)",
              atRisk: "systems under observation at that age (failures count before retirements at a tie)",
              mcf: "mean cumulative number of repairs per system up to that age",
              variance: "ReliaWiki / Nelson variance of the MCF",
              lower: "one-sided ci bound MCF·exp(−z·√variance/MCF), z = Φ⁻¹(ci) (ReliaSoft, reliability)",
              upper: "one-sided ci bound MCF·exp(+z·√variance/MCF)",
            },
            ...(o.svg ? { svgFile: o.svg } : {}),
          });
        } else {
          let s = human(file, systems, np, fit);
          if (warning) s += `  warning: ${warning}\n`;
          process.stdout.write(s + (o.svg ? `  MCF plot: ${o.svg}\n` : ""));
        }
      }),
    );
}

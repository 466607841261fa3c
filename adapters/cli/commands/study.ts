import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { type ErrorDetail, MoldtwinError } from "../../../engine/errors.ts";
import { ruleViolation } from "../../../engine/studies/common.ts";
import {
  type CavityBalanceResult,
  cavityBalanceStudy,
  type GateSealResult,
  gateSealStudy,
  type PressureDropResult,
  pressureDropStudy,
  type ViscosityCurveResult,
  viscosityCurveStudy,
} from "../../../engine/studies/index.ts";
import { barChart, lineChart } from "../../svg/chart.ts";
import { fmt, numeric, printJson, run } from "../io.ts";
import { buildRequest, type SimulateRequest, shotSourceOptions } from "./simulate.ts";

/**
 * `moldtwin study <viscosity|gate-seal|pressure-drop|balance> [scenario.json]`: the in-silico scientific molding
 * studies of engine/studies on a shot scenario (or library ids + starter recipe), with `--set` overrides, a table
 * or one JSON object, and an optional SVG chart.
 */

const STUDIES = ["viscosity", "gate-seal", "pressure-drop", "balance"] as const;
type StudyKind = (typeof STUDIES)[number];

interface Rule {
  flag: string;
  key: string;
  studies: StudyKind[];
  min?: number;
  max?: number;
  exclusiveMin?: number;
  integer?: boolean;
  unit?: string;
  list?: boolean;
  perCavity?: boolean;
}

/** Study options: flag, engine option key, which studies take it, and the allowed range. */
const RULES: Rule[] = [
  { flag: "--steps", key: "steps", studies: ["viscosity", "gate-seal"], integer: true, min: 3, max: 200 },
  {
    flag: "--flat-threshold-pct",
    key: "flatThresholdPct",
    studies: ["viscosity"],
    exclusiveMin: 0,
    max: 100,
    unit: "%",
  },
  { flag: "--fastest-s", key: "fastestInjectionTimeS", studies: ["viscosity"], exclusiveMin: 0, max: 60, unit: "s" },
  { flag: "--slowest-s", key: "slowestInjectionTimeS", studies: ["viscosity"], exclusiveMin: 0, max: 60, unit: "s" },
  { flag: "--max-hold-s", key: "maxHoldTimeS", studies: ["gate-seal"], exclusiveMin: 0, max: 600, unit: "s" },
  {
    flag: "--seal-threshold-pct",
    key: "sealThresholdPct",
    studies: ["gate-seal"],
    exclusiveMin: 0,
    max: 10,
    unit: "%",
  },
  { flag: "--margin-pct", key: "marginPct", studies: ["gate-seal"], min: 0, max: 200, unit: "%" },
  { flag: "--margin-s", key: "marginS", studies: ["gate-seal"], min: 0, max: 600, unit: "s" },
  {
    flag: "--injection-times-s",
    key: "injectionTimesS",
    studies: ["pressure-drop", "balance"],
    exclusiveMin: 0,
    max: 60,
    unit: "s",
    list: true,
  },
  {
    flag: "--runner-extra-mm",
    key: "runnerExtraMm",
    studies: ["balance"],
    min: 0,
    max: 2000,
    unit: "mm",
    list: true,
    perCavity: true,
  },
  {
    flag: "--mold-temp-offset-c",
    key: "moldTempOffsetC",
    studies: ["balance"],
    min: -50,
    max: 50,
    unit: "°C",
    list: true,
    perCavity: true,
  },
];

const camel = (flag: string): string => flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function badOption(rule: Rule, raw: string, allowed: string): MoldtwinError {
  const d: ErrorDetail = { field: rule.flag, value: raw, ...(rule.unit ? { unit: rule.unit } : {}), allowed };
  return new MoldtwinError(
    "TWIN_ERR_VALIDATION",
    `invalid option ${rule.flag} ${JSON.stringify(raw)}; allowed: ${allowed}`,
    [d],
  );
}

function parseOptions(kind: StudyKind, o: Record<string, unknown>, cavities: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const rule of RULES) {
    const raw = o[camel(rule.flag)];
    if (raw === undefined) continue;
    if (!rule.studies.includes(kind)) {
      throw new MoldtwinError("CLI_ERR_USAGE", `option ${rule.flag} does not apply to study ${kind}`, [
        { field: rule.flag, value: raw, allowed: `only with study ${rule.studies.join(" or ")}` },
      ]);
    }
    const text = String(raw);
    const items = rule.list ? text.split(",") : [text];
    const values = items.map((s) => numeric(s));
    const describe = (): string => {
      const parts: string[] = [];
      if (rule.exclusiveMin !== undefined) parts.push(`> ${rule.exclusiveMin}`);
      if (rule.min !== undefined) parts.push(`≥ ${rule.min}`);
      if (rule.max !== undefined) parts.push(`≤ ${rule.max}`);
      const one = `${rule.integer ? "an integer" : "a finite number"} ${parts.join(" and ")}${rule.unit ? ` ${rule.unit}` : ""}`;
      if (!rule.list) return one;
      const count = rule.perCavity
        ? `exactly ${cavities} comma-separated values (one per cavity)`
        : "comma-separated values";
      return `${count}, each ${one}`;
    };
    if (rule.perCavity && values.length !== cavities) throw badOption(rule, text, describe());
    for (const v of values) if (ruleViolation(v, rule) !== undefined) throw badOption(rule, text, describe());
    out[rule.key] = rule.list ? values : values[0];
  }
  return out;
}

/** Engine-side option errors name `options.key`; on the command line they should name the flag. */
function toFlagNames(e: unknown): unknown {
  if (!(e instanceof MoldtwinError) || e.code !== "TWIN_ERR_VALIDATION") return e;
  let message = e.message;
  const details = e.details.map((d) => {
    for (const rule of RULES) {
      const field = `options.${rule.key}`;
      message = message.replaceAll(field, rule.flag);
      if (d.field?.startsWith(field)) return { ...d, field: d.field.replace(field, rule.flag) };
    }
    return d;
  });
  return new MoldtwinError(e.code, message, details);
}

function runStudy(kind: StudyKind, req: SimulateRequest, options: Record<string, unknown>) {
  try {
    if (kind === "viscosity") return viscosityCurveStudy(req.twin, req.settings, options);
    if (kind === "gate-seal") return gateSealStudy(req.twin, req.settings, options);
    if (kind === "pressure-drop") return pressureDropStudy(req.twin, req.settings, options);
    return cavityBalanceStudy(req.twin, req.settings, {
      ...options,
      ...(options.newtonian ? { rheology: "newtonian" as const } : {}),
    });
  } catch (e) {
    throw toFlagNames(e);
  }
}

type StudyResult = ViscosityCurveResult | GateSealResult | PressureDropResult | CavityBalanceResult;

const pad = (s: string | number, n: number): string => String(s).padStart(n);
const cols = (cells: (string | number)[], widths: number[]): string =>
  `  ${cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[0]!) : pad(c, widths[i]!))).join("  ")}\n`;

function humanViscosity(r: ViscosityCurveResult): string {
  const w = [10, 9, 10, 10, 10, 9, 10, 13];
  let s = `viscosity curve (η_rel = P_peak,specific × t_fill; flat threshold ${r.method.flatThresholdPct} % per step)\n`;
  s += cols(["inj time s", "fill s", "peak MPa", "γ̇_rel 1/s", "η_rel MPa·s", "η_rel %", "Δ %", "max γ̇w 1/s"], w);
  for (const p of r.steps) {
    const flag = p.pressureLimited ? "  pressure-limited" : p.shortShot ? `  short shot (${p.shortShotLimitedBy})` : "";
    s += `${cols(
      [
        fmt(p.injectionTimeS),
        fmt(p.fillTimeS),
        fmt(p.peakInjectionPressureMPa),
        fmt(p.relativeShearRate1s),
        fmt(p.relativeViscosityMPaS),
        fmt(p.normalizedViscosityPct),
        fmt(p.changeToFasterPct),
        fmt(p.maxWallShearRate1s),
      ],
      w,
    ).trimEnd()}${p.inFlatRegion ? "  flat" : ""}${flag}\n`;
  }
  return `${s}recommendation: ${r.recommendation.text}\n`;
}

function humanGateSeal(r: GateSealResult): string {
  const w = [10, 12, 10, 14];
  let s = `gate-seal study (hold ${r.method.holdPressureMPa} MPa; seal = mass within ${r.method.sealThresholdPct} % of plateau)\n`;
  s += cols(["hold s", "part mass g", "Δ %", "p at seal MPa"], w);
  for (const p of r.points) {
    s += cols(
      [fmt(p.holdTimeS), p.partMassG.toFixed(4), fmt(p.massChangeFromPreviousPct), fmt(p.cavityPressureAtSealMPa)],
      w,
    );
  }
  s += `seal time ${fmt(r.sealTimeS)} s (kernel gate freeze ${fmt(r.kernel.gateFreezeTimeS)} s); plateau ${r.plateauPartMassG.toFixed(4)} g\n`;
  return `${s}recommendation: ${r.recommendation.text}\n`;
}

function humanPressureDrop(r: PressureDropResult): string {
  const w = [16, 10, 8, 14];
  const a = r.atSettings;
  let s = `pressure-drop study at ${fmt(a.injectionTimeS)} s injection (available ${fmt(r.machine.availablePressureMPa)} MPa = ${r.machine.maxInjectionPressureMPa} MPa × ${r.machine.usablePressureFraction})\n`;
  s += cols(["segment", "drop MPa", "share %", "cumulative MPa"], w);
  for (const g of a.segments) s += cols([g.label, fmt(g.pressureDropMPa), fmt(g.sharePct), fmt(g.cumulativeMPa)], w);
  s += cols(["total (peak)", fmt(a.peakInjectionPressureMPa), "100", ""], w);
  s += "across injection times\n";
  const w2 = [10, 10, 10, 11, 22];
  s += cols(["inj time s", "peak MPa", "headroom %", "largest", "verdict"], w2);
  for (const c of r.acrossInjectionTimes) {
    s += cols(
      [fmt(c.injectionTimeS), fmt(c.peakInjectionPressureMPa), fmt(c.headroomPct), c.largestLoss, c.verdict],
      w2,
    );
  }
  return `${s}recommendation: ${r.recommendation.text}\n`;
}

function humanBalance(r: CavityBalanceResult): string {
  let s = `cavity balance (${r.cavities} cavities, ${r.method.rheology}); ${r.note}\n`;
  const w = [7, 9, 8, 8, 10, 12, 10];
  for (const run of r.runs) {
    s += `injection ${fmt(run.injectionTimeS)} s: imbalance ${fmt(run.imbalancePct)} %, common drop ${fmt(run.commonPressureDropMPa)} MPa${run.converged ? "" : " (not converged)"}\n`;
    s += cols(["cavity", "extra mm", "ΔT °C", "flow %", "fill %", "branch MPa", "γ̇w 1/s"], w);
    for (const c of run.cavities) {
      s += cols(
        [
          c.cavity,
          fmt(c.runnerExtraMm),
          fmt(c.moldTempOffsetC),
          fmt(c.flowSharePct),
          fmt(c.fillPctWhenFirstFull),
          fmt(c.branchPressureDropMPa),
          fmt(c.maxWallShearRate1s),
        ],
        w,
      );
    }
  }
  return `${s}recommendation: ${r.recommendation.text}\n`;
}

function human(req: SimulateRequest, r: StudyResult): string {
  const head = `moldtwin study — ${req.name} (settings: ${req.settingsSource})\n`;
  if (r.study === "viscosity-curve") return head + humanViscosity(r);
  if (r.study === "gate-seal") return head + humanGateSeal(r);
  if (r.study === "pressure-drop") return head + humanPressureDrop(r);
  return head + humanBalance(r);
}

/** The study's chart as SVG text. */
export function studySvg(name: string, r: StudyResult): string {
  if (r.study === "viscosity-curve") {
    const rec = r.recommendation.injectionTimeS === null ? undefined : r.recommendation;
    const usable = r.steps.filter((p) => p.usable);
    const excluded = r.steps.filter((p) => !p.usable);
    return lineChart({
      title: `Viscosity curve — ${name}`,
      xLabel: "relative shear rate 1/t_fill (1/s)",
      yLabel: "relative viscosity η_rel (% of max)",
      xScale: "log",
      series: [
        { name: "η_rel (usable)", points: usable.map((p) => [p.relativeShearRate1s, p.normalizedViscosityPct]) },
        ...(excluded.length
          ? [
              {
                name: "excluded (pressure-limited / short shot)",
                points: excluded.map((p) => [p.relativeShearRate1s, p.normalizedViscosityPct] as const),
                color: "#999999",
                dashed: true,
              },
            ]
          : []),
      ],
      yMax: Math.max(100, ...usable.map((p) => p.normalizedViscosityPct)) * 1.08,
      shadedX: r.flatRegion
        ? [
            {
              from: r.flatRegion.fromRelativeShearRate1s,
              to: r.flatRegion.toRelativeShearRate1s,
              label: `flat region (< ${r.method.flatThresholdPct} %/step)`,
            },
          ]
        : [],
      points:
        rec && "relativeShearRate1s" in rec
          ? [
              {
                x: rec.relativeShearRate1s,
                y: r.steps.find((p) => p.injectionTimeS === rec.injectionTimeS)?.normalizedViscosityPct ?? 0,
                label: `recommended ${rec.injectionTimeS} s`,
                color: "#d62728",
              },
            ]
          : [],
    });
  }
  if (r.study === "gate-seal") {
    const masses = r.points.map((p) => p.partMassG);
    const lo = Math.min(...masses);
    const hi = Math.max(...masses);
    const padG = Math.max((hi - lo) * 0.15, hi * 1e-4);
    return lineChart({
      title: `Gate-seal study — ${name}`,
      xLabel: "hold time (s)",
      yLabel: "part mass (g)",
      series: [{ name: "part mass", points: r.points.map((p) => [p.holdTimeS, p.partMassG]) }],
      yMin: lo - padG,
      yMax: hi + padG,
      vLines: [
        { value: r.sealTimeS, label: `seal ${fmt(r.sealTimeS)} s`, color: "#d62728" },
        { value: r.recommendedHoldTimeS, label: `recommended hold ${fmt(r.recommendedHoldTimeS)} s`, color: "#2ca02c" },
        {
          value: r.kernel.gateFreezeTimeS,
          label: `kernel gate freeze ${fmt(r.kernel.gateFreezeTimeS)} s`,
          color: "#7f7f7f",
        },
      ],
      hLines: [{ value: r.plateauPartMassG, label: `plateau ${r.plateauPartMassG.toFixed(4)} g`, color: "#9467bd" }],
    });
  }
  if (r.study === "pressure-drop") {
    const a = r.atSettings;
    return barChart({
      title: `Pressure drop at ${fmt(a.injectionTimeS)} s injection — ${name}`,
      xLabel: "flow-path segment",
      yLabel: "pressure (MPa)",
      categories: a.segments.map((g) => g.label),
      series: [{ name: "pressure drop (MPa)", values: a.segments.map((g) => g.pressureDropMPa) }],
      lines: [{ name: "cumulative pressure (MPa)", values: a.segments.map((g) => g.cumulativeMPa) }],
      hLines: [
        {
          value: a.availablePressureMPa,
          label: `press limit ${fmt(a.availablePressureMPa)} MPa (${r.machine.maxInjectionPressureMPa} × ${r.machine.usablePressureFraction})`,
          color: "#d62728",
        },
      ],
    });
  }
  return barChart({
    title: `Cavity balance (fill % when the first part is full) — ${name}`,
    xLabel: "cavity",
    yLabel: "part fill (%)",
    categories: Array.from({ length: r.cavities }, (_, k) => `cavity ${k + 1}`),
    series: r.runs.map((run) => ({
      name: `${fmt(run.injectionTimeS)} s: imbalance ${fmt(run.imbalancePct)} %`,
      values: run.cavities.map((c) => c.fillPctWhenFirstFull),
    })),
    yMin: 0,
    yMax: 110,
    hLines: [{ value: 100, label: "full", color: "#7f7f7f" }],
  });
}

export function registerStudy(program: Command): void {
  shotSourceOptions(program.command("study <study> [scenario]"))
    .description(
      "in-silico scientific molding study: viscosity | gate-seal | pressure-drop | balance, on a shot scenario or library ids",
    )
    .option("--json", "print one JSON object")
    .option("--svg <file>", "write the study's chart as SVG")
    .option("--steps <n>", "viscosity / gate-seal: number of steps (12 / 25)")
    .option("--flat-threshold-pct <pct>", "viscosity: flat-region threshold, % of max per step (5)")
    .option("--fastest-s <s>", "viscosity: fastest injection time, s (press minimum)")
    .option("--slowest-s <s>", "viscosity: slowest injection time, s")
    .option("--max-hold-s <s>", "gate-seal: longest hold time, s (2.5 × gate freeze)")
    .option("--seal-threshold-pct <pct>", "gate-seal: plateau threshold, % of plateau mass (0.1)")
    .option("--margin-pct <pct>", "gate-seal: hold margin over the seal time, % (10)")
    .option("--margin-s <s>", "gate-seal: hold margin over the seal time, s")
    .option("--injection-times-s <list>", "pressure-drop / balance: injection times to compare, e.g. 0.5,1,2")
    .option("--runner-extra-mm <list>", "balance: extra runner length per cavity, mm, e.g. 0,0,15,15")
    .option("--mold-temp-offset-c <list>", "balance: mold-temperature offset per cavity, °C, e.g. 0,0,3,3")
    .option("--newtonian", "balance: Newtonian sanity mode (η = η0, split follows 1/resistance)")
    .action(async (study: string, scenario: string | undefined, o) =>
      run(Boolean(o.json), () => {
        if (!STUDIES.includes(study as StudyKind)) {
          throw new MoldtwinError("CLI_ERR_USAGE", `unknown study "${study}"`, [
            { field: "study", value: study, allowed: `one of: ${STUDIES.join(", ")}` },
          ]);
        }
        const kind = study as StudyKind;
        if (o.newtonian && kind !== "balance") {
          throw new MoldtwinError("CLI_ERR_USAGE", `option --newtonian does not apply to study ${kind}`, [
            { field: "--newtonian", value: true, allowed: "only with study balance" },
          ]);
        }
        const req = buildRequest(
          scenario,
          { material: o.material, machine: o.machine, mold: o.mold },
          o.set,
          o.wearMonths,
        );
        const options = parseOptions(kind, o, req.twin.mold.cavities);
        if (o.newtonian) options.newtonian = true;
        const result = runStudy(kind, req, options);
        let svgFile: string | undefined;
        if (o.svg) {
          svgFile = String(o.svg);
          try {
            writeFileSync(svgFile, studySvg(req.name, result));
          } catch (e) {
            throw new MoldtwinError("FILE_ERR_READ", `cannot write SVG file ${svgFile}: ${(e as Error).message}`, [
              { field: "--svg", value: svgFile, allowed: "a writable file path" },
            ]);
          }
        }
        if (o.json) {
          printJson({
            scenario: req.name,
            twin: { materialId: req.twin.material.id, machineId: req.twin.machine.id, moldId: req.twin.mold.id },
            settingsSource: req.settingsSource,
            settings: req.settings,
            study: result,
            ...(svgFile ? { svgFile } : {}),
          });
        } else {
          process.stdout.write(human(req, result));
          if (svgFile) process.stdout.write(`chart written to ${svgFile}\n`);
        }
      }),
    );
}

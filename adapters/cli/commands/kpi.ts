import type { Command } from "commander";
import { describeDetail, MoldtwinError } from "../../../engine/errors.ts";
import {
  computeKpis,
  DEFAULT_SUBGROUP_SIZE,
  type KpiBlock,
  type KpiReport,
  type PressKpis,
  parsePressEvents,
  parseTimestampMs,
} from "../../../engine/kpi/index.ts";
import type { KpiOptions, PressEvent } from "../../../twin-models/schemas/kpi.ts";
import { PRESS_STATES } from "../../../twin-models/schemas/kpi.ts";
import { barChart, CHART_HEIGHT, lineChart, type PointMarker } from "../../svg/chart.ts";
import { CellErrors, numberCell, parseCsvTable } from "../csvTable.ts";
import { fmt, printJson, readTextFile, run } from "../io.ts";
import { columns, FINITE, numberOption, writeSvg } from "./life/common.ts";

/**
 * `moldtwin kpi <cycles.csv>`: KPIs of a press event log (engine/kpi/): time buckets reconciled to the calendar,
 * ISO 22400-2, Nakajima OEE with the six big losses, SEMI E10 uptimes (supplier-dependent uptime = the contract
 * availability), MTBF/MTTR, energy per part and the base-load energy line, SPC of a sampled characteristic.
 *
 * CSV (header row, any column order, case-insensitive; blank lines and `#` comments skipped): press, start (ISO
 * 8601, e.g. 2026-01-05T06:00:00Z), durationS, state (one of PRESS_STATES) are required; parts, good, scrap,
 * rework (integers, default 0, good + scrap + rework = parts), energyKWh (default 0), plannedUnitS, partMassG,
 * measurement and event are optional. Empty cells take the default.
 */

const WHAT = "press event log";
const REQUIRED = ["press", "start", "durations", "state"] as const;

const countCell = (text: string): number | undefined => {
  const v = numberCell(text);
  return v !== undefined && Number.isInteger(v) && v >= 0 ? v : undefined;
};

/** The CSV as press events (each with its file line as `row`), or TWIN_ERR_VALIDATION naming every bad cell. */
export function readPressEventsCsv(text: string, file: string): PressEvent[] {
  const table = parseCsvTable(text, file, WHAT, REQUIRED);
  const errors = new CellErrors();
  const events: Record<string, unknown>[] = [];
  const states = new Set<string>(PRESS_STATES);
  for (const r of table.rows) {
    const e: Record<string, unknown> = { row: r.row };
    const press = r.cell("press");
    if (press === "") errors.add(r.row, "press", press, "a press id");
    else e.press = press;
    const start = r.cell("start");
    if (parseTimestampMs(start) === undefined) {
      errors.add(r.row, "start", start, "an ISO 8601 timestamp such as 2026-01-05T06:00:00Z");
    } else e.start = start;
    const duration = numberCell(r.cell("durations"));
    if (duration === undefined || !(duration >= 0.001)) {
      errors.add(r.row, "durationS", r.cell("durations"), "a number ≥ 0.001 (seconds)");
    } else e.durationS = duration;
    const state = r.cell("state").toLowerCase();
    if (!states.has(state)) errors.add(r.row, "state", r.cell("state"), `one of: ${PRESS_STATES.join(", ")}`);
    else e.state = state;
    for (const [key, column] of [
      ["parts", "parts"],
      ["good", "good"],
      ["scrap", "scrap"],
      ["rework", "rework"],
    ] as const) {
      const raw = r.cell(column);
      if (raw === "") continue;
      const v = countCell(raw);
      if (v === undefined) errors.add(r.row, key, raw, "an integer ≥ 0");
      else e[key] = v;
    }
    for (const [key, column, allowed, ok] of [
      ["energyKWh", "energykwh", "a number ≥ 0 (kWh)", (v: number) => v >= 0],
      ["plannedUnitS", "plannedunits", "a number > 0 (seconds per part)", (v: number) => v > 0],
      ["partMassG", "partmassg", "a number > 0 (grams)", (v: number) => v > 0],
      ["measurement", "measurement", "a finite number", (_v: number) => true],
    ] as const) {
      const raw = r.cell(column);
      if (raw === "") continue;
      const v = numberCell(raw);
      if (v === undefined || !Number.isFinite(v) || !ok(v)) errors.add(r.row, key, raw, allowed);
      else e[key] = v;
    }
    const id = r.cell("event");
    if (id !== "") e.event = id;
    events.push(e);
  }
  errors.throwIfAny(WHAT, file);
  if (events.length === 0) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `${WHAT} file ${file} has no data rows`, [
      { field: file, value: 0, allowed: "at least one row after the header" },
    ]);
  }
  try {
    return parsePressEvents(events, file);
  } catch (e) {
    // The schema's bounds the cell checks above do not repeat (durationS ≤ 366 days, ids ≤ 64 characters) name the
    // event's index, `f.csv[0].durationS`: name the file's row and column instead, like every other cell error.
    if (!(e instanceof MoldtwinError)) throw e;
    const details = e.details.map((d) => {
      const m = /^.*\[(\d+)\]\.(\w+)$/.exec(d.field ?? "");
      const row = m ? events[Number(m[1])]?.row : undefined;
      return row === undefined ? d : { ...d, field: `row ${String(row)} column ${m![2]}` };
    });
    const first = details[0] ? `, first: ${describeDetail(details[0])}` : "";
    throw new MoldtwinError(e.code, `${WHAT} file ${file}: ${details.length} invalid value(s)${first}`, details);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Human output

const pct = (x: number | null): string => (x === null ? "—" : `${(x * 100).toFixed(1)} %`);
const num = (x: number | null): string => (x === null ? "—" : fmt(x));

type Line = [label: string, value: (b: KpiBlock) => string] | [heading: string];

const LINES: Line[] = [
  ["calendar window (h)", (b) => num(b.window.calendarH)],
  ["time buckets (h)"],
  ...[...PRESS_STATES, "unrecorded" as const].map((s): Line => [`  ${s}`, (b: KpiBlock) => num(b.bucketsH[s])]),
  ["  Σ buckets − window (ms)", (b) => String(b.reconciliation.differenceMs)],
  ["parts"],
  ["  produced PQ", (b) => num(b.counts.producedParts)],
  ["  good GQ", (b) => num(b.counts.goodParts)],
  ["  scrap SQ / rework RQ", (b) => `${num(b.counts.scrapParts)} / ${num(b.counts.reworkParts)}`],
  ["  produced mass (kg)", (b) => num(b.counts.producedMassKg)],
  ["ISO 22400-2"],
  ["  ISO 22400 availability APT/PBT", (b) => pct(b.iso22400.availability)],
  ["  effectiveness PRU·PQ/APT", (b) => pct(b.iso22400.effectiveness)],
  ["  quality ratio GQ/PQ", (b) => pct(b.iso22400.qualityRatio)],
  ["  OEE index", (b) => pct(b.iso22400.oee)],
  ["  NEE", (b) => pct(b.iso22400.nee)],
  ["  technical efficiency", (b) => pct(b.iso22400.technicalEfficiency)],
  ["  setup rate", (b) => pct(b.iso22400.setupRate)],
  ["  utilisation efficiency", (b) => pct(b.iso22400.utilisationEfficiency)],
  ["  allocation efficiency", (b) => pct(b.iso22400.allocationEfficiency)],
  ["  scrap ratio / rework ratio", (b) => `${pct(b.iso22400.scrapRatio)} / ${pct(b.iso22400.reworkRatio)}`],
  ["  failure events FE", (b) => String(b.counts.failureEvents)],
  ["  MTBF APT/FE (h)", (b) => num(b.iso22400.mtbfH)],
  ["  MTTR to restoration (h)", (b) => num(b.iso22400.mttrH)],
  ["  energy kWh/part (comprehensive)", (b) => num(b.iso22400.comprehensiveEnergyKWhPerPart)],
  ["  energy kWh/kg", (b) => num(b.iso22400.energyKWhPerKg)],
  ["Nakajima OEE (TPM)"],
  ["  loading time (h)", (b) => num(b.nakajima.timesH.loading)],
  ["  loss: breakdowns (h)", (b) => num(b.nakajima.lossesH.breakdowns)],
  ["  loss: setup & adjustment (h)", (b) => num(b.nakajima.lossesH.setupAdjustment)],
  ["  loss: minor stops (h)", (b) => num(b.nakajima.lossesH.minorStops)],
  ["  loss: reduced speed (h)", (b) => num(b.nakajima.lossesH.reducedSpeed)],
  ["  loss: scrap (h)", (b) => num(b.nakajima.lossesH.scrap)],
  ["  loss: rework / start-up (h)", (b) => num(b.nakajima.lossesH.reworkStartup)],
  ["  external stops, not of the six (h)", (b) => num(b.nakajima.lossesH.externalStops)],
  ["  Nakajima availability oper./loading", (b) => pct(b.nakajima.availability)],
  ["  performance", (b) => pct(b.nakajima.performance)],
  ["  quality", (b) => pct(b.nakajima.quality)],
  ["  Nakajima OEE", (b) => pct(b.nakajima.oee)],
  ["SEMI E10"],
  ["  PRD/SBY/ENG/SDT/UDT/NST (h)", (b) => Object.values(b.semiE10.statesH).map(num).join("/")],
  ["  E10 total uptime", (b) => pct(b.semiE10.totalUptime)],
  ["  E10 operational uptime", (b) => pct(b.semiE10.operationalUptime)],
  ["  E10 equipment-dependent uptime", (b) => pct(b.semiE10.equipmentDependentUptime)],
  ["  E10 supplier-dependent uptime (contract)", (b) => pct(b.semiE10.supplierDependentUptime)],
  ["  MTBF_p productive h/failure", (b) => num(b.semiE10.mtbfPH)],
  ["  MTTR active repair (h)", (b) => num(b.semiE10.mttrH)],
  ["  MTBA_p productive h/assist", (b) => num(b.semiE10.mtbaPH)],
  ["  inherent availability MTBF/(MTBF+MTTR)", (b) => pct(b.semiE10.inherentAvailability)],
  ["energy"],
  ["  total (kWh)", (b) => num(b.energy.totalKWh)],
  ["  line: base load P_base (kW)", (b) => (b.energy.line ? num(b.energy.line.baseLoadKW) : "—")],
  ["  line: k (kWh/kg)", (b) => (b.energy.line ? num(b.energy.line.kWhPerKg) : "—")],
  ["  line: R² (points)", (b) => (b.energy.line ? `${num(b.energy.line.rSquared)} (${b.energy.line.points})` : "—")],
  ["  line: kWh/part at observed util.", (b) => num(b.energy.line?.predictedKWhPerPart ?? null)],
  ["  line: kWh/part at full util.", (b) => num(b.energy.line?.predictedKWhPerPartAtFullUtilisation ?? null)],
];

const SPC_LINES: Line[] = [
  ["SPC (measurement)"],
  ["  subgroups × n", (b) => (b.spc ? `${b.spc.subgroups} × ${b.spc.subgroupSize}` : "—")],
  ["  mean X̿", (b) => num(b.spc?.mean ?? null)],
  ["  σ within R̄/d2 / σ overall s", (b) => (b.spc ? `${fmt(b.spc.sigmaWithin)} / ${fmt(b.spc.sigmaOverall)}` : "—")],
  ["  Cp / Cpk", (b) => (b.spc?.capability ? `${num(b.spc.capability.cp)} / ${num(b.spc.capability.cpk)}` : "—")],
  ["  Pp / Ppk", (b) => (b.spc?.capability ? `${num(b.spc.capability.pp)} / ${num(b.spc.capability.ppk)}` : "—")],
  [
    "  X̄ chart LCL / CL / UCL",
    (b) =>
      b.spc ? [b.spc.xbarChart.lcl, b.spc.xbarChart.centre, b.spc.xbarChart.ucl].map((x) => fmt(x)).join(" / ") : "—",
  ],
  ["  run-rule violations", (b) => (b.spc ? String(b.spc.violations.length) : "—")],
];

function detailTable(blocks: { name: string; block: KpiBlock }[], withSpc: boolean): string {
  const lines = withSpc ? [...LINES, ...SPC_LINES] : LINES;
  const rows = lines.map((l) =>
    l.length === 1 ? [l[0], ...blocks.map(() => "")] : [l[0], ...blocks.map((b) => l[1](b.block))],
  );
  return columns(["", ...blocks.map((b) => b.name)], rows, `l${"r".repeat(blocks.length)}`);
}

function summaryTable(presses: PressKpis[]): string {
  const head = [
    "press",
    "hours",
    "ISO avail.",
    "ISO OEE",
    "Nakajima OEE",
    "E10 SDU",
    "good",
    "kWh/part",
    "MTBF h",
    "MTTR h",
  ];
  const rows = presses.map((p) => [
    p.press,
    fmt(p.window.calendarH),
    pct(p.iso22400.availability),
    pct(p.iso22400.oee),
    pct(p.nakajima.oee),
    pct(p.semiE10.supplierDependentUptime),
    num(p.counts.goodParts),
    num(p.iso22400.comprehensiveEnergyKWhPerPart),
    num(p.iso22400.mtbfH),
    num(p.iso22400.mttrH),
  ]);
  return columns(head, rows, "lrrrrrrrrr");
}

const MAX_DETAIL_COLUMNS = 4;

function human(file: string, rows: number, r: KpiReport, written: string[]): string {
  let s = `moldtwin kpi — ${file}: ${r.presses.length} press(es), ${rows} row(s)\n`;
  s +=
    r.window.from || r.window.to
      ? `  window: ${r.window.from ?? "first start per press"} … ${r.window.to ?? "last end per press"}\n`
      : "  window: per press, first start … last end\n";
  s +=
    "  availabilities: ISO 22400 = APT/PBT (every non-production hour of planned busy time is a loss); Nakajima = operating/loading time;\n" +
    "  SEMI E10 supplier-dependent uptime = the contract availability (customer-caused stops and no-order time excluded)\n\n";
  const withSpc = r.presses.some((p) => p.spc !== null);
  if (r.presses.length > 1) s += `${summaryTable(r.presses)}\n`;
  const blocks =
    r.presses.length === 1
      ? [{ name: r.presses[0]!.press, block: r.presses[0]! as KpiBlock }]
      : [
          ...(r.presses.length <= MAX_DETAIL_COLUMNS
            ? r.presses.map((p) => ({ name: p.press, block: p as KpiBlock }))
            : []),
          { name: "fleet", block: r.fleet as KpiBlock },
        ];
  s += detailTable(blocks, withSpc);
  for (const p of r.presses) {
    for (const v of p.spc?.violations ?? []) {
      s += `  ${p.press} ${v.rule}: ${v.description} — subgroups ${v.points.join(", ")} (0-based)\n`;
    }
  }
  const notes = [...r.notes, ...r.presses.flatMap((p) => p.notes.map((n) => `${p.press}: ${n}`))];
  if (notes.length > 0) s += `\nnotes:\n${notes.map((n) => `  - ${n}\n`).join("")}`;
  for (const w of written) s += `chart written to ${w}\n`;
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// SVG

const WIDTH = 960;

/** Waterfall steps: [category, time left after the step (h), loss in the step (h)]. */
function isoSteps(b: KpiBlock): [string, number, number][] {
  const t = b.iso22400.timesH;
  const steps: [string, number, number][] = [
    ["calendar", b.window.calendarH, 0],
    ["non-sched.", t.POT, b.window.calendarH - t.POT],
    ["planned", t.PBT, t.PDT],
    ["idle+gaps", t.AUBT, t.ADOT + t.unrecorded],
    ["delays", t.AUPT, t.ADET],
    ["setup = APT", t.APT, t.ASUT],
  ];
  const n = b.nakajima;
  if (n.timesH.netOperating !== null && n.timesH.valuableOperating !== null) {
    steps.push(["speed", n.timesH.netOperating, t.APT - n.timesH.netOperating]);
    steps.push(["good parts", n.timesH.valuableOperating, n.timesH.netOperating - n.timesH.valuableOperating]);
  }
  return steps;
}

function nakajimaSteps(b: KpiBlock): [string, number, number][] {
  const n = b.nakajima;
  const l = n.lossesH;
  const steps: [string, number, number][] = [
    ["calendar", b.window.calendarH, 0],
    ["loading", n.timesH.loading, b.window.calendarH - n.timesH.loading],
    ["breakdowns", n.timesH.loading - l.breakdowns, l.breakdowns],
    ["external", n.timesH.loading - l.breakdowns - l.externalStops, l.externalStops],
    ["setup", n.timesH.operating, l.setupAdjustment],
    ["minor stops", n.timesH.operating - l.minorStops, l.minorStops],
  ];
  if (n.timesH.netOperating !== null && l.scrap !== null && l.reworkStartup !== null) {
    steps.push(["speed", n.timesH.netOperating, l.reducedSpeed!]);
    steps.push(["scrap", n.timesH.netOperating - l.scrap, l.scrap]);
    steps.push(["rework", n.timesH.valuableOperating!, l.reworkStartup]);
  }
  return steps;
}

function waterfallChart(title: string, steps: [string, number, number][]): string {
  return barChart({
    title,
    xLabel: "step (loss taken at each step)",
    yLabel: "hours",
    width: WIDTH,
    categories: steps.map((s) => s[0]),
    series: [
      { name: "time left (h)", values: steps.map((s) => s[1]), color: "#2ca02c" },
      { name: "loss in the step (h)", values: steps.map((s) => s[2]), color: "#d62728" },
    ],
  });
}

/** Two charts stacked in one SVG document. */
function stack(svgs: string[]): string {
  const h = CHART_HEIGHT;
  const inner = svgs.map((s, i) => s.trim().replace("<svg ", `<svg x="0" y="${i * h}" `)).join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${h * svgs.length}" viewBox="0 0 ${WIDTH} ${h * svgs.length}">\n${inner}\n</svg>\n`;
}

export function waterfallSvg(name: string, b: KpiBlock): string {
  const iso = b.iso22400.oee === null ? "—" : pct(b.iso22400.oee);
  const nak = b.nakajima.oee === null ? "—" : pct(b.nakajima.oee);
  return stack([
    waterfallChart(`ISO 22400-2 time waterfall — ${name} (OEE index ${iso})`, isoSteps(b)),
    waterfallChart(`Nakajima six big losses — ${name} (OEE ${nak})`, nakajimaSteps(b)),
  ]);
}

export function xbarSvg(p: PressKpis): string {
  const spc = p.spc!;
  const chart = spc.xbarChart;
  // One label per flagged point: the rules of the violations that end there (their last point), others circled.
  const rulesAt = new Map<number, string[]>();
  for (const v of spc.violations) {
    for (const i of v.points) if (!rulesAt.has(i)) rulesAt.set(i, []);
    const last = v.points[v.points.length - 1]!;
    rulesAt.get(last)!.push(v.rule);
  }
  const marks: PointMarker[] = [...rulesAt].map(([i, rules]) => ({
    x: i,
    y: chart.points[i]!,
    ...(rules.length > 0 ? { label: rules.join(" ") } : {}),
    color: "#d62728",
  }));
  const lo = Math.min(chart.lcl, ...chart.points);
  const hi = Math.max(chart.ucl, ...chart.points);
  const pad = (hi - lo) * 0.15 || 1;
  return lineChart({
    title: `X̄ chart — press ${p.press} (n = ${spc.subgroupSize}, ${spc.subgroups} subgroups)`,
    xLabel: "subgroup (0-based, time order)",
    yLabel: "subgroup mean of measurement",
    yMin: lo - pad,
    yMax: hi + pad,
    series: [
      {
        name: "X̄ (circled: run-rule violations, labelled where each ends)",
        points: chart.points.map((x, i) => [i, x] as const),
      },
    ],
    hLines: [
      { value: chart.ucl, label: `UCL ${fmt(chart.ucl)}` },
      { value: chart.centre, label: `CL ${fmt(chart.centre)}`, color: "#333333", dashed: false },
      { value: chart.lcl, label: `LCL ${fmt(chart.lcl)}` },
    ],
    points: marks,
  });
}

// ---------------------------------------------------------------------------------------------------------------

function timeOption(raw: unknown, option: string): string | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw);
  if (parseTimestampMs(text) === undefined) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `invalid option ${option} ${JSON.stringify(text)}`, [
      { field: option, value: text, allowed: "an ISO 8601 timestamp such as 2026-01-05T06:00:00Z" },
    ]);
  }
  return text;
}

/** Command-line options → engine options, each bad value a coded error naming its option. */
export function kpiOptionsFromCli(o: Record<string, unknown>): KpiOptions {
  const from = timeOption(o.from, "--from");
  const to = timeOption(o.to, "--to");
  if (from !== undefined && to !== undefined && parseTimestampMs(to)! <= parseTimestampMs(from)!) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `--to ${to} is not after --from ${from}`, [
      { field: "--to", value: to, allowed: `a timestamp after --from (${from})` },
    ]);
  }
  const lsl = numberOption(o.lsl, "--lsl", FINITE);
  const usl = numberOption(o.usl, "--usl", FINITE);
  if (lsl !== undefined && usl !== undefined && !(usl > lsl)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `--usl ${usl} is not above --lsl ${lsl}`, [
      { field: "--usl", value: usl, allowed: `a number > --lsl (${lsl})` },
    ]);
  }
  const subgroupSize = numberOption(o.subgroup, "--subgroup", {
    allowed: "an integer from 2 to 10",
    ok: (v) => Number.isInteger(v) && v >= 2 && v <= 10,
  });
  return {
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(o.press !== undefined ? { presses: [String(o.press)] } : {}),
    spec: {
      ...(lsl !== undefined ? { lsl } : {}),
      ...(usl !== undefined ? { usl } : {}),
      ...(subgroupSize !== undefined ? { subgroupSize } : {}),
    },
  };
}

/** The engine's report; an unknown press is named as the option `--press` rather than the API's `presses`. */
export function kpisForCli(events: PressEvent[], options: KpiOptions): KpiReport {
  try {
    return computeKpis(events, options);
  } catch (e) {
    if (e instanceof MoldtwinError && e.details[0]?.field === "presses") {
      throw new MoldtwinError(e.code, e.message, [{ ...e.details[0], field: "--press" }]);
    }
    throw e;
  }
}

export function registerKpi(program: Command): void {
  program
    .command("kpi <cycles>")
    .description(
      "KPIs of a press event log (CSV: press, start, durationS, state, parts, good, scrap, rework, energyKWh, plannedUnitS, …): ISO 22400-2, Nakajima OEE, SEMI E10 uptimes, MTBF/MTTR, energy line, SPC",
    )
    .option("--press <id>", "only this press")
    .option("--from <iso>", "window start for every press (default: each press's first start)")
    .option("--to <iso>", "window end for every press (default: each press's last end)")
    .option("--lsl <x>", "lower specification limit of the measurement column (SPC capability)")
    .option("--usl <x>", "upper specification limit of the measurement column")
    .option("--subgroup <n>", `X̄-R subgroup size, 2…10 (default ${DEFAULT_SUBGROUP_SIZE})`)
    .option("--json", "print one JSON object")
    .option("--svg <file>", "write the ISO and Nakajima OEE waterfalls; with measurements also <file>-xbar.svg")
    .action(async (file: string, o) =>
      run(Boolean(o.json), () => {
        const options = kpiOptionsFromCli(o);
        const events = readPressEventsCsv(readTextFile(file, WHAT), file);
        const report = kpisForCli(events, options);

        const written: string[] = [];
        if (o.svg) {
          const svgFile = String(o.svg);
          const single = report.presses.length === 1 ? report.presses[0]! : null;
          writeSvg(svgFile, waterfallSvg(single ? `press ${single.press}` : "fleet", single ?? report.fleet));
          written.push(svgFile);
          const withSpc = report.presses.filter((p) => p.spc !== null);
          const base = svgFile.replace(/\.svg$/i, "");
          for (const p of withSpc) {
            const name =
              withSpc.length === 1 ? `${base}-xbar.svg` : `${base}-xbar-${p.press.replace(/[^A-Za-z0-9_-]/g, "_")}.svg`;
            writeSvg(name, xbarSvg(p));
            written.push(name);
          }
        }
        if (o.json)
          printJson({ file, rows: events.length, ...report, ...(written.length ? { svgFiles: written } : {}) });
        else process.stdout.write(human(file, events.length, report, written));
      }),
    );
}

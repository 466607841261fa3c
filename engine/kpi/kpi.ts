import type { KpiOptions, PressEvent } from "../../twin-models/schemas/kpi.ts";
import { type ErrorDetail, MoldtwinError } from "../errors.ts";
import { KPI_DEFINITIONS } from "./definitions.ts";
import { type EnergyFit, type EnergyPoint, fitEnergyLine, lineEnergyKWh } from "./energyLine.ts";
import { checkEvents, checkOverlaps, groupByPress, type LogRow } from "./events.ts";
import { type SpcResult, spcAnalysis } from "./spc.ts";
import { deriveKpis, type Iso22400, type Nakajima, type SemiE10 } from "./standards.ts";
import { hoursOf, isoOf, MS_PER_H, parseTimestampMs } from "./time.ts";
import { addTotals, BUCKETS, type Bucket, type ClippedRow, emptyTotals, pressWindow, type Totals } from "./totals.ts";

/**
 * `computeKpis(events, options)`: the KPI report of a press event log — per press and for the fleet, the time
 * buckets reconciled to the calendar window, ISO 22400-2 KPIs, classic Nakajima OEE with the six big losses, SEMI
 * E10 states and uptimes (supplier-dependent uptime = the contract availability), MTBF/MTTR, energy per part and
 * the base-load energy line, and SPC of the sampled characteristic. Mapping and formulas: standards.ts,
 * energyLine.ts, spc.ts, rules.ts; one-line definitions: definitions.ts (printed with every report).
 *
 * The log must be valid press events (twin-models/schemas/kpi.ts; edges validate with `parse`); the engine checks
 * again what a schema cannot (good + scrap + rework = parts, real timestamps, no overlapping rows of one press) and
 * throws TWIN_ERR_VALIDATION naming the rows. No NaN or Infinity leaves: undefined ratios are null with a note,
 * and a final walk refuses any non-finite number (SIM_ERR_NON_FINITE).
 */

export interface KpiCounts {
  /** Rows with time in the window. */
  rows: number;
  /** PQ, GQ, SQ, RQ (pro rata on clipped rows, so possibly fractional). */
  producedParts: number;
  goodParts: number;
  scrapParts: number;
  reworkParts: number;
  /** Null unless every producing row has partMassG. */
  producedMassKg: number | null;
  goodMassKg: number | null;
  /** ISO 22400-2 FE. */
  failureEvents: number;
  /** SEMI E10 assists (minor-stop rows). */
  assists: number;
}

export interface EnergyLineReport extends EnergyFit {
  /** Time of the rows on the line (production + idle-on), h. */
  onTimeH: number;
  /** Production time among them, h. */
  productionH: number;
  /** Mass processed on those rows, kg. */
  massKg: number;
  /** Parts produced on those rows. */
  parts: number;
  /** productionH / onTimeH. */
  utilisation: number | null;
  /** E = P_base·onTimeH + k·massKg. */
  predictedKWh: number;
  predictedKWhPerPart: number | null;
  /** (P_base·productionH + k·massKg) / parts: no idle-on time. */
  predictedKWhPerPartAtFullUtilisation: number | null;
  /** Producing rows left out for want of partMassG. */
  skippedRows: number;
}

export interface KpiBlock {
  window: { from: string; to: string; calendarH: number };
  bucketsH: Record<Bucket, number>;
  reconciliation: { calendarMs: number; bucketSumMs: number; differenceMs: number };
  counts: KpiCounts;
  iso22400: Iso22400;
  nakajima: Nakajima;
  semiE10: SemiE10;
  energy: { totalKWh: number; line: EnergyLineReport | null };
  spc: SpcResult | null;
  notes: string[];
}

export interface PressKpis extends KpiBlock {
  press: string;
}

export interface FleetKpis extends KpiBlock {
  presses: string[];
}

export interface KpiReport {
  analysis: "press-kpis";
  /** The window as requested (null = per press, from its first start / to its last end). */
  window: { from: string | null; to: string | null };
  spec: { lsl: number | null; usl: number | null; subgroupSize: number };
  presses: PressKpis[];
  fleet: FleetKpis;
  notes: string[];
  definitions: Readonly<Record<string, string>>;
}

export const DEFAULT_SUBGROUP_SIZE = 5;

const IDLE_ON_STATES = new Set(["minor-stop", "no-order", "customer-caused"]);

interface CheckedOptions {
  fromMs: number | undefined;
  toMs: number | undefined;
  presses: string[] | undefined;
  lsl: number | undefined;
  usl: number | undefined;
  n: number;
}

function checkOptions(o: KpiOptions): CheckedOptions {
  const bad: ErrorDetail[] = [];
  const time = (field: "from" | "to"): number | undefined => {
    const raw = o[field];
    if (raw === undefined) return undefined;
    const ms = typeof raw === "string" ? parseTimestampMs(raw) : undefined;
    if (ms === undefined) {
      bad.push({ field, value: raw, allowed: "an ISO 8601 timestamp such as 2026-01-05T06:00:00Z" });
    }
    return ms;
  };
  const fromMs = time("from");
  const toMs = time("to");
  if (fromMs !== undefined && toMs !== undefined && toMs <= fromMs) {
    bad.push({ field: "to", value: o.to, allowed: `after from (${o.from})` });
  }
  const { lsl, usl, subgroupSize } = o.spec ?? {};
  for (const [field, v] of [
    ["spec.lsl", lsl],
    ["spec.usl", usl],
  ] as const) {
    if (v !== undefined && !Number.isFinite(v)) bad.push({ field, value: v, allowed: "a finite number" });
  }
  if (lsl !== undefined && usl !== undefined && !(usl > lsl)) {
    bad.push({ field: "spec.usl", value: usl, allowed: `> spec.lsl (${lsl})` });
  }
  const n = subgroupSize ?? DEFAULT_SUBGROUP_SIZE;
  if (!(Number.isInteger(n) && n >= 2 && n <= 10)) {
    bad.push({ field: "spec.subgroupSize", value: n, allowed: "an integer from 2 to 10 (X̄-R constants)" });
  }
  if (bad.length > 0) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `invalid KPI options: ${bad[0]!.field}`, bad);
  }
  return { fromMs, toMs, presses: o.presses, lsl, usl, n };
}

/** Energy line of one press from its clipped rows; null + a note when the fit is refused. */
function energyLine(clipped: readonly ClippedRow[], notes: string[]): EnergyLineReport | null {
  const points: EnergyPoint[] = [];
  let onTimeMs = 0;
  let productionMs = 0;
  let massKg = 0;
  let parts = 0;
  let skippedRows = 0;
  for (const { row, clippedMs, fraction } of clipped) {
    const e = row.event;
    const onLine = e.state === "production" || (IDLE_ON_STATES.has(e.state) && e.energyKWh > 0);
    if (!onLine) continue;
    if (e.parts > 0 && e.partMassG === undefined) {
      skippedRows++;
      continue;
    }
    const durationH = row.durationMs / MS_PER_H;
    const rowMassKg = e.parts > 0 ? (e.parts * e.partMassG!) / 1000 : 0;
    points.push({ throughputKgPerH: rowMassKg / durationH, powerKW: e.energyKWh / durationH });
    onTimeMs += clippedMs;
    if (e.state === "production") productionMs += clippedMs;
    massKg += fraction * rowMassKg;
    parts += fraction * e.parts;
  }
  if (skippedRows > 0) notes.push(`energy line: ${skippedRows} producing row(s) without partMassG left out`);
  let fit: EnergyFit;
  try {
    fit = fitEnergyLine(points);
  } catch (err) {
    if (err instanceof MoldtwinError && err.code === "FIT_ERR_INSUFFICIENT_DATA") {
      notes.push(`energy line not fitted (${err.code}): ${err.message}`);
      return null;
    }
    throw err;
  }
  const onTimeH = hoursOf(onTimeMs);
  const productionH = hoursOf(productionMs);
  const predictedKWh = lineEnergyKWh(fit, onTimeH, massKg);
  if (fit.baseLoadKW < 0) notes.push("energy line: negative base load fitted (check the energy readings)");
  return {
    ...fit,
    onTimeH,
    productionH,
    massKg,
    parts,
    utilisation: onTimeMs > 0 ? productionMs / onTimeMs : null,
    predictedKWh,
    predictedKWhPerPart: parts > 0 ? predictedKWh / parts : null,
    predictedKWhPerPartAtFullUtilisation: parts > 0 ? lineEnergyKWh(fit, productionH, massKg) / parts : null,
    skippedRows,
  };
}

/** SPC of one press: measurements of production rows whose midpoint lies in the window, in time order. */
function pressSpc(
  clipped: readonly ClippedRow[],
  fromMs: number,
  toMs: number,
  o: CheckedOptions,
  notes: string[],
): SpcResult | null {
  const values: number[] = [];
  let offProduction = 0;
  for (const { row } of clipped) {
    if (row.event.measurement === undefined) continue;
    const mid = (row.startMs + row.endMs) / 2;
    if (mid < fromMs || mid >= toMs) continue;
    if (row.event.state !== "production") {
      offProduction++;
      continue;
    }
    values.push(row.event.measurement);
  }
  if (offProduction > 0) notes.push(`SPC: ${offProduction} measurement(s) on non-production rows not used`);
  if (values.length === 0) return null;
  try {
    const spec = { ...(o.lsl !== undefined ? { lsl: o.lsl } : {}), ...(o.usl !== undefined ? { usl: o.usl } : {}) };
    const r = spcAnalysis(values, o.n, spec);
    for (const note of r.notes) notes.push(`SPC: ${note}`);
    return r;
  } catch (err) {
    if (err instanceof MoldtwinError && err.code === "FIT_ERR_INSUFFICIENT_DATA") {
      notes.push(`SPC not computed (${err.code}): ${err.message}`);
      return null;
    }
    throw err;
  }
}

function block(
  t: Totals,
  window: KpiBlock["window"],
  reconciliation: KpiBlock["reconciliation"],
  notes: string[],
): Omit<KpiBlock, "energy" | "spc" | "notes"> & { energy: { totalKWh: number } } {
  const derived = deriveKpis(t, notes);
  const massComplete = t.rowsMissingMass === 0;
  return {
    window,
    bucketsH: Object.fromEntries(BUCKETS.map((b) => [b, hoursOf(t.ms[b])])) as Record<Bucket, number>,
    reconciliation,
    counts: {
      rows: t.rows,
      producedParts: t.producedParts,
      goodParts: t.goodParts,
      scrapParts: t.scrapParts,
      reworkParts: t.reworkParts,
      producedMassKg: massComplete ? t.producedMassKg : null,
      goodMassKg: massComplete ? t.goodMassKg : null,
      failureEvents: t.failureEvents,
      assists: t.assists,
    },
    ...derived,
    energy: { totalKWh: t.energyKWh },
  };
}

/** The KPI report of a press event log (see the module comment). */
export function computeKpis(events: readonly PressEvent[], options: KpiOptions = {}): KpiReport {
  const o = checkOptions(options);
  const rows = checkEvents(events);
  let byPress = groupByPress(rows);
  checkOverlaps(byPress);
  if (o.presses) {
    const unknown = o.presses.filter((p) => !byPress.has(p));
    if (unknown.length > 0) {
      throw new MoldtwinError("TWIN_ERR_UNKNOWN_ID", `no press ${unknown.join(", ")} in the event log`, [
        { field: "presses", value: unknown.join(", "), allowed: `one of: ${[...byPress.keys()].join(", ")}` },
      ]);
    }
    const wanted = new Set(o.presses);
    byPress = new Map([...byPress].filter(([p]) => wanted.has(p)));
  }

  const notes: string[] = [];
  const presses: PressKpis[] = [];
  const fleetTotals = emptyTotals();
  let fleetFrom = Number.POSITIVE_INFINITY;
  let fleetTo = Number.NEGATIVE_INFINITY;
  for (const [press, list] of byPress) {
    const fromMs = o.fromMs ?? list[0]!.startMs;
    const toMs = o.toMs ?? list.reduce((m: number, r: LogRow) => Math.max(m, r.endMs), list[0]!.endMs);
    if (toMs <= fromMs) {
      notes.push(`press ${press} has no time in the window ${isoOf(fromMs)} … ${isoOf(toMs)}: left out`);
      continue;
    }
    const w = pressWindow(press, list, fromMs, toMs);
    const pressNotes: string[] = [];
    if (w.clipped.length === 0) pressNotes.push("no rows in the window: all of it is unrecorded");
    const b = block(
      w.totals,
      { from: isoOf(fromMs), to: isoOf(toMs), calendarH: hoursOf(toMs - fromMs) },
      w.reconciliation,
      pressNotes,
    );
    presses.push({
      press,
      ...b,
      energy: { totalKWh: w.totals.energyKWh, line: energyLine(w.clipped, pressNotes) },
      spc: pressSpc(w.clipped, fromMs, toMs, o, pressNotes),
      notes: pressNotes,
    });
    addTotals(fleetTotals, w.totals);
    fleetFrom = Math.min(fleetFrom, fromMs);
    fleetTo = Math.max(fleetTo, toMs);
  }
  if (presses.length === 0) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "the window contains no time of any press in the log", [
      {
        field: o.fromMs !== undefined ? "from" : "to",
        value: options.from ?? options.to,
        allowed: "a window that overlaps the log",
      },
    ]);
  }

  const fleetNotes: string[] = [];
  const bucketSumMs = BUCKETS.reduce((s, k) => s + fleetTotals.ms[k], 0);
  const fleetBlock = block(
    fleetTotals,
    { from: isoOf(fleetFrom), to: isoOf(fleetTo), calendarH: hoursOf(fleetTotals.calendarMs) },
    { calendarMs: fleetTotals.calendarMs, bucketSumMs, differenceMs: bucketSumMs - fleetTotals.calendarMs },
    fleetNotes,
  );
  const report: KpiReport = {
    analysis: "press-kpis",
    window: { from: options.from ?? null, to: options.to ?? null },
    spec: { lsl: o.lsl ?? null, usl: o.usl ?? null, subgroupSize: o.n },
    presses,
    fleet: {
      presses: presses.map((p) => p.press),
      ...fleetBlock,
      energy: { ...fleetBlock.energy, line: null },
      spc: null,
      notes: fleetNotes,
    },
    notes,
    definitions: KPI_DEFINITIONS,
  };
  assertFinite(report, "report");
  return report;
}

/** Refuses any NaN or ±Infinity anywhere in the report (a bug, never emitted). */
function assertFinite(value: unknown, path: string): void {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new MoldtwinError("SIM_ERR_NON_FINITE", `the KPI engine produced ${value} at ${path}`, [
        { field: path, value: String(value), allowed: "a finite number or null" },
      ]);
    }
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) assertFinite(v, `${path}[${i}]`);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) assertFinite(v, `${path}.${k}`);
  }
}

/** The block of one press, or undefined. */
export const pressKpis = (report: KpiReport, press: string): PressKpis | undefined =>
  report.presses.find((p) => p.press === press);

import { PRESS_STATES } from "../../twin-models/schemas/kpi.ts";
import { MoldtwinError } from "../errors.ts";
import { failureEvents, type LogRow, rowName } from "./events.ts";
import { isoOf } from "./time.ts";

/**
 * Time buckets and counts of one press over a calendar window [from, to), in integer milliseconds.
 *
 * - Every row is clipped to the window. A row that straddles a window edge contributes the clipped share f =
 *   (clipped duration) / (row duration) of its parts, good, scrap, rework and energy (pro rata: the log says how
 *   much happened in the interval, not when), so counts of a clipped window may be fractional.
 * - Time of the window that no row covers is the `unrecorded` bucket, found by walking the gaps between rows; the
 *   reconciliation Σ buckets = window is then an independent check, exact to the millisecond (integer sums).
 * - Failure events (events.ts) are found on the whole log and counted in every window they touch, with their
 *   clipped restoration time; minor-stop rows touching the window are SEMI E10 assists.
 */

export const BUCKETS = [...PRESS_STATES, "unrecorded"] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface Totals {
  calendarMs: number;
  ms: Record<Bucket, number>;
  /** Rows with any time in the window. */
  rows: number;
  /** PQ, GQ, SQ, RQ (pro rata on clipped rows). */
  producedParts: number;
  goodParts: number;
  scrapParts: number;
  reworkParts: number;
  energyKWh: number;
  /** Σ PRU × PQ, Σ PRU × GQ, Σ PRU × SQ, Σ PRU × RQ over rows that produced parts (s). */
  idealS: number;
  idealGoodS: number;
  idealScrapS: number;
  idealReworkS: number;
  /** Rows with parts > 0 but no plannedUnitS (PRU): the ideal times above are then incomplete. */
  rowsMissingPru: number;
  firstMissingPru: string | null;
  /** Σ parts × partMassG, Σ good × partMassG (kg) over rows that produced parts. */
  producedMassKg: number;
  goodMassKg: number;
  rowsMissingMass: number;
  firstMissingMass: string | null;
  /** ISO 22400-2 FE: failure events touching the window. */
  failureEvents: number;
  /** Σ time to restoration (breakdown + waiting-parts) and Σ active repair time (breakdown) of those events. */
  restorationMs: number;
  repairMs: number;
  /** SEMI E10 assists: minor-stop rows touching the window. */
  assists: number;
}

export function emptyTotals(): Totals {
  return {
    calendarMs: 0,
    ms: Object.fromEntries(BUCKETS.map((b) => [b, 0])) as Record<Bucket, number>,
    rows: 0,
    producedParts: 0,
    goodParts: 0,
    scrapParts: 0,
    reworkParts: 0,
    energyKWh: 0,
    idealS: 0,
    idealGoodS: 0,
    idealScrapS: 0,
    idealReworkS: 0,
    rowsMissingPru: 0,
    firstMissingPru: null,
    producedMassKg: 0,
    goodMassKg: 0,
    rowsMissingMass: 0,
    firstMissingMass: null,
    failureEvents: 0,
    restorationMs: 0,
    repairMs: 0,
    assists: 0,
  };
}

/** Fleet totals: sums of the presses' buckets and counts (never means of their ratios). */
export function addTotals(into: Totals, t: Totals): void {
  into.calendarMs += t.calendarMs;
  for (const b of BUCKETS) into.ms[b] += t.ms[b];
  for (const k of [
    "rows",
    "producedParts",
    "goodParts",
    "scrapParts",
    "reworkParts",
    "energyKWh",
    "idealS",
    "idealGoodS",
    "idealScrapS",
    "idealReworkS",
    "rowsMissingPru",
    "producedMassKg",
    "goodMassKg",
    "rowsMissingMass",
    "failureEvents",
    "restorationMs",
    "repairMs",
    "assists",
  ] as const) {
    into[k] += t[k];
  }
  into.firstMissingPru ??= t.firstMissingPru;
  into.firstMissingMass ??= t.firstMissingMass;
}

/** A row's share of the window. */
export interface ClippedRow {
  row: LogRow;
  clippedMs: number;
  /** clippedMs / durationMs. */
  fraction: number;
}

export interface PressWindow {
  totals: Totals;
  clipped: ClippedRow[];
  reconciliation: { calendarMs: number; bucketSumMs: number; differenceMs: number };
}

const overlapMs = (r: LogRow, fromMs: number, toMs: number): number =>
  Math.max(0, Math.min(r.endMs, toMs) - Math.max(r.startMs, fromMs));

/** Buckets and counts of one press's rows (time order, no overlaps) over [fromMs, toMs). */
export function pressWindow(press: string, rows: readonly LogRow[], fromMs: number, toMs: number): PressWindow {
  const t = emptyTotals();
  t.calendarMs = toMs - fromMs;
  const clipped: ClippedRow[] = [];
  let cursor = fromMs;
  let gapsMs = 0;
  for (const r of rows) {
    const clippedMs = overlapMs(r, fromMs, toMs);
    if (clippedMs === 0) continue;
    const s = Math.max(r.startMs, fromMs);
    if (s > cursor) gapsMs += s - cursor;
    cursor = Math.max(cursor, Math.min(r.endMs, toMs));
    const e = r.event;
    const f = clippedMs / r.durationMs;
    clipped.push({ row: r, clippedMs, fraction: f });
    t.rows++;
    t.ms[e.state] += clippedMs;
    t.producedParts += f * e.parts;
    t.goodParts += f * e.good;
    t.scrapParts += f * e.scrap;
    t.reworkParts += f * e.rework;
    t.energyKWh += f * e.energyKWh;
    if (e.state === "minor-stop") t.assists++;
    if (e.parts > 0) {
      if (e.plannedUnitS === undefined) {
        t.rowsMissingPru++;
        t.firstMissingPru ??= rowName(r.index, e);
      } else {
        const pru = e.plannedUnitS;
        t.idealS += f * e.parts * pru;
        t.idealGoodS += f * e.good * pru;
        t.idealScrapS += f * e.scrap * pru;
        t.idealReworkS += f * e.rework * pru;
      }
      if (e.partMassG === undefined) {
        t.rowsMissingMass++;
        t.firstMissingMass ??= rowName(r.index, e);
      } else {
        t.producedMassKg += (f * e.parts * e.partMassG) / 1000;
        t.goodMassKg += (f * e.good * e.partMassG) / 1000;
      }
    }
  }
  if (toMs > cursor) gapsMs += toMs - cursor;
  t.ms.unrecorded = gapsMs;

  for (const fe of failureEvents(rows)) {
    let touched = false;
    for (const r of fe.rows) {
      const ms = overlapMs(r, fromMs, toMs);
      if (ms === 0) continue;
      touched = true;
      t.restorationMs += ms;
      if (r.event.state === "breakdown") t.repairMs += ms;
    }
    if (touched) t.failureEvents++;
  }

  const bucketSumMs = BUCKETS.reduce((s, b) => s + t.ms[b], 0);
  const differenceMs = bucketSumMs - t.calendarMs;
  if (differenceMs !== 0) {
    // Cannot happen for a log without overlaps (checked before): a bug, never a silent mismatch.
    throw new MoldtwinError(
      "INTERNAL_ERR",
      `time buckets of press ${press} do not reconcile: Σ buckets ${bucketSumMs} ms ≠ window ${t.calendarMs} ms (${isoOf(fromMs)} … ${isoOf(toMs)})`,
    );
  }
  return { totals: t, clipped, reconciliation: { calendarMs: t.calendarMs, bucketSumMs, differenceMs } };
}

export const stateMs = (t: Totals, ...states: Bucket[]): number => states.reduce((s, b) => s + t.ms[b], 0);

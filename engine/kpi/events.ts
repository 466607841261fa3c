import type { PressEvent } from "../../twin-models/schemas/kpi.ts";
import { PRESS_STATES } from "../../twin-models/schemas/kpi.ts";
import { type ErrorDetail, MoldtwinError } from "../errors.ts";
import { isoOf, parseTimestampMs } from "./time.ts";

/**
 * The press event log as the KPI engine sees it: every row checked (the schema's rules again, for callers that did
 * not go through `parse`, plus the cross-field rules a schema cannot state), turned into integer-millisecond
 * intervals, grouped per press in time order, checked for overlaps, and its failure events identified.
 *
 * Rows are named `row N` when the event carries its source line (`row`, set by the CSV reader), else `events[i]`.
 */

const MAX_DETAILS = 20;

export interface LogRow {
  /** Position in the caller's array. */
  index: number;
  event: PressEvent;
  startMs: number;
  endMs: number;
  durationMs: number;
}

export const rowName = (index: number, e: PressEvent): string =>
  e.row !== undefined ? `row ${e.row}` : `events[${index}]`;

/** `row 7 column durationS` (CSV) or `events[6].durationS` (typed callers). */
export const cellField = (index: number, e: PressEvent, column: string): string =>
  e.row !== undefined ? `row ${e.row} column ${column}` : `events[${index}].${column}`;

class Details {
  readonly list: ErrorDetail[] = [];
  count = 0;
  add(d: ErrorDetail): void {
    this.count++;
    if (this.list.length < MAX_DETAILS) this.list.push(d);
  }
  throwIfAny(message: (first: string) => string): void {
    if (this.count === 0) return;
    throw new MoldtwinError("TWIN_ERR_VALIDATION", message(this.list[0]!.field ?? "(input)"), this.list);
  }
}

const STATES = new Set<string>(PRESS_STATES);
const isCount = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v >= 0;
const isFiniteAtLeast = (v: unknown, min: number): v is number =>
  typeof v === "number" && Number.isFinite(v) && v >= min;

/**
 * Checks every row and converts it to milliseconds. Throws TWIN_ERR_VALIDATION with up to 20 details (each naming
 * the row and column) when any value is bad, including good + scrap + rework ≠ parts.
 */
export function checkEvents(events: readonly PressEvent[]): LogRow[] {
  if (events.length === 0) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", "the press event log has no rows", [
      { field: "events", value: 0, allowed: "at least one row" },
    ]);
  }
  const bad = new Details();
  const rows: LogRow[] = [];
  events.forEach((e, i) => {
    const at = (column: string) => cellField(i, e, column);
    let ok = true;
    const fail = (column: string, value: unknown, allowed: string, unit?: string): void => {
      ok = false;
      bad.add({ field: at(column), value, ...(unit ? { unit } : {}), allowed });
    };
    if (typeof e.press !== "string" || e.press.length === 0) fail("press", e.press, "a non-empty press id");
    const startMs = typeof e.start === "string" ? parseTimestampMs(e.start) : undefined;
    if (startMs === undefined) {
      fail("start", e.start, "an ISO 8601 timestamp such as 2026-01-05T06:00:00Z (a real calendar date and time)");
    }
    if (!isFiniteAtLeast(e.durationS, 0.001)) {
      fail("durationS", e.durationS, "a finite number ≥ 0.001 s (time is resolved to the millisecond)", "s");
    }
    if (!STATES.has(e.state)) fail("state", e.state, `one of: ${PRESS_STATES.join(", ")}`);
    for (const c of ["parts", "good", "scrap", "rework"] as const) {
      if (!isCount(e[c])) fail(c, e[c], "an integer ≥ 0");
    }
    if (isCount(e.parts) && isCount(e.good) && isCount(e.scrap) && isCount(e.rework)) {
      const sum = e.good + e.scrap + e.rework;
      if (sum !== e.parts) {
        ok = false;
        bad.add({
          field:
            e.row !== undefined
              ? `row ${e.row} columns good, scrap, rework, parts`
              : `events[${i}].good + scrap + rework, events[${i}].parts`,
          value: `${e.good} + ${e.scrap} + ${e.rework} = ${sum}, parts = ${e.parts}`,
          allowed: "good + scrap + rework = parts (ISO 22400-2: PQ = GQ + SQ + RQ)",
        });
      }
    }
    if (!isFiniteAtLeast(e.energyKWh, 0)) fail("energyKWh", e.energyKWh, "a finite number ≥ 0", "kWh");
    if (e.plannedUnitS !== undefined && !(isFiniteAtLeast(e.plannedUnitS, 0) && e.plannedUnitS > 0)) {
      fail("plannedUnitS", e.plannedUnitS, "a finite number > 0 s", "s");
    }
    if (e.partMassG !== undefined && !(isFiniteAtLeast(e.partMassG, 0) && e.partMassG > 0)) {
      fail("partMassG", e.partMassG, "a finite number > 0 g", "g");
    }
    if (e.measurement !== undefined && !(typeof e.measurement === "number" && Number.isFinite(e.measurement))) {
      fail("measurement", e.measurement, "a finite number");
    }
    if (ok && startMs !== undefined) {
      const durationMs = Math.round(e.durationS * 1000);
      rows.push({ index: i, event: e, startMs, endMs: startMs + durationMs, durationMs });
    }
  });
  bad.throwIfAny((first) => `invalid press event log: ${bad.count} invalid value(s), first at ${first}`);
  return rows;
}

/** Rows per press, each list in time order (ties keep the input order); presses sorted by id. */
export function groupByPress(rows: readonly LogRow[]): Map<string, LogRow[]> {
  const map = new Map<string, LogRow[]>();
  for (const r of rows) {
    const list = map.get(r.event.press);
    if (list) list.push(r);
    else map.set(r.event.press, [r]);
  }
  for (const list of map.values()) list.sort((a, b) => a.startMs - b.startMs || a.index - b.index);
  return new Map([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Rows of one press must not overlap (touching is fine): each row must start at or after the latest end so far.
 * Throws TWIN_ERR_VALIDATION naming both rows of every overlap (up to 20).
 */
export function checkOverlaps(byPress: ReadonlyMap<string, readonly LogRow[]>): void {
  const bad = new Details();
  const pairs: string[] = [];
  for (const [press, rows] of byPress) {
    let latest: LogRow | undefined;
    for (const r of rows) {
      if (latest && r.startMs < latest.endMs) {
        const earlier = rowName(latest.index, latest.event);
        const later = rowName(r.index, r.event);
        if (pairs.length < 3) pairs.push(`${later} overlaps ${earlier} (press ${press})`);
        bad.add({
          field: cellField(r.index, r.event, "start"),
          value: r.event.start,
          allowed: `≥ ${isoOf(latest.endMs)}, the end of ${earlier} (${latest.event.state}, press ${press}): rows of one press must not overlap`,
        });
      }
      if (!latest || r.endMs > latest.endMs) latest = r;
    }
  }
  bad.throwIfAny(() => `overlapping rows in the press event log: ${pairs.join("; ")}${bad.count > 3 ? " …" : ""}`);
}

/** A failure event (ISO 22400-2 FE): consecutive breakdown / waiting-parts rows, see `failureEvents`. */
export interface FailureEvent {
  id: string | null;
  rows: LogRow[];
}

const FAILURE_STATES = new Set(["breakdown", "waiting-parts"]);

/**
 * Groups one press's rows (time order) into failure events. A run of consecutive breakdown / waiting-parts rows
 * is one event. With event ids, a row whose id differs from the run's id starts a new event and rows with the same
 * id stay one event even across a gap in the log; without ids, a gap (unrecorded time) or any other row ends the
 * run, so each breakdown row that starts a run is one event. Minor stops are not failures (they are assists, SEMI
 * E10). A run that starts with waiting-parts (its breakdown before the log) is still one event.
 */
export function failureEvents(rows: readonly LogRow[]): FailureEvent[] {
  const out: FailureEvent[] = [];
  let current: FailureEvent | null = null;
  let previous: LogRow | null = null;
  for (const r of rows) {
    if (!FAILURE_STATES.has(r.event.state)) {
      current = null;
      previous = r;
      continue;
    }
    const id = r.event.event ?? null;
    let continues = false;
    if (current && previous) {
      if (id !== null && current.id !== null) continues = id === current.id;
      else continues = r.startMs === previous.endMs;
    }
    if (continues && current) {
      current.rows.push(r);
      if (current.id === null && id !== null) current.id = id;
    } else {
      current = { id, rows: [r] };
      out.push(current);
    }
    previous = r;
  }
  return out;
}

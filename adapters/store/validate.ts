import { type ErrorDetail, MoldtwinError } from "../../engine/errors.ts";
import type {
  CycleRecord,
  GapRecord,
  QuarantinedValue,
  SignalSample,
  StateChange,
  StoreEvent,
} from "./historyStore.ts";

/**
 * Row checks before anything reaches the database: a batch with one bad row is refused whole, with a
 * TWIN_ERR_VALIDATION naming each bad row's index and field (`cycles[3].cushionCm3`), so nothing half-written
 * and nothing already stored is touched.
 */

export const CYCLE_QUALITIES = ["GOOD_CYCLE", "BAD_CYCLE", "TEST_SAMPLE_CYCLE", "FAILED_CYCLE"] as const;
export const PART_QUALITIES = ["GOOD_PART", "BAD_PART", "REWORK", "NO_PART"] as const;

/** 1970-01-01 … 2100-01-01 in epoch ms: anything outside is a unit or clock error, not a real press. */
export const MIN_TIME_MS = 0;
export const MAX_TIME_MS = 4_102_444_800_000;
const MAX_NAME = 256;
const MAX_TEXT = 65_536;
/** Details listed per rejected batch; the message still says how many rows were bad. */
const MAX_DETAILS = 20;

class Problems {
  readonly details: ErrorDetail[] = [];
  badRows = new Set<number>();
  count = 0;
  readonly table: string;
  constructor(table: string) {
    this.table = table;
  }

  add(row: number, field: string, value: unknown, allowed: string, unit?: string): void {
    this.count++;
    this.badRows.add(row);
    if (this.details.length < MAX_DETAILS) {
      this.details.push({ field: `${this.table}[${row}].${field}`, value, ...(unit ? { unit } : {}), allowed });
    }
  }

  throwIfAny(rows: number): void {
    if (this.count === 0) return;
    const first = this.details[0]!;
    throw new MoldtwinError(
      "TWIN_ERR_VALIDATION",
      `${this.table}: ${this.badRows.size} of ${rows} rows invalid (first: ${first.field} = ${show(first.value)}; allowed: ${first.allowed}); none of the batch was written`,
      this.details,
    );
  }
}

type Row = Record<string, unknown>;

/** NaN and ±Infinity as themselves (JSON would print null). */
const show = (v: unknown): string => (typeof v === "number" ? String(v) : (JSON.stringify(v) ?? String(v)));

const isObject = (v: unknown): v is Row => typeof v === "object" && v !== null && !Array.isArray(v);

function name(p: Problems, i: number, r: Row, field: string, max = MAX_NAME): void {
  const v = r[field];
  if (typeof v !== "string" || v.length === 0 || v.length > max) {
    p.add(i, field, v, `a non-empty string of at most ${max} characters`);
  }
}

function text(p: Problems, i: number, r: Row, field: string, nullable: boolean, max = MAX_TEXT): void {
  const v = r[field];
  if (nullable && v === null) return;
  if (typeof v !== "string" || v.length > max) {
    p.add(i, field, v, `a string of at most ${max} characters${nullable ? " or null" : ""}`);
  }
}

function time(p: Problems, i: number, r: Row, field: string): void {
  const v = r[field];
  if (typeof v !== "number" || !Number.isFinite(v) || v < MIN_TIME_MS || v >= MAX_TIME_MS) {
    p.add(i, field, v, "epoch milliseconds (UTC) from 1970 to 2100", "ms");
  }
}

function count(p: Problems, i: number, r: Row, field: string, nullable: boolean): void {
  const v = r[field];
  if (nullable && v === null) return;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    p.add(i, field, v, `an integer ≥ 0${nullable ? " or null" : ""}`);
  }
}

function measure(p: Problems, i: number, r: Row, field: string, unit: string): void {
  const v = r[field];
  if (v === null) return;
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) p.add(i, field, v, "a finite number ≥ 0 or null", unit);
}

function batch(rows: unknown, table: string): Row[] {
  if (!Array.isArray(rows)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `${table}: expected an array of rows`, [
      { field: table, value: typeof rows, allowed: "an array of row objects" },
    ]);
  }
  // A copy of the array, so a caller that empties or reuses its buffer after the call cannot change the batch.
  return rows.slice() as Row[];
}

function eachRow(p: Problems, rows: Row[], check: (i: number, r: Row) => void): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!isObject(r)) p.add(i, "(row)", r, "an object");
    else check(i, r);
  }
}

export function validateCycles(input: unknown): CycleRecord[] {
  const rows = batch(input, "cycles");
  const p = new Problems("cycles");
  eachRow(p, rows, (i, r) => {
    name(p, i, r, "press");
    time(p, i, r, "sourceTimeMs");
    time(p, i, r, "receivedTimeMs");
    for (const f of ["jobName", "lotName", "materialLot"]) text(p, i, r, f, true, MAX_NAME);
    count(p, i, r, "jobCycleCounter", false);
    count(p, i, r, "machineCycleCounter", true);
    measure(p, i, r, "cycleTimeS", "s");
    measure(p, i, r, "injectionTimeS", "s");
    measure(p, i, r, "dosingTimeS", "s");
    measure(p, i, r, "cushionCm3", "cm³");
    measure(p, i, r, "peakSpecificPressureBar", "bar");
    measure(p, i, r, "plastificationVolumeCm3", "cm³");
    const q = r.cycleQuality;
    if (q !== null && !CYCLE_QUALITIES.includes(q as (typeof CYCLE_QUALITIES)[number])) {
      p.add(i, "cycleQuality", q, `one of: ${CYCLE_QUALITIES.join(", ")}, or null`);
    }
    const ids = r.partIds;
    if (!Array.isArray(ids)) p.add(i, "partIds", ids, "an array of part ids, one per cavity");
    else {
      const seen = new Set<string>();
      ids.forEach((id, k) => {
        if (typeof id !== "string" || id.length > MAX_NAME) {
          p.add(i, `partIds[${k}]`, id, `a string of at most ${MAX_NAME} characters ("" = no id for the cavity)`);
        } else if (id !== "" && seen.has(id)) {
          p.add(i, `partIds[${k}]`, id, "a part id not repeated within the cycle");
        } else seen.add(id);
      });
    }
    const cq = r.cavityQuality;
    if (!Array.isArray(cq)) p.add(i, "cavityQuality", cq, "an array of part qualities, one per cavity");
    else {
      cq.forEach((v, k) => {
        if (!PART_QUALITIES.includes(v as (typeof PART_QUALITIES)[number])) {
          p.add(i, `cavityQuality[${k}]`, v, `one of: ${PART_QUALITIES.join(", ")}`);
        }
      });
      if (Array.isArray(ids) && ids.length > 0 && cq.length > 0 && ids.length !== cq.length) {
        p.add(i, "cavityQuality", cq.length, `as many entries as partIds (${ids.length}), or none`);
      }
    }
    const values = r.values;
    if (!isObject(values)) p.add(i, "values", values, "an object of numeric cycle parameters by name");
    else {
      for (const [k, v] of Object.entries(values)) {
        if (k.length === 0 || k.length > MAX_NAME) p.add(i, "values", k, "parameter names of 1–256 characters");
        else if (typeof v !== "number" || !Number.isFinite(v)) p.add(i, `values.${k}`, v, "a finite number");
      }
    }
  });
  p.throwIfAny(rows.length);
  return rows as unknown as CycleRecord[];
}

export function validateSignals(input: unknown): SignalSample[] {
  const rows = batch(input, "signals");
  const p = new Problems("signals");
  eachRow(p, rows, (i, r) => {
    name(p, i, r, "press");
    name(p, i, r, "signal");
    time(p, i, r, "sourceTimeMs");
    time(p, i, r, "receivedTimeMs");
    const v = r.value;
    if (typeof v !== "number" || !Number.isFinite(v)) {
      p.add(i, "value", v, "a finite number (non-finite readings belong in the quarantine)");
    }
  });
  p.throwIfAny(rows.length);
  return rows as unknown as SignalSample[];
}

export function validateStates(input: unknown): StateChange[] {
  const rows = batch(input, "states");
  const p = new Problems("states");
  eachRow(p, rows, (i, r) => {
    name(p, i, r, "press");
    time(p, i, r, "sourceTimeMs");
    name(p, i, r, "variable");
    text(p, i, r, "value", false, MAX_NAME);
  });
  p.throwIfAny(rows.length);
  return rows as unknown as StateChange[];
}

export function validateEvents(input: unknown): StoreEvent[] {
  const rows = batch(input, "events");
  const p = new Problems("events");
  eachRow(p, rows, (i, r) => {
    name(p, i, r, "press");
    time(p, i, r, "sourceTimeMs");
    name(p, i, r, "kind");
    const s = r.severity;
    if (s !== null && !(typeof s === "number" && Number.isInteger(s) && s >= 0 && s <= 1000)) {
      p.add(i, "severity", s, "an integer 0–1000 (OPC UA severity) or null");
    }
    text(p, i, r, "message", false);
  });
  p.throwIfAny(rows.length);
  return rows as unknown as StoreEvent[];
}

export function validateQuarantine(input: unknown): QuarantinedValue[] {
  const rows = batch(input, "quarantine");
  const p = new Problems("quarantine");
  eachRow(p, rows, (i, r) => {
    name(p, i, r, "press");
    name(p, i, r, "signal");
    time(p, i, r, "sourceTimeMs");
    time(p, i, r, "receivedTimeMs");
    text(p, i, r, "raw", false);
    name(p, i, r, "reason", MAX_TEXT);
  });
  p.throwIfAny(rows.length);
  return rows as unknown as QuarantinedValue[];
}

export function validateGaps(input: unknown): GapRecord[] {
  const rows = batch(input, "gaps");
  const p = new Problems("gaps");
  eachRow(p, rows, (i, r) => {
    name(p, i, r, "press");
    count(p, i, r, "fromCounter", false);
    count(p, i, r, "toCounter", false);
    count(p, i, r, "missingCycles", false);
    time(p, i, r, "fromTimeMs");
    time(p, i, r, "toTimeMs");
    if (typeof r.fromTimeMs === "number" && typeof r.toTimeMs === "number" && r.toTimeMs < r.fromTimeMs) {
      p.add(i, "toTimeMs", r.toTimeMs, `≥ fromTimeMs (${r.fromTimeMs})`, "ms");
    }
    name(p, i, r, "reason", MAX_TEXT);
  });
  p.throwIfAny(rows.length);
  return rows as unknown as GapRecord[];
}

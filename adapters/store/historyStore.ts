import { EXPORT_TABLES, type ExportTable } from "./names.ts";

export { DEFAULT_STORE_PATH, EXPORT_TABLES, type ExportTable } from "./names.ts";

import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import {
  type DuckDBConnection,
  DuckDBInstance,
  DuckDBTimestampValue,
  type DuckDBValue,
  type JS,
  listValue,
  mapValue,
} from "@duckdb/node-api";
import { MoldtwinError } from "../../engine/errors.ts";
import { exportTable } from "./arrowExport.ts";
import { appendColumns, type JsRow, microsOf, msOf, num, readRows, Statements, str, toTimestamp } from "./duck.ts";
import { checkSchema, ensureSchema, TABLE_NAMES, type TableName } from "./schema.ts";
import {
  MAX_TIME_MS,
  MIN_TIME_MS,
  validateCycles,
  validateEvents,
  validateGaps,
  validateQuarantine,
  validateSignals,
  validateStates,
} from "./validate.ts";
import { Mutex, WriteQueue } from "./writeQueue.ts";

/**
 * The live twin's history store: every cycle, sample, state change, event, part id, quarantined value and gap
 * the OPC UA client (EUROMAP 77) ingests, in one DuckDB file (`.moldtwin/history.duckdb` by default).
 *
 * - Writes are validated first (a bad row refuses the whole batch with a coded error naming row and field),
 *   then serialised on one writing connection and committed in transactions, neighbouring calls from several
 *   presses combined into one (see writeQueue.ts). Bulk rows go in through DuckDB's appender.
 * - Reads (trace, cycles, counts, exports) run on a second connection and see what has been committed.
 * - Timestamps are UTC; the API speaks epoch milliseconds, the tables hold TIMESTAMP (µs) (schema.ts).
 * - Part ids live in their own table with an ART index, so `trace` is a point lookup however many parts.
 */

export interface CycleRecord {
  press: string;
  sourceTimeMs: number;
  receivedTimeMs: number;
  jobName: string | null;
  lotName: string | null;
  materialLot: string | null;
  jobCycleCounter: number;
  machineCycleCounter: number | null;
  cycleTimeS: number | null;
  /** GOOD_CYCLE | BAD_CYCLE | TEST_SAMPLE_CYCLE | FAILED_CYCLE */
  cycleQuality: string | null;
  injectionTimeS: number | null;
  dosingTimeS: number | null;
  cushionCm3: number | null;
  peakSpecificPressureBar: number | null;
  plastificationVolumeCm3: number | null;
  /** One per cavity, cavity k + 1 at index k; "" = no id for that cavity (not indexed). */
  partIds: string[];
  /** Per cavity: GOOD_PART | BAD_PART | REWORK | NO_PART; as many as partIds, or none. */
  cavityQuality: string[];
  /** Every other numeric cycle parameter, by name. */
  values: Record<string, number>;
}

export interface SignalSample {
  press: string;
  signal: string;
  sourceTimeMs: number;
  receivedTimeMs: number;
  value: number;
}

export interface StateChange {
  press: string;
  sourceTimeMs: number;
  variable: string;
  value: string;
}

export interface StoreEvent {
  press: string;
  sourceTimeMs: number;
  kind: string;
  severity: number | null;
  message: string;
}

export interface QuarantinedValue {
  press: string;
  signal: string;
  sourceTimeMs: number;
  receivedTimeMs: number;
  raw: string;
  reason: string;
}

export interface GapRecord {
  press: string;
  fromCounter: number;
  toCounter: number;
  missingCycles: number;
  fromTimeMs: number;
  toTimeMs: number;
  reason: string;
}

/** What a write did: rows stored, and rows skipped as already stored (replayed cycles; 0 for other tables). */
export interface WriteResult {
  written: number;
  skipped: number;
}

export interface SignalAtCycle {
  signal: string;
  /** The last sample at or before the cycle's source time (its end), within the look-back window. */
  value: number;
  sourceTimeMs: number;
  /** Cycle time minus sample time. */
  ageMs: number;
  /** Samples inside the cycle [start, end]; null when the cycle time is unknown or nothing was sampled. */
  during: { samples: number; min: number; max: number; mean: number } | null;
}

export interface PartTrace {
  partId: string;
  press: string;
  /** 1-based cavity number (index in the cycle's partIds + 1). */
  cavity: number;
  partQuality: string | null;
  /** How often this id is stored: 1 normally; more means the press reused an id and the latest is shown. */
  occurrences: number;
  cycle: CycleRecord;
  /** sourceTimeMs − cycleTimeS; null when the press did not report a cycle time. */
  cycleStartMs: number | null;
  /** Every state variable of the press as it stood at the cycle's time, with the time it took that value. */
  states: { variable: string; value: string; sinceMs: number }[];
  signals: SignalAtCycle[];
  /** Events, quarantined values and gaps of the press in the windows below. */
  events: StoreEvent[];
  quarantined: QuarantinedValue[];
  gaps: GapRecord[];
  windows: {
    signalsFromMs: number;
    eventsFromMs: number;
    eventsToMs: number;
  };
}

export interface ExportRange {
  /** Inclusive, epoch ms (UTC), on the table's time column (gaps: from_time). */
  fromMs?: number;
  /** Exclusive. */
  toMs?: number;
  press?: string;
}

export interface RetentionPolicy {
  signalsDays?: number;
  /** Cycles and their part ids. */
  cyclesDays?: number;
  /** Events, and state changes except the last one per press and variable before the cut. */
  eventsDays?: number;
  /** Keep gaps and quarantined values at least this long (they are never kept shorter than the data). */
  bookkeepingDays?: number;
  nowMs?: number;
}

/**
 * Writes resolve once committed (durable in DuckDB's WAL) and reject with a coded error, having written nothing of
 * that call. The batch array is copied on the call; its row objects must not change until the promise settles.
 */
export interface HistoryStore {
  readonly path: string;
  /** Idempotent on (press, jobName, jobCycleCounter, sourceTimeMs): a replayed cycle is not stored twice. */
  writeCycles(rows: CycleRecord[]): Promise<WriteResult>;
  writeSignals(rows: SignalSample[]): Promise<WriteResult>;
  writeStates(rows: StateChange[]): Promise<WriteResult>;
  writeEvents(rows: StoreEvent[]): Promise<WriteResult>;
  writeQuarantine(rows: QuarantinedValue[]): Promise<WriteResult>;
  writeGaps(rows: GapRecord[]): Promise<WriteResult>;
  /** The press's latest cycle by source time, for gap detection after a restart. */
  lastCycle(press: string): Promise<{ jobName: string | null; jobCycleCounter: number; sourceTimeMs: number } | null>;
  /** Part id → press, cavity, the cycle and its values, lot, job, quality, and the press around it; null if unknown. */
  trace(partId: string): Promise<PartTrace | null>;
  /** The press's cycles with fromMs ≤ sourceTimeMs < toMs, oldest first. */
  cycles(press: string, fromMs: number, toMs: number): Promise<CycleRecord[]>;
  /** Rows per table (cycles, parts, signals, states, events, quarantine, gaps). */
  counts(): Promise<Record<string, number>>;
  /** One table (or a time/press slice of it) as an Arrow IPC file; columns as in the tables. */
  exportArrow(table: ExportTable, file: string, range?: ExportRange): Promise<{ rows: number }>;
  /** Deletes old rows; returns rows deleted per table. Gaps and quarantine outlive every retained table. */
  applyRetention(policy: RetentionPolicy): Promise<Record<string, number>>;
  /** Waits for queued writes, then closes the file. */
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Open an existing store for queries only (several readers may share a file no writer holds). */
  readOnly?: boolean;
  /** Refuse to create a new file (FILE_ERR_READ instead). Implied by readOnly. */
  mustExist?: boolean;
  /** Trace windows. Defaults: signals 1 h back, events 5 min before the cycle start to 1 min after its end. */
  traceWindows?: { signalLookbackMs?: number; eventsBeforeMs?: number; eventsAfterMs?: number };
  /** DuckDB worker threads (default: all cores). */
  threads?: number;
  /** DuckDB's buffer pool cap, e.g. "512MB" (default: DuckDB's, 80 % of RAM). */
  memoryLimit?: string;
}

const DAY_MS = 86_400_000;

export async function openStore(path: string, options: OpenOptions = {}): Promise<HistoryStore> {
  const memory = path === ":memory:";
  const readOnly = Boolean(options.readOnly) && !memory;
  if (!memory) {
    if ((readOnly || options.mustExist) && !existsSync(path)) {
      throw new MoldtwinError("FILE_ERR_READ", `no history store at ${path}`, [
        { field: "--store", value: path, allowed: "an existing history store file (written by the live twin)" },
      ]);
    }
    mkdirSync(dirname(path), { recursive: true });
  }
  const config: Record<string, string> = {};
  if (readOnly) config.access_mode = "READ_ONLY";
  if (options.threads !== undefined) config.threads = String(options.threads);
  if (options.memoryLimit !== undefined) config.memory_limit = options.memoryLimit;
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(path, config);
  } catch (e) {
    throw openError(path, e);
  }
  try {
    const writer = readOnly ? null : await instance.connect();
    const reader = await instance.connect();
    if (writer) {
      await ensureSchema(writer, "moldtwin 0.1.0");
    } else await checkSchema(reader, path);
    const maxId = await readRows(reader, "SELECT coalesce(max(cycle_id), 0) AS id FROM cycles");
    return new DuckHistoryStore(path, instance, writer, reader, Number(maxId[0]!.id) + 1, options);
  } catch (e) {
    instance.closeSync();
    if (e instanceof MoldtwinError) throw e;
    throw openError(path, e);
  }
}

function openError(path: string, e: unknown): MoldtwinError {
  const msg = (e as Error).message ?? String(e);
  const locked = /lock/i.test(msg);
  return new MoldtwinError(
    "FILE_ERR_READ",
    locked
      ? `history store ${path} is held by another process (DuckDB allows one writing process per file; query a running twin through it, or stop it): ${msg}`
      : `cannot open history store ${path}: ${msg}`,
    [{ field: "--store", value: path, allowed: locked ? "a store no other process has open" : "a DuckDB file" }],
  );
}

interface KeyedCycle {
  row: CycleRecord;
  micros: bigint;
}

const cycleKey = (press: string, job: string | null, counter: number | bigint, micros: bigint): string =>
  `${press}\u001f${job === null ? "\u0000" : job}\u001f${counter}\u001f${micros}`;

const CYCLE_SELECT = `SELECT press, ${msOf("source_time")} AS source_ms, ${msOf("received_time")} AS received_ms,
  job_name, lot_name, material_lot, job_cycle_counter, machine_cycle_counter, cycle_time_s, cycle_quality,
  injection_time_s, dosing_time_s, cushion_cm3, peak_specific_pressure_bar, plastification_volume_cm3,
  part_ids, cavity_quality, parameters FROM cycles`;

const ts = (n: number): string => `make_timestamp($${n}::BIGINT)`;
const NO = "NULL::VARCHAR";
const NN = "NULL::DOUBLE";

/**
 * Everything around a cycle in one statement, one row per item, tagged by `k`:
 * $1 press, $2 signal look-back start, $3 cycle end (source time), $4 cycle start, $5/$6 event window.
 * Columns: k, name, text, v, t (ms), n, a, b, c, extra.
 */
const TRACE_CONTEXT = `
SELECT 'state' AS k, variable AS name, arg_max(value, source_time) AS text, ${NN} AS v,
       ${msOf("max(source_time)")} AS t, ${NN} AS n, ${NN} AS a, ${NN} AS b, ${NN} AS c, ${NO} AS extra
  FROM states WHERE press = $1 AND source_time <= ${ts(3)} GROUP BY variable
UNION ALL
SELECT 'signal', signal, ${NO}, arg_max(value, source_time), ${msOf("max(source_time)")}, ${NN}, ${NN}, ${NN}, ${NN}, ${NO}
  FROM signals WHERE press = $1 AND source_time >= ${ts(2)} AND source_time <= ${ts(3)} GROUP BY signal
UNION ALL
SELECT 'during', signal, ${NO}, ${NN}, ${NN}, count(*), min(value), max(value), avg(value), ${NO}
  FROM signals WHERE press = $1 AND source_time >= ${ts(4)} AND source_time <= ${ts(3)} GROUP BY signal
UNION ALL
(SELECT 'event', kind, message, severity, ${msOf("source_time")}, ${NN}, ${NN}, ${NN}, ${NN}, ${NO}
  FROM events WHERE press = $1 AND source_time BETWEEN ${ts(5)} AND ${ts(6)} ORDER BY source_time LIMIT 200)
UNION ALL
(SELECT 'quarantine', signal, raw, ${msOf("received_time")}, ${msOf("source_time")}, ${NN}, ${NN}, ${NN}, ${NN}, reason
  FROM quarantine WHERE press = $1 AND source_time BETWEEN ${ts(5)} AND ${ts(6)} ORDER BY source_time LIMIT 200)
UNION ALL
(SELECT 'gap', ${NO}, ${NO}, ${msOf("to_time")}, ${msOf("from_time")}, missing_cycles, from_counter, to_counter, ${NN}, reason
  FROM gaps WHERE press = $1 AND to_time >= ${ts(2)} AND from_time <= ${ts(6)} ORDER BY from_time LIMIT 200)`;

/** A cycle row, read either as JS values (MAP = [{key, value}]) or from to_json (MAP = an object). */
function cycleOf(r: JsRow): CycleRecord {
  const values: Record<string, number> = {};
  const params = r.parameters ?? [];
  if (Array.isArray(params))
    for (const e of params as { key: JS; value: JS }[]) values[String(e.key)] = Number(e.value);
  else for (const [k, v] of Object.entries(params)) values[k] = Number(v);
  return {
    press: String(r.press),
    sourceTimeMs: Number(r.source_ms),
    receivedTimeMs: Number(r.received_ms),
    jobName: str(r.job_name),
    lotName: str(r.lot_name),
    materialLot: str(r.material_lot),
    jobCycleCounter: Number(r.job_cycle_counter),
    machineCycleCounter: num(r.machine_cycle_counter),
    cycleTimeS: num(r.cycle_time_s),
    cycleQuality: str(r.cycle_quality),
    injectionTimeS: num(r.injection_time_s),
    dosingTimeS: num(r.dosing_time_s),
    cushionCm3: num(r.cushion_cm3),
    peakSpecificPressureBar: num(r.peak_specific_pressure_bar),
    plastificationVolumeCm3: num(r.plastification_volume_cm3),
    partIds: ((r.part_ids ?? []) as JS[]).map(String),
    cavityQuality: ((r.cavity_quality ?? []) as JS[]).map(String),
    values,
  };
}

function checkTime(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < MIN_TIME_MS || v > MAX_TIME_MS) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} = ${JSON.stringify(v)} is not a time`, [
      { field, value: v, unit: "ms", allowed: "epoch milliseconds (UTC) from 1970 to 2100" },
    ]);
  }
  return v;
}

function checkName(v: unknown, field: string): string {
  if (typeof v !== "string" || v.length === 0) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field} must be a non-empty string`, [
      { field, value: v, allowed: "a non-empty string" },
    ]);
  }
  return v;
}

function checkDays(v: unknown, field: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `retention ${field} = ${JSON.stringify(v)} is not a duration`, [
      { field, value: v, unit: "days", allowed: "a finite number > 0" },
    ]);
  }
  return v;
}

class DuckHistoryStore implements HistoryStore {
  private readonly queue: WriteQueue | null;
  private readonly reads = new Mutex();
  private readonly readStatements: Statements;
  private readonly writeStatements: Statements | null;
  /** Per press: the newest source time (µs) stored, an upper bound (a rolled-back write may have raised it). */
  private readonly newest = new Map<string, bigint>();
  private closed = false;
  private readonly signalLookbackMs: number;
  private readonly eventsBeforeMs: number;
  private readonly eventsAfterMs: number;

  readonly path: string;
  private readonly instance: DuckDBInstance;
  private readonly writer: DuckDBConnection | null;
  private readonly reader: DuckDBConnection;
  private nextCycleId: number;

  constructor(
    path: string,
    instance: DuckDBInstance,
    writer: DuckDBConnection | null,
    reader: DuckDBConnection,
    nextCycleId: number,
    options: OpenOptions,
  ) {
    this.path = path;
    this.instance = instance;
    this.writer = writer;
    this.reader = reader;
    this.nextCycleId = nextCycleId;
    this.readStatements = new Statements(reader);
    this.writeStatements = writer ? new Statements(writer) : null;
    const w = writer;
    this.queue = w
      ? new WriteQueue({
          begin: async () => void (await w.run("BEGIN TRANSACTION")),
          commit: async () => void (await w.run("COMMIT")),
          rollback: async () => void (await w.run("ROLLBACK")),
        })
      : null;
    this.signalLookbackMs = options.traceWindows?.signalLookbackMs ?? 3_600_000;
    this.eventsBeforeMs = options.traceWindows?.eventsBeforeMs ?? 300_000;
    this.eventsAfterMs = options.traceWindows?.eventsAfterMs ?? 60_000;
  }

  /** Transactions committed so far (group commit makes this smaller than the number of write calls). */
  get transactions(): number {
    return this.queue?.transactions ?? 0;
  }

  private open(): void {
    if (this.closed) {
      throw new MoldtwinError("INTERNAL_ERR", `history store ${this.path} is closed`, [
        { field: "store", value: this.path, allowed: "an open store" },
      ]);
    }
  }

  private writable(): { queue: WriteQueue; conn: DuckDBConnection } {
    this.open();
    if (!this.queue || !this.writer) {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", `history store ${this.path} is open read-only`, [
        { field: "store", value: this.path, allowed: "a store opened for writing" },
      ]);
    }
    return { queue: this.queue, conn: this.writer };
  }

  private read<T>(fn: (q: Statements, conn: DuckDBConnection) => Promise<T>): Promise<T> {
    this.open();
    return this.reads.run(() => fn(this.readStatements, this.reader));
  }

  /** Validates synchronously (so a bad batch never enters the queue), then queues the append. */
  private append<T>(
    table: TableName,
    validate: (rows: unknown) => T[],
    input: unknown,
    columnsOf: (rows: T[]) => DuckDBValue[][],
  ): Promise<WriteResult> {
    try {
      const { queue, conn } = this.writable();
      const rows = validate(input);
      if (rows.length === 0) return Promise.resolve({ written: 0, skipped: 0 });
      return queue.submit(rows.length, true, async () => {
        await appendColumns(conn, table, columnsOf(rows), rows.length);
        return { written: rows.length, skipped: 0 };
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  writeCycles(input: CycleRecord[]): Promise<WriteResult> {
    try {
      const { queue, conn } = this.writable();
      const rows = validateCycles(input);
      if (rows.length === 0) return Promise.resolve({ written: 0, skipped: 0 });
      const weight = rows.reduce((s, r) => s + 1 + r.partIds.length, 0);
      return queue.submit(weight, true, () => this.applyCycles(conn, rows));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /** Runs inside the write transaction: skips cycles already stored (or repeated in the batch), appends the rest. */
  private async applyCycles(conn: DuckDBConnection, rows: CycleRecord[]): Promise<WriteResult> {
    const keyed: KeyedCycle[] = rows.map((row) => ({ row, micros: microsOf(row.sourceTimeMs) }));
    const seen = await this.storedKeys(keyed);
    const fresh: KeyedCycle[] = [];
    for (const k of keyed) {
      const key = cycleKey(k.row.press, k.row.jobName, k.row.jobCycleCounter, k.micros);
      if (seen.has(key)) continue;
      seen.add(key);
      fresh.push(k);
    }
    const c: DuckDBValue[][] = Array.from({ length: 19 }, () => []);
    const p: DuckDBValue[][] = Array.from({ length: 6 }, () => []);
    let parts = 0;
    for (const { row: r, micros } of fresh) {
      const id = BigInt(this.nextCycleId++);
      const t = new DuckDBTimestampValue(micros);
      const values = [
        id,
        r.press,
        t,
        toTimestamp(r.receivedTimeMs),
        r.jobName,
        r.lotName,
        r.materialLot,
        BigInt(r.jobCycleCounter),
        r.machineCycleCounter === null ? null : BigInt(r.machineCycleCounter),
        r.cycleTimeS,
        r.cycleQuality,
        r.injectionTimeS,
        r.dosingTimeS,
        r.cushionCm3,
        r.peakSpecificPressureBar,
        r.plastificationVolumeCm3,
        listValue(r.partIds),
        listValue(r.cavityQuality),
        mapValue(Object.entries(r.values).map(([key, value]) => ({ key, value }))),
      ];
      for (let j = 0; j < values.length; j++) c[j]!.push(values[j]!);
      r.partIds.forEach((partId, k) => {
        if (partId === "") return;
        p[0]!.push(partId);
        p[1]!.push(id);
        p[2]!.push(r.press);
        p[3]!.push(k + 1);
        p[4]!.push(r.cavityQuality[k] ?? null);
        p[5]!.push(t);
        parts++;
      });
      const newest = this.newest.get(r.press);
      if (newest === undefined || micros > newest) this.newest.set(r.press, micros);
    }
    await appendColumns(conn, "cycles", c, fresh.length);
    await appendColumns(conn, "parts", p, parts);
    return { written: fresh.length, skipped: rows.length - fresh.length };
  }

  /**
   * Keys of stored cycles that the batch could repeat. A press's cycles newer than everything stored for it
   * (the live case) cannot be stored already and need no look-up; older ones (a replay after a reconnect) are
   * looked up in the batch's time span, where zone maps on source_time prune the scan to a row group or two.
   */
  private async storedKeys(rows: KeyedCycle[]): Promise<Set<string>> {
    const q = this.writeStatements!;
    const spans = new Map<string, { lo: bigint; hi: bigint }>();
    for (const r of rows) {
      const span = spans.get(r.row.press);
      if (!span) spans.set(r.row.press, { lo: r.micros, hi: r.micros });
      else {
        if (r.micros < span.lo) span.lo = r.micros;
        if (r.micros > span.hi) span.hi = r.micros;
      }
    }
    const keys = new Set<string>();
    for (const [press, { lo, hi }] of spans) {
      let newest = this.newest.get(press);
      if (newest === undefined) {
        const r = await q.rows("SELECT max(epoch_us(source_time)) AS us FROM cycles WHERE press = $1", [press]);
        newest = (r[0]?.us as bigint | null) ?? -1n;
        this.newest.set(press, newest);
      }
      if (lo > newest) continue;
      const stored = await q.rows(
        `SELECT job_name, job_cycle_counter, epoch_us(source_time) AS us FROM cycles
         WHERE press = $1 AND source_time BETWEEN make_timestamp($2::BIGINT) AND make_timestamp($3::BIGINT)`,
        [press, lo, hi],
      );
      for (const s of stored) {
        keys.add(cycleKey(press, str(s.job_name), s.job_cycle_counter as bigint, s.us as bigint));
      }
    }
    return keys;
  }

  writeSignals(rows: SignalSample[]): Promise<WriteResult> {
    return this.append("signals", validateSignals, rows, (rs) => [
      rs.map((r) => r.press),
      rs.map((r) => r.signal),
      rs.map((r) => toTimestamp(r.sourceTimeMs)),
      rs.map((r) => toTimestamp(r.receivedTimeMs)),
      rs.map((r) => r.value),
    ]);
  }

  writeStates(rows: StateChange[]): Promise<WriteResult> {
    return this.append("states", validateStates, rows, (rs) => [
      rs.map((r) => r.press),
      rs.map((r) => toTimestamp(r.sourceTimeMs)),
      rs.map((r) => r.variable),
      rs.map((r) => r.value),
    ]);
  }

  writeEvents(rows: StoreEvent[]): Promise<WriteResult> {
    return this.append("events", validateEvents, rows, (rs) => [
      rs.map((r) => r.press),
      rs.map((r) => toTimestamp(r.sourceTimeMs)),
      rs.map((r) => r.kind),
      rs.map((r) => r.severity),
      rs.map((r) => r.message),
    ]);
  }

  writeQuarantine(rows: QuarantinedValue[]): Promise<WriteResult> {
    return this.append("quarantine", validateQuarantine, rows, (rs) => [
      rs.map((r) => r.press),
      rs.map((r) => r.signal),
      rs.map((r) => toTimestamp(r.sourceTimeMs)),
      rs.map((r) => toTimestamp(r.receivedTimeMs)),
      rs.map((r) => r.raw),
      rs.map((r) => r.reason),
    ]);
  }

  writeGaps(rows: GapRecord[]): Promise<WriteResult> {
    return this.append("gaps", validateGaps, rows, (rs) => [
      rs.map((r) => r.press),
      rs.map((r) => BigInt(r.fromCounter)),
      rs.map((r) => BigInt(r.toCounter)),
      rs.map((r) => BigInt(r.missingCycles)),
      rs.map((r) => toTimestamp(r.fromTimeMs)),
      rs.map((r) => toTimestamp(r.toTimeMs)),
      rs.map((r) => r.reason),
    ]);
  }

  async lastCycle(
    press: string,
  ): Promise<{ jobName: string | null; jobCycleCounter: number; sourceTimeMs: number } | null> {
    checkName(press, "press");
    const rows = await this.read((q) =>
      q.rows(
        `SELECT job_name, job_cycle_counter, ${msOf("source_time")} AS source_ms FROM cycles WHERE press = $1
         ORDER BY source_time DESC, cycle_id DESC LIMIT 1`,
        [press],
      ),
    );
    const r = rows[0];
    if (!r) return null;
    return {
      jobName: str(r.job_name),
      jobCycleCounter: Number(r.job_cycle_counter),
      sourceTimeMs: Number(r.source_ms),
    };
  }

  async cycles(press: string, fromMs: number, toMs: number): Promise<CycleRecord[]> {
    checkName(press, "press");
    const from = checkTime(fromMs, "fromMs");
    const to = checkTime(toMs, "toMs");
    const rows = await this.read((q) =>
      q.rows(
        `${CYCLE_SELECT} WHERE press = $1 AND source_time >= make_timestamp($2::BIGINT) AND source_time < make_timestamp($3::BIGINT)
         ORDER BY source_time, cycle_id`,
        [press, microsOf(from), microsOf(to)],
      ),
    );
    return rows.map(cycleOf);
  }

  async trace(partId: string): Promise<PartTrace | null> {
    checkName(partId, "partId");
    return this.read(async (q) => {
      // 1. The part: an ART index lookup. 2. Its cycle: an index lookup on cycle_id. 3. Everything around it
      // in one query. Each is prepared once and answers one JSON value: a columnar result would hold a data
      // chunk's worth of native memory per column until V8 happens to collect it.
      const hits = ((await q.json(
        `SELECT to_json(list(struct_pack(cycle_id := cycle_id, press := press, cavity := cavity,
           part_quality := part_quality, us := epoch_us(source_time)))) FROM parts WHERE part_id = $1`,
        [partId],
      )) ?? []) as JsRow[];
      if (hits.length === 0) return null;
      hits.sort((a, b) => Number(b.us) - Number(a.us) || Number(b.cycle_id) - Number(a.cycle_id));
      const hit = hits[0]!;
      const found = (await q.json(`SELECT to_json(c) FROM (${CYCLE_SELECT} WHERE cycle_id = $1) c`, [
        BigInt(Number(hit.cycle_id)),
      ])) as JsRow | null;
      if (!found) return null;
      const cycle = cycleOf(found);
      const press = cycle.press;
      const end = cycle.sourceTimeMs;
      const start = cycle.cycleTimeS === null ? null : end - cycle.cycleTimeS * 1000;
      const signalsFrom = end - this.signalLookbackMs;
      const eventsFrom = (start ?? end) - this.eventsBeforeMs;
      const eventsTo = end + this.eventsAfterMs;
      const us = (ms: number): bigint => microsOf(Math.min(MAX_TIME_MS, Math.max(MIN_TIME_MS, ms)));
      const rows = ((await q.json(`SELECT to_json(list(u)) FROM (${TRACE_CONTEXT}) u`, [
        press,
        us(signalsFrom),
        us(end),
        start === null ? us(end) + 1n : us(start),
        us(eventsFrom),
        us(eventsTo),
      ])) ?? []) as JsRow[];
      const of = (k: string): JsRow[] => rows.filter((r) => r.k === k);
      const during = new Map(of("during").map((r) => [String(r.name), r]));
      const byTime = (a: { sourceTimeMs: number }, b: { sourceTimeMs: number }): number =>
        a.sourceTimeMs - b.sourceTimeMs;
      const byName =
        <T>(key: (x: T) => string) =>
        (a: T, b: T): number =>
          key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
      return {
        partId,
        press,
        cavity: Number(hit.cavity),
        partQuality: str(hit.part_quality),
        occurrences: hits.length,
        cycle,
        cycleStartMs: start,
        states: of("state")
          .map((r) => ({ variable: String(r.name), value: String(r.text), sinceMs: Number(r.t) }))
          .sort(byName((x) => x.variable)),
        signals: of("signal")
          .map((r): SignalAtCycle => {
            const d = start === null ? undefined : during.get(String(r.name));
            return {
              signal: String(r.name),
              value: Number(r.v),
              sourceTimeMs: Number(r.t),
              ageMs: end - Number(r.t),
              during: d ? { samples: Number(d.n), min: Number(d.a), max: Number(d.b), mean: Number(d.c) } : null,
            };
          })
          .sort(byName((x) => x.signal)),
        events: of("event")
          .map((r) => ({
            press,
            sourceTimeMs: Number(r.t),
            kind: String(r.name),
            severity: num(r.v),
            message: String(r.text),
          }))
          .sort(byTime),
        quarantined: of("quarantine")
          .map((r) => ({
            press,
            signal: String(r.name),
            sourceTimeMs: Number(r.t),
            receivedTimeMs: Number(r.v),
            raw: String(r.text),
            reason: String(r.extra),
          }))
          .sort(byTime),
        gaps: of("gap")
          .map((r) => ({
            press,
            fromCounter: Number(r.a),
            toCounter: Number(r.b),
            missingCycles: Number(r.n),
            fromTimeMs: Number(r.t),
            toTimeMs: Number(r.v),
            reason: String(r.extra),
          }))
          .sort((a, b) => a.fromTimeMs - b.fromTimeMs),
        windows: { signalsFromMs: signalsFrom, eventsFromMs: eventsFrom, eventsToMs: eventsTo },
      };
    });
  }

  async counts(): Promise<Record<string, number>> {
    const rows = await this.read((q) =>
      q.rows(TABLE_NAMES.map((t) => `SELECT '${t}' AS t, count(*) AS n FROM ${t}`).join(" UNION ALL ")),
    );
    const out: Record<string, number> = {};
    for (const t of TABLE_NAMES) out[t] = 0;
    for (const r of rows) out[String(r.t)] = Number(r.n);
    return out;
  }

  async exportArrow(table: ExportTable, file: string, range: ExportRange = {}): Promise<{ rows: number }> {
    if (!EXPORT_TABLES.includes(table)) {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", `unknown table ${JSON.stringify(table)}`, [
        { field: "table", value: table, allowed: `one of: ${EXPORT_TABLES.join(", ")}` },
      ]);
    }
    if (range.fromMs !== undefined) checkTime(range.fromMs, "range.fromMs");
    if (range.toMs !== undefined) checkTime(range.toMs, "range.toMs");
    if (range.press !== undefined) checkName(range.press, "range.press");
    return this.read((_q, conn) => exportTable(conn, table, file, range));
  }

  applyRetention(policy: RetentionPolicy): Promise<Record<string, number>> {
    try {
      const { queue, conn } = this.writable();
      const signalsDays = checkDays(policy.signalsDays, "signalsDays");
      const cyclesDays = checkDays(policy.cyclesDays, "cyclesDays");
      const eventsDays = checkDays(policy.eventsDays, "eventsDays");
      const bookkeepingDays = checkDays(policy.bookkeepingDays, "bookkeepingDays");
      const now = policy.nowMs === undefined ? Date.now() : checkTime(policy.nowMs, "nowMs");
      const cut = (days: number): bigint => microsOf(Math.max(MIN_TIME_MS, now - days * DAY_MS));
      // Bookkeeping explains holes in the data, so it goes only once every table it could explain has gone too.
      const all = [signalsDays, cyclesDays, eventsDays];
      const bookkeeping = all.every((d) => d !== undefined)
        ? Math.max(...(all as number[]), bookkeepingDays ?? 0)
        : undefined;
      return queue.submit(0, false, async () => {
        const deleted: Record<string, number> = {};
        const del = async (table: string, where: string, days: number | undefined): Promise<void> => {
          if (days === undefined) {
            deleted[table] = 0;
            return;
          }
          const r = await conn.run(`DELETE FROM ${table} WHERE ${where}`, [cut(days)]);
          deleted[table] = r.rowsChanged;
        };
        await del("signals", "source_time < make_timestamp($1::BIGINT)", signalsDays);
        await del("parts", "source_time < make_timestamp($1::BIGINT)", cyclesDays);
        await del("cycles", "source_time < make_timestamp($1::BIGINT)", cyclesDays);
        await del("events", "source_time < make_timestamp($1::BIGINT)", eventsDays);
        await del(
          "states",
          `source_time < make_timestamp($1::BIGINT) AND rowid NOT IN (
             SELECT arg_max(rowid, source_time) FROM states WHERE source_time < make_timestamp($1::BIGINT) GROUP BY press, variable)`,
          eventsDays,
        );
        await del("quarantine", "source_time < make_timestamp($1::BIGINT)", bookkeeping);
        await del("gaps", "to_time < make_timestamp($1::BIGINT)", bookkeeping);
        return deleted;
      });
    } catch (e) {
      return Promise.reject(e);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue?.drained();
    await this.reads.run(async () => {});
    this.closed = true;
    this.writer?.closeSync();
    this.reader.closeSync();
    this.instance.closeSync();
  }
}

import {
  type DuckDBConnection,
  DuckDBDataChunk,
  type DuckDBPreparedStatement,
  type DuckDBResultReader,
  DuckDBTimestampValue,
  type DuckDBValue,
  type JS,
} from "@duckdb/node-api";
import { TABLE_COLUMNS, type TableName } from "./schema.ts";

/** Small DuckDB helpers of the history store: timestamps, bulk appends, reading rows as plain JS. */

/** Rows per data chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;

/** Epoch ms (UTC) → DuckDB TIMESTAMP (µs). Fractions of a ms are kept to the µs. */
export const toTimestamp = (ms: number): DuckDBTimestampValue => new DuckDBTimestampValue(microsOf(ms));
export const microsOf = (ms: number): bigint => BigInt(Math.round(ms * 1000));
/** The SQL that turns a TIMESTAMP column back into epoch ms as a DOUBLE. */
export const msOf = (column: string): string => `epoch_us(${column}) / 1000`;

/**
 * Appends whole rows to a table through DuckDB's appender, a data chunk at a time (typed arrays copied into
 * DuckDB vectors: no SQL parsing, no per-value native call). `columns[j]` holds column j of TABLE_COLUMNS[table],
 * already in DuckDB value form. Runs inside the caller's transaction.
 */
export async function appendColumns(
  conn: DuckDBConnection,
  table: TableName,
  columns: DuckDBValue[][],
  rows: number,
): Promise<void> {
  if (rows === 0) return;
  const types = TABLE_COLUMNS[table].map((c) => c.type);
  const appender = await conn.createAppender(table);
  let closed = false;
  try {
    for (let offset = 0; offset < rows; offset += CHUNK_ROWS) {
      const n = Math.min(CHUNK_ROWS, rows - offset);
      // The row count must be set before the vectors are taken: changing it afterwards drops them.
      const chunk = DuckDBDataChunk.create(types, n);
      for (let j = 0; j < types.length; j++) {
        const vector = chunk.getColumnVector(j);
        const values = columns[j]!;
        for (let r = 0; r < n; r++) vector.setItem(r, values[offset + r] ?? null);
        vector.flush();
      }
      appender.appendDataChunk(chunk);
    }
    appender.closeSync();
    closed = true;
  } finally {
    if (!closed) {
      try {
        appender.clear();
        appender.closeSync();
      } catch {
        // The transaction is rolled back by the caller; nothing of this append survives it.
      }
    }
  }
}

export type JsRow = Record<string, JS>;

export async function readRows(conn: DuckDBConnection, sql: string, params: DuckDBValue[] = []): Promise<JsRow[]> {
  const reader = await conn.runAndReadAll(sql, params);
  return reader.getRowObjectsJS() as JsRow[];
}

/**
 * Prepared statements of one connection, each parsed and planned once: the store's queries are few and run
 * often (trace runs seven), and planning is most of a point lookup's time.
 */
export class Statements {
  private readonly cache = new Map<string, Promise<DuckDBPreparedStatement>>();
  private readonly conn: DuckDBConnection;
  constructor(conn: DuckDBConnection) {
    this.conn = conn;
  }

  private async run(sql: string, params: DuckDBValue[]): Promise<DuckDBResultReader> {
    let prepared = this.cache.get(sql);
    if (!prepared) {
      prepared = this.conn.prepare(sql);
      this.cache.set(sql, prepared);
      prepared.catch(() => this.cache.delete(sql));
    }
    const statement = await prepared;
    statement.bind(params);
    return statement.runAndReadAll();
  }

  async rows(sql: string, params: DuckDBValue[] = []): Promise<JsRow[]> {
    return (await this.run(sql, params)).getRowObjectsJS() as JsRow[];
  }

  /** The one JSON value a `SELECT to_json(…)` returns, parsed; null when it is NULL or there is no row. */
  async json(sql: string, params: DuckDBValue[] = []): Promise<unknown> {
    const reader = await this.run(sql, params);
    const text = reader.currentRowCount > 0 ? reader.value(0, 0) : null;
    return text === null ? null : JSON.parse(String(text));
  }
}

export const str = (v: JS | undefined): string | null => (v === null || v === undefined ? null : String(v));
export const num = (v: JS | undefined): number | null => (v === null || v === undefined ? null : Number(v));

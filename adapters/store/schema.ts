import {
  BIGINT,
  DOUBLE,
  type DuckDBConnection,
  type DuckDBType,
  INTEGER,
  LIST,
  MAP,
  TIMESTAMP,
  VARCHAR,
} from "@duckdb/node-api";
import { MoldtwinError } from "../../engine/errors.ts";

/**
 * The history store's schema: one DuckDB table per kind of record the live twin ingests, created on open
 * (idempotent) and versioned in `schema_version`.
 *
 * Timestamps are DuckDB `TIMESTAMP` (microsecond precision, no zone) and always hold **UTC**: the API takes and
 * returns epoch milliseconds (`sourceTimeMs`, fractions kept to the µs), SQL users get real timestamps
 * (`date_trunc('hour', source_time)`) and the Arrow export writes `timestamp[us, tz=UTC]`.
 *
 * Column order here is the physical order of each table: the appenders write whole rows in this order.
 */

/** Bumped whenever a table changes; a store written by a newer schema is refused rather than misread. */
export const SCHEMA_VERSION = 1;

export interface ColumnSpec {
  name: string;
  /** DuckDB type for the appender's data chunks. */
  type: DuckDBType;
  /** Column definition for CREATE TABLE. */
  sql: string;
}

const col = (name: string, type: DuckDBType, sql: string): ColumnSpec => ({ name, type, sql });

export const TABLE_COLUMNS = {
  cycles: [
    col("cycle_id", BIGINT, "BIGINT NOT NULL"),
    col("press", VARCHAR, "VARCHAR NOT NULL"),
    col("source_time", TIMESTAMP, "TIMESTAMP NOT NULL"),
    col("received_time", TIMESTAMP, "TIMESTAMP NOT NULL"),
    col("job_name", VARCHAR, "VARCHAR"),
    col("lot_name", VARCHAR, "VARCHAR"),
    col("material_lot", VARCHAR, "VARCHAR"),
    col("job_cycle_counter", BIGINT, "BIGINT NOT NULL"),
    col("machine_cycle_counter", BIGINT, "BIGINT"),
    col("cycle_time_s", DOUBLE, "DOUBLE"),
    col("cycle_quality", VARCHAR, "VARCHAR"),
    col("injection_time_s", DOUBLE, "DOUBLE"),
    col("dosing_time_s", DOUBLE, "DOUBLE"),
    col("cushion_cm3", DOUBLE, "DOUBLE"),
    col("peak_specific_pressure_bar", DOUBLE, "DOUBLE"),
    col("plastification_volume_cm3", DOUBLE, "DOUBLE"),
    col("part_ids", LIST(VARCHAR), "VARCHAR[] NOT NULL"),
    col("cavity_quality", LIST(VARCHAR), "VARCHAR[] NOT NULL"),
    col("parameters", MAP(VARCHAR, DOUBLE), "MAP(VARCHAR, DOUBLE) NOT NULL"),
  ],
  parts: [
    col("part_id", VARCHAR, "VARCHAR NOT NULL"),
    col("cycle_id", BIGINT, "BIGINT NOT NULL"),
    col("press", VARCHAR, "VARCHAR NOT NULL"),
    col("cavity", INTEGER, "INTEGER NOT NULL"),
    col("part_quality", VARCHAR, "VARCHAR"),
    col("source_time", TIMESTAMP, "TIMESTAMP NOT NULL"),
  ],
  signals: [
    col("press", VARCHAR, "VARCHAR NOT NULL"),
    col("signal", VARCHAR, "VARCHAR NOT NULL"),
    col("source_time", TIMESTAMP, "TIMESTAMP NOT NULL"),
    col("received_time", TIMESTAMP, "TIMESTAMP NOT NULL"),
    col("value", DOUBLE, "DOUBLE NOT NULL"),
  ],
  states: [
    col("press", VARCHAR, "VARCHAR NOT NULL"),
    col("source_time", TIMESTAMP, "TIMESTAMP NOT NULL"),
    col("variable", VARCHAR, "VARCHAR NOT NULL"),
    col("value", VARCHAR, "VARCHAR NOT NULL"),
  ],
  events: [
    col("press", VARCHAR, "VARCHAR NOT NULL"),
    col("source_time", TIMESTAMP, "TIMESTAMP NOT NULL"),
    col("kind", VARCHAR, "VARCHAR NOT NULL"),
    col("severity", INTEGER, "INTEGER"),
    col("message", VARCHAR, "VARCHAR NOT NULL"),
  ],
  quarantine: [
    col("press", VARCHAR, "VARCHAR NOT NULL"),
    col("signal", VARCHAR, "VARCHAR NOT NULL"),
    col("source_time", TIMESTAMP, "TIMESTAMP NOT NULL"),
    col("received_time", TIMESTAMP, "TIMESTAMP NOT NULL"),
    col("raw", VARCHAR, "VARCHAR NOT NULL"),
    col("reason", VARCHAR, "VARCHAR NOT NULL"),
  ],
  gaps: [
    col("press", VARCHAR, "VARCHAR NOT NULL"),
    col("from_counter", BIGINT, "BIGINT NOT NULL"),
    col("to_counter", BIGINT, "BIGINT NOT NULL"),
    col("missing_cycles", BIGINT, "BIGINT NOT NULL"),
    col("from_time", TIMESTAMP, "TIMESTAMP NOT NULL"),
    col("to_time", TIMESTAMP, "TIMESTAMP NOT NULL"),
    col("reason", VARCHAR, "VARCHAR NOT NULL"),
  ],
} as const satisfies Record<string, ColumnSpec[]>;

export type TableName = keyof typeof TABLE_COLUMNS;
export const TABLE_NAMES = Object.keys(TABLE_COLUMNS) as TableName[];

/** The time column each table is filtered, exported and retained by. */
export const TIME_COLUMN: Record<TableName, string> = {
  cycles: "source_time",
  parts: "source_time",
  signals: "source_time",
  states: "source_time",
  events: "source_time",
  quarantine: "source_time",
  gaps: "from_time",
};

const ddl = (table: TableName): string =>
  `CREATE TABLE IF NOT EXISTS ${table} (${TABLE_COLUMNS[table].map((c) => `${c.name} ${c.sql}`).join(", ")})`;

/**
 * Creates what is missing and records the version; refuses a store of a newer (unknown) schema. The part-id
 * index makes `trace` a point lookup (ART index) instead of a scan of every part, the cycle-id index the same for
 * its cycle (ids are sequential, so that index stays small).
 */
export async function ensureSchema(conn: DuckDBConnection, writer: string): Promise<void> {
  await conn.run(
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TIMESTAMP NOT NULL, writer VARCHAR NOT NULL)",
  );
  const found = await storedVersion(conn);
  if (found !== null && found > SCHEMA_VERSION) throw newerSchema(found);
  for (const t of TABLE_NAMES) await conn.run(ddl(t));
  await conn.run("CREATE INDEX IF NOT EXISTS parts_part_id ON parts (part_id)");
  await conn.run("CREATE INDEX IF NOT EXISTS cycles_cycle_id ON cycles (cycle_id)");
  if (found === null || found < SCHEMA_VERSION) {
    await conn.run("INSERT INTO schema_version VALUES ($1, now()::TIMESTAMP, $2)", [SCHEMA_VERSION, writer]);
  }
}

/** For a read-only open: the version must be known and every table present. */
export async function checkSchema(conn: DuckDBConnection, path: string): Promise<void> {
  let found: number | null;
  try {
    found = await storedVersion(conn);
  } catch {
    found = null;
  }
  if (found === null) {
    throw new MoldtwinError("FILE_ERR_READ", `${path} is a DuckDB file but not a moldtwin history store`, [
      { field: "--store", value: path, allowed: "a history store written by moldtwin (table schema_version)" },
    ]);
  }
  if (found > SCHEMA_VERSION) throw newerSchema(found);
}

async function storedVersion(conn: DuckDBConnection): Promise<number | null> {
  const r = await conn.runAndReadAll("SELECT max(version) FROM schema_version");
  const v = r.getRowsJS()[0]?.[0];
  return v === null || v === undefined ? null : Number(v);
}

function newerSchema(found: number): MoldtwinError {
  return new MoldtwinError(
    "FILE_ERR_READ",
    `the history store has schema version ${found}, newer than this moldtwin understands (${SCHEMA_VERSION})`,
    [{ field: "schema_version", value: found, allowed: `≤ ${SCHEMA_VERSION} (upgrade moldtwin)` }],
  );
}

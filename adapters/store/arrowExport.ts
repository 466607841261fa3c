import { once } from "node:events";
import { createWriteStream } from "node:fs";
import type { DuckDBConnection, DuckDBListVector, DuckDBValue, DuckDBVector } from "@duckdb/node-api";
import {
  type Data,
  type DataType,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  Map_,
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  TimestampMicrosecond,
  Utf8,
} from "apache-arrow";
import { MoldtwinError } from "../../engine/errors.ts";
import { microsOf } from "./duck.ts";
import type { ExportRange, ExportTable } from "./historyStore.ts";
import { TABLE_COLUMNS, TIME_COLUMN } from "./schema.ts";

/**
 * A history table (or a time/press slice of it) as an Arrow IPC file (random-access "file" format, readable by
 * apache-arrow's tableFromIPC, pyarrow, polars, DuckDB). DuckDB's node API has no Arrow export, so rows are
 * streamed out a data chunk at a time and copied straight into Arrow buffers (typed arrays, UTF-8 bytes, list
 * offsets) by the small builders below, one record batch per 65,536 rows: memory stays flat whatever the size.
 * Columns keep the tables' names and types: TIMESTAMP → timestamp[us, tz=UTC], BIGINT → int64, INTEGER →
 * int32, DOUBLE → float64, VARCHAR → utf8, VARCHAR[] → list<utf8>, MAP(VARCHAR, DOUBLE) → map<utf8, float64>.
 */

const BATCH_ROWS = 65_536;
const HIGH_WATER_BYTES = 8 * 1024 * 1024;

type Kind = "ts" | "i64" | "i32" | "f64" | "utf8" | "list" | "map";

function kindOf(sql: string): Kind {
  if (sql.startsWith("TIMESTAMP")) return "ts";
  if (sql.startsWith("BIGINT")) return "i64";
  if (sql.startsWith("INTEGER")) return "i32";
  if (sql.startsWith("DOUBLE")) return "f64";
  if (sql.startsWith("VARCHAR[]")) return "list";
  if (sql.startsWith("MAP")) return "map";
  return "utf8";
}

const utf8Item = (): Field<Utf8> => new Field("item", new Utf8(), true);
const mapEntries = (): Struct<{ key: Utf8; value: Float64 }> =>
  new Struct<{ key: Utf8; value: Float64 }>([
    new Field("key", new Utf8(), false),
    new Field("value", new Float64(), true),
  ]);

function arrowType(kind: Kind): DataType {
  switch (kind) {
    case "ts":
      return new TimestampMicrosecond("UTC");
    case "i64":
      return new Int64();
    case "i32":
      return new Int32();
    case "f64":
      return new Float64();
    case "list":
      return new List(utf8Item());
    case "map":
      return new Map_(new Field("entries", mapEntries(), false));
    default:
      return new Utf8();
  }
}

/** A growable byte buffer. */
class Bytes {
  buf = new Uint8Array(1024);
  length = 0;
  reserve(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  take(): Uint8Array {
    const out = this.buf.slice(0, this.length);
    this.length = 0;
    return out;
  }
}

/** Validity bitmap and row count shared by every builder. */
class Validity {
  private bits = new Bytes();
  rows = 0;
  nulls = 0;
  push(valid: boolean): void {
    const i = this.rows++;
    if ((i & 7) === 0) {
      this.bits.reserve(1);
      this.bits.buf[this.bits.length++] = 0;
    }
    if (valid) this.bits.buf[i >> 3]! |= 1 << (i & 7);
    else this.nulls++;
  }
  take(): { length: number; nullCount: number; nullBitmap: Uint8Array } {
    const out = { length: this.rows, nullCount: this.nulls, nullBitmap: this.bits.take() };
    this.rows = 0;
    this.nulls = 0;
    return out;
  }
}

const encoder = new TextEncoder();

/** UTF-8 strings: offsets + bytes, ASCII copied char by char, anything else through encodeInto. */
class Utf8Builder {
  readonly valid = new Validity();
  private offsets: number[] = [0];
  private readonly bytes = new Bytes();

  push(s: string | null): void {
    this.valid.push(s !== null);
    if (s !== null) {
      const b = this.bytes;
      b.reserve(s.length * 3);
      let ascii = true;
      let at = b.length;
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) {
          ascii = false;
          break;
        }
        b.buf[at++] = c;
      }
      b.length = ascii ? at : b.length + encoder.encodeInto(s, b.buf.subarray(b.length)).written;
    }
    this.offsets.push(this.bytes.length);
  }

  finish(): Data<Utf8> {
    const data = makeData({
      type: new Utf8(),
      ...this.valid.take(),
      valueOffsets: Int32Array.from(this.offsets),
      data: this.bytes.take(),
    });
    this.offsets = [0];
    return data;
  }
}

interface ColumnBuilder {
  /** Appends the first `n` rows of the chunk's vectors (most columns read one, maps two). */
  add(vectors: DuckDBVector[], n: number): void;
  finish(): Data;
}

class NumberBuilder implements ColumnBuilder {
  private readonly valid = new Validity();
  private values: (number | bigint)[] = [];
  private readonly kind: "ts" | "i64" | "i32" | "f64";
  private readonly type: DataType;
  constructor(kind: "ts" | "i64" | "i32" | "f64", type: DataType) {
    this.kind = kind;
    this.type = type;
  }
  add([v]: DuckDBVector[], n: number): void {
    const zero = this.kind === "ts" || this.kind === "i64" ? 0n : 0;
    for (let r = 0; r < n; r++) {
      const x = v!.getItem(r) as number | bigint | null;
      this.valid.push(x !== null);
      this.values.push(x ?? zero);
    }
  }
  finish(): Data {
    const values = this.values;
    this.values = [];
    const data =
      this.kind === "f64"
        ? Float64Array.from(values as number[])
        : this.kind === "i32"
          ? Int32Array.from(values as number[])
          : BigInt64Array.from(values as bigint[]);
    return makeData({ type: this.type as Float64, ...this.valid.take(), data: data as Float64Array });
  }
}

class StringBuilder implements ColumnBuilder {
  private readonly b = new Utf8Builder();
  add([v]: DuckDBVector[], n: number): void {
    for (let r = 0; r < n; r++) this.b.push(v!.getItem(r) as string | null);
  }
  finish(): Data {
    return this.b.finish();
  }
}

/** list<utf8> from a VARCHAR[] vector, reading the flat child vector (no per-row list objects). */
class ListBuilder implements ColumnBuilder {
  private readonly valid = new Validity();
  private offsets: number[] = [0];
  private readonly items = new Utf8Builder();
  private readonly type: DataType;
  constructor(type: DataType) {
    this.type = type;
  }
  add([v]: DuckDBVector[], n: number): void {
    const list = v as DuckDBListVector;
    const child = list.childVector;
    let count = this.offsets[this.offsets.length - 1]!;
    for (let r = 0; r < n; r++) {
      const isNull = list.getItemVector(r) === null;
      this.valid.push(!isNull);
      if (!isNull) {
        const at = list.getEntryOffset(r);
        const len = list.getEntryLength(r);
        for (let k = 0; k < len; k++) this.items.push(child.getItem(at + k) as string | null);
        count += len;
      }
      this.offsets.push(count);
    }
  }
  finish(): Data {
    const data = makeData({
      type: this.type as List<Utf8>,
      ...this.valid.take(),
      valueOffsets: Int32Array.from(this.offsets),
      child: this.items.finish(),
    });
    this.offsets = [0];
    return data;
  }
}

/** map<utf8, float64> from map_keys(…) and map_values(…) list vectors. */
class MapBuilder implements ColumnBuilder {
  private readonly valid = new Validity();
  private offsets: number[] = [0];
  private readonly keys = new Utf8Builder();
  private valueBuf: (number | null)[] = [];
  private readonly type: DataType;
  constructor(type: DataType) {
    this.type = type;
  }
  add([k, v]: DuckDBVector[], n: number): void {
    const keys = k as DuckDBListVector;
    const values = v as DuckDBListVector;
    const keyChild = keys.childVector;
    const valueChild = values.childVector;
    let count = this.offsets[this.offsets.length - 1]!;
    for (let r = 0; r < n; r++) {
      const isNull = keys.getItemVector(r) === null;
      this.valid.push(!isNull);
      if (!isNull) {
        const ka = keys.getEntryOffset(r);
        const va = values.getEntryOffset(r);
        const len = keys.getEntryLength(r);
        for (let e = 0; e < len; e++) {
          this.keys.push(keyChild.getItem(ka + e) as string);
          this.valueBuf.push(valueChild.getItem(va + e) as number | null);
        }
        count += len;
      }
      this.offsets.push(count);
    }
  }
  finish(): Data {
    const n = this.valueBuf.length;
    const valueValid = new Validity();
    const data = new Float64Array(n);
    this.valueBuf.forEach((x, i) => {
      valueValid.push(x !== null);
      data[i] = x ?? 0;
    });
    this.valueBuf = [];
    const entries = makeData({
      type: mapEntries(),
      length: n,
      nullCount: 0,
      children: [this.keys.finish(), makeData({ type: new Float64(), ...valueValid.take(), data })],
    });
    const out = makeData({
      type: this.type as Map_<Utf8, Float64>,
      ...this.valid.take(),
      valueOffsets: Int32Array.from(this.offsets),
      child: entries,
    });
    this.offsets = [0];
    return out;
  }
}

function builderOf(kind: Kind, type: DataType): ColumnBuilder {
  switch (kind) {
    case "ts":
    case "i64":
    case "i32":
    case "f64":
      return new NumberBuilder(kind, type);
    case "list":
      return new ListBuilder(type);
    case "map":
      return new MapBuilder(type);
    default:
      return new StringBuilder();
  }
}

function writeError(file: string, e: Error): MoldtwinError {
  return new MoldtwinError("FILE_ERR_READ", `cannot write Arrow file ${file}: ${e.message}`, [
    { field: "--out", value: file, allowed: "a writable path" },
  ]);
}

export async function exportTable(
  conn: DuckDBConnection,
  table: ExportTable,
  file: string,
  range: ExportRange,
): Promise<{ rows: number }> {
  const specs = TABLE_COLUMNS[table];
  const kinds = specs.map((c) => kindOf(c.sql));
  const types = kinds.map(arrowType);
  const schema = new Schema(specs.map((c, j) => new Field(c.name, types[j]!, !c.sql.includes("NOT NULL"))));
  // Vectors per column in the SELECT: maps come as two lists (keys, values).
  const select = specs
    .map((c, j) =>
      kinds[j] === "ts"
        ? `epoch_us(${c.name}) AS ${c.name}`
        : kinds[j] === "map"
          ? `map_keys(${c.name}) AS ${c.name}__keys, map_values(${c.name}) AS ${c.name}__values`
          : c.name,
    )
    .join(", ");
  const where: string[] = [];
  const params: DuckDBValue[] = [];
  const time = TIME_COLUMN[table];
  if (range.fromMs !== undefined) {
    params.push(microsOf(range.fromMs));
    where.push(`${time} >= make_timestamp($${params.length}::BIGINT)`);
  }
  if (range.toMs !== undefined) {
    params.push(microsOf(range.toMs));
    where.push(`${time} < make_timestamp($${params.length}::BIGINT)`);
  }
  if (range.press !== undefined) {
    params.push(range.press);
    where.push(`press = $${params.length}`);
  }
  const sql = `SELECT ${select} FROM ${table}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${time}`;

  const out = createWriteStream(file);
  let failure: MoldtwinError | null = null;
  const failed = new Promise<never>((_, reject) =>
    out.on("error", (e) => {
      failure = writeError(file, e);
      reject(failure);
    }),
  );
  failed.catch(() => {});
  await Promise.race([once(out, "open"), failed]);
  const writer = new RecordBatchFileWriter();
  const readable = writer.toNodeStream();
  readable.pipe(out);
  const finished = once(out, "finish");

  const builders = kinds.map((k, j) => builderOf(k, types[j]!));
  const width = kinds.map((k) => (k === "map" ? 2 : 1));
  let rows = 0;
  let buffered = 0;
  let batches = 0;
  const emit = async (): Promise<void> => {
    const children = builders.map((b) => b.finish());
    writer.write(
      new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: buffered, nullCount: 0, children })),
    );
    batches++;
    buffered = 0;
    while (out.writableLength > HIGH_WATER_BYTES || readable.readableLength > HIGH_WATER_BYTES) {
      if (failure) throw failure;
      await new Promise((r) => setTimeout(r, 1));
    }
  };

  const result = await conn.stream(sql, params);
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const n = chunk.rowCount;
    let v = 0;
    for (let j = 0; j < builders.length; j++) {
      const vectors: DuckDBVector[] = [];
      for (let w = 0; w < width[j]!; w++) vectors.push(chunk.getColumnVector(v++));
      builders[j]!.add(vectors, n);
    }
    buffered += n;
    rows += n;
    if (buffered >= BATCH_ROWS) await emit();
  }
  if (buffered > 0 || batches === 0) await emit();
  writer.finish();
  writer.close();
  await Promise.race([finished, failed]);
  return { rows };
}

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { RecordBatchFileWriter, type Table } from "apache-arrow";

/**
 * Streams chunk tables into one Arrow IPC file (random-access format, readable by pyarrow, DuckDB, polars and
 * `tableFromIPC`). Each chunk's batches are written as they arrive and the file stream's buffer is drained
 * before the next chunk, so a 10⁶-row sweep never holds more than a few chunks in memory.
 */
export interface ArrowFileSink {
  write(table: Table): Promise<void>;
  close(): Promise<void>;
  readonly rows: number;
}

const HIGH_WATER_BYTES = 8 * 1024 * 1024;

export function openArrowFileSink(path: string): ArrowFileSink {
  const writer = new RecordBatchFileWriter();
  const file = createWriteStream(path);
  const readable = writer.toNodeStream();
  readable.pipe(file);
  let rows = 0;
  const flushed = once(file, "finish");
  return {
    get rows() {
      return rows;
    },
    async write(table: Table) {
      for (const batch of table.batches) writer.write(batch);
      rows += table.numRows;
      // Back-pressure: let the bytes reach the disk before the next chunk.
      while (file.writableLength > HIGH_WATER_BYTES || readable.readableLength > HIGH_WATER_BYTES) {
        await new Promise((r) => setTimeout(r, 1));
      }
      await new Promise<void>((r) => setImmediate(r));
    },
    async close() {
      writer.finish();
      writer.close();
      await flushed;
    },
  };
}

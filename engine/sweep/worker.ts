import { tableToIPC } from "apache-arrow";
import { move } from "piscina";
import { type ChunkSpec, runChunk } from "./chunk.ts";

/**
 * The piscina worker entry: runs one chunk and hands the Arrow IPC bytes back without a copy (moved). Thin on
 * purpose: everything it does is `runChunk`, which the in-process path calls directly.
 */
export default function runChunkTask(spec: ChunkSpec): Uint8Array {
  const bytes = tableToIPC(runChunk(spec), "stream");
  return move(bytes) as unknown as Uint8Array;
}

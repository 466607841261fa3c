import { move } from "piscina";
import { type ChunkTask, runChunk } from "./chunk.ts";

/**
 * The piscina worker entry of the shared thread pool (engine/sweep/pool.ts): runs one chunk of any kind. Thin on
 * purpose: everything it does is `runChunk`, which the in-process executor and the distributed worker call too.
 * A typed-array result (the outcome array of ≈ 1 MB per 250 contract runs) is moved, not copied; the rest (sweep
 * columns, press forecasts) is cloned.
 */
export default function runPoolChunk(task: ChunkTask): unknown {
  const result = runChunk(task);
  return ArrayBuffer.isView(result) ? move(result as unknown as ArrayBufferView) : result;
}

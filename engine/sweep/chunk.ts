import { makeTable, type Table } from "apache-arrow";
import type { Twin } from "../../twin-models/resolve.ts";
import { MoldtwinError } from "../errors.ts";
import { type CompiledTwin, compileTwin } from "../molding/compile.ts";
import { simulateShotInto } from "../molding/kernel.ts";
import { IN, type InputField, OUT, OUTPUT_SIZE, type OutputField } from "../molding/layout.ts";
import { type DesignSpec, designPoint, designSize } from "./designs.ts";
import { standardNormal, uniform01 } from "./random.ts";

/**
 * The chunk runner: the one pure function every sweep is made of, in-process, in a piscina worker or on a
 * distributed worker. `runChunk(spec)` computes rows [start, start + count) of a sweep and returns them as an
 * Arrow table; it depends on nothing but the spec, so any chunking of any run gives the same bytes.
 * `runSweepChunk` is the sweep's unit of work for the executors (engine/runner/chunk.ts).
 */

/** A swept setting or twin parameter, in the kernel's input layout, over [min, max] (log-spaced if `log`). */
export interface SweepFactor {
  input: InputField;
  min: number;
  max: number;
  log?: boolean;
}

/** Where the sweep's points come from: an index-addressable design, or explicit values (points × factors). */
export type PointSource = { kind: "design"; design: DesignSpec } | { kind: "points"; values: Float64Array };

/**
 * Monte Carlo noise on each point (robustness): shot-to-shot melt and mold temperature, lot-to-lot viscosity,
 * check-ring leakage. Replicate r of every point draws the same random numbers (common random numbers), so
 * points are compared on the same noise and differences between them are not sampling noise.
 */
export interface NoiseSpec {
  seed: number;
  replicates: number;
  meltTempSdC: number;
  moldTempSdC: number;
  /** Coefficient of variation of η0 between lots; applied as a log-normal factor with median 1. */
  viscosityLotCv: number;
  /** Leakage past a worn check ring, uniform on [0, max], as a share of hold pressure. */
  checkRingLeakageMax: number;
}

export interface ChunkSpec {
  twin: Twin;
  /** Identifies the twin for the worker's compile cache (the twin itself is cloned into every task). */
  twinKey: string;
  /** Kernel inputs of the base point (layout IN); factors overwrite their slots. */
  baseInputs: Float64Array;
  factors: readonly SweepFactor[];
  points: PointSource;
  /** Rows of the chunk. Without noise a row is a point; with noise row = point · replicates + replicate. */
  start: number;
  count: number;
  outputs: readonly OutputField[];
  noise?: NoiseSpec;
}

/** Column layout of a chunk: a plain object of typed arrays, ready for Arrow or for analysis. */
export interface ChunkColumns {
  row: Uint32Array;
  point: Uint32Array;
  /** 1 when the kernel produced a finite result; 0 marks a point outside the model's validity (outputs 0). */
  valid: Uint8Array;
  inputs: Record<string, Float64Array>;
  outputs: Record<string, Float64Array>;
}

const NOISE_STREAM = 0x4e4f4953; // "NOIS"
const NOISE_MELT = 0;
const NOISE_MOLD = 1;
const NOISE_LOT = 2;
const NOISE_RING = 3;

/** The physical value of a factor at unit coordinate u ∈ [0, 1]: the one mapping every design and search uses. */
export function unitToValue(f: SweepFactor, u: number): number {
  if (f.log) return Math.exp(Math.log(f.min) + u * (Math.log(f.max) - Math.log(f.min)));
  return f.min + u * (f.max - f.min);
}

/** Grid level k of L as a value: exactly what the grid design produces for that level. */
export function gridValue(f: SweepFactor, k: number, levels: number): number {
  return unitToValue(f, k / (levels - 1));
}

const compileCache = new Map<string, CompiledTwin>();
const COMPILE_CACHE_SIZE = 16;

function compiledFor(spec: ChunkSpec): CompiledTwin {
  let c = compileCache.get(spec.twinKey);
  if (!c) {
    c = compileTwin(spec.twin.material, spec.twin.machine, spec.twin.mold);
    if (compileCache.size >= COMPILE_CACHE_SIZE) compileCache.clear();
    compileCache.set(spec.twinKey, c);
  }
  return c;
}

/** Number of points a source holds. */
export function pointCount(points: PointSource, factorCount: number): number {
  if (points.kind === "points") return factorCount === 0 ? 0 : points.values.length / factorCount;
  return designSize(points.design);
}

/** Runs rows [start, start + count) into typed-array columns. Allocates the columns once, nothing per shot. */
export function runChunkColumns(spec: ChunkSpec): ChunkColumns {
  const { factors, count, start } = spec;
  const nf = factors.length;
  const replicates = spec.noise ? spec.noise.replicates : 1;
  const compiled = compiledFor(spec);
  const inputs = new Float64Array(spec.baseInputs);
  const base = spec.baseInputs;
  const out = new Float64Array(OUTPUT_SIZE);
  const unit = new Float64Array(Math.max(1, nf));
  const outIdx = spec.outputs.map((o) => OUT[o]);
  const cols: ChunkColumns = {
    row: new Uint32Array(count),
    point: new Uint32Array(count),
    valid: new Uint8Array(count),
    inputs: {},
    outputs: {},
  };
  const factorCols = factors.map((f) => {
    const col = new Float64Array(count);
    cols.inputs[f.input] = col;
    return col;
  });
  const outCols = spec.outputs.map((o) => {
    const col = new Float64Array(count);
    cols.outputs[o] = col;
    return col;
  });
  const factorIdx = factors.map((f) => IN[f.input]);
  const noise = spec.noise;
  // Log-normal lot factor with median 1 and the given CV: σ_ln = √(ln(1 + CV²)).
  const lotSdLn = noise ? Math.sqrt(Math.log1p(noise.viscosityLotCv * noise.viscosityLotCv)) : 0;
  let lastPoint = -1;

  for (let r = 0; r < count; r++) {
    const row = start + r;
    const p = replicates === 1 ? row : Math.floor(row / replicates);
    if (p !== lastPoint) {
      // Set the point's factor values (noise is applied on top, per replicate, below).
      inputs.set(base);
      if (spec.points.kind === "points") {
        const v = spec.points.values;
        for (let j = 0; j < nf; j++) inputs[factorIdx[j]!] = v[p * nf + j]!;
      } else {
        designPoint(spec.points.design, p, unit, 0);
        for (let j = 0; j < nf; j++) inputs[factorIdx[j]!] = unitToValue(factors[j]!, unit[j]!);
      }
      lastPoint = p;
    }
    for (let j = 0; j < nf; j++) factorCols[j]![r] = inputs[factorIdx[j]!]!;
    let setMelt = 0;
    let setMold = 0;
    let setLot = 0;
    let setRing = 0;
    if (noise) {
      const rep = row - p * replicates;
      setMelt = inputs[IN.meltTempC]!;
      setMold = inputs[IN.moldTempC]!;
      setLot = inputs[IN.viscosityFactor]!;
      setRing = inputs[IN.checkRingLeakageFraction]!;
      inputs[IN.meltTempC] = setMelt + noise.meltTempSdC * standardNormal(noise.seed, NOISE_STREAM, rep, NOISE_MELT);
      inputs[IN.moldTempC] = setMold + noise.moldTempSdC * standardNormal(noise.seed, NOISE_STREAM, rep, NOISE_MOLD);
      inputs[IN.viscosityFactor] =
        setLot * Math.exp(lotSdLn * standardNormal(noise.seed, NOISE_STREAM, rep, NOISE_LOT));
      const leak = setRing + noise.checkRingLeakageMax * uniform01(noise.seed, NOISE_STREAM, rep, NOISE_RING);
      inputs[IN.checkRingLeakageFraction] = leak > 1 ? 1 : leak;
    }
    cols.row[r] = row;
    cols.point[r] = p;
    let ok = 1;
    try {
      simulateShotInto(compiled, inputs, out);
    } catch (e) {
      if (!(e instanceof MoldtwinError) || e.code !== "SIM_ERR_NON_FINITE") throw e;
      ok = 0;
    }
    cols.valid[r] = ok;
    for (let k = 0; k < outCols.length; k++) outCols[k]![r] = ok ? out[outIdx[k]!]! : 0;
    if (noise) {
      inputs[IN.meltTempC] = setMelt;
      inputs[IN.moldTempC] = setMold;
      inputs[IN.viscosityFactor] = setLot;
      inputs[IN.checkRingLeakageFraction] = setRing;
    }
  }
  return cols;
}

/** Arrow table of a chunk's columns (zero-copy: the typed arrays become the Arrow buffers). */
export function columnsToTable(cols: ChunkColumns): Table {
  return makeTable({ row: cols.row, point: cols.point, valid: cols.valid, ...cols.inputs, ...cols.outputs });
}

/** The pure chunk runner: spec in, Arrow table out. */
export function runChunk(spec: ChunkSpec): Table {
  return columnsToTable(runChunkColumns(spec));
}

/** A sweep chunk for an executor: rows [start, start + count), cut into record batches of at most batchRows. */
export interface SweepPart {
  start: number;
  count: number;
  batchRows: number;
}

/**
 * Rows [start, start + count) of a sweep as the columns of record batches of at most `batchRows` rows: the
 * batches the run has on one machine, so a larger distributed chunk still yields the same batches (and the same
 * Arrow file) as the local run. Plain typed arrays: zero-copy in this thread, cloned across threads, serialized
 * as their bytes across machines; `columnsToTable` makes each an Arrow table on arrival.
 */
export function runSweepChunk(plan: Omit<ChunkSpec, "start" | "count">, part: SweepPart): ChunkColumns[] {
  const end = part.start + part.count;
  const batches: ChunkColumns[] = [];
  for (let s = part.start; s < end; s += part.batchRows) {
    batches.push(runChunkColumns({ ...plan, start: s, count: Math.min(part.batchRows, end - s) }));
  }
  return batches;
}

import { tableFromIPC, tableToIPC } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { resolveTwin } from "../../twin-models/resolve.ts";
import type { Factor } from "../../twin-models/schemas/sweep.ts";
import { MoldtwinError } from "../errors.ts";
import { OUTPUT_FIELDS } from "../molding/layout.ts";
import { starterSettings } from "../molding/starterSettings.ts";
import { runChunk } from "./chunk.ts";
import { buildPlan, checkFactors } from "./plan.ts";
import { closeSweepPools } from "./pool.ts";
import { chunkSpec, runSweep, type SweepPlan } from "./runSweep.ts";

const twin = resolveTwin({ material: "pp-isofil-hk10-tvhm", machine: "e110-all-electric", mold: "clip-4cav-auto" });
const settings = starterSettings(twin);
const factors: Factor[] = [
  { name: "meltTempC", min: 205, max: 250, levels: 10, log: false },
  { name: "holdPressureMPa", min: 4, max: 30, levels: 10, log: false },
  { name: "injectionTimeS", min: 0.4, max: 3, levels: 10, log: true },
  { name: "viscosityFactor", min: 0.85, max: 1.15, levels: 10, log: false },
];

const sobolPlan = (points: number): SweepPlan =>
  buildPlan(
    twin,
    settings,
    factors,
    { kind: "design", design: { kind: "sobol", dims: 4, points, seed: 7 } },
    OUTPUT_FIELDS,
  );

/** Every column's bytes, for bit-for-bit comparison. */
function bytesOf(t: ReturnType<typeof runChunk>): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const f of t.schema.fields) {
    const a = t.getChild(f.name)!.toArray() as ArrayLike<number> & {
      buffer: ArrayBuffer;
      byteOffset: number;
      byteLength: number;
    };
    out[f.name] = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  }
  return out;
}

afterAll(closeSweepPools);

describe("sweep engine", () => {
  it("a chunk is a pure function of its spec: any split of the rows gives the same bytes", () => {
    const plan = sobolPlan(600);
    const whole = bytesOf(runChunk(chunkSpec(plan, 0, 600)));
    const a = runChunk(chunkSpec(plan, 0, 250));
    const b = runChunk(chunkSpec(plan, 250, 350));
    const joined = bytesOf(a.concat(b));
    expect(Object.keys(joined)).toEqual(Object.keys(whole));
    for (const k of Object.keys(whole)) expect(joined[k]!.equals(whole[k]!), k).toBe(true);
    // The design really varies every factor, and every shot is valid physics.
    const melt = a.getChild("meltTempC")!.toArray() as Float64Array;
    expect(Math.min(...melt)).toBeGreaterThanOrEqual(205);
    expect(Math.max(...melt)).toBeLessThanOrEqual(250);
    expect(new Set(melt).size).toBe(250);
    expect((a.getChild("valid")!.toArray() as Uint8Array).every((v) => v === 1)).toBe(true);
  });

  it("pool results equal in-process results bit for bit, with 1 and 2 workers and any chunking", async () => {
    const plan = sobolPlan(3000);
    const inProcess = await runSweep(plan, { workers: 0, chunkRows: 1000 });
    const reference = bytesOf(inProcess.table!);
    for (const workers of [1, 2]) {
      const pooled = await runSweep(plan, { workers, chunkRows: 512 });
      expect(pooled.chunks).toBe(6);
      const got = bytesOf(pooled.table!);
      for (const k of Object.keys(reference))
        expect(got[k]!.equals(reference[k]!), `${k} on ${workers} workers`).toBe(true);
    }
    // The Arrow IPC bytes of the whole run are identical too.
    const again = await runSweep(plan, { workers: 2, chunkRows: 1000 });
    expect(
      Buffer.from(tableToIPC(again.table!, "stream")).equals(Buffer.from(tableToIPC(inProcess.table!, "stream"))),
    ).toBe(true);
  });

  it("Monte Carlo rows use common random numbers: replicate r of every point sees the same noise", async () => {
    const values = new Float64Array([220, 10, 1, 1, 240, 20, 1.5, 1]);
    const noise = {
      seed: 3,
      replicates: 50,
      meltTempSdC: 2,
      moldTempSdC: 1.5,
      viscosityLotCv: 0.05,
      checkRingLeakageMax: 0.03,
    };
    const plan = buildPlan(twin, settings, factors, { kind: "points", values }, ["maxMeltTempC", "partMassG"], noise);
    const a = await runSweep(plan, { workers: 0 });
    const b = await runSweep(plan, { workers: 2, chunkRows: 17 });
    expect(bytesOf(b.table!).partMassG!.equals(bytesOf(a.table!).partMassG!)).toBe(true);
    const point = a.table!.getChild("point")!.toArray() as Uint32Array;
    expect(point[49]).toBe(0);
    expect(point[50]).toBe(1);
    // The noise moves the melt: the spread of the hottest bulk temperature is near the 2 °C input.
    const melt = Array.from(a.table!.getChild("maxMeltTempC")!.toArray() as Float64Array).slice(0, 50);
    const mean = melt.reduce((s, x) => s + x, 0) / 50;
    const sd = Math.sqrt(melt.reduce((s, x) => s + (x - mean) ** 2, 0) / 49);
    expect(sd).toBeGreaterThan(1);
    expect(sd).toBeLessThan(3.5);
  });

  it("streams chunks in row order to a sink without keeping them, and the chunks round-trip through IPC", async () => {
    const plan = sobolPlan(2000);
    const seen: number[] = [];
    const run = await runSweep(plan, {
      workers: 2,
      chunkRows: 300,
      collect: false,
      sink: (t) => {
        const rows = t.getChild("row")!.toArray() as Uint32Array;
        seen.push(rows[0]!);
        expect(tableFromIPC(tableToIPC(t, "stream")).numRows).toBe(t.numRows);
      },
    });
    expect(run.table).toBeNull();
    expect(seen).toEqual([0, 300, 600, 900, 1200, 1500, 1800]);
  });

  it("reports progress and stops with RUN_ERR_CANCELLED when aborted", async () => {
    const plan = sobolPlan(4000);
    const abort = new AbortController();
    const progress: number[] = [];
    const err = await runSweep(plan, {
      workers: 0,
      chunkRows: 500,
      signal: abort.signal,
      onProgress: (p) => {
        progress.push(p.rowsDone);
        if (p.chunksDone === 2) abort.abort();
      },
    }).catch((e) => e);
    expect(err).toBeInstanceOf(MoldtwinError);
    expect(err.code).toBe("RUN_ERR_CANCELLED");
    expect(progress).toEqual([500, 1000]);
    const pooled = new AbortController();
    setTimeout(() => pooled.abort(), 5);
    const err2 = await runSweep(sobolPlan(20_000), { workers: 2, signal: pooled.signal }).catch((e) => e);
    expect(err2.code).toBe("RUN_ERR_CANCELLED");
  });

  it("refuses factor ranges the twin cannot run, naming the factor and the end", () => {
    const bad: Factor[] = [{ name: "meltTempC", min: 200, max: 300, levels: 5, log: false }];
    const e = (() => {
      try {
        checkFactors(twin, settings, bad, "scenario.factors");
      } catch (x) {
        return x as MoldtwinError;
      }
    })();
    expect(e?.code).toBe("TWIN_ERR_OUT_OF_RANGE");
    expect(e?.details[0]).toMatchObject({ field: "scenario.factors[0].max", value: 300, unit: "°C" });
    expect(e?.details[0]?.allowed).toContain("285");
  });
});

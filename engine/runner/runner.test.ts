import { readFileSync } from "node:fs";
import { tableToIPC } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { resolveTwin } from "../../twin-models/resolve.ts";
import { ContractScenario } from "../../twin-models/schemas/contract.ts";
import { ForecastScenario } from "../../twin-models/schemas/forecast.ts";
import { Plant } from "../../twin-models/schemas/plant.ts";
import { parse } from "../../twin-models/validate.ts";
import { compileContract } from "../contracts/model.ts";
import { simulateContract } from "../contracts/parallel.ts";
import { MoldtwinError } from "../errors.ts";
import { forecastFleetParallel } from "../fleet/parallel.ts";
import { OUTPUT_FIELDS } from "../molding/layout.ts";
import { starterSettings } from "../molding/starterSettings.ts";
import { buildPlan } from "../sweep/plan.ts";
import { closeSweepPools } from "../sweep/pool.ts";
import { runSweep } from "../sweep/runSweep.ts";
import type { ChunkKind, PartOf, ResultOf, SharedOf } from "./chunk.ts";
import { type ChunkExecutor, type ExecutorRun, inlineExecutor, poolExecutor } from "./executor.ts";
import { runChunks } from "./gather.ts";
import { chunkCount, DISTRIBUTED_SIZING, granulesPerChunk, rangesByCost } from "./sizing.ts";

/**
 * The chunked-run machinery without Redis: sizing, the ordered gather, and the claim the distributed runner rests
 * on — any executor and any chunking give the same bytes.
 */

afterAll(closeSweepPools);

/**
 * A stand-in for a distributed executor: distributed chunk sizes with `slots` pretend workers, chunks run on this
 * thread but finish in reverse order of launch.
 */
function scrambled(slots: number): ChunkExecutor & { launched: number; closed: number } {
  const ex = {
    label: "scrambled",
    sizing: DISTRIBUTED_SIZING,
    launched: 0,
    closed: 0,
    async open<K extends ChunkKind>(kind: K, shared: SharedOf<K>): Promise<ExecutorRun<K>> {
      const inner = await inlineExecutor.open(kind, shared);
      let delay = 60;
      return {
        parallelism: slots,
        maxInFlight: 4 * slots,
        async run(i: number, part: PartOf<K>): Promise<ResultOf<K>> {
          ex.launched++;
          const r = await inner.run(i, part);
          delay = Math.max(0, delay - 10);
          await new Promise((resolve) => setTimeout(resolve, delay));
          return r;
        },
        async close() {
          ex.closed++;
        },
      };
    },
  };
  return ex;
}

describe("chunk sizing for distributed executors", () => {
  it("aims at the target, keeps ≥ 2 chunks per slot above the minimum, and rounds to whole rounds of slots", () => {
    expect(chunkCount(14_400, DISTRIBUTED_SIZING, 2)).toBe(6); // 5 by the target → 6: three rounds of two
    expect(chunkCount(4_320, DISTRIBUTED_SIZING, 2)).toBe(4); // 2 by the target → 4: two per slot, 1.08 s each
    expect(chunkCount(1_500, DISTRIBUTED_SIZING, 2)).toBe(1); // two chunks would be under 1 s
    expect(chunkCount(100_000, DISTRIBUTED_SIZING, 7)).toBe(35);
    expect(granulesPerChunk(40, 360, DISTRIBUTED_SIZING, 2)).toBe(7);
    const costs = [1000, 800, 700, 1200, 900, 1000, 300, 500];
    const ranges = rangesByCost(costs, DISTRIBUTED_SIZING, 2);
    expect(ranges.flat()[0]).toBe(0);
    expect(ranges.at(-1)![1]).toBe(costs.length);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
    expect(ranges).toHaveLength(4);
  });
});

describe("the gather", () => {
  it("delivers in chunk-index order whatever order chunks finish in, and closes the run on failure", async () => {
    const order: number[] = [];
    let open = 0;
    const failing: ChunkExecutor = {
      label: "failing",
      async open<K extends ChunkKind>(): Promise<ExecutorRun<K>> {
        open++;
        return {
          parallelism: 2,
          maxInFlight: 3,
          run: (i: number) =>
            new Promise((resolve, reject) =>
              setTimeout(() => (i === 4 ? reject(new Error("boom")) : resolve(i as never)), 40 - 8 * i),
            ),
          async close() {
            open--;
          },
        };
      },
    };
    const parts = Array.from({ length: 8 }, (_, i) => ({ runFrom: i, runTo: i + 1 }));
    const err = await runChunks(failing, "contract", {} as never, () => parts, {
      deliver: (_r, i) => {
        order.push(i);
      },
    }).catch((e: Error) => e);
    expect((err as Error).message).toBe("boom");
    // 0–2 arrive in reverse and are delivered in order; 4 fails before 3 arrives: nothing after the failure.
    expect(order).toEqual([0, 1, 2]);
    expect(open).toBe(0);
  });
});

describe("any executor, any chunking: the same bytes", () => {
  const json = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8"));
  const plantA = parse(Plant, json("../../seeds/case-a-automotive.json"), "plant");

  it("contract outcomes: this thread, the pool, and distributed-size chunks finishing out of order", async () => {
    const raw = json("../../scenarios/case-a-contract.json") as object;
    const sc = parse(ContractScenario, { ...raw, runs: 1100, termMonths: 12 }, "scenario");
    const model = compileContract(sc, plantA);
    const run = (o: { workers: number; executor?: ChunkExecutor }) =>
      simulateContract(model, { scenario: sc, plant: plantA }, { runs: sc.runs, pdm: true, ...o });
    const local = Buffer.from((await run({ workers: 0 })).buffer);
    expect(Buffer.from((await run({ workers: 2 })).buffer).equals(local)).toBe(true);
    const ex = scrambled(4);
    expect(Buffer.from((await run({ workers: 0, executor: ex })).buffer).equals(local)).toBe(true);
    expect(ex.closed).toBe(1);
  });

  it("sweeps: a distributed chunk carries the local record batches, so the Arrow bytes are the same", async () => {
    const twin = resolveTwin({ material: "pp-isofil-hk10-tvhm", machine: "e110-all-electric", mold: "clip-4cav-auto" });
    const plan = buildPlan(
      twin,
      starterSettings(twin),
      [
        { name: "meltTempC", min: 205, max: 250, levels: 10, log: false },
        { name: "holdPressureMPa", min: 4, max: 30, levels: 10, log: false },
      ],
      { kind: "design", design: { kind: "sobol", dims: 2, points: 20_000, seed: 9 } },
      OUTPUT_FIELDS,
    );
    const local = await runSweep(plan, { workers: 0 });
    const ex = scrambled(2);
    const chunked: number[] = [];
    const remote = await runSweep(plan, { executor: ex, onProgress: (p) => chunked.push(p.rowsDone) });
    expect(ex.launched).toBeLessThan(local.chunks);
    expect(remote.chunks).toBe(local.chunks);
    expect(chunked).toHaveLength(local.chunks);
    expect(
      Buffer.from(tableToIPC(remote.table!, "stream")).equals(Buffer.from(tableToIPC(local.table!, "stream"))),
    ).toBe(true);
  });

  it("fleet forecast: press ranges sized by estimated work give the local result", async () => {
    const raw = json("../../scenarios/case-a-forecast.json") as object;
    const sc = parse(ForecastScenario, { ...raw, runs: 300, horizonMonths: 6 }, "scenario");
    const local = await forecastFleetParallel(plantA, sc, { workers: 0 });
    const pooled = await forecastFleetParallel(plantA, sc, { workers: 0, executor: poolExecutor(2) });
    const remote = await forecastFleetParallel(plantA, sc, { workers: 0, executor: scrambled(3) });
    expect(JSON.stringify(pooled)).toBe(JSON.stringify(local));
    expect(JSON.stringify(remote)).toBe(JSON.stringify(local));
  });

  it("a cancelled run stops with RUN_ERR_CANCELLED and is closed", async () => {
    const abort = new AbortController();
    abort.abort();
    const err = await runChunks(inlineExecutor, "contract", {} as never, () => [], {
      signal: abort.signal,
      deliver: () => {},
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MoldtwinError);
    expect((err as MoldtwinError).code).toBe("RUN_ERR_CANCELLED");
  });
});

import { describe, expect, it } from "vitest";
import { MoldtwinError } from "../../engine/errors.ts";
import type { CycleRecord, HistoryStore } from "../store/historyStore.ts";
import { CycleWrites, HistoryReader } from "./historyReader.ts";

/**
 * The history route's reader: concurrent requests for a press share a store query, and with the store's writes
 * counted an answer is reused until the press writes again — always exactly what the store would answer.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const cycle = (press: string, sourceTimeMs: number, counter = 0): CycleRecord =>
  ({ press, sourceTimeMs, jobCycleCounter: counter }) as CycleRecord;

/** An in-memory store: cycles(…) and writeCycles(…) as the DuckDB one behaves (sorted, commit after a delay). */
function memoryStore(queryMs = 20) {
  const rows: CycleRecord[] = [];
  const queries: [string, number, number][] = [];
  const store = {
    path: ":memory:",
    async cycles(press: string, fromMs: number, toMs: number) {
      if (toMs > 4_102_444_800_000 || fromMs < 0) {
        throw new MoldtwinError("TWIN_ERR_VALIDATION", "not a time", [{ field: "toMs" }]);
      }
      queries.push([press, fromMs, toMs]);
      // The snapshot is taken when the query starts; the answer comes later.
      const snapshot = rows
        .filter((r) => r.press === press && r.sourceTimeMs >= fromMs && r.sourceTimeMs < toMs)
        .sort((a, b) => a.sourceTimeMs - b.sourceTimeMs);
      await sleep(queryMs);
      return snapshot;
    },
    async writeCycles(input: CycleRecord[]) {
      await sleep(5);
      rows.push(...input);
      return { written: input.length, skipped: 0 };
    },
    async applyRetention() {
      rows.length = 0;
      return {};
    },
  } as unknown as HistoryStore;
  return { store, queries, rows };
}

const times = (rows: CycleRecord[]): number[] => rows.map((r) => r.sourceTimeMs);

describe("history reader", () => {
  it("coalesces concurrent requests for one press into one query; each gets exactly its window", async () => {
    const { store, queries } = memoryStore(50);
    for (let i = 1; i <= 10; i++) await store.writeCycles([cycle("a01", 1000 * i)]);
    const reader = new HistoryReader(store);
    const first = reader.cycles("a01", 0, 3000); // runs alone; the others arrive while it does
    await sleep(10);
    const windows: [number, number][] = [
      [0, 20_000],
      [2000, 5000],
      [4500, 9001],
      [9000, 9500],
    ];
    // The store refuses this one: only its caller gets the error.
    const refused = reader.cycles("a01", 1, 5e12).then(
      () => null,
      (e: unknown) => e,
    );
    const answers = await Promise.all(windows.map(([f, t]) => reader.cycles("a01", f, t)));
    expect(times(await first)).toEqual([1000, 2000]);
    expect(answers.map(times)).toEqual([
      [1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000],
      [2000, 3000, 4000],
      [5000, 6000, 7000, 8000, 9000],
      [9000],
    ]);
    expect(await refused).toBeInstanceOf(MoldtwinError);
    expect(queries).toEqual([
      ["a01", 0, 3000],
      ["a01", 0, 20_000],
    ]);
  });

  it("with writes counted, answers from memory until the press writes again, and never differs from the store", async () => {
    const { store: raw, queries } = memoryStore(5);
    const writes = new CycleWrites();
    const store = writes.track(raw);
    const reader = new HistoryReader(store, writes);
    await store.writeCycles([cycle("a01", 1000), cycle("a01", 2000), cycle("a02", 1500)]);
    expect(times(await reader.cycles("a01", 0, 10_000))).toEqual([1000, 2000]);
    expect(times(await reader.cycles("a01", 1500, 10_000))).toEqual([2000]);
    expect(times(await reader.cycles("a01", 500, 1000))).toEqual([]);
    expect(queries).toHaveLength(1);
    // Another press's write leaves a01's answer valid; a01's own invalidates it.
    await store.writeCycles([cycle("a02", 2500)]);
    expect(times(await reader.cycles("a01", 0, 10_000))).toEqual([1000, 2000]);
    expect(queries).toHaveLength(1);
    await store.writeCycles([cycle("a01", 3000), cycle("a01", 50_000)]); // one stamped in the future
    expect(times(await reader.cycles("a01", 0, 10_000))).toEqual([1000, 2000, 3000]);
    expect(times(await reader.cycles("a01", 0, 60_000))).toEqual([1000, 2000, 3000, 50_000]);
    expect(queries).toHaveLength(2);
    // A window starting before the kept answer asks the store.
    await reader.cycles("a01", 0, 10_000);
    expect(queries).toHaveLength(2);
    // Retention may delete anything: every answer is asked again.
    await store.applyRetention({ cyclesDays: 1 });
    expect(await reader.cycles("a01", 0, 60_000)).toEqual([]);
    expect(queries).toHaveLength(3);
  });

  it("a write settling while a query runs makes the next request ask again", async () => {
    const { store: raw, queries } = memoryStore(40);
    const writes = new CycleWrites();
    const store = writes.track(raw);
    const reader = new HistoryReader(store, writes);
    await store.writeCycles([cycle("a01", 1000)]);
    const running = reader.cycles("a01", 0, 10_000);
    await sleep(5);
    await store.writeCycles([cycle("a01", 2000)]); // commits after the query's snapshot
    expect(times(await running)).toEqual([1000]);
    expect(times(await reader.cycles("a01", 0, 10_000))).toEqual([1000, 2000]);
    expect(queries).toHaveLength(2);
  });

  it("random writes and reads: every answer equals the store's at that moment", async () => {
    const { store: raw, queries } = memoryStore(1);
    const writes = new CycleWrites();
    const store = writes.track(raw);
    const reader = new HistoryReader(store, writes);
    let seed = 7;
    const rand = (n: number): number => {
      // mulberry32
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4_294_967_296) * n);
    };
    const presses = ["a01", "a02", "b01"];
    let reads = 0;
    for (let i = 0; i < 300; i++) {
      const press = presses[rand(3)]!;
      if (rand(4) === 0) {
        await store.writeCycles([cycle(press, rand(100_000), i)]);
        continue;
      }
      const from = rand(100_000);
      const to = from + 1 + rand(60_000);
      const [mine, direct] = await Promise.all([reader.cycles(press, from, to), raw.cycles(press, from, to)]);
      expect(times(mine)).toEqual(times(direct));
      reads++;
    }
    // The direct reads are `reads` of the store's queries; the reader made far fewer than its reads.
    expect(reads).toBeGreaterThan(150);
    expect(queries.length - reads).toBeLessThan(reads / 2);
  });
});

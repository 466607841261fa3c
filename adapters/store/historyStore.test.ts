import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { MoldtwinError } from "../../engine/errors.ts";
import {
  type CycleRecord,
  type GapRecord,
  type HistoryStore,
  openStore,
  type QuarantinedValue,
  type SignalSample,
  type StateChange,
  type StoreEvent,
} from "./historyStore.ts";

const dir = mkdtempSync(join(tmpdir(), "moldtwin-store-"));
const T0 = Date.UTC(2026, 0, 5, 6, 0, 0);
const DAY = 86_400_000;
const open: HistoryStore[] = [];

async function fresh(name: string): Promise<{ store: HistoryStore; file: string }> {
  const file = join(dir, name, "history.duckdb");
  const store = await openStore(file);
  open.push(store);
  return { store, file };
}

afterAll(async () => {
  for (const s of open) await s.close();
});

function cycle(press: string, i: number, over: Partial<CycleRecord> = {}): CycleRecord {
  const t = T0 + i * 20_000;
  return {
    press,
    sourceTimeMs: t,
    receivedTimeMs: t + 40,
    jobName: "JOB-7",
    lotName: "LOT-3",
    materialLot: "PP-HK10-2611",
    jobCycleCounter: i,
    machineCycleCounter: 5000 + i,
    cycleTimeS: 19.5,
    cycleQuality: "GOOD_CYCLE",
    injectionTimeS: 1.25,
    dosingTimeS: 4.5,
    cushionCm3: 3.2,
    peakSpecificPressureBar: 880,
    plastificationVolumeCm3: 38.5,
    partIds: [`${press}-${i}-1`, `${press}-${i}-2`],
    cavityQuality: ["GOOD_PART", "BAD_PART"],
    values: { holdPressureBar: 500 + i, moldTempFixedC: 45.5 },
    ...over,
  };
}

const signal = (press: string, name: string, t: number, value: number): SignalSample => ({
  press,
  signal: name,
  sourceTimeMs: t,
  receivedTimeMs: t + 25,
  value,
});

async function codeOf(p: Promise<unknown>): Promise<MoldtwinError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MoldtwinError);
    return e as MoldtwinError;
  }
  throw new Error("expected a rejection");
}

describe("history store: writes and reads of every table", () => {
  it("round-trips cycles exactly, nulls and fractional milliseconds included", async () => {
    const { store } = await fresh("cycles");
    const rows = [
      cycle("a01", 1),
      cycle("a01", 2, {
        sourceTimeMs: T0 + 40_000.125,
        jobName: null,
        lotName: null,
        materialLot: null,
        machineCycleCounter: null,
        cycleTimeS: null,
        cycleQuality: null,
        cushionCm3: null,
        partIds: [],
        cavityQuality: [],
        values: {},
      }),
      cycle("a02", 1),
    ];
    expect(await store.writeCycles(rows)).toEqual({ written: 3, skipped: 0 });
    const back = await store.cycles("a01", T0, T0 + DAY);
    expect(back).toEqual([rows[0], rows[1]]);
    expect(await store.cycles("a01", T0 + 30_000, T0 + 40_000)).toEqual([]); // [from, to): to is exclusive
    expect(await store.cycles("a02", T0, T0 + DAY)).toEqual([rows[2]]);
    expect(await store.counts()).toMatchObject({ cycles: 3, parts: 4 });
  });

  it("writes signals, states, events, quarantine and gaps and reads each back through its Arrow export", async () => {
    const { store } = await fresh("tables");
    const signals = [signal("a01", "meltTempC", T0, 231.5), signal("a01", "oilTempC", T0 + 1000, 48.25)];
    const states: StateChange[] = [
      { press: "a01", sourceTimeMs: T0 - 5000, variable: "MachineMode", value: "AUTOMATIC" },
    ];
    const events: StoreEvent[] = [
      { press: "a01", sourceTimeMs: T0 + 2000, kind: "alarm", severity: 700, message: "mold temperature high" },
      { press: "a01", sourceTimeMs: T0 + 3000, kind: "info", severity: null, message: "" },
    ];
    const quarantine: QuarantinedValue[] = [
      {
        press: "a01",
        signal: "meltTempC",
        sourceTimeMs: T0 + 500,
        receivedTimeMs: T0 + 600,
        raw: "NaN",
        reason: "not finite",
      },
    ];
    const gaps: GapRecord[] = [
      {
        press: "a01",
        fromCounter: 41,
        toCounter: 45,
        missingCycles: 3,
        fromTimeMs: T0 - 60_000,
        toTimeMs: T0,
        reason: "server down",
      },
    ];
    await store.writeSignals(signals);
    await store.writeStates(states);
    await store.writeEvents(events);
    await store.writeQuarantine(quarantine);
    await store.writeGaps(gaps);
    expect(await store.counts()).toMatchObject({ signals: 2, states: 1, events: 2, quarantine: 1, gaps: 1 });

    const read = async (table: "signals" | "states" | "events" | "quarantine" | "gaps") => {
      const out = join(dir, "tables", `${table}.arrow`);
      await store.exportArrow(table, out);
      return tableFromIPC(readFileSync(out))
        .toArray()
        .map((r) => r.toJSON() as Record<string, unknown>);
    };
    expect(await read("signals")).toEqual(
      signals.map((s) => ({
        press: s.press,
        signal: s.signal,
        source_time: s.sourceTimeMs,
        received_time: s.receivedTimeMs,
        value: s.value,
      })),
    );
    expect(await read("states")).toEqual([
      { press: "a01", source_time: T0 - 5000, variable: "MachineMode", value: "AUTOMATIC" },
    ]);
    expect(await read("events")).toEqual(
      events.map((e) => ({
        press: e.press,
        source_time: e.sourceTimeMs,
        kind: e.kind,
        severity: e.severity,
        message: e.message,
      })),
    );
    expect(await read("quarantine")).toEqual([
      {
        press: "a01",
        signal: "meltTempC",
        source_time: T0 + 500,
        received_time: T0 + 600,
        raw: "NaN",
        reason: "not finite",
      },
    ]);
    expect(await read("gaps")).toEqual([
      {
        press: "a01",
        from_counter: 41n,
        to_counter: 45n,
        missing_cycles: 3n,
        from_time: T0 - 60_000,
        to_time: T0,
        reason: "server down",
      },
    ]);
  });

  it("accepts empty batches without touching the file", async () => {
    const { store } = await fresh("empty");
    expect(await store.writeCycles([])).toEqual({ written: 0, skipped: 0 });
    expect(await store.writeSignals([])).toEqual({ written: 0, skipped: 0 });
    expect(Object.values(await store.counts()).every((n) => n === 0)).toBe(true);
  });
});

describe("history store: idempotent cycles", () => {
  it("stores a replayed cycle once, across batches and within one, and keeps its part ids once", async () => {
    const { store } = await fresh("idempotent");
    expect(await store.writeCycles([cycle("a01", 1), cycle("a01", 2)])).toEqual({ written: 2, skipped: 0 });
    // A reconnect replays cycle 2 and brings 3; cycle 3 also arrives twice in the batch.
    expect(await store.writeCycles([cycle("a01", 2), cycle("a01", 3), cycle("a01", 3)])).toEqual({
      written: 1,
      skipped: 2,
    });
    // The key is (press, jobName, jobCycleCounter, sourceTimeMs): another press, job or time is another cycle.
    const other = [
      cycle("a02", 2),
      cycle("a01", 2, { jobName: "JOB-8", partIds: [] }),
      cycle("a01", 2, { jobName: null, partIds: [] }),
    ];
    expect(await store.writeCycles(other)).toEqual({ written: 3, skipped: 0 });
    expect(await store.writeCycles([cycle("a01", 2, { jobName: null, partIds: [] })])).toEqual({
      written: 0,
      skipped: 1,
    });
    expect(await store.counts()).toMatchObject({ cycles: 6, parts: 8 });
    expect((await store.trace("a01-2-1"))!.occurrences).toBe(1);
  });
});

describe("history store: bad input", () => {
  it("rejects a batch with one bad row whole, naming row and field, and keeps what was stored", async () => {
    const { store } = await fresh("reject");
    await store.writeCycles([cycle("a01", 1)]);
    await store.writeSignals([signal("a01", "meltTempC", T0, 230)]);

    const bad = [cycle("a01", 2), cycle("a01", 3, { cushionCm3: -1 }), cycle("a01", 4)];
    const err = await codeOf(store.writeCycles(bad));
    expect(err.code).toBe("TWIN_ERR_VALIDATION");
    expect(err.details[0]).toMatchObject({ field: "cycles[1].cushionCm3", value: -1, unit: "cm³" });
    expect(err.message).toContain("none of the batch was written");

    const nan = await codeOf(
      store.writeSignals([signal("a01", "meltTempC", T0 + 1, 231), signal("a01", "x", T0, Number.NaN)]),
    );
    expect(nan.details[0]!.field).toBe("signals[1].value");

    expect(await store.counts()).toMatchObject({ cycles: 1, parts: 2, signals: 1 });
    expect(await store.cycles("a01", T0, T0 + DAY)).toEqual([cycle("a01", 1)]);
  });

  it("names every kind of bad field: qualities, cavities, counters, times, names, values", async () => {
    const { store } = await fresh("fields");
    const cases: [Partial<CycleRecord> | Record<string, unknown>, string][] = [
      [{ cycleQuality: "OK" }, "cycles[0].cycleQuality"],
      [{ cavityQuality: ["GOOD_PART", "SHINY"] }, "cycles[0].cavityQuality[1]"],
      [{ cavityQuality: ["GOOD_PART"] }, "cycles[0].cavityQuality"],
      [{ partIds: ["x", "x"] }, "cycles[0].partIds[1]"],
      [{ jobCycleCounter: 1.5 }, "cycles[0].jobCycleCounter"],
      [{ sourceTimeMs: 1e15 }, "cycles[0].sourceTimeMs"],
      [{ press: "" }, "cycles[0].press"],
      [{ values: { holdPressureBar: Number.POSITIVE_INFINITY } }, "cycles[0].values.holdPressureBar"],
      [{ values: null }, "cycles[0].values"],
    ];
    for (const [over, field] of cases) {
      const err = await codeOf(store.writeCycles([{ ...cycle("a01", 1), ...over } as CycleRecord]));
      expect(err.details.map((d) => d.field)).toContain(field);
    }
    const gap = await codeOf(
      store.writeGaps([
        { press: "a01", fromCounter: 1, toCounter: 5, missingCycles: 3, fromTimeMs: T0, toTimeMs: T0 - 1, reason: "x" },
      ]),
    );
    expect(gap.details[0]!.field).toBe("gaps[0].toTimeMs");
    const severity = await codeOf(
      store.writeEvents([{ press: "a01", sourceTimeMs: T0, kind: "alarm", severity: 5000, message: "x" }]),
    );
    expect(severity.details[0]!.field).toBe("events[0].severity");
    expect((await codeOf(store.writeStates("nope" as unknown as StateChange[]))).code).toBe("TWIN_ERR_VALIDATION");
    expect(Object.values(await store.counts()).every((n) => n === 0)).toBe(true);
  });
});

describe("history store: trace and lastCycle", () => {
  it("traces a part id to its press, cavity, cycle, lot, job, values and the press around it", async () => {
    const { store } = await fresh("trace");
    await store.writeStates([
      { press: "a01", sourceTimeMs: T0 - 3_600_000, variable: "MachineMode", value: "SETUP" },
      { press: "a01", sourceTimeMs: T0 - 600_000, variable: "MachineMode", value: "AUTOMATIC" },
      { press: "a01", sourceTimeMs: T0 - 600_000, variable: "ProductionStatus", value: "PRODUCTION" },
      { press: "a01", sourceTimeMs: T0 + 60_000, variable: "MachineMode", value: "MANUAL" }, // after the cycle
      { press: "a02", sourceTimeMs: T0 - 1000, variable: "MachineMode", value: "MANUAL" }, // another press
    ]);
    const end = T0 + 20_000; // cycle 1 ends here; it started 19.5 s earlier
    await store.writeSignals([
      signal("a01", "meltTempC", end - 120_000, 228),
      signal("a01", "meltTempC", end - 10_000, 231),
      signal("a01", "meltTempC", end - 2000, 233),
      signal("a01", "meltTempC", end + 1000, 299), // after the cycle: not the last before it
      signal("a01", "oilTempC", end - 7_200_000, 40), // beyond the 1 h look-back
      signal("a02", "meltTempC", end - 1000, 150), // another press
    ]);
    await store.writeEvents([
      { press: "a01", sourceTimeMs: end - 5000, kind: "alarm", severity: 600, message: "nozzle temperature low" },
      { press: "a01", sourceTimeMs: end - 3_600_000, kind: "alarm", severity: 600, message: "long before" },
    ]);
    const third = 1 / 3; // a double JSON must carry exactly
    await store.writeCycles([cycle("a01", 0), cycle("a01", 1, { cushionCm3: third }), cycle("a02", 1)]);

    const t = (await store.trace("a01-1-2"))!;
    expect(t).toMatchObject({
      partId: "a01-1-2",
      press: "a01",
      cavity: 2,
      partQuality: "BAD_PART",
      occurrences: 1,
      cycleStartMs: end - 19_500,
    });
    expect(t.cycle).toEqual(cycle("a01", 1, { cushionCm3: third }));
    expect(t.cycle.materialLot).toBe("PP-HK10-2611");
    expect(t.cycle.values.holdPressureBar).toBe(501);
    expect(t.states).toEqual([
      { variable: "MachineMode", value: "AUTOMATIC", sinceMs: T0 - 600_000 },
      { variable: "ProductionStatus", value: "PRODUCTION", sinceMs: T0 - 600_000 },
    ]);
    expect(t.signals).toEqual([
      {
        signal: "meltTempC",
        value: 233,
        sourceTimeMs: end - 2000,
        ageMs: 2000,
        during: { samples: 2, min: 231, max: 233, mean: 232 },
      },
    ]);
    expect(t.events.map((e) => e.message)).toEqual(["nozzle temperature low"]);
    expect(t.quarantined).toEqual([]);
    expect(t.gaps).toEqual([]);
  });

  it("returns null for a part id it does not hold and refuses an empty one", async () => {
    const { store } = await fresh("unknown");
    await store.writeCycles([cycle("a01", 1)]);
    expect(await store.trace("a01-1-3")).toBeNull();
    expect(await store.trace("A01-1-1")).toBeNull(); // ids are case-sensitive
    expect((await codeOf(store.trace(""))).code).toBe("TWIN_ERR_VALIDATION");
  });

  it("gives the latest cycle of a press for gap detection, null for a press it has never seen", async () => {
    const { store } = await fresh("last");
    expect(await store.lastCycle("a01")).toBeNull();
    await store.writeCycles([cycle("a01", 5), cycle("a01", 7), cycle("a01", 6), cycle("a02", 9)]);
    expect(await store.lastCycle("a01")).toEqual({ jobName: "JOB-7", jobCycleCounter: 7, sourceTimeMs: T0 + 140_000 });
    expect(await store.lastCycle("a03")).toBeNull();
  });
});

describe("history store: Arrow export", () => {
  it("writes an Arrow IPC file apache-arrow reads back: rows, types and a slice by time and press", async () => {
    const { store } = await fresh("arrow");
    await store.writeCycles([cycle("a01", 1), cycle("a01", 2), cycle("a02", 1), cycle("a01", 3)]);
    const out = join(dir, "arrow", "cycles.arrow");
    expect(await store.exportArrow("cycles", out)).toEqual({ rows: 4 });
    const table = tableFromIPC(readFileSync(out));
    expect(table.numRows).toBe(4);
    expect(String(table.schema.fields.find((f) => f.name === "source_time")!.type)).toBe("Timestamp<MICROSECOND, UTC>");
    const first = table.get(0)!.toJSON() as Record<string, any>;
    expect(first.press).toBe("a01");
    expect(first.material_lot).toBe("PP-HK10-2611");
    expect(first.job_cycle_counter).toBe(1n);
    expect(first.source_time).toBe(T0 + 20_000);
    expect(first.parameters.toJSON()).toEqual({ holdPressureBar: 501, moldTempFixedC: 45.5 });
    expect([...first.part_ids]).toEqual(["a01-1-1", "a01-1-2"]);
    expect(table.getChild("cushion_cm3")!.get(2)).toBe(3.2);

    const slice = join(dir, "arrow", "slice.arrow");
    expect(await store.exportArrow("cycles", slice, { fromMs: T0 + 30_000, toMs: T0 + 60_000, press: "a01" })).toEqual({
      rows: 1,
    });
    expect(tableFromIPC(readFileSync(slice)).getChild("job_cycle_counter")!.get(0)).toBe(2n);

    const parts = join(dir, "arrow", "parts.arrow");
    expect(await store.exportArrow("parts", parts, { press: "a02" })).toEqual({ rows: 2 });
    const empty = join(dir, "arrow", "empty.arrow");
    expect(await store.exportArrow("gaps", empty)).toEqual({ rows: 0 });
    const e = tableFromIPC(readFileSync(empty));
    expect(e.numRows).toBe(0);
    expect(e.schema.fields.map((f) => f.name)).toContain("missing_cycles");
    expect((await codeOf(store.exportArrow("bogus" as "gaps", empty))).code).toBe("TWIN_ERR_VALIDATION");
    expect((await codeOf(store.exportArrow("cycles", join(dir, "no-such-dir", "x.arrow")))).code).toBe("FILE_ERR_READ");
  });
});

describe("history store: retention", () => {
  it("deletes old rows per table, keeps the last state per variable, and keeps bookkeeping longer", async () => {
    const { store } = await fresh("retention");
    const now = T0 + 100 * DAY;
    const old = now - 40 * DAY;
    const recent = now - 2 * DAY;
    await store.writeSignals([signal("a01", "meltTempC", old, 1), signal("a01", "meltTempC", recent, 2)]);
    await store.writeCycles([
      cycle("a01", 1, { sourceTimeMs: old }),
      cycle("a01", 2, { sourceTimeMs: now - 20 * DAY }),
      cycle("a01", 3, { sourceTimeMs: recent }),
    ]);
    await store.writeEvents([
      { press: "a01", sourceTimeMs: old, kind: "alarm", severity: 1, message: "old" },
      { press: "a01", sourceTimeMs: recent, kind: "alarm", severity: 1, message: "new" },
    ]);
    await store.writeStates([
      { press: "a01", sourceTimeMs: old - DAY, variable: "MachineMode", value: "SETUP" },
      { press: "a01", sourceTimeMs: old, variable: "MachineMode", value: "AUTOMATIC" },
      { press: "a01", sourceTimeMs: recent, variable: "ProductionStatus", value: "PRODUCTION" },
    ]);
    const gap = (t: number): GapRecord => ({
      press: "a01",
      fromCounter: 1,
      toCounter: 3,
      missingCycles: 1,
      fromTimeMs: t - 1000,
      toTimeMs: t,
      reason: "server down",
    });
    await store.writeGaps([gap(old), gap(now - 60 * DAY)]);
    await store.writeQuarantine([
      { press: "a01", signal: "x", sourceTimeMs: now - 60 * DAY, receivedTimeMs: now, raw: "?", reason: "bad" },
    ]);

    // Signals only: bookkeeping stays (cycles and events have no retention, so the gaps may still explain them).
    expect(await store.applyRetention({ signalsDays: 7, nowMs: now })).toEqual({
      signals: 1,
      parts: 0,
      cycles: 0,
      events: 0,
      states: 0,
      quarantine: 0,
      gaps: 0,
    });
    // Every table: cycles older than 30 days go with their part ids; the superseded SETUP state goes, the last
    // MachineMode before the cut stays; bookkeeping goes only beyond the longest retention (45 days here).
    expect(
      await store.applyRetention({ signalsDays: 7, cyclesDays: 30, eventsDays: 10, bookkeepingDays: 45, nowMs: now }),
    ).toEqual({
      signals: 0,
      parts: 2,
      cycles: 1,
      events: 1,
      states: 1,
      quarantine: 1,
      gaps: 1,
    });
    expect(await store.counts()).toMatchObject({
      signals: 1,
      cycles: 2,
      parts: 4,
      events: 1,
      states: 2,
      gaps: 1,
      quarantine: 0,
    });
    expect(await store.trace("a01-1-1")).toBeNull();
    expect((await store.trace("a01-2-1"))!.states).toEqual([
      { variable: "MachineMode", value: "AUTOMATIC", sinceMs: old },
    ]);
    expect((await codeOf(store.applyRetention({ signalsDays: -1 }))).details[0]!.field).toBe("signalsDays");
  });
});

describe("history store: the file", () => {
  it("keeps everything across close and reopen, read-only too, and refuses writes when read-only", async () => {
    const file = join(dir, "reopen", "history.duckdb");
    let store = await openStore(file);
    await store.writeCycles([cycle("a01", 1), cycle("a01", 2)]);
    await store.writeSignals([signal("a01", "meltTempC", T0, 230)]);
    await store.close();

    store = await openStore(file);
    expect(await store.counts()).toMatchObject({ cycles: 2, parts: 4, signals: 1 });
    expect((await store.trace("a01-2-1"))!.cycle.jobCycleCounter).toBe(2);
    // Cycle ids continue after the stored ones and a replay is still recognised after the restart.
    expect(await store.writeCycles([cycle("a01", 2), cycle("a01", 3)])).toEqual({ written: 1, skipped: 1 });
    await store.close();

    store = await openStore(file, { readOnly: true });
    expect(await store.counts()).toMatchObject({ cycles: 3, parts: 6 });
    expect((await codeOf(store.writeSignals([signal("a01", "x", T0, 1)]))).code).toBe("TWIN_ERR_VALIDATION");
    await store.close();
    expect((await codeOf(store.counts())).code).toBe("INTERNAL_ERR");
  });

  it("refuses a missing file for reading and a file that is not a store", async () => {
    expect((await codeOf(openStore(join(dir, "missing.duckdb"), { readOnly: true }))).code).toBe("FILE_ERR_READ");
    const junk = join(dir, "junk.duckdb");
    writeFileSync(junk, "this is not a database");
    expect((await codeOf(openStore(junk))).code).toBe("FILE_ERR_READ");
  });

  it("works in memory too", async () => {
    const store = await openStore(":memory:");
    await store.writeCycles([cycle("a01", 1)]);
    expect((await store.trace("a01-1-1"))!.press).toBe("a01");
    await store.close();
  });
});

describe("history store: concurrent writers", () => {
  it("lands every row from 3 presses writing at once, group-committed", async () => {
    const { store } = await fresh("concurrent");
    const presses = ["a01", "a02", "a03"];
    const calls: Promise<unknown>[] = [];
    for (const press of presses) {
      for (let b = 0; b < 20; b++) {
        const cycles = Array.from({ length: 10 }, (_, k) => cycle(press, b * 10 + k));
        calls.push(store.writeCycles(cycles));
        calls.push(store.writeSignals(cycles.map((c) => signal(press, "meltTempC", c.sourceTimeMs - 1000, 230))));
      }
    }
    // A bad batch among them fails alone.
    const bad = codeOf(store.writeSignals([signal("a01", "meltTempC", T0, Number.NaN)]));
    await Promise.all(calls);
    expect((await bad).code).toBe("TWIN_ERR_VALIDATION");
    expect(await store.counts()).toMatchObject({ cycles: 600, parts: 1200, signals: 600 });
    for (const press of presses) {
      expect((await store.cycles(press, T0, T0 + DAY)).map((c) => c.jobCycleCounter)).toEqual(
        Array.from({ length: 200 }, (_, i) => i),
      );
      expect(await store.lastCycle(press)).toMatchObject({ jobCycleCounter: 199 });
    }
    const transactions = (store as unknown as { transactions: number }).transactions;
    expect(transactions).toBeLessThan(calls.length);
  });
});

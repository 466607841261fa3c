import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { DataType, DataValue, StatusCodes, Variant, VariantArrayType } from "node-opcua";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CYCLE_EVENT_FIELDS, INJECTION_UNIT_FIELDS } from "../../adapters/opcua/euromap77.ts";
import { classifyCycle, classifySignal, classifyState } from "../../adapters/opcua/ingest.ts";
import {
  type CycleRecord,
  type GapRecord,
  type HistoryStore,
  openStore,
  type QuarantinedValue,
  type SignalSample,
  type StateChange,
  type StoreEvent,
} from "../../adapters/store/historyStore.ts";
import {
  validateCycles,
  validateEvents,
  validateQuarantine,
  validateSignals,
  validateStates,
} from "../../adapters/store/validate.ts";
import { expectCodedError, nastyNumber, nastyString, nastyValue, runs, Tally } from "./arbitraries.ts";

/**
 * OPC UA values (issue 9, "bad input"): what the ingest makes of any DataValue — every data type, NaN, ±Infinity,
 * huge numbers, null, arrays, bad and uncertain status codes, odd source timestamps — and of any cycle event. Every
 * value becomes a finite sample the store accepts, or a quarantined value with a reason the store accepts (so one bad
 * value can never get a whole flush refused); classification never throws. Then the store's own validation: bad
 * batches are refused with a coded error and nothing already stored is lost; a good batch still writes afterwards.
 */

const tally = new Tally();
const T0 = Date.UTC(2026, 0, 5, 6);

// ---------------------------------------------------------------------------------------------------------------
// Variants and DataValues

const DATA_TYPES = Object.values(DataType).filter((v): v is number => typeof v === "number");

const int64 = fc.tuple(
  fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), nastyNumber),
  fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), nastyNumber, nastyString),
);
const scalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(nastyNumber, fc.double({ min: -100, max: 700 }), fc.integer({ min: 0, max: 1e6 })) },
  { weight: 2, arbitrary: int64 },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: nastyString },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: false }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, { text: "x" }, { locale: "en", text: 5 }) },
  { weight: 1, arbitrary: nastyValue },
);
const variantValue = fc.oneof(
  { weight: 5, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.double(), { maxLength: 4 }).map((a) => Float64Array.from(a)) },
  { weight: 1, arbitrary: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 6 }).map((a) => Int32Array.from(a)) },
);

/**
 * A Variant as node-opcua builds it when the value fits the type; when the constructor refuses the pair, one with
 * the fields set anyway (a decoder quirk or a server bug), so the classifier sees every combination.
 */
const variant: fc.Arbitrary<Variant> = fc
  .record({
    dataType: fc.constantFrom(...DATA_TYPES),
    arrayType: fc.constantFrom(VariantArrayType.Scalar, VariantArrayType.Scalar, VariantArrayType.Array),
    value: variantValue,
  })
  .map(({ dataType, arrayType, value }) => {
    try {
      return new Variant({ dataType, arrayType, value });
    } catch {
      const v = new Variant();
      Object.assign(v, { dataType, arrayType, value });
      return v;
    }
  });

const STATUS = [
  StatusCodes.Good,
  StatusCodes.Good,
  StatusCodes.Good,
  StatusCodes.GoodClamped,
  StatusCodes.UncertainLastUsableValue,
  StatusCodes.UncertainSensorNotAccurate,
  StatusCodes.Bad,
  StatusCodes.BadSensorFailure,
  StatusCodes.BadCommunicationError,
  StatusCodes.BadOutOfRange,
];
const timestamp = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3_600_000, max: 3_600_000 }).map((d) => new Date(T0 + d)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      null,
      new Date(Number.NaN),
      new Date(Date.UTC(1601, 0, 1)),
      new Date(0),
      new Date(-1),
      new Date(Date.UTC(2100, 0, 1)),
      new Date(8.64e15),
    ),
  },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: false }) },
);
/** What a press mostly sends: a number of a numeric type, good, time-stamped now. */
const plausible: fc.Arbitrary<Variant> = fc
  .tuple(
    fc.constantFrom(DataType.Double, DataType.Float, DataType.Int32, DataType.UInt32, DataType.Int16),
    fc.integer({ min: 0, max: 600 }),
  )
  .map(([dataType, value]) => new Variant({ dataType, value }));
const dataValue: fc.Arbitrary<DataValue> = fc
  .record({
    value: fc.oneof(variant, plausible),
    status: fc.oneof(fc.constant(StatusCodes.Good), fc.constantFrom(...STATUS)),
    source: timestamp,
  })
  .map(({ value, status, source }) => {
    // Fields set after construction: DataValue's constructor re-checks the Variant, a decoder does not.
    const dv = new DataValue({ statusCode: status });
    dv.value = value;
    dv.sourceTimestamp = source;
    return dv;
  });

const signalName = fc.constantFrom(
  "injectionUnit1.zone1.actualTemperatureC",
  "mould1.zone1.actualTemperatureC",
  "powerUnit.actualTemperatureC",
  "jobCycleCounter",
  "jobPartsCounter",
  "lastCycleTimeMs",
);
const received = fc.oneof(fc.constant(T0), fc.integer({ min: T0 - 86_400_000, max: T0 + 86_400_000 }));

/** What the store would do with it: a row it accepts (the validation the store runs before it writes anything). */
function expectStorable<T>(validate: (rows: unknown) => T[], row: T, what: string): void {
  try {
    validate([row]);
  } catch (e) {
    expectCodedError(e);
    throw new Error(`the store refuses the ${what} the ingest made: ${e.message}`, { cause: e });
  }
}

describe("OPC UA ingest: any value is stored finite or quarantined with a reason, never thrown", () => {
  it("signals (classifySignal)", () => {
    fc.assert(
      fc.property(signalName, dataValue, received, (signal, dv, now) => {
        const out = classifySignal("a01", signal, dv, now);
        if ("sample" in out) {
          expect(Number.isFinite(out.sample.value)).toBe(true);
          expect(dv.statusCode.isNotGood()).toBe(false);
          expectStorable(validateSignals, out.sample, "sample");
          tally.add("signal", "stored");
        } else {
          expect(out.quarantined.reason.length).toBeGreaterThan(0);
          expectStorable(validateQuarantine, out.quarantined, "quarantined value");
          tally.add("signal", "quarantined");
        }
      }),
      runs(400),
    );
    expect(tally.get("signal", "stored")).toBeGreaterThan(20);
    expect(tally.get("signal", "quarantined")).toBeGreaterThan(20);
  });

  it("state variables (classifyState)", () => {
    const variable = fc.constantFrom("machineMode", "productionStatus", "jobStatus", "isPresent", "standstillReasonId");
    fc.assert(
      fc.property(variable, dataValue, received, (name, dv, now) => {
        const out = classifyState("a01", name, dv, now);
        if (out === null) {
          expect(dv.statusCode.isNotGood()).toBe(true);
          return;
        }
        if ("quarantined" in out) {
          expect(out.quarantined.reason.length).toBeGreaterThan(0);
          expectStorable(validateQuarantine, out.quarantined, "quarantined state");
          tally.add("state", "quarantined");
          return;
        }
        expectStorable(validateStates, out.state, "state change");
        if (out.event) expectStorable(validateEvents, out.event, "event");
        tally.add("state", "stored");
      }),
      runs(300),
    );
    expect(tally.get("state", "stored")).toBeGreaterThan(20);
  });

  it("cycle events (classifyCycle): a record the store accepts, or a quarantined event", () => {
    const counter = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.integer({ min: 0, max: 1e6 }).map((n) => new Variant({ dataType: DataType.UInt32, value: n })),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 0xffffffff }))
          .map(
            ([hi, lo]) =>
              new Variant({ dataType: DataType.UInt64, arrayType: VariantArrayType.Scalar, value: [hi, lo] }),
          ),
      },
      { weight: 2, arbitrary: variant },
    );
    const good: Record<string, fc.Arbitrary<Variant>> = {
      CycleTime: fc.integer({ min: 0, max: 60_000 }).map((n) => new Variant({ dataType: DataType.Double, value: n })),
      CycleQuality: fc.integer({ min: 0, max: 3 }).map((n) => new Variant({ dataType: DataType.Int32, value: n })),
      JobName: fc.constantFrom("JOB-7", "").map((s) => new Variant({ dataType: DataType.String, value: s })),
      CurrentLotName: fc.constantFrom("LOT-3").map((s) => new Variant({ dataType: DataType.String, value: s })),
      JobCycleCounter: counter,
      PartId: fc
        .array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 4 })
        .map((a) => new Variant({ dataType: DataType.String, arrayType: VariantArrayType.Array, value: a })),
      CavityCycleQuality: fc
        .array(fc.integer({ min: 0, max: 3 }), { maxLength: 4 })
        .map((a) => new Variant({ dataType: DataType.Int32, arrayType: VariantArrayType.Array, value: a })),
    };
    const field = (name: string): fc.Arbitrary<Variant> =>
      fc.oneof({ weight: 3, arbitrary: good[name] ?? variant }, { weight: 1, arbitrary: variant });
    const fields = fc
      .tuple(
        fc.tuple(...CYCLE_EVENT_FIELDS.map(field)),
        fc.tuple(...INJECTION_UNIT_FIELDS.map(() => variant)),
        fc.oneof(
          timestamp.map((t) => new Variant({ dataType: DataType.DateTime, value: t })),
          variant,
        ),
        fc.integer({ min: -3, max: 2 }),
      )
      .map(([event, unit, time, cut]) => {
        const all = [...event, ...unit, time];
        return cut < 0 ? all.slice(0, cut) : [...all, ...Array.from({ length: cut }, () => new Variant())];
      });
    fc.assert(
      fc.property(fields, fc.constantFrom(0, 1), received, (f, units, now) => {
        const out = classifyCycle("a01", f, units, now);
        if ("cycle" in out) {
          expectStorable(validateCycles, out.cycle, "cycle");
          tally.add("cycle", "stored");
        } else {
          expect(out.quarantined.reason.length).toBeGreaterThan(0);
          expectStorable(validateQuarantine, out.quarantined, "quarantined cycle");
          tally.add("cycle", "quarantined");
        }
      }),
      runs(400),
    );
    expect(tally.get("cycle", "stored")).toBeGreaterThan(20);
    expect(tally.get("cycle", "quarantined")).toBeGreaterThan(20);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The history store's validation

const goodCycle = (i: number): CycleRecord => ({
  press: "a01",
  sourceTimeMs: T0 + i * 20_000,
  receivedTimeMs: T0 + i * 20_000 + 40,
  jobName: "JOB-7",
  lotName: "LOT-3",
  materialLot: "PP-2611",
  jobCycleCounter: i,
  machineCycleCounter: 5000 + i,
  cycleTimeS: 19.5,
  cycleQuality: "GOOD_CYCLE",
  injectionTimeS: 1.25,
  dosingTimeS: 4.5,
  cushionCm3: 3.2,
  peakSpecificPressureBar: 880,
  plastificationVolumeCm3: 38.5,
  partIds: [`a01-${i}-1`, `a01-${i}-2`],
  cavityQuality: ["GOOD_PART", "BAD_PART"],
  values: { holdPressureBar: 500 + i },
});
const goodRows = {
  cycles: (i: number) => goodCycle(i),
  signals: (i: number): SignalSample => ({
    press: "a01",
    signal: "meltTempC",
    sourceTimeMs: T0 + i,
    receivedTimeMs: T0 + i + 5,
    value: 231.5,
  }),
  states: (i: number): StateChange => ({
    press: "a01",
    sourceTimeMs: T0 + i,
    variable: "machineMode",
    value: "AUTOMATIC",
  }),
  events: (i: number): StoreEvent => ({
    press: "a01",
    sourceTimeMs: T0 + i,
    kind: "alarm",
    severity: 700,
    message: "hot",
  }),
  quarantine: (i: number): QuarantinedValue => ({
    press: "a01",
    signal: "meltTempC",
    sourceTimeMs: T0 + i,
    receivedTimeMs: T0 + i,
    raw: "NaN",
    reason: "not a finite number",
  }),
  gaps: (i: number): GapRecord => ({
    press: "a01",
    fromCounter: i,
    toCounter: i + 3,
    missingCycles: 2,
    fromTimeMs: T0 + i,
    toTimeMs: T0 + i + 60_000,
    reason: "counter jumped",
  }),
} as const;
type Table = keyof typeof goodRows;
const TABLES = Object.keys(goodRows) as Table[];

function write(store: HistoryStore, table: Table, rows: unknown): Promise<unknown> {
  switch (table) {
    case "cycles":
      return store.writeCycles(rows as CycleRecord[]);
    case "signals":
      return store.writeSignals(rows as SignalSample[]);
    case "states":
      return store.writeStates(rows as StateChange[]);
    case "events":
      return store.writeEvents(rows as StoreEvent[]);
    case "quarantine":
      return store.writeQuarantine(rows as QuarantinedValue[]);
    case "gaps":
      return store.writeGaps(rows as GapRecord[]);
  }
}

/** Values no row field takes: wrong types, non-finite and out-of-range numbers, and strings no column can hold. */
const badValue = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -1,
    1.5,
    2 ** 60,
    -8.64e15,
    undefined,
    "",
    "x".repeat(70_000),
    {},
    [],
    [Number.NaN],
    true,
  ),
  nastyValue,
);

describe("history store: bad batches are refused whole with a coded error, nothing stored is lost", () => {
  let dir: string;
  let store: HistoryStore;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "moldtwin-fuzz-store-"));
    store = await openStore(join(dir, "history.duckdb"), { threads: 1 });
  });
  afterAll(async () => {
    if (process.env.FUZZ_STATS) console.log(`opcua/store fuzz outcomes\n${tally}`);
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("random bad batches: refused (counts unchanged), or written in full; a good batch still writes", async () => {
    let next = 1000;
    for (const t of TABLES) await write(store, t, [goodRows[t](1), goodRows[t](2)]);
    let expected = await store.counts();
    expect(expected).toMatchObject({ cycles: 2, parts: 4, signals: 2, states: 2, events: 2, quarantine: 2, gaps: 2 });

    // An edit of one field of the row (`field` picks among the row's own fields), sometimes of an unknown one.
    const edit = fc.record({
      row: fc.nat(),
      field: fc.oneof({ weight: 6, arbitrary: fc.nat() }, { weight: 1, arbitrary: fc.string({ maxLength: 6 }) }),
      value: fc.oneof(badValue, nastyString, nastyNumber),
      drop: fc.boolean(),
    });
    const batch = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          table: fc.constantFrom(...TABLES),
          size: fc.integer({ min: 1, max: 5 }),
          edits: fc.array(edit, { minLength: 1, maxLength: 3 }),
        }),
      },
      // Not even rows.
      {
        weight: 1,
        arbitrary: fc.record({
          table: fc.constantFrom(...TABLES),
          size: fc.constant(0),
          edits: fc.constant([]),
          raw: fc.oneof(nastyValue, fc.array(nastyValue, { maxLength: 3 })),
        }),
      },
    );
    await fc.assert(
      fc.asyncProperty(batch, async (b) => {
        let rows: unknown;
        if ("raw" in b) rows = b.raw;
        else {
          const list = Array.from(
            { length: b.size },
            () => ({ ...goodRows[b.table](next++) }) as Record<string, unknown>,
          );
          for (const e of b.edits) {
            const r = list[e.row % list.length]!;
            const keys = Object.keys(r);
            const field = typeof e.field === "number" ? keys[e.field % keys.length]! : e.field;
            if (e.drop) delete r[field];
            else r[field] = e.value;
          }
          rows = list;
        }
        let result: { written: number; skipped: number } | null = null;
        try {
          result = (await write(store, b.table, rows)) as { written: number; skipped: number };
        } catch (e) {
          expectCodedError(e, ["TWIN_ERR_VALIDATION"]);
          tally.add("store", "refused");
        }
        const counts = await store.counts();
        if (result === null) {
          expect(counts, "a refused batch changed the store").toEqual(expected);
          return;
        }
        // A batch that happened to be valid: written whole, nothing else touched.
        tally.add("store", "written");
        expect(counts[b.table]).toBe(expected[b.table]! + result.written);
        for (const t of TABLES) if (t !== b.table) expect(counts[t]).toBe(expected[t]);
        expected = counts;
      }),
      runs(200),
    );
    expect(tally.get("store", "refused")).toBeGreaterThan(100);

    // A good batch still writes, and everything stored before is still there.
    for (const t of TABLES) await write(store, t, [goodRows[t](next++)]);
    const after = await store.counts();
    for (const t of TABLES) expect(after[t], t).toBe(expected[t]! + 1);
    // The first good cycles read back exactly as written.
    const first = await store.cycles("a01", T0 + 20_000, T0 + 40_001);
    expect(first.filter((c) => c.jobName === "JOB-7" && c.lotName === "LOT-3")).toEqual([goodCycle(1), goodCycle(2)]);
  }, 120_000);
});

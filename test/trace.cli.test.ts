import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { beforeAll, describe, expect, it } from "vitest";
import { type CycleRecord, openStore } from "../adapters/store/historyStore.ts";
import { moldtwin } from "./runCli.ts";

const dir = mkdtempSync(join(tmpdir(), "moldtwin-trace-"));
const store = join(dir, "history.duckdb");
const T0 = Date.UTC(2026, 2, 2, 8, 0, 0);

function cycle(press: string, i: number): CycleRecord {
  const t = T0 + i * 12_000;
  return {
    press,
    sourceTimeMs: t,
    receivedTimeMs: t + 30,
    jobName: `JOB-${press}`,
    lotName: "LOT-12",
    materialLot: "PC-2403-A",
    jobCycleCounter: i,
    machineCycleCounter: 90_000 + i,
    cycleTimeS: 11.8,
    cycleQuality: i === 2 ? "BAD_CYCLE" : "GOOD_CYCLE",
    injectionTimeS: 0.9,
    dosingTimeS: 3.1,
    cushionCm3: 2.4,
    peakSpecificPressureBar: 1210,
    plastificationVolumeCm3: 12.5,
    partIds: Array.from({ length: 8 }, (_, k) => `MED-${press}-${String(i).padStart(5, "0")}-${k + 1}`),
    cavityQuality: Array.from({ length: 8 }, (_, k) => (i === 2 && k === 4 ? "BAD_PART" : "GOOD_PART")),
    values: { holdPressureBar: 640, coolingTimeS: 6.5 },
  };
}

beforeAll(async () => {
  const s = await openStore(store);
  await s.writeStates([{ press: "b02", sourceTimeMs: T0 - 60_000, variable: "MachineMode", value: "AUTOMATIC" }]);
  await s.writeSignals([
    { press: "b02", signal: "meltTempC", sourceTimeMs: T0 + 20_000, receivedTimeMs: T0 + 20_050, value: 301.5 },
  ]);
  await s.writeEvents([
    { press: "b02", sourceTimeMs: T0 + 22_000, kind: "alarm", severity: 800, message: "cavity 5 pressure low" },
  ]);
  await s.writeCycles([cycle("b01", 1), cycle("b02", 1), cycle("b02", 2), cycle("b02", 3)]);
  await s.close();
});

describe("moldtwin trace", () => {
  it("prints one part's history as JSON: press, cavity, cycle values, lot, job, quality and the press around it", () => {
    const r = moldtwin("trace", "MED-b02-00002-5", "--store", store, "--json");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      store,
      partId: "MED-b02-00002-5",
      press: "b02",
      cavity: 5,
      partQuality: "BAD_PART",
      occurrences: 1,
    });
    expect(out.cycle).toMatchObject({
      jobName: "JOB-b02",
      lotName: "LOT-12",
      materialLot: "PC-2403-A",
      jobCycleCounter: 2,
      cycleQuality: "BAD_CYCLE",
      cushionCm3: 2.4,
      sourceTimeMs: T0 + 24_000,
      values: { holdPressureBar: 640, coolingTimeS: 6.5 },
    });
    expect(out.cycle.partIds).toHaveLength(8);
    expect(out.states).toEqual([{ variable: "MachineMode", value: "AUTOMATIC", sinceMs: T0 - 60_000 }]);
    expect(out.signals[0]).toMatchObject({ signal: "meltTempC", value: 301.5, ageMs: 4000 });
    expect(out.events[0].message).toBe("cavity 5 pressure low");
  });

  it("prints a readable record for people", () => {
    const r = moldtwin("trace", "MED-b02-00002-5", "--store", store);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("part MED-b02-00002-5: press b02, cavity 5 of 8, BAD_PART");
    expect(r.stdout).toContain("job JOB-b02, job cycle 2, machine cycle 90002");
    expect(r.stdout).toContain("material lot PC-2403-A");
    expect(r.stdout).toMatch(/MachineMode\s+AUTOMATIC/);
    expect(r.stdout).toContain("cavity 5 pressure low");
  });

  it("answers an unknown part id with TWIN_ERR_UNKNOWN_ID and exit code 2, and a missing store with FILE_ERR_READ", () => {
    const r = moldtwin("trace", "MED-b02-99999-1", "--store", store, "--json");
    expect(r.code).toBe(2);
    const err = JSON.parse(r.stdout).error;
    expect(err.code).toBe("TWIN_ERR_UNKNOWN_ID");
    expect(err.details[0]).toMatchObject({ field: "partId", value: "MED-b02-99999-1" });

    const missing = moldtwin("trace", "x", "--store", join(dir, "none.duckdb"), "--json");
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout).error.code).toBe("FILE_ERR_READ");
  });
});

describe("moldtwin store-export and store-retention", () => {
  it("exports a slice of a table as Arrow IPC and applies a retention policy", () => {
    const out = join(dir, "cycles.arrow");
    const r = moldtwin(
      "store-export",
      "--store",
      store,
      "--table",
      "cycles",
      "--out",
      out,
      "--press",
      "b02",
      "--from",
      "2026-03-02T08:00:20Z",
      "--json",
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ table: "cycles", rows: 2 });
    const table = tableFromIPC(readFileSync(out));
    expect(table.numRows).toBe(2);
    expect(table.getChild("job_cycle_counter")!.get(0)).toBe(2n);

    const bad = moldtwin(
      "store-export",
      "--store",
      store,
      "--table",
      "cycles",
      "--out",
      out,
      "--from",
      "yesterday",
      "--json",
    );
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error.details[0].field).toBe("--from");

    const kept = moldtwin(
      "store-retention",
      "--store",
      store,
      "--signals-days",
      "1",
      "--now",
      "2026-03-04T00:00:00Z",
      "--json",
    );
    expect(kept.code).toBe(0);
    expect(JSON.parse(kept.stdout)).toMatchObject({
      deleted: { signals: 1, cycles: 0 },
      remaining: { signals: 0, cycles: 4 },
    });
    const none = moldtwin("store-retention", "--store", store, "--json");
    expect(JSON.parse(none.stdout).error.code).toBe("CLI_ERR_USAGE");
  });
});

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCell, startSimCell } from "../adapters/opcua/cell.ts";
import { type Ingest, startIngest } from "../adapters/opcua/ingest.ts";
import { type HistoryStore, openStore } from "../adapters/store/historyStore.ts";
import { Plant } from "../twin-models/schemas/plant.ts";
import { parse } from "../twin-models/validate.ts";

/**
 * The real OPC UA server (the simulated cell) and the real client (ingest) together, writing to a real DuckDB file:
 * machines found by type, cycles and signals stored, no cycle unaccounted for across a server restart (stored, or
 * counted in a gap), bad values quarantined, and SignAndEncrypt with a user.
 */

const plant = parse(
  Plant,
  JSON.parse(readFileSync(new URL("../seeds/case-a-automotive.json", import.meta.url), "utf8")),
  "plant",
);
const dir = mkdtempSync(join(tmpdir(), "moldtwin-opcua-"));
const PORT = 48_600 + (Number(process.env.VITEST_POOL_ID ?? 0) % 50) * 3;
const PRESSES = ["a01", "a13", "a18"];

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe("simulated cell + ingest + history store", () => {
  let cell: SimCell;
  let store: HistoryStore;
  let ingest: Ingest;

  beforeAll(async () => {
    cell = await startSimCell({
      plant,
      port: PORT,
      presses: PRESSES,
      timeScale: 0.02,
      signalPeriodMs: 100,
      pkiDir: join(dir, "pki-server"),
    });
    store = await openStore(join(dir, "history.duckdb"));
    ingest = await startIngest({ endpoints: [cell.endpointUrl], sink: store, pkiDir: join(dir, "pki-client") });
  }, 60_000);

  afterAll(async () => {
    await ingest?.stop();
    await cell?.stop();
    await store?.close();
  });

  it("finds the presses by type (IMM_MES_InterfaceType under DeviceSet) and their signals", () => {
    expect(ingest.presses.map((p) => p.press).sort()).toEqual(PRESSES);
    for (const p of ingest.presses) {
      expect(p.browseName).toBe(`IMM_Moldtwin_${p.press}`);
      expect(p.signals).toContain("jobCycleCounter");
      expect(p.signals).toContain("InjectionUnit_1.TemperatureZone_1.actualTemperatureC");
    }
  });

  it("stores every cycle event with its values and part ids, traceable", async () => {
    await until("10 cycles per press", async () => {
      await ingest.flush();
      const rows = await Promise.all(PRESSES.map((p) => store.cycles(p, 0, Date.now() + 1000)));
      return rows.every((r) => r.length >= 10);
    });
    const cycles = await store.cycles("a01", 0, Date.now() + 1000);
    const c = cycles[0]!;
    expect(c.jobName).toBe("JOB-A01-CLIP-4CAV-AUTO");
    expect(c.partIds).toHaveLength(4);
    expect(c.cycleTimeS!).toBeGreaterThan(6);
    expect(c.peakSpecificPressureBar!).toBeGreaterThan(50);
    expect(c.injectionTimeS!).toBeGreaterThan(0);
    // Counters are contiguous while nothing goes wrong.
    for (let k = 1; k < cycles.length; k++) expect(cycles[k]!.jobCycleCounter).toBe(cycles[k - 1]!.jobCycleCounter + 1);
    const t = await store.trace(c.partIds[2]!);
    expect(t).not.toBeNull();
    expect(JSON.stringify(t)).toContain("a01");
  });

  it("quarantines bad values with the reason, and stores the good ones", async () => {
    cell.injectFault("a13", "sensor");
    await until("quarantined zone values", async () => {
      await ingest.flush();
      return (await store.counts()).quarantine! >= 2;
    });
    cell.injectFault("a13", "sensor", false);
    const s = ingest.stats();
    expect(s.quarantined).toBeGreaterThanOrEqual(2);
    expect((await store.counts()).signals!).toBeGreaterThan(50);
  });

  it("logs a press going offline and back as events, and its unannounced cycles as a gap", async () => {
    const gapsBefore = ingest.gaps().filter((g) => g.press === "a18").length;
    cell.injectFault("a18", "offline");
    await new Promise((r) => setTimeout(r, 1500));
    cell.injectFault("a18", "offline", false);
    await until("absent and present events, and a gap", async () => {
      await ingest.flush();
      return (await store.counts()).events! >= 2 && ingest.gaps().filter((g) => g.press === "a18").length > gapsBefore;
    });
    expect(ingest.stats().events).toBeGreaterThanOrEqual(2);
  });

  it("loses no cycle across a server restart: the cycles made while it was down are reported as a gap", async () => {
    const before = ingest.stats().reconnections;
    await cell.restartServer(1500);
    await until("reconnection", () => ingest.stats().reconnections > before, 30_000);
    await until(
      "cycles after the restart",
      async () => {
        await ingest.flush();
        return ingest.stats().gaps >= PRESSES.length;
      },
      30_000,
    );
    await new Promise((r) => setTimeout(r, 500));
    await ingest.flush();
    const gaps = (await store.counts()).gaps!;
    expect(gaps).toBeGreaterThanOrEqual(PRESSES.length);
    for (const press of PRESSES) {
      const cycles = await store.cycles(press, 0, Date.now() + 1000);
      const first = cycles[0]!.jobCycleCounter;
      const last = cycles[cycles.length - 1]!.jobCycleCounter;
      const stored = new Set(cycles.map((c) => c.jobCycleCounter));
      expect(stored.size).toBe(cycles.length);
      // Every counter from the first to the last is either a stored cycle or inside a recorded gap — exactly.
      const missing = ingest
        .gaps()
        .filter((g) => g.press === press)
        .reduce((a, g) => a + g.missingCycles, 0);
      expect(missing).toBeGreaterThan(0);
      expect(stored.size + missing).toBe(last - first + 1);
    }
  }, 90_000);
});

describe("a press without EUROMAP 77, through a tag map", () => {
  it("stores its mapped signals and a cycle per shot-counter increment", async () => {
    const cell = await startSimCell({
      plant,
      port: PORT + 2,
      presses: ["a02"],
      timeScale: 0.02,
      signalPeriodMs: 100,
      pkiDir: join(dir, "pki-tag-server"),
    });
    const store = await openStore(":memory:");
    try {
      // The node ids a legacy controller would publish (here: the simulator's own, used as plain tags).
      const ns = "ns=1;s=a02";
      const ingest = await startIngest({
        endpoints: [],
        tagMap: {
          presses: [
            {
              press: "legacy-7",
              endpoint: cell.endpointUrl,
              jobName: "JOB-LEGACY",
              cycleCounter: `${ns}-Jobs-ActiveJobValues-JobCycleCounter`,
              cycleTimeMs: `${ns}-Jobs-ActiveJobValues-LastCycleTime`,
              partsPerCycle: 4,
              signals: { "barrel.zone1.actualTemperatureC": `${ns}-Zone_1-ActualTemperature` },
            },
          ],
        },
        sink: store,
        pkiDir: join(dir, "pki-tag-client"),
      });
      expect(ingest.presses.map((p) => p.press)).toEqual(["legacy-7"]);
      await until("5 counted cycles", async () => {
        await ingest.flush();
        return (await store.cycles("legacy-7", 0, Date.now() + 1000)).length >= 5;
      });
      const cycles = await store.cycles("legacy-7", 0, Date.now() + 1000);
      for (let k = 1; k < cycles.length; k++)
        expect(cycles[k]!.jobCycleCounter).toBeGreaterThan(cycles[k - 1]!.jobCycleCounter);
      expect(ingest.stats().signals).toBeGreaterThan(3);
      await ingest.stop();
    } finally {
      await cell.stop();
      await store.close();
    }
  }, 60_000);
});

describe("SignAndEncrypt (Basic256Sha256) with a user", () => {
  it("lets the right user in and keeps the wrong one out", async () => {
    const cell = await startSimCell({
      plant,
      port: PORT + 1,
      presses: ["a01"],
      timeScale: 0.05,
      security: "sign-and-encrypt",
      users: [{ user: "mes", password: "s3cret" }],
      pkiDir: join(dir, "pki-secure-server"),
    });
    const store = await openStore(":memory:");
    try {
      const ok = await startIngest({
        endpoints: [cell.endpointUrl],
        sink: store,
        security: "sign-and-encrypt",
        user: { user: "mes", password: "s3cret" },
        pkiDir: join(dir, "pki-secure-client"),
      });
      expect(ok.presses.map((p) => p.press)).toEqual(["a01"]);
      await ok.stop();
      await expect(
        startIngest({
          endpoints: [cell.endpointUrl],
          sink: store,
          security: "sign-and-encrypt",
          user: { user: "mes", password: "wrong" },
          pkiDir: join(dir, "pki-secure-client"),
        }),
      ).rejects.toThrow();
    } finally {
      await cell.stop();
      await store.close();
    }
  }, 60_000);
});

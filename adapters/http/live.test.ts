import { describe, expect, it } from "vitest";
import { simulateShot } from "../../engine/molding/simulateShot.ts";
import { standardNormal } from "../../engine/sweep/random.ts";
import { resolveTwin } from "../../twin-models/resolve.ts";
import { loadPlant } from "../plantFile.ts";
import type { CycleRecord, HistoryStore } from "../store/historyStore.ts";
import { CALIBRATE_AFTER, LiveHub } from "./live.ts";

const plant = loadPlant();
const press = plant.cells[0]!.presses[0]!; // a01: 4-cavity clip
const shot = simulateShot(
  resolveTwin({ material: press.material, machine: press.machine, mold: press.mold }),
  press.settings,
);

/** A store that accepts everything: the hub is tested on what passes through the tee. */
const nullStore = {
  writeCycles: async () => ({ written: 0, skipped: 0 }),
  writeSignals: async () => ({ written: 0, skipped: 0 }),
  writeStates: async () => ({ written: 0, skipped: 0 }),
  writeQuarantine: async () => ({ written: 0, skipped: 0 }),
  writeGaps: async () => ({ written: 0, skipped: 0 }),
  writeEvents: async () => ({ written: 0, skipped: 0 }),
  lastCycle: async () => null,
} as unknown as HistoryStore;

function cycle(n: number, atMs: number, o: { pressureFactor?: number; bad?: number } = {}): CycleRecord {
  // The press as its twin predicts, with 0.5 % measurement noise (deterministic).
  const noise = (k: number): number => 1 + 0.005 * standardNormal(42, n, k, 0);
  const bad = o.bad ?? 0;
  return {
    press: press.id,
    sourceTimeMs: atMs,
    receivedTimeMs: atMs + 50,
    jobName: "J",
    lotName: null,
    materialLot: null,
    jobCycleCounter: n,
    machineCycleCounter: n,
    cycleTimeS: shot.cycle.cycleTimeS * noise(1),
    cycleQuality: bad ? "BAD_CYCLE" : "GOOD_CYCLE",
    injectionTimeS: shot.fill.fillTimeS * noise(2),
    dosingTimeS: null,
    cushionCm3: 2,
    peakSpecificPressureBar: shot.fill.peakInjectionPressureMPa * 10 * (o.pressureFactor ?? 1) * noise(3),
    plastificationVolumeCm3: null,
    partIds: ["1", "2", "3", "4"].map((c) => `${n}-${c}`),
    cavityQuality: ["GOOD_PART", "GOOD_PART", "GOOD_PART", "GOOD_PART"].map((q, i) => (i < bad ? "BAD_PART" : q)),
    values: {},
  };
}

describe("live hub", () => {
  it("derives the status from cycles, standstills, quarantine and presence", async () => {
    const t0 = 1_800_000_000_000;
    const hub = new LiveHub([plant], { nowMs: t0 });
    const sink = hub.tee(nullStore);
    expect(hub.live(press.id, t0)!.status).toBe("offline"); // nothing heard yet
    await sink.writeCycles([cycle(1, t0)]);
    expect(hub.live(press.id, t0 + 1000)!.status).toBe("producing");
    // No cycle for 3 cycle times + 5 s: idle.
    expect(hub.live(press.id, t0 + 3 * shot.cycle.cycleTimeS * 1000 + 6000)!.status).toBe("idle");
    await sink.writeStates([
      { press: press.id, sourceTimeMs: t0 + 10, variable: "standstillReasonId", value: "ST-MOULD" },
    ]);
    expect(hub.live(press.id, t0 + 1000)!.status).toBe("maintenance");
    await sink.writeStates([{ press: press.id, sourceTimeMs: t0 + 20, variable: "standstillReasonId", value: "" }]);
    await sink.writeQuarantine([
      {
        press: press.id,
        signal: "zone3",
        sourceTimeMs: t0 + 30,
        receivedTimeMs: t0 + 40,
        raw: "2000",
        reason: "range",
      },
    ]);
    expect(hub.live(press.id, t0 + 1000)!.status).toBe("alarm");
    expect(hub.live(press.id, t0 + 1000)!.alerts).toBe(1);
    expect(hub.live(press.id, t0 + 61_000)!.status).not.toBe("alarm"); // the alarm holds 60 s
    await sink.writeStates([{ press: press.id, sourceTimeMs: t0 + 50, variable: "isPresent", value: "false" }]);
    expect(hub.live(press.id, t0 + 1000)!.status).toBe("offline");
  });

  it("computes OEE as availability × performance × quality in press time, at any time scale", async () => {
    const t0 = 1_800_000_000_000;
    const timeScale = 0.1; // 10× speed: 10 wall seconds are 100 press seconds
    const hub = new LiveHub([plant], { nowMs: t0, timeScale });
    const sink = hub.tee(nullStore);
    const cycleWallMs = shot.cycle.cycleTimeS * 1000 * timeScale;
    // 20 cycles at the predicted cycle time, one part in four bad on every 5th cycle.
    hub.tick(t0);
    for (let n = 1; n <= 20; n++) {
      const at = t0 + n * cycleWallMs;
      await sink.writeCycles([cycle(n, at, n % 5 === 0 ? { bad: 1 } : {})]);
      hub.tick(at);
    }
    const k = hub.kpis(press.id)!;
    expect(k.goodParts).toBe(76);
    expect(k.badParts).toBe(4);
    expect(k.yield).toBeCloseTo(0.95, 12);
    // Producing throughout (the first tick only starts the clock): availability 1; observed time in press seconds.
    expect(k.availability).toBe(1);
    expect(k.observedS).toBeCloseTo(20 * shot.cycle.cycleTimeS, 6);
    // 20 cycles observed over 20 cycle times; noise on the reported cycle time does not enter P.
    expect(k.performance).toBeCloseTo(1, 6);
    expect(k.oee).toBeCloseTo(0.95, 6);
    // Energy: the twin's per-shot energy at the recorded cycle times.
    expect(k.energyKWh / 20).toBeCloseTo(shot.energy.perShotKWh, 2);
  });

  it("calibrates after 30 cycles, then raises a drift alert when peak pressure shifts", async () => {
    const t0 = 1_800_000_000_000;
    const hub = new LiveHub([plant], { nowMs: t0 });
    const sink = hub.tee(nullStore);
    let n = 0;
    for (; n < CALIBRATE_AFTER; n++) await sink.writeCycles([cycle(n + 1, t0 + n * 7000)]);
    const c = hub.calibration(press.id);
    expect(c.status).toMatch(/calibrated on 30 cycles/);
    expect(c.fitted.length).toBeGreaterThan(0);
    // 30 more in control: no alert.
    for (; n < 2 * CALIBRATE_AFTER; n++) await sink.writeCycles([cycle(n + 1, t0 + n * 7000)]);
    expect(hub.alerts(press.id)).toEqual([]);
    // A 5 % rise in peak pressure (a sagging heater band makes the melt stiffer): CUSUM alerts within a few cycles.
    let alertAt = -1;
    for (let k = 0; k < 40 && alertAt < 0; k++, n++) {
      await sink.writeCycles([cycle(n + 1, t0 + n * 7000, { pressureFactor: 1.05 })]);
      if (hub.alerts(press.id).some((a) => a.message.startsWith("drift: peakInjectionPressureMPa up"))) alertAt = k;
    }
    expect(alertAt).toBeGreaterThanOrEqual(0);
    expect(alertAt).toBeLessThan(10);
    expect(hub.live(press.id, t0 + n * 7000)!.status).toBe("alarm");
  });
});

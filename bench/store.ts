/**
 * History store benchmark (npm run bench). Prints figures; never asserts on time. Deterministic data.
 *
 * 20 presses × 12,500 cycles = 250,000 cycles with 4 cavities each = 1,000,000 part ids, plus 4 signal samples
 * per cycle (1,000,000 rows) and a state change every 500 cycles, written the way the OPC UA client does: every
 * press calls the store concurrently with its own batches (100 cycles), the store serialises and group-commits
 * them. Then: file size, a replay of already-stored cycles (idempotent, all skipped), `trace` latency p50/p99 over
 * 1,000 random part ids on the reopened file (the first, cold trace reported apart), and an Arrow export of the
 * cycles table.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CycleRecord, openStore, type SignalSample } from "../adapters/store/historyStore.ts";

const PRESSES = 20;
const CYCLES_PER_PRESS = 12_500;
const CAVITIES = 4;
const BATCH = 100;
const SIGNALS = ["meltTempC", "moldTempC", "oilTempC", "injectionPressureBar"];
const T0 = Date.UTC(2026, 0, 5, 6);
const CYCLE_MS = 20_000;

const press = (p: number): string => `a${String(p + 1).padStart(2, "0")}`;
const partId = (p: number, i: number, k: number): string => `${press(p)}-${String(i).padStart(7, "0")}-${k + 1}`;

function cycle(p: number, i: number): CycleRecord {
  const t = T0 + i * CYCLE_MS + p * 37;
  return {
    press: press(p),
    sourceTimeMs: t,
    receivedTimeMs: t + 40,
    jobName: `JOB-${press(p)}-${Math.floor(i / 5000)}`,
    lotName: `LOT-${Math.floor(i / 1000)}`,
    materialLot: `PP-${Math.floor(i / 2500)}`,
    jobCycleCounter: i % 5000,
    machineCycleCounter: 100_000 + i,
    cycleTimeS: 19.8 + (i % 7) * 0.01,
    cycleQuality: i % 97 === 0 ? "BAD_CYCLE" : "GOOD_CYCLE",
    injectionTimeS: 1.21,
    dosingTimeS: 4.4,
    cushionCm3: 3 + (i % 13) * 0.01,
    peakSpecificPressureBar: 880 + (i % 11),
    plastificationVolumeCm3: 38.5,
    partIds: Array.from({ length: CAVITIES }, (_, k) => partId(p, i, k)),
    cavityQuality: Array.from({ length: CAVITIES }, (_, k) => (i % 97 === 0 && k === 0 ? "BAD_PART" : "GOOD_PART")),
    values: { holdPressureBar: 500 + (i % 5), holdTimeS: 6, coolingTimeS: 9, meltCushionMinCm3: 2.9 },
  };
}

function signals(p: number, i: number): SignalSample[] {
  const t = T0 + i * CYCLE_MS + p * 37 - 5_000;
  return SIGNALS.map((signal, s) => ({
    press: press(p),
    signal,
    sourceTimeMs: t + s,
    receivedTimeMs: t + s + 30,
    value: 200 + s * 10 + (i % 17) * 0.1,
  }));
}

const quantile = (sorted: number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

const dir = mkdtempSync(join(tmpdir(), "moldtwin-bench-store-"));
const file = join(dir, "history.duckdb");
console.log(`history store bench: ${PRESSES} presses × ${CYCLES_PER_PRESS} cycles × ${CAVITIES} cavities → ${file}`);

let store = await openStore(file);
const started = performance.now();
await Promise.all(
  Array.from({ length: PRESSES }, async (_, p) => {
    for (let i = 0; i < CYCLES_PER_PRESS; i += BATCH) {
      const n = Math.min(BATCH, CYCLES_PER_PRESS - i);
      const cycles = Array.from({ length: n }, (_, k) => cycle(p, i + k));
      const samples = cycles.flatMap((_, k) => signals(p, i + k));
      const states =
        i % 500 === 0
          ? [{ press: press(p), sourceTimeMs: T0 + i * CYCLE_MS - 1, variable: "MachineMode", value: "AUTOMATIC" }]
          : [];
      await Promise.all([store.writeCycles(cycles), store.writeSignals(samples), store.writeStates(states)]);
    }
  }),
);
const writeS = (performance.now() - started) / 1000;
const counts = await store.counts();
const transactions = (store as unknown as { transactions: number }).transactions;
const replayStarted = performance.now();
const replay = await store.writeCycles(Array.from({ length: 1000 }, (_, i) => cycle(3, 5000 + i)));
const replayMs = performance.now() - replayStarted;
await store.close();
const size = statSync(file).size;

const rows = counts.cycles! + counts.parts! + counts.signals! + counts.states!;
console.log(
  `  write: ${counts.cycles} cycles + ${counts.parts} parts + ${counts.signals} signal samples + ${counts.states} states in ${writeS.toFixed(1)} s`,
);
console.log(
  `         ${Math.round(rows / writeS).toLocaleString("en-US")} rows/s (${Math.round(counts.cycles! / writeS).toLocaleString("en-US")} cycles/s, ${Math.round(counts.parts! / writeS).toLocaleString("en-US")} part ids/s), ${transactions} transactions for ${(PRESSES * CYCLES_PER_PRESS * 3) / BATCH} write calls`,
);
console.log(`  file: ${mb(size)} (${(size / counts.parts!).toFixed(0)} bytes per part id, all tables)`);
console.log(
  `  replay of 1,000 stored cycles: ${replay.written} written, ${replay.skipped} skipped, ${replayMs.toFixed(0)} ms`,
);

store = await openStore(file, { readOnly: true });
const rng = (() => {
  let s = 12345;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
})();
const pick = (): string =>
  partId(Math.floor(rng() * PRESSES), Math.floor(rng() * CYCLES_PER_PRESS), Math.floor(rng() * CAVITIES));
const coldStarted = performance.now();
await store.trace(pick());
const coldMs = performance.now() - coldStarted;
const latencies: number[] = [];
let found = 0;
for (let q = 0; q < 1000; q++) {
  const id = pick();
  const t = performance.now();
  const tr = await store.trace(id);
  latencies.push(performance.now() - t);
  if (tr?.partId === id && tr.signals.length === SIGNALS.length) found++;
}
latencies.sort((a, b) => a - b);
const missStarted = performance.now();
await store.trace("no-such-part");
const missMs = performance.now() - missStarted;
console.log(
  `  trace (reopened read-only, ${counts.parts} part ids): p50 ${quantile(latencies, 0.5).toFixed(2)} ms, p99 ${quantile(latencies, 0.99).toFixed(2)} ms, max ${latencies[latencies.length - 1]!.toFixed(1)} ms; first (cold) ${coldMs.toFixed(1)} ms; unknown id ${missMs.toFixed(2)} ms; ${found}/1000 complete`,
);

const exportStarted = performance.now();
const exported = await store.exportArrow("cycles", join(dir, "cycles.arrow"));
const exportS = (performance.now() - exportStarted) / 1000;
console.log(
  `  Arrow export of cycles: ${exported.rows} rows in ${exportS.toFixed(1)} s, ${mb(statSync(join(dir, "cycles.arrow")).size)}`,
);
await store.close();
rmSync(dir, { recursive: true, force: true });
console.log(`  peak RSS of the bench process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);

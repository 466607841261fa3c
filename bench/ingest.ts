/**
 * Ingest benchmark (npm run bench). Prints figures; never asserts on time.
 *
 * The simulated cell serves 20 presses × 50 variables (4 barrel zones, 36 mould circuits, the power unit, 4 job
 * counters, 5 states) sampled at 10 Hz, plus a cycle event per press every cycle (real-time cycles: 7–40 s); the
 * ingest client subscribes to all of it and writes to a DuckDB file. Both run in this process on 2 cores (the
 * pessimistic case: a real cell is another machine). Reported: values/s stored, the latency from source timestamp
 * to the stored row (p50/p99/max), and the CPU share of the process.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSimCell } from "../adapters/opcua/cell.ts";
import { startIngest } from "../adapters/opcua/ingest.ts";
import { loadPlant } from "../adapters/plantFile.ts";
import { openStore } from "../adapters/store/historyStore.ts";

const SECONDS = Number(process.env.MOLDTWIN_BENCH_INGEST_S ?? 30);
const dir = mkdtempSync(join(tmpdir(), "moldtwin-ingest-bench-"));
const plant = loadPlant();
console.log(`moldtwin ingest bench — Node ${process.version}`);
const cell = await startSimCell({
  plant,
  port: 48_790,
  mouldZones: 36,
  signalPeriodMs: 100,
  pkiDir: join(dir, "pki-s"),
});
const store = await openStore(join(dir, "history.duckdb"));
const ingest = await startIngest({ endpoints: [cell.endpointUrl], sink: store, pkiDir: join(dir, "pki-c") });
const variables = ingest.presses.reduce((a, p) => a + p.signals.length, 0);
// Warm up, then measure a window.
await new Promise((r) => setTimeout(r, 3000));
await ingest.flush();
const s0 = ingest.stats();
ingest.resetLatency();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, SECONDS * 1000));
await ingest.flush();
const wallS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const s1 = ingest.stats();
const values = s1.signals + s1.states - (s0.signals + s0.states);
const cycles = s1.cycles - s0.cycles;
const counts = await store.counts();
console.log(
  `  ingest: ${ingest.presses.length} presses × ${Math.round(variables / ingest.presses.length)} variables at 10 Hz + cycle events, ${wallS.toFixed(0)} s: ` +
    `${Math.round(values / wallS).toLocaleString("en-US")} values/s stored (offered ≈ ${(variables * 10).toLocaleString("en-US")}/s on change), ${cycles} cycles, ` +
    `latency source → stored p50 ${s1.latencyMs.p50} ms, p99 ${s1.latencyMs.p99} ms, max ${s1.latencyMs.max} ms (target p99 < 500 ms); ` +
    `CPU ${((100 * (cpu.user + cpu.system)) / 1e6 / wallS / 2).toFixed(0)} % of 2 cores (server + client + store in one process); ` +
    `quarantined ${s1.quarantined}, gaps ${s1.gaps}; rows ${JSON.stringify(counts)}`,
);
await ingest.stop();
await cell.stop();
await store.close();
process.exit(0);

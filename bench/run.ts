/**
 * Benchmarks (npm run bench). Prints figures and ratios; never asserts on time. Fixed inputs, so runs compare.
 *  - shot kernel: µs per shot, median of several runs, per demo twin and overall, against the 50 µs target;
 *  - allocation: bytes allocated and GC events per 10⁵ shots through the allocation-free kernel path.
 */
import { PerformanceObserver } from "node:perf_hooks";
import { simulateShotInto } from "../engine/molding/kernel.ts";
import { IN, OUTPUT_SIZE } from "../engine/molding/layout.ts";
import { compiledTwin, toInputs } from "../engine/molding/simulateShot.ts";
import { starterSettings } from "../engine/molding/starterSettings.ts";
import { resolveTwin } from "../twin-models/resolve.ts";

const TARGET_US_PER_SHOT = 50;
const RUNS = 7;
const SHOTS_PER_RUN = 20_000;
const ALLOC_SHOTS = 100_000;

const CASES = [
  { mold: "clip-4cav-auto", material: "pp-isofil-hk10-tvhm", machine: "e110-all-electric" },
  { mold: "bezel-2cav-auto", material: "pp-isofil-hk10-tvhm", machine: "sh250-servo-hydraulic" },
  { mold: "medical-cap-8cav", material: "ps-styron-678e", machine: "e110-all-electric" },
  { mold: "container-thinwall-2cav", material: "hdpe-sabic", machine: "sh250-servo-hydraulic" },
];

function prepare(c: (typeof CASES)[number]) {
  const twin = resolveTwin(c);
  const inputs = toInputs(twin, starterSettings(twin));
  return {
    name: c.mold,
    compiled: compiledTwin(twin),
    inputs,
    out: new Float64Array(OUTPUT_SIZE),
    melt: inputs[IN.meltTempC] as number,
  };
}

/** Shots with the melt temperature stepped ±2 °C so no run repeats identical work. */
function runShots(p: ReturnType<typeof prepare>, shots: number): void {
  for (let i = 0; i < shots; i++) {
    p.inputs[IN.meltTempC] = p.melt + ((i % 9) - 4) * 0.5;
    simulateShotInto(p.compiled, p.inputs, p.out);
  }
  p.inputs[IN.meltTempC] = p.melt;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

const prepared = CASES.map(prepare);
for (const p of prepared) runShots(p, 5_000); // warm-up: let V8 optimise the kernel

console.log(
  `moldtwin bench — Node ${process.version}, shot kernel (target ≤ ${TARGET_US_PER_SHOT} µs/shot on one core)`,
);
const medians: number[] = [];
for (const p of prepared) {
  const perShot: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = process.hrtime.bigint();
    runShots(p, SHOTS_PER_RUN);
    perShot.push(Number(process.hrtime.bigint() - t0) / 1e3 / SHOTS_PER_RUN);
  }
  const m = median(perShot);
  medians.push(m);
  console.log(
    `  ${p.name.padEnd(26)} ${m.toFixed(2).padStart(7)} µs/shot (median of ${RUNS}×${SHOTS_PER_RUN}; min ${Math.min(...perShot).toFixed(2)}, max ${Math.max(...perShot).toFixed(2)})`,
  );
}
const overall = median(medians);
console.log(
  `  overall median              ${overall.toFixed(2).padStart(7)} µs/shot = ${(1e6 / overall).toFixed(0)} shots/s; target ratio ${(overall / TARGET_US_PER_SHOT).toFixed(3)} (≤ 1 meets it)`,
);

// Allocation: GC events over 10⁵ shots, and the heap freed by them (young-generation garbage) per shot. Every
// scavenge frees what the loop allocated since the previous one, so freed bytes ≈ bytes allocated.
let gcEvents = 0;
const observer = new PerformanceObserver((list) => {
  gcEvents += list.getEntries().length;
});
observer.observe({ entryTypes: ["gc"] });
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
await new Promise((r) => setTimeout(r, 10));
gcEvents = 0;
const heapBefore = process.memoryUsage().heapUsed;
let freed = 0;
let last = heapBefore;
const p0 = prepared[0];
// Sample the heap every 1000 shots: a drop means a scavenge freed garbage the loop had allocated.
for (let done = 0; p0 && done < ALLOC_SHOTS; done += 1000) {
  runShots(p0, 1000);
  const now = process.memoryUsage().heapUsed;
  freed += now < last ? 0 : now - last;
  last = now;
}
await new Promise((r) => setTimeout(r, 10));
observer.disconnect();
console.log(
  `  allocation per 10⁵ shots: ${gcEvents} GC events, ≥ ${(freed / 1e6).toFixed(1)} MB allocated (≥ ${(freed / ALLOC_SHOTS).toFixed(0)} B/shot, lower bound: intervals with a GC are not counted; young garbage only, heap growth after the run ${((process.memoryUsage().heapUsed - heapBefore) / 1e6).toFixed(1)} MB)${gc ? "" : " (run with --expose-gc for a clean baseline)"}`,
);

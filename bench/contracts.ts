/**
 * Contract benchmark (npm run bench). Prints figures; never asserts on time. Fixed seed, so runs compare.
 *
 * 10,000 contract terms × 20 presses (Case A) × 36 months: the physical Monte Carlo (every wear part of every
 * press, PdM, stockouts, customer downtime) and the P&L with its statistics — in this thread and on 2 pool
 * workers (identical numbers) — and the standard error reached on P(SLA breach).
 */
import { fileURLToPath } from "node:url";
import { readJsonFile } from "../adapters/cli/io.ts";
import { loadPlant } from "../adapters/plantFile.ts";
import { runContract } from "../engine/contracts/contract.ts";
import { closeSweepPools } from "../engine/sweep/pool.ts";
import { ContractScenario } from "../twin-models/schemas/contract.ts";
import { parse } from "../twin-models/validate.ts";

const path = fileURLToPath(new URL("../scenarios/case-a-contract.json", import.meta.url));
const scenario = parse(ContractScenario, { ...(readJsonFile(path, "scenario") as object), runs: 10_000 }, "scenario");
const plant = loadPlant();

console.log(`moldtwin contract bench — Node ${process.version}`);
const seconds: number[] = [];
let last = "";
for (const workers of [2, 0]) {
  const t0 = performance.now();
  const r = await runContract(scenario, plant, { workers, tornado: false });
  const s = (performance.now() - t0) / 1000;
  seconds.push(s);
  const b = r.availability.breachProbability;
  const json = JSON.stringify(r);
  console.log(
    `  contract: 10,000 terms × ${r.presses} presses × ${r.termMonths} months, ${workers === 0 ? "this thread" : `${workers} workers`}: ${s.toFixed(2)} s ` +
      `(${Math.round((r.runs * r.presses * r.termMonths) / s).toLocaleString("en-US")} press-months/s) → P(breach) per month ${(100 * b.p).toFixed(3)} % ± ${(100 * b.se).toFixed(3)} pp (SE), ` +
      `P(≥ 1 breach in the term) ${(100 * r.availability.anyBreachInTerm.p).toFixed(1)} % ± ${(100 * r.availability.anyBreachInTerm.se).toFixed(2)} pp, margin ${Math.round(r.marginEur.mean).toLocaleString("en-US")} ± ${Math.round(r.marginEur.se).toLocaleString("en-US")} EUR` +
      (last && last !== json ? "  (!) differs from the pool run" : ""),
  );
  last = json;
}
console.log(
  `  contract speed-up on 2 workers: ${(seconds[1]! / seconds[0]!).toFixed(2)}× (target: 10,000 terms in ≤ 10 s on 2 cores)`,
);
await closeSweepPools();

/**
 * Spares benchmark (npm run bench). Prints figures; never asserts on time. Fixed seeds, so runs compare.
 *
 * 1,000 presses at 5 sites (Case A at three, Case B at two, each repeated to 200 presses), 200 part numbers (the
 * plants' 27 part numbers in 7–8 supplier variants, assigned by press so every site stocks most of them), one
 * depot; 3 years of history and a 3-year horizon: the condition-based and history-only demand forecasts with
 * their backtest, the two-echelon stock for 95 % press availability (exact METRIC, greedy), and its 3-year event
 * simulation (20 replications).
 */
import { loadPlantRef } from "../adapters/plantFile.ts";
import { buildFleet, type Fleet } from "../engine/fleet/fleet.ts";
import { partNumberOf } from "../engine/spares/fleetDemand.ts";
import { planSpares } from "../engine/spares/spares.ts";
import type { ComponentLife } from "../engine/wear/component.ts";
import { SparesScenario } from "../twin-models/schemas/spares.ts";
import { parse } from "../twin-models/validate.ts";

const SITES = ["case-a-automotive", "case-b-medical", "case-a-automotive", "case-b-medical", "case-a-automotive"];
const PRESSES_PER_SITE = 200;
const PART_NUMBERS = 200;

const fleets: Fleet[] = SITES.map((plant) =>
  buildFleet(loadPlantRef(plant, "."), { utilisation: 0.85, fleetSize: PRESSES_PER_SITE }),
);

// Base part numbers in order of first appearance, then supplier variants: base × 7 + the first (200 − 7·base)
// in an 8th, so the fleet holds exactly 200.
const base = new Map<string, number>();
for (const f of fleets)
  for (const p of f.presses)
    for (const c of p.components) {
      const pn = partNumberOf(p, c.card);
      if (!base.has(pn)) base.set(pn, base.size);
    }
const fullVariants = Math.floor(PART_NUMBERS / base.size);
const extra = PART_NUMBERS - fullVariants * base.size;
const variants = new Map<string, ComponentLife>();
const variantOf = (life: ComponentLife, v: number): ComponentLife => {
  const key = `${life.card.id}|${life.card.partNumber}|${v}`;
  let out = variants.get(key);
  if (!out || out.life !== life.life) {
    out = { ...life, card: { ...life.card, partNumber: `${life.card.partNumber}-V${v}` } };
    variants.set(key, out);
  }
  return out;
};
const sites = fleets.map((f, s) => ({
  fleet: {
    ...f,
    presses: f.presses.map((p) => ({
      ...p,
      components: p.components.map((c) => {
        let v = (p.index + s) % (fullVariants + 1);
        if (v === fullVariants && base.get(partNumberOf(p, c.card))! >= extra) v = p.index % fullVariants;
        return variantOf(c, v);
      }),
    })),
  },
}));

const scenario = parse(
  SparesScenario,
  {
    kind: "spares",
    name: "bench: 1,000 presses, 200 part numbers, 3 years",
    sites: SITES.map((plant, s) => ({ id: `site-${s + 1}`, plant, resupplyDays: 2 + (s % 3) })),
    asOf: "2026-11-22",
    horizonMonths: 36,
    historyMonths: 36,
    backtestMonths: 12,
    runs: 200,
    seed: 2026,
    targets: [0.95],
    simulation: { days: 1095, replications: 20 },
  },
  "scenario",
);

console.log(`moldtwin spares bench — Node ${process.version}`);
const marks: { phase: string; t: number }[] = [];
const t0 = performance.now();
const r = planSpares(scenario, sites, (p) => marks.push({ phase: p.phase, t: performance.now() }));
const total = (performance.now() - t0) / 1000;
const phases = marks
  .slice(0, -1)
  .map((m, k) => `${m.phase} ${((marks[k + 1]!.t - m.t) / 1000).toFixed(2)} s`)
  .join(", ");
const pns = new Set(r.demand.partNumbers.map((d) => d.partNumber)).size;
const presses = r.sites.reduce((a, s) => a + s.presses, 0);
const p = r.plans[0]!;
console.log(
  `  spares: ${presses} presses, ${pns} part numbers, ${r.sites.length} sites + depot, 3-year history + 3-year horizon × ${r.runs} runs: ${total.toFixed(2)} s (${phases})`,
);
console.log(
  `    95 % plan: ${p.units} units, ${Math.round(p.stockValueEur).toLocaleString("en-US")} EUR, availability ${(100 * p.availability).toFixed(2)} % ` +
    `(simulated ${(100 * p.simulated.availability.mean).toFixed(2)} ± ${(100 * p.simulated.availability.halfWidth).toFixed(2)} %, ` +
    `${r.simulation.replications} × ${r.simulation.days} d); backtest MAE condition ${r.demand.backtest.conditionMae.toFixed(3)} vs history ${r.demand.backtest.historyMae.toFixed(3)}`,
);

import { Bool, Float64, makeVector, Table, Utf8, type Vector, vectorFromArray } from "apache-arrow";
import type { ContractResult } from "../../engine/contracts/contract.ts";
import type { RunPnl } from "../../engine/contracts/pnl.ts";
import type { ForecastResult } from "../../engine/fleet/forecast.ts";
import type { SparesResult } from "../../engine/spares/spares.ts";
import { gridValue } from "../../engine/sweep/chunk.ts";
import type { WindowResult } from "../../engine/window/window.ts";
import type { WindowScenario } from "../../twin-models/schemas/window.ts";

/**
 * The "main table" of each kind of run, as Arrow (the HTTP service's `GET /api/runs/:id/result.arrow`): one flat
 * table a notebook, pyarrow, polars or DuckDB can read without knowing the JSON's nesting. Columns are float64,
 * utf8 or bool, named like the engine's fields with the unit in the name (…Eur, …H, …Days, …KWh; no suffix for
 * counts and shares 0…1). Missing values (e.g. no preventive interval) are nulls.
 *
 * - window: one row per evaluated grid point (every point on a grid search, the simulated ones on an adaptive
 *   search): `gridIndex`, the swept settings (one column per factor, e.g. `meltTempC`), `valid` (the physics
 *   gave finite numbers), every shot output of the sweep tables (`cycleTimeS`, `partMassG`, `energyPerPartKWh`,
 *   the defect margins …; 0 where not valid), then the point's class: `class` (infeasible | feasible |
 *   preferred), `feasible`, `preferred` and `limitingConstraint` (the id of the constraint with the smallest
 *   margin: what fails on an infeasible point, what is closest on a feasible one).
 * - forecast: one row per press × wear component (`ForecastResult.components`): ids and names, part number,
 *   sockets, age, P(fail) and expected failures within the horizon, remaining life P10/P50/P90 in operating
 *   hours and calendar days, the cost-optimal preventive interval and the expected costs as is / with it.
 * - spares: one row per stock plan × part number × location (`SparesResult.plans[].lines`): the plan's label
 *   and target, stock, on hand, to buy, demand per month, expected backorders, fill rate and stock value.
 * - contract: one row per Monte Carlo run (the per-run P&L the summaries are computed from): availability over
 *   the term, share of SLA windows in breach, revenue, cost, penalties, bonus, energy sharing, yield credits,
 *   margin, NPV of the margin, good parts, kWh per part and the customer's cost.
 */

type Column = Vector<Float64> | Vector<Utf8> | Vector<Bool>;

const f64 = (values: Float64Array | readonly (number | null)[]): Vector<Float64> =>
  values instanceof Float64Array ? makeVector(values) : vectorFromArray(values, new Float64());
const utf8 = (values: readonly (string | null)[]): Vector<Utf8> => vectorFromArray(values, new Utf8());
const bool = (values: readonly boolean[]): Vector<Bool> => vectorFromArray(values, new Bool());

const table = (columns: Record<string, Column>): Table => new Table(columns);

const CLASS_NAMES = ["infeasible", "feasible", "preferred"] as const;
/** The id `area.limiter` = −1 stands for (engine/window/analyze.ts VALIDITY). */
const VALIDITY_ID = "modelValidity";

/**
 * The window's evaluated points: the chunk tables its sweeps handed to the `sink` (row order of evaluation), each
 * row mapped back to its grid point through the factor values (exactly the grid's values, so an exact lookup).
 */
export function windowTable(sc: WindowScenario, r: WindowResult, chunks: readonly Table[]): Table {
  const factors = sc.factors.map((f) => ({ input: f.name, min: f.min, max: f.max, log: f.log }));
  const levels = sc.factors.map((f) => f.levels);
  const levelMaps = factors.map((f, j) => {
    const m = new Map<number, number>();
    for (let k = 0; k < levels[j]!; k++) m.set(gridValue(f, k, levels[j]!), k);
    return m;
  });
  const rows = chunks.reduce((n, t) => n + t.numRows, 0);
  const names = chunks[0]?.schema.fields.map((f) => f.name).filter((n) => n !== "row" && n !== "point") ?? [];
  const numeric = names.filter((n) => n !== "valid");
  const cols = Object.fromEntries(numeric.map((n) => [n, new Float64Array(rows)]));
  const valid: boolean[] = new Array(rows);
  let at = 0;
  for (const t of chunks) {
    for (const n of numeric) cols[n]!.set(t.getChild(n)!.toArray() as Float64Array, at);
    const v = t.getChild("valid")!.toArray() as Uint8Array;
    for (let i = 0; i < t.numRows; i++) valid[at + i] = v[i] === 1;
    at += t.numRows;
  }
  const gridIndex = new Float64Array(rows);
  const cls: string[] = new Array(rows);
  const feasible: boolean[] = new Array(rows);
  const preferred: boolean[] = new Array(rows);
  const limiting: string[] = new Array(rows);
  let stride = 1;
  const strides = levels.map((l) => {
    const s = stride;
    stride *= l;
    return s;
  });
  for (let i = 0; i < rows; i++) {
    let idx = 0;
    factors.forEach((f, j) => {
      const k = levelMaps[j]!.get(cols[f.input]![i]!);
      if (k === undefined) throw new Error(`window row ${i}: ${f.input} is not a grid value`);
      idx += k * strides[j]!;
    });
    gridIndex[i] = idx;
    const c = r.area.cls[idx]!;
    cls[i] = CLASS_NAMES[c] ?? "infeasible";
    feasible[i] = c >= 1;
    preferred[i] = c === 2;
    const lim = r.area.limiter[idx]!;
    limiting[i] = lim < 0 ? VALIDITY_ID : (r.constraints[lim]?.id ?? VALIDITY_ID);
  }
  const factorNames: string[] = factors.map((f) => f.input);
  const out: Record<string, Column> = { gridIndex: f64(gridIndex) };
  for (const n of factorNames) out[n] = f64(cols[n]!);
  out.valid = bool(valid);
  for (const n of numeric) if (!factorNames.includes(n)) out[n] = f64(cols[n]!);
  out.class = utf8(cls);
  out.feasible = bool(feasible);
  out.preferred = bool(preferred);
  out.limitingConstraint = utf8(limiting);
  return table(out);
}

export function forecastTable(r: ForecastResult): Table {
  const c = r.components;
  const num = (pick: (x: (typeof c)[number]) => number | null): Vector<Float64> => f64(c.map(pick));
  const str = (pick: (x: (typeof c)[number]) => string | null): Vector<Utf8> => utf8(c.map(pick));
  return table({
    press: str((x) => x.press),
    pressName: str((x) => x.pressName),
    cell: str((x) => x.cell),
    component: str((x) => x.component),
    componentName: str((x) => x.componentName),
    kind: str((x) => x.kind),
    partNumber: str((x) => x.partNumber),
    sockets: num((x) => x.sockets),
    leadTimeDays: num((x) => x.leadTimeDays),
    currentAgeH: num((x) => x.currentAgeH),
    ageKnown: bool(c.map((x) => x.ageKnown)),
    lifeP50H: num((x) => x.lifeP50H),
    failureProbability: num((x) => x.failureProbability),
    expectedFailures: num((x) => x.expectedFailures),
    remainingLifeP10H: num((x) => x.remainingLifeH.p10),
    remainingLifeP50H: num((x) => x.remainingLifeH.p50),
    remainingLifeP90H: num((x) => x.remainingLifeH.p90),
    remainingLifeP10Days: num((x) => x.remainingLifeDays.p10),
    remainingLifeP50Days: num((x) => x.remainingLifeDays.p50),
    remainingLifeP90Days: num((x) => x.remainingLifeDays.p90),
    preventiveAgeH: num((x) => x.preventive.optimalAgeH),
    preventiveIntervalDays: num((x) => x.preventive.optimalIntervalDays),
    withPreventiveExpectedFailures: num((x) => x.withPreventive.expectedFailures),
    withPreventiveExpectedReplacements: num((x) => x.withPreventive.expectedReplacements),
    costAsIsEur: num((x) => x.expectedCostEur.asIs),
    costWithPreventiveEur: num((x) => x.expectedCostEur.withPreventive),
    conditionReading: num((x) => x.condition?.reading ?? null),
    signature: str((x) => x.signature.name),
    signatureUnit: str((x) => x.signature.unit),
  });
}

export function sparesTable(r: SparesResult): Table {
  const rows = r.plans.flatMap((p) => p.lines.map((l) => ({ p, l })));
  const num = (pick: (x: (typeof rows)[number]) => number | null): Vector<Float64> => f64(rows.map(pick));
  const str = (pick: (x: (typeof rows)[number]) => string): Vector<Utf8> => utf8(rows.map(pick));
  return table({
    plan: str((x) => x.p.label),
    targetAvailability: num((x) => x.p.targetAvailability),
    budgetEur: num((x) => x.p.budgetEur),
    partNumber: str((x) => x.l.partNumber),
    name: str((x) => x.l.name),
    location: str((x) => x.l.location),
    unitCostEur: num((x) => x.l.unitCostEur),
    stock: num((x) => x.l.stock),
    onHand: num((x) => x.l.onHand),
    toBuy: num((x) => x.l.toBuy),
    stockValueEur: num((x) => x.l.stock * x.l.unitCostEur),
    toBuyEur: num((x) => x.l.toBuy * x.l.unitCostEur),
    demandPerMonth: num((x) => x.l.demandPerMonth),
    expectedBackorders: num((x) => x.l.expectedBackorders),
    fillRate: num((x) => x.l.fillRate),
  });
}

/** Per Monte Carlo run; `r` only for its run count (a check that the P&L is the one summarised). */
export function contractTable(r: ContractResult, pnl: RunPnl): Table {
  if (pnl.runs !== r.runs) throw new Error(`contract table: ${pnl.runs} P&L runs for ${r.runs} runs`);
  const run = new Float64Array(pnl.runs);
  for (let i = 0; i < pnl.runs; i++) run[i] = i;
  return table({
    run: f64(run),
    availability: f64(pnl.availability),
    breachShare: f64(pnl.breachShare),
    revenueEur: f64(pnl.revenue),
    costEur: f64(pnl.cost),
    penaltyEur: f64(pnl.penalty),
    bonusEur: f64(pnl.bonus),
    energySharingEur: f64(pnl.energySharing),
    yieldCreditEur: f64(pnl.yieldCredit),
    marginEur: f64(pnl.margin),
    npvEur: f64(pnl.npv),
    goodParts: f64(pnl.goodParts),
    kWhPerPart: f64(pnl.kWhPerPart),
    customerCostEur: f64(pnl.customerCost),
  });
}

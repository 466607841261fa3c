/**
 * Event-driven simulation of the two-echelon consumable spares system that METRIC models (metric.ts), to confirm
 * it: Poisson demand at each (item, site), one-for-one (S − 1, S) replenishment, deterministic lead times.
 *
 * - A demand for item i at site j strikes one of the n_ij presses of the site that carry the item (each with Z_ij
 *   sockets of it), chosen uniformly. If the site has the part on hand it is fitted at once; otherwise the demand is a
 *   backorder and that press is down until a unit arrives (backorders are filled first-come first-served).
 * - Every demand makes the site reorder one unit from the depot: shipped at once if the depot has one (arriving
 *   T_j days later), else queued at the depot (FIFO). Every depot demand reorders one unit from the supplier,
 *   arriving T₀ days later; an arriving unit goes to the oldest waiting site order, else on the depot shelf.
 * - Inter-arrival times by inversion, −ln(U)/λ, of counter-based uniforms uniform01(seed, replication, n, dim)
 *   (engine/sweep/random.ts): replication r, the n-th demand of cell k uses dim 2k (time) and 2k + 1 (press).
 *
 * Measured over [warmup, warmup + days], per replication: time-average backorders and on-hand stock per item and
 * location, fill rates (share of demands after the warmup met from stock), the time share with no backorder
 * (service level), Sherbrooke's availability (metric.ts `pressShareUp`) evaluated on the replication's
 * time-average backorders, and — directly — the **press-up share**: the share of press-time with no socket
 * waiting for a part. Estimates are mean ± t_{(1+c)/2, R−1}·s/√R over the R independent replications.
 *
 * The system starts with full shelves and nothing in resupply. With deterministic lead times its state is exactly
 * stationary from T₀ + T_j on (the depot position depends only on the demand in the last T₀ days, the site's on
 * the depot state T_j ago and the demand since), so the default warmup is max T₀ + max T_j and there is no
 * initialisation bias.
 *
 * Items are independent processes that share presses; one binary heap over the items (keyed by each item's next
 * event: a demand, a supplier arrival at the depot or a shipment arrival at a site, each kept in FIFO ring
 * buffers because deterministic lead times preserve order) merges them in time order. No allocation per event.
 */

import { studentTQuantile } from "../reliability/studentT.ts";
import { uniform01 } from "../sweep/random.ts";
import { compileMetricProblem, type MetricAllocation, type MetricProblem, pressShareUp } from "./metric.ts";
import {
  assertFiniteOutput,
  invalid,
  requireCount,
  requireNonNegative,
  requirePositive,
  requireSeed,
  requireTarget,
} from "./stockingChecks.ts";

/** A replication estimate: mean ± halfWidth (t interval). */
export interface Estimate {
  mean: number;
  /** t_{(1+c)/2, R−1} · sd / √R. */
  halfWidth: number;
  lower: number;
  upper: number;
  /** Sample standard deviation over the replications. */
  sd: number;
  replications: number;
}

function estimate(values: Float64Array, stride: number, offset: number, count: number, tq: number): Estimate {
  let n = 0;
  let sum = 0;
  for (let r = 0; r < count; r++) {
    const v = values[r * stride + offset]!;
    if (Number.isNaN(v)) continue;
    n++;
    sum += v;
  }
  const mean = n > 0 ? sum / n : 0;
  let ss = 0;
  for (let r = 0; r < count; r++) {
    const v = values[r * stride + offset]!;
    if (Number.isNaN(v)) continue;
    ss += (v - mean) * (v - mean);
  }
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const hw = n > 1 ? (tq * sd) / Math.sqrt(n) : 0;
  assertFiniteOutput("estimate.mean", mean);
  return { mean, halfWidth: hw, lower: mean - hw, upper: mean + hw, sd, replications: n };
}

// ---------------------------------------------------------------------------------------------------------------
// FIFO ring buffers (grow by doubling; reused across replications).

/** A FIFO over a typed array: arrival times (Float64Array) or press ids (Int32Array). */
class RingQueue<A extends Float64Array | Int32Array> {
  buf: A;
  head = 0;
  size = 0;
  private readonly make: (n: number) => A;
  constructor(make: (n: number) => A) {
    this.make = make;
    this.buf = make(16);
  }
  push(x: number): void {
    if (this.size === this.buf.length) this.grow();
    this.buf[(this.head + this.size) & (this.buf.length - 1)] = x;
    this.size++;
  }
  peek(): number {
    return this.size === 0 ? Number.POSITIVE_INFINITY : this.buf[this.head]!;
  }
  shift(): number {
    const x = this.buf[this.head]!;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.size--;
    return x;
  }
  clear(): void {
    this.head = 0;
    this.size = 0;
  }
  private grow(): void {
    const b = this.make(this.buf.length * 2);
    for (let k = 0; k < this.size; k++) b[k] = this.buf[(this.head + k) & (this.buf.length - 1)]!;
    this.buf = b;
    this.head = 0;
  }
}

type F64Queue = RingQueue<Float64Array>;
type I32Queue = RingQueue<Int32Array>;
const f64Queue = (): F64Queue => new RingQueue((n) => new Float64Array(n));
const i32Queue = (): I32Queue => new RingQueue((n) => new Int32Array(n));

// ---------------------------------------------------------------------------------------------------------------

export interface SimulateMetricOptions {
  /** Measured horizon after the warmup, days. */
  days: number;
  /** Independent replications (≥ 2 for an interval). */
  replications: number;
  seed: number;
  /** Default max T₀ + max T_j (exact stationarity from there on). */
  warmupDays?: number;
  /** Two-sided confidence of the intervals; default 0.95. */
  confidence?: number;
}

export interface SimulatedSiteLevel {
  siteId: string;
  stock: number;
  expectedBackorders: Estimate;
  expectedOnHand: Estimate;
  /** Share of demands met from site stock; null if no demand fell in the window of any replication. */
  fillRate: Estimate | null;
  /** Share of time with no backorder, the simulated P(pipeline ≤ s). */
  serviceLevel: Estimate;
}

export interface MetricSimulationResult {
  days: number;
  warmupDays: number;
  replications: number;
  seed: number;
  confidence: number;
  /** Events processed (demands, supplier arrivals, shipment arrivals) over all replications. */
  events: number;
  items: {
    id: string;
    depot: { stock: number; expectedBackorders: Estimate; expectedOnHand: Estimate; fillRate: Estimate | null };
    sites: SimulatedSiteLevel[];
  }[];
  sites: {
    id: string;
    expectedBackorders: Estimate;
    /** Sherbrooke's formula on each replication's time-average backorders. */
    availability: Estimate;
    /** Directly measured share of press-time with no socket waiting for a part. */
    pressUpShare: Estimate;
  }[];
  fleet: { expectedBackorders: Estimate; availability: Estimate; pressUpShare: Estimate };
}

/** Simulates the allocation; see the module comment for the model and what is measured. */
export function simulateMetric(
  problem: MetricProblem,
  allocation: MetricAllocation,
  options: SimulateMetricOptions,
): MetricSimulationResult {
  const c = compileMetricProblem(problem);
  const I = c.nItems;
  const J = c.nSites;
  const K = I * J;
  if (!allocation || !Array.isArray(allocation.depot) || allocation.depot.length !== I) {
    invalid("allocation.depot", allocation?.depot?.length, `an array of ${I} stock levels`);
  }
  if (!Array.isArray(allocation.sites) || allocation.sites.length !== I) {
    invalid("allocation.sites", allocation.sites?.length, `an array of ${I} arrays`);
  }
  const depotStock = new Int32Array(I);
  const siteStock = new Int32Array(K);
  for (let i = 0; i < I; i++) {
    requireCount(`allocation.depot[${i}]`, allocation.depot[i]!, 0, "units");
    depotStock[i] = allocation.depot[i]!;
    const row = allocation.sites[i]!;
    if (!Array.isArray(row) || row.length !== J) invalid(`allocation.sites[${i}]`, row?.length, `${J} stock levels`);
    for (let j = 0; j < J; j++) {
      requireCount(`allocation.sites[${i}][${j}]`, row[j]!, 0, "units");
      siteStock[i * J + j] = row[j]!;
    }
  }
  requirePositive("days", options.days, "days");
  requireCount("replications", options.replications, 2, "replications");
  requireSeed("seed", options.seed);
  let maxT0 = 0;
  let maxTj = 0;
  for (let i = 0; i < I; i++) maxT0 = Math.max(maxT0, c.supplierDays[i]!);
  for (let j = 0; j < J; j++) maxTj = Math.max(maxTj, c.resupplyDays[j]!);
  const warm = options.warmupDays ?? maxT0 + maxTj;
  requireNonNegative("warmupDays", warm, "days");
  const confidence = options.confidence ?? 0.95;
  requireTarget("confidence", confidence);
  const R = options.replications;
  const seed = options.seed;
  const days = options.days;
  const tEnd = warm + days;

  // Presses, numbered per site.
  const pressOffset = new Int32Array(J + 1);
  for (let j = 0; j < J; j++) pressOffset[j + 1] = pressOffset[j]! + c.presses[j]!;
  const downCount = new Int32Array(pressOffset[J]!);
  const pressesDown = new Int32Array(J);
  const downArea = new Float64Array(J);
  const siteLast = new Float64Array(J);

  // Cells (item, site).
  const onHand = new Int32Array(K);
  const bo = new Int32Array(K);
  const nextDemand = new Float64Array(K);
  const demandIndex = new Float64Array(K);
  const boArea = new Float64Array(K);
  const ohArea = new Float64Array(K);
  const boTime = new Float64Array(K);
  const cellLast = new Float64Array(K);
  const demands = new Float64Array(K);
  const filled = new Float64Array(K);
  const ship: F64Queue[] = [];
  const boPress: I32Queue[] = [];
  for (let k = 0; k < K; k++) {
    ship.push(f64Queue());
    boPress.push(i32Queue());
  }
  // Depot per item.
  const depotOnHand = new Int32Array(I);
  const depotArea = new Float64Array(I);
  const depotOhArea = new Float64Array(I);
  const depotLast = new Float64Array(I);
  const depotDemands = new Float64Array(I);
  const depotFilled = new Float64Array(I);
  const depotQ: I32Queue[] = [];
  const supplier: F64Queue[] = [];
  for (let i = 0; i < I; i++) {
    depotQ.push(i32Queue());
    supplier.push(f64Queue());
  }
  // Heap of items by next event time.
  const heap = new Int32Array(I);
  const key = new Float64Array(I);

  // Per-replication results.
  const rCellEbo = new Float64Array(R * K);
  const rCellOh = new Float64Array(R * K);
  const rCellFill = new Float64Array(R * K);
  const rCellService = new Float64Array(R * K);
  const rDepotEbo = new Float64Array(R * I);
  const rDepotOh = new Float64Array(R * I);
  const rDepotFill = new Float64Array(R * I);
  const rSiteEbo = new Float64Array(R * J);
  const rSiteA = new Float64Array(R * J);
  const rSiteUp = new Float64Array(R * J);
  const rFleet = new Float64Array(R * 3);
  let events = 0;

  const touchCell = (k: number, t: number): void => {
    const lo = cellLast[k]! > warm ? cellLast[k]! : warm;
    if (t > lo) {
      const dt = t - lo;
      boArea[k] = boArea[k]! + bo[k]! * dt;
      ohArea[k] = ohArea[k]! + onHand[k]! * dt;
      if (bo[k]! > 0) boTime[k] = boTime[k]! + dt;
    }
    cellLast[k] = t;
  };
  const touchDepot = (i: number, t: number): void => {
    const lo = depotLast[i]! > warm ? depotLast[i]! : warm;
    if (t > lo) {
      const dt = t - lo;
      depotArea[i] = depotArea[i]! + depotQ[i]!.size * dt;
      depotOhArea[i] = depotOhArea[i]! + depotOnHand[i]! * dt;
    }
    depotLast[i] = t;
  };
  const touchSite = (j: number, t: number): void => {
    const lo = siteLast[j]! > warm ? siteLast[j]! : warm;
    if (t > lo) downArea[j] = downArea[j]! + pressesDown[j]! * (t - lo);
    siteLast[j] = t;
  };
  const itemKey = (i: number): number => {
    let t = supplier[i]!.peek();
    for (let j = 0; j < J; j++) {
      const k = i * J + j;
      const a = ship[k]!.peek();
      if (a < t) t = a;
      const d = nextDemand[k]!;
      if (d < t) t = d;
    }
    return t;
  };
  const siftDown = (pos0: number): void => {
    let pos = pos0;
    const item = heap[pos]!;
    const kv = key[item]!;
    for (;;) {
      const l = 2 * pos + 1;
      if (l >= I) break;
      let m = l;
      const r = l + 1;
      if (r < I && key[heap[r]!]! < key[heap[l]!]!) m = r;
      if (key[heap[m]!]! >= kv) break;
      heap[pos] = heap[m]!;
      pos = m;
    }
    heap[pos] = item;
  };

  for (let rep = 0; rep < R; rep++) {
    // Reset.
    downCount.fill(0);
    pressesDown.fill(0);
    downArea.fill(0);
    siteLast.fill(0);
    for (let k = 0; k < K; k++) {
      onHand[k] = siteStock[k]!;
      bo[k] = 0;
      ship[k]!.clear();
      boPress[k]!.clear();
      demandIndex[k] = 0;
      const lam = c.lambda[k]!;
      nextDemand[k] = lam > 0 ? -Math.log(uniform01(seed, rep, 0, 2 * k)) / lam : Number.POSITIVE_INFINITY;
    }
    boArea.fill(0);
    ohArea.fill(0);
    boTime.fill(0);
    cellLast.fill(0);
    demands.fill(0);
    filled.fill(0);
    for (let i = 0; i < I; i++) {
      depotOnHand[i] = depotStock[i]!;
      depotQ[i]!.clear();
      supplier[i]!.clear();
    }
    depotArea.fill(0);
    depotOhArea.fill(0);
    depotLast.fill(0);
    depotDemands.fill(0);
    depotFilled.fill(0);
    for (let i = 0; i < I; i++) {
      heap[i] = i;
      key[i] = itemKey(i);
    }
    for (let p = (I >> 1) - 1; p >= 0; p--) siftDown(p);

    // Event loop.
    for (;;) {
      const i = heap[0]!;
      const t = key[i]!;
      if (!(t <= tEnd)) break;
      events++;
      const counted = t >= warm;
      // Which source: supplier arrival, shipment arrival, demand (ties in that order).
      let src = -1; // −1 supplier; k for shipment at cell k; K + k for demand at cell k
      let best = supplier[i]!.peek();
      for (let j = 0; j < J; j++) {
        const k = i * J + j;
        const a = ship[k]!.peek();
        if (a < best) {
          best = a;
          src = k;
        }
      }
      for (let j = 0; j < J; j++) {
        const k = i * J + j;
        if (nextDemand[k]! < best) {
          best = nextDemand[k]!;
          src = K + k;
        }
      }
      if (src === -1) {
        supplier[i]!.shift();
        touchDepot(i, t);
        if (depotQ[i]!.size > 0) {
          const j = depotQ[i]!.shift();
          ship[i * J + j]!.push(t + c.resupplyDays[j]!);
        } else {
          depotOnHand[i] = depotOnHand[i]! + 1;
        }
      } else if (src < K) {
        const k = src;
        const j = k - i * J;
        ship[k]!.shift();
        touchCell(k, t);
        if (bo[k]! > 0) {
          bo[k] = bo[k]! - 1;
          const press = boPress[k]!.shift();
          if (press >= 0) {
            downCount[press] = downCount[press]! - 1;
            if (downCount[press] === 0) {
              touchSite(j, t);
              pressesDown[j] = pressesDown[j]! - 1;
            }
          }
        } else {
          onHand[k] = onHand[k]! + 1;
        }
      } else {
        const k = src - K;
        const j = k - i * J;
        touchCell(k, t);
        const n = demandIndex[k]!;
        if (counted) demands[k] = demands[k]! + 1;
        if (onHand[k]! > 0) {
          onHand[k] = onHand[k]! - 1;
          if (counted) filled[k] = filled[k]! + 1;
        } else {
          bo[k] = bo[k]! + 1;
          let press = -1;
          if (c.sockets[k]! > 0) {
            const nk = c.users[k]!;
            const pick = Math.min(nk - 1, Math.floor(uniform01(seed, rep, n, 2 * k + 1) * nk));
            const among = c.userPresses[k];
            press = pressOffset[j]! + (among ? among[pick]! : pick);
            if (downCount[press] === 0) {
              touchSite(j, t);
              pressesDown[j] = pressesDown[j]! + 1;
            }
            downCount[press] = downCount[press]! + 1;
          }
          boPress[k]!.push(press);
        }
        // Site reorders from the depot; the depot reorders from the supplier.
        touchDepot(i, t);
        if (counted) depotDemands[i] = depotDemands[i]! + 1;
        if (depotOnHand[i]! > 0) {
          depotOnHand[i] = depotOnHand[i]! - 1;
          if (counted) depotFilled[i] = depotFilled[i]! + 1;
          ship[k]!.push(t + c.resupplyDays[j]!);
        } else {
          depotQ[i]!.push(j);
        }
        supplier[i]!.push(t + c.supplierDays[i]!);
        demandIndex[k] = n + 1;
        nextDemand[k] = t - Math.log(uniform01(seed, rep, n + 1, 2 * k)) / c.lambda[k]!;
      }
      key[i] = itemKey(i);
      siftDown(0);
    }

    // Close the window and record.
    for (let k = 0; k < K; k++) touchCell(k, tEnd);
    for (let i = 0; i < I; i++) touchDepot(i, tEnd);
    for (let j = 0; j < J; j++) touchSite(j, tEnd);
    const siteLog = new Float64Array(J);
    const siteZero = new Uint8Array(J);
    let fleetEbo = 0;
    for (let k = 0; k < K; k++) {
      const j = k % J;
      const e = boArea[k]! / days;
      rCellEbo[rep * K + k] = e;
      rCellOh[rep * K + k] = ohArea[k]! / days;
      rCellFill[rep * K + k] = demands[k]! > 0 ? filled[k]! / demands[k]! : Number.NaN;
      rCellService[rep * K + k] = 1 - boTime[k]! / days;
      rSiteEbo[rep * J + j] = rSiteEbo[rep * J + j]! + e;
      fleetEbo += e;
      if (c.sockets[k]! > 0) {
        const a = pressShareUp(c, k, e);
        if (a <= 0) siteZero[j] = 1;
        else siteLog[j] = siteLog[j]! + Math.log(a);
      }
    }
    for (let i = 0; i < I; i++) {
      rDepotEbo[rep * I + i] = depotArea[i]! / days;
      rDepotOh[rep * I + i] = depotOhArea[i]! / days;
      rDepotFill[rep * I + i] = depotDemands[i]! > 0 ? depotFilled[i]! / depotDemands[i]! : Number.NaN;
    }
    let fleetA = 0;
    let fleetUp = 0;
    for (let j = 0; j < J; j++) {
      const a = siteZero[j] ? 0 : Math.exp(siteLog[j]!);
      const up = 1 - downArea[j]! / (c.presses[j]! * days);
      rSiteA[rep * J + j] = a;
      rSiteUp[rep * J + j] = up;
      fleetA += c.pressWeight[j]! * a;
      fleetUp += c.pressWeight[j]! * up;
    }
    rFleet[rep * 3] = fleetEbo;
    rFleet[rep * 3 + 1] = fleetA;
    rFleet[rep * 3 + 2] = fleetUp;
  }

  const tq = studentTQuantile(0.5 + confidence / 2, R - 1);
  const orNull = (e: Estimate): Estimate | null => (e.replications === 0 ? null : e);
  const items = c.itemIds.map((id, i) => ({
    id,
    depot: {
      stock: depotStock[i]!,
      expectedBackorders: estimate(rDepotEbo, I, i, R, tq),
      expectedOnHand: estimate(rDepotOh, I, i, R, tq),
      fillRate: orNull(estimate(rDepotFill, I, i, R, tq)),
    },
    sites: c.siteIds.map((siteId, j) => {
      const k = i * J + j;
      return {
        siteId,
        stock: siteStock[k]!,
        expectedBackorders: estimate(rCellEbo, K, k, R, tq),
        expectedOnHand: estimate(rCellOh, K, k, R, tq),
        fillRate: orNull(estimate(rCellFill, K, k, R, tq)),
        serviceLevel: estimate(rCellService, K, k, R, tq),
      };
    }),
  }));
  return {
    days,
    warmupDays: warm,
    replications: R,
    seed,
    confidence,
    events,
    items,
    sites: c.siteIds.map((id, j) => ({
      id,
      expectedBackorders: estimate(rSiteEbo, J, j, R, tq),
      availability: estimate(rSiteA, J, j, R, tq),
      pressUpShare: estimate(rSiteUp, J, j, R, tq),
    })),
    fleet: {
      expectedBackorders: estimate(rFleet, 3, 0, R, tq),
      availability: estimate(rFleet, 3, 1, R, tq),
      pressUpShare: estimate(rFleet, 3, 2, R, tq),
    },
  };
}

export interface SimulateBaseStockInput {
  demandPerDay: number;
  leadTimeDays: number;
  baseStock: number;
  days: number;
  replications: number;
  seed: number;
  warmupDays?: number;
  confidence?: number;
}

export interface BaseStockSimulationResult {
  expectedBackorders: Estimate;
  expectedOnHand: Estimate;
  fillRate: Estimate | null;
  serviceLevel: Estimate;
  events: number;
}

/**
 * The single-site (S − 1, S) system as the special case of simulateMetric: one site with the lead time as the
 * supplier lead time, no depot stock and an instantaneous depot-to-site hop.
 */
export function simulateBaseStock(input: SimulateBaseStockInput): BaseStockSimulationResult {
  requirePositive("demandPerDay", input.demandPerDay, "units/day");
  requireNonNegative("leadTimeDays", input.leadTimeDays, "days");
  requireCount("baseStock", input.baseStock, 0, "units");
  const problem: MetricProblem = {
    sites: [{ id: "site", presses: 1, resupplyDays: 0 }],
    items: [
      {
        id: "part",
        unitCostEur: 1,
        supplierLeadTimeDays: input.leadTimeDays,
        sites: [{ demandPerDay: input.demandPerDay, socketsPerPress: 1 }],
      },
    ],
  };
  const sim = simulateMetric(
    problem,
    { depot: [0], sites: [[input.baseStock]] },
    {
      days: input.days,
      replications: input.replications,
      seed: input.seed,
      ...(input.warmupDays !== undefined ? { warmupDays: input.warmupDays } : {}),
      ...(input.confidence !== undefined ? { confidence: input.confidence } : {}),
    },
  );
  const site = sim.items[0]!.sites[0]!;
  return {
    expectedBackorders: site.expectedBackorders,
    expectedOnHand: site.expectedOnHand,
    fillRate: site.fillRate,
    serviceLevel: site.serviceLevel,
    events: sim.events,
  };
}

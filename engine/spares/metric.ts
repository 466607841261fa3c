/**
 * Two-echelon spares stocking (METRIC): one depot supplied by the part makers, sites (plants) with presses
 * resupplied by the depot, (S − 1, S) one-for-one replenishment at every location.
 *
 * This is the **consumable** METRIC: a worn part is scrapped, every site demand is reordered from the depot and
 * every depot demand from the supplier (no repair loop; Sherbrooke's repairable model with zero base-repair
 * probability and the supplier lead time in place of the depot repair time). Per item i:
 *
 *   depot pipeline      μ₀ = λ₀·T₀,  λ₀ = Σ_j λ_j                  (Palm 1938: Poisson, exact for a
 *                                                                    deterministic supplier lead time T₀)
 *   depot backorders    EBO₀(s₀), VBO₀(s₀) of Poisson(μ₀)
 *   site pipeline mean  μ_j = λ_j·(T_j + EBO₀(s₀)/λ₀)               (Sherbrooke 1968 "METRIC", Operations
 *                                                                    Research 16: the depot delay by Little's law)
 *   site backorders     EBO_j(s_j) of the site pipeline
 *   availability        A_j = Π_i (1 − EBO_ij/(N_j·Z_ij))^{Z_ij}    (Sherbrooke 2004 §5.2; 0 if EBO ≥ N·Z)
 *   mixed fleets        item i on n_ij of the N_j presses: its factor is 1 − (n/N)·(1 − (1 − EBO/(n·Z))^Z), the
 *                       presses without it being unaffected (equal to Sherbrooke's when n = N)
 *   fleet availability  Σ_j N_j·A_j / Σ_j N_j;  investment Σ_i c_i·(s_i0 + Σ_j s_ij)
 *
 * Three site-pipeline distributions (`method`):
 * - `metric`: Poisson with mean μ_j (Sherbrooke 1968). Too little variance: the depot delay is random.
 * - `vari-metric`: negative binomial with mean μ_j and variance λ_j·T_j + f(1 − f)·EBO₀ + f²·VBO₀, f = λ_j/λ₀
 *   (Sherbrooke 1986 "VARI-METRIC", Operations Research 34; Graves 1985, Management Science 31; the depot
 *   backorders split binomially among the sites; Sherbrooke 2004 ch. 4).
 * - `exact`: for deterministic lead times the site pipeline at t is the site's share of the depot backorders at
 *   t − T_j (binomially thinned, FIFO) plus the site demand in (t − T_j, t]: Poisson(λ_j·T_j) ⊛ Thin_f(B₀), B₀ =
 *   (Poisson(μ₀) − s₀)⁺ (Graves 1985 §2). Exact under the model; O(K²) per evaluation (K ≈ μ₀ + 12√μ₀).
 *
 * The marginal allocation (Sherbrooke 2004 §2.6 and §3.4, marginal analysis) starts from zero stock and adds, one
 * unit at a time, the (item, location) unit with the largest objective gain per EUR, recording the
 * cost–availability curve. Objective `availability` maximises Σ_j (N_j/ΣN)·Σ_i (n_ij/N_j)·Z·ln(1 − EBO/(n·Z)) (a
 * press-weighted log availability, separable in items; exact for n = N and first-order in the backorder share of
 * a mixed fleet; below 1e-6 the logarithm is continued by its tangent so that heavily backordered items still
 * rank first); objective `ebo` minimises the total site EBO. Only item i's J + 1 candidates change when item i
 * gets a unit, so each step re-evaluates one item (two evaluations of its J sites) and scans the items' best
 * ratios.
 */
import { backorderMomentsInto, backorderPgfRaw, lnFactorial, logPmfRaw } from "./poisson.ts";
import {
  assertFiniteOutput,
  invalid,
  requireCount,
  requireNonNegative,
  requirePositive,
  requireTarget,
} from "./stockingChecks.ts";

export type MetricMethod = "metric" | "vari-metric" | "exact";
export type MetricObjective = "availability" | "ebo";

export interface MetricSite {
  id: string;
  /** Presses at the site (N_j). */
  presses: number;
  /** Depot-to-site resupply time T_j, days (deterministic in the simulation). */
  resupplyDays: number;
}

export interface MetricItemSite {
  /** Demand rate λ_ij, units/day. */
  demandPerDay: number;
  /** Sockets of the item per press that carries it (Z_ij, integer ≥ 0; 0: not installed, no availability effect). */
  socketsPerPress: number;
  /**
   * The presses of the site that carry the item (indices 0 … N_j − 1, distinct); default all of them. A mold part
   * sits on the presses running that mold, a screw on one machine model: n_ij = its length.
   */
  pressIndices?: readonly number[];
}

export interface MetricItem {
  id: string;
  unitCostEur: number;
  /** Supplier (order) lead time to the depot T₀, days. */
  supplierLeadTimeDays: number;
  /** One entry per site, in the order of `MetricProblem.sites`. */
  sites: readonly MetricItemSite[];
}

export interface MetricProblem {
  sites: readonly MetricSite[];
  items: readonly MetricItem[];
}

/** Stock levels: depot[i] and sites[i][j]. */
export interface MetricAllocation {
  depot: readonly number[];
  sites: readonly (readonly number[])[];
}

/** The problem as typed arrays; cell k = i·J + j. */
export interface CompiledMetric {
  nItems: number;
  nSites: number;
  itemIds: readonly string[];
  siteIds: readonly string[];
  lambda: Float64Array;
  sockets: Float64Array;
  lambda0: Float64Array;
  supplierDays: Float64Array;
  resupplyDays: Float64Array;
  presses: Float64Array;
  /** n_ij: presses of site j that carry item i. */
  users: Float64Array;
  /** n_ij / N_j. */
  userShare: Float64Array;
  /** The presses carrying item i at site j (cell k), null for all of them. */
  userPresses: readonly (Int32Array | null)[];
  cost: Float64Array;
  /** N_j / Σ N. */
  pressWeight: Float64Array;
}

export function compileMetricProblem(problem: MetricProblem): CompiledMetric {
  if (!problem || !Array.isArray(problem.sites) || problem.sites.length === 0) {
    invalid("sites", problem?.sites, "a non-empty array of sites");
  }
  if (!Array.isArray(problem.items) || problem.items.length === 0) {
    invalid("items", problem.items, "a non-empty array of items");
  }
  const J = problem.sites.length;
  const I = problem.items.length;
  const presses = new Float64Array(J);
  const resupplyDays = new Float64Array(J);
  const siteIds: string[] = [];
  const seenSites = new Set<string>();
  for (let j = 0; j < J; j++) {
    const s = problem.sites[j]!;
    if (typeof s.id !== "string" || s.id === "" || seenSites.has(s.id)) {
      invalid(`sites[${j}].id`, s.id, "a unique non-empty string");
    }
    seenSites.add(s.id);
    siteIds.push(s.id);
    requireCount(`sites[${j}].presses`, s.presses, 1, "presses");
    requireNonNegative(`sites[${j}].resupplyDays`, s.resupplyDays, "days");
    presses[j] = s.presses;
    resupplyDays[j] = s.resupplyDays;
  }
  let totalPresses = 0;
  for (let j = 0; j < J; j++) totalPresses += presses[j]!;
  const pressWeight = new Float64Array(J);
  for (let j = 0; j < J; j++) pressWeight[j] = presses[j]! / totalPresses;
  const lambda = new Float64Array(I * J);
  const sockets = new Float64Array(I * J);
  const lambda0 = new Float64Array(I);
  const supplierDays = new Float64Array(I);
  const cost = new Float64Array(I);
  const users = new Float64Array(I * J);
  const userShare = new Float64Array(I * J);
  const userPresses: (Int32Array | null)[] = [];
  const itemIds: string[] = [];
  const seenItems = new Set<string>();
  for (let i = 0; i < I; i++) {
    const it = problem.items[i]!;
    const f = `items[${i}]`;
    if (typeof it.id !== "string" || it.id === "" || seenItems.has(it.id)) {
      invalid(`${f}.id`, it.id, "a unique non-empty string");
    }
    seenItems.add(it.id);
    itemIds.push(it.id);
    requirePositive(`${f}.unitCostEur`, it.unitCostEur, "EUR");
    requireNonNegative(`${f}.supplierLeadTimeDays`, it.supplierLeadTimeDays, "days");
    if (!Array.isArray(it.sites) || it.sites.length !== J) {
      invalid(`${f}.sites`, it.sites?.length, `an array of ${J} entries (one per site)`);
    }
    cost[i] = it.unitCostEur;
    supplierDays[i] = it.supplierLeadTimeDays;
    for (let j = 0; j < J; j++) {
      const c = it.sites[j]!;
      requireNonNegative(`${f}.sites[${j}].demandPerDay`, c.demandPerDay, "units/day");
      requireCount(`${f}.sites[${j}].socketsPerPress`, c.socketsPerPress, 0, "sockets/press");
      lambda[i * J + j] = c.demandPerDay;
      sockets[i * J + j] = c.socketsPerPress;
      lambda0[i] = lambda0[i]! + c.demandPerDay;
      const idx = compilePressIndices(`${f}.sites[${j}].pressIndices`, c.pressIndices, presses[j]!);
      userPresses.push(idx);
      users[i * J + j] = idx ? idx.length : presses[j]!;
      userShare[i * J + j] = users[i * J + j]! / presses[j]!;
    }
  }
  return {
    nItems: I,
    nSites: J,
    itemIds,
    siteIds,
    lambda,
    sockets,
    lambda0,
    supplierDays,
    resupplyDays,
    presses,
    users,
    userShare,
    userPresses,
    cost,
    pressWeight,
  };
}

function compilePressIndices(field: string, idx: readonly number[] | undefined, n: number): Int32Array | null {
  if (idx === undefined) return null;
  if (!Array.isArray(idx) || idx.length === 0 || idx.length > n) {
    invalid(field, Array.isArray(idx) ? idx.length : idx, `1 to ${n} press indices`);
  }
  const seen = new Set<number>();
  for (const [m, p] of idx.entries()) {
    requireCount(`${field}[${m}]`, p, 0, "press index");
    if (p >= n || seen.has(p)) invalid(`${field}[${m}]`, p, `a distinct press index below ${n}`);
    seen.add(p);
  }
  return idx.length === n ? null : Int32Array.from(idx);
}

function checkMethod(method: string): asserts method is MetricMethod {
  if (method !== "metric" && method !== "vari-metric" && method !== "exact") {
    invalid("method", method, "one of: metric, vari-metric, exact");
  }
}

function checkAllocation(c: CompiledMetric, a: MetricAllocation): void {
  if (!a || !Array.isArray(a.depot) || a.depot.length !== c.nItems) {
    invalid("allocation.depot", a?.depot?.length, `an array of ${c.nItems} stock levels`);
  }
  if (!Array.isArray(a.sites) || a.sites.length !== c.nItems) {
    invalid("allocation.sites", a.sites?.length, `an array of ${c.nItems} arrays`);
  }
  for (let i = 0; i < c.nItems; i++) {
    requireCount(`allocation.depot[${i}]`, a.depot[i]!, 0, "units");
    const row = a.sites[i]!;
    if (!Array.isArray(row) || row.length !== c.nSites) {
      invalid(`allocation.sites[${i}]`, row?.length, `an array of ${c.nSites} stock levels`);
    }
    for (let j = 0; j < c.nSites; j++) requireCount(`allocation.sites[${i}][${j}]`, row[j]!, 0, "units");
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Exact site pipeline (Graves 1985) on growable scratch arrays.

class Grow {
  a = new Float64Array(64);
  ensure(n: number): Float64Array {
    if (this.a.length < n) {
      let m = this.a.length;
      while (m < n) m *= 2;
      const b = new Float64Array(m);
      b.set(this.a);
      this.a = b;
    }
    return this.a;
  }
}

const TRUNC = 1e-18;

/** pmf of B₀ = (Poisson(μ₀) − s₀)⁺ into g; returns its length. */
function depotBackorderPmf(mu0: number, s0: number, g: Grow, tmp: Float64Array): number {
  let b = g.ensure(1);
  if (mu0 <= 0) {
    b[0] = 1;
    return 1;
  }
  backorderMomentsInto(false, mu0, 0, 0, s0, tmp);
  b[0] = tmp[3]!;
  let x = s0 + 1;
  let p = Math.exp(logPmfRaw(false, mu0, 0, 0, x));
  let k = 1;
  while (p > 0) {
    b = g.ensure(k + 1);
    b[k++] = p;
    const rho = mu0 / (x + 1);
    p *= rho;
    x++;
    if (x > mu0 && p / (1 - rho) <= TRUNC) break;
  }
  return k;
}

/** t[n] = Σ_k b[k]·C(k, n)·f^n·(1 − f)^{k−n}: the site's share of the depot backorders. */
function thin(b: Float64Array, len: number, f: number, out: Grow): number {
  const t = out.ensure(len);
  t.fill(0, 0, len);
  if (f >= 1) {
    t.set(b.subarray(0, len));
    return len;
  }
  const lf = Math.log(f);
  const lg = Math.log1p(-f);
  const up = f / (1 - f);
  const down = (1 - f) / f;
  for (let k = 0; k < len; k++) {
    const bk = b[k]!;
    if (bk === 0) continue;
    if (k === 0) {
      t[0] = t[0]! + bk;
      continue;
    }
    const mode = Math.min(k, Math.floor((k + 1) * f));
    const pm = Math.exp(lnFactorial(k) - lnFactorial(mode) - lnFactorial(k - mode) + mode * lf + (k - mode) * lg);
    let p = pm;
    for (let n = mode; n <= k; n++) {
      t[n] = t[n]! + bk * p;
      p *= ((k - n) / (n + 1)) * up;
      if (p < TRUNC * pm) break;
    }
    p = pm;
    for (let n = mode - 1; n >= 0; n--) {
      p *= ((n + 1) / (k - n)) * down;
      t[n] = t[n]! + bk * p;
      if (p < TRUNC * pm) break;
    }
  }
  return len;
}

/** Poisson(a) pmf into g from 0 to its negligible upper tail; returns the length. */
function poissonPmfArray(a: number, g: Grow): number {
  let p0 = g.ensure(1);
  if (a <= 0) {
    p0[0] = 1;
    return 1;
  }
  const mode = Math.floor(a);
  let len = mode + 1;
  p0 = g.ensure(len);
  const pm = Math.exp(logPmfRaw(false, a, 0, 0, mode));
  p0[mode] = pm;
  let p = pm;
  for (let x = mode; x > 0; x--) {
    p *= x / a;
    p0[x - 1] = p;
  }
  p = pm;
  for (let x = mode; ; x++) {
    p *= a / (x + 1);
    if (p <= TRUNC * pm || p === 0) break;
    p0 = g.ensure(x + 2);
    p0[x + 1] = p;
    len = x + 2;
  }
  return len;
}

/** c = t ⊛ pa. */
function convolve(t: Float64Array, lt: number, pa: Float64Array, la: number, out: Grow): number {
  const len = lt + la - 1;
  const c = out.ensure(len);
  c.fill(0, 0, len);
  for (let n = 0; n < lt; n++) {
    const tn = t[n]!;
    if (tn === 0) continue;
    for (let x = 0; x < la; x++) c[n + x] = c[n + x]! + tn * pa[x]!;
  }
  return len;
}

/** Backorder moments of a pmf array with known mean and variance (same slots as backorderMomentsInto). */
function arrayMomentsInto(c: Float64Array, len: number, mean: number, variance: number, s: number, out: Float64Array) {
  if (s < mean) {
    let l0 = 0;
    let l1 = 0;
    let l2 = 0;
    const top = Math.min(s, len - 1);
    for (let x = 0; x <= top; x++) {
      const p = c[x]!;
      const w = s - x;
      l0 += p;
      l1 += w * p;
      l2 += w * w * p;
    }
    const d = mean - s;
    out[0] = Math.max(0, 1 - l0);
    out[1] = d + l1;
    out[2] = Math.max(0, variance + d * d - l2);
    out[3] = Math.min(1, l0);
    return;
  }
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  for (let x = s + 1; x < len; x++) {
    const p = c[x]!;
    const w = x - s;
    t0 += p;
    t1 += w * p;
    t2 += w * w * p;
  }
  out[0] = t0;
  out[1] = t1;
  out[2] = t2;
  out[3] = Math.max(0, 1 - t0);
}

// ---------------------------------------------------------------------------------------------------------------
// One item: depot and site pipelines for a depot level s₀.

/** Per-evaluation workspace (no allocation in the allocation loop). */
export interface MetricWorkspace {
  tmp: Float64Array;
  depotPmf: Grow;
  thinned: Grow;
  pois: Grow;
  site: Grow;
  /** Per site: pipeline mean, variance (and for `exact` the pmf length of the last evaluated site). */
  mean: Float64Array;
  variance: Float64Array;
  ebo0: number;
  vbo0: number;
}

export function metricWorkspace(nSites: number): MetricWorkspace {
  return {
    tmp: new Float64Array(4),
    depotPmf: new Grow(),
    thinned: new Grow(),
    pois: new Grow(),
    site: new Grow(),
    mean: new Float64Array(nSites),
    variance: new Float64Array(nSites),
    ebo0: 0,
    vbo0: 0,
  };
}

/**
 * For item i with depot stock s₀: the depot EBO/VBO (in ws) and each site's pipeline mean and variance; then, for
 * each site j with stock levels[off + j], eboOut[outOff + j] = EBO_j and sfOut[outOff + j] = P(pipeline_j > s_j)
 * (= EBO_j(s_j) − EBO_j(s_j + 1)). With `exact`, `siteHook` (if given) sees each site's pmf.
 */
export function evaluateItemInto(
  c: CompiledMetric,
  method: MetricMethod,
  i: number,
  s0: number,
  levels: Int32Array,
  off: number,
  eboOut: Float64Array,
  sfOut: Float64Array,
  outOff: number,
  ws: MetricWorkspace,
  siteHook?: (j: number, pmf: Float64Array, len: number) => void,
): void {
  const J = c.nSites;
  const l0 = c.lambda0[i]!;
  const tmp = ws.tmp;
  const mu0 = l0 * c.supplierDays[i]!;
  backorderMomentsInto(false, mu0, 0, 0, s0, tmp);
  const ebo0 = tmp[1]!;
  const vbo0 = Math.max(0, tmp[2]! - ebo0 * ebo0);
  ws.ebo0 = ebo0;
  ws.vbo0 = vbo0;
  let depotLen = 0;
  if (method === "exact" && l0 > 0) depotLen = depotBackorderPmf(mu0, s0, ws.depotPmf, tmp);
  for (let j = 0; j < J; j++) {
    const k = i * J + j;
    const lj = c.lambda[k]!;
    const sj = levels[off + j]!;
    if (lj <= 0) {
      ws.mean[j] = 0;
      ws.variance[j] = 0;
      eboOut[outOff + j] = 0;
      sfOut[outOff + j] = 0;
      continue;
    }
    const f = lj / l0;
    const a = lj * c.resupplyDays[j]!;
    const mean = a + f * ebo0;
    const variance = a + f * (1 - f) * ebo0 + f * f * vbo0;
    ws.mean[j] = mean;
    ws.variance[j] = method === "metric" ? mean : variance;
    if (method === "exact") {
      const lt = thin(ws.depotPmf.a, depotLen, f, ws.thinned);
      const la = poissonPmfArray(a, ws.pois);
      const len = convolve(ws.thinned.a, lt, ws.pois.a, la, ws.site);
      arrayMomentsInto(ws.site.a, len, mean, variance, sj, tmp);
      siteHook?.(j, ws.site.a, len);
    } else if (method === "metric" || variance <= mean * (1 + 1e-6)) {
      backorderMomentsInto(false, mean, 0, 0, sj, tmp);
    } else {
      const q = 1 - mean / variance;
      backorderMomentsInto(true, mean, (mean * mean) / (variance - mean), q, sj, tmp);
    }
    eboOut[outOff + j] = tmp[1]!;
    sfOut[outOff + j] = tmp[0]!;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation of an allocation.

export interface MetricSiteLevel {
  siteId: string;
  stock: number;
  demandPerDay: number;
  /** Mean and variance of the site pipeline (units in resupply), under the chosen method. */
  pipelineMean: number;
  pipelineVariance: number;
  expectedBackorders: number;
  backorderVariance: number;
  expectedOnHand: number;
  /** Share of demands met from site stock, P(pipeline ≤ s − 1). */
  fillRate: number;
  /** P(pipeline ≤ s): probability of no backorder at a random time. */
  serviceLevel: number;
  /** Sherbrooke's factor (1 − EBO/(N·Z))^Z (1 when Z = 0). */
  availabilityFactor: number;
  /** E[(1 − 1/N)^B]: probability that a given press has none of this item's backorders (1 when Z = 0). */
  pressUpFactor: number;
}

export interface MetricItemResult {
  id: string;
  unitCostEur: number;
  depot: {
    stock: number;
    demandPerDay: number;
    pipelineMean: number;
    expectedBackorders: number;
    backorderVariance: number;
    expectedOnHand: number;
    fillRate: number;
    /** Mean wait of a site order at the depot, EBO₀/λ₀ (Little), days. */
    averageDelayDays: number;
  };
  sites: MetricSiteLevel[];
}

export interface MetricSiteResult {
  id: string;
  presses: number;
  expectedBackorders: number;
  /** Sherbrooke: Π_i (1 − EBO_ij/(N·Z_ij))^{Z_ij} (mixed fleets: see the module comment). */
  availability: number;
  /**
   * Expected share of presses with no backordered socket, Π_i (1 − (n/N)·(1 − E[(1 − 1/n)^{B_ij}])) (each demand
   * strikes one of the n_ij presses carrying the item, uniformly; items independent). Exact per item with
   * `exact`; what the event simulation measures directly.
   */
  pressUpShare: number;
}

export interface MetricEvaluation {
  method: MetricMethod;
  items: MetricItemResult[];
  sites: MetricSiteResult[];
  fleet: {
    /** Σ N_j·A_j / Σ N_j. */
    availability: number;
    pressUpShare: number;
    expectedBackorders: number;
    investmentEur: number;
    units: number;
  };
}

export interface MetricOptions {
  /** Default `vari-metric`. */
  method?: MetricMethod;
}

/** Every METRIC figure of a given allocation. */
export function evaluateMetric(
  problem: MetricProblem,
  allocation: MetricAllocation,
  options: MetricOptions = {},
): MetricEvaluation {
  const method = options.method ?? "vari-metric";
  checkMethod(method);
  const c = compileMetricProblem(problem);
  checkAllocation(c, allocation);
  const I = c.nItems;
  const J = c.nSites;
  const ws = metricWorkspace(J);
  const levels = new Int32Array(J);
  const ebo = new Float64Array(J);
  const sf = new Float64Array(J);
  const fill = new Float64Array(J);
  const service = new Float64Array(J);
  const vbo = new Float64Array(J);
  const pgf = new Float64Array(J);
  const tmp2 = new Float64Array(4);
  const siteEbo = new Float64Array(J);
  const siteLogA = new Float64Array(J);
  const siteZero = new Uint8Array(J);
  const sitePressUp = new Float64Array(J).fill(1);
  const items: MetricItemResult[] = [];
  let investment = 0;
  let units = 0;
  for (let i = 0; i < I; i++) {
    const s0 = allocation.depot[i]!;
    for (let j = 0; j < J; j++) levels[j] = allocation.sites[i]![j]!;
    // Site pmfs are only available inside the hook for `exact`: take fill rate, VBO and the PGF there.
    const hook = (j: number, pmf: Float64Array, len: number): void => {
      const s = levels[j]!;
      let below = 0;
      for (let x = 0; x < Math.min(s, len); x++) below += pmf[x]!;
      fill[j] = s === 0 ? 0 : Math.min(1, below);
      arrayMomentsInto(pmf, len, ws.mean[j]!, ws.variance[j]!, s, tmp2);
      vbo[j] = Math.max(0, tmp2[2]! - tmp2[1]! * tmp2[1]!);
      service[j] = tmp2[3]!;
      const z = 1 - 1 / c.users[i * J + j]!;
      let g = s < len ? below + pmf[s]! : below;
      let zw = z;
      for (let x = s + 1; x < len; x++) {
        g += zw * pmf[x]!;
        zw *= z;
      }
      pgf[j] = Math.min(1, g);
    };
    evaluateItemInto(c, method, i, s0, levels, 0, ebo, sf, 0, ws, method === "exact" ? hook : undefined);
    const l0 = c.lambda0[i]!;
    const mu0 = l0 * c.supplierDays[i]!;
    const ebo0 = ws.ebo0;
    backorderMomentsInto(false, mu0, 0, 0, Math.max(0, s0 - 1), tmp2);
    const depotFill = s0 === 0 ? 0 : mu0 <= 0 ? 1 : tmp2[3]!;
    const sites: MetricSiteLevel[] = [];
    for (let j = 0; j < J; j++) {
      const k = i * J + j;
      const s = levels[j]!;
      const mean = ws.mean[j]!;
      const variance = ws.variance[j]!;
      if (method !== "exact" || c.lambda[k]! <= 0) {
        const nb = method !== "metric" && variance > mean * (1 + 1e-6);
        const q = nb ? 1 - mean / variance : 0;
        const r = nb ? (mean * mean) / (variance - mean) : 0;
        backorderMomentsInto(nb, mean, r, q, s, tmp2);
        vbo[j] = Math.max(0, tmp2[2]! - tmp2[1]! * tmp2[1]!);
        service[j] = tmp2[3]!;
        if (s === 0) fill[j] = mean <= 0 ? 1 : 0;
        else {
          backorderMomentsInto(nb, mean, r, q, s - 1, tmp2);
          fill[j] = tmp2[3]!;
        }
        pgf[j] = backorderPgfRaw(nb, mean, r, q, s, 1 - 1 / c.users[k]!);
      }
      if (c.lambda[k]! <= 0) fill[j] = 1;
      const z = c.sockets[k]!;
      let factor = 1;
      let pressUp = 1;
      if (z > 0) {
        factor = pressShareUp(c, k, ebo[j]!);
        if (factor <= 0) siteZero[j] = 1;
        else siteLogA[j] = siteLogA[j]! + Math.log(factor);
        pressUp = 1 - c.userShare[k]! * (1 - pgf[j]!);
        sitePressUp[j] = sitePressUp[j]! * pressUp;
      }
      siteEbo[j] = siteEbo[j]! + ebo[j]!;
      units += s;
      sites.push({
        siteId: c.siteIds[j]!,
        stock: s,
        demandPerDay: c.lambda[k]!,
        pipelineMean: assertFiniteOutput("pipelineMean", mean),
        pipelineVariance: assertFiniteOutput("pipelineVariance", variance),
        expectedBackorders: assertFiniteOutput("expectedBackorders", ebo[j]!),
        backorderVariance: assertFiniteOutput("backorderVariance", vbo[j]!),
        expectedOnHand: Math.max(0, s - mean + ebo[j]!),
        fillRate: assertFiniteOutput("fillRate", fill[j]!),
        serviceLevel: assertFiniteOutput("serviceLevel", service[j]!),
        availabilityFactor: factor,
        pressUpFactor: assertFiniteOutput("pressUpFactor", pressUp),
      });
    }
    units += s0;
    investment += c.cost[i]! * (s0 + sumRow(allocation.sites[i]!));
    items.push({
      id: c.itemIds[i]!,
      unitCostEur: c.cost[i]!,
      depot: {
        stock: s0,
        demandPerDay: l0,
        pipelineMean: mu0,
        expectedBackorders: assertFiniteOutput("depot.expectedBackorders", ebo0),
        backorderVariance: ws.vbo0,
        expectedOnHand: Math.max(0, s0 - mu0 + ebo0),
        fillRate: l0 > 0 ? depotFill : 1,
        averageDelayDays: l0 > 0 ? ebo0 / l0 : 0,
      },
      sites,
    });
  }
  const sites: MetricSiteResult[] = [];
  let fleetA = 0;
  let fleetUp = 0;
  let totalN = 0;
  let totalEbo = 0;
  for (let j = 0; j < J; j++) {
    const a = siteZero[j] ? 0 : Math.exp(siteLogA[j]!);
    const n = c.presses[j]!;
    sites.push({
      id: c.siteIds[j]!,
      presses: n,
      expectedBackorders: siteEbo[j]!,
      availability: a,
      pressUpShare: sitePressUp[j]!,
    });
    fleetA += n * a;
    fleetUp += n * sitePressUp[j]!;
    totalN += n;
    totalEbo += siteEbo[j]!;
  }
  return {
    method,
    items,
    sites,
    fleet: {
      availability: assertFiniteOutput("fleet.availability", fleetA / totalN),
      pressUpShare: assertFiniteOutput("fleet.pressUpShare", fleetUp / totalN),
      expectedBackorders: assertFiniteOutput("fleet.expectedBackorders", totalEbo),
      investmentEur: investment,
      units,
    },
  };
}

/**
 * Share of site j's presses not waiting for item i (cell k): among the n_ij presses carrying it Sherbrooke's
 * (1 − EBO/(n·Z))^Z, 0 once EBO ≥ n·Z; the other presses do not need it.
 */
export function pressShareUp(c: CompiledMetric, k: number, ebo: number): number {
  const z = c.sockets[k]!;
  const u = 1 - ebo / (c.users[k]! * z);
  return 1 - c.userShare[k]! * (1 - (u <= 0 ? 0 : u ** z));
}

function sumRow(row: readonly number[]): number {
  let s = 0;
  for (const x of row) s += x;
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Marginal allocation.

/** Below this factor 1 − EBO/(N·Z), ln is continued by its tangent (keeps the objective finite and concave). */
const LOG_FLOOR = 1e-6;
const LN_LOG_FLOOR = Math.log(LOG_FLOOR);

/** Z·ln(1 − e/(N·Z)) with the tangent continuation below LOG_FLOOR. */
function logFactor(e: number, nz: number, z: number): number {
  const u = 1 - e / nz;
  return u >= LOG_FLOOR ? z * Math.log(u) : z * (LN_LOG_FLOOR + (u - LOG_FLOOR) / LOG_FLOOR);
}

export interface MetricUnit {
  item: number;
  itemId: string;
  /** −1 for the depot, else the site index. */
  location: number;
  locationId: string;
  /** Decrease of the total site EBO. */
  deltaEbo: number;
  /** Increase of the objective (press-weighted log availability, or total EBO decrease). */
  deltaObjective: number;
  /** deltaObjective / unit cost, per EUR. */
  ratioPerEur: number;
}

export interface MetricCurvePoint {
  step: number;
  costEur: number;
  units: number;
  /** Fleet availability Σ N_j·A_j / Σ N_j (Sherbrooke's A_j). */
  availability: number;
  /** Total expected site backorders. */
  ebo: number;
  /** The unit this step added (null at step 0, zero stock). */
  added: MetricUnit | null;
}

export type MetricStopReason = "target" | "budget" | "max-steps" | "saturated";

export interface MetricCurve {
  method: MetricMethod;
  objective: MetricObjective;
  stopReason: MetricStopReason;
  /** Whether the availability target was reached (null without a target). */
  targetMet: boolean | null;
  points: MetricCurvePoint[];
  /** Stock levels at the last point. */
  allocation: { depot: number[]; sites: number[][] };
}

export interface MetricCurveOptions extends MetricOptions {
  /** Stop before the investment would exceed this, EUR (only affordable units are considered). */
  budgetEur?: number;
  /** Stop at the first point with fleet availability ≥ this. */
  targetAvailability?: number;
  /** Default 1 000 000. */
  maxSteps?: number;
  /** Default `availability`. */
  objective?: MetricObjective;
}

/** Gains below this (objective units) count as none: the allocation is saturated. */
const MIN_GAIN = 1e-15;

/**
 * The greedy marginal-analysis curve from zero stock: at every step the (item, location) unit with the largest
 * objective gain per EUR (ties: lower item index, depot before sites, lower site index), until the target
 * availability, the budget, `maxSteps` or saturation.
 */
export function metricCurve(problem: MetricProblem, options: MetricCurveOptions = {}): MetricCurve {
  const method = options.method ?? "vari-metric";
  checkMethod(method);
  const objective = options.objective ?? "availability";
  if (objective !== "availability" && objective !== "ebo") invalid("objective", objective, "one of: availability, ebo");
  const budget = options.budgetEur;
  if (budget !== undefined) requireNonNegative("budgetEur", budget, "EUR");
  const target = options.targetAvailability;
  if (target !== undefined) requireTarget("targetAvailability", target);
  const maxSteps = options.maxSteps ?? 1_000_000;
  requireCount("maxSteps", maxSteps, 0, "steps");
  const c = compileMetricProblem(problem);
  const I = c.nItems;
  const J = c.nSites;
  const ws = metricWorkspace(J);
  const s0 = new Int32Array(I);
  const levels = new Int32Array(I * J);
  const eboCur = new Float64Array(I * J);
  const sfCur = new Float64Array(I * J);
  const eboDep = new Float64Array(I * J);
  const sfScratch = new Float64Array(I * J);
  const nz = new Float64Array(I * J);
  for (let i = 0; i < I; i++) for (let j = 0; j < J; j++) nz[i * J + j] = c.users[i * J + j]! * c.sockets[i * J + j]!;
  // Per item: its best candidate.
  const bestGain = new Float64Array(I);
  const bestEbo = new Float64Array(I);
  const bestLoc = new Int32Array(I);
  // Per site: Σ_i Z·ln u over items with u > 0, and the count of items with u ≤ 0 (A_j = 0).
  const siteLog = new Float64Array(J);
  const siteZero = new Int32Array(J);

  const gainOf = (k: number, j: number, before: number, after: number): number => {
    if (objective === "ebo") return before - after;
    const z = c.sockets[k]!;
    if (z <= 0) return 0;
    return c.pressWeight[j]! * c.userShare[k]! * (logFactor(after, nz[k]!, z) - logFactor(before, nz[k]!, z));
  };

  const refreshItem = (i: number): void => {
    const off = i * J;
    evaluateItemInto(c, method, i, s0[i]!, levels, off, eboCur, sfCur, off, ws);
    evaluateItemInto(c, method, i, s0[i]! + 1, levels, off, eboDep, sfScratch, off, ws);
    let dEbo = 0;
    let dObj = 0;
    for (let j = 0; j < J; j++) {
      const k = off + j;
      dEbo += eboCur[k]! - eboDep[k]!;
      dObj += gainOf(k, j, eboCur[k]!, eboDep[k]!);
    }
    let g = dObj;
    let ge = dEbo;
    let loc = -1;
    for (let j = 0; j < J; j++) {
      const k = off + j;
      const after = Math.max(0, eboCur[k]! - sfCur[k]!);
      const gj = gainOf(k, j, eboCur[k]!, after);
      if (gj > g) {
        g = gj;
        ge = eboCur[k]! - after;
        loc = j;
      }
    }
    bestGain[i] = g;
    bestEbo[i] = ge;
    bestLoc[i] = loc;
  };

  const siteTerm = (k: number, e: number): number => {
    const a = pressShareUp(c, k, e);
    return a <= 0 ? Number.NEGATIVE_INFINITY : Math.log(a);
  };
  const addSiteTerms = (i: number, sign: 1 | -1): void => {
    for (let j = 0; j < J; j++) {
      const k = i * J + j;
      if (c.sockets[k]! <= 0) continue;
      const t = siteTerm(k, eboCur[k]!);
      if (t === Number.NEGATIVE_INFINITY) siteZero[j] = siteZero[j]! + sign;
      else siteLog[j] = siteLog[j]! + sign * t;
    }
  };
  let totalEbo = 0;
  const recomputeTotals = (): void => {
    siteLog.fill(0);
    siteZero.fill(0);
    totalEbo = 0;
    for (let i = 0; i < I; i++) {
      addSiteTerms(i, 1);
      for (let j = 0; j < J; j++) totalEbo += eboCur[i * J + j]!;
    }
  };
  const fleetAvailability = (): number => {
    let a = 0;
    for (let j = 0; j < J; j++) if (siteZero[j] === 0) a += c.pressWeight[j]! * Math.exp(siteLog[j]!);
    return Math.min(1, a);
  };

  for (let i = 0; i < I; i++) refreshItem(i);
  recomputeTotals();
  let cost = 0;
  let units = 0;
  const points: MetricCurvePoint[] = [
    { step: 0, costEur: 0, units: 0, availability: fleetAvailability(), ebo: totalEbo, added: null },
  ];
  let stopReason: MetricStopReason = "max-steps";
  let step = 0;
  for (;;) {
    const last = points[points.length - 1]!;
    if (target !== undefined && last.availability >= target) {
      stopReason = "target";
      break;
    }
    if (step >= maxSteps) {
      stopReason = "max-steps";
      break;
    }
    let best = -1;
    let bestRatio = 0;
    let blockedByBudget = false;
    for (let i = 0; i < I; i++) {
      const g = bestGain[i]!;
      if (!(g > MIN_GAIN)) continue;
      if (budget !== undefined && cost + c.cost[i]! > budget * (1 + 1e-12)) {
        blockedByBudget = true;
        continue;
      }
      const ratio = g / c.cost[i]!;
      if (ratio > bestRatio) {
        bestRatio = ratio;
        best = i;
      }
    }
    if (best < 0) {
      stopReason = blockedByBudget ? "budget" : "saturated";
      break;
    }
    const loc = bestLoc[best]!;
    const unit: MetricUnit = {
      item: best,
      itemId: c.itemIds[best]!,
      location: loc,
      locationId: loc < 0 ? "depot" : c.siteIds[loc]!,
      deltaEbo: bestEbo[best]!,
      deltaObjective: bestGain[best]!,
      ratioPerEur: bestRatio,
    };
    addSiteTerms(best, -1);
    let before = 0;
    for (let j = 0; j < J; j++) before += eboCur[best * J + j]!;
    if (loc < 0) s0[best] = s0[best]! + 1;
    else levels[best * J + loc] = levels[best * J + loc]! + 1;
    refreshItem(best);
    addSiteTerms(best, 1);
    let after = 0;
    for (let j = 0; j < J; j++) after += eboCur[best * J + j]!;
    totalEbo += after - before;
    step++;
    if ((step & 1023) === 0) recomputeTotals();
    cost += c.cost[best]!;
    units++;
    points.push({
      step,
      costEur: cost,
      units,
      availability: fleetAvailability(),
      ebo: Math.max(0, totalEbo),
      added: unit,
    });
  }
  const depot: number[] = [];
  const sites: number[][] = [];
  for (let i = 0; i < I; i++) {
    depot.push(s0[i]!);
    sites.push(Array.from(levels.subarray(i * J, i * J + J)));
  }
  const last = points[points.length - 1]!;
  return {
    method,
    objective,
    stopReason,
    targetMet: target === undefined ? null : last.availability >= target,
    points,
    allocation: { depot, sites },
  };
}

export interface MetricUnitReason {
  step: number;
  deltaEbo: number;
  deltaObjective: number;
  ratioPerEur: number;
}

export interface MetricAllocationResult {
  method: MetricMethod;
  objective: MetricObjective;
  stopReason: MetricStopReason;
  targetMet: boolean | null;
  steps: number;
  costEur: number;
  availability: number;
  expectedBackorders: number;
  allocation: { depot: number[]; sites: number[][] };
  /** Per item and location: the stock and, for each unit, why it was bought (its marginal value per EUR). */
  items: {
    id: string;
    depot: { stock: number; units: MetricUnitReason[] };
    sites: { siteId: string; stock: number; units: MetricUnitReason[] }[];
  }[];
  evaluation: MetricEvaluation;
}

export type MetricGoal = { targetAvailability: number } | { budgetEur: number };

/**
 * The marginal-analysis allocation for an availability target (the cheapest point of the curve meeting it) or a
 * budget (the last point within it), with the reason for every unit and the full evaluation.
 */
export function metricAllocate(
  problem: MetricProblem,
  goal: MetricGoal,
  options: Omit<MetricCurveOptions, "budgetEur" | "targetAvailability"> = {},
): MetricAllocationResult {
  if (!goal || typeof goal !== "object") invalid("goal", goal, "{ targetAvailability } or { budgetEur }");
  const hasTarget = "targetAvailability" in goal;
  const hasBudget = "budgetEur" in goal;
  if (hasTarget === hasBudget)
    invalid("goal", Object.keys(goal).join(","), "exactly one of targetAvailability, budgetEur");
  const curve = metricCurve(problem, { ...options, ...goal });
  const c = compileMetricProblem(problem);
  const items = c.itemIds.map((id, i) => ({
    id,
    depot: { stock: curve.allocation.depot[i]!, units: [] as MetricUnitReason[] },
    sites: c.siteIds.map((siteId, j) => ({
      siteId,
      stock: curve.allocation.sites[i]![j]!,
      units: [] as MetricUnitReason[],
    })),
  }));
  for (const p of curve.points) {
    const u = p.added;
    if (!u) continue;
    const reason = { step: p.step, deltaEbo: u.deltaEbo, deltaObjective: u.deltaObjective, ratioPerEur: u.ratioPerEur };
    const it = items[u.item]!;
    if (u.location < 0) it.depot.units.push(reason);
    else it.sites[u.location]!.units.push(reason);
  }
  const last = curve.points[curve.points.length - 1]!;
  return {
    method: curve.method,
    objective: curve.objective,
    stopReason: curve.stopReason,
    targetMet: curve.targetMet,
    steps: last.step,
    costEur: last.costEur,
    availability: last.availability,
    expectedBackorders: last.ebo,
    allocation: curve.allocation,
    items,
    evaluation: evaluateMetric(problem, curve.allocation, { method: curve.method }),
  };
}

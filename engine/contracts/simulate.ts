import { normalQuantile, standardNormal, uniform01 } from "../sweep/random.ts";
import type { ContractModel, ModelVariation } from "./model.ts";

/**
 * The physical Monte Carlo of a contract term: what happens to the fleet, month by month, in each run — before
 * any price. Pricing, tiers and the tornado's economic drivers re-evaluate these outcomes without re-simulating,
 * so every price candidate sees the same failures (common random numbers).
 *
 * Per press and run, every socket of every failure mode renews by inversion of its life (counter-based uniforms:
 * stream = press·4096 + socket, index = run, dim = renewal number), from new or from the press's age at the start
 * (`as-is`: the past renewals since commissioning are drawn first). The next failure is the socket with the least
 * remaining life:
 *  - clock `operating` (default): the press does not age while down — an alternating renewal process, whose
 *    long-run availability for exponential up and down times is μ/(λ + μ) (the closed-form check);
 *  - clock `scheduled`: failures arrive in scheduled time whatever the downtime (downtimes may overlap) — the
 *    Poisson-count model whose breach probability has a closed form.
 * A failure is caught ahead by predictive maintenance with probability `pdmHitRate` (when `pdm`): then it is
 * planned work of the part's planned downtime, with its part ordered in time (no wait). Otherwise it is a
 * breakdown: a repair (lognormal with the card's mean and `repairCv`, or exponential / fixed) plus, if the part
 * is not on the shelf (probability 1 − fill rate), the wait for it. **Accounting rule:** an incident's downtime
 * is booked to the month in which it starts (as SLA reports book incidents).
 * Customer-caused downtime is a Poisson number of events per press-month of fixed length; planned maintenance
 * (inspections) a fixed number of hours per press-month (both do not age the parts: a slight overestimate of
 * failures, conservative for the provider). Demand, yield and energy noise are one standard normal each per
 * fleet-month, stored for the P&L to scale.
 */

/** Fields of one run-month of outcomes (fleet sums). */
export const F = {
  failures: 0,
  repairH: 1,
  waitH: 2,
  stockouts: 3,
  labourUnplannedH: 4,
  caught: 5,
  plannedH: 6,
  labourPlannedH: 7,
  partsCostEur: 8,
  /** Σ parts/h × hours lost to breakdowns (repair + wait): the parts they cost at full rate. */
  lostPartsUnplanned: 9,
  lostPartsPlanned: 10,
  /** Σ base power × hours down: base-load energy not drawn while down, kWh. */
  lostBaseUnplannedKWh: 11,
  lostBasePlannedKWh: 12,
  customerH: 13,
  lostPartsCustomer: 14,
  lostBaseCustomerKWh: 15,
  zDemand: 16,
  zYield: 17,
  zEnergy: 18,
} as const;
export const FIELDS = 19;

export interface SimulateOptions {
  seed: number;
  runFrom: number;
  runTo: number;
  /** Predictive maintenance on (advanced and performance tiers). */
  pdm: boolean;
  variation?: ModelVariation;
}

/** Outcomes for runs [runFrom, runTo): a Float64Array of (runTo − runFrom) × months × FIELDS. */
export function simulateOutcomes(model: ContractModel, o: SimulateOptions): Float64Array {
  const runs = o.runTo - o.runFrom;
  const M = model.months;
  const S = model.scheduledHPerMonth;
  const horizon = M * S;
  const out = new Float64Array(runs * M * FIELDS);
  const add = (i: number, x: number): void => {
    out[i] = out[i]! + x;
  };
  const v = o.variation ?? {};
  const lifeScale = v.lifeScale ?? 1;
  const repairScale = v.repairScale ?? 1;
  const stockoutScale = v.stockoutScale ?? 1;
  const hit = o.pdm ? Math.min(1, Math.max(0, model.pdmHitRate + (v.pdmHitRateDelta ?? 0))) : 0;
  const operatingClock = model.failureClock === "operating";
  const maxSockets = Math.max(1, ...model.presses.map((p) => p.modes.reduce((n, m) => n + m.sockets, 0)));
  const remaining = new Float64Array(maxSockets);
  const draws = new Int32Array(maxSockets);
  const modeOf = new Int32Array(maxSockets);
  for (let r = 0; r < runs; r++) {
    const run = o.runFrom + r;
    const base = r * M * FIELDS;
    for (let p = 0; p < model.presses.length; p++) {
      const press = model.presses[p]!;
      let n = 0;
      for (let mi = 0; mi < press.modes.length; mi++) {
        const mode = press.modes[mi]!;
        for (let s = 0; s < mode.sockets; s++) {
          const stream = p * 4096 + n;
          let k = 0;
          let t = -press.ageAtStartH;
          let life = lifeScale * mode.life.quantile(uniform01(o.seed, stream, run, k));
          while (t + life <= 0 && k < 100_000) {
            t += life;
            k++;
            life = lifeScale * mode.life.quantile(uniform01(o.seed, stream, run, k));
          }
          remaining[n] = t + life;
          draws[n] = k;
          modeOf[n] = mi;
          n++;
        }
      }
      let downSoFar = 0;
      for (let guard = 0; guard < 1_000_000; guard++) {
        let best = 0;
        for (let s = 1; s < n; s++) if (remaining[s]! < remaining[best]!) best = s;
        const failOp = remaining[best]!;
        const failAt = operatingClock ? failOp + downSoFar : failOp;
        if (!(failAt < horizon)) break;
        const mode = press.modes[modeOf[best]!]!;
        const stream = p * 4096 + best;
        const k = draws[best]!;
        const dim = 0x100000 + 4 * k;
        const month = Math.min(M - 1, Math.floor(failAt / S));
        const cell = base + month * FIELDS;
        let down: number;
        add(cell + F.partsCostEur, mode.partCostEur);
        if (hit > 0 && uniform01(o.seed, stream, run, dim) < hit) {
          down = mode.plannedH;
          add(cell + F.caught, 1);
          add(cell + F.plannedH, down);
          add(cell + F.labourPlannedH, mode.labourH);
          add(cell + F.lostPartsPlanned, press.partsPerH * down);
          add(cell + F.lostBasePlannedKWh, press.basePowerKW * down);
        } else {
          const repair = repairScale * repairTime(mode, uniform01(o.seed, stream, run, dim + 1));
          let wait = 0;
          if (uniform01(o.seed, stream, run, dim + 2) < mode.stockoutProbability * stockoutScale) {
            wait =
              mode.waitDistribution === "fixed"
                ? mode.waitMeanH
                : -mode.waitMeanH * Math.log(uniform01(o.seed, stream, run, dim + 3));
            add(cell + F.stockouts, 1);
          }
          down = repair + wait;
          add(cell + F.failures, 1);
          add(cell + F.repairH, repair);
          add(cell + F.waitH, wait);
          add(cell + F.labourUnplannedH, mode.labourH);
          add(cell + F.lostPartsUnplanned, press.partsPerH * down);
          add(cell + F.lostBaseUnplannedKWh, press.basePowerKW * down);
        }
        downSoFar += down;
        draws[best] = k + 1;
        remaining[best] = failOp + lifeScale * mode.life.quantile(uniform01(o.seed, stream, run, k + 1));
      }
      // Customer-caused downtime: Poisson events of fixed length per press-month (inversion of the Poisson cdf).
      if (model.customerEventsPerPressMonth > 0) {
        for (let m = 0; m < M; m++) {
          const events = poissonDraw(model.customerEventsPerPressMonth, uniform01(o.seed, 0x7fff_0000 + p, run, m));
          const h = events * model.customerEventH;
          const cell = base + m * FIELDS;
          add(cell + F.customerH, h);
          add(cell + F.lostPartsCustomer, press.partsPerH * h);
          add(cell + F.lostBaseCustomerKWh, press.basePowerKW * h);
        }
      }
    }
    for (let m = 0; m < M; m++) {
      const cell = base + m * FIELDS;
      out[cell + F.zDemand] = standardNormal(o.seed, 0x7ffe_0000, run, 3 * m);
      out[cell + F.zYield] = standardNormal(o.seed, 0x7ffe_0000, run, 3 * m + 1);
      out[cell + F.zEnergy] = standardNormal(o.seed, 0x7ffe_0000, run, 3 * m + 2);
    }
  }
  return out;
}

function repairTime(mode: { repairMeanH: number; repairDistribution: string; repairCv: number }, u: number): number {
  const mean = mode.repairMeanH;
  if (mode.repairDistribution === "fixed") return mean;
  if (mode.repairDistribution === "exponential") return -mean * Math.log(u);
  // Lognormal with the given mean and coefficient of variation.
  const s2 = Math.log(1 + mode.repairCv * mode.repairCv);
  return mean * Math.exp(Math.sqrt(s2) * normalQuantile(u) - s2 / 2);
}

function poissonDraw(mean: number, u: number): number {
  let k = 0;
  let pk = Math.exp(-mean);
  let cdf = pk;
  while (u > cdf && k < 10_000) {
    k++;
    pk *= mean / k;
    cdf += pk;
  }
  return k;
}

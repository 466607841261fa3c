import type { ComponentCard } from "../../twin-models/schemas/component.ts";
import { daysBetween } from "../fleet/calendar.ts";
import type { Fleet, FleetPress } from "../fleet/fleet.ts";
import { socketStream } from "../fleet/fleet.ts";
import { SocketSimulator } from "../fleet/socketSimulator.ts";
import { uniform01 } from "../sweep/random.ts";
import { DAYS_PER_MONTH } from "../units.ts";
import type { ComponentLife } from "../wear/component.ts";

/**
 * Spare-part demand of a fleet from its twin: which part numbers each press consumes, one realised past (the
 * demand history an EAM system would hold, and the last replacement of every socket), and the condition-based
 * forecast — a Monte Carlo of each socket's renewals from its known age under the maintenance policy, tallied
 * per part number, site, month and run.
 */

/** Mold parts are specific to the mold; every other wear part to the press model. */
const MOLD_KINDS = new Set<ComponentCard["kind"]>(["mold-ejector-pins", "mold-hot-runner-nozzle"]);

export function partNumberOf(press: FleetPress, card: ComponentCard): string {
  return `${card.partNumber}-${MOLD_KINDS.has(card.kind) ? press.mold : press.machine}`.toUpperCase();
}

export interface PartNumber {
  partNumber: string;
  cardId: string;
  kind: string;
  name: string;
  unitCostEur: number;
  leadTimeDays: number;
}

/** One site's fleet; `pressOffset` keeps press indices (and so random streams) unique across sites. */
export interface SiteFleet {
  siteId: string;
  fleet: Fleet;
  pressOffset: number;
}

/** A socket of the whole estate: where it is, what it holds, and its age model. */
export interface Socket {
  site: number;
  press: FleetPress;
  pressIndex: number;
  component: number;
  socket: number;
  part: ComponentLife;
  partNumber: number;
  /** Operating hours per calendar day at its site. */
  hoursPerDay: number;
  /** Start of its history, operating hours before the forecast date (commissioning). */
  commissionedH: number;
}

/** Every socket of every site, and the part-number table they index into. */
export function enumerateSockets(sites: SiteFleet[], asOf: string): { sockets: Socket[]; partNumbers: PartNumber[] } {
  const sockets: Socket[] = [];
  const pnIndex = new Map<string, number>();
  const partNumbers: PartNumber[] = [];
  sites.forEach((site, siteIndex) => {
    const hoursPerDay = site.fleet.operatingHoursPerDay;
    for (const press of site.fleet.presses) {
      const commissionedH = -Math.max(0, daysBetween(press.commissionedOn, asOf)) * hoursPerDay;
      press.components.forEach((part, c) => {
        const pn = partNumberOf(press, part.card);
        let idx = pnIndex.get(pn);
        if (idx === undefined) {
          idx = partNumbers.length;
          pnIndex.set(pn, idx);
          partNumbers.push({
            partNumber: pn,
            cardId: part.card.id,
            kind: part.card.kind,
            name: part.card.name,
            unitCostEur: part.card.partCostEur,
            leadTimeDays: part.card.leadTimeDays,
          });
        }
        for (let s = 0; s < part.card.perPress; s++) {
          sockets.push({
            site: siteIndex,
            press,
            pressIndex: site.pressOffset + press.index,
            component: c,
            socket: s,
            part,
            partNumber: idx,
            hoursPerDay,
            commissionedH,
          });
        }
      });
    }
  });
  return { sockets, partNumbers };
}

/** Demand series per part number and site: series[pn][site] is a Float64Array of monthly counts. */
export type DemandSeries = Float64Array[][];

export interface PastDemand {
  /** Monthly demand of the last `months` months before the forecast date, oldest first. */
  series: DemandSeries;
  months: number;
  /** Last replacement of every socket (operating hours before the forecast date, ≤ 0), in socket order. */
  lastReplacementH: Float64Array;
  /** The same, as it stood `cutMonths` before the forecast date (relative to the forecast date). */
  lastReplacementAtCutH: Float64Array;
  cutMonths: number;
}

/** The seed of the realised past, apart from the forecast runs' seed (so the past is not one of the runs). */
const PAST_SEED_MIX = 0x5eed5eed;

/**
 * One realisation of the past: every socket renewed at failure (and at its preventive age, if any) from
 * commissioning to today. Its replacements become the demand history and the replacement records — what an EAM
 * system would know about a real fleet.
 */
export function simulatePast(
  sockets: Socket[],
  partNumbers: number,
  sites: number,
  o: { months: number; cutMonths: number; seed: number; preventiveAgeH: (s: Socket) => number | null },
): PastDemand {
  const series: DemandSeries = Array.from({ length: partNumbers }, () =>
    Array.from({ length: sites }, () => new Float64Array(o.months)),
  );
  const last = new Float64Array(sockets.length);
  const lastAtCut = new Float64Array(sockets.length);
  const seed = (o.seed ^ PAST_SEED_MIX) >>> 0;
  sockets.forEach((k, i) => {
    const hoursPerMonth = k.hoursPerDay * DAYS_PER_MONTH;
    const startH = -o.months * hoursPerMonth;
    const cutH = -o.cutMonths * hoursPerMonth;
    const pm = o.preventiveAgeH(k);
    const stream = socketStream(k.pressIndex, k.component, k.socket);
    let t = k.commissionedH;
    let atCut = t;
    for (let n = 0; n < 100_000; n++) {
      const life = k.part.life.quantile(uniform01(seed, stream, 0, n));
      const renewAt = t + (pm === null ? life : Math.min(life, pm));
      if (renewAt > 0) break;
      if (renewAt > startH) {
        const month = Math.min(o.months - 1, Math.floor((renewAt - startH) / hoursPerMonth));
        series[k.partNumber]![k.site]![month]! += 1;
      }
      t = renewAt;
      if (renewAt <= cutH) atCut = renewAt;
    }
    last[i] = t;
    lastAtCut[i] = atCut;
  });
  return { series, months: o.months, lastReplacementH: last, lastReplacementAtCutH: lastAtCut, cutMonths: o.cutMonths };
}

export interface ConditionDemand {
  months: number;
  runs: number;
  /** counts[pn][site]: Float32Array of months × runs (index month·runs + run). */
  counts: Float32Array[][];
}

/**
 * The condition-based forecast: every socket's part has a known age (its last replacement) and so a conditional
 * remaining life; the Monte Carlo renews it over the horizon under the policy and tallies every replacement per
 * part number, site, month and run. `ageOffsetH` shifts the forecast date back (the backtest forecasts from a
 * past date with the records known then).
 */
export function conditionDemand(
  sockets: Socket[],
  partNumbers: number,
  sites: number,
  o: {
    lastReplacementH: Float64Array;
    months: number;
    runs: number;
    seed: number;
    preventiveAgeH: (s: Socket) => number | null;
  },
): ConditionDemand {
  const counts = Array.from({ length: partNumbers }, () =>
    Array.from({ length: sites }, () => new Float32Array(o.months * o.runs)),
  );
  const sim = new SocketSimulator(o.runs, o.months, 1);
  const startsH = new Float64Array(1);
  const recorded = Uint8Array.of(1);
  for (let i = 0; i < sockets.length; i++) {
    const k = sockets[i]!;
    startsH[0] = o.lastReplacementH[i]!;
    const pm = o.preventiveAgeH(k);
    sim.run({
      life: k.part,
      startsH,
      recorded,
      readings: [null],
      horizonH: o.months * k.hoursPerDay * DAYS_PER_MONTH,
      hoursPerMonth: k.hoursPerDay * DAYS_PER_MONTH,
      pmAgeH: pm,
      seed: o.seed,
      streamOf: () => socketStream(k.pressIndex, k.component, k.socket),
      demand: { counts: counts[k.partNumber]![k.site]!, preventive: pm !== null },
    });
  }
  return { months: o.months, runs: o.runs, counts };
}

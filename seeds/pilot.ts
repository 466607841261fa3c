/**
 * Recorded operating data for the shadow pilot of a performance contract, generated from the twin (there is no
 * real plant to record). One press's log is a sequence of state intervals that tiles its period exactly; the
 * `moldtwin pilot` KPI engine reads it in the fixed event-log format (PILOT_COLUMNS):
 *
 *   press,start,durationS,state,parts,good,scrap,rework,energyKWh,plannedUnitS,partMassG,measurement,event
 *
 * Two modes over the same plant and random streams (a mode only selects the parameter defaults, PILOT_DEFAULTS):
 *  - "baseline": the presses run as today, reactive maintenance (run to failure, spares from a plant shelf with
 *    an 80 % fill rate, no inspections), today's process settings;
 *  - "shadow": operated as if under the contract: predictive maintenance catches `pdmHitRate` of the failures
 *    ahead (done as planned maintenance, the part on hand), monthly inspections, remote process optimisation
 *    (less scrap, tighter part mass) and energy settings (lower base load).
 *
 * The model of one press (every parameter is a PilotParameters option; values are stated assumptions unless a
 * source is named next to the default):
 *  - Time runs on the press's *scheduled* clock: the plant's shiftHoursPerDay as shifts of ≤ `shiftLengthH` from
 *    `firstShiftStartHourUtc`, every calendar day (engine/fleet counts shift hours per calendar day the same way);
 *    hours outside the shifts are `non-scheduled`. Events consume scheduled time only: a repair or a wait for a
 *    part interrupted by non-scheduled hours continues in the next shift (its rows are split there and share the
 *    event id). Calendar lead times are converted to scheduled hours by × shiftHoursPerDay / 24.
 *  - Planned calendar events per press: mold changes (`setup`) every `setupIntervalDays` with a random phase;
 *    demand gaps (`no-order`) as an alternating renewal process with `noOrderShare` of scheduled time; rare
 *    `customer-caused` stops (out-of-spec material) and `engineering` trials as Poisson processes; in shadow mode
 *    monthly `planned-maintenance` inspections. Setups, trials and inspections missed while the press was down
 *    happen as soon as it is back (full duration); no-order and customer-caused windows are external: only their
 *    remainder is recorded.
 *  - Wear parts: every socket of every component of the press (engine/fleet buildFleet at `utilisation`) is a
 *    renewal process in operating hours, drawn by inversion, life = card life.quantile(u). A part wears only
 *    while the press produces (production rows are the operating clock). The part in service at the period start
 *    comes from simulating renewals from the press's commissionedOn at shiftHoursPerDay × utilisation operating
 *    hours per day, as engine/fleet does for its forecast, so its age follows the renewal process; the draws are
 *    indexed by the renewal number, so a baseline and a shadow period of the same seed share one plant history.
 *  - A failure: a `breakdown` row of the card's unplannedDowntimeH × a mean-1 lognormal factor (σ
 *    `repairTimeSigma`), then with probability 1 − `sparesFillRate` a `waiting-parts` row of the card's lead time
 *    (× a mean-1 lognormal factor σ `leadTimeSigma`, capped at `maxWaitingPartsH`: the expedite limit). Shadow:
 *    with probability `pdmHitRate` the failure is caught ahead and becomes `planned-maintenance` of the card's
 *    plannedDowntimeH (same variability), no waiting; the replacement is booked at the operating age the
 *    failure would have happened (the loss of life to the alert's lead time, median 134 h in the README's
 *    backtest, is ignored: it is < 2 % of the lives that matter). The new part's life starts there.
 *  - Production between events is split at shift boundaries. Minor stops are a Poisson process on the operating
 *    clock (mean gap `minorStopMeanGapH`, durations uniform); to keep the log one row per state interval and not
 *    per stop, the stops of one production stretch are recorded as one aggregated `minor-stop` row after its
 *    `production` row (a stop cut by the end of the stretch ends there). parts = floor(productive s × (1 −
 *    speedLoss) / cycleTimeS) × cavities; scrap and rework are Poisson counts at `scrapRatio`, `reworkRatio`
 *    (× `shiftScrapFactor` for scrap while a mass shift is on), plus `startupScrapShots` × cavities scrap in the
 *    first production row after a setup or a part replacement (breakdown or PdM planned maintenance).
 *  - Energy (Kent's base-load line E = P_base·t_on + k·kg): P_base is the press's base power (machine card, from
 *    twin-models/library/drives.ts typicalBasePowerKW) × `baseLoadFactor`, on for `baseLoadOnShare[state]` of
 *    each row; k is the process energy of a simulated shot of the press's recipe (plastication + injection +
 *    moves = perShotKWh − baseKWh) per kg of parts, so a production row at full speed reproduces the twin's
 *    energy per part.
 *  - Part mass: one sampled part per production row (at its midpoint): nominal (the twin's partMassG) × (1 +
 *    drift + shift + massSdRel·z). The drift grows linearly from each setup at ± `massDriftPerWeekRel` per week
 *    of scheduled time (sign drawn per setup); shifts of ± `massShiftSigmas` σ arrive as a Poisson process
 *    (`massShiftsPerMonth`) and last uniform(`massShiftMinH`, `massShiftMaxH`).
 *
 * Randomness: engine/sweep/random.ts uniform01 only (counter-based), one stream per socket (engine/fleet
 * socketStream: index = renewal number, dim = purpose) and per press and purpose (index = event number), so the
 * same options give byte-identical logs.
 */
import { toCsv } from "../adapters/csv.ts";
import { MoldtwinError } from "../engine/errors.ts";
import { buildFleet, type Fleet, type FleetPress, socketStream } from "../engine/fleet/fleet.ts";
import { simulateShot } from "../engine/molding/simulateShot.ts";
import { hash32, normalQuantile, uniform01 } from "../engine/sweep/random.ts";
import { DAYS_PER_MONTH } from "../engine/units.ts";
import { resolveTwin } from "../twin-models/resolve.ts";
import { PRESS_STATES } from "../twin-models/schemas/kpi.ts";
import type { Plant, PlantPress } from "../twin-models/schemas/plant.ts";

/** The event-log states: the KPI engine's (one list). */
export const PILOT_STATES = PRESS_STATES;
export type PilotState = (typeof PILOT_STATES)[number];

export type PilotMode = "baseline" | "shadow";

/** The event-log columns, in order (the format the KPI engine reads). */
export const PILOT_COLUMNS = [
  "press",
  "start",
  "durationS",
  "state",
  "parts",
  "good",
  "scrap",
  "rework",
  "energyKWh",
  "plannedUnitS",
  "partMassG",
  "measurement",
  "event",
] as const;

/** One state interval of one press. Nulls are written as empty CSV fields. */
export interface PilotRow {
  press: string;
  /** ISO 8601 UTC, whole seconds: 2026-01-05T06:00:00Z. */
  start: string;
  durationS: number;
  state: PilotState;
  parts: number;
  good: number;
  scrap: number;
  rework: number;
  energyKWh: number;
  /** Planned runtime per part, s (cycle time / cavities); production rows only. */
  plannedUnitS: number | null;
  /** Nominal part mass, g; production rows only. */
  partMassG: number | null;
  /** One sampled part mass, g; production rows only. */
  measurement: number | null;
  /**
   * Shared by a breakdown row and its waiting-parts row: `<press>-F<nnnn>-<card id>`; a part replaced ahead by
   * predictive maintenance (planned-maintenance): `<press>-P<nnnn>-<card id>`; empty otherwise.
   */
  event: string;
}

/** Every model parameter of the generator; defaults per mode in PILOT_DEFAULTS. */
export interface PilotParameters {
  /** Operating hours per scheduled hour for buildFleet's duty and the history before the period (engine/fleet default). */
  utilisation: number;
  /** Longest shift, h: shiftHoursPerDay is split into ceil(hours / shiftLengthH) equal shifts. */
  shiftLengthH: number;
  /** Start of the first shift of a day, hour of day UTC. */
  firstShiftStartHourUtc: number;
  /** Share of scheduled time without customer orders. */
  noOrderShare: number;
  noOrderMinH: number;
  noOrderMaxH: number;
  /** Mold change every this many calendar days (of scheduled time). */
  setupIntervalDays: number;
  setupMinH: number;
  setupMaxH: number;
  /** Mean operating hours between minor stops (Poisson process on the production clock). */
  minorStopMeanGapH: number;
  minorStopMinMin: number;
  minorStopMaxMin: number;
  /** Customer-caused stops (out-of-spec material, missing inserts) per press and month. */
  customerCausedPerMonth: number;
  customerCausedMinH: number;
  customerCausedMaxH: number;
  /** Engineering trials (new material lot, mold modification) per press and month. */
  engineeringPerMonth: number;
  engineeringMinH: number;
  engineeringMaxH: number;
  /** σ of the mean-1 lognormal factor on the card's unplanned and planned downtime. */
  repairTimeSigma: number;
  /** Probability that the spare is on the plant's shelf at a failure. */
  sparesFillRate: number;
  /** σ of the mean-1 lognormal factor on the card's lead time when the spare is not on the shelf. */
  leadTimeSigma: number;
  /** Longest wait for a part, h (expedited shipping or a part borrowed from a sister plant beyond it). */
  maxWaitingPartsH: number;
  /** Share of failures predictive maintenance catches ahead (0: reactive). */
  pdmHitRate: number;
  /** Planned inspections, h per press and month (0: none). */
  inspectionHPerMonth: number;
  /** Speed loss: parts made = productive time × (1 − speedLoss) / cycle time. */
  speedLoss: number;
  scrapRatio: number;
  reworkRatio: number;
  /** Scrap shots after a setup or a part replacement (breakdown, PdM planned maintenance), × cavities parts. */
  startupScrapShots: number;
  /** Scrap ratio multiplier while a part-mass shift is on. */
  shiftScrapFactor: number;
  /** Multiplier on the press's base power (energy settings: idle modes, heater insulation). */
  baseLoadFactor: number;
  /** Share of each state's time the base load is drawn (the press switched on). */
  baseLoadOnShare: Record<PilotState, number>;
  /** Part-to-part mass noise, 1 σ relative to nominal. */
  massSdRel: number;
  /** Drift of the mean part mass per week of scheduled time after a setup, relative to nominal. */
  massDriftPerWeekRel: number;
  /** Mean-mass shifts per press and month. */
  massShiftsPerMonth: number;
  /** Shift size in units of massSdRel. */
  massShiftSigmas: number;
  massShiftMinH: number;
  massShiftMaxH: number;
}

export interface PilotOptions extends Partial<Omit<PilotParameters, "baseLoadOnShare">> {
  /** Period start: YYYY-MM-DD (midnight UTC) or YYYY-MM-DDTHH:MM:SSZ. */
  from: string;
  /** Period length in calendar months (whole). */
  months: number;
  seed: number;
  mode: PilotMode;
  baseLoadOnShare?: Partial<Record<PilotState, number>>;
  /** A fleet already built from `plant` (default: buildFleet(plant, { utilisation })); tests swap lives in it. */
  fleet?: Fleet;
  /** Only these presses (default: all). */
  pressIds?: string[];
}

const ON_SHARE: Record<PilotState, number> = {
  production: 1,
  setup: 1, // heaters on for the new mold: assumed
  "minor-stop": 1,
  breakdown: 0.5, // heaters kept on while diagnosing, off for longer repairs: assumed
  "waiting-parts": 0, // press switched off: assumed
  "planned-maintenance": 0.5, // off while working, on to heat up: assumed
  "no-order": 0.3, // idles the first hours of a gap, then switched off: assumed
  "customer-caused": 1, // waiting for material, ready to run: assumed
  engineering: 1,
  "non-scheduled": 0,
};

const BASELINE: PilotParameters = {
  utilisation: 0.85, // engine/fleet FleetOptions default (README "Fleet forecast")
  shiftLengthH: 8, // 3 × 8 h shifts
  firstShiftStartHourUtc: 6,
  noOrderShare: 0.05, // assumed
  noOrderMinH: 4,
  noOrderMaxH: 16,
  setupIntervalDays: 7, // weekly mold change: assumed
  setupMinH: 1.5,
  setupMaxH: 3,
  minorStopMeanGapH: 2, // assumed
  minorStopMinMin: 2,
  minorStopMaxMin: 10,
  customerCausedPerMonth: 0.5, // assumed
  customerCausedMinH: 1,
  customerCausedMaxH: 6,
  engineeringPerMonth: 0.5, // assumed
  engineeringMinH: 2,
  engineeringMaxH: 4,
  repairTimeSigma: 0.4, // assumed
  sparesFillRate: 0.8, // assumed: a reactive plant's shelf
  leadTimeSigma: 0.3, // assumed
  maxWaitingPartsH: 336, // two weeks: assumed expedite limit
  pdmHitRate: 0,
  inspectionHPerMonth: 0,
  speedLoss: 0.03, // assumed
  scrapRatio: 0.025, // assumed
  reworkRatio: 0.005, // assumed
  startupScrapShots: 20, // assumed
  shiftScrapFactor: 2, // assumed
  baseLoadFactor: 1,
  baseLoadOnShare: ON_SHARE,
  massSdRel: 0.003, // assumed
  massDriftPerWeekRel: 0.003, // assumed: 1 σ per week
  massShiftsPerMonth: 1, // assumed
  massShiftSigmas: 2,
  massShiftMinH: 8,
  massShiftMaxH: 48,
};

/** Defaults per mode. The shadow differs only where the contract acts (maintenance, process, energy). */
export const PILOT_DEFAULTS: Readonly<Record<PilotMode, Readonly<PilotParameters>>> = {
  baseline: BASELINE,
  shadow: {
    ...BASELINE,
    sparesFillRate: 0.975, // the Case A 99 % availability spares plan's simulated fill rate (README "Spare parts")
    pdmHitRate: 0.85, // the Case A PdM backtest's hit rate is 89.2 % (README); rounded down: assumed
    inspectionHPerMonth: 2, // assumed
    scrapRatio: 0.015, // remote process optimisation: −1 pp, assumed
    startupScrapShots: 10, // remotely checked start-up recipes: assumed
    baseLoadFactor: 0.92, // idle-mode energy settings: −8 %, assumed
    massSdRel: 0.002, // assumed
    massDriftPerWeekRel: 0.001, // assumed
    massShiftsPerMonth: 0.25, // assumed
    massShiftMinH: 2, // remote monitoring corrects a shift within the shift: assumed
    massShiftMaxH: 8,
  },
};

/** Resolved parameters of a run: the mode's defaults overridden by the options. */
export function pilotParameters(options: PilotOptions): PilotParameters {
  const base = PILOT_DEFAULTS[options.mode];
  if (base === undefined) {
    throw invalid("mode", options.mode, "baseline or shadow");
  }
  const p: PilotParameters = { ...base, baseLoadOnShare: { ...base.baseLoadOnShare } };
  const out = p as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(options)) {
    if (key === "baseLoadOnShare" && value !== undefined) {
      p.baseLoadOnShare = { ...p.baseLoadOnShare, ...(value as Partial<Record<PilotState, number>>) };
    } else if (key in base && value !== undefined) {
      out[key] = value;
    }
  }
  checkParameters(p);
  return p;
}

function invalid(field: string, value: unknown, allowed: string): MoldtwinError {
  return new MoldtwinError("TWIN_ERR_VALIDATION", `pilot option ${field} = ${String(value)}: ${allowed}`, [
    { field, value, allowed },
  ]);
}

function checkParameters(p: PilotParameters): void {
  const shares = ["noOrderShare", "sparesFillRate", "pdmHitRate", "speedLoss", "scrapRatio", "reworkRatio"] as const;
  for (const k of shares) if (!(p[k] >= 0 && p[k] <= 1)) throw invalid(k, p[k], "0 ≤ x ≤ 1");
  if (!(p.noOrderShare < 1 && p.speedLoss < 1)) throw invalid("noOrderShare/speedLoss", p.noOrderShare, "< 1");
  if (!(p.utilisation > 0 && p.utilisation <= 1)) throw invalid("utilisation", p.utilisation, "0 < x ≤ 1");
  if (!(p.shiftLengthH > 0 && p.shiftLengthH <= 24)) throw invalid("shiftLengthH", p.shiftLengthH, "0 < x ≤ 24");
  for (const [k, v] of Object.entries(p)) {
    if (k === "baseLoadOnShare") continue;
    if (!(typeof v === "number" && Number.isFinite(v) && v >= 0)) throw invalid(k, v, "a finite number ≥ 0");
  }
  for (const s of PILOT_STATES) {
    const v = p.baseLoadOnShare[s];
    if (!(v >= 0 && v <= 1)) throw invalid(`baseLoadOnShare.${s}`, v, "0 ≤ x ≤ 1");
  }
  const ranges = [
    ["noOrderMinH", "noOrderMaxH"],
    ["setupMinH", "setupMaxH"],
    ["minorStopMinMin", "minorStopMaxMin"],
    ["customerCausedMinH", "customerCausedMaxH"],
    ["engineeringMinH", "engineeringMaxH"],
    ["massShiftMinH", "massShiftMaxH"],
  ] as const;
  for (const [lo, hi] of ranges) if (!(p[lo] <= p[hi])) throw invalid(lo, p[lo], `≤ ${hi} (${p[hi]})`);
}

// ---------------------------------------------------------------------------------------------------------------
// Random numbers: counter-based (engine/sweep/random.ts), one stream per socket or per press and purpose.

/** Purposes (dims) of a socket's draws; index = the renewal number of the unit. */
const SOCKET_DIM = { life: 0, repair: 1, spares: 2, pdm: 3, lead: 4 } as const;
/** Purposes of a press's streams; index = the event number within the period. */
const PRESS_PURPOSE = {
  setup: 0,
  noOrder: 1,
  customer: 2,
  engineering: 3,
  inspection: 4,
  minorStop: 5,
  yield: 6,
  measurement: 7,
  massShift: 8,
  drift: 9,
} as const;
/** Press streams live far above the socket streams (press index × 4096 + …). */
const PRESS_STREAM_BASE = 0x7000_0000;
const pressStream = (pressIndex: number, purpose: number): number =>
  (PRESS_STREAM_BASE + pressIndex * 16 + purpose) | 0;

/** Draws of one stream. */
class Stream {
  readonly seed: number;
  readonly stream: number;
  constructor(seed: number, stream: number) {
    this.seed = seed;
    this.stream = stream;
  }
  u(index: number, dim: number): number {
    return uniform01(this.seed, this.stream, index, dim);
  }
  uniform(index: number, dim: number, lo: number, hi: number): number {
    return lo + (hi - lo) * this.u(index, dim);
  }
  exponential(index: number, dim: number, mean: number): number {
    return -mean * Math.log(this.u(index, dim));
  }
  normal(index: number, dim: number): number {
    return normalQuantile(this.u(index, dim));
  }
  /** A lognormal factor with mean 1: exp(σz − σ²/2). */
  factor(index: number, dim: number, sigma: number): number {
    return sigma > 0 ? Math.exp(sigma * this.normal(index, dim) - 0.5 * sigma * sigma) : 1;
  }
  /** Poisson count by inversion (mean < 30) or the rounded normal approximation. */
  poisson(index: number, dim: number, mean: number): number {
    if (!(mean > 0)) return 0;
    const u = this.u(index, dim);
    if (mean >= 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normalQuantile(u)));
    let k = 0;
    let p = Math.exp(-mean);
    let cdf = p;
    while (u > cdf && k < 1000) {
      k++;
      p *= mean / k;
      cdf += p;
    }
    return k;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The period and its scheduled clock.

const S_PER_H = 3600;
const S_PER_DAY = 86_400;

interface Period {
  startMs: number;
  /** Calendar seconds of the period. */
  totalS: number;
}

function period(from: string, months: number): Period {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})Z)?$/.exec(from);
  const parts = m ? m.slice(1).map((x) => (x === undefined ? 0 : Number(x))) : [];
  const [y = 0, mo = 1, d = 1, hh = 0, mi = 0, ss = 0] = parts;
  const startMs = Date.UTC(y, mo - 1, d, hh, mi, ss);
  if (
    !m ||
    new Date(startMs).toISOString().slice(0, 19) !== `${from.slice(0, 10)}T${from.slice(11, 19) || "00:00:00"}`
  ) {
    throw invalid("from", from, "a date YYYY-MM-DD or a time YYYY-MM-DDTHH:MM:SSZ (UTC)");
  }
  if (!(Number.isInteger(months) && months >= 1 && months <= 600)) throw invalid("months", months, "an integer 1…600");
  const endMs = Date.UTC(y, mo - 1 + months, d, hh, mi, ss);
  return { startMs, totalS: (endMs - startMs) / 1000 };
}

/** Scheduled time as contiguous calendar blocks, and the shift starts on the scheduled clock τ. */
interface Schedule {
  /** Calendar [start, end) seconds of each block of back-to-back shifts, and the τ at its start. */
  blocks: { calStart: number; calEnd: number; tau: number }[];
  /** τ of every shift start (ascending, > 0): production rows never cross one. */
  shiftStartsTau: number[];
  /** Total scheduled seconds. */
  totalTau: number;
}

function schedule(per: Period, shiftHoursPerDay: number, p: PilotParameters): Schedule {
  const shiftsPerDay = Math.ceil(shiftHoursPerDay / p.shiftLengthH - 1e-9);
  const shifts: [number, number][] = [];
  if (shiftsPerDay > 0) {
    const shiftS = Math.round((shiftHoursPerDay * S_PER_H) / shiftsPerDay);
    const p0 = per.startMs / 1000;
    const midnight0 = Math.floor(p0 / S_PER_DAY) * S_PER_DAY;
    const days = Math.ceil(per.totalS / S_PER_DAY) + 2;
    for (let d = -1; d <= days; d++) {
      const windowStart = midnight0 + d * S_PER_DAY + Math.round(p.firstShiftStartHourUtc * S_PER_H) - p0;
      for (let i = 0; i < shiftsPerDay; i++) {
        const a = Math.max(0, windowStart + i * shiftS);
        const b = Math.min(per.totalS, windowStart + (i + 1) * shiftS);
        if (b > a) shifts.push([a, b]);
      }
    }
  }
  const blocks: Schedule["blocks"] = [];
  const shiftStartsTau: number[] = [];
  let tau = 0;
  for (const [a, b] of shifts) {
    const last = blocks[blocks.length - 1];
    if (last && last.calEnd === a) last.calEnd = b;
    else if (last && last.calEnd > a)
      continue; // overlapping windows (shift hours > 24): cannot happen, guard
    else blocks.push({ calStart: a, calEnd: b, tau });
    if (tau > 0) shiftStartsTau.push(tau);
    tau += b - a;
  }
  return { blocks, shiftStartsTau, totalTau: tau };
}

// ---------------------------------------------------------------------------------------------------------------
// One press.

/** What the generator needs of a press beyond its fleet entry: the recipe's shot. */
interface PressModel {
  press: FleetPress;
  cycleTimeS: number;
  cavities: number;
  partMassG: number;
  plannedUnitS: number;
  /** Base power as the twin draws it (machine card), kW. */
  basePowerKW: number;
  /** Process energy (plastication + injection + moves) per kg of parts, kWh/kg. */
  processKWhPerKg: number;
}

function pressModels(plant: Plant, fleet: Fleet): PressModel[] {
  const base: PlantPress[] = plant.cells.flatMap((c) => c.presses);
  const cache = new Map<string, Omit<PressModel, "press">>();
  return fleet.presses.map((press) => {
    const plantPress = base[press.index % base.length]!;
    const key = JSON.stringify([press.machine, press.mold, press.material, plantPress.settings]);
    let shared = cache.get(key);
    if (!shared) {
      const twin = resolveTwin(
        { machine: press.machine, mold: press.mold, material: press.material },
        `plant.presses.${press.id}`,
      );
      const shot = simulateShot(twin, plantPress.settings);
      const cavities = press.duty.cavities;
      const partMassG = shot.pack.partMassG;
      const processKWhPerShot = shot.energy.perShotKWh - shot.energy.baseKWh;
      shared = {
        cycleTimeS: shot.cycle.cycleTimeS,
        cavities,
        partMassG,
        plannedUnitS: shot.cycle.cycleTimeS / cavities,
        basePowerKW: twin.machine.basePowerKW,
        processKWhPerKg: processKWhPerShot / ((cavities * partMassG) / 1000),
      };
      cache.set(key, shared);
    }
    return { press, ...shared };
  });
}

interface TauRow {
  tau: number;
  durS: number;
  state: PilotState;
  parts: number;
  good: number;
  scrap: number;
  rework: number;
  processKWh: number;
  measurement: number | null;
  event: string;
}

interface Planned {
  tau: number;
  durS: number;
  state: PilotState;
  /** External window (no-order, customer-caused): only the part after the press is back is recorded. */
  fixed: boolean;
  setup: boolean;
}

interface Socket {
  part: FleetPress["components"][number];
  stream: Stream;
  /** Renewal number of the unit in service (0 = the part fitted at commissioning). */
  k: number;
  /** Operating second (period clock) at which the unit in service fails. */
  failOpS: number;
}

/** Guard against a card error (a life near zero): most renewals one socket may see. */
const MAX_RENEWALS = 100_000;

const lifeS = (socket: Socket): number => {
  const h = socket.part.life.quantile(socket.stream.u(socket.k, SOCKET_DIM.life));
  return Math.max(1, Math.ceil(h * S_PER_H));
};

function sockets(model: PressModel, seed: number, historyH: number): Socket[] {
  const out: Socket[] = [];
  model.press.components.forEach((part, c) => {
    for (let s = 0; s < part.card.perPress; s++) {
      const stream = new Stream(seed, socketStream(model.press.index, c, s));
      const socket: Socket = { part, stream, k: 0, failOpS: 0 };
      // Renewals from commissioning to the period start, in operating hours.
      let t = 0;
      let life = lifeS(socket) / S_PER_H;
      while (t + life <= historyH && socket.k < MAX_RENEWALS) {
        t += life;
        socket.k++;
        life = lifeS(socket) / S_PER_H;
      }
      socket.failOpS = Math.max(1, Math.ceil((t + life - historyH) * S_PER_H));
      out.push(socket);
    }
  });
  return out;
}

/** Poisson-process event times on [0, totalTau) with mean gap `gapS` (none when gapS is not finite). */
function poissonTimes(stream: Stream, gapS: number, totalTau: number, dim: number): number[] {
  const out: number[] = [];
  if (!(gapS > 0 && Number.isFinite(gapS))) return out;
  let t = 0;
  for (let i = 0; ; i++) {
    t += stream.exponential(i, dim, gapS);
    if (t >= totalTau) return out;
    out.push(t);
  }
}

function plannedEvents(
  pressIndex: number,
  seed: number,
  p: PilotParameters,
  sched: Schedule,
  scheduledSPerDay: number,
): Planned[] {
  const total = sched.totalTau;
  const monthS = DAYS_PER_MONTH * scheduledSPerDay;
  const out: Planned[] = [];
  const h = (x: number): number => Math.max(1, Math.round(x * S_PER_H));
  // Mold changes: every setupIntervalDays, random phase.
  const setupS = p.setupIntervalDays * scheduledSPerDay;
  if (setupS > 0) {
    const st = new Stream(seed, pressStream(pressIndex, PRESS_PURPOSE.setup));
    for (let i = 0, t = st.u(0, 0) * setupS; t < total; i++, t += setupS) {
      out.push({
        tau: Math.round(t),
        durS: h(st.uniform(i, 1, p.setupMinH, p.setupMaxH)),
        state: "setup",
        fixed: false,
        setup: true,
      });
    }
  }
  // Demand gaps: alternating renewal process, share = mean block / (mean block + mean gap).
  if (p.noOrderShare > 0) {
    const st = new Stream(seed, pressStream(pressIndex, PRESS_PURPOSE.noOrder));
    const meanBlockS = ((p.noOrderMinH + p.noOrderMaxH) / 2) * S_PER_H;
    const meanGapS = (meanBlockS * (1 - p.noOrderShare)) / p.noOrderShare;
    let t = st.exponential(0, 0, meanGapS);
    for (let i = 0; t < total; i++) {
      const durS = h(st.uniform(i, 1, p.noOrderMinH, p.noOrderMaxH));
      out.push({ tau: Math.round(t), durS, state: "no-order", fixed: true, setup: false });
      t += durS + st.exponential(i + 1, 0, meanGapS);
    }
  }
  const poissonEvents = (
    purpose: number,
    perMonth: number,
    lo: number,
    hi: number,
    state: PilotState,
    fixed: boolean,
  ): void => {
    const st = new Stream(seed, pressStream(pressIndex, purpose));
    poissonTimes(st, monthS / perMonth, total, 0).forEach((t, i) => {
      out.push({ tau: Math.round(t), durS: h(st.uniform(i, 1, lo, hi)), state, fixed, setup: false });
    });
  };
  const { customerCausedMinH: cLo, customerCausedMaxH: cHi, engineeringMinH: eLo, engineeringMaxH: eHi } = p;
  poissonEvents(PRESS_PURPOSE.customer, p.customerCausedPerMonth, cLo, cHi, "customer-caused", true);
  poissonEvents(PRESS_PURPOSE.engineering, p.engineeringPerMonth, eLo, eHi, "engineering", false);
  // Inspections: monthly, random phase.
  if (p.inspectionHPerMonth > 0 && monthS > 0) {
    const st = new Stream(seed, pressStream(pressIndex, PRESS_PURPOSE.inspection));
    for (let t = st.u(0, 0) * monthS; t < total; t += monthS) {
      out.push({
        tau: Math.round(t),
        durS: h(p.inspectionHPerMonth),
        state: "planned-maintenance",
        fixed: false,
        setup: false,
      });
    }
  }
  return out.sort((a, b) => a.tau - b.tau); // stable: ties keep the order above
}

interface MassShift {
  from: number;
  to: number;
  rel: number;
}

function massShifts(pressIndex: number, seed: number, p: PilotParameters, total: number, monthS: number): MassShift[] {
  const st = new Stream(seed, pressStream(pressIndex, PRESS_PURPOSE.massShift));
  if (!(p.massShiftsPerMonth > 0)) return [];
  return poissonTimes(st, monthS / p.massShiftsPerMonth, total, 0).map((t, i) => ({
    from: t,
    to: t + st.uniform(i, 1, p.massShiftMinH, p.massShiftMaxH) * S_PER_H,
    rel: (st.u(i, 2) < 0.5 ? -1 : 1) * p.massShiftSigmas * p.massSdRel,
  }));
}

function simulatePress(
  model: PressModel,
  p: PilotParameters,
  sched: Schedule,
  seed: number,
  calendarSeed: number,
  historyH: number,
  scheduledSPerDay: number,
): TauRow[] {
  const { press } = model;
  const total = sched.totalTau;
  const monthS = DAYS_PER_MONTH * scheduledSPerDay;
  const weekS = 7 * scheduledSPerDay;
  const rows: TauRow[] = [];
  const socks = sockets(model, seed, historyH);
  const planned = plannedEvents(press.index, calendarSeed, p, sched, scheduledSPerDay);
  const shifts = massShifts(press.index, calendarSeed, p, total, monthS);
  const minor = new Stream(calendarSeed, pressStream(press.index, PRESS_PURPOSE.minorStop));
  const yieldStream = new Stream(calendarSeed, pressStream(press.index, PRESS_PURPOSE.yield));
  const measure = new Stream(calendarSeed, pressStream(press.index, PRESS_PURPOSE.measurement));
  const drift = new Stream(calendarSeed, pressStream(press.index, PRESS_PURPOSE.drift));
  const minorGapS = p.minorStopMeanGapH * S_PER_H;

  let t = 0; // scheduled clock τ, s
  let op = 0; // operating clock (production seconds in the period)
  let nextPlanned = 0;
  let nextShift = 0;
  let stopIndex = 0;
  let nextStopOp = minorGapS > 0 ? Math.ceil(minor.exponential(0, 0, minorGapS)) : Number.POSITIVE_INFINITY;
  let productionRows = 0;
  let failures = 0;
  let caught = 0;
  let startup = false;
  // Mass drift since the last setup (the one before the period at a random time within an interval).
  let setups = 0;
  let driftFrom = -drift.u(0, 0) * weekS * (p.setupIntervalDays / 7);
  let driftSign = drift.u(0, 1) < 0.5 ? -1 : 1;

  const push = (durS: number, state: PilotState, event = ""): void => {
    const d = Math.min(durS, total - t);
    if (d <= 0) return;
    rows.push({
      tau: t,
      durS: d,
      state,
      parts: 0,
      good: 0,
      scrap: 0,
      rework: 0,
      processKWh: 0,
      measurement: null,
      event,
    });
    t += d;
  };

  const produce = (productiveS: number, grossFrom: number): void => {
    const shots = Math.floor((productiveS * (1 - p.speedLoss)) / model.cycleTimeS);
    const parts = shots * model.cavities;
    const mid = grossFrom + productiveS / 2;
    const shift = shifts.find((s) => s.from <= mid && mid < s.to);
    const i = productionRows++;
    const scrapP = Math.min(1, p.scrapRatio * (shift ? p.shiftScrapFactor : 1));
    let scrap = Math.min(parts, yieldStream.poisson(i, 0, parts * scrapP));
    if (startup && parts > 0) {
      scrap = Math.min(parts, scrap + p.startupScrapShots * model.cavities);
      startup = false;
    }
    const rework = Math.min(parts - scrap, yieldStream.poisson(i, 1, parts * p.reworkRatio));
    const driftRel = (driftSign * p.massDriftPerWeekRel * (mid - driftFrom)) / weekS;
    const noise = p.massSdRel * measure.normal(i, 0);
    const mass = model.partMassG * (1 + driftRel + (shift?.rel ?? 0) + noise);
    rows.push({
      tau: grossFrom,
      durS: productiveS,
      state: "production",
      parts,
      good: parts - scrap - rework,
      scrap,
      rework,
      processKWh: (model.processKWhPerKg * parts * model.partMassG) / 1000,
      measurement: mass,
      event: "",
    });
  };

  const fail = (socket: Socket): void => {
    const card = socket.part.card;
    const k = socket.k;
    const st = socket.stream;
    if (p.pdmHitRate > 0 && st.u(k, SOCKET_DIM.pdm) < p.pdmHitRate) {
      // A part replaced ahead: its id (like a failure's) says which part was bought.
      caught++;
      push(
        Math.max(1, Math.round(card.plannedDowntimeH * S_PER_H * st.factor(k, SOCKET_DIM.repair, p.repairTimeSigma))),
        "planned-maintenance",
        `${press.id}-P${String(caught).padStart(4, "0")}-${card.id}`,
      );
    } else {
      failures++;
      const event = `${press.id}-F${String(failures).padStart(4, "0")}-${card.id}`;
      const repairS = card.unplannedDowntimeH * S_PER_H * st.factor(k, SOCKET_DIM.repair, p.repairTimeSigma);
      push(Math.max(1, Math.round(repairS)), "breakdown", event);
      if (st.u(k, SOCKET_DIM.spares) >= p.sparesFillRate) {
        const leadH = card.leadTimeDays * 24 * st.factor(k, SOCKET_DIM.lead, p.leadTimeSigma);
        const waitS = Math.min(leadH, p.maxWaitingPartsH) * scheduledSPerDay;
        push(Math.max(1, Math.round(waitS / 24)), "waiting-parts", event);
      }
    }
    socket.k++;
    socket.failOpS = socket.k < MAX_RENEWALS ? op + lifeS(socket) : Number.POSITIVE_INFINITY;
    startup = true;
  };

  while (t < total) {
    const ev = planned[nextPlanned];
    if (ev !== undefined && ev.tau <= t) {
      nextPlanned++;
      const durS = ev.fixed ? ev.tau + ev.durS - t : ev.durS;
      push(durS, ev.state);
      if (ev.setup) {
        setups++;
        driftFrom = t;
        driftSign = drift.u(setups, 1) < 0.5 ? -1 : 1;
        startup = true;
      }
      continue;
    }
    // Production until the next planned event, shift start or period end, or a failure.
    while (nextShift < sched.shiftStartsTau.length && sched.shiftStartsTau[nextShift]! <= t) nextShift++;
    const limit = Math.min(ev?.tau ?? total, sched.shiftStartsTau[nextShift] ?? total, total);
    let first = socks[0];
    for (const s of socks) if (first === undefined || s.failOpS < first.failOpS) first = s;
    const failOp = first?.failOpS ?? Number.POSITIVE_INFINITY;
    const from = t;
    let productive = 0;
    let stopped = 0;
    let failed = false;
    while (t < limit) {
      if (op >= failOp) {
        failed = true;
        break;
      }
      if (op >= nextStopOp) {
        const d = Math.max(1, Math.round(minor.uniform(stopIndex, 1, p.minorStopMinMin, p.minorStopMaxMin) * 60));
        const taken = Math.min(d, limit - t);
        stopped += taken;
        t += taken;
        stopIndex++;
        nextStopOp += Math.max(1, Math.ceil(minor.exponential(stopIndex, 0, minorGapS)));
        continue;
      }
      const dp = Math.min(nextStopOp - op, failOp - op, limit - t);
      productive += dp;
      op += dp;
      t += dp;
    }
    if (!failed && op >= failOp && t === limit) failed = true;
    // A stretch too short to complete one cycle made no part: it is recorded with the stops (the press ran, so
    // its parts still wear: < one cycle time per such stretch).
    if (productive > 0 && Math.floor((productive * (1 - p.speedLoss)) / model.cycleTimeS) === 0) {
      stopped += productive;
      productive = 0;
    }
    if (productive > 0) produce(productive, from);
    if (stopped > 0) {
      rows.push({
        tau: from + productive,
        durS: stopped,
        state: "minor-stop",
        parts: 0,
        good: 0,
        scrap: 0,
        rework: 0,
        processKWh: 0,
        measurement: null,
        event: "",
      });
    }
    if (failed && first !== undefined && t < total) fail(first);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// The log.

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

const iso = (ms: number): string => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/**
 * The recorded log of a plant over a period: one row per state interval per press, presses in fleet order,
 * rows in time order, tiling [from, from + months) exactly.
 */
export function generatePilotLog(plant: Plant, options: PilotOptions): PilotRow[] {
  const p = pilotParameters(options);
  const per = period(options.from, options.months);
  if (!Number.isInteger(options.seed)) throw invalid("seed", options.seed, "an integer");
  const fleet = options.fleet ?? buildFleet(plant, { utilisation: p.utilisation });
  const sched = schedule(per, plant.shiftHoursPerDay, p);
  const scheduledSPerDay = plant.shiftHoursPerDay * S_PER_H;
  // Calendar draws differ between periods (a new quarter has other demand gaps); wear-part draws do not.
  const calendarSeed = hash32(options.seed, 0x5eed, Math.floor(per.startMs / 1000 / S_PER_DAY), 1) | 0;
  const wanted = options.pressIds === undefined ? null : new Set(options.pressIds);
  if (wanted) {
    for (const id of wanted) {
      if (!fleet.presses.some((fp) => fp.id === id)) throw invalid("pressIds", id, "a press id of the plant");
    }
  }
  const out: PilotRow[] = [];
  for (const model of pressModels(plant, fleet)) {
    const press = model.press;
    if (wanted && !wanted.has(press.id)) continue;
    const commissionedMs = Date.parse(`${press.commissionedOn}T00:00:00Z`);
    const historyH = (Math.max(0, per.startMs - commissionedMs) / 86_400_000) * fleet.operatingHoursPerDay;
    const tauRows = simulatePress(model, p, sched, options.seed, calendarSeed, historyH, scheduledSPerDay);
    const baseKW = model.basePowerKW * p.baseLoadFactor;
    const emit = (calStart: number, durS: number, r: TauRow | null): void => {
      const state: PilotState = r?.state ?? "non-scheduled";
      const production = state === "production";
      const energy = (baseKW * p.baseLoadOnShare[state] * durS) / S_PER_H + (r?.processKWh ?? 0);
      out.push({
        press: press.id,
        start: iso(per.startMs + calStart * 1000),
        durationS: durS,
        state,
        parts: r?.parts ?? 0,
        good: r?.good ?? 0,
        scrap: r?.scrap ?? 0,
        rework: r?.rework ?? 0,
        energyKWh: round(energy, 3),
        plannedUnitS: production ? round(model.plannedUnitS, 4) : null,
        partMassG: production ? round(model.partMassG, 4) : null,
        measurement: production && r?.measurement != null ? round(r.measurement, 4) : null,
        event: r?.event ?? "",
      });
    };
    // Map the scheduled clock back to the calendar, with non-scheduled rows between blocks. Production rows never
    // cross a block end (it is a shift start); other rows are split there.
    let cal = 0;
    let ri = 0;
    let offset = 0; // seconds of tauRows[ri] already emitted
    for (const block of sched.blocks) {
      if (block.calStart > cal) emit(cal, block.calStart - cal, null);
      cal = block.calStart;
      while (cal < block.calEnd) {
        const r = tauRows[ri];
        if (r === undefined) break;
        const d = Math.min(r.durS - offset, block.calEnd - cal);
        emit(cal, d, offset === 0 && d === r.durS ? r : { ...r, processKWh: 0 });
        cal += d;
        offset += d;
        if (offset >= r.durS) {
          ri++;
          offset = 0;
        }
      }
      cal = block.calEnd;
    }
    if (per.totalS > cal) emit(cal, per.totalS - cal, null);
  }
  return out;
}

/** The log as CSV text (RFC 4180, CRLF, header row), the columns of PILOT_COLUMNS. */
export function pilotCsv(rows: PilotRow[]): string {
  return toCsv(rows, [...PILOT_COLUMNS]);
}

/** Fleet totals of a log, normalised per press-month (mean Gregorian month) where it says so. */
export interface PilotSummary {
  presses: number;
  pressMonths: number;
  hoursByState: Record<PilotState, number>;
  breakdowns: number;
  breakdownH: number;
  waitingPartsH: number;
  plannedMaintenanceH: number;
  breakdownHPerPressMonth: number;
  waitingPartsHPerPressMonth: number;
  plannedMaintenanceHPerPressMonth: number;
  parts: number;
  good: number;
  scrap: number;
  rework: number;
  scrapPct: number;
  reworkPct: number;
  energyKWh: number;
  kWhPerPart: number;
  kWhPerGoodPart: number;
}

export function summarizePilotLog(rows: readonly PilotRow[]): PilotSummary {
  const hoursByState = Object.fromEntries(PILOT_STATES.map((s) => [s, 0])) as Record<PilotState, number>;
  const presses = new Set<string>();
  const events = new Set<string>();
  let totalS = 0;
  let parts = 0;
  let good = 0;
  let scrap = 0;
  let rework = 0;
  let energyKWh = 0;
  for (const r of rows) {
    presses.add(r.press);
    hoursByState[r.state] += r.durationS / S_PER_H;
    totalS += r.durationS;
    parts += r.parts;
    good += r.good;
    scrap += r.scrap;
    rework += r.rework;
    energyKWh += r.energyKWh;
    if (r.state === "breakdown") events.add(r.event);
  }
  const pressMonths = totalS / (DAYS_PER_MONTH * S_PER_DAY);
  const perPm = (h: number): number => (pressMonths > 0 ? h / pressMonths : 0);
  return {
    presses: presses.size,
    pressMonths,
    hoursByState,
    breakdowns: events.size,
    breakdownH: hoursByState.breakdown,
    waitingPartsH: hoursByState["waiting-parts"],
    plannedMaintenanceH: hoursByState["planned-maintenance"],
    breakdownHPerPressMonth: perPm(hoursByState.breakdown),
    waitingPartsHPerPressMonth: perPm(hoursByState["waiting-parts"]),
    plannedMaintenanceHPerPressMonth: perPm(hoursByState["planned-maintenance"]),
    parts,
    good,
    scrap,
    rework,
    scrapPct: parts > 0 ? (100 * scrap) / parts : 0,
    reworkPct: parts > 0 ? (100 * rework) / parts : 0,
    energyKWh,
    kWhPerPart: parts > 0 ? energyKWh / parts : 0,
    kWhPerGoodPart: good > 0 ? energyKWh / good : 0,
  };
}

import { hoursOf } from "./time.ts";
import { stateMs, type Totals } from "./totals.ts";

/**
 * ISO 22400-2, Nakajima (TPM) and SEMI E10 views of the same time buckets (totals.ts). Sources: the ISO 22400-2
 * formulas as given by the HSU ontology `hsu-aut/IndustrialStandard-ODP-ISO22400-2` (ISO22400-2.owl v2.0.0); the
 * six big losses after Nakajima, *Introduction to TPM* (1988) as summarised by oeetoolkit.com; SEMI E10 states and
 * uptime definitions after the E10 abstract and E10-92 glossary (chemiplus.net) — all collected in
 * shared/reference/contracts-kpi.md §1.1–1.3. The E10 standard text is paywalled: its definitions here are marked
 * "(E10, to confirm)" where the public sources do not spell out the formula.
 *
 * State mapping (the whole point: one log, three standards, every hour accounted for):
 *
 * | log state           | ISO 22400-2                  | Nakajima (six big losses)        | SEMI E10             |
 * |---------------------|------------------------------|----------------------------------|----------------------|
 * | production          | APT                          | operating time (run)             | PRD                  |
 * | setup               | ASUT                         | setup & adjustment loss          | SDT                  |
 * | minor-stop          | ADET                         | minor stops (performance loss)   | UDT (assist)         |
 * | breakdown           | ADET                         | breakdown loss                   | UDT, supplier        |
 * | waiting-parts       | ADET                         | breakdown loss                   | UDT, supplier (maintenance delay) |
 * | planned-maintenance | planned downtime (POT − PBT) | planned downtime (not loading)   | SDT                  |
 * | engineering         | planned downtime (POT − PBT) | planned downtime (not loading)   | ENG                  |
 * | no-order            | ADOT                         | planned downtime (not loading)   | SBY                  |
 * | customer-caused     | ADOT                         | external stop (availability loss, not one of the six) | UDT, user |
 * | non-scheduled       | outside POT                  | outside calendar loading         | NST                  |
 * | unrecorded (gap)    | in PBT, in neither AUBT nor ADOT | external stop                | UDT, supplier        |
 *
 * ISO 22400-2 time elements: POT = window − non-scheduled; PDT (planned downtime) = planned-maintenance +
 * engineering; PBT = POT − PDT; APT = production; ASUT = setup; AUPT = APT + ASUT; ADET = minor-stop + breakdown +
 * waiting-parts; ADOT = no-order + customer-caused; AUBT = APT + ASUT + ADET; so PBT = AUBT + ADOT + unrecorded.
 * Engineering (trials, process development) is planned, not run for a production order: planned downtime.
 * Unrecorded time stays in PBT and counts against every availability: a gap in the log is never assumed to be good
 * time (fill the log or narrow the window). The counts PQ, GQ, SQ, RQ include parts logged on any row (start-up
 * shots logged during setup count too), and so does the ideal time Σ PRU × PQ.
 *
 * Every ratio with a zero denominator is null, with a note saying which denominator was zero.
 */

export interface Iso22400 {
  timesH: {
    POT: number;
    PDT: number;
    PBT: number;
    APT: number;
    ASUT: number;
    AUPT: number;
    ADET: number;
    ADOT: number;
    AUBT: number;
    unrecorded: number;
  };
  /** APT / PBT. */
  availability: number | null;
  /** PRU × PQ / APT; may exceed 1 (planned cycle longer than the actual one), never clamped. */
  effectiveness: number | null;
  /** GQ / PQ. */
  qualityRatio: number | null;
  /** availability × effectiveness × qualityRatio. */
  oee: number | null;
  /** AUPT / PBT × effectiveness × qualityRatio. */
  nee: number | null;
  /** APT / (APT + ADET). */
  technicalEfficiency: number | null;
  /** ASUT / AUPT. */
  setupRate: number | null;
  /** APT / AUBT. */
  utilisationEfficiency: number | null;
  /** AUBT / PBT. */
  allocationEfficiency: number | null;
  /** SQ / PQ. */
  scrapRatio: number | null;
  /** RQ / PQ. */
  reworkRatio: number | null;
  /** APT / FE (h): operating time per failure event, divisor FE. */
  mtbfH: number | null;
  /** Σ TTR / FE (h): time to restoration incl. waiting for parts. */
  mttrH: number | null;
  /** Comprehensive energy consumption: all energy in the window / PQ (kWh per part). */
  comprehensiveEnergyKWhPerPart: number | null;
  /** All energy in the window / produced mass (kWh/kg), when every producing row has a part mass. */
  energyKWhPerKg: number | null;
}

export interface Nakajima {
  timesH: {
    /** Calendar − non-scheduled − planned-maintenance − engineering − no-order. */
    loading: number;
    /** Loading − breakdowns − external stops − setup = production + minor stops. */
    operating: number;
    /** Operating − minor stops − reduced speed = ideal time of the produced parts, Σ PRU × PQ. */
    netOperating: number | null;
    /** Net operating − scrap − rework = ideal time of the good parts, Σ PRU × GQ. */
    valuableOperating: number | null;
  };
  lossesH: {
    breakdowns: number;
    setupAdjustment: number;
    minorStops: number;
    reducedSpeed: number | null;
    scrap: number | null;
    reworkStartup: number | null;
    /** Not one of the six: customer-caused stops and unrecorded time inside the loading time. */
    externalStops: number;
  };
  /** Operating / loading. */
  availability: number | null;
  /** Ideal time of the produced parts / operating time (ideal cycle × total count / run time). */
  performance: number | null;
  /** Good / total count. */
  quality: number | null;
  oee: number | null;
}

export interface SemiE10 {
  statesH: { PRD: number; SBY: number; ENG: number; SDT: number; UDT: number; NST: number };
  /** UDT split: user-caused (customer-caused) and supplier/equipment-caused (the rest, incl. waiting-parts, gaps). */
  udtH: { user: number; supplier: number; maintenanceDelay: number };
  totalTimeH: number;
  /** Total time − NST. */
  operationsTimeH: number;
  /** PRD + SBY + ENG. */
  uptimeH: number;
  /** Uptime / total time. */
  totalUptime: number | null;
  /** Uptime / operations time. */
  operationalUptime: number | null;
  /** Uptime / (operations time − user downtime − maintenance delay) (E10, to confirm). */
  equipmentDependentUptime: number | null;
  /**
   * The contract availability: (PRD + ENG) / (operations time − customer-caused − no-order) = (PRD + ENG) /
   * (PRD + ENG + SDT + supplier UDT). Customer-caused downtime and idle time without orders are excluded; waiting
   * for parts (supplier logistics) and unrecorded time count against the supplier.
   */
  supplierDependentUptime: number | null;
  /** PRD / total time. */
  totalUtilisation: number | null;
  /** PRD / operations time. */
  operationalUtilisation: number | null;
  /** MTBF_p = PRD / failures (h of productive time per failure). */
  mtbfPH: number | null;
  /** MTTR = Σ active repair (breakdown) time / failures (h); waiting for parts is maintenance delay, not repair. */
  mttrH: number | null;
  /** MTBA_p = PRD / assists (minor stops). */
  mtbaPH: number | null;
  /** Inherent availability MTBF_p / (MTBF_p + MTTR). */
  inherentAvailability: number | null;
}

export interface Derived {
  iso22400: Iso22400;
  nakajima: Nakajima;
  semiE10: SemiE10;
}

/** a / b, or null with a note when b = 0 (or a is already null). */
function ratioFn(notes: string[]) {
  return (what: string, num: number | null, den: number, denName: string | null): number | null => {
    if (num === null) return null;
    if (den === 0) {
      if (denName !== null) notes.push(`${what} is null: ${denName} = 0`);
      return null;
    }
    return num / den;
  };
}

const product = (...xs: (number | null)[]): number | null =>
  xs.some((x) => x === null) ? null : xs.reduce<number>((p, x) => p * x!, 1);

/** All three views from one press's (or the fleet's summed) totals. */
export function deriveKpis(t: Totals, notes: string[]): Derived {
  const ratio = ratioFn(notes);
  const h = (ms: number): number => hoursOf(ms);
  const pruComplete = t.rowsMissingPru === 0;
  if (!pruComplete) {
    notes.push(
      `${t.rowsMissingPru} row(s) with parts have no plannedUnitS (first: ${t.firstMissingPru}): ISO effectiveness, OEE, NEE and Nakajima performance, speed and quality losses are null`,
    );
  }
  const massComplete = t.rowsMissingMass === 0;
  if (!massComplete) {
    notes.push(
      `${t.rowsMissingMass} row(s) with parts have no partMassG (first: ${t.firstMissingMass}): kg figures and kWh/kg are null`,
    );
  }
  if (t.failureEvents === 0) {
    notes.push(
      "no failure event in the window: MTBF and MTTR (ISO 22400 and SEMI E10) and inherent availability are null",
    );
  }
  if (t.assists === 0) notes.push("no minor stop (assist) in the window: SEMI E10 MTBA_p is null");
  if (t.ms.unrecorded > 0) {
    notes.push(
      `${h(t.ms.unrecorded)} h of the window are unrecorded (gaps in the log): counted against every availability (ISO PBT, Nakajima loading time, SEMI E10 supplier UDT)`,
    );
  }

  // ISO 22400-2 time elements (mapping table above).
  const potMs = t.calendarMs - t.ms["non-scheduled"];
  const pdtMs = stateMs(t, "planned-maintenance", "engineering");
  const pbtMs = potMs - pdtMs;
  const aptMs = t.ms.production;
  const asutMs = t.ms.setup;
  const aduptMs = aptMs + asutMs;
  const adetMs = stateMs(t, "minor-stop", "breakdown", "waiting-parts");
  const adotMs = stateMs(t, "no-order", "customer-caused");
  const aubtMs = aptMs + asutMs + adetMs;
  const idealS = pruComplete ? t.idealS : null;
  const aptS = aptMs / 1000;

  const availability = ratio("ISO 22400 availability APT/PBT", aptMs, pbtMs, "PBT");
  const effectiveness = ratio("ISO 22400 effectiveness PRU×PQ/APT", idealS, aptS, "APT");
  const qualityRatio = ratio("ISO 22400 quality ratio GQ/PQ", t.goodParts, t.producedParts, "PQ");
  const iso22400: Iso22400 = {
    timesH: {
      POT: h(potMs),
      PDT: h(pdtMs),
      PBT: h(pbtMs),
      APT: h(aptMs),
      ASUT: h(asutMs),
      AUPT: h(aduptMs),
      ADET: h(adetMs),
      ADOT: h(adotMs),
      AUBT: h(aubtMs),
      unrecorded: h(t.ms.unrecorded),
    },
    availability,
    effectiveness,
    qualityRatio,
    oee: product(availability, effectiveness, qualityRatio),
    nee: product(ratio("ISO 22400 NEE AUPT/PBT", aduptMs, pbtMs, "PBT"), effectiveness, qualityRatio),
    technicalEfficiency: ratio("ISO 22400 technical efficiency APT/(APT+ADET)", aptMs, aptMs + adetMs, "APT + ADET"),
    setupRate: ratio("ISO 22400 setup rate ASUT/AUPT", asutMs, aduptMs, "AUPT"),
    utilisationEfficiency: ratio("ISO 22400 utilisation efficiency APT/AUBT", aptMs, aubtMs, "AUBT"),
    allocationEfficiency: ratio("ISO 22400 allocation efficiency AUBT/PBT", aubtMs, pbtMs, "PBT"),
    scrapRatio: ratio("ISO 22400 scrap ratio SQ/PQ", t.scrapParts, t.producedParts, "PQ"),
    reworkRatio: ratio("ISO 22400 rework ratio RQ/PQ", t.reworkParts, t.producedParts, "PQ"),
    mtbfH: ratio("ISO 22400 MTBF APT/FE", h(aptMs), t.failureEvents, null),
    mttrH: ratio("ISO 22400 MTTR ΣTTR/FE", h(t.restorationMs), t.failureEvents, null),
    comprehensiveEnergyKWhPerPart: ratio(
      "ISO 22400 comprehensive energy consumption kWh/PQ",
      t.energyKWh,
      t.producedParts,
      "PQ",
    ),
    energyKWhPerKg: massComplete ? ratio("energy per kg kWh/kg", t.energyKWh, t.producedMassKg, "produced mass") : null,
  };

  // Nakajima: loading time = calendar − planned downtime (no production planned: non-scheduled, planned
  // maintenance, engineering, no orders). Availability losses: breakdowns (breakdown + waiting-parts), setup &
  // adjustment, and the external stops (customer-caused + unrecorded). Performance losses: minor stops and reduced
  // speed = run time − ideal time of the produced parts − minor stops. Quality losses at the ideal rate: scrap
  // Σ PRU × SQ and rework/start-up Σ PRU × RQ.
  const loadingMs = t.calendarMs - stateMs(t, "non-scheduled", "planned-maintenance", "engineering", "no-order");
  const breakdownsMs = stateMs(t, "breakdown", "waiting-parts");
  const externalMs = stateMs(t, "customer-caused", "unrecorded");
  const operatingMs = loadingMs - breakdownsMs - externalMs - asutMs; // = production + minor-stop
  const netS = idealS;
  const valuableS = pruComplete ? t.idealGoodS : null;
  const nAvailability = ratio("Nakajima availability operating/loading", operatingMs, loadingMs, "loading time");
  const performance = ratio("Nakajima performance ideal/operating", netS, operatingMs / 1000, "operating time");
  const quality = ratio("Nakajima quality good/total", t.goodParts, t.producedParts, "total count");
  const nakajima: Nakajima = {
    timesH: {
      loading: h(loadingMs),
      operating: h(operatingMs),
      netOperating: netS === null ? null : netS / 3600,
      valuableOperating: valuableS === null ? null : valuableS / 3600,
    },
    lossesH: {
      breakdowns: h(breakdownsMs),
      setupAdjustment: h(asutMs),
      minorStops: h(t.ms["minor-stop"]),
      reducedSpeed: netS === null ? null : h(aptMs) - netS / 3600,
      scrap: pruComplete ? t.idealScrapS / 3600 : null,
      reworkStartup: pruComplete ? t.idealReworkS / 3600 : null,
      externalStops: h(externalMs),
    },
    availability: nAvailability,
    performance,
    quality,
    oee: product(nAvailability, performance, quality),
  };
  if (nakajima.lossesH.reducedSpeed !== null && nakajima.lossesH.reducedSpeed < 0) {
    notes.push(
      "Nakajima reduced-speed loss is negative: the press ran faster than its planned unit time (PRU); not clamped",
    );
  }

  // SEMI E10 six states; user part of UDT = customer-caused, supplier part = the rest.
  const prdMs = aptMs;
  const sbyMs = t.ms["no-order"];
  const engMs = t.ms.engineering;
  const sdtMs = stateMs(t, "setup", "planned-maintenance");
  const userMs = t.ms["customer-caused"];
  const supplierUdtMs = stateMs(t, "minor-stop", "breakdown", "waiting-parts", "unrecorded");
  const udtMs = userMs + supplierUdtMs;
  const nstMs = t.ms["non-scheduled"];
  const operationsMs = t.calendarMs - nstMs;
  const uptimeMs = prdMs + sbyMs + engMs;
  const mtbfPH = ratio("SEMI E10 MTBF_p PRD/failures", h(prdMs), t.failureEvents, null);
  const mttrE10H = ratio("SEMI E10 MTTR repair/failures", h(t.repairMs), t.failureEvents, null);
  const semiE10: SemiE10 = {
    statesH: { PRD: h(prdMs), SBY: h(sbyMs), ENG: h(engMs), SDT: h(sdtMs), UDT: h(udtMs), NST: h(nstMs) },
    udtH: { user: h(userMs), supplier: h(supplierUdtMs), maintenanceDelay: h(t.ms["waiting-parts"]) },
    totalTimeH: h(t.calendarMs),
    operationsTimeH: h(operationsMs),
    uptimeH: h(uptimeMs),
    totalUptime: ratio("SEMI E10 total uptime", uptimeMs, t.calendarMs, "total time"),
    operationalUptime: ratio("SEMI E10 operational uptime", uptimeMs, operationsMs, "operations time"),
    equipmentDependentUptime: ratio(
      "SEMI E10 equipment-dependent uptime",
      uptimeMs,
      operationsMs - userMs - t.ms["waiting-parts"],
      "operations time − user downtime − maintenance delay",
    ),
    supplierDependentUptime: ratio(
      "SEMI E10 supplier-dependent uptime",
      prdMs + engMs,
      operationsMs - userMs - sbyMs,
      "operations time − customer-caused − no-order",
    ),
    totalUtilisation: ratio("SEMI E10 total utilisation", prdMs, t.calendarMs, "total time"),
    operationalUtilisation: ratio("SEMI E10 operational utilisation", prdMs, operationsMs, "operations time"),
    mtbfPH,
    mttrH: mttrE10H,
    mtbaPH: ratio("SEMI E10 MTBA_p PRD/assists", h(prdMs), t.assists, null),
    inherentAvailability:
      mtbfPH === null || mttrE10H === null
        ? null
        : ratio("inherent availability MTBF/(MTBF+MTTR)", mtbfPH, mtbfPH + mttrE10H, "MTBF + MTTR"),
  };
  return { iso22400, nakajima, semiE10 };
}

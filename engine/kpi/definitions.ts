/**
 * The definitions printed with every KPI report (`definitions` of the JSON), one line per key, each naming its
 * source. Sources: shared/reference/contracts-kpi.md §1 (ISO 22400-2 via the HSU ontology, Nakajima's six big
 * losses, SEMI E10, Kent's energy line, capability indices and run rules).
 */
export const KPI_DEFINITIONS: Readonly<Record<string, string>> = {
  window:
    "calendar window [from, to): the given --from/--to for every press, else each press's first start … last end; rows straddling an edge are clipped and their parts, scrap, energy counted pro rata",
  bucketsH:
    "hours per log state in the window plus `unrecorded` (time no row covers); reconciliation: Σ buckets = window exactly, in integer ms",
  fleet:
    "sums of the presses' buckets and counts (never means of ratios); fleet.window.calendarH is press-hours; the energy line and SPC are per press only (fleet: null)",
  "iso22400.timesH":
    "ISO 22400-2: POT = window − non-scheduled; PDT = planned-maintenance + engineering; PBT = POT − PDT; APT = production; ASUT = setup; AUPT = APT + ASUT; ADET = minor-stop + breakdown + waiting-parts; ADOT = no-order + customer-caused; AUBT = APT + ASUT + ADET; unrecorded stays in PBT",
  "iso22400.availability":
    "ISO 22400 availability = APT / PBT (setups, delays, idle time and gaps all count as losses)",
  "iso22400.effectiveness": "PRU × PQ / APT, may exceed 1 (not clamped)",
  "iso22400.qualityRatio": "GQ / PQ (the yield-guarantee KPI of pay-per-good-part)",
  "iso22400.oee": "OEE index = availability × effectiveness × quality ratio (ISO 22400-2)",
  "iso22400.nee": "NEE = AUPT / PBT × effectiveness × quality ratio (setup counted as no loss)",
  "iso22400.technicalEfficiency": "APT / (APT + ADET)",
  "iso22400.setupRate": "ASUT / AUPT",
  "iso22400.utilisationEfficiency": "APT / AUBT",
  "iso22400.allocationEfficiency": "AUBT / PBT",
  "iso22400.scrapRatio": "SQ / PQ",
  "iso22400.reworkRatio": "RQ / PQ",
  "iso22400.mtbfH":
    "APT / FE, h; divisor FE = failure events touching the window (a failure event = a run of breakdown / waiting-parts rows, one per event id)",
  "iso22400.mttrH": "mean time to restoration = Σ (breakdown + waiting-parts time of each event) / FE, h",
  "iso22400.comprehensiveEnergyKWhPerPart":
    "all energy in the window / PQ (ISO 22400-2 comprehensive energy consumption)",
  "iso22400.energyKWhPerKg": "all energy in the window / produced mass (null unless every producing row has partMassG)",
  nakajima:
    "classic TPM OEE (Nakajima): loading time = window − non-scheduled − planned-maintenance − engineering − no-order; availability = operating / loading, operating = production + minor stops; performance = ideal time of the produced parts (Σ PRU × PQ) / operating time; quality = good / total; OEE = A × P × Q",
  "nakajima.lossesH":
    "six big losses, h: breakdowns (breakdown + waiting-parts), setup & adjustment (setup), minor stops, reduced speed = production time − Σ PRU × PQ (negative if faster than PRU), scrap = Σ PRU × SQ, rework/start-up = Σ PRU × RQ; plus externalStops (customer-caused + unrecorded), an availability loss outside the six",
  semiE10:
    "SEMI E10 states: PRD = production; SBY = no-order; ENG = engineering; SDT = setup + planned-maintenance; UDT = minor-stop + breakdown + waiting-parts + customer-caused (user part) + unrecorded; NST = non-scheduled. Uptime = PRD + SBY + ENG",
  "semiE10.totalUptime": "uptime / total time",
  "semiE10.operationalUptime": "uptime / operations time (total − NST)",
  "semiE10.equipmentDependentUptime":
    "uptime / (operations time − user downtime − maintenance delay (waiting-parts)) (E10, to confirm)",
  "semiE10.supplierDependentUptime":
    "the service-contract availability: (PRD + ENG) / (operations time − customer-caused − no-order) = (PRD + ENG) / (PRD + ENG + SDT + supplier UDT); customer-caused downtime and idle time without orders excluded, waiting for parts and unrecorded time counted against the supplier (E10-92 supplier-dependent uptime; E10 counts standby as uptime, the contract form excludes it from both sides)",
  "semiE10.mtbfPH": "MTBF_p = productive time / failures (E10 measures reliability against productive time)",
  "semiE10.mttrH":
    "Σ active repair time (breakdown rows) / failures; waiting for parts is maintenance delay, not repair",
  "semiE10.mtbaPH": "MTBA_p = productive time / assists (minor-stop rows)",
  "semiE10.inherentAvailability": "MTBF_p / (MTBF_p + MTTR): corrective active repair only",
  "energy.line":
    "Kent base-load line P = P_base + k·ṁ fitted by least squares over production rows and idle-on rows (minor-stop, no-order, customer-caused with energy > 0), one point per row: ṁ = parts × partMassG / duration (kg/h), P = energyKWh / duration (kW); E = P_base·t_on + k·m; predictedKWhPerPart at the observed utilisation (t_on = those rows' time) and at full utilisation (t_on = their production time); null with a note when < 3 points or no spread in throughput",
  spc: "X̄-R on subgroups of n consecutive measurements of production rows (time order, per press); Cp, Cpk with σ_within = R̄/d2; Pp, Ppk with overall s; one-sided specs use that side only; run rules WE1–4 and Nelson N1–N8 on the X̄ chart with σ_x̄ = A2·R̄/3; violation points are 0-based subgroup indices",
};

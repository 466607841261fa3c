import { getComponent } from "../../twin-models/library/components.ts";
import type { ContractScenario } from "../../twin-models/schemas/contract.ts";
import type { PressEvent } from "../../twin-models/schemas/kpi.ts";
import type { PilotScenario } from "../../twin-models/schemas/pilot.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { MoldtwinError } from "../errors.ts";
import { computeKpis, type FleetKpis } from "../kpi/kpi.ts";
import { isoOf, parseTimestampMs } from "../kpi/time.ts";
import { simulateScenario } from "./contract.ts";
import { capitalCostPerPressMonth, evaluatePnl, slaPenalty, tierTerms } from "./pnl.ts";
import { quantileSorted } from "./stats.ts";

/**
 * The shadow pilot (../shared/domain: baseline, service blueprint, operate as if under contract, TCO analysis):
 * from the recorded event logs of a baseline period (run as today) and a shadow period (run as if under the
 * contract), month by month:
 *  - the KPIs of both (engine/kpi: ISO 22400-2, SEMI E10, energy);
 *  - the customer's **total cost of ownership** both ways, per press-month and per 1,000 good parts: baseline =
 *    the presses' capital + service and parts billed as time and material (+ markup) + downtime + energy + scrap;
 *    shadow = the contract's fees (setup spread over the term) ± penalties, energy sharing and yield credits +
 *    downtime + energy + scrap;
 *  - the provider's **contract P&L that would have been** in the shadow period: fees on the good parts actually
 *    made, penalties on the availability actually recorded (the contract's definition on the recorded buckets:
 *    1 − (breakdown + waiting for parts + unrecorded [+ planned]) ÷ (operations time − customer-caused − no-order
 *    [− planned]); a yearly window is settled pro rata over the months recorded), energy sharing against the
 *    target, yield credits; costs from the parts and labour of the recorded events (event ids name the part
 *    card), travel per visit, platform, the presses' capital and the spares stock;
 *  - whether reality fell inside the **projection**: the contract's Monte Carlo over the shadow period (as-is
 *    fleet, same months) gives P10–P90 per month of availability, good parts, kWh per part and margin, and each
 *    recorded month is inside or outside; a calibrated projection has ≈ 80 % of months inside.
 */

export interface PilotMonth {
  month: string;
  presses: number;
  /** The contract's availability on the recorded buckets, its downtime and basis hours. */
  availability: number;
  supplierDownH: number;
  availabilityBasisH: number;
  goodParts: number;
  producedParts: number;
  scrapParts: number;
  kWh: number;
  kWhPerPart: number;
  breakdownH: number;
  waitingPartsH: number;
  plannedH: number;
  breakdowns: number;
  partsReplacedAhead: number;
  partsCostEur: number;
  labourH: number;
}

export interface Tco {
  totalEur: number;
  perPressMonthEur: number;
  perThousandGoodPartsEur: number;
  breakdown: Record<string, number>;
}

export interface Band {
  p10: number;
  p90: number;
  actual: number;
  inside: boolean;
}

export interface PilotResult {
  name: string;
  contract: string;
  plant: string;
  periods: {
    baseline: { from: string; to: string; months: PilotMonth[]; kpis: FleetKpis };
    shadow: { from: string; to: string; months: PilotMonth[]; kpis: FleetKpis };
  };
  tco: { baseline: Tco; shadow: Tco; savingPerPressMonthEur: number; savingShare: number };
  contractPnl: {
    months: {
      month: string;
      revenueEur: number;
      penaltyEur: number;
      energySharingEur: number;
      yieldCreditEur: number;
      costEur: number;
      marginEur: number;
    }[];
    revenueEur: number;
    penaltiesEur: number;
    costEur: number;
    marginEur: number;
    breaches: number;
  };
  energy: {
    baselineKWhPerPart: number;
    shadowKWhPerPart: number;
    savingShare: number;
    savedKWh: number;
    savedEur: number;
  };
  projection: {
    runs: number;
    months: { month: string; availability: Band; goodParts: Band; kWhPerPart: Band; marginEur: Band }[];
    insideShare: { availability: number; goodParts: number; kWhPerPart: number; marginEur: number; all: number };
  };
  warnings: string[];
}

interface Period {
  fromMs: number;
  toMs: number;
  months: { from: string; to: string }[];
}

/** The calendar months (UTC) a log covers, from its first start to its last end. */
function periodOf(events: readonly PressEvent[], what: string): Period {
  let fromMs = Number.POSITIVE_INFINITY;
  let toMs = Number.NEGATIVE_INFINITY;
  for (const e of events) {
    const s = parseTimestampMs(e.start);
    if (s === undefined) continue;
    fromMs = Math.min(fromMs, s);
    toMs = Math.max(toMs, s + e.durationS * 1000);
  }
  if (!Number.isFinite(fromMs)) {
    throw new MoldtwinError("TWIN_ERR_VALIDATION", `the ${what} log has no rows`, [
      { field: what, value: events.length, allowed: "a non-empty press event log" },
    ]);
  }
  const months: { from: string; to: string }[] = [];
  let d = new Date(fromMs);
  while (d.getTime() < toMs) {
    const next = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
    const end = Math.min(next.getTime(), toMs);
    if (end - d.getTime() > 3600_000) months.push({ from: isoOf(d.getTime()), to: isoOf(end) });
    d = next;
  }
  return { fromMs, toMs, months };
}

/** Part cost and labour of the recorded part replacements (breakdowns `-F`, replaced ahead `-P`), per event id. */
function partEvents(events: readonly PressEvent[], fromMs: number, toMs: number) {
  const seen = new Set<string>();
  let partsCostEur = 0;
  let labourH = 0;
  let breakdowns = 0;
  let ahead = 0;
  for (const e of events) {
    if (!e.event || seen.has(e.event)) continue;
    const t = parseTimestampMs(e.start)!;
    if (t < fromMs || t >= toMs) continue;
    seen.add(e.event);
    const m = /-([FP])\d+-(.+)$/.exec(e.event);
    if (!m) continue;
    if (m[1] === "F") breakdowns++;
    else ahead++;
    try {
      const card = getComponent(m[2]!);
      partsCostEur += card.partCostEur;
      labourH += card.labourHours;
    } catch {
      // An id that names no card (another system's numbering): counted, not costed.
    }
  }
  return { partsCostEur, labourH, breakdowns, ahead };
}

function monthsOf(
  events: readonly PressEvent[],
  period: Period,
  sla: ContractScenario["sla"],
): { months: PilotMonth[]; blocks: FleetKpis[] } {
  const excludePlanned = sla?.excludePlannedMaintenance ?? true;
  const months: PilotMonth[] = [];
  const blocks: FleetKpis[] = [];
  for (const w of period.months) {
    const fleet = computeKpis(events, { from: w.from, to: w.to }).fleet;
    blocks.push(fleet);
    const b = fleet.bucketsH;
    const down = b.breakdown + b["waiting-parts"] + b.unrecorded + (excludePlanned ? 0 : b["planned-maintenance"]);
    const pressHours = Object.values(b).reduce((a, h) => a + h, 0);
    const basis =
      pressHours -
      b["non-scheduled"] -
      b["customer-caused"] -
      b["no-order"] -
      (excludePlanned ? b["planned-maintenance"] : 0);
    const ev = partEvents(events, parseTimestampMs(w.from)!, parseTimestampMs(w.to)!);
    const produced = fleet.counts.producedParts;
    months.push({
      month: w.from.slice(0, 7),
      presses: fleet.presses.length,
      availability: basis > 0 ? Math.max(0, 1 - down / basis) : 1,
      supplierDownH: down,
      availabilityBasisH: Math.max(0, basis),
      goodParts: fleet.counts.goodParts,
      producedParts: produced,
      scrapParts: fleet.counts.scrapParts,
      kWh: fleet.energy.totalKWh,
      kWhPerPart: produced > 0 ? fleet.energy.totalKWh / produced : 0,
      breakdownH: b.breakdown,
      waitingPartsH: b["waiting-parts"],
      plannedH: b["planned-maintenance"],
      breakdowns: ev.breakdowns,
      partsReplacedAhead: ev.ahead,
      partsCostEur: ev.partsCostEur,
      labourH: ev.labourH,
    });
  }
  return { months, blocks };
}

const sum = <T>(xs: T[], f: (x: T) => number): number => xs.reduce((a, x) => a + f(x), 0);

export async function shadowPilot(
  pilot: PilotScenario,
  contract: ContractScenario,
  plant: Plant,
  logs: { baseline: PressEvent[]; shadow: PressEvent[] },
  options: { workers?: number; onProgress?: (stage: string, done: number, total: number) => void } = {},
): Promise<PilotResult> {
  const warnings: string[] = [];
  const c = contract.costs;
  const terms = tierTerms("performance", contract);
  const sla = terms.sla;
  const basePeriod = periodOf(logs.baseline, "baseline");
  const shadowPeriod = periodOf(logs.shadow, "shadow");
  options.onProgress?.("KPIs", 0, 3);
  const base = monthsOf(logs.baseline, basePeriod, contract.sla);
  const shadow = monthsOf(logs.shadow, shadowPeriod, contract.sla);
  const baseKpis = computeKpis(logs.baseline).fleet;
  const shadowKpis = computeKpis(logs.shadow).fleet;
  options.onProgress?.("projection", 1, 3);

  // The projection: the contract's Monte Carlo over the shadow months, from the fleet as it stood.
  const projectionScenario: ContractScenario = {
    ...contract,
    start: isoOf(shadowPeriod.fromMs).slice(0, 10),
    termMonths: shadow.months.length,
    runs: pilot.projectionRuns,
    fleet: "as-is",
  };
  const sim = await simulateScenario(projectionScenario, plant, ["performance"], { workers: options.workers ?? 0 });
  const pnl = evaluatePnl(sim.model, sim.outcomes.get(true)!, projectionScenario, terms, contract.price);
  const P = sim.model.presses.length;
  const pressCount = shadow.months[0]?.presses ?? P;
  if (pressCount !== P) warnings.push(`the shadow log has ${pressCount} presses, the contract's plant ${P}`);

  // The provider's P&L that would have been, month by month, on what was recorded.
  const capitalPerMonth = capitalCostPerPressMonth(c) * pressCount;
  const holdingPerMonth = (sim.model.spares.stockValueEur * c.holdingRatePerYear) / 12;
  const price = contract.price;
  const setupPerMonth = price.setupFeeEur / contract.termMonths;
  const pnlMonths: PilotResult["contractPnl"]["months"] = [];
  let breaches = 0;
  const yearly = sla?.window === "year";
  for (const m of shadow.months) {
    const fees = price.monthlyFeePerPressEur * m.presses + price.feePerGoodPartEur * m.goodParts;
    let penalty = 0;
    if (sla) {
      const pen = slaPenalty(sla, m.availability, m.supplierDownH, m.availabilityBasisH, fees);
      penalty = Math.min(pen, sla.penalty.capShareOfFees * fees);
      if (yearly) penalty /= 12;
      if (m.availability < sla.availabilityTarget) breaches++;
    }
    const sharing = terms.energy
      ? terms.energy.sharedSavingsShare *
        (terms.energy.targetKWhPerPart * m.producedParts - m.kWh) *
        terms.energy.priceEurPerKWh
      : 0;
    const credit = terms.yieldGuarantee
      ? Math.max(0, terms.yieldGuarantee.goodRatio * m.producedParts - m.goodParts) *
        terms.yieldGuarantee.creditEurPerMissingPart
      : 0;
    const visits = m.breakdowns + m.partsReplacedAhead;
    const labour =
      m.labourH *
        c.technicianEurPerH *
        (m.breakdowns > 0 ? (m.breakdowns * c.unplannedLabourFactor + m.partsReplacedAhead) / visits : 1) +
      visits * (c.travelEurPerVisit + c.travelHoursPerVisit * c.technicianEurPerH);
    const revenue = setupPerMonth + fees - penalty + sharing;
    const cost =
      m.partsCostEur + labour + c.platformEurPerPressMonth * m.presses + capitalPerMonth + holdingPerMonth + credit;
    pnlMonths.push({
      month: m.month,
      revenueEur: revenue,
      penaltyEur: penalty,
      energySharingEur: sharing,
      yieldCreditEur: credit,
      costEur: cost,
      marginEur: revenue - cost,
    });
  }

  // TCO for the customer, both ways.
  const price_ = pilot.energyPriceEurPerKWh;
  const downRate = c.customerDowntimeEurPerH;
  const markup = 1 + c.timeAndMaterialMarkup;
  const baseTco = tcoOf(base.months, (m) => {
    const visits = m.breakdowns + m.partsReplacedAhead;
    return {
      capital: capitalPerMonth * (m.presses / pressCount),
      "service and parts (T&M)":
        (m.partsCostEur +
          m.labourH * c.technicianEurPerH * c.unplannedLabourFactor +
          visits * (c.travelEurPerVisit + c.travelHoursPerVisit * c.technicianEurPerH)) *
        markup,
      downtime: (m.breakdownH + m.waitingPartsH + m.plannedH) * downRate,
      energy: m.kWh * price_,
      scrap: m.scrapParts * pilot.scrapCostEurPerPart,
    };
  });
  const shadowTco = tcoOf(shadow.months, (m, k) => {
    const p = pnlMonths[k]!;
    return {
      "contract fees (net of penalties and credits)": p.revenueEur - p.energySharingEur - p.yieldCreditEur,
      "energy sharing": p.energySharingEur,
      downtime: (m.breakdownH + m.waitingPartsH + m.plannedH) * downRate,
      energy: m.kWh * price_,
      scrap: m.scrapParts * pilot.scrapCostEurPerPart,
    };
  });

  // Energy.
  const kwhPart = (ms: PilotMonth[]): number =>
    sum(ms, (m) => m.kWh) /
    Math.max(
      1,
      sum(ms, (m) => m.producedParts),
    );
  const eBase = kwhPart(base.months);
  const eShadow = kwhPart(shadow.months);
  const shadowParts = sum(shadow.months, (m) => m.producedParts);

  // Reality against the projection's P10–P90.
  const M = pnl.months;
  const band = (pick: (r: number, k: number) => number, k: number, actual: number): Band => {
    const xs = new Float64Array(pnl.runs);
    for (let r = 0; r < pnl.runs; r++) xs[r] = pick(r, k);
    xs.sort();
    const p10 = quantileSorted(xs, 0.1);
    const p90 = quantileSorted(xs, 0.9);
    return { p10, p90, actual, inside: actual >= p10 && actual <= p90 };
  };
  const projMonths = shadow.months.slice(0, M).map((m, k) => ({
    month: m.month,
    availability: band((r, j) => pnl.monthlyAvailability[r * M + j]!, k, m.availability),
    goodParts: band((r, j) => pnl.monthlyGoodParts[r * M + j]!, k, m.goodParts),
    kWhPerPart: band(
      (r, j) => pnl.monthlyKWh[r * M + j]! / Math.max(1, pnl.monthlyProduced[r * M + j]!),
      k,
      m.kWhPerPart,
    ),
    // The Monte Carlo books the setup fee at the start; the pilot spreads it over the term: compare like with like.
    marginEur: band((r, j) => pnl.monthlyMargin[r * M + j]! + setupPerMonth, k, pnlMonths[k]!.marginEur),
  }));
  const share = (f: (x: (typeof projMonths)[0]) => Band): number =>
    projMonths.length ? projMonths.filter((x) => f(x).inside).length / projMonths.length : 0;
  const insideShare = {
    availability: share((x) => x.availability),
    goodParts: share((x) => x.goodParts),
    kWhPerPart: share((x) => x.kWhPerPart),
    marginEur: share((x) => x.marginEur),
    all: 0,
  };
  insideShare.all =
    (insideShare.availability + insideShare.goodParts + insideShare.kWhPerPart + insideShare.marginEur) / 4;
  for (const [k, v] of Object.entries(insideShare)) {
    if (k !== "all" && v < 0.5)
      warnings.push(
        `${k}: only ${Math.round(100 * v)} % of the recorded months fall inside the projection's P10–P90 — recalibrate the contract's assumptions`,
      );
  }
  options.onProgress?.("done", 3, 3);
  return {
    name: pilot.name,
    contract: contract.name,
    plant: plant.id,
    periods: {
      baseline: { from: isoOf(basePeriod.fromMs), to: isoOf(basePeriod.toMs), months: base.months, kpis: baseKpis },
      shadow: {
        from: isoOf(shadowPeriod.fromMs),
        to: isoOf(shadowPeriod.toMs),
        months: shadow.months,
        kpis: shadowKpis,
      },
    },
    tco: {
      baseline: baseTco,
      shadow: shadowTco,
      savingPerPressMonthEur: baseTco.perPressMonthEur - shadowTco.perPressMonthEur,
      savingShare: baseTco.perPressMonthEur > 0 ? 1 - shadowTco.perPressMonthEur / baseTco.perPressMonthEur : 0,
    },
    contractPnl: {
      months: pnlMonths,
      revenueEur: sum(pnlMonths, (m) => m.revenueEur),
      penaltiesEur: sum(pnlMonths, (m) => m.penaltyEur),
      costEur: sum(pnlMonths, (m) => m.costEur),
      marginEur: sum(pnlMonths, (m) => m.marginEur),
      breaches,
    },
    energy: {
      baselineKWhPerPart: eBase,
      shadowKWhPerPart: eShadow,
      savingShare: eBase > 0 ? 1 - eShadow / eBase : 0,
      savedKWh: (eBase - eShadow) * shadowParts,
      savedEur: (eBase - eShadow) * shadowParts * pilot.energyPriceEurPerKWh,
    },
    projection: { runs: pnl.runs, months: projMonths, insideShare },
    warnings,
  };
}

function tcoOf(months: PilotMonth[], f: (m: PilotMonth, k: number) => Record<string, number>): Tco {
  const breakdown: Record<string, number> = {};
  months.forEach((m, k) => {
    for (const [key, v] of Object.entries(f(m, k))) breakdown[key] = (breakdown[key] ?? 0) + v;
  });
  const totalEur = Object.values(breakdown).reduce((a, x) => a + x, 0);
  const pressMonths = sum(months, (m) => m.presses);
  const good = sum(months, (m) => m.goodParts);
  return {
    totalEur,
    perPressMonthEur: pressMonths > 0 ? totalEur / pressMonths : 0,
    perThousandGoodPartsEur: good > 0 ? (1000 * totalEur) / good : 0,
    breakdown,
  };
}

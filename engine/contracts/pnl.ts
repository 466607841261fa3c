import type { ContractPrice, ContractScenario, ContractTier, Sla } from "../../twin-models/schemas/contract.ts";
import type { ContractModel } from "./model.ts";
import { F, FIELDS } from "./simulate.ts";

/**
 * The contract P&L of simulated outcomes (simulate.ts) under a tier's terms and a price: per run, month by month.
 *
 * Availability (the SLA's, SEMI E10 supplier-dependent uptime; contracts-kpi.md §1.3): per window w,
 *   A_w = 1 − D_w / B_w,  D_w = breakdown repair + waiting-for-parts hours (+ planned hours unless excluded),
 *   B_w = scheduled hours − customer-caused hours (− planned maintenance hours when excluded),
 * over the fleet (fleet-level SLA). Penalties per window (contracts-kpi.md §2.2), each capped at
 * capShareOfFees × the window's fees (monthly fees + per-part fees): `linear-per-point`: shareOfFeesPerPoint ×
 * fees × 100·(target − A)⁺; `step`: stepShareOfFees × fees if A < target; `per-hour-credit`: creditEurPerHour ×
 * (D − (1 − target)·B)⁺. A bonus per point above target, capped, is paid to the provider.
 *
 * Output: capacity = Σ parts/h × (scheduled − all downtime); produced = min(capacity, demand), demand = full
 * scheduled capacity × demandShare × lognormal(cv) per fleet-month; good = produced × yield, yield = yieldMean (+
 * the remote-optimisation gain) + yieldSd·z, clamped to [0, 1]. Energy on Kent's base-load line (contracts-kpi.md
 * §1.4): kWh = base power × hours up (× (1 − base-load cut) with remote optimisation) × (1 + cv·z) + process kWh per
 * part × produced; shared savings are settled monthly against targetKWhPerPart × produced.
 *
 * Tiers (../shared/domain, the MPaaS business model):
 *  - standard: the customer owns the press; service calls and parts are billed as time and material with a markup;
 *    no SLA, no predictive maintenance;
 *  - advanced: + predictive maintenance, remote process optimisation, parts at a discount; still billed per call;
 *  - performance: the provider owns the press (capital cost: annuity at the financing rate over the press life,
 *    less the residual), includes spares and on-site service, guarantees availability (SLA), energy and yield.
 * Every tier pays the platform, the technicians (unplanned work at the overtime factor, travel per visit) and
 * holds the spares stock (holding rate × stock value). NPV discounts each month's cash flow at the end of the
 * month; the setup fee is paid at the start.
 */

export interface TierTerms {
  tier: ContractTier;
  pdm: boolean;
  remoteOptimisation: boolean;
  timeAndMaterial: boolean;
  providerOwnsPress: boolean;
  sla: Sla | null;
  energy: ContractScenario["energy"] | null;
  yieldGuarantee: ContractScenario["yieldGuarantee"] | null;
}

const DEFAULT_SLA: Sla = {
  availabilityTarget: 0.95,
  window: "month",
  excludePlannedMaintenance: true,
  penalty: {
    form: "linear-per-point",
    shareOfFeesPerPoint: 0.02,
    stepShareOfFees: 0.1,
    creditEurPerHour: 500,
    capShareOfFees: 0.25,
  },
  bonusEurPerPointAbove: 0,
  bonusCapEur: 0,
};

export function tierTerms(tier: ContractTier, scenario: ContractScenario): TierTerms {
  if (tier === "standard") {
    return {
      tier,
      pdm: false,
      remoteOptimisation: false,
      timeAndMaterial: true,
      providerOwnsPress: false,
      sla: null,
      energy: null,
      yieldGuarantee: null,
    };
  }
  if (tier === "advanced") {
    return {
      tier,
      pdm: true,
      remoteOptimisation: true,
      timeAndMaterial: true,
      providerOwnsPress: false,
      sla: null,
      energy: null,
      yieldGuarantee: null,
    };
  }
  return {
    tier,
    pdm: true,
    remoteOptimisation: true,
    timeAndMaterial: false,
    providerOwnsPress: true,
    sla: scenario.sla ?? DEFAULT_SLA,
    energy: scenario.energy ?? null,
    yieldGuarantee: scenario.yieldGuarantee ?? null,
  };
}

/** Economic inputs the tornado may shift without re-simulating. */
export interface EconomicVariation {
  demandShareDelta?: number;
  yieldDelta?: number;
  baseLoadScale?: number;
  technicianRateScale?: number;
  partCostScale?: number;
  energyPriceScale?: number;
}

export interface RunPnl {
  runs: number;
  months: number;
  windows: number;
  /** Per run, totals over the term, EUR. */
  revenue: Float64Array;
  cost: Float64Array;
  penalty: Float64Array;
  bonus: Float64Array;
  energySharing: Float64Array;
  yieldCredit: Float64Array;
  margin: Float64Array;
  npv: Float64Array;
  /** Per run: availability over the whole term, and the share of its windows in breach. */
  availability: Float64Array;
  breachShare: Float64Array;
  goodParts: Float64Array;
  kWhPerPart: Float64Array;
  /** Customer side, per run: what the customer pays the provider plus its energy and downtime costs. */
  customerCost: Float64Array;
  /** Per run and month (run·months + m): fleet availability and margin. */
  monthlyAvailability: Float64Array;
  monthlyMargin: Float64Array;
  monthlyGoodParts: Float64Array;
  monthlyKWh: Float64Array;
  monthlyProduced: Float64Array;
  /** Per run and window: availability. */
  windowAvailability: Float64Array;
}

/** Capital recovery per press-month: annuity of (price − PV of the residual) over the life at the financing rate. */
export function capitalCostPerPressMonth(c: ContractScenario["costs"]): number {
  const n = c.pressLifeYears * 12;
  const i = c.financingRatePerYear / 12;
  const residualPv = (c.residualShare * c.pressPriceEur) / (1 + i) ** n;
  const principal = c.pressPriceEur - residualPv;
  // 1 − (1 + i)^−n without cancellation: at a rate of 1e-300 the naive form is 1 − 1 = 0 and the annuity Infinity.
  const discount = -Math.expm1(-n * Math.log1p(i));
  return i === 0 || discount === 0 ? principal / n : (principal * i) / discount;
}

export function evaluatePnl(
  model: ContractModel,
  outcomes: Float64Array,
  scenario: ContractScenario,
  terms: TierTerms,
  price: ContractPrice,
  variation: EconomicVariation = {},
): RunPnl {
  const M = model.months;
  const runs = outcomes.length / (M * FIELDS);
  const P = model.presses.length;
  const S = model.scheduledHPerMonth;
  const ops = scenario.operations;
  const c = scenario.costs;
  const fullParts = model.presses.reduce((a, p) => a + p.partsPerH, 0) * S;
  const fullBaseKWh = model.presses.reduce((a, p) => a + p.basePowerKW, 0) * S;
  const processKWhPerPart = model.presses.reduce((a, p) => a + p.partsPerH * p.processKWhPerPart, 0) * (S / fullParts);
  const pmH = model.plannedMaintenanceHPerPressMonth * P;
  const pmParts = model.plannedMaintenanceHPerPressMonth * (fullParts / S);
  const pmBase = model.plannedMaintenanceHPerPressMonth * (fullBaseKWh / S);
  const techRate = c.technicianEurPerH * (variation.technicianRateScale ?? 1);
  const partScale = variation.partCostScale ?? 1;
  const energyPrice = (terms.energy?.priceEurPerKWh ?? 0.18) * (variation.energyPriceScale ?? 1);
  const customerEnergyPrice = 0.18 * (variation.energyPriceScale ?? 1);
  const demandShare = ops.demandShare + (variation.demandShareDelta ?? 0);
  const demandSigma = Math.sqrt(Math.log(1 + ops.demandCv * ops.demandCv));
  const yieldMean =
    ops.yieldMean +
    (variation.yieldDelta ?? 0) +
    (terms.remoteOptimisation ? ops.remoteOptimisationYieldGainPoints / 100 : 0);
  const baseScale =
    (variation.baseLoadScale ?? 1) * (terms.remoteOptimisation ? 1 - ops.remoteOptimisationBaseLoadCut : 1);
  const capital = terms.providerOwnsPress ? capitalCostPerPressMonth(c) * P : 0;
  const platform = c.platformEurPerPressMonth * P;
  const holding = (model.spares.stockValueEur * c.holdingRatePerYear) / 12;
  const monthlyFees = price.monthlyFeePerPressEur * P;
  // End-of-month discount factors, once per evaluation (not per run and month).
  const discount = Float64Array.from({ length: M }, (_, m) => (1 + c.discountRatePerYear) ** (-(m + 1) / 12));
  const sla = terms.sla;
  const windowMonths = sla?.window === "year" ? 12 : 1;
  const W = Math.ceil(M / windowMonths);
  const excludePlanned = sla?.excludePlannedMaintenance ?? true;
  const res: RunPnl = {
    runs,
    months: M,
    windows: W,
    revenue: new Float64Array(runs),
    cost: new Float64Array(runs),
    penalty: new Float64Array(runs),
    bonus: new Float64Array(runs),
    energySharing: new Float64Array(runs),
    yieldCredit: new Float64Array(runs),
    margin: new Float64Array(runs),
    npv: new Float64Array(runs),
    availability: new Float64Array(runs),
    breachShare: new Float64Array(runs),
    goodParts: new Float64Array(runs),
    kWhPerPart: new Float64Array(runs),
    customerCost: new Float64Array(runs),
    monthlyAvailability: new Float64Array(runs * M),
    monthlyMargin: new Float64Array(runs * M),
    monthlyGoodParts: new Float64Array(runs * M),
    monthlyKWh: new Float64Array(runs * M),
    monthlyProduced: new Float64Array(runs * M),
    windowAvailability: new Float64Array(runs * W),
  };
  for (let r = 0; r < runs; r++) {
    let revenue = price.setupFeeEur;
    let cost = 0;
    let penalty = 0;
    let bonus = 0;
    let sharing = 0;
    let yieldCredit = 0;
    let npv = price.setupFeeEur;
    let downTerm = 0;
    let basisTerm = 0;
    let good = 0;
    let produced = 0;
    let kWh = 0;
    let customer = price.setupFeeEur;
    let wDown = 0;
    let wBasis = 0;
    let wFees = 0;
    let breaches = 0;
    for (let m = 0; m < M; m++) {
      const o = (r * M + m) * FIELDS;
      const unplannedH = outcomes[o + F.repairH]! + outcomes[o + F.waitH]!;
      const plannedH = outcomes[o + F.plannedH]!;
      const customerH = outcomes[o + F.customerH]!;
      // SLA availability of the month.
      const down = unplannedH + (excludePlanned ? 0 : plannedH + pmH);
      const basis = P * S - customerH - (excludePlanned ? plannedH + pmH : 0);
      const a = basis > 0 ? Math.max(0, 1 - down / basis) : 1;
      res.monthlyAvailability[r * M + m] = a;
      downTerm += down;
      basisTerm += Math.max(0, basis);
      // Output and quality.
      const capacity = Math.max(
        0,
        fullParts -
          outcomes[o + F.lostPartsUnplanned]! -
          outcomes[o + F.lostPartsPlanned]! -
          outcomes[o + F.lostPartsCustomer]! -
          pmParts,
      );
      const demand =
        fullParts * demandShare * Math.exp(demandSigma * outcomes[o + F.zDemand]! - (demandSigma * demandSigma) / 2);
      const made = Math.min(capacity, Math.max(0, demand));
      const y = Math.min(1, Math.max(0, yieldMean + ops.yieldSd * outcomes[o + F.zYield]!));
      const goodM = made * y;
      produced += made;
      good += goodM;
      // Energy: base load while up, process energy per part.
      const upBase =
        fullBaseKWh -
        outcomes[o + F.lostBaseUnplannedKWh]! -
        outcomes[o + F.lostBasePlannedKWh]! -
        outcomes[o + F.lostBaseCustomerKWh]! -
        pmBase;
      const kWhM =
        Math.max(0, upBase) * baseScale * Math.max(0, 1 + ops.energyCv * outcomes[o + F.zEnergy]!) +
        processKWhPerPart * made;
      kWh += kWhM;
      res.monthlyGoodParts[r * M + m] = goodM;
      res.monthlyKWh[r * M + m] = kWhM;
      res.monthlyProduced[r * M + m] = made;
      // Revenue and cost of the month.
      const fees = monthlyFees + price.feePerGoodPartEur * goodM;
      let rev = fees;
      const partsCost = outcomes[o + F.partsCostEur]! * partScale;
      const visits = outcomes[o + F.failures]! + outcomes[o + F.caught]!;
      const labour =
        (outcomes[o + F.labourUnplannedH]! * c.unplannedLabourFactor + outcomes[o + F.labourPlannedH]!) * techRate +
        visits * (c.travelEurPerVisit + c.travelHoursPerVisit * techRate);
      if (terms.timeAndMaterial) {
        const partsBilled =
          partsCost * (1 + c.timeAndMaterialMarkup) * (terms.tier === "advanced" ? 1 - c.advancedPartsDiscount : 1);
        rev += labour * (1 + c.timeAndMaterialMarkup) + partsBilled;
      }
      let costM = partsCost + labour + platform + holding + capital;
      // Energy sharing and yield guarantee, settled monthly.
      let share = 0;
      if (terms.energy && made > 0) {
        share = terms.energy.sharedSavingsShare * (terms.energy.targetKWhPerPart * made - kWhM) * energyPrice;
        sharing += share;
      }
      let credit = 0;
      if (terms.yieldGuarantee && made > 0) {
        credit =
          Math.max(0, terms.yieldGuarantee.goodRatio * made - goodM) * terms.yieldGuarantee.creditEurPerMissingPart;
        yieldCredit += credit;
      }
      rev += share;
      costM += credit;
      // Window settlement.
      wDown += down;
      wBasis += Math.max(0, basis);
      wFees += fees;
      let pen = 0;
      let bon = 0;
      if ((m + 1) % windowMonths === 0 || m === M - 1) {
        const w = Math.floor(m / windowMonths);
        const aw = wBasis > 0 ? Math.max(0, 1 - wDown / wBasis) : 1;
        res.windowAvailability[r * W + w] = aw;
        if (sla) {
          const t = sla.availabilityTarget;
          const pen0 = slaPenalty(sla, aw, wDown, wBasis, wFees);
          pen = Math.min(pen0, sla.penalty.capShareOfFees * wFees);
          if (aw < t) breaches++;
          bon = Math.min(sla.bonusCapEur, sla.bonusEurPerPointAbove * Math.max(0, 100 * (aw - t)));
        }
        wDown = 0;
        wBasis = 0;
        wFees = 0;
      }
      penalty += pen;
      bonus += bon;
      rev += bon - pen;
      revenue += rev;
      cost += costM;
      const cash = rev - costM;
      res.monthlyMargin[r * M + m] = cash;
      npv += cash * discount[m]!;
      // The customer pays the provider's invoice (fees, T&M, energy share and bonus, less penalties; yield credits
      // are deducted at the end), its energy bill and the cost of its presses standing still.
      customer += rev + kWhM * customerEnergyPrice + (unplannedH + plannedH) * c.customerDowntimeEurPerH;
    }
    res.revenue[r] = revenue;
    res.cost[r] = cost;
    res.penalty[r] = penalty;
    res.bonus[r] = bonus;
    res.energySharing[r] = sharing;
    res.yieldCredit[r] = yieldCredit;
    res.margin[r] = revenue - cost;
    res.npv[r] = npv;
    res.availability[r] = basisTerm > 0 ? Math.max(0, 1 - downTerm / basisTerm) : 1;
    res.breachShare[r] = breaches / W;
    res.goodParts[r] = good;
    res.kWhPerPart[r] = produced > 0 ? kWh / produced : 0;
    res.customerCost[r] = customer - yieldCredit;
  }
  return res;
}

/** The uncapped penalty of one window. */
export function slaPenalty(sla: Sla, availability: number, downH: number, basisH: number, feesEur: number): number {
  const t = sla.availabilityTarget;
  const p = sla.penalty;
  if (p.form === "step") return availability < t ? p.stepShareOfFees * feesEur : 0;
  if (p.form === "per-hour-credit") return p.creditEurPerHour * Math.max(0, downH - (1 - t) * basisH);
  return p.shareOfFeesPerPoint * feesEur * Math.max(0, 100 * (t - availability));
}

import type { ContractPrice, ContractScenario, ContractTier } from "../../twin-models/schemas/contract.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import {
  CONVENTIONS,
  type ContractRunOptions,
  type ContractSimulation,
  outcomesFor,
  simulateScenario,
} from "./contract.ts";
import { capitalCostPerPressMonth, evaluatePnl, type RunPnl, tierTerms } from "./pnl.ts";
import { type Proportion, proportion, quantileSorted, tailRisk } from "./stats.ts";

/**
 * `moldtwin price`: the lowest fee whose margin meets the target at the stated risk, per tier, on one set of
 * simulated outcomes (common random numbers: every price candidate sees the same failures, so the price–risk
 * curve is smooth and differences are exact).
 *
 * Constraint, over the term and per run: margin ≥ marginTargetShare × revenue must hold with probability
 * ≥ 1 − maxShortfallProbability, and (if given) CVaR_β of the loss −margin ≤ cvarLimitEur. The margin rises with
 * the fee (penalty caps are shares of the fees, below 1), so the lowest feasible fee is found by bisection to
 * 0.01 % (Kim, Cohen & Netessine 2007: fixed payment + performance incentive; contracts-kpi.md §2.4).
 * `solveFor: per-part` solves the per-good-part fee of the performance tier; the standard and advanced tiers always
 * solve their monthly fee (they bill service per call and have no per-part fee).
 */

export interface PricePoint {
  feeEur: number;
  marginMeanEur: number;
  marginP10Eur: number;
  shortfallProbability: Proportion;
  lossProbability: Proportion;
  cvarEur: number;
}

export interface TierPrice {
  tier: ContractTier;
  solveFor: "monthly" | "per-part";
  feasible: boolean;
  price: ContractPrice;
  at: PricePoint & {
    revenueMeanEur: number;
    npvMeanEur: number;
    penaltyMeanEur: number;
    breachProbability: number;
    availabilityMean: number;
    customerCostMeanEur: number;
  };
  curve: PricePoint[];
}

export interface PricingResult {
  name: string;
  presses: number;
  termMonths: number;
  runs: number;
  seed: number;
  constraint: ContractScenario["risk"];
  conventions: typeof CONVENTIONS;
  tiers: TierPrice[];
  /** The customer's view over the term, expected values: buying presses with standard service vs the service. */
  customerView: {
    buyAndStandardServiceEur: number;
    advancedServiceWithOwnPressesEur: number;
    performanceServiceEur: number;
    pressCapitalEur: number;
    note: string;
  };
  warnings: string[];
}

const TIERS: ContractTier[] = ["standard", "advanced", "performance"];

export async function priceContract(
  scenario: ContractScenario,
  plant: Plant,
  options: ContractRunOptions = {},
): Promise<PricingResult> {
  const sim = await simulateScenario(scenario, plant, TIERS, options);
  const tiers = TIERS.map((t) => priceTier(sim, t));
  const byTier = new Map(tiers.map((t) => [t.tier, t]));
  const P = sim.model.presses.length;
  const capital = capitalCostPerPressMonth(scenario.costs) * P * scenario.termMonths;
  const warnings = tiers.filter((t) => !t.feasible).map((t) => `${t.tier}: no fee meets the constraint`);
  return {
    name: scenario.name,
    presses: P,
    termMonths: scenario.termMonths,
    runs: scenario.runs,
    seed: scenario.seed,
    constraint: scenario.risk,
    conventions: CONVENTIONS,
    tiers,
    customerView: {
      buyAndStandardServiceEur: byTier.get("standard")!.at.customerCostMeanEur + capital,
      advancedServiceWithOwnPressesEur: byTier.get("advanced")!.at.customerCostMeanEur + capital,
      performanceServiceEur: byTier.get("performance")!.at.customerCostMeanEur,
      pressCapitalEur: capital,
      note: "over the term, expected: fees and service bills at each tier's solved price, energy, the cost of the customer's presses standing still (customerDowntimeEurPerH) and, when it owns them, the presses' capital (annuity at the financing rate, less the residual)",
    },
    warnings,
  };
}

export function priceTier(sim: ContractSimulation, tier: ContractTier): TierPrice {
  const { scenario, model } = sim;
  const terms = tierTerms(tier, scenario);
  const outcomes = outcomesFor(sim, terms);
  const solveFor = tier === "performance" ? scenario.risk.solveFor : "monthly";
  const given = scenario.price;
  const priceAt = (fee: number): ContractPrice =>
    tier !== "performance"
      ? { setupFeeEur: given.setupFeeEur, monthlyFeePerPressEur: fee, feePerGoodPartEur: 0 }
      : solveFor === "monthly"
        ? { ...given, monthlyFeePerPressEur: fee }
        : { ...given, feePerGoodPartEur: fee };
  const risk = scenario.risk;
  const evalAt = (fee: number): RunPnl => evaluatePnl(model, outcomes, scenario, terms, priceAt(fee));
  // The bisection needs only the shortfall count (and the CVaR when limited), not a whole price point.
  const feasibleAt = (pnl: RunPnl): boolean => {
    let shortfalls = 0;
    for (let r = 0; r < pnl.runs; r++) if (pnl.margin[r]! < risk.marginTargetShare * pnl.revenue[r]!) shortfalls++;
    if (shortfalls / pnl.runs > risk.maxShortfallProbability) return false;
    return risk.cvarLimitEur === undefined || tailRisk(pnl.margin, risk.cvarLevel).cvar <= risk.cvarLimitEur;
  };
  // Bracket the lowest feasible fee, then bisect.
  let lo = 0;
  let hi = solveFor === "monthly" ? 1000 : 0.01;
  let feasible = feasibleAt(evalAt(lo));
  if (!feasible) {
    for (let k = 0; k < 60 && !feasibleAt(evalAt(hi)); k++) {
      lo = hi;
      hi *= 2;
    }
    feasible = feasibleAt(evalAt(hi));
    for (let k = 0; k < 60 && feasible && hi - lo > 1e-4 * hi; k++) {
      const mid = (lo + hi) / 2;
      if (feasibleAt(evalAt(mid))) hi = mid;
      else lo = mid;
    }
  } else hi = 0;
  const fee = hi;
  const pnl = evalAt(fee);
  const at = pointOf(pnl, fee, risk.marginTargetShare, risk.cvarLevel);
  const curve: PricePoint[] = [];
  const span = fee > 0 ? fee : solveFor === "monthly" ? 1000 : 0.01;
  for (let k = 0; k <= 20; k++) {
    const f = fee + span * (-0.3 + (0.6 * k) / 20);
    if (f < 0) continue;
    curve.push(pointOf(evalAt(f), f, risk.marginTargetShare, risk.cvarLevel));
  }
  const mean = (xs: Float64Array): number => xs.reduce((a, x) => a + x, 0) / xs.length;
  return {
    tier,
    solveFor,
    feasible,
    price: priceAt(fee),
    at: {
      ...at,
      revenueMeanEur: mean(pnl.revenue),
      npvMeanEur: mean(pnl.npv),
      penaltyMeanEur: mean(pnl.penalty),
      breachProbability: mean(pnl.breachShare),
      availabilityMean: mean(pnl.availability),
      customerCostMeanEur: mean(pnl.customerCost),
    },
    curve,
  };
}

function pointOf(pnl: RunPnl, fee: number, targetShare: number, cvarLevel: number): PricePoint {
  let shortfalls = 0;
  let losses = 0;
  let sum = 0;
  for (let r = 0; r < pnl.runs; r++) {
    const m = pnl.margin[r]!;
    if (m < targetShare * pnl.revenue[r]!) shortfalls++;
    if (m < 0) losses++;
    sum += m;
  }
  const sorted = Float64Array.from(pnl.margin).sort();
  return {
    feeEur: fee,
    marginMeanEur: sum / pnl.runs,
    marginP10Eur: quantileSorted(sorted, 0.1),
    shortfallProbability: proportion(shortfalls, pnl.runs),
    lossProbability: proportion(losses, pnl.runs),
    cvarEur: tailRisk(pnl.margin, cvarLevel).cvar,
  };
}

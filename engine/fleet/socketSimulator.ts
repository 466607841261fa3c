import { MoldtwinError } from "../errors.ts";
import { uniform01 } from "../sweep/random.ts";
import type { ComponentLife } from "../wear/component.ts";

/** Most renewals one socket may see in one run: a guard against a part with a near-zero life (a card error). */
const MAX_RENEWALS = 100_000;

export interface SocketRunInput {
  life: ComponentLife;
  startsH: Float64Array;
  /** 1: the socket's start is its last recorded replacement (the part has survived since). */
  recorded: Uint8Array;
  readings: (number | null)[];
  horizonH: number;
  hoursPerMonth: number;
  pmAgeH: number | null;
  seed: number;
  streamOf: (socket: number) => number;
  /**
   * Optional demand tally for spares: adds each run's part replacements to counts[month·runs + run] (weighted by
   * the run's condition weight) — failures only (corrective), or failures and planned replacements at pmAgeH.
   */
  demand?: { counts: Float32Array; preventive: boolean };
}

export interface SocketRunStats {
  weightSum: number;
  effectiveRuns: number;
  failureProbability: number;
  monthlyFailures: Float64Array;
  failuresPm: number;
  replacementsPm: number;
  firstFailureH: Float64Array;
  weights: Float64Array;
  currentAgeH: Float64Array;
}

/**
 * The Monte Carlo core. Buffers are allocated once per forecast and reused for every press and component; a run
 * draws unit lives by inversion of counter-based uniforms (seed, socket stream, run, renewal number), so the
 * numbers do not depend on the order of presses or on which worker computes them.
 */
export class SocketSimulator {
  private readonly monthly: Float64Array;
  private readonly first: Float64Array;
  private readonly weights: Float64Array;
  private readonly age: Float64Array;
  private readonly curStart: Float64Array;
  private readonly curLife: Float64Array;
  private readonly curDraw: Int32Array;
  private readonly runs: number;
  private readonly months: number;

  constructor(runs: number, months: number, sockets: number) {
    this.runs = runs;
    this.months = months;
    this.monthly = new Float64Array(months);
    this.first = new Float64Array(runs);
    this.weights = new Float64Array(runs);
    this.age = new Float64Array(runs);
    this.curStart = new Float64Array(sockets);
    this.curLife = new Float64Array(sockets);
    this.curDraw = new Int32Array(sockets);
  }

  run(input: SocketRunInput): SocketRunStats {
    const { life, startsH, recorded, readings, horizonH, hoursPerMonth, pmAgeH, seed } = input;
    const tallyPreventive = (input.demand?.preventive ?? false) && pmAgeH !== null;
    const tallyCorrective = input.demand !== undefined && !tallyPreventive;
    const counts = input.demand?.counts;
    const runs = this.runs;
    const dist = life.life;
    const sockets = startsH.length;
    const noiseSd = life.signature.noiseSd > 0 ? life.signature.noiseSd : 1e-9;
    this.monthly.fill(0);
    let weightSum = 0;
    let weightSq = 0;
    let pAny = 0;
    let failuresPm = 0;
    let replacementsPm = 0;
    for (let r = 0; r < this.runs; r++) {
      // 1. The past: renew from the start of each socket's history to the forecast date (t = 0).
      let logWeight = 0;
      let ageSum = 0;
      for (let s = 0; s < sockets; s++) {
        const stream = input.streamOf(s);
        let t = startsH[s]!;
        let k = 0;
        // A recorded part has survived to today: draw its life from the conditional distribution L | L > age.
        const u = uniform01(seed, stream, r, k);
        let unitLife = recorded[s] ? survivorLife(dist, -t, u) : dist.quantile(u);
        while (t + unitLife <= 0 && k < MAX_RENEWALS) {
          t += unitLife;
          k++;
          unitLife = dist.quantile(uniform01(seed, stream, r, k));
        }
        this.curStart[s] = t;
        this.curLife[s] = unitLife;
        this.curDraw[s] = k;
        ageSum += -t;
        const reading = readings[s];
        if (reading !== null && reading !== undefined) {
          const z = (reading - life.signatureAt(-t, unitLife)) / noiseSd;
          logWeight -= 0.5 * z * z;
        }
      }
      const w = Math.exp(logWeight);
      this.weights[r] = w;
      this.age[r] = ageSum / sockets;
      weightSum += w;
      weightSq += w * w;
      // 2. The future, corrective only: every failure within the horizon renews the socket.
      let firstFailure = Number.POSITIVE_INFINITY;
      let failedInHorizon = false;
      for (let s = 0; s < sockets; s++) {
        const stream = input.streamOf(s);
        let failAt = this.curStart[s]! + this.curLife[s]!;
        let k = this.curDraw[s]!;
        if (failAt < firstFailure) firstFailure = failAt;
        while (failAt <= horizonH && k < MAX_RENEWALS) {
          failedInHorizon = true;
          const month = Math.min(this.months - 1, Math.floor(failAt / hoursPerMonth));
          this.monthly[month]! += w;
          if (tallyCorrective) counts![month * runs + r]! += w;
          k++;
          failAt += dist.quantile(uniform01(seed, stream, r, k));
        }
      }
      this.first[r] = firstFailure;
      if (failedInHorizon) pAny += w;
      // 3. The same future under age replacement at pmAgeH, on the same random numbers.
      if (pmAgeH !== null) {
        for (let s = 0; s < sockets; s++) {
          const stream = input.streamOf(s);
          let k = this.curDraw[s]!;
          let unitStart = this.curStart[s]!;
          let unitLife = this.curLife[s]!;
          // A part already past the optimal age is replaced now.
          let renewAt = Math.max(0, unitStart + Math.min(unitLife, pmAgeH));
          while (renewAt <= horizonH && k < MAX_RENEWALS) {
            if (unitLife <= pmAgeH && unitStart + unitLife > 0) failuresPm += w;
            else replacementsPm += w;
            if (tallyPreventive) {
              counts![Math.min(this.months - 1, Math.floor(renewAt / hoursPerMonth)) * runs + r]! += w;
            }
            k++;
            unitStart = renewAt;
            unitLife = dist.quantile(uniform01(seed, stream, r, k));
            renewAt = unitStart + Math.min(unitLife, pmAgeH);
          }
        }
      }
    }
    if (!(weightSum > 0)) {
      throw new MoldtwinError(
        "TWIN_ERR_OUT_OF_RANGE",
        `condition reading for ${life.card.id} is impossible under its wear model (no run reproduces it)`,
        [{ field: "condition", value: readings, unit: life.signature.unit, allowed: signatureRange(life) }],
      );
    }
    for (let m = 0; m < this.months; m++) this.monthly[m]! /= weightSum;
    return {
      weightSum,
      effectiveRuns: (weightSum * weightSum) / weightSq,
      failureProbability: pAny / weightSum,
      monthlyFailures: this.monthly,
      failuresPm: failuresPm / weightSum,
      replacementsPm: replacementsPm / weightSum,
      firstFailureH: this.first,
      weights: this.weights,
      currentAgeH: this.age,
    };
  }
}

/**
 * Inverse-CDF draw of a life known to exceed `ageH`: F(L) = 1 − u·R(age). Past the 1 − 1e-15 quantile (a part far
 * beyond its life) the part is taken to fail now.
 */
function survivorLife(dist: ComponentLife["life"], ageH: number, u: number): number {
  if (ageH <= 0) return dist.quantile(u);
  const p = 1 - u * dist.sf(ageH);
  if (!(p < 1 - 1e-15)) return ageH + 1e-9;
  return Math.max(ageH + 1e-9, dist.quantile(p));
}

function signatureRange(life: ComponentLife): string {
  const { newValue, failureValue, unit } = life.signature;
  return `${Math.min(newValue, failureValue)} … ${Math.max(newValue, failureValue)} ${unit}`;
}

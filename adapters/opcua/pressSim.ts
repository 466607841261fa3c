import { simulateShot } from "../../engine/molding/simulateShot.ts";
import { standardNormal, uniform01 } from "../../engine/sweep/random.ts";
import { cushionLossMm } from "../../engine/wear/archard.ts";
import { dutyOf } from "../../engine/wear/duty.ts";
import { resolveTwin, type Twin } from "../../twin-models/resolve.ts";
import type { PlantPress } from "../../twin-models/schemas/plant.ts";

/**
 * One simulated press of the cell: its cycle values come from the molding simulator (engine/molding) at the
 * press's recipe, with measurement noise, standstills with reasons, and faults that can be injected. Deterministic:
 * every draw is a counter-based uniform (seed, press stream, cycle, dim), so a replay gives the same values.
 *
 * Assumptions (stated, not from a source): a 5 mm cushion with a tight check ring, less the wear model's cushion loss
 * (engine/wear/archard.ts cushionLossMm over the recipe's packing stroke — the reading calibration inverts), over the
 * screw's cross-section; plastified volume = shot mass / 0.9 g/cm³; barrel zones at melt − 25/−15/−5/0 °C;
 * noise sd 1 % on times and pressures, 0.5 °C on temperatures, 0.1 % on part mass; a standstill starts with
 * probability 0.3 % per cycle and lasts 5–60 cycle times.
 */

export type Fault = "heater-band" | "check-ring" | "oil-overheat" | "offline" | "sensor";
/** sensor: zone 3's thermocouple reports BadSensorFailure, zone 4's reads an impossible 2,000 °C. */
export const FAULTS: readonly Fault[] = ["heater-band", "check-ring", "oil-overheat", "offline", "sensor"];

export const STANDSTILL_REASONS = [
  { id: "ST-MATERIAL", text: "no material (dryer empty)" },
  { id: "ST-MOULD", text: "mould cleaning" },
  { id: "ST-QUALITY", text: "quality check" },
  { id: "ST-OPERATOR", text: "no operator" },
] as const;

export interface CycleValues {
  sourceTimeMs: number;
  jobCycleCounter: number;
  machineCycleCounter: number;
  jobPartsCounter: number;
  jobGoodPartsCounter: number;
  jobBadPartsCounter: number;
  cycleTimeMs: number;
  cycleQuality: 0 | 1;
  partIds: string[];
  cavityQuality: number[];
  injectionTimeMs: number;
  dosingTimeMs: number;
  cushionCm3: number;
  plastificationVolumeCm3: number;
  peakSpecificPressureBar: number;
  holdSpecificPressureBar: number;
  partMassG: number;
}

export class PressSim {
  readonly id: string;
  readonly index: number;
  readonly cavities: number;
  readonly cycleTimeS: number;
  readonly zoneNominalC: number[];
  readonly moldTempC: number;
  readonly jobName: string;
  readonly lotName: string;
  readonly model: string;
  readonly serialNumber: string;
  readonly faults = new Map<Fault, number>();
  jobCycleCounter = 0;
  machineCycleCounter: number;
  jobPartsCounter = 0;
  jobGoodPartsCounter = 0;
  jobBadPartsCounter = 0;
  /** Cycles left in the current standstill (0: producing) and its reason. */
  standstillCycles = 0;
  standstillReason = "";
  /**
   * Cycle slots ticked, produced or not: the standstill draws are keyed on it. (Keyed on the machine counter, which
   * does not move in a standstill, a press drew the same number again when a standstill ended and stood forever.)
   */
  private slot = 0;
  private readonly twin: Twin;
  private readonly press: PlantPress;
  private readonly seed: number;
  private readonly nominalMassG: number;
  /** Packing stroke of the recipe and the screw cross-section, for the cushion. */
  private readonly packingStrokeMm: number;
  readonly screwAreaMm2: number;
  static readonly CUSHION_REF_MM = 5;

  constructor(press: PlantPress, index: number, seed: number) {
    this.press = press;
    this.id = press.id;
    this.index = index;
    this.seed = seed;
    this.twin = resolveTwin(
      { machine: press.machine, mold: press.mold, material: press.material },
      `plant.presses.${press.id}`,
    );
    const shot = simulateShot(this.twin, press.settings);
    this.cavities = this.twin.mold.cavities;
    this.cycleTimeS = shot.cycle.cycleTimeS;
    this.nominalMassG = shot.pack.partMassG;
    const duty = dutyOf(this.twin, press.settings, 20);
    this.packingStrokeMm = duty.packingStrokeMm;
    this.screwAreaMm2 = (Math.PI / 4) * duty.screwDiameterMm ** 2;
    const melt = press.settings.meltTempC;
    this.zoneNominalC = [melt - 25, melt - 15, melt - 5, melt];
    this.moldTempC = press.settings.moldTempC;
    this.jobName = `JOB-${press.id.toUpperCase()}-${press.mold.toUpperCase()}`;
    this.lotName = `LOT-${press.material.toUpperCase()}-0001`;
    this.model = this.twin.machine.id;
    // The serial number is the plant's press id, so ingest maps machines to twins without a table.
    this.serialNumber = press.id;
    this.machineCycleCounter = 100_000 + 1000 * index;
  }

  private noise(cycle: number, dim: number): number {
    return standardNormal(this.seed, 0x5100 + this.index, cycle, dim);
  }

  /** Check-ring leakage grows 0.2 % of hold pressure per cycle after the fault starts, up to 30 %. */
  leakageAt(cycle: number): number {
    const start = this.faults.get("check-ring");
    return start === undefined ? 0 : Math.min(0.3, 0.002 * Math.max(0, cycle - start));
  }

  /** Advances one cycle: a standstill tick (null) or a produced cycle with its values. */
  nextCycle(nowMs: number): CycleValues | null {
    const n = this.machineCycleCounter + 1;
    const slot = ++this.slot;
    if (this.standstillCycles > 0) {
      this.standstillCycles--;
      if (this.standstillCycles === 0) this.standstillReason = "";
      return null;
    }
    if (uniform01(this.seed, 0x5200 + this.index, slot, 0) < 0.003) {
      this.standstillCycles = 5 + Math.floor(55 * uniform01(this.seed, 0x5200 + this.index, slot, 1));
      const r =
        STANDSTILL_REASONS[Math.floor(uniform01(this.seed, 0x5200 + this.index, slot, 2) * STANDSTILL_REASONS.length)]!;
      this.standstillReason = r.id;
      return null;
    }
    this.machineCycleCounter = n;
    this.jobCycleCounter++;
    const c = this.jobCycleCounter;
    const leakage = this.leakageAt(c);
    const shot = simulateShot(
      leakage > 0
        ? { ...this.twin, adjustments: { ...this.twin.adjustments, checkRingLeakageFraction: leakage } }
        : this.twin,
      this.press.settings,
    );
    const plastVolume = shot.pack.shotMassG / 0.9;
    const massG = shot.pack.partMassG * (1 + 0.001 * this.noise(c, 6));
    // A part lighter than 99 % of nominal is bad (short or sink-marked).
    const bad = massG < 0.99 * this.nominalMassG;
    const quality = Array.from({ length: this.cavities }, () => (bad ? 2 : 1));
    this.jobPartsCounter += this.cavities;
    if (bad) this.jobBadPartsCounter += this.cavities;
    else this.jobGoodPartsCounter += this.cavities;
    return {
      sourceTimeMs: nowMs,
      jobCycleCounter: c,
      machineCycleCounter: n,
      jobPartsCounter: this.jobPartsCounter,
      jobGoodPartsCounter: this.jobGoodPartsCounter,
      jobBadPartsCounter: this.jobBadPartsCounter,
      cycleTimeMs: 1000 * shot.cycle.cycleTimeS * (1 + 0.01 * this.noise(c, 0)),
      cycleQuality: bad ? 1 : 0,
      partIds: Array.from({ length: this.cavities }, (_, k) => `${this.id}-${c}-${k + 1}`),
      cavityQuality: quality,
      injectionTimeMs: 1000 * shot.fill.fillTimeS * (1 + 0.01 * this.noise(c, 1)),
      dosingTimeMs: 1000 * shot.cooling.plasticationTimeS * (1 + 0.01 * this.noise(c, 2)),
      cushionCm3:
        ((PressSim.CUSHION_REF_MM - cushionLossMm(this.packingStrokeMm, leakage) + 0.03 * this.noise(c, 3)) *
          this.screwAreaMm2) /
        1000,
      plastificationVolumeCm3: plastVolume,
      peakSpecificPressureBar: 10 * shot.fill.peakInjectionPressureMPa * (1 + 0.01 * this.noise(c, 4)),
      holdSpecificPressureBar:
        10 * this.press.settings.holdPressureMPa * (1 - leakage) * (1 + 0.005 * this.noise(c, 5)),
      partMassG: massG,
    };
  }

  /** Barrel zone actual temperatures: a failed heater band lets zone 2 sag 30 °C. */
  zoneTempsC(sample: number): number[] {
    return this.zoneNominalC.map((t, k) => {
      const sag = k === 1 && this.faults.has("heater-band") ? -30 : 0;
      return t + sag + 0.5 * standardNormal(this.seed, 0x5300 + this.index, sample, k);
    });
  }

  /** Mould circuit k: the set mould temperature ± 0.3 °C. */
  mouldTempC(sample: number, k: number): number {
    return this.moldTempC + 0.3 * standardNormal(this.seed, 0x5400 + this.index, sample, k);
  }

  /** Drive or hydraulic oil temperature: 45 °C, + 30 °C when overheating. */
  oilTempC(sample: number): number {
    return (
      45 + (this.faults.has("oil-overheat") ? 30 : 0) + 0.3 * standardNormal(this.seed, 0x5300 + this.index, sample, 9)
    );
  }
}

import { type Calibration, calibrate, type ObservedCycle } from "../../engine/calibrate/calibrate.ts";
import { DriftMonitor } from "../../engine/calibrate/drift.ts";
import { type ShotResult, simulateShot } from "../../engine/molding/simulateShot.ts";
import { resolveTwin, type Twin } from "../../twin-models/resolve.ts";
import type { Plant, PlantPress } from "../../twin-models/schemas/plant.ts";
import type { IngestSink } from "../opcua/ingest.ts";
import type {
  CycleRecord,
  GapRecord,
  QuarantinedValue,
  SignalSample,
  StateChange,
  StoreEvent,
} from "../store/historyStore.ts";

/**
 * The live state of every press, fed by the ingest stream (a tee in front of the history store).
 *
 * - Status (producing, idle, alarm, maintenance, offline) from the EUROMAP 77 states, the cycle stream and alarms.
 * - Time in each status is accumulated every tick: availability and OEE are Nakajima's (1988) A × P × Q over the
 *   time observed since start, with P against the twin's predicted cycle time and Q from cavity qualities.
 * - The last RING cycles per press in typed arrays (no allocation per cycle) for the panel's charts.
 * - Calibration in the loop: after CALIBRATE_AFTER cycles the press's twin is calibrated on them (engine/calibrate,
 *   Levenberg–Marquardt on peak pressure, fill and cycle time), and a CUSUM drift monitor (Montgomery 2019 §9.1)
 *   charts every later cycle against it: a drift is an alert, as a heater band or a worn check ring would raise.
 * - Energy per part is the twin's (no meter on the cell): its per-shot energy at the recorded cycle time over the
 *   good parts (the base load scales with the cycle time).
 */

export const PRESS_STATUSES = ["producing", "idle", "alarm", "maintenance", "offline"] as const;
export type PressStatus = (typeof PRESS_STATUSES)[number];

export interface LivePress {
  id: string;
  cellId: string;
  status: PressStatus;
  cycleTimeS: number | null;
  goodParts: number;
  badParts: number;
  oee: number | null;
  peakPressureBar: number | null;
  lastCycleAtMs: number | null;
  /** Alerts of severity ≥ 400 among the last 30 logbook entries. */
  alerts: number;
}

export interface Alert {
  atMs: number;
  /** OPC UA severity 1–1000. */
  severity: number;
  message: string;
}

export interface PressKpis {
  id: string;
  observedS: number;
  producingS: number;
  availability: number | null;
  performance: number | null;
  yield: number | null;
  oee: number | null;
  goodParts: number;
  badParts: number;
  energyKWh: number;
}

const RING = 120;
export const CALIBRATE_AFTER = 30;
/** No data for this long: the press is offline. */
const SILENT_OFFLINE_MS = 30_000;
/** A quarantined value or an over-temperature keeps the press in alarm this long. */
const ALARM_HOLD_MS = 60_000;
const OIL_ALARM_C = 60;
const MAINTENANCE_REASONS = new Set(["ST-MOULD"]);
const MAX_ALERTS = 30;
/** Logbook entries from this severity up count as alerts on the label (standstills are 400; presence changes 100). */
const ALERT_SEVERITY = 400;

class PressLive {
  readonly atMs = new Float64Array(RING);
  readonly cycleTimeS = new Float64Array(RING);
  readonly peakPressureBar = new Float64Array(RING);
  readonly cushionCm3 = new Float64Array(RING);
  head = 0;
  count = 0;
  cycles = 0;
  goodParts = 0;
  badParts = 0;
  energyKWh = 0;
  present = true;
  productionStatus = "PRODUCTION";
  standstillReason = "";
  lastSeenMs = 0;
  lastCycleAtMs: number | null = null;
  alarmUntilMs = 0;
  readonly statusS = new Float64Array(PRESS_STATUSES.length);
  alerts: Alert[] = [];
  calibration: Calibration | null = null;
  calibrationNote = "waiting for cycles";
  drift: DriftMonitor | null = null;
  readonly firstCycles: ObservedCycle[] = [];

  readonly press: PlantPress;
  readonly cellId: string;
  readonly twin: Twin;
  readonly idealCycleTimeS: number;
  readonly energyBaseKW: number;
  readonly energyProcessKWhPerShot: number;
  readonly cavities: number;

  constructor(press: PlantPress, cellId: string, twin: Twin, shot: ShotResult) {
    this.press = press;
    this.cellId = cellId;
    this.twin = twin;
    this.idealCycleTimeS = shot.cycle.cycleTimeS;
    const baseKW = shot.energy.baseKWh / (shot.cycle.cycleTimeS / 3600);
    this.energyBaseKW = Number.isFinite(baseKW) ? baseKW : 0;
    this.energyProcessKWhPerShot = shot.energy.perShotKWh - shot.energy.baseKWh;
    this.cavities = twin.mold.cavities;
  }

  timeScale = 1;

  status(nowMs: number): PressStatus {
    if (!this.present || (this.lastSeenMs > 0 && nowMs - this.lastSeenMs > SILENT_OFFLINE_MS)) return "offline";
    if (this.lastSeenMs === 0) return "offline";
    if (nowMs < this.alarmUntilMs) return "alarm";
    if (this.standstillReason && MAINTENANCE_REASONS.has(this.standstillReason)) return "maintenance";
    if (this.standstillReason || this.productionStatus !== "PRODUCTION") return "idle";
    const expectedMs = (this.lastCycleTimeS() ?? this.idealCycleTimeS) * 1000 * this.timeScale;
    if (this.lastCycleAtMs === null || nowMs - this.lastCycleAtMs > 3 * expectedMs + 5000) return "idle";
    return "producing";
  }

  lastCycleTimeS(): number | null {
    return this.count === 0 ? null : this.cycleTimeS[(this.head + RING - 1) % RING]!;
  }

  lastPeakBar(): number | null {
    return this.count === 0 ? null : this.peakPressureBar[(this.head + RING - 1) % RING]!;
  }

  alert(atMs: number, severity: number, message: string): void {
    this.alerts.push({ atMs, severity, message });
    if (this.alerts.length > MAX_ALERTS) this.alerts.shift();
  }

  kpis(): PressKpis {
    const observedS = this.statusS.reduce((a, b) => a + b, 0);
    const producingS = this.statusS[0]!;
    const parts = this.goodParts + this.badParts;
    const availability = observedS > 0 ? producingS / observedS : null;
    const performance = producingS > 0 ? Math.min(1, (this.idealCycleTimeS * this.cycles) / producingS) : null;
    const quality = parts > 0 ? this.goodParts / parts : null;
    const oee =
      availability !== null && performance !== null && quality !== null ? availability * performance * quality : null;
    return {
      id: this.press.id,
      observedS,
      producingS,
      availability,
      performance,
      yield: quality,
      oee,
      goodParts: this.goodParts,
      badParts: this.badParts,
      energyKWh: this.energyKWh,
    };
  }
}

export class LiveHub {
  private readonly presses = new Map<string, PressLive>();
  private lastTickMs = 0;
  readonly startedAtMs: number;

  /** Wall seconds per simulated second of the cells (1 for real presses): status time is kept in press seconds. */
  private readonly timeScale: number;

  constructor(plants: readonly Plant[], options: { timeScale?: number; nowMs?: number } = {}) {
    this.startedAtMs = options.nowMs ?? Date.now();
    this.timeScale = options.timeScale ?? 1;
    for (const plant of plants) {
      for (const cell of plant.cells) {
        for (const p of cell.presses) {
          const twin = resolveTwin({ material: p.material, machine: p.machine, mold: p.mold });
          const live = new PressLive(p, cell.id, twin, simulateShot(twin, p.settings));
          live.timeScale = this.timeScale;
          this.presses.set(p.id, live);
        }
      }
    }
  }

  /** A sink that stores first, then updates the live state: what the viewer shows is what is stored. */
  tee(store: IngestSink): IngestSink {
    return {
      writeCycles: async (rows: CycleRecord[]) => {
        const r = await store.writeCycles(rows);
        for (const c of rows) this.onCycle(c);
        return r;
      },
      writeSignals: async (rows: SignalSample[]) => {
        const r = await store.writeSignals(rows);
        for (const s of rows) this.onSignal(s);
        return r;
      },
      writeStates: async (rows: StateChange[]) => {
        const r = await store.writeStates(rows);
        for (const s of rows) this.onState(s);
        return r;
      },
      writeQuarantine: async (rows: QuarantinedValue[]) => {
        const r = await store.writeQuarantine(rows);
        for (const q of rows) this.onQuarantine(q);
        return r;
      },
      writeGaps: async (rows: GapRecord[]) => {
        const r = await store.writeGaps(rows);
        for (const g of rows) {
          this.presses
            .get(g.press)
            ?.alert(
              g.toTimeMs,
              500,
              `${g.missingCycles} cycle(s) missing (${g.fromCounter}–${g.toCounter}): ${g.reason}`,
            );
        }
        return r;
      },
      writeEvents: async (rows: StoreEvent[]) => {
        const r = await store.writeEvents(rows);
        for (const e of rows) this.presses.get(e.press)?.alert(e.sourceTimeMs, e.severity ?? 100, e.message || e.kind);
        return r;
      },
      lastCycle: (press: string) => store.lastCycle(press),
    };
  }

  /** Accumulates time in each status up to `nowMs` (called every second by the service). */
  tick(nowMs = Date.now()): void {
    const dtS = this.lastTickMs === 0 ? 0 : Math.max(0, (nowMs - this.lastTickMs) / 1000 / this.timeScale);
    this.lastTickMs = nowMs;
    for (const p of this.presses.values()) {
      if (p.lastSeenMs === 0) continue; // not yet heard of: not observed
      const k = PRESS_STATUSES.indexOf(p.status(nowMs));
      p.statusS[k] = p.statusS[k]! + dtS;
    }
  }

  has(id: string): boolean {
    return this.presses.has(id);
  }

  live(id: string, nowMs = Date.now()): LivePress | undefined {
    const p = this.presses.get(id);
    if (!p) return undefined;
    return {
      id,
      cellId: p.cellId,
      status: p.status(nowMs),
      cycleTimeS: p.lastCycleTimeS(),
      goodParts: p.goodParts,
      badParts: p.badParts,
      oee: p.kpis().oee,
      peakPressureBar: p.lastPeakBar(),
      lastCycleAtMs: p.lastCycleAtMs,
      alerts: p.alerts.reduce((n, a) => n + (a.severity >= ALERT_SEVERITY ? 1 : 0), 0),
    };
  }

  /** The last cycles, oldest first, as plain arrays for JSON. */
  series(id: string): { atMs: number[]; cycleTimeS: number[]; peakPressureBar: number[]; cushionCm3: number[] } {
    const p = this.presses.get(id);
    const out = {
      atMs: [] as number[],
      cycleTimeS: [] as number[],
      peakPressureBar: [] as number[],
      cushionCm3: [] as number[],
    };
    if (!p) return out;
    for (let i = 0; i < p.count; i++) {
      const k = (p.head + RING - p.count + i) % RING;
      out.atMs.push(p.atMs[k]!);
      out.cycleTimeS.push(p.cycleTimeS[k]!);
      out.peakPressureBar.push(p.peakPressureBar[k]!);
      out.cushionCm3.push(p.cushionCm3[k]!);
    }
    return out;
  }

  /** The press's alerts (severity ≥ 400), newest first. */
  alerts(id: string): Alert[] {
    return (this.presses.get(id)?.alerts ?? []).filter((a) => a.severity >= ALERT_SEVERITY).reverse();
  }

  calibration(id: string): {
    status: string;
    cycles: number;
    fitted: string[];
    adjustments: Record<string, number> | null;
  } {
    const p = this.presses.get(id);
    const c = p?.calibration ?? null;
    return {
      status: p?.calibrationNote ?? "unknown press",
      cycles: c?.cycles ?? p?.firstCycles.length ?? 0,
      fitted: c?.fitted ?? [],
      adjustments: c ? Object.fromEntries(c.fitted.map((k) => [k, c.adjustments[k] as number])) : null,
    };
  }

  kpis(id: string): PressKpis | undefined {
    return this.presses.get(id)?.kpis();
  }

  private onCycle(c: CycleRecord): void {
    const p = this.presses.get(c.press);
    if (!p) return;
    p.lastSeenMs = Math.max(p.lastSeenMs, c.receivedTimeMs);
    p.lastCycleAtMs = c.sourceTimeMs;
    const cycleTimeS = c.cycleTimeS ?? p.idealCycleTimeS;
    const k = p.head;
    p.atMs[k] = c.sourceTimeMs;
    p.cycleTimeS[k] = cycleTimeS;
    p.peakPressureBar[k] = c.peakSpecificPressureBar ?? Number.NaN;
    p.cushionCm3[k] = c.cushionCm3 ?? Number.NaN;
    p.head = (k + 1) % RING;
    p.count = Math.min(RING, p.count + 1);
    p.cycles++;
    let good = 0;
    let bad = 0;
    for (const q of c.cavityQuality) {
      if (q === "GOOD_PART") good++;
      else if (q !== "NO_PART") bad++;
    }
    if (c.cavityQuality.length === 0) {
      if (c.cycleQuality === "GOOD_CYCLE") good = p.cavities;
      else bad = p.cavities;
    }
    p.goodParts += good;
    p.badParts += bad;
    p.energyKWh += p.energyProcessKWhPerShot + (p.energyBaseKW * cycleTimeS) / 3600;
    this.calibrateOrMonitor(p, c);
  }

  private calibrateOrMonitor(p: PressLive, c: CycleRecord): void {
    const observed: ObservedCycle["observed"] = {};
    if (c.peakSpecificPressureBar !== null) observed.peakInjectionPressureMPa = c.peakSpecificPressureBar / 10;
    if (c.injectionTimeS !== null) observed.fillTimeS = c.injectionTimeS;
    if (c.cycleTimeS !== null) observed.cycleTimeS = c.cycleTimeS;
    const cycle: ObservedCycle = { settings: p.press.settings, observed, cycle: c.jobCycleCounter };
    try {
      if (p.drift && p.calibration) {
        for (const a of p.drift.update(cycle)) {
          p.alarmUntilMs = Math.max(p.alarmUntilMs, c.sourceTimeMs + ALARM_HOLD_MS);
          p.alert(
            c.sourceTimeMs,
            600,
            `drift: ${a.output} ${a.direction} by ${a.shift.toPrecision(3)} ${a.unit} (${a.shiftSigma.toFixed(1)} σ) since cycle ${a.since}`,
          );
        }
        return;
      }
      p.firstCycles.push(cycle);
      p.calibrationNote = `collecting cycles (${p.firstCycles.length}/${CALIBRATE_AFTER})`;
      if (p.firstCycles.length < CALIBRATE_AFTER) return;
      p.calibration = calibrate(p.twin, p.firstCycles);
      p.drift = new DriftMonitor(p.calibration, { method: "cusum" });
      p.calibrationNote = `calibrated on ${p.firstCycles.length} cycles; CUSUM drift monitor running`;
      p.firstCycles.length = 0;
    } catch (e) {
      // A calibration that cannot identify anything must not stop the live path: say so on the panel.
      p.calibrationNote = `calibration failed: ${(e as Error).message}`;
      p.firstCycles.length = 0;
      p.drift = null;
    }
  }

  private onSignal(s: SignalSample): void {
    const p = this.presses.get(s.press);
    if (!p) return;
    p.lastSeenMs = Math.max(p.lastSeenMs, s.receivedTimeMs);
    if (/^PowerUnit/.test(s.signal) && s.value > OIL_ALARM_C) {
      if (s.sourceTimeMs > p.alarmUntilMs - ALARM_HOLD_MS / 2) {
        p.alert(s.sourceTimeMs, 700, `oil temperature ${s.value.toFixed(1)} °C > ${OIL_ALARM_C} °C`);
      }
      p.alarmUntilMs = Math.max(p.alarmUntilMs, s.sourceTimeMs + ALARM_HOLD_MS);
    }
  }

  private onState(s: StateChange): void {
    const p = this.presses.get(s.press);
    if (!p) return;
    p.lastSeenMs = Math.max(p.lastSeenMs, s.sourceTimeMs);
    if (s.variable === "isPresent") p.present = s.value !== "false";
    else if (s.variable === "productionStatus") p.productionStatus = s.value;
    else if (s.variable === "standstillReasonId") p.standstillReason = s.value;
  }

  private onQuarantine(q: QuarantinedValue): void {
    const p = this.presses.get(q.press);
    if (!p) return;
    if (q.sourceTimeMs > p.alarmUntilMs - ALARM_HOLD_MS / 2) {
      p.alert(q.sourceTimeMs, 600, `${q.signal}: value quarantined (${q.reason})`);
    }
    p.alarmUntilMs = Math.max(p.alarmUntilMs, q.sourceTimeMs + ALARM_HOLD_MS);
  }
}

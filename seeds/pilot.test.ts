import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadPlant } from "../adapters/plantFile.ts";
import { buildFleet, type Fleet } from "../engine/fleet/fleet.ts";
import { simulateShot } from "../engine/molding/simulateShot.ts";
import { exponential, type LifeDistribution, weibull } from "../engine/reliability/distributions.ts";
import type { ComponentLife } from "../engine/wear/component.ts";
import { resolveTwin } from "../twin-models/resolve.ts";
import type { Plant } from "../twin-models/schemas/plant.ts";
import { PILOT_FILES } from "./generate-pilot.ts";
import {
  generatePilotLog,
  PILOT_DEFAULTS,
  PILOT_STATES,
  type PilotOptions,
  type PilotRow,
  pilotCsv,
  summarizePilotLog,
} from "./pilot.ts";

const seedPath = (file: string): string => new URL(`./${file}`, import.meta.url).pathname;
const caseA: Plant = loadPlant(seedPath("case-a-automotive.json"));
const caseB: Plant = loadPlant(seedPath("case-b-medical.json"));

const BASELINE = PILOT_FILES[0]!.options;
const SHADOW = PILOT_FILES[1]!.options;

const ms = (iso: string): number => Date.parse(iso);
const periodEndMs = (from: string, months: number): number => {
  const d = new Date(`${from}T00:00:00Z`);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate());
};
const byPress = (rows: PilotRow[]): Map<string, PilotRow[]> => {
  const m = new Map<string, PilotRow[]>();
  for (const r of rows) m.set(r.press, [...(m.get(r.press) ?? []), r]);
  return m;
};

/** Every press's rows tile [from, from + months) without gaps or overlaps: the problems found (none expected). */
function tilingProblems(rows: PilotRow[], from: string, months: number): string[] {
  const start = ms(`${from}T00:00:00Z`);
  const end = periodEndMs(from, months);
  const problems: string[] = [];
  for (const [press, list] of byPress(rows)) {
    let t = start;
    let sum = 0;
    for (const r of list) {
      if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(r.start)) problems.push(`${press} ${r.start}: format`);
      if (ms(r.start) !== t) problems.push(`${press} ${r.start}: expected ${new Date(t).toISOString()}`);
      if (!(Number.isInteger(r.durationS) && r.durationS > 0)) problems.push(`${press} ${r.start}: durationS`);
      t = ms(r.start) + r.durationS * 1000;
      sum += r.durationS;
    }
    if (t !== end || sum !== (end - start) / 1000) problems.push(`${press}: ends ${new Date(t).toISOString()}`);
  }
  return problems;
}

/** A copy of `fleet` whose press `id` carries only `parts`. */
function withParts(fleet: Fleet, id: string, parts: ComponentLife[]): Fleet {
  return { ...fleet, presses: fleet.presses.map((p) => (p.id === id ? { ...p, components: parts } : p)) };
}

/** Failures per operating hour of one test part on press a01 over a long run, with its Poisson SE. */
function failureRate(life: LifeDistribution, sockets: number, months: number): { rate: number; se: number } {
  const fleet = buildFleet(caseA, { utilisation: 0.85 });
  const a01 = fleet.presses.find((p) => p.id === "a01")!;
  const template = a01.components.find((c) => c.card.kind === "heater-band")!;
  const part: ComponentLife = { ...template, card: { ...template.card, id: "test-part", perPress: sockets }, life };
  const rows = generatePilotLog(caseA, {
    from: "2026-01-01",
    months,
    seed: 7,
    mode: "baseline",
    fleet: withParts(fleet, "a01", [part]),
    pressIds: ["a01"],
  });
  const operatingH = rows.filter((r) => r.state === "production").reduce((s, r) => s + r.durationS, 0) / 3600;
  const failures = rows.filter((r) => r.state === "breakdown" && r.event.endsWith("-test-part")).length;
  return { rate: failures / operatingH, se: Math.sqrt(failures) / operatingH };
}

describe("shadow-pilot log generator (seeds/pilot.ts)", () => {
  let baseline: PilotRow[];
  let shadow: PilotRow[];
  beforeAll(() => {
    baseline = generatePilotLog(caseA, BASELINE);
    shadow = generatePilotLog(caseA, SHADOW);
  });

  it("tiles each press's period exactly, in the fixed format", () => {
    expect(byPress(baseline).size).toBe(20);
    expect(byPress(shadow).size).toBe(20);
    expect(tilingProblems(baseline, BASELINE.from, BASELINE.months)).toEqual([]);
    expect(tilingProblems(shadow, SHADOW.from, SHADOW.months)).toEqual([]);
    const states = new Set<string>(PILOT_STATES);
    expect([...baseline, ...shadow].filter((r) => !states.has(r.state))).toEqual([]);
    expect(pilotCsv(baseline.slice(0, 1)).split("\r\n")[0]).toBe(
      "press,start,durationS,state,parts,good,scrap,rework,energyKWh,plannedUnitS,partMassG,measurement,event",
    );
  });

  it("counts parts only on production rows, parts = good + scrap + rework, events pair breakdowns", () => {
    const problems: string[] = [];
    for (const rows of [baseline, shadow]) {
      let lastBreakdown = "";
      for (const r of rows) {
        const at = `${r.press} ${r.start} ${r.state}`;
        if (r.parts !== r.good + r.scrap + r.rework) problems.push(`${at}: parts`);
        if (Math.min(r.good, r.scrap, r.rework, r.energyKWh) < 0) problems.push(`${at}: negative`);
        if (r.state === "production") {
          if (!(r.parts > 0 && r.plannedUnitS! > 0 && r.partMassG! > 0 && r.measurement! > 0)) {
            problems.push(`${at}: fields`);
          }
          if (r.durationS > 8 * 3600) problems.push(`${at}: longer than a shift`);
        } else if (r.parts !== 0 || r.plannedUnitS !== null || r.partMassG !== null || r.measurement !== null) {
          problems.push(`${at}: production fields`);
        }
        if (r.state === "breakdown") {
          if (!new RegExp(`^${r.press}-F\\d{4}-`).test(r.event)) problems.push(`${at}: event ${r.event}`);
          lastBreakdown = r.event;
        } else if (r.state === "planned-maintenance" && r.event !== "") {
          // A part replaced ahead by predictive maintenance.
          if (!new RegExp(`^${r.press}-P\\d{4}-`).test(r.event)) problems.push(`${at}: event ${r.event}`);
        } else if (r.state === "waiting-parts" ? r.event !== lastBreakdown : r.event !== "") {
          problems.push(`${at}: event ${r.event}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(baseline.some((r) => r.state === "waiting-parts")).toBe(true);
  });

  it("splits production at the shifts and records the hours outside them as non-scheduled (16 h plant)", () => {
    const rows = generatePilotLog(caseB, { from: "2026-01-01", months: 1, seed: 3, mode: "baseline" });
    expect(byPress(rows).size).toBe(6);
    expect(tilingProblems(rows, "2026-01-01", 1)).toEqual([]);
    const ns = rows.filter((r) => r.state === "non-scheduled");
    // 16 h from 06:00: 22:00–06:00 every night (the first one from midnight to 06:00).
    expect(ns.reduce((s, r) => s + r.durationS, 0)).toBe(6 * (31 * 8 * 3600));
    for (const r of ns) expect(r.energyKWh).toBe(0);
    for (const r of rows.filter((x) => x.state === "production")) {
      const startH = (ms(r.start) / 1000 / 3600) % 24;
      const shiftStart = startH >= 14 ? 14 : 6;
      expect(startH >= 6 && startH < 22, r.start).toBe(true);
      expect(startH + r.durationS / 3600, r.start).toBeLessThanOrEqual(shiftStart + 8 + 1e-9);
    }
  });

  it("is deterministic: same seed → the same CSV text, another seed → another", () => {
    const opts: PilotOptions = { from: "2026-02-01", months: 2, seed: 11, mode: "shadow", pressIds: ["a01", "a18"] };
    const a = pilotCsv(generatePilotLog(caseA, opts));
    expect(pilotCsv(generatePilotLog(caseA, opts))).toBe(a);
    expect(pilotCsv(generatePilotLog(caseA, { ...opts, seed: 12 }))).not.toBe(a);
  });

  it("the committed demo files are what the generator writes", () => {
    expect(readFileSync(seedPath(PILOT_FILES[0]!.file), "utf8")).toBe(pilotCsv(baseline));
    expect(readFileSync(seedPath(PILOT_FILES[1]!.file), "utf8")).toBe(pilotCsv(shadow));
  });

  it("the shadow has fewer breakdown and waiting-parts hours per press-month and less energy per part", () => {
    const b = summarizePilotLog(baseline);
    const s = summarizePilotLog(shadow);
    expect(s.breakdownHPerPressMonth).toBeLessThan(b.breakdownHPerPressMonth);
    expect(s.waitingPartsHPerPressMonth).toBeLessThan(b.waitingPartsHPerPressMonth);
    expect(s.plannedMaintenanceHPerPressMonth).toBeGreaterThan(b.plannedMaintenanceHPerPressMonth);
    expect(s.kWhPerPart).toBeLessThan(b.kWhPerPart);
    // The same period both ways (common random numbers for the wear parts).
    const same = generatePilotLog(caseA, { ...BASELINE, mode: "shadow" });
    const t = summarizePilotLog(same);
    expect(t.breakdownH).toBeLessThan(b.breakdownH);
    expect(t.waitingPartsH).toBeLessThan(b.waitingPartsH);
    expect(t.kWhPerPart).toBeLessThan(b.kWhPerPart);
  });

  it("realises the renewal rate of the life distribution (exponential: λ; Weibull: 1/mean)", () => {
    const exp = failureRate(exponential(1 / 300), 5, 60);
    expect(Math.abs(exp.rate - 5 / 300)).toBeLessThan(4 * exp.se);
    const w = weibull(450, 2.5);
    const wb = failureRate(w, 5, 60);
    expect(Math.abs(wb.rate - 5 / w.mean())).toBeLessThan(4 * wb.se);
  });

  it("yields the configured scrap and rework ratios; start-up scrap and shifts add on top", () => {
    const plain = summarizePilotLog(
      generatePilotLog(caseA, {
        from: "2026-01-01",
        months: 2,
        seed: 5,
        mode: "baseline",
        startupScrapShots: 0,
        shiftScrapFactor: 1,
      }),
    );
    expect(plain.scrapPct).toBeCloseTo(2.5, 1);
    expect(plain.reworkPct).toBeCloseTo(0.5, 1);
    const b = summarizePilotLog(baseline);
    const s = summarizePilotLog(shadow);
    expect(b.scrapPct).toBeGreaterThan(2.5);
    expect(b.scrapPct).toBeLessThan(3.5);
    expect(s.scrapPct).toBeGreaterThan(1.5);
    expect(s.scrapPct).toBeLessThan(2.5);
    expect(b.scrapPct - s.scrapPct).toBeGreaterThan(0.8);
  });

  it("runs at 1 − speedLoss effectiveness and draws the twin's energy per part at full speed", () => {
    const prod = baseline.filter((r) => r.state === "production");
    const planned = prod.reduce((s, r) => s + r.parts * r.plannedUnitS!, 0);
    const run = prod.reduce((s, r) => s + r.durationS, 0);
    expect(planned / run).toBeCloseTo(1 - PILOT_DEFAULTS.baseline.speedLoss, 2);
    const full = generatePilotLog(caseA, { ...BASELINE, months: 1, speedLoss: 0, pressIds: ["a01", "a13", "a18"] });
    for (const id of ["a01", "a13", "a18"]) {
      const press = caseA.cells[0]!.presses.find((p) => p.id === id)!;
      const shot = simulateShot(resolveTwin(press, id), press.settings);
      const rows = full.filter((r) => r.press === id && r.state === "production" && r.durationS > 3600);
      const kWh = rows.reduce((s, r) => s + r.energyKWh, 0);
      const parts = rows.reduce((s, r) => s + r.parts, 0);
      expect(kWh / parts / shot.energy.perPartKWh).toBeCloseTo(1, 2);
    }
  });

  it("samples part masses around nominal, drifting and shifting in the baseline, tighter in the shadow", () => {
    const spread = (rows: PilotRow[]): { sd: number; beyond3: number } => {
      const dev = rows.filter((r) => r.state === "production").map((r) => r.measurement! / r.partMassG! - 1);
      const mean = dev.reduce((s, x) => s + x, 0) / dev.length;
      const sd = Math.sqrt(dev.reduce((s, x) => s + (x - mean) ** 2, 0) / dev.length);
      const sigma = PILOT_DEFAULTS.baseline.massSdRel;
      return { sd, beyond3: dev.filter((x) => Math.abs(x) > 3 * sigma).length / dev.length };
    };
    const b = spread(baseline);
    const s = spread(shadow);
    expect(Math.abs(b.sd / PILOT_DEFAULTS.baseline.massSdRel - 1.3)).toBeLessThan(0.3);
    expect(s.sd).toBeLessThan(b.sd * 0.8);
    // Rule 1 (a point beyond 3 σ) fires sometimes in the baseline: more than chance (0.27 %), far less than always.
    expect(b.beyond3).toBeGreaterThan(0.005);
    expect(b.beyond3).toBeLessThan(0.1);
    expect(s.beyond3).toBeLessThan(b.beyond3);
  });

  it("rejects bad options with a coded error", () => {
    const bad = (o: Partial<PilotOptions>): unknown => {
      try {
        generatePilotLog(caseA, { ...BASELINE, pressIds: ["a01"], ...o });
      } catch (e) {
        return (e as { code?: string }).code;
      }
      return "no error";
    };
    expect(bad({ from: "2026-02-30" })).toBe("TWIN_ERR_VALIDATION");
    expect(bad({ months: 0 })).toBe("TWIN_ERR_VALIDATION");
    expect(bad({ scrapRatio: 1.5 })).toBe("TWIN_ERR_VALIDATION");
    expect(bad({ mode: "contract" as never })).toBe("TWIN_ERR_VALIDATION");
    expect(bad({ pressIds: ["zz"] })).toBe("TWIN_ERR_VALIDATION");
  });
});

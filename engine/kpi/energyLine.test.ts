import { describe, expect, it } from "vitest";
import type { PressEvent } from "../../twin-models/schemas/kpi.ts";
import type { MoldtwinError } from "../errors.ts";
import { fitEnergyLine } from "./energyLine.ts";
import { computeKpis } from "./kpi.ts";

/** Deterministic noise in [−1, 1] (a fixed-seed LCG), so the noisy fit is reproducible. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}

/** Production rows of `hours` at `partsPerH` parts of 40 g, plus idle-on rows, power on P = 8 kW + 1.2 kWh/kg × ṁ. */
function lineLog(noiseKW: number): PressEvent[] {
  const rnd = noise(7);
  const out: PressEvent[] = [];
  let t = Date.UTC(2026, 0, 5, 0);
  const add = (hours: number, state: PressEvent["state"], parts: number): void => {
    const kgPerH = (parts * 40) / 1000 / hours;
    const powerKW = 8 + 1.2 * kgPerH + noiseKW * rnd();
    out.push({
      press: "E1",
      start: new Date(t).toISOString(),
      durationS: hours * 3600,
      state,
      parts,
      good: parts,
      scrap: 0,
      rework: 0,
      energyKWh: powerKW * hours,
      plannedUnitS: 20,
      partMassG: 40,
    });
    t += hours * 3_600_000;
  };
  for (let i = 0; i < 12; i++) add(2, "production", 200 + 40 * i); // 4 … 8.7 kg/h
  add(1, "no-order", 0);
  add(0.5, "minor-stop", 0);
  return out;
}

describe("energy base-load line E = P_base·t + k·m (Kent)", () => {
  it("recovers P_base and k exactly from data on a line", () => {
    const fit = fitEnergyLine([
      { throughputKgPerH: 0, powerKW: 8 },
      { throughputKgPerH: 10, powerKW: 20 },
      { throughputKgPerH: 20, powerKW: 32 },
    ]);
    expect(fit.baseLoadKW).toBeCloseTo(8, 12);
    expect(fit.kWhPerKg).toBeCloseTo(1.2, 12);
    expect(fit.rSquared).toBeCloseTo(1, 12);
    expect(fit.points).toBe(3);
  });

  it("in the report: exact line, predicted kWh/part at the observed utilisation and at full utilisation", () => {
    const p = computeKpis(lineLog(0)).presses[0]!;
    const line = p.energy.line!;
    expect(line.baseLoadKW).toBeCloseTo(8, 9);
    expect(line.kWhPerKg).toBeCloseTo(1.2, 9);
    expect(line.rSquared).toBeCloseTo(1, 9);
    expect(line.points).toBe(14);
    // parts Σ (200 + 40 i), i = 0…11 = 2400 + 40 × 66 = 5040 → 201.6 kg; on-time 24 + 1 + 0.5 h
    expect(line.parts).toBe(5040);
    expect(line.massKg).toBeCloseTo(201.6, 9);
    expect(line.onTimeH).toBe(25.5);
    expect(line.productionH).toBe(24);
    // E = 8 × 25.5 + 1.2 × 201.6 = 204 + 241.92 = 445.92 kWh = the log's energy (all rows are on the line)
    expect(line.predictedKWh).toBeCloseTo(445.92, 9);
    expect(p.energy.totalKWh).toBeCloseTo(445.92, 9);
    expect(line.predictedKWhPerPart).toBeCloseTo(445.92 / 5040, 12);
    expect(line.predictedKWhPerPartAtFullUtilisation).toBeCloseTo((8 * 24 + 241.92) / 5040, 12);
    expect(line.utilisation).toBeCloseTo(24 / 25.5, 12);
  });

  it("recovers P_base and k within the noise (±0.5 kW on 14 points)", () => {
    const line = computeKpis(lineLog(0.5)).presses[0]!.energy.line!;
    expect(line.baseLoadKW).toBeGreaterThan(7.5);
    expect(line.baseLoadKW).toBeLessThan(8.5);
    expect(line.kWhPerKg).toBeGreaterThan(1.1);
    expect(line.kWhPerKg).toBeLessThan(1.3);
    expect(line.rSquared!).toBeGreaterThan(0.97);
    expect(line.rSquared!).toBeLessThan(1);
  });

  it("refuses fewer than 3 points or no spread in throughput (FIT_ERR_INSUFFICIENT_DATA)", () => {
    const refuse = (pts: { throughputKgPerH: number; powerKW: number }[]): string => {
      try {
        fitEnergyLine(pts);
      } catch (e) {
        return (e as MoldtwinError).code;
      }
      return "fitted";
    };
    expect(
      refuse([
        { throughputKgPerH: 1, powerKW: 9 },
        { throughputKgPerH: 2, powerKW: 10 },
      ]),
    ).toBe("FIT_ERR_INSUFFICIENT_DATA");
    expect(refuse(Array(5).fill({ throughputKgPerH: 4, powerKW: 12 }))).toBe("FIT_ERR_INSUFFICIENT_DATA");
    // every point at the same power: a flat line, R² undefined → null
    expect(fitEnergyLine([0, 1, 2].map((x) => ({ throughputKgPerH: x, powerKW: 5 }))).rSquared).toBeNull();
  });

  it("a refused line is null with a warning note; the rest of the report still computes", () => {
    const log = lineLog(0).slice(0, 2); // two production rows, no idle-on rows
    const p = computeKpis(log).presses[0]!;
    expect(p.energy.line).toBeNull();
    expect(p.notes.join(" ")).toContain("energy line not fitted (FIT_ERR_INSUFFICIENT_DATA)");
    expect(p.iso22400.availability).toBe(1);
    expect(p.iso22400.comprehensiveEnergyKWhPerPart).toBeGreaterThan(0);
    const same = lineLog(0)
      .slice(0, 3)
      .map((e) => ({ ...e, parts: 200, good: 200, energyKWh: 2 * (8 + 1.2 * 4) }));
    const q = computeKpis(same).presses[0]!;
    expect(q.energy.line).toBeNull();
    expect(q.notes.join(" ")).toContain("different throughputs");
    expect(q.iso22400.energyKWhPerKg).toBeCloseTo((3 * 25.6) / 24, 12);
  });
});

import { describe, expect, it } from "vitest";
import type { PressEvent } from "../../twin-models/schemas/kpi.ts";
import type { MoldtwinError } from "../errors.ts";
import { computeKpis } from "./kpi.ts";
import { CONTROL_CONSTANTS, spcAnalysis } from "./spc.ts";

/**
 * Four subgroups of n = 5:
 *   [10 12 11 13  9] x̄ 11 R 4 | [11 11 12 10 11] x̄ 11 R 2 | [12 14 13 11 15] x̄ 13 R 4 | [9 10 8 11 12] x̄ 10 R 4
 * X̿ = 45/4 = 11.25; R̄ = 14/4 = 3.5; σ_within = R̄/d2 = 3.5/2.326 = 1.504729…
 * Σx = 225, Σx² = 615 + 607 + 855 + 510 = 2587; SS = 2587 − 20 × 11.25² = 55.75; s = √(55.75/19) = 1.712954…
 * LSL 5, USL 17: Cp = 12 × 2.326/(6 × 3.5) = 27.912/21 = 1.3291429;
 *                Cpk = min(17 − 11.25, 11.25 − 5) × 2.326/(3 × 3.5) = 13.3745/10.5 = 1.2737619
 *                Pp = 12/(6 × 1.7129537) = 1.1675739; Ppk = 5.75/(3 × 1.7129537) = 1.1189249
 * X̄ chart: 11.25 ± 0.577 × 3.5 = 11.25 ± 2.0195; R chart: UCL 2.114 × 3.5 = 7.399, LCL 0; σ_x̄ = 0.577 × 3.5/3
 */
const DATA = [10, 12, 11, 13, 9, 11, 11, 12, 10, 11, 12, 14, 13, 11, 15, 9, 10, 8, 11, 12];
const SIGMA_W = 3.5 / 2.326;
const S = Math.sqrt(55.75 / 19);

describe("SPC: capability and X̄-R chart by hand", () => {
  it("Cp, Cpk (σ_within = R̄/d2) and Pp, Ppk (overall s)", () => {
    const r = spcAnalysis(DATA, 5, { lsl: 5, usl: 17 });
    expect(r.subgroups).toBe(4);
    expect(r.mean).toBe(11.25);
    expect(r.rBar).toBe(3.5);
    expect(r.sigmaWithin).toBeCloseTo(SIGMA_W, 14);
    expect(r.sigmaOverall).toBeCloseTo(S, 14);
    expect(r.capability!.cp).toBeCloseTo(12 / (6 * SIGMA_W), 12);
    expect(r.capability!.cp).toBeCloseTo(1.3291429, 7);
    expect(r.capability!.cpk).toBeCloseTo(1.2737619, 7);
    expect(r.capability!.pp).toBeCloseTo(1.1675739, 7);
    expect(r.capability!.ppk).toBeCloseTo(1.1189249, 7);
    expect(r.xbarChart.points).toEqual([11, 11, 13, 10]);
    expect(r.xbarChart.ucl).toBeCloseTo(11.25 + 0.577 * 3.5, 12);
    expect(r.xbarChart.lcl).toBeCloseTo(11.25 - 0.577 * 3.5, 12);
    expect(r.xbarChart.sigmaXbar).toBeCloseTo((0.577 * 3.5) / 3, 12);
    expect(r.rChart).toEqual({ centre: 3.5, ucl: 2.114 * 3.5, lcl: 0, points: [4, 2, 4, 4] });
    expect(r.violations).toEqual([]); // subgroup 3 at z = 1.75/0.6732 = 2.6: inside 3σ, alone beyond 2σ
    expect(r.constants).toMatchObject({ n: 5, a2: 0.577, d2: 2.326, d3: 0, d4: 2.114 });
  });

  it("one-sided specs use that side only; no spec gives no capability", () => {
    const upper = spcAnalysis(DATA, 5, { usl: 17 }).capability!;
    expect(upper.cp).toBeNull();
    expect(upper.pp).toBeNull();
    expect(upper.cpk).toBeCloseTo(5.75 / (3 * SIGMA_W), 12); // CPU
    expect(upper.ppk).toBeCloseTo(5.75 / (3 * S), 12);
    const lower = spcAnalysis(DATA, 5, { lsl: 5 }).capability!;
    expect(lower.cpk).toBeCloseTo(6.25 / (3 * SIGMA_W), 12); // CPL
    expect(spcAnalysis(DATA, 5, {}).capability).toBeNull();
  });

  it("trailing values are dropped with a note; < 2 subgroups is FIT_ERR_INSUFFICIENT_DATA; σ = 0 → null", () => {
    const r = spcAnalysis([...DATA, 1, 2], 5, {});
    expect(r.dropped).toBe(2);
    expect(r.notes[0]).toContain("do not fill a subgroup");
    let err: unknown;
    try {
      spcAnalysis(DATA.slice(0, 9), 5, {});
    } catch (e) {
      err = e;
    }
    expect((err as MoldtwinError).code).toBe("FIT_ERR_INSUFFICIENT_DATA");
    const flat = spcAnalysis(Array(10).fill(3), 5, { lsl: 1, usl: 5 });
    expect(flat.capability).toMatchObject({ cp: null, cpk: null, pp: null, ppk: null });
    expect(flat.violations).toEqual([]);
    expect(flat.notes.join(" ")).toContain("R̄ = 0");
  });

  it("the constant table covers n = 2…10 with d2(5) = 2.326", () => {
    expect(Object.keys(CONTROL_CONSTANTS).map(Number)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(CONTROL_CONSTANTS[5]!.d2).toBe(2.326);
    // A2 = 3/(d2 √n) to the table's 3 decimals
    for (const [n, c] of Object.entries(CONTROL_CONSTANTS)) {
      expect(c.a2).toBeCloseTo(3 / (c.d2 * Math.sqrt(Number(n))), 2);
    }
  });

  it("in the report: production-row measurements per press in time order, a run-rule violation found", () => {
    // 10 subgroups of 5 with x̄ = 10 except subgroup 8 (0-based 7) shifted far up; ranges 2 each.
    const events: PressEvent[] = [];
    let t = Date.UTC(2026, 0, 5, 6);
    for (let g = 0; g < 10; g++) {
      for (const d of [-1, 0, 1, 0, 0]) {
        events.push({
          press: "P1",
          start: new Date(t).toISOString(),
          durationS: 60,
          state: "production",
          parts: 1,
          good: 1,
          scrap: 0,
          rework: 0,
          energyKWh: 0,
          plannedUnitS: 60,
          measurement: (g === 7 ? 14 : 10) + d,
        });
        t += 60_000;
      }
    }
    // a measurement on a setup row is not used
    events.push({ ...events[0]!, start: new Date(t).toISOString(), state: "setup", parts: 0, good: 0 });
    const r = computeKpis(events.reverse(), { spec: { lsl: 5, usl: 20 } });
    const spc = r.presses[0]!.spc!;
    expect(spc.subgroups).toBe(10);
    expect(spc.xbarChart.points[7]).toBe(14);
    expect(spc.mean).toBeCloseTo(10.4, 12);
    // R̄ = 2, σ_x̄ = 0.577 × 2 / 3 = 0.3847; subgroup 7 at z = (14 − 10.4)/0.3847 = 9.36 → WE1/N1
    expect(spc.violations.filter((v) => v.rule === "WE1").map((v) => v.points)).toEqual([[7]]);
    expect(r.presses[0]!.notes.join(" ")).toContain("1 measurement(s) on non-production rows not used");
    expect(r.spec).toEqual({ lsl: 5, usl: 20, subgroupSize: 5 });
  });
});

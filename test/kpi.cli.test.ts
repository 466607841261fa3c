import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { kpiOptionsFromCli, kpisForCli, readPressEventsCsv } from "../adapters/cli/commands/kpi.ts";
import { computeKpis } from "../engine/kpi/index.ts";
import { errorOf } from "./errorOf.ts";
import { moldtwinAsync as moldtwin, type Run } from "./runCli.ts";

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), "moldtwin-kpi-"));
const DAY = fixture("kpi-day.csv");
const SPC = fixture("kpi-spc.csv");
const DAY_SVG = join(dir, "day.svg");
const SPC_SVG = join(dir, "spc.svg");

/** Every CLI run of this file, started together (at most 3 at a time) before the tests look at them; the option
 * and CSV checks that need no process are tested in-process below. */
const RUNS = {
  dayJson: [DAY, "--json"],
  dayHuman: [DAY],
  dayClipped: [DAY, "--from", "2026-01-05T10:00:00Z", "--to", "2026-01-05T14:00:00Z", "--svg", DAY_SVG, "--json"],
  spcJson: [SPC, "--lsl", "5", "--usl", "15", "--svg", SPC_SVG, "--json"],
  badState: [fixture("kpi-bad-state.csv"), "--json"],
  badSum: [fixture("kpi-bad-sum.csv"), "--json"],
  missing: [join(dir, "nope.csv"), "--json"],
} as const;
const out = {} as Record<keyof typeof RUNS, Run>;
const body = (k: keyof typeof RUNS): any => JSON.parse(out[k].stdout);

beforeAll(async () => {
  const keys = Object.keys(RUNS) as (keyof typeof RUNS)[];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const k = keys[next++]!;
      out[k] = await moldtwin("kpi", ...RUNS[k]);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}, 60_000);

describe("moldtwin kpi", () => {
  it("one press, one day: the hand-computed KPIs (engine/kpi/kpi.test.ts) from the CSV, as one JSON object", () => {
    expect(out.dayJson.code).toBe(0);
    const b = body("dayJson");
    expect(b.analysis).toBe("press-kpis");
    expect(b.rows).toBe(14);
    const p = b.presses[0];
    expect(p.press).toBe("P1");
    expect(p.bucketsH).toMatchObject({ production: 12, breakdown: 2.5, "waiting-parts": 1.5, unrecorded: 0.5 });
    expect(p.reconciliation.differenceMs).toBe(0);
    expect(p.counts).toMatchObject({ producedParts: 3250, goodParts: 3180, failureEvents: 2 });
    expect(p.iso22400.availability).toBeCloseTo(0.6, 14);
    expect(p.iso22400.oee).toBeCloseTo(0.53, 14);
    expect(p.iso22400.mtbfH).toBe(6);
    expect(p.iso22400.mttrH).toBe(2);
    expect(p.nakajima.oee).toBeCloseTo(10.6 / 19, 14);
    expect(p.semiE10.supplierDependentUptime).toBeCloseTo(13 / 20.5, 14);
    expect(p.energy.totalKWh).toBe(372);
    expect(p.energy.line.baseLoadKW).toBeCloseTo(6, 9);
    expect(p.energy.line.kWhPerKg).toBeCloseTo(1.6, 9);
    expect(p.spc).toBeNull();
    expect(b.fleet.presses).toEqual(["P1"]);
    expect(Object.keys(b.definitions)).toContain("semiE10.supplierDependentUptime");
    // the command is the engine on the parsed CSV, nothing more
    const engine = computeKpis(readPressEventsCsv(readFileSync(DAY, "utf8"), DAY));
    expect(b.presses).toEqual(JSON.parse(JSON.stringify(engine.presses)));
  });

  it("human output labels every availability with its definition", () => {
    const r = out.dayHuman;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ISO 22400 availability APT\/PBT\s+60\.0 %/);
    expect(r.stdout).toMatch(/Nakajima availability oper\.\/loading\s+68\.4 %/);
    expect(r.stdout).toMatch(/E10 supplier-dependent uptime \(contract\)\s+63\.4 %/);
    expect(r.stdout).toMatch(/OEE index\s+53\.0 %/);
    expect(r.stdout).toMatch(/Σ buckets − window \(ms\)\s+0/);
    expect(r.stdout).toContain("0.5 h of the window are unrecorded");
  });

  it("--from/--to clip rows pro rata; --svg writes the ISO and Nakajima waterfalls", () => {
    expect(out.dayClipped.code).toBe(0);
    const b = body("dayClipped");
    const p = b.presses[0];
    // production 09:00–13:00 clipped to 3 h (750 parts, 720 good); minor stop 0.5 h; breakdown 13:30–14:00 0.5 h
    expect(p.window).toEqual({ from: "2026-01-05T10:00:00.000Z", to: "2026-01-05T14:00:00.000Z", calendarH: 4 });
    expect(p.bucketsH).toMatchObject({ production: 3, "minor-stop": 0.5, breakdown: 0.5, unrecorded: 0 });
    expect(p.counts).toMatchObject({ producedParts: 750, goodParts: 720, failureEvents: 1 });
    expect(p.iso22400.mttrH).toBe(0.5);
    expect(b.svgFiles).toEqual([DAY_SVG]);
    const text = readFileSync(DAY_SVG, "utf8");
    expect(text.startsWith("<svg")).toBe(true);
    expect(text).toContain("ISO 22400-2 time waterfall — press P1");
    expect(text).toContain("Nakajima six big losses — press P1");
    expect(existsSync(join(dir, "day-xbar.svg"))).toBe(false);
  });

  it("two presses: fleet sums, SPC with a WE1/N1 violation and an X̄ chart, energy line refused with a note", () => {
    expect(out.spcJson.code).toBe(0);
    const b = body("spcJson");
    expect(b.presses.map((p: any) => p.press)).toEqual(["P2", "P3"]);
    const [p2, p3] = b.presses;
    expect(p2.spc.subgroups).toBe(16);
    expect(p2.spc.rBar).toBe(2);
    expect(p2.spc.capability.cp).toBeCloseTo((10 * 2.326) / 12, 12); // (USL − LSL)/(6 R̄/d2)
    expect(p2.spc.violations).toEqual([
      { rule: "WE1", description: "1 point beyond 3σ", points: [7] },
      { rule: "N1", description: "1 point beyond 3σ", points: [7] },
    ]);
    expect(p2.energy.line).toBeNull();
    expect(p2.notes.join(" ")).toContain("FIT_ERR_INSUFFICIENT_DATA");
    expect(p3.spc).toBeNull();
    // fleet = sums: 80 × 4 good parts on P2, 98 + 90 on P3
    expect(b.fleet.counts.goodParts).toBe(320 + 188);
    expect(b.fleet.window.calendarH).toBeCloseTo(p2.window.calendarH + p3.window.calendarH, 12);
    expect(b.svgFiles).toEqual([SPC_SVG, join(dir, "spc-xbar.svg")]);
    expect(readFileSync(SPC_SVG, "utf8")).toContain("ISO 22400-2 time waterfall — fleet");
    expect(readFileSync(join(dir, "spc-xbar.svg"), "utf8")).toContain("X̄ chart — press P2");
  });

  it("bad input exits 2 with a coded error naming the row and field", () => {
    expect(out.badState.code).toBe(2);
    const state = body("badState").error;
    expect(state.code).toBe("TWIN_ERR_VALIDATION");
    expect(state.details[0]).toMatchObject({ field: "row 3 column state", value: "running" });
    expect(state.details[0].allowed).toContain("production");

    expect(out.badSum.code).toBe(2);
    const sum = body("badSum").error;
    expect(sum.code).toBe("TWIN_ERR_VALIDATION");
    expect(sum.details.map((d: any) => d.field)).toEqual(["row 2 columns good, scrap, rework, parts"]);

    expect(out.missing.code).toBe(2);
    expect(body("missing").error.code).toBe("FILE_ERR_READ");
    expect(body("missing").error.details[0].field).toBe("press event log");
  });

  it("overlapping rows and bad cells of the CSV name the rows (in-process)", () => {
    const file = fixture("kpi-overlap.csv");
    const overlap = errorOf(() => computeKpis(readPressEventsCsv(readFileSync(file, "utf8"), file)));
    expect(overlap.code).toBe("TWIN_ERR_VALIDATION");
    expect(overlap.message).toContain("row 3 overlaps row 2");
    expect(overlap.details[0]!.field).toBe("row 3 column start");
    const cells = errorOf(() =>
      readPressEventsCsv(
        "press,start,durationS,state,parts,energyKWh,plannedUnitS,measurement\n" +
          ",2026-01-05T06:00Z,0,setup,1.5,-1,0,x\nP1,2026-02-30T06:00:00Z,60,Production,,,,\n",
        "x.csv",
      ),
    );
    expect(cells.details.map((d) => d.field)).toEqual([
      "row 2 column press",
      "row 2 column durationS",
      "row 2 column parts",
      "row 2 column energyKWh",
      "row 2 column plannedUnitS",
      "row 2 column measurement",
      "row 3 column start",
    ]);
    const noColumn = errorOf(() => readPressEventsCsv("press,start,state\nP1,2026-01-05T06:00Z,setup\n", "y.csv"));
    expect(noColumn.code).toBe("FILE_ERR_READ");
  });

  it("bad options are coded and name the option (in-process)", () => {
    for (const [o, field] of [
      [{ subgroup: "11" }, "--subgroup"],
      [{ subgroup: "x" }, "--subgroup"],
      [{ from: "yesterday" }, "--from"],
      [{ from: "2026-01-06T00:00:00Z", to: "2026-01-05T00:00:00Z" }, "--to"],
      [{ lsl: "5", usl: "4" }, "--usl"],
      [{ lsl: "low" }, "--lsl"],
    ] as const) {
      const e = errorOf(() => kpiOptionsFromCli(o));
      expect(e.code, JSON.stringify(o)).toBe("TWIN_ERR_VALIDATION");
      expect(e.details[0]!.field).toBe(field);
    }
    expect(kpiOptionsFromCli({ press: "P2", lsl: "1.5", subgroup: "4" })).toEqual({
      presses: ["P2"],
      spec: { lsl: 1.5, subgroupSize: 4 },
    });
    const events = readPressEventsCsv(readFileSync(SPC, "utf8"), SPC);
    const only = kpisForCli(events, kpiOptionsFromCli({ press: "P2", subgroup: "4" }));
    expect(only.presses.map((p) => p.press)).toEqual(["P2"]);
    expect(only.presses[0]!.spc).toMatchObject({ subgroupSize: 4, subgroups: 20 });
    const unknown = errorOf(() => kpisForCli(events, kpiOptionsFromCli({ press: "X9" })));
    expect(unknown.code).toBe("TWIN_ERR_UNKNOWN_ID");
    expect(unknown.details[0]).toMatchObject({ field: "--press", allowed: "one of: P2, P3" });
  });
});

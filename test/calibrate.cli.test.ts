import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { main } from "../adapters/cli/main.ts";
import { DEMO_HIDDEN } from "../engine/calibrate/demo.ts";
import { calibrationDesign } from "../engine/calibrate/design.ts";
import { simulatedPress } from "../engine/calibrate/simulatedPress.ts";
import { resolveTwin } from "../twin-models/resolve.ts";
import { moldtwinAsync as moldtwin, type Run } from "./runCli.ts";

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "moldtwin-calibrate-"));

// A JSON cycle file: 5 settings × 4 cycles of the press with hidden offsets, only peak pressure and part mass.
const plant = JSON.parse(readFileSync(new URL("../seeds/case-a-automotive.json", import.meta.url), "utf8"));
const a01 = plant.cells[0].presses.find((p: { id: string }) => p.id === "a01");
const twin = resolveTwin({ material: a01.material, machine: a01.machine, mold: a01.mold });
const design = calibrationDesign(twin, a01.settings).slice(0, 5);
const jsonCycles = simulatedPress({
  twin,
  hidden: DEMO_HIDDEN,
  seed: 3,
  outputs: ["peakInjectionPressureMPa", "partMassG"],
})
  .run((c) => design[Math.floor(c / 4)]!, 0, 20)
  .map((c) => ({ press: "a01", cycle: c.cycle, settings: c.settings, observed: c.observed }));
const jsonFile = join(dir, "cycles.json");
writeFileSync(jsonFile, JSON.stringify({ cycles: jsonCycles }));
const svgFile = join(dir, "drift.svg");

/** The CLI's `main` in this process: stdout, stderr and the exit code it sets. */
async function inProcess(...args: string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const before = process.exitCode;
  try {
    await main(["node", "moldtwin", ...args]);
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = before;
  }
}

const runs: Record<string, Run> = {};
beforeAll(async () => {
  const spawned: Record<string, string[]> = {
    csv: ["--cycles", fixture("calibrate-a01.csv"), "--fit-cycles", "72", "--window", "50", "--json"],
    demo: ["--demo", "--json"],
  };
  const pending = Promise.all(
    Object.entries(spawned).map(
      async ([name, args]) => [name, await moldtwin("calibrate", "--press", "a01", ...args)] as const,
    ),
  );
  const local: Record<string, string[]> = {
    csvHuman: ["--press", "a01", "--cycles", fixture("calibrate-a01.csv"), "--window", "72", "--svg", svgFile],
    demoHuman: ["--press", "a01", "--demo", "--production", "200", "--drift", "ewma"],
    json: ["--press", "a01", "--cycles", jsonFile, "--params", "viscosityFactor,heatTransferFactor", "--json"],
    unknownColumn: ["--press", "a01", "--cycles", fixture("calibrate-bad.csv"), "--json"],
    badCells: ["--press", "a01", "--cycles", fixture("calibrate-bad-cells.csv")],
    few: ["--press", "a01", "--cycles", fixture("calibrate-few.csv"), "--json"],
    unknownPress: ["--press", "z99", "--demo", "--json"],
    noInput: ["--press", "a01", "--json"],
    badParams: ["--press", "a01", "--demo", "--params", "viscosity", "--json"],
  };
  for (const [name, args] of Object.entries(local)) runs[name] = await inProcess("calibrate", ...args);
  for (const [name, r] of await pending) runs[name] = r;
}, 120_000);

describe("moldtwin calibrate --cycles <file.csv>", () => {
  it("calibrates on the first 72 cycles (rows of other presses skipped) and recovers the hidden offsets", () => {
    const r = runs.csv!;
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body).toMatchObject({ press: "a01", plant: "case-a-automotive", mode: "cycles" });
    const c = body.calibration;
    expect(c.cycles).toBe(72);
    expect(c.distinctSettings).toBe(9);
    expect(c.fitted).toHaveLength(6);
    for (const [name, e] of Object.entries<{ value: number; standardError: number }>(c.estimates)) {
      const truth = DEMO_HIDDEN[name as keyof typeof DEMO_HIDDEN];
      expect(Math.abs(e.value - truth)).toBeLessThan(3 * e.standardError);
    }
    expect(c.residuals.partMassG.n).toBe(72);
    expect(c.reducedChiSquare).toBeGreaterThan(0.8);
    expect(c.reducedChiSquare).toBeLessThan(1.2);
  });

  it("charts the 328 later cycles: the cushion alerts after the wear starts at 150; recalibration follows the leak", () => {
    const m = JSON.parse(runs.csv!.stdout).monitoring;
    expect(m).toMatchObject({ method: "cusum", kSigma: 0.5, hSigma: 10, window: 50, chartedCycles: 328 });
    expect(m.alerts[0]).toMatchObject({ cycle: 212, output: "cushionMm", direction: "down", since: 186 });
    expect(m.alerts.every((a: { cycle: number }) => a.cycle > 150)).toBe(true);
    expect(m.recalibrations).toHaveLength(m.alerts.length);
    // True leakage: 0.04 until cycle 150, 0.063 at 250, 0.142 at 399.
    expect(m.finalAdjustments.checkRingLeakageFraction).toBeGreaterThan(0.1);
    expect(m.finalAdjustments.checkRingLeakageFraction).toBeLessThan(0.15);
  });

  it("human output: parameter table, residuals, alerts, and the SVG chart", () => {
    const r = runs.csvHuman!;
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("moldtwin calibrate — press a01 of case-a-automotive");
    expect(r.stdout).toMatch(/parameter\s+fitted\s+± SE\s+95 % interval/);
    expect(r.stdout).toMatch(/checkRingLeakageFraction\s+0\.04/);
    expect(r.stdout).toContain("monitoring: 328 later cycles, CUSUM k 0.5 σ, h 10 σ");
    expect(r.stdout).toMatch(/cushionMm\s+down/);
    const svg = readFileSync(svgFile, "utf8");
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg).toContain("cushionMm");
  });

  it("a JSON cycle file with an explicit parameter list", () => {
    const r = runs.json!;
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout).calibration;
    expect(c.cycles).toBe(20);
    expect(c.fitted).toEqual(["viscosityFactor", "heatTransferFactor"]);
    expect(c.held.map((h: { parameter: string }) => h.parameter)).toEqual([
      "nozzleLossFactor",
      "driveEfficiencyFactor",
      "checkRingLeakageFraction",
      "screwOutputFactor",
    ]);
    expect(Object.keys(c.residuals)).toEqual(["peakInjectionPressureMPa", "partMassG"]);
  });
});

describe("moldtwin calibrate --demo", () => {
  it("recovers the hidden offsets, predicts the held-out peak pressure within ±10 %, alerts before the mass leaves ±0.1 %", () => {
    const r = runs.demo!;
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.mode).toBe("demo");
    const d = body.demo;
    for (const [name, e] of Object.entries<{ value: number; standardError: number }>(body.calibration.estimates)) {
      expect(Math.abs(e.value - d.hidden[name])).toBeLessThan(3 * e.standardError);
    }
    expect(Math.abs(d.heldOut.errorPct)).toBeLessThan(10);
    expect(Math.abs(d.heldOut.uncalibratedErrorPct)).toBeGreaterThan(10);
    expect(d.wear).toEqual({ startCycle: 300, cyclesToFailure: 1000 });
    expect(d.firstAlertCycle).toBe(448);
    expect(d.massToleranceExitCycle).toBe(1485);
    expect(d.firstAlertCycle).toBeLessThan(d.massToleranceExitCycle);
    expect(body.monitoring.alerts[0].output).toBe("cushionMm");
  });

  it("human output shows the truth next to each fitted parameter; EWMA on request", () => {
    const r = runs.demoHuman!;
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/parameter\s+fitted\s+± SE\s+95 % interval\s+truth/);
    expect(r.stdout).toMatch(/viscosityFactor\s+1\.1\d*\s+0\.07\d*\s+[\d.]+ – [\d.]+\s+1\.18/);
    expect(r.stdout).toContain("EWMA λ 0.2, L 4.3");
    expect(r.stdout).toContain("held-out setting");
  });
});

describe("bad input: one coded error naming the field, exit 2", () => {
  it("a misspelt output column", () => {
    const r = runs.unknownColumn!;
    expect(r.code).toBe(2);
    const e = JSON.parse(r.stdout).error;
    expect(e.code).toBe("TWIN_ERR_VALIDATION");
    expect(e.details[0].field).toContain("header column peak_pressure_mpa");
    expect(e.details[0].allowed).toContain("peak_injection_pressure_mpa");
  });

  it("bad cells, each named by row and column", () => {
    const r = runs.badCells!;
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error TWIN_ERR_VALIDATION");
    expect(r.stderr).toContain("row 4 column melt_temp_c");
    expect(r.stderr).toContain("row 5 column cycle");
    expect(r.stderr).toContain("row 6 column observed outputs");
  });

  it("too few cycles, an unknown press, no input, an unknown parameter", () => {
    const few = JSON.parse(runs.few!.stdout).error;
    expect(few).toMatchObject({ code: "FIT_ERR_INSUFFICIENT_DATA" });
    expect(few.details[0]).toMatchObject({ field: "cycles", value: 2 });
    const press = JSON.parse(runs.unknownPress!.stdout).error;
    expect(press.code).toBe("TWIN_ERR_UNKNOWN_ID");
    expect(press.details[0].field).toBe("--press");
    expect(press.details[0].allowed).toContain("a01");
    expect(JSON.parse(runs.noInput!.stdout).error.code).toBe("CLI_ERR_USAGE");
    const params = JSON.parse(runs.badParams!.stdout).error;
    expect(params.code).toBe("CLI_ERR_USAGE");
    expect(params.details[0].field).toBe("--params");
    for (const name of ["few", "unknownPress", "noInput", "badParams"]) expect(runs[name]!.code).toBe(2);
  });
});

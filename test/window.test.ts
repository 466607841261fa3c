import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableFromIPC } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { closeSweepPools } from "../engine/sweep/pool.ts";
import { compileMargin } from "../engine/window/constraints.ts";
import { cpk } from "../engine/window/robust.ts";
import { runWindow } from "../engine/window/window.ts";
import { WindowScenario } from "../twin-models/schemas/window.ts";
import { parse } from "../twin-models/validate.ts";

const CLI = new URL("../adapters/cli/main.ts", import.meta.url).pathname;
const scenarioPath = (name: string): string => new URL(`../scenarios/${name}.json`, import.meta.url).pathname;
const DEMOS = ["clip-window", "bezel-window-fill", "cap-window-cooling"];

/** A demo scenario at a given resolution, with a light Monte Carlo (these tests are about the window itself). */
function demo(name: string, levels?: number): WindowScenario {
  const raw = JSON.parse(readFileSync(scenarioPath(name), "utf8"));
  if (levels) for (const f of raw.factors) f.levels = levels;
  raw.robustness = { replicates: 20, candidates: 6 };
  raw.sensitivity = { baseSamples: 0 };
  return parse(WindowScenario, raw, "scenario");
}

afterAll(closeSweepPools);

describe("process window", () => {
  for (const name of DEMOS) {
    it(`${name}: the adaptive search finds exactly the full-grid window, with far fewer shots`, async () => {
      for (const levels of [30, 61]) {
        const sc = demo(name, levels);
        const grid = await runWindow(sc, { search: "grid" });
        const adaptive = await runWindow(sc, { search: "adaptive" });
        expect(adaptive.area.cls).toEqual(grid.area.cls);
        expect(adaptive.factors).toEqual(grid.factors);
        expect(adaptive.closedOnEverySide).toBe(grid.closedOnEverySide);
        expect(grid.search.evaluations).toBe(levels * levels);
        expect(adaptive.search.evaluations).toBeLessThan(0.3 * grid.search.evaluations);
        // At a resolution worth adapting for, the target: ≤ 15 % of the grid's shots.
        if (levels === 61) expect(adaptive.search.evaluatedShare).toBeLessThanOrEqual(0.15);
      }
    });
  }

  it("a window closed on every side names the constraint that closes each side", async () => {
    const r = await runWindow(demo("cap-window-cooling"), { search: "grid" });
    expect(r.closedOnEverySide).toBe(true);
    const [mold, cooling] = r.factors;
    expect(mold!.low).toMatchObject({ closed: true, limitedBy: "moldRange" });
    expect(mold!.high).toMatchObject({ closed: true, limitedBy: "sinkHoldTime" });
    // Too short a cooling time ejects a soft part; too long breaks the 9 s cycle target.
    expect(cooling!.low).toMatchObject({ closed: true, limitedBy: "ejection" });
    expect(cooling!.high).toMatchObject({ closed: true, limitedBy: "cycleTime" });
    // Preferred ⊂ feasible, on every axis.
    for (const f of r.factors) {
      expect(f.preferred!.min).toBeGreaterThanOrEqual(f.feasible!.min);
      expect(f.preferred!.max).toBeLessThanOrEqual(f.feasible!.max);
    }
  });

  it("an open side is reported as open, not as a limit", async () => {
    const sc = demo("clip-window");
    sc.factors[0] = { ...sc.factors[0]!, min: 215, max: 235 };
    const r = await runWindow(sc, { search: "grid" });
    expect(r.closedOnEverySide).toBe(false);
    expect(r.factors[0]!.low).toMatchObject({ closed: false, limitedBy: "range" });
    expect(r.factors[0]!.high).toMatchObject({ closed: false, limitedBy: "range" });
  });

  it("a deliberately infeasible scenario says so and names the constraint", async () => {
    const raw = JSON.parse(readFileSync(scenarioPath("container-window-infeasible"), "utf8"));
    const r = await runWindow(parse(WindowScenario, raw, "scenario"));
    expect(r.feasible).toBe(false);
    if (r.feasible) return;
    expect(r.counts.feasible).toBe(0);
    expect(r.infeasible.limitingConstraint).toBe("burnShearStress");
    expect(r.infeasible.message).toContain("burn: wall shear stress");
    expect(r.infeasible.failingConstraints[0]!.id).toBe("burnShearStress");
  });

  it("the robust optimum survives the noise at least as well as every other candidate, and objectives pick their best", async () => {
    const sc = demo("bezel-window-fill");
    sc.robustness = { replicates: 100, candidates: 16, seed: 5 };
    const r = await runWindow(sc, { search: "grid" });
    if (!r.feasible) throw new Error("bezel demo must have a window");
    for (const p of r.pareto) expect(r.optima.mostRobust.robustness.yield).toBeGreaterThanOrEqual(p.robustness.yield);
    expect(r.optima.shortestCycle.robustness.cycleTimeMeanS).toBeLessThanOrEqual(
      r.optima.mostRobust.robustness.cycleTimeMeanS,
    );
    expect(r.recommended.settings).toEqual(r.optima.shortestCycle.settings); // the scenario's objective
    expect(r.pareto.length).toBeGreaterThanOrEqual(1);
    // Deterministic: the same seed gives the same numbers.
    const again = await runWindow(sc, { search: "grid", workers: 2 });
    if (!again.feasible) throw new Error("unreachable");
    expect(again.optima).toEqual(r.optima);
  });

  it("Cpk follows its definition", () => {
    expect(cpk(10, 0.1, 9.4, 10.6)).toBeCloseTo(2, 12);
    expect(cpk(10.2, 0.1, 9.4, 10.6)).toBeCloseTo(4 / 3, 12);
    expect(cpk(10, 0, 9, 11)).toBe(99);
  });

  it("user expressions become margins: comparisons are signed relative distances", () => {
    const values: Record<string, number> = { partMassG: 12.2, cycleTimeS: 20 };
    const row = { get: (k: string) => values[k]! };
    expect(compileMargin("partMassG >= 12.1", "e")(row)).toBeCloseTo(0.1 / 12.2, 12);
    expect(compileMargin("partMassG >= 12.1 and cycleTimeS <= 18", "e")(row)).toBeCloseTo(-2 / 20, 12);
    expect(compileMargin("partMassG >= 12.1 or cycleTimeS <= 18", "e")(row)).toBeGreaterThan(0);
    expect(() => compileMargin("partMass >= 1", "constraints.expressions[0]")).toThrow(/unknown names: partMass/);
  });
});

describe("moldtwin window (CLI)", () => {
  const moldtwin = (...args: string[]) => {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
    return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };

  it("prints one JSON object, writes the molding-area SVG and every shot as Arrow", () => {
    const dir = mkdtempSync(join(tmpdir(), "moldtwin-window-"));
    const svg = join(dir, "w.svg");
    const arrow = join(dir, "w.arrow");
    const r = moldtwin("window", scenarioPath("clip-window"), "--json", "--svg", svg, "--out", arrow, "--workers", "2");
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.feasible).toBe(true);
    expect(body.closedOnEverySide).toBe(true);
    expect(body.recommended.robustness.yield).toBeGreaterThan(0.9);
    const text = readFileSync(svg, "utf8");
    expect(text.startsWith("<svg")).toBe(true);
    expect(text).toContain("meltTempC (°C)");
    expect(text).toContain("holdPressureMPa (MPa)");
    expect(text).toContain("recommended");
    const table = tableFromIPC(readFileSync(arrow));
    expect(table.numRows).toBe(900);
    expect(table.getChild("partMassG")).not.toBeNull();
    // Plain progress lines on a non-terminal, on stderr (stdout holds only the JSON).
    expect(r.stderr).toMatch(/grid: 900\/900 shots/);
  });

  it("prints a readable summary and rejects bad input with a coded error", () => {
    const ok = moldtwin("window", scenarioPath("cap-window-cooling"), "--adaptive");
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/adaptive search: \d+ of 900 grid points simulated/);
    expect(ok.stdout).toMatch(/recommended \(least-energy\)/);
    expect(ok.stdout).toContain("closed on every side");
    const bad = moldtwin("window", scenarioPath("cap-window-cooling"), "--workers", "two", "--json");
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error.code).toBe("CLI_ERR_USAGE");
    const dir = mkdtempSync(join(tmpdir(), "moldtwin-window-"));
    const file = join(dir, "bad.json");
    const raw = JSON.parse(readFileSync(scenarioPath("cap-window-cooling"), "utf8"));
    raw.factors[0].max = 95;
    writeFileSync(file, JSON.stringify(raw));
    const range = moldtwin("window", file, "--json");
    expect(range.code).toBe(2);
    const err = JSON.parse(range.stdout).error;
    expect(err.code).toBe("TWIN_ERR_OUT_OF_RANGE");
    expect(err.details[0]).toMatchObject({ field: "scenario.factors[0].max", value: 95, unit: "°C" });
  });

  it("sweep: the same Arrow file bytes on 0 and 2 workers; a Latin hypercube fills every stratum", () => {
    const dir = mkdtempSync(join(tmpdir(), "moldtwin-sweep-"));
    const a = join(dir, "a.arrow");
    const b = join(dir, "b.arrow");
    expect(moldtwin("sweep", scenarioPath("clip-lhs-sweep"), "--out", a, "--workers", "0").code).toBe(0);
    const r = moldtwin("sweep", scenarioPath("clip-lhs-sweep"), "--out", b, "--workers", "2", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ design: "lhs", points: 5000, workers: 2 });
    expect(readFileSync(a).equals(readFileSync(b))).toBe(true);
    const t = tableFromIPC(readFileSync(a));
    expect(t.numRows).toBe(5000);
    const melt = t.getChild("meltTempC")!.toArray() as Float64Array;
    const strata = new Set(Array.from(melt, (v) => Math.floor(((v - 210) / 35) * 5000)));
    expect(strata.size).toBe(5000);
  });
});

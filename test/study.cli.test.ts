import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { moldtwin } from "./runCli.ts";

const SCENARIO = new URL("../scenarios/clip-baseline.json", import.meta.url).pathname;

/** Runs the real CLI in a child process on the same Node (24) as the tests. */

const dir = mkdtempSync(join(tmpdir(), "moldtwin-study-"));

const CASES = [
  {
    study: "viscosity",
    key: "viscosity-curve",
    bad: ["--flat-threshold-pct", "-3"],
    labels: ["relative shear rate", "relative viscosity"],
  },
  { study: "gate-seal", key: "gate-seal", bad: ["--steps", "2.5"], labels: ["hold time (s)", "part mass (g)"] },
  {
    study: "pressure-drop",
    key: "pressure-drop",
    bad: ["--injection-times-s", "0.5,abc"],
    labels: ["flow-path segment", "pressure (MPa)"],
  },
  {
    study: "balance",
    key: "cavity-balance",
    bad: ["--runner-extra-mm", "0,0,15"],
    labels: ["cavity", "part fill (%)"],
  },
] as const;

describe("moldtwin study", () => {
  for (const c of CASES) {
    it(`${c.study}: --json prints one object, --svg writes a chart with its axis labels`, () => {
      const svg = join(dir, `${c.study}.svg`);
      const r = moldtwin("study", c.study, SCENARIO, "--json", "--svg", svg);
      expect(r.code).toBe(0);
      const body = JSON.parse(r.stdout);
      expect(body.study.study).toBe(c.key);
      expect(body.svgFile).toBe(svg);
      const text = readFileSync(svg, "utf8");
      expect(text.startsWith("<svg")).toBe(true);
      for (const label of c.labels) expect(text).toContain(label.replace(/&/g, "&amp;"));
      expect(text.trimEnd().endsWith("</svg>")).toBe(true);
    });

    it(`${c.study}: a bad option value exits 2 with a coded error naming the option`, () => {
      const r = moldtwin("study", c.study, SCENARIO, ...c.bad, "--json");
      expect(r.code).toBe(2);
      const body = JSON.parse(r.stdout);
      expect(body.error.code).toBe("TWIN_ERR_VALIDATION");
      expect(body.error.details[0].field).toBe(c.bad[0]);
      expect(body.error.message).toContain(c.bad[0]);
    });
  }

  it("balance from library ids with an unbalanced layout: human table and recommendation", () => {
    const r = moldtwin(
      "study",
      "balance",
      "--material",
      "pp-isofil-hk10-tvhm",
      "--machine",
      "e110-all-electric",
      "--mold",
      "clip-4cav-auto",
      "--runner-extra-mm",
      "0,0,15,15",
      "--mold-temp-offset-c",
      "0,0,3,3",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("imbalance");
    expect(r.stdout).toMatch(/recommendation: imbalance [\d.]+ %/);
  });

  it("an unknown study and an option of another study are usage errors", () => {
    const unknown = moldtwin("study", "rheology", SCENARIO, "--json");
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout).error.code).toBe("CLI_ERR_USAGE");
    const wrong = moldtwin("study", "viscosity", SCENARIO, "--runner-extra-mm", "0,0,0,0", "--json");
    expect(wrong.code).toBe(2);
    expect(JSON.parse(wrong.stdout).error.details[0].field).toBe("--runner-extra-mm");
  });

  it("--set overrides reach the study", () => {
    const r = moldtwin("study", "gate-seal", SCENARIO, "--set", "holdPressureMPa=40", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).study.method.holdPressureMPa).toBe(40);
  });
});

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { moldtwin } from "./runCli.ts";

const SCENARIO = new URL("../scenarios/clip-baseline.json", import.meta.url).pathname;

/** Runs the real CLI in a child process on the same Node (24) as the tests. */

function json(...args: string[]): { code: number; body: Record<string, any> } {
  const r = moldtwin(...args, "--json");
  return { code: r.code, body: JSON.parse(r.stdout) };
}

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe("calculator commands reproduce the reference worked examples (molding.md §4)", () => {
  it("material: Cross-WLF and Tait of PS Styron 678E at 230 °C (check V1)", () => {
    const { code, body } = json("material", "ps-styron-678e", "--temp-c", "230", "--shear-rate", "1000");
    expect(code).toBe(0);
    expect(rel(body.zeroShearViscosityPaS, 1211)).toBeLessThan(0.005);
    expect(rel(body.viscosityPaS, 73.0)).toBeLessThan(0.005);
    // Tait at p = 0 in the melt: v = b1m + b2m·(T − b5) = 9.76e-4 + 5.8e-7·(503.15 − 373).
    const v = 9.76e-4 + 5.8e-7 * (503.15 - 373.0);
    expect(rel(body.specificVolumeM3PerKg, v)).toBeLessThan(1e-9);
    expect(body.densityKgPerM3 * body.specificVolumeM3PerKg).toBeCloseTo(1, 12);
  });

  it("calc cooling: plate centre 6.39 s and mean 4.56 s (check C1)", () => {
    const args = [
      "calc",
      "cooling",
      "--thickness-mm",
      "2",
      "--diffusivity-m2s",
      "1e-7",
      "--melt-c",
      "230",
      "--mold-c",
      "40",
      "--eject-c",
      "90",
    ];
    expect(rel(json(...args).body.coolingTimeS, 6.39)).toBeLessThan(0.005);
    expect(rel(json(...args, "--criterion", "mean").body.coolingTimeS, 4.56)).toBeLessThan(0.005);
  });

  it("calc cooling: a cylinder of diameter D uses D²/(23.13α)·ln(1.602θ)", () => {
    const { body } = json(
      "calc",
      "cooling",
      "--shape",
      "cylinder",
      "--thickness-mm",
      "4",
      "--diffusivity-m2s",
      "1e-7",
      "--melt-c",
      "230",
      "--mold-c",
      "40",
      "--eject-c",
      "90",
    );
    const expected = (0.004 ** 2 / (23.13 * 1e-7)) * Math.log(1.602 * (190 / 50));
    expect(rel(body.coolingTimeS, expected)).toBeLessThan(0.002);
  });

  it("calc pressure-drop: Newtonian slit 3.000 MPa (check F1); tube and disk match Hagen–Poiseuille and 6μQ·ln(R2/R1)/(πH³)", () => {
    const strip = json(
      "calc",
      "pressure-drop",
      "--geometry",
      "strip",
      "--flow-m3s",
      "1e-5",
      "--viscosity-pas",
      "100",
      "--length-mm",
      "100",
      "--width-mm",
      "50",
      "--thickness-mm",
      "2",
    );
    expect(rel(strip.body.pressureDropMPa, 3.0)).toBeLessThan(1e-9);
    expect(strip.body.wallShearRate1s).toBeCloseTo((6 * 1e-5) / (0.05 * 0.002 ** 2), 6);
    const tube = json(
      "calc",
      "pressure-drop",
      "--geometry",
      "tube",
      "--flow-m3s",
      "1e-5",
      "--viscosity-pas",
      "100",
      "--length-mm",
      "100",
      "--radius-mm",
      "3",
    );
    expect(rel(tube.body.pressureDropMPa, (8 * 100 * 0.1 * 1e-5) / (Math.PI * 0.003 ** 4) / 1e6)).toBeLessThan(1e-9);
    const disk = json(
      "calc",
      "pressure-drop",
      "--geometry",
      "disk",
      "--flow-m3s",
      "1e-5",
      "--k-pasn",
      "100",
      "--n",
      "1",
      "--inner-radius-mm",
      "2",
      "--outer-radius-mm",
      "50",
      "--thickness-mm",
      "2",
    );
    expect(rel(disk.body.pressureDropMPa, (6 * 100 * 1e-5 * Math.log(25)) / (Math.PI * 0.002 ** 3) / 1e6)).toBeLessThan(
      1e-6,
    );
  });

  it("calc clamp: 45 in² × 4500 psi × 1.15 = 232 875 lbf = 116.4 US tons (check K2)", () => {
    const areaCm2 = 45 * 6.4516;
    const pressureMPa = (4500 * 6894.757293168) / 1e6;
    const { body } = json(
      "calc",
      "clamp",
      "--area-cm2",
      String(areaCm2),
      "--pressure-mpa",
      String(pressureMPa),
      "--safety-factor",
      "1.15",
    );
    expect(rel((body.clampForceKN * 1000) / 4.4482216152605, 232_875)).toBeLessThan(1e-9);
    expect(body.clampForceUSTons).toBeCloseTo(116.44, 2);
    expect(body.clampForceMetricTons).toBeCloseTo(body.clampForceKN / 9.80665, 9);
  });
});

describe("simulate", () => {
  it("runs a scenario file and prints one JSON object with units in its keys and no NaN", () => {
    const r = moldtwin("simulate", SCENARIO, "--json");
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/NaN|Infinity|null/);
    const body = JSON.parse(r.stdout);
    expect(body.twin).toMatchObject({
      materialId: "pp-isofil-hk10-tvhm",
      machineId: "e110-all-electric",
      moldId: "clip-4cav-auto",
    });
    expect(body.result.fill.peakInjectionPressureMPa).toBeGreaterThan(0);
    expect(body.result.pack.partMassG).toBeGreaterThan(0);
    expect(Object.keys(body.result.defects).sort()).toEqual(["burn", "flash", "shortShot", "sink", "warpage"]);
  });

  it("--set overrides a scenario setting, and the override changes the physics in the expected direction", () => {
    const base = json("simulate", SCENARIO).body.result;
    const hotter = json("simulate", SCENARIO, "--set", "meltTempC=245").body.result;
    expect(hotter.fill.peakInjectionPressureMPa).toBeLessThan(base.fill.peakInjectionPressureMPa);
  });

  it("from ids alone builds a starter recipe and prints a readable table", () => {
    const r = moldtwin(
      "simulate",
      "--material",
      "ps-styron-678e",
      "--machine",
      "e110-all-electric",
      "--mold",
      "medical-cap-8cav",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("settings (starter recipe + --set)");
    expect(r.stdout).toMatch(/peakInjectionPressureMPa\s+\d/);
    expect(r.stdout).toMatch(/shortShot\s+[-\d.]+\s+(ok|at-risk|defect)/);
  });
});

describe("bad input gives a coded error naming field, value, unit and the allowed range; never a stack trace", () => {
  function failing(args: string[]): Record<string, any> {
    const human = moldtwin(...args);
    expect(human.code).toBe(2);
    expect(human.stderr).toMatch(/^error [A-Z_]+: /);
    expect(human.stderr).not.toMatch(/\n\s+at /);
    expect(human.stdout).toBe("");
    const machine = moldtwin(...args, "--json");
    expect(machine.code).toBe(2);
    return JSON.parse(machine.stdout).error;
  }

  it("unknown id", () => {
    const e = failing([
      "simulate",
      "--material",
      "unobtainium",
      "--machine",
      "e110-all-electric",
      "--mold",
      "clip-4cav-auto",
    ]);
    expect(e.code).toBe("TWIN_ERR_UNKNOWN_ID");
    expect(e.details[0]).toMatchObject({ field: "material", value: "unobtainium" });
    expect(e.details[0].allowed).toContain("pp-isofil-hk10-tvhm");
  });

  it("missing field in a scenario file", () => {
    const dir = mkdtempSync(join(tmpdir(), "moldtwin-"));
    const path = join(dir, "s.json");
    const scenario = JSON.parse(spawnSync("cat", [SCENARIO], { encoding: "utf8" }).stdout);
    delete scenario.settings.holdTimeS;
    writeFileSync(path, JSON.stringify(scenario));
    const e = failing(["simulate", path]);
    expect(e.code).toBe("TWIN_ERR_VALIDATION");
    expect(e.details).toContainEqual(expect.objectContaining({ field: "scenario.settings.holdTimeS", unit: "s" }));
    expect(e.details[0].allowed).toMatch(/^required/);
  });

  it("negative thickness", () => {
    const e = failing([
      "calc",
      "cooling",
      "--thickness-mm",
      "-2",
      "--diffusivity-m2s",
      "1e-7",
      "--melt-c",
      "230",
      "--mold-c",
      "40",
      "--eject-c",
      "90",
    ]);
    expect(e.code).toBe("TWIN_ERR_VALIDATION");
    expect(e.details[0]).toMatchObject({ field: "calc cooling.thicknessMm", value: -2, unit: "mm" });
    expect(e.details[0].allowed).toContain("> 0");
  });

  it("melt above the material's absolute maximum", () => {
    const e = failing(["simulate", SCENARIO, "--set", "meltTempC=300"]);
    expect(e.code).toBe("TWIN_ERR_OUT_OF_RANGE");
    expect(e.details[0]).toMatchObject({ field: "settings.meltTempC", value: 300, unit: "°C" });
    expect(e.details[0].allowed).toContain("285");
  });

  it("a string for a number", () => {
    const e = failing(["simulate", SCENARIO, "--set", "holdPressureMPa=lots"]);
    expect(e.code).toBe("TWIN_ERR_VALIDATION");
    expect(e.details[0]).toMatchObject({ field: "scenario.settings.holdPressureMPa", value: "lots", unit: "MPa" });
    expect(e.details[0].allowed).toContain("finite number");
  });

  it("an unknown setting name, an unknown option and an unreadable file", () => {
    expect(failing(["simulate", SCENARIO, "--set", "speed=3"]).code).toBe("CLI_ERR_USAGE");
    expect(failing(["calc", "clamp", "--area-cm2", "10", "--pressure-mpa", "30", "--bogus"]).code).toBe(
      "CLI_ERR_USAGE",
    );
    expect(failing(["simulate", "does-not-exist.json"]).code).toBe("FILE_ERR_READ");
  });

  it("inconsistent calculator temperatures", () => {
    const e = failing([
      "calc",
      "cooling",
      "--thickness-mm",
      "2",
      "--diffusivity-m2s",
      "1e-7",
      "--melt-c",
      "230",
      "--mold-c",
      "95",
      "--eject-c",
      "90",
    ]);
    expect(e.code).toBe("TWIN_ERR_OUT_OF_RANGE");
    expect(e.details[0]).toMatchObject({ field: "ejectC", value: 90, unit: "°C" });
  });
});

describe("library", () => {
  it("lists the ids scripts rely on", () => {
    const { body } = json("library", "list");
    const ids = body.cards.map((c: { id: string }) => c.id);
    for (const id of [
      "ps-styron-678e",
      "hdpe-sabic",
      "pp-isofil-hk10-tvhm",
      "e110-all-electric",
      "sh250-servo-hydraulic",
      "h450-hydraulic",
    ]) {
      expect(ids).toContain(id);
    }
  });

  it("shows a card with its source", () => {
    const { body } = json("library", "show", "pp-isofil-hk10-tvhm");
    expect(body.kind).toBe("material");
    expect(body.card.source).toContain("MAT4408");
  });
});

describe("moldtwin simulate --wear-months", () => {
  it("ages the screw and check ring: leakage and recovery grow, part mass falls, the cycle lengthens", () => {
    const scenario = new URL("../scenarios/clip-baseline.json", import.meta.url).pathname;
    const fresh = JSON.parse(moldtwin("simulate", scenario, "--json").stdout);
    const worn = JSON.parse(moldtwin("simulate", scenario, "--json", "--wear-months", "6").stdout);
    expect(worn.wear.ageMonths).toBe(6);
    expect(worn.wear.effectiveAdjustments.checkRingLeakageFraction).toBeGreaterThan(0);
    expect(worn.wear.effectiveAdjustments.screwOutputFactor).toBeLessThan(1);
    expect(worn.result.pack.partMassG).toBeLessThan(fresh.result.pack.partMassG);
    expect(worn.result.cooling.plasticationTimeS).toBeGreaterThan(fresh.result.cooling.plasticationTimeS);
    expect(worn.result.cycle.cycleTimeS).toBeGreaterThanOrEqual(fresh.result.cycle.cycleTimeS);
    const bad = moldtwin("simulate", scenario, "--json", "--wear-months", "-1");
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error.details[0].field).toBe("--wear-months.ageMonths");
  });
});

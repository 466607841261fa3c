import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "vitest";
import { moldtwinAsync as moldtwin } from "./runCli.ts";

/**
 * `moldtwin life …` run as the real CLI in child processes, on the published data sets the engine tests use:
 * every numeric assertion is a number printed by the Python `reliability` library (docs or test suite) or by
 * ReliaWiki, as cited at each test. The CLI takes about a second to start, so the tests run concurrently.
 */

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "moldtwin-life-"));

/** Runs with --json and parses stdout, which must be exactly one JSON object. */
async function json(...args: string[]): Promise<{ code: number; body: Record<string, any> }> {
  const r = await moldtwin(...args, "--json");
  return { code: r.code, body: JSON.parse(r.stdout) };
}

const rel = (a: number, e: number): number => Math.abs(a - e) / Math.abs(e);
/** `actual` rounds to `printed` at `sig` significant digits. */
const sigOk = (actual: number, printed: number, sig = 6): boolean =>
  printed === 0
    ? Math.abs(actual) < 1e-12
    : Math.abs(actual - printed) <= 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(printed))) - sig + 1) * (1 + 1e-9);

function readSvg(path: string): string {
  const text = readFileSync(path, "utf8");
  if (!text.startsWith("<svg") || !text.trimEnd().endsWith("</svg>")) throw new Error(`${path} is not an SVG`);
  return text;
}

describe.concurrent("moldtwin life", () => {
  it("km: reliability docs 'Kaplan-Meier.rst' Example 1 (automotive data), 95 % plain Greenwood bounds; --svg", async ({
    expect,
  }) => {
    const svg = join(dir, "km.svg");
    const { code, body } = await json("life", "km", fixture("life-km-automotive.csv"), "--svg", svg);
    expect(code).toBe(0);
    expect(body.analysis).toBe("kaplan-meier");
    expect([body.n, body.failures, body.censored, body.ci, body.bounds]).toEqual([31, 10, 21, 0.95, "plain"]);
    expect(body.rows).toHaveLength(31);
    // [time, items at risk, KM estimate, lower, upper] as printed by reliability (6 significant digits)
    const printed: [number, number, number, number, number][] = [
      [3961, 31, 1, 1, 1],
      [5248, 28, 0.964286, 0.895548, 1],
      [7454, 25, 0.925714, 0.826513, 1],
      [17200, 22, 0.845217, 0.705334, 0.985101],
      [38700, 17, 0.795499, 0.633417, 0.95758],
      [49390, 13, 0.685353, 0.48621, 0.884496],
      [72280, 8, 0.539715, 0.300949, 0.778481],
      [131900, 2, 0.269858, 0, 0.662446],
      [150400, 1, 0.269858, 0, 0.662446],
    ];
    for (const [time, atRisk, s, lo, hi] of printed) {
      const row = body.rows.find((r: any) => r.time === time);
      expect(row.atRisk).toBe(atRisk);
      expect([sigOk(row.survival, s), sigOk(row.lower, lo), sigOk(row.upper, hi)]).toEqual([true, true, true]);
    }
    expect(body.medianLife).toBe(131900);
    expect(body.svgFile).toBe(svg);
    const text = readSvg(svg);
    expect(text).toContain("Kaplan–Meier S(t)");
    expect(text).toContain("95 % lower (plain)");
    expect(text).not.toMatch(/NaN|Infinity/);
  });

  it("km: human output is a table of the failure times; --bounds log-log is reported", async ({ expect }) => {
    const r = await moldtwin("life", "km", fixture("life-km-automotive.csv"), "--bounds", "log-log", "--ci", "0.9");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("90 % log-log Greenwood bounds");
    expect(r.stdout).toMatch(/5248\s+28\s+1\s+0\s+0\.9643\s/);
    expect(r.stdout).toContain("21 censoring-only times not shown");
  });

  it("km: left/interval-censored rows are refused naming time_left", async ({ expect }) => {
    const { code, body } = await json("life", "km", fixture("life-censoring-mix.csv"));
    expect(code).toBe(2);
    expect(body.error.code).toBe("TWIN_ERR_VALIDATION");
    expect(body.error.details[0].field).toBe("time_left");
  });

  it("growth crow-amsaa: reliability tests/test_Repairable_systems.py values (target MTBF 50 000); --svg", async ({
    expect,
  }) => {
    const svg = join(dir, "growth.svg");
    const { code, body } = await json(
      "life",
      "growth",
      fixture("life-growth-reliability.csv"),
      "--target-mtbf",
      "50000",
      "--svg",
      svg,
    );
    expect(code).toBe(0);
    expect(body.model).toBe("crow-amsaa");
    const published: [string, number][] = [
      ["beta", 0.741656619656656],
      ["lambda", 0.0007886414235385733],
      ["growthRate", 0.25834338034334403],
      ["DMTBF_I", 45937.70094814556],
      ["DMTBF_C", 34070.0],
      ["DFI_I", 2.176861225878063e-5],
      ["DFI_C", 2.9351335485764603e-5],
      ["timeToTarget", 1503979.9172547427],
    ];
    for (const [k, v] of published) expect(rel(body[k], v), k).toBeLessThan(1e-9);
    expect([body.failures, body.totalTime, body.targetMtbf]).toEqual([10, 340700, 50000]);
    expect(body.points[1]).toEqual({ failure: 2, time: 26900, cumulativeMtbf: 13450 });
    const text = readSvg(svg);
    expect(text).toContain("fitted cumulative MTBF");
    expect(text).toContain("target MTBF 50000");
    // ten data points
    expect(text.match(/<circle [^>]*r="3.5" fill="#1f77b4"\/>/g)).toHaveLength(10);
    expect(text).not.toMatch(/NaN|Infinity/);
  });

  it("growth duane: reliability tests/test_Repairable_systems.py values (target MTBF 50 000)", async ({ expect }) => {
    const { code, body } = await json(
      "life",
      "growth",
      fixture("life-growth-reliability.csv"),
      "--method",
      "duane",
      "--target-mtbf",
      "50000",
    );
    expect(code).toBe(0);
    expect(body.model).toBe("duane");
    const published: [string, number][] = [
      ["A", 0.002355878294089656],
      ["alpha", 0.33617199465228115],
      ["DMTBF_I", 46304.175358824315],
      ["DMTBF_C", 30738.008367719336],
      ["DFI_I", 2.1596324570100073e-5],
      ["DFI_C", 3.253301215996112e-5],
      ["timeToTarget", 1448446.368611323],
    ];
    for (const [k, v] of published) expect(rel(body[k], v), k).toBeLessThan(1e-9);
  });

  it("growth: a bad time names its row", async ({ expect }) => {
    const { code, body } = await json("life", "growth", fixture("life-growth-bad.csv"));
    expect(code).toBe(2);
    expect(body.error.code).toBe("TWIN_ERR_VALIDATION");
    expect(body.error.details.map((d: any) => d.field)).toEqual(["row 3 column time"]);
  });

  it("mcf: reliability docs 'Mean cumulative function.rst' table and MCF_parametric fit (ReliaWiki data); --svg", async ({
    expect,
  }) => {
    const svg = join(dir, "mcf.svg");
    const { code, body } = await json("life", "mcf", fixture("life-mcf-nelson.csv"), "--svg", svg);
    expect(code).toBe(0);
    expect([body.systems, body.failures, body.ci]).toEqual([5, 14, 0.95]);
    // time, MCF_lower, MCF, MCF_upper, variance — as printed (6 significant digits)
    const printed: [number, number, number, number, number][] = [
      [5, 0.0459299, 0.2, 0.870893, 0.032],
      [13, 0.658169, 1.2, 2.18789, 0.192],
      [17, 1.25598, 2, 3.18478, 0.32],
      [20, 1.49896, 2.33333, 3.63215, 0.394074],
      [25, 2.5071, 3.66667, 5.36255, 0.718148],
    ];
    const at = [0, 5, 9, 10, 13];
    printed.forEach(([t, lo, m, hi, v], j) => {
      const row = body.rows[at[j]!];
      expect(row.time).toBe(t);
      expect([sigOk(row.lower, lo), sigOk(row.mcf, m), sigOk(row.upper, hi), sigOk(row.variance, v)]).toEqual([
        true,
        true,
        true,
        true,
      ]);
    });
    expect(body.rows[10].atRisk).toBe(3);
    // docs: α = 11.980589826209348, β = 1.6736221860957468 (curve_fit's tolerance: agree to ~2.4e-7)
    const p = body.parametric;
    expect(p.model).toBe("MCF(t) = (t/alpha)^beta");
    expect(rel(p.alpha, 11.980589826209348)).toBeLessThan(1e-6);
    expect(rel(p.beta, 1.6736221860957468)).toBeLessThan(1e-6);
    expect(rel(p.alphaLower, 11.219187030973842)).toBeLessThan(1e-6);
    expect(rel(p.betaUpper, 1.8698127619704332)).toBeLessThan(1e-6);
    expect(p.trend).toBe("worsening");
    expect(body.warnings).toEqual([]);
    const text = readSvg(svg);
    expect(text).toContain("MCF (nonparametric)");
    expect(text).toContain("(t/11.98)^1.674");
    expect(text).not.toMatch(/NaN|Infinity/);
  });

  it("mcf: a broken systems file lists every bad row and the system without an R row", async ({ expect }) => {
    const { code, body } = await json("life", "mcf", fixture("life-mcf-bad.csv"));
    expect(code).toBe(2);
    expect(body.error.code).toBe("TWIN_ERR_VALIDATION");
    expect(body.error.details.map((d: any) => d.field)).toEqual([
      "row 4 column event",
      "row 5 column time",
      "row 7 column event",
      'system "B"',
    ]);
  });

  it("replacement (age): ReliaWiki 'Optimum Replacement Time Example' / reliability (493.19, 0.0034620…); --svg", async ({
    expect,
  }) => {
    const svg = join(dir, "cost.svg");
    const { code, body } = await json(
      "life",
      "replacement",
      "--dist",
      "weibull2p",
      "--alpha",
      "1000",
      "--beta",
      "2.5",
      "--cp",
      "1",
      "--cu",
      "5",
      "--svg",
      svg,
    );
    expect(code).toBe(0);
    expect(body.policy).toBe("age");
    // reliability's grid optimum 493.1851185118512 is good to half its grid step (2999/9999 h).
    expect(Math.abs(body.optimalAge - 493.1851185118512)).toBeLessThanOrEqual(0.5 * (2999 / 9999));
    expect(rel(body.costRate, 0.0034620429189943167)).toBeLessThan(1e-7);
    // run to failure: C_U / MTTF, MTTF = 1000·Γ(1.4) (the engine's Γ is good to ~5e-11 relative)
    expect(rel(body.distribution.mttf, 887.2638175473694)).toBeLessThan(1e-9);
    expect(body.runToFailureCostRate).toBeCloseTo(5 / body.distribution.mttf, 15);
    expect(body.savingFraction).toBeCloseTo(1 - body.costRate / body.runToFailureCostRate, 14);
    expect(body.saving).toBeCloseTo(body.runToFailureCostRate - body.costRate, 14);
    const text = readSvg(svg);
    expect(text).toContain("T* = 493: cost rate 0.003462");
    expect(text).toContain("run to failure C_U/MTTF");
    expect(text).not.toMatch(/NaN|Infinity/);
  });

  it("replacement (minimal-repair): reliability's q = 1 test values, its swapped costs undone (C_P 5, C_U 1)", async ({
    expect,
  }) => {
    const svg = join(dir, "minimal.svg");
    const { code, body } = await json(
      "life",
      "replacement",
      "--alpha",
      "1000",
      "--beta",
      "2.5",
      "--cp",
      "5",
      "--cu",
      "1",
      "--policy",
      "minimal-repair",
      "--svg",
      svg,
    );
    expect(code).toBe(0);
    expect(body.optimalInterval).toBeCloseTo(1618.644582767346, 9);
    expect(body.costRate).toBeCloseTo(0.0051483404213951, 15);
    expect(body.expectedFailuresPerInterval).toBeCloseTo(5 / 1.5, 12);
    expect(readSvg(svg)).toContain("Periodic replacement with minimal repair");
  });

  it("replacement: a bad value or an option of another distribution names the option", async ({ expect }) => {
    const base = ["life", "replacement", "--alpha", "1000", "--cp", "1", "--cu", "5"];
    const [beta, lambda] = await Promise.all([
      json(...base, "--beta", "-2"),
      json(...base, "--beta", "2", "--lambda", "0.1"),
    ]);
    expect(beta.code).toBe(2);
    expect(beta.body.error.code).toBe("TWIN_ERR_VALIDATION");
    expect(beta.body.error.details[0]).toMatchObject({ field: "--beta", value: -2 });
    expect(lambda.code).toBe(2);
    expect(lambda.body.error.code).toBe("CLI_ERR_USAGE");
    expect(lambda.body.error.details[0].field).toBe("--lambda");
  });

  it("alt: reliability Fit_Weibull_Exponential on ALT_temperature (tests/test_ALT_fitters.py), use stress 150", async ({
    expect,
  }) => {
    const { code, body } = await json(
      "life",
      "alt",
      fixture("life-alt-temperature.csv"),
      "--model",
      "arrhenius",
      "--use-stress",
      "150",
    );
    expect(code).toBe(0);
    expect([body.n, body.failures, body.model]).toEqual([137, 35, "arrhenius"]);
    expect(rel(body.params.a, 208.3339653554636)).toBeLessThan(1e-5);
    expect(rel(body.params.b, 157.57405443712548)).toBeLessThan(1e-5);
    expect(rel(body.params.beta, 1.3998311623096287)).toBeLessThan(1e-5);
    expect(rel(body.standardErrors.a, 33.28758176621911)).toBeLessThan(5e-5);
    expect(rel(body.standardErrors.b, 85.92939609115767)).toBeLessThan(5e-5);
    expect(rel(body.standardErrors.beta, 0.19952700393786083)).toBeLessThan(5e-5);
    expect(rel(body.logLikelihood, -341.5911775717569)).toBeLessThan(1e-12);
    expect(rel(body.aicc, 689.3628062713333)).toBeLessThan(1e-12);
    // reliability's mean life at the use stress 150
    expect(rel(body.use.mttf, 575.9724247466862)).toBeLessThan(1e-5);
    expect(body.use.alpha).toBeCloseTo(body.params.b * Math.exp(body.params.a / 150), 9);
    expect(body.use.b10).toBeCloseTo(body.use.alpha * (-Math.log(0.9)) ** (1 / body.params.beta), 9);
    expect(body.stressLevels.map((l: any) => [l.stress, l.n, l.failures])).toEqual([
      [40, 100, 10],
      [60, 20, 9],
      [80, 17, 16],
    ]);
    for (const [i, af] of body.use.accelerationFactors.entries()) {
      expect(af.testStress).toBe(body.stressLevels[i].stress);
      expect(af.factor).toBeCloseTo(body.use.alpha / body.stressLevels[i].alpha, 12);
    }
  });

  it("alt: bad cells name their rows; a missing --model is a usage error naming it", async ({ expect }) => {
    const [bad, missing] = await Promise.all([
      json("life", "alt", fixture("life-alt-bad.csv"), "--model", "power"),
      json("life", "alt", fixture("life-alt-temperature.csv")),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.body.error.code).toBe("TWIN_ERR_VALIDATION");
    expect(bad.body.error.details.map((d: any) => d.field)).toEqual(["row 3 column stress", "row 4 column time"]);
    expect(missing.code).toBe(2);
    expect(missing.body.error.code).toBe("CLI_ERR_USAGE");
    expect(missing.body.error.details[0]).toMatchObject({
      field: "--model",
      allowed: "one of: arrhenius, eyring, power",
    });
  });

  it("af: reliability docs 'Acceleration factor.rst': 60 → 100 °C at 1.2 eV gives 88.29574588", async ({ expect }) => {
    const args = ["life", "af", "--use-temp-c", "60", "--accelerated-temp-c", "100", "--ea-ev", "1.2"];
    const [j, cold] = await Promise.all([
      json(...args),
      json("life", "af", "--use-temp-c", "-300", "--accelerated-temp-c", "100", "--ea-ev", "1.2"),
    ]);
    expect(j.code).toBe(0);
    expect(j.body.accelerationFactor.toPrecision(10)).toBe("88.29574588");
    expect(cold.code).toBe(2);
    expect(cold.body.error.code).toBe("TWIN_ERR_VALIDATION");
    expect(cold.body.error.details[0]).toMatchObject({ field: "--use-temp-c", value: -300, unit: "°C" });
  });
});

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { plottingPositions } from "../adapters/svg/probabilityPlot.ts";
import { lifeData } from "../engine/reliability/lifeData.ts";
import { moldtwin } from "./runCli.ts";

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).pathname;

/** Runs the real CLI in a child process on the same Node (24) as the tests. */

const dir = mkdtempSync(join(tmpdir(), "moldtwin-fit-life-"));

describe("moldtwin fit-life", () => {
  it("fits the §4.1 data (reliability docs MLE example) and prints one JSON object with the published numbers", () => {
    const r = moldtwin("fit-life", fixture("life-reid-mle.csv"), "--json");
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.distribution).toBe("weibull2p");
    expect(body.params.alpha).toBeCloseTo(23.0653, 4);
    expect(body.params.beta).toBeCloseTo(1.57474, 5);
    expect(body.standardErrors.alpha).toBeCloseTo(8.76119, 4);
    expect(body.standardErrors.beta).toBeCloseTo(0.805575, 5);
    expect(body.bounds.alpha.lower).toBeCloseTo(10.9556, 4);
    expect(body.bounds.alpha.upper).toBeCloseTo(48.5604, 4);
    expect(body.bounds.beta.lower).toBeCloseTo(0.577786, 5);
    expect(body.bounds.beta.upper).toBeCloseTo(4.2919, 4);
    expect(body.logLikelihood).toBeCloseTo(-12.4823, 4);
    expect(body.aicc).toBeCloseTo(34.9647, 4);
    expect(body.bic).toBeCloseTo(28.1836, 4);
    expect(body.ci).toBe(0.95);
    expect(body.n).toBe(5);
    expect(body.failures).toBe(3);
    expect(body.censored).toEqual({ right: 2, left: 0, interval: 0 });
    expect(body.warnings).toEqual([]);
    // B10 = α·(−ln 0.9)^(1/β), inside its bounds.
    expect(body.b10.value).toBeCloseTo(23.0653 * (-Math.log(0.9)) ** (1 / 1.57474), 3);
    expect(body.b10.lower).toBeLessThan(body.b10.value);
    expect(body.b10.upper).toBeGreaterThan(body.b10.value);
  });

  it("--dist exponential gives λ = 3/79 (§4.1); --ci changes the bounds", () => {
    const r = moldtwin("fit-life", fixture("life-reid-mle.csv"), "--dist", "exponential", "--json");
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.params.lambda).toBeCloseTo(3 / 79, 12);
    expect(body.bounds.lambda.lower).toBeCloseTo(0.0122476, 7);
    const wide = JSON.parse(
      moldtwin("fit-life", fixture("life-reid-mle.csv"), "--dist", "exponential", "--ci", "0.99", "--json").stdout,
    );
    expect(wide.ci).toBe(0.99);
    expect(wide.bounds.lambda.lower).toBeLessThan(body.bounds.lambda.lower);
  });

  it("--dist best fits every family on left/interval-censored data and returns the ranking", () => {
    const r = moldtwin("fit-life", fixture("life-censoring-mix.csv"), "--dist", "best", "--json");
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.censored).toEqual({ right: 2, left: 1, interval: 2 });
    expect(body.failures).toBe(6);
    expect(body.ranking).toHaveLength(6);
    expect(body.ranking[0].distribution).toBe(body.distribution);
    const bics = body.ranking.filter((e: any) => !e.error && !e.excluded).map((e: any) => e.bic);
    expect(bics).toEqual([...bics].sort((a: number, b: number) => a - b));
  });

  it("human output is a compact table", () => {
    const r = moldtwin("fit-life", fixture("life-reid-mle.csv"));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("weibull2p");
    expect(r.stdout).toMatch(/alpha\s+23\.07\s+8\.761\s+10\.96\s+48\.56/);
    expect(r.stdout).toContain("B10 life");
  });

  it("a bad CSV exits 2 with TWIN_ERR_VALIDATION naming the row and column of each bad cell", () => {
    const r = moldtwin("fit-life", fixture("life-bad.csv"), "--json");
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stdout);
    expect(body.error.code).toBe("TWIN_ERR_VALIDATION");
    expect(body.error.details.map((d: any) => d.field)).toEqual([
      "row 3 column status",
      "row 4 column time",
      "row 5 column time",
    ]);
    const human = moldtwin("fit-life", fixture("life-bad.csv"));
    expect(human.code).toBe(2);
    expect(human.stderr).toContain("row 3 column status");
  });

  it("all-censored data exits 2 with FIT_ERR_INSUFFICIENT_DATA", () => {
    const r = moldtwin("fit-life", fixture("life-all-censored.csv"), "--json");
    expect(r.code).toBe(2);
    const body = JSON.parse(r.stdout);
    expect(body.error.code).toBe("FIT_ERR_INSUFFICIENT_DATA");
    expect(body.error.message).toContain("right-censored");
  });

  it("usage errors: missing file, unknown distribution, bad --ci", () => {
    const missing = JSON.parse(moldtwin("fit-life", join(dir, "nope.csv"), "--json").stdout);
    expect(missing.error.code).toBe("FILE_ERR_READ");
    const dist = moldtwin("fit-life", fixture("life-reid-mle.csv"), "--dist", "weibull9p", "--json");
    expect(dist.code).toBe(2);
    expect(JSON.parse(dist.stdout).error.details[0].field).toBe("--dist");
    const ci = JSON.parse(moldtwin("fit-life", fixture("life-reid-mle.csv"), "--ci", "95", "--json").stdout);
    expect(ci.error.code).toBe("TWIN_ERR_VALIDATION");
    expect(ci.error.details[0].field).toBe("--ci");
  });

  for (const dist of ["weibull2p", "lognormal", "exponential", "normal", "gamma"]) {
    it(`--svg writes a ${dist} probability plot with the fitted line, the bounds band and the points`, () => {
      const svg = join(dir, `${dist}.svg`);
      const r = moldtwin("fit-life", fixture("life-censoring-mix.csv"), "--dist", dist, "--svg", svg, "--json");
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).svgFile).toBe(svg);
      const text = readFileSync(svg, "utf8");
      expect(text.startsWith("<svg")).toBe(true);
      expect(text.trimEnd().endsWith("</svg>")).toBe(true);
      expect(text).toMatch(/<path class="fit-line" d="M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+"/);
      expect(text).toContain('<polygon class="bounds-band"');
      // Six failure events (3 exact, 1 left-, 2 interval-censored) plotted as points.
      expect(text.match(/<circle cx="[\d.]+" cy="[\d.]+" r="3.5" fill="#d62728"><title>/g)).toHaveLength(6);
      expect(text).toContain("unreliability F(t)");
      expect(text).toContain("50 %");
      expect(text).not.toMatch(/NaN|Infinity/);
    });
  }
});

describe("plotting positions (Benard's approximation on Johnson's adjusted ranks)", () => {
  it("a suspension between two failures moves the second failure's order number to 2.5", () => {
    // N = 3: failure at 10 → O = 1; suspension at 20; failure at 30 → O = 1 + (3 + 1 − 1)/(1 + 1) = 2.5.
    const p = plottingPositions(lifeData({ failures: [10, 30], right: [20] }));
    expect(p.map((x) => x.t)).toEqual([10, 30]);
    expect(p[0]!.F).toBeCloseTo((1 - 0.3) / 3.4, 14);
    expect(p[1]!.F).toBeCloseTo((2.5 - 0.3) / 3.4, 14);
    // Without suspensions the ranks are 1..n (Benard's median ranks).
    const q = plottingPositions(lifeData({ failures: [5, 12, 17], right: [20, 25] }));
    expect(q.map((x) => x.F)).toEqual([0.7 / 5.4, 1.7 / 5.4, 2.7 / 5.4].map((v) => expect.closeTo(v, 14)));
  });
});

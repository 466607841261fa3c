import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tableFromIPC } from "apache-arrow";
import { afterAll, describe, expect, it } from "vitest";
import { MoldtwinError } from "../../engine/errors.ts";
import { moldtwinAsync } from "../../test/runCli.ts";
import { createJobManager, type JobManager, type RunInfo, type RunKind } from "./jobs.ts";

const SCENARIOS = fileURLToPath(new URL("../../scenarios/", import.meta.url));
const load = (file: string): Record<string, unknown> => JSON.parse(readFileSync(join(SCENARIOS, file), "utf8"));
const dir = mkdtempSync(join(tmpdir(), "moldtwin-jobs-"));

/** Small versions of the demo scenarios (run counts and grids overridden), each well under a second as a job. */
const smallWindow = (): Record<string, unknown> => {
  const sc = load("clip-window.json");
  const factors = sc.factors as Record<string, unknown>[];
  return {
    ...sc,
    factors: factors.map((f) => ({ ...f, levels: 10 })),
    robustness: { replicates: 20, candidates: 6 },
    sensitivity: { baseSamples: 16 },
  };
};
const smallForecast = (): Record<string, unknown> => ({ ...load("case-a-forecast.json"), runs: 50 });
const smallSpares = (): Record<string, unknown> => ({ ...load("case-a-spares.json"), runs: 20 });
const smallContract = (): Record<string, unknown> => ({ ...load("case-a-contract.json"), runs: 100 });

const who = { tenant: "tenant-a", owner: "user-1", baseDir: SCENARIOS };

/** Resolves with the run's final state (subscribing first, then reading, so no change is missed). */
function finished(m: JobManager, id: string, events: RunInfo[] = []): Promise<RunInfo> {
  return new Promise((resolve) => {
    const check = (i: RunInfo | undefined): void => {
      if (i && i.status !== "queued" && i.status !== "running") resolve(i);
    };
    m.subscribe(id, (i) => {
      events.push(i);
      check(i);
    });
    check(m.get(id));
  });
}

function codeOf(f: () => unknown): { code: string; fields: string[] } {
  try {
    f();
  } catch (e) {
    if (!(e instanceof MoldtwinError)) throw e;
    return { code: e.code, fields: e.details.map((d) => d.field ?? "") };
  }
  throw new Error("expected a MoldtwinError");
}

const withoutClock = (r: unknown): unknown => {
  const { elapsedMs: _, ...rest } = r as Record<string, unknown>;
  return rest;
};

describe("job runner", () => {
  const jobs = createJobManager();
  afterAll(() => jobs.close());

  it("runs a window like `moldtwin window --json`, with its grid points as Arrow", async () => {
    const scenario = smallWindow();
    const file = join(dir, "window.json");
    writeFileSync(file, JSON.stringify(scenario));
    const cli = moldtwinAsync("window", file, "--json");
    const info = jobs.submit({ ...who, kind: "window", scenario, scenarioId: "clip-window" });
    expect(info).toMatchObject({ kind: "window", scenarioId: "clip-window", tenant: "tenant-a", owner: "user-1" });
    expect(info.id).toMatch(/^run-[0-9a-f]{12}$/);
    expect(info.name).toBe(scenario.name);
    expect(jobs.result(info.id)).toBeUndefined();
    expect(jobs.resultArrow(info.id)).toBeUndefined();
    const done = await finished(jobs, info.id);
    expect(done.status).toBe("done");
    expect(done.error).toBeNull();
    const result = jobs.result(info.id) as Record<string, any>;
    const printed = await cli;
    expect(printed.code).toBe(0);
    expect(withoutClock(result)).toEqual(withoutClock(JSON.parse(printed.stdout)));
    expect(JSON.parse(jobs.resultJson(info.id)!)).toEqual(result);

    const t = tableFromIPC(jobs.resultArrow(info.id)!);
    expect(t.numRows).toBe(100);
    expect(t.numRows).toBe(result.search.evaluations);
    const names = t.schema.fields.map((f) => f.name);
    expect(names.slice(0, 4)).toEqual(["gridIndex", "meltTempC", "holdPressureMPa", "valid"]);
    expect(names).toEqual(expect.arrayContaining(["cycleTimeS", "partMassG", "energyPerPartKWh", "feasible"]));
    const feasible = t.getChild("feasible")!.toArray() as boolean[];
    const preferred = t.getChild("preferred")!.toArray() as boolean[];
    expect([...feasible].filter(Boolean).length).toBe(result.counts.feasible);
    expect([...preferred].filter(Boolean).length).toBe(result.counts.preferred);
    expect(t.getChild("gridIndex")!.get(37)).toBe(37);
  });

  it("maps an adaptive search's simulated points back to the grid", async () => {
    const info = jobs.submit({ ...who, kind: "window", scenario: { ...smallWindow(), search: "adaptive" } });
    expect((await finished(jobs, info.id)).status).toBe("done");
    const result = jobs.result(info.id) as Record<string, any>;
    const t = tableFromIPC(jobs.resultArrow(info.id)!);
    expect(t.numRows).toBe(result.search.evaluations);
    const idx = [...(t.getChild("gridIndex")!.toArray() as Float64Array)];
    expect(new Set(idx).size).toBe(idx.length);
    const cls = t.getChild("class")!.toArray() as string[];
    idx.forEach((g, i) => {
      expect(["infeasible", "feasible", "preferred"][result.area.cls[g]]).toBe(cls[i]);
    });
  });

  it("runs a contract like `moldtwin contract --json` (seed overridden), one Arrow row per Monte Carlo run", async () => {
    const cli = moldtwinAsync(
      "contract",
      join(SCENARIOS, "case-a-contract.json"),
      "--runs",
      "100",
      "--seed",
      "9",
      "--json",
    );
    const info = jobs.submit({ ...who, kind: "contract", scenario: smallContract(), seed: 9 });
    expect((await finished(jobs, info.id)).status).toBe("done");
    const result = jobs.result(info.id) as Record<string, any>;
    const printed = await cli;
    expect(printed.code).toBe(0);
    expect(result).toEqual(JSON.parse(printed.stdout));
    expect(result.seed).toBe(9);
    const t = tableFromIPC(jobs.resultArrow(info.id)!);
    expect(t.numRows).toBe(100);
    const margin = t.getChild("marginEur")!.toArray() as Float64Array;
    expect(margin.reduce((a, x) => a + x, 0) / margin.length).toBeCloseTo(result.marginEur.mean, 3);
  });

  it("reports progress until done = total and fraction 1, never going back", async () => {
    const events: RunInfo[] = [];
    const info = jobs.submit({ ...who, kind: "forecast", scenario: smallForecast() });
    expect(jobs.result(info.id)).toBeUndefined();
    const done = await finished(jobs, info.id, events);
    expect(done.status).toBe("done");
    expect(done.progress).toMatchObject({ done: 20, total: 20, fraction: 1, stage: "forecast" });
    expect(done.startedAtMs).toBeGreaterThanOrEqual(done.createdAtMs);
    expect(done.finishedAtMs).toBeGreaterThanOrEqual(done.startedAtMs!);
    const fractions = events.map((e) => e.progress.fraction);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(events.at(-1)!.status).toBe("done");
    const result = jobs.result(info.id) as Record<string, any>;
    const t = tableFromIPC(jobs.resultArrow(info.id)!);
    expect(t.numRows).toBe(result.components.length);
    expect(t.getChild("press")!.get(0)).toBe(result.components[0].press);
    expect(t.getChild("remainingLifeP50H")!.get(0)).toBe(result.components[0].remainingLifeH.p50);
  });

  it("runs spares: one Arrow row per plan, part number and location", async () => {
    const info = jobs.submit({ ...who, kind: "spares", scenario: smallSpares(), seed: 3 });
    expect((await finished(jobs, info.id)).status).toBe("done");
    const result = jobs.result(info.id) as Record<string, any>;
    expect(result.seed).toBe(3);
    const lines = result.plans.reduce((n: number, p: { lines: unknown[] }) => n + p.lines.length, 0);
    expect(tableFromIPC(jobs.resultArrow(info.id)!).numRows).toBe(lines);
  });

  it("refuses a bad scenario at submit, naming the field", () => {
    const before = jobs.list().length;
    const w = smallWindow();
    const levels = { ...w, factors: [{ ...(w.factors as object[])[0], levels: 1 }, (w.factors as object[])[1]] };
    expect(codeOf(() => jobs.submit({ ...who, kind: "window", scenario: levels }))).toEqual({
      code: "TWIN_ERR_VALIDATION",
      fields: ["scenario.factors[0].levels"],
    });
    expect(codeOf(() => jobs.submit({ ...who, kind: "window", scenario: smallForecast() })).fields).toContain(
      "scenario.kind",
    );
    expect(codeOf(() => jobs.submit({ ...who, kind: "forecast", scenario: smallForecast(), seed: -1 })).fields).toEqual(
      ["scenario.seed"],
    );
    expect(codeOf(() => jobs.submit({ ...who, kind: "fleet" as RunKind, scenario: {} })).fields).toEqual(["kind"]);
    expect(
      codeOf(() => jobs.submit({ ...who, kind: "contract", scenario: { ...smallContract(), plant: "no-such-plant" } })),
    ).toEqual({ code: "TWIN_ERR_UNKNOWN_ID", fields: ["scenario.plant"] });
    const hot = { ...w, settings: { ...(w.settings as object), meltTempC: 400 } };
    expect(codeOf(() => jobs.submit({ ...who, kind: "window", scenario: hot }))).toMatchObject({
      code: "TWIN_ERR_OUT_OF_RANGE",
      fields: ["scenario.settings.meltTempC"],
    });
    expect(jobs.list().length).toBe(before);
  });

  it("fails a run on what only the engine checks, with its coded error", async () => {
    const sc = smallForecast();
    const replacements = [{ press: "zz99", component: "check-ring-std", replacedOn: "2026-05-04" }];
    const info = jobs.submit({ ...who, kind: "forecast", scenario: { ...sc, replacements } });
    const end = await finished(jobs, info.id);
    expect(end.status).toBe("failed");
    expect(end.error).toMatchObject({
      code: "TWIN_ERR_UNKNOWN_ID",
      details: [{ field: "replacements[0].press" }],
    });
    expect(jobs.result(info.id)).toBeUndefined();
    expect(jobs.resultArrow(info.id)).toBeUndefined();
  });

  it("cancels a running job at once; the pool runs the next one", async () => {
    const events: RunInfo[] = [];
    const long = jobs.submit({ ...who, kind: "contract", scenario: load("case-a-contract.json") });
    const end = finished(jobs, long.id, events);
    await new Promise<void>((resolve) => {
      const off = jobs.subscribe(long.id, (i) => {
        if (i.progress.done > 0) {
          off();
          resolve();
        }
      });
    });
    const t0 = performance.now();
    const c = jobs.cancel(long.id)!;
    expect(c.status).toBe("cancelled");
    expect(c.error?.code).toBe("RUN_ERR_CANCELLED");
    expect((await end).status).toBe("cancelled");
    expect(events.at(-1)!.status).toBe("cancelled");
    expect(jobs.result(long.id)).toBeUndefined();
    const next = jobs.submit({ ...who, kind: "spares", scenario: smallSpares() });
    expect((await finished(jobs, next.id)).status).toBe("done");
    // The contract alone runs ≈ 12 s: the next run did not wait for it.
    expect(performance.now() - t0).toBeLessThan(8000);
    expect(jobs.get(long.id)!.status).toBe("cancelled");
    expect(jobs.list()[0]!.id).toBe(next.id);
  });
});

describe("job queue", () => {
  it("refuses beyond maxQueued, cancels queued runs at once, keeps keepRuns finished runs, closes", async () => {
    const jobs = createJobManager({ threads: 1, maxQueued: 2, keepRuns: 2 });
    const long = jobs.submit({ ...who, kind: "contract", scenario: load("case-a-contract.json") });
    expect(long.status).toBe("running");
    const q1 = jobs.submit({ ...who, kind: "forecast", scenario: smallForecast() });
    const q2 = jobs.submit({ ...who, kind: "forecast", scenario: smallForecast() });
    expect(q1.status).toBe("queued");
    let full: unknown;
    try {
      jobs.submit({ ...who, kind: "forecast", scenario: smallForecast() });
    } catch (e) {
      full = e;
    }
    expect(full).toBeInstanceOf(MoldtwinError);
    expect((full as MoldtwinError).code).toBe("RUN_ERR_QUEUE_FULL");
    expect((full as MoldtwinError).httpStatus).toBe(429);

    const c1 = jobs.cancel(q1.id)!;
    expect(c1).toMatchObject({ status: "cancelled", startedAtMs: null });
    expect(jobs.cancel(q2.id)!.status).toBe("cancelled");
    const q3 = jobs.submit({ ...who, kind: "forecast", scenario: smallForecast() });
    jobs.cancel(q3.id);
    // Three finished runs, two kept: the oldest is gone.
    expect(jobs.get(q1.id)).toBeUndefined();
    expect(jobs.list().map((r) => r.id)).toEqual([q3.id, q2.id, long.id]);

    const end = finished(jobs, long.id);
    await jobs.close();
    expect((await end).status).toBe("cancelled");
    expect(() => jobs.submit({ ...who, kind: "forecast", scenario: smallForecast() })).toThrow(MoldtwinError);
  });
});

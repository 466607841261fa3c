import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { readPressEventsCsv } from "../../adapters/cli/commands/kpi.ts";
import { buildRequest } from "../../adapters/cli/commands/simulate.ts";
import { parseWorkers } from "../../adapters/cli/commands/window.ts";
import { readJsonFile, readTextFile } from "../../adapters/cli/io.ts";
import { prepareRun } from "../../adapters/http/jobs.ts";
import { Registry } from "../../adapters/http/tenancy.ts";
import { loadPlant, loadPlantRef } from "../../adapters/plantFile.ts";
import { runContract } from "../../engine/contracts/contract.ts";
import { compileContract } from "../../engine/contracts/model.ts";
import { shadowPilot } from "../../engine/contracts/pilot.ts";
import type { ErrorDetail } from "../../engine/errors.ts";
import { fleetFor } from "../../engine/fleet/chunk.ts";
import { buildFleet } from "../../engine/fleet/fleet.ts";
import { checkReferences, forecast } from "../../engine/fleet/forecast.ts";
import { pdmBacktest } from "../../engine/fleet/pdmBacktest.ts";
import { INPUT_FIELDS, OUTPUT_FIELDS } from "../../engine/molding/layout.ts";
import { checkSettings, simulateShot } from "../../engine/molding/simulateShot.ts";
import { planSpares } from "../../engine/spares/spares.ts";
import { designSize } from "../../engine/sweep/designs.ts";
import { buildPlan, checkFactors, checkOutputs } from "../../engine/sweep/plan.ts";
import { runSweep } from "../../engine/sweep/runSweep.ts";
import { buildConstraints, compileMargin } from "../../engine/window/constraints.ts";
import { runWindow } from "../../engine/window/window.ts";
import { getMachine, getMaterial, getMold } from "../../twin-models/library/index.ts";
import { resolveTwin } from "../../twin-models/resolve.ts";
import { ContractScenario } from "../../twin-models/schemas/contract.ts";
import { PdmScenario } from "../../twin-models/schemas/forecast.ts";
import { PilotScenario } from "../../twin-models/schemas/pilot.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { SweepScenario } from "../../twin-models/schemas/sweep.ts";
import { TagMap } from "../../twin-models/schemas/tagMap.ts";
import { parse } from "../../twin-models/validate.ts";
import { errorOf } from "../errorOf.ts";
import { moldtwin } from "../runCli.ts";
import {
  asJson,
  expectFinite,
  jsonText,
  type Mutation,
  mutate,
  mutations,
  nastyValue,
  nested,
  outcome,
  outcomeAsync,
  protoKey,
  REPO,
  readJson,
  runs,
  Tally,
} from "./arbitraries.ts";

/**
 * Every scenario schema (issue 9, "bad input"): start from a valid demo file, mutate it (drop a field, wrong type,
 * NaN/Infinity/huge/negative numbers, empty and long arrays, unknown and prototype keys, deeply nested garbage,
 * paths), and run the code path the CLI uses to load and validate it: the schema, then the engine's own semantic
 * checks. The outcome is a success or a MoldtwinError with a known code naming a field — never a TypeError or a
 * RangeError — and where a cheap engine runs on a success, its output has no NaN or ±Infinity.
 */

const dir = mkdtempSync(join(tmpdir(), "moldtwin-fuzz-scenarios-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCENARIOS = join(REPO, "scenarios");
const cache = new Map<string, unknown>();
/** A demo file, read once (mutate copies it); properties draw its name, so a counterexample prints short. */
const scenario = (name: string): unknown => {
  if (!cache.has(name))
    cache.set(name, readJson(name.startsWith("seeds/") ? `${name}.json` : `scenarios/${name}.json`));
  return cache.get(name);
};

/** The document as the CLI reads it: written to a file, then read back by the command's own reader. */
function file(name: string, doc: unknown, inDir = dir): string {
  const path = join(inDir, name);
  writeFileSync(path, jsonText(doc));
  return path;
}

/** In-memory (NaN and all, as a library caller could pass) or through JSON (as a file or a request carries it). */
const delivery = fc.boolean();
const deliver = (doc: unknown, viaJson: boolean): unknown => (viaJson ? asJson(doc) : doc);

const SHOT_FILES = ["clip-baseline", "clip-after-6-months", "bezel-worn-check-ring"];

/** `moldtwin simulate <file>`: the command's own request builder, then one shot. */
function simulateFile(path: string): void {
  const req = buildRequest(path, {}, [], undefined);
  expectFinite(simulateShot(req.twin, req.settings), "the shot");
}

const tally = new Tally();
afterAll(() => {
  if (process.env.FUZZ_STATS) console.log(`scenario fuzz outcomes\n${tally}`);
});

/**
 * Runs one fuzz case of a property: `f` either returns (the document was valid, and where the property runs an
 * engine, its output was finite) or throws a coded error naming a field; the outcome is counted.
 */
function check(property: string, f: () => void): void {
  tally.add(property, outcome(f).code);
}
async function checkAsync(property: string, f: () => Promise<void>): Promise<void> {
  tally.add(property, (await outcomeAsync(f)).code);
}

/** Not vacuous: some mutated documents stayed valid (and some of those ran the engine). */
function expectExercised(property: string, minOk: number, minEngine = 0): void {
  expect(tally.get(property, "ok"), `${property}: ${tally}`).toBeGreaterThanOrEqual(minOk);
  expect(tally.get(property, "engine"), `${property}: ${tally}`).toBeGreaterThanOrEqual(minEngine);
  const refused = [...(tally.counts.get(property)?.keys() ?? [])].filter((k) => k !== "ok" && k !== "engine");
  expect(refused.length, `${property}: ${tally}`).toBeGreaterThan(0);
}

describe("scenario files: load, validate, and run where cheap", () => {
  it("shot: a coded error naming a field, or a shot without NaN", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SHOT_FILES), mutations, (name, ms) => {
        check("shot", () => simulateFile(file("shot.json", mutate(scenario(name), ms))));
      }),
      runs(300),
    );
    expectExercised("shot", 15);
  });

  it("prototype keys anywhere in a shot scenario are refused, naming the key", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SHOT_FILES), fc.nat(), protoKey, nastyValue, (name, at, key, value) => {
        // Added to an object, or (at any other node) an object {key: value} in its place.
        const doc = mutate(scenario(name), [{ at, op: "addKey", key, value }]);
        const e = errorOf(() => simulateFile(file("proto.json", doc)));
        expect(e.code).toBe("TWIN_ERR_VALIDATION");
        const names = (d: ErrorDetail): boolean =>
          Boolean(d.field?.includes(`.${key}`)) ||
          (typeof d.value === "object" && d.value !== null && Object.hasOwn(d.value, key));
        expect(e.details.some(names), e.message).toBe(true);
      }),
      runs(100),
    );
  });

  it("material, machine and mold cards inline in a shot scenario", () => {
    const base = scenario("clip-baseline") as { twin: Record<string, unknown> };
    const cards = {
      material: getMaterial(String(base.twin.material)),
      machine: getMachine(String(base.twin.machine)),
      mold: getMold(String(base.twin.mold)),
    };
    fc.assert(
      fc.property(fc.constantFrom("material" as const, "machine" as const, "mold" as const), mutations, (kind, ms) => {
        const doc = structuredClone(base);
        doc.twin = { ...doc.twin, ...cards, [kind]: mutate(cards[kind], ms) };
        check("cards", () => simulateFile(file("card.json", doc)));
      }),
      runs(300),
    );
    expectExercised("cards", 15);
  });

  it("sweep: the command's checks, then a few points of the design", async () => {
    const doc = scenario("clip-lhs-sweep");
    await fc.assert(
      fc.asyncProperty(mutations, delivery, async (ms, viaJson) => {
        await checkAsync("sweep", async () => {
          // adapters/cli/commands/sweep.ts, up to the run.
          const sc = parse(SweepScenario, deliver(mutate(doc, ms), viaJson), "scenario");
          const twin = resolveTwin(sc.twin, "scenario.twin");
          checkSettings(twin, sc.settings, "scenario.settings");
          checkFactors(twin, sc.settings, sc.factors, "scenario.factors");
          const outputs = checkOutputs(sc.outputs, "scenario.outputs");
          const d = sc.design ?? { kind: "grid" as const, seed: 1 };
          if (d.kind !== "grid" && d.points === undefined) return; // the command's own coded error
          const design = {
            kind: d.kind,
            dims: sc.factors.length,
            levels: sc.factors.map((f) => f.levels),
            ...(d.points === undefined ? {} : { points: d.points }),
            seed: d.seed,
          };
          const points = designSize(design);
          parseWorkers(undefined, points);
          // A few points of the same kind of design: every row the sweep streams is finite or flagged invalid.
          const small = { ...design, ...(d.kind === "grid" ? { levels: design.levels.map(() => 2) } : { points: 8 }) };
          if (designSize(small) > 64) return;
          tally.add("sweep", "engine");
          const plan = buildPlan(twin, sc.settings, sc.factors, { kind: "design", design: small }, outputs);
          const r = await runSweep(plan, { workers: 0, collect: true });
          expect(r.rows).toBe(designSize(small));
        });
      }),
      runs(150),
    );
    expectExercised("sweep", 10, 10);
  });

  it("window: the service's and the command's checks, then a 2 × 2 window", async () => {
    const docs = ["clip-window", "bezel-window-fill", "cap-window-cooling", "container-window-infeasible"];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...docs), mutations, delivery, async (name, ms, viaJson) => {
        await checkAsync("window", async () => {
          const input = prepareRun({
            kind: "window",
            scenario: deliver(mutate(scenario(name), ms), viaJson),
            baseDir: SCENARIOS,
          });
          if (input.kind !== "window") throw new Error("not a window");
          const sc = input.scenario;
          buildConstraints(resolveTwin(sc.twin, "scenario.twin"), sc.constraints ?? {}, "scenario.constraints");
          const small = {
            ...sc,
            factors: sc.factors.map((f) => ({ ...f, levels: 2 })),
            robustness: { ...sc.robustness, replicates: 10, candidates: 1 },
            sensitivity: { baseSamples: 0 },
          };
          tally.add("window", "engine");
          expectFinite(JSON.parse(JSON.stringify(await runWindow(small, { workers: 0 }))), "the window");
        });
      }),
      runs(150),
    );
    expectExercised("window", 10, 10);
  });

  it("window constraint expressions: refused with a coded error or a finite margin, quickly", () => {
    const names = [...INPUT_FIELDS, ...OUTPUT_FIELDS];
    const name = fc.oneof(fc.constantFrom(...names), fc.constantFrom("x", "cm", "pi", "e", "import", "evaluate"));
    const literal = fc.oneof(
      fc.double({ noNaN: true }).map((x) => String(x)),
      fc.constantFrom("0", "1e308", "1e-320", "true", "'abc'", '"5"', "NaN", "Infinity", "[1, 2]", "{a: 1}"),
    );
    // Mostly well-formed conditions (a grammar), and token soup with mathjs's other syntax in it.
    const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
      e: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        name,
        literal,
        fc
          .tuple(
            tie("e"),
            fc.constantFrom("+", "-", "*", "/", "^", "%", "<", "<=", ">", ">=", "==", "!=", "and", "or"),
            tie("e"),
          )
          .map(([a, op, b]) => `${a} ${op} ${b}`),
        tie("e").map((a) => `(${a})`),
        tie("e").map((a) => `not ${a}`),
        fc.tuple(tie("e"), tie("e"), tie("e")).map(([a, b, c]) => `${a} ? ${b} : ${c}`),
      ),
    })).e;
    const soup = fc
      .array(
        fc.oneof(
          name,
          literal,
          fc.constantFrom(
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            ":",
            "=",
            ".",
            ",",
            ";",
            "\n",
            "!",
            "'",
            "to",
            "in",
            "f(x)",
            "1:1e9",
          ),
        ),
        { maxLength: 20 },
      )
      .map((ts) => ts.join(" "));
    const long = fc
      .tuple(fc.constantFrom("(", "-", "cycleTimeS + ", "not "), fc.integer({ min: 100, max: 30_000 }))
      .map(([t, n]) => `${t.repeat(n)}cycleTimeS`);
    fc.assert(
      fc.property(
        fc.oneof(expr, soup, long),
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 8 }),
        (text, values) => {
          const row = { get: (n: string) => values[n.length % values.length]! };
          const t0 = performance.now();
          check("expression", () => {
            const margin = compileMargin(text, "scenario.constraints.expressions[0]");
            const m = margin(row);
            expect(Number.isFinite(m), `margin ${m} of ${text}`).toBe(true);
          });
          expect(performance.now() - t0, text.slice(0, 80)).toBeLessThan(2000);
        },
      ),
      runs(300),
    );
    expectExercised("expression", 30);
  });

  it("forecast: the service's checks (schema, plant ref), the fleet's references, a small forecast", () => {
    const docs = ["case-a-forecast", "case-b-forecast"];
    fc.assert(
      fc.property(fc.constantFrom(...docs), mutations, delivery, fc.nat(), (name, ms, viaJson, n) => {
        check("forecast", () => {
          const input = prepareRun({
            kind: "forecast",
            scenario: deliver(mutate(scenario(name), ms), viaJson),
            baseDir: SCENARIOS,
          });
          if (input.kind !== "forecast") throw new Error("not a forecast");
          const fleet = fleetFor(input);
          checkReferences(fleet, input.scenario);
          // One run in six goes on to the engine, on a fleet of at most two presses and the fewest runs.
          if (n % 6 !== 0) return;
          tally.add("forecast", "engine");
          const sc = { ...input.scenario, runs: 10, fleetSize: Math.min(2, input.scenario.fleetSize ?? 2) };
          const small = buildFleet(input.plant, { utilisation: sc.utilisation, fleetSize: sc.fleetSize });
          const refs = <T extends { press: string }>(xs: T[]): T[] =>
            xs.filter((x) => small.presses.some((p) => p.id === x.press));
          const r = forecast(small, { ...sc, replacements: refs(sc.replacements), condition: refs(sc.condition) });
          expectFinite(r, "the forecast");
        });
      }),
      runs(200),
    );
    expectExercised("forecast", 15, 3);
  });

  it("pdm-backtest: schema, plant ref, then half a year on two presses", () => {
    const doc = scenario("case-a-pdm-backtest");
    fc.assert(
      fc.property(mutations, delivery, fc.nat(), (ms, viaJson, n) => {
        check("pdm-backtest", () => {
          const sc = parse(PdmScenario, deliver(mutate(doc, ms), viaJson), "scenario");
          const plant = loadPlantRef(sc.plant, join(SCENARIOS, "scenario.json"));
          if (n % 4 !== 0) return;
          tally.add("pdm-backtest", "engine");
          const r = pdmBacktest(plant, {
            ...sc,
            fleetSize: Math.min(2, sc.fleetSize ?? 2),
            years: Math.min(sc.years, 0.5),
          });
          expectFinite(r, "the backtest");
        });
      }),
      runs(200),
    );
    expectExercised("pdm-backtest", 15, 3);
  });

  it("spares: the service's checks, then the plan with the fewest runs", () => {
    const docs = ["case-a-spares", "two-plants-spares"];
    fc.assert(
      fc.property(fc.constantFrom(...docs), mutations, delivery, fc.nat(), (name, ms, viaJson, n) => {
        check("spares", () => {
          const input = prepareRun({
            kind: "spares",
            scenario: deliver(mutate(scenario(name), ms), viaJson),
            baseDir: SCENARIOS,
          });
          if (input.kind !== "spares" || n % 5 !== 0) return;
          tally.add("spares", "engine");
          const sc = {
            ...input.scenario,
            runs: 20,
            horizonMonths: Math.min(input.scenario.horizonMonths, 12),
            simulation: { days: 30, replications: 2 },
          };
          expectFinite(
            planSpares(
              sc,
              input.plants.map((plant) => ({ plant })),
            ),
            "the spares plan",
          );
        });
      }),
      runs(200),
    );
    expectExercised("spares", 15, 3);
  });

  it("contract: the service's checks, the contract model, then a short Monte Carlo", async () => {
    const docs = ["case-a-contract", "case-b-contract"];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...docs), mutations, delivery, fc.nat(), async (name, ms, viaJson, n) => {
        await checkAsync("contract", async () => {
          const input = prepareRun({
            kind: "contract",
            scenario: deliver(mutate(scenario(name), ms), viaJson),
            baseDir: SCENARIOS,
          });
          if (input.kind !== "contract") throw new Error("not a contract");
          compileContract(input.scenario, input.plant);
          if (n % 5 !== 0) return;
          tally.add("contract", "engine");
          const sc = {
            ...input.scenario,
            runs: 100,
            termMonths: Math.min(input.scenario.termMonths, 6),
            fleetSize: Math.min(input.scenario.fleetSize ?? 2, 2),
          };
          expectFinite(await runContract(sc, input.plant, { workers: 0, tornado: false }), "the contract");
        });
      }),
      runs(200),
    );
    expectExercised("contract", 15, 3);
  });

  it("pilot: scenario, its contract and event logs by relative path", async () => {
    // The demo layout (scenarios/ beside seeds/) in a temporary folder, so relative paths resolve as in the repo.
    const root = join(dir, "pilot");
    mkdirSync(join(root, "scenarios"), { recursive: true });
    mkdirSync(join(root, "seeds"), { recursive: true });
    copyFileSync(join(SCENARIOS, "case-a-contract.json"), join(root, "scenarios", "case-a-contract.json"));
    // The first 800 lines of each log: the same format at a fraction of the reading time.
    for (const f of ["case-a-pilot-baseline.csv", "case-a-pilot-shadow.csv"]) {
      const text = readFileSync(join(REPO, "seeds", f), "utf8");
      writeFileSync(join(root, "seeds", f), text.split("\n").slice(0, 800).join("\n"));
    }
    const doc = scenario("case-a-pilot");
    await fc.assert(
      fc.asyncProperty(mutations, async (ms) => {
        const path = file("pilot.json", mutate(doc, ms), join(root, "scenarios"));
        await checkAsync("pilot", async () => {
          // adapters/cli/commands/pilot.ts, up to the run.
          const pilot = parse(PilotScenario, readJsonFile(path, "scenario"), "scenario");
          const contractPath = join(root, "scenarios", pilot.contract);
          const contract = parse(ContractScenario, readJsonFile(contractPath, "contract"), "contract");
          const plant = loadPlantRef(contract.plant, contractPath);
          const log = (f: string) => {
            const p = join(root, "scenarios", f);
            return readPressEventsCsv(readTextFile(p, "event log"), p);
          };
          const logs = { baseline: log(pilot.baseline), shadow: log(pilot.shadow) };
          // The projection costs seconds even at 100 runs: one success goes on to it.
          if (tally.get("pilot", "engine") >= 1) return;
          tally.add("pilot", "engine");
          expectFinite(await shadowPilot({ ...pilot, projectionRuns: 100 }, contract, plant, logs), "the pilot");
        });
      }),
      runs(100),
    );
    expectExercised("pilot", 5, 1);
  });

  it("plant: the file, the service's registry, the live twin's fleet", () => {
    const docs = ["seeds/case-a-automotive", "seeds/case-b-medical"];
    fc.assert(
      fc.property(fc.constantFrom(...docs), mutations, (name, ms) => {
        check("plant", () => {
          const plant: Plant = loadPlant(file("plant.json", mutate(scenario(name), ms)));
          new Registry([plant]);
          expectFinite(buildFleet(plant, { utilisation: 0.85 }), "the fleet");
        });
      }),
      runs(200),
    );
    expectExercised("plant", 15);
  });

  it("the real CLI: a scenario nested 100 000 deep exits 2 with the coded message, not 1 with a stack overflow", () => {
    const deep = file("deep.json", { kind: "shot", name: "deep", twin: nested(100_000, "array"), settings: {} });
    const r = moldtwin("simulate", deep);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error TWIN_ERR_VALIDATION: invalid scenario: scenario\.twin(\[0\])+ is nested too deep/);
  });

  it("tag map (moldtwin ingest --tag-map)", () => {
    const doc = {
      presses: [
        {
          press: "x01",
          endpoint: "opc.tcp://192.168.0.10:4840",
          model: "legacy",
          jobName: "JOB-1",
          cycleCounter: "ns=2;s=Counter",
          cycleTimeMs: "ns=2;s=CycleTime",
          partsPerCycle: 2,
          signals: { barrelZone1TemperatureC: "ns=2;s=Zone1", oilTemperatureC: "ns=2;i=17" },
        },
      ],
    };
    fc.assert(
      fc.property(mutations, delivery, (ms: Mutation[], viaJson) => {
        check("tagMap", () => {
          parse(TagMap, deliver(mutate(doc, ms), viaJson), "tagMap");
        });
      }),
      runs(200),
    );
    expectExercised("tagMap", 15);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import type { FastifyInstance, LightMyRequestResponse } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../adapters/http/app.ts";
import { Auth } from "../../adapters/http/auth.ts";
import { createJobManager, type JobManager } from "../../adapters/http/jobs.ts";
import { LiveHub } from "../../adapters/http/live.ts";
import { ScenarioCatalog } from "../../adapters/http/scenarioCatalog.ts";
import { DEFAULT_PLANT_FILES } from "../../adapters/http/service.ts";
import { Registry } from "../../adapters/http/tenancy.ts";
import { loadPlant } from "../../adapters/plantFile.ts";
import { ERROR_CODES } from "../../engine/errors.ts";
import {
  expectFinite,
  garbage,
  jsonText,
  mutate,
  mutations,
  nastyNumber,
  nastyString,
  REPO,
  readJson,
  runs,
  Tally,
} from "./arbitraries.ts";

/**
 * API bodies (issue 9, "bad input"): POST /api/simulate and POST /api/runs through the real Fastify app
 * (`app.inject`, no socket), with mutated scenarios, arbitrary JSON, garbage text and wrong content types, and bad
 * query strings on GET /api/presses/{id}/history. Every answer is a 2xx or a 4xx with the coded error body — never a
 * 5xx — the runs the service accepted end done or failed with a coded error (never INTERNAL_ERR), and the server
 * still answers afterwards.
 */

let app: FastifyInstance;
let jobs: JobManager;
let stateDir: string;
let tokens: Record<string, string>;
const tally = new Tally();

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "moldtwin-fuzz-api-"));
  const plants = DEFAULT_PLANT_FILES.map((f) => loadPlant(f));
  const seeded = Auth.openOrSeed(stateDir, plants);
  tokens = seeded.demoTokens;
  jobs = createJobManager({ threads: 1 });
  const built = await buildApp({
    registry: new Registry(plants),
    auth: seeded.auth,
    live: new LiveHub(plants),
    jobs,
    store: null,
    scenarios: new ScenarioCatalog(join(REPO, "scenarios")),
    forecastRuns: new Map(),
    viewerDir: null,
    livePeriodMs: 1000,
    // Bad input, not load, is under test: no rate limits or load shedding (a 100 000-deep body is slow to parse,
    // and the other test files share the two cores), so every answer is the route's own.
    protection: { rateLimitMax: 0, maxEventLoopDelayMs: 0, maxHeapUsedFraction: 0, maxInFlight: 0 },
  });
  app = built.app;
  await app.ready();
});

afterAll(async () => {
  if (process.env.FUZZ_STATS) console.log(`api fuzz outcomes\n${tally}`);
  await app?.close();
  await jobs?.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "",
] as const;

/** Mostly JSON, as a client sends it; the rest anything. */
const contentType = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("application/json", "application/json; charset=utf-8") },
  { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
);

/** What to send: mostly JSON text of a document, sometimes raw garbage; and the content type to claim for it. */
const payloadOf = (doc: unknown, raw: string | null): string => (raw ?? jsonText(doc)) || "";

const rawText = fc.oneof(
  fc.constantFrom(
    "",
    "{",
    "[1,",
    "nul",
    '{"a":1}}',
    "\u0000",
    '{"__proto__": {"x": 1}}',
    '{"constructor": {"prototype": {}}}',
  ),
  nastyString,
  fc.string({ unit: "binary", maxLength: 200 }),
);

/**
 * Every answer: below 500, JSON, and for an error the coded body `{error: {code, message, details}}`. Errors of our
 * own validation (after the body parsed) name a field; Fastify's own refusals of an unparseable body (400, 413, 415)
 * carry no details.
 */
function expectAnswer(r: LightMyRequestResponse, property: string): unknown {
  expect(r.statusCode, `${r.statusCode}: ${r.body.slice(0, 300)}`).toBeLessThan(500);
  const body = r.json() as { error?: { code: string; message: string; details: { field?: string }[] } };
  if (r.statusCode >= 400) {
    expect(body.error, r.body.slice(0, 300)).toBeDefined();
    expect(Object.keys(ERROR_CODES)).toContain(body.error!.code);
    expect(body.error!.message.length).toBeGreaterThan(0);
    expect(Array.isArray(body.error!.details)).toBe(true);
    const fastify = /^FST_|Body|body|Content-Type|content type|JSON/.test(body.error!.message);
    // 429: the service's protections (rate limit, load shedding) or a full job queue — coded, with Retry-After.
    if (r.statusCode === 429) expect(r.headers["retry-after"]).toBeDefined();
    else if (!fastify && r.statusCode !== 413 && r.statusCode !== 415) {
      expect(
        body.error!.details.some((d) => typeof d.field === "string" && d.field.length > 0),
        r.body.slice(0, 300),
      ).toBe(true);
    }
  }
  tally.add(property, String(r.statusCode));
  return body;
}

const auth = (name: string) => ({ authorization: `Bearer ${tokens[name]}` });

/** A value one time in five, else null. */
const sometimes = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: a });

/** Percent-encodes the UTF-8 bytes of any string (encodeURIComponent throws on a lone surrogate). */
const pct = (s: string): string =>
  [...Buffer.from(s, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");

describe("HTTP API: bad bodies and queries answer 4xx with a coded error, never 5xx", () => {
  it("POST /api/simulate", async () => {
    const names = ["clip-baseline", "clip-after-6-months", "bezel-worn-check-ring"];
    const docs = names.map((n) => readJson(`scenarios/${n}.json`));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: docs.length - 1 }),
        mutations,
        sometimes(rawText),
        sometimes(fc.jsonValue({ maxDepth: 3 })),
        contentType,
        fc.constantFrom("admin", "process-engineer", "admin", "process-engineer", "sales"),
        async (i, ms, raw, json, type, who) => {
          const doc = json ?? mutate(docs[i], ms);
          const r = await app.inject({
            method: "POST",
            url: "/api/simulate",
            headers: { ...auth(who), ...(type ? { "content-type": type } : {}) },
            payload: payloadOf(doc, raw),
          });
          const body = expectAnswer(r, "simulate") as { result?: unknown };
          if (r.statusCode === 200) expectFinite(body.result, "the shot");
        },
      ),
      runs(250),
    );
    expect(tally.get("simulate", "200")).toBeGreaterThan(10);
  });

  it("POST /api/runs: posted scenarios, catalog ids, kinds and seeds", async () => {
    // The demo scenarios shrunk to runs that take a fraction of a second in the job thread.
    const shrink: Record<string, (s: Record<string, unknown>) => Record<string, unknown>> = {
      window: (s) => ({
        ...s,
        factors: (s.factors as Record<string, unknown>[]).map((f) => ({ ...f, levels: 3 })),
        robustness: { replicates: 10, candidates: 2 },
        sensitivity: { baseSamples: 0 },
      }),
      forecast: (s) => ({ ...s, runs: 10, fleetSize: 2, replacements: [], condition: [] }),
      spares: (s) => ({ ...s, runs: 20, horizonMonths: 6, simulation: { days: 30, replications: 2 } }),
      contract: (s) => ({ ...s, runs: 100, termMonths: 3, fleetSize: 2 }),
    };
    const bases = (
      [
        ["window", "clip-window"],
        ["forecast", "case-b-forecast"],
        ["spares", "case-a-spares"],
        ["contract", "case-b-contract"],
      ] as const
    ).map(([kind, id]) => ({
      kind,
      scenario: shrink[kind]!(readJson(`scenarios/${id}.json`) as Record<string, unknown>),
    }));
    const catalogIds = new ScenarioCatalog(join(REPO, "scenarios")).entries.map((e) => e.id);
    const body = fc.oneof(
      // A posted scenario, mutated, under its kind or another.
      {
        weight: 6,
        arbitrary: fc
          .tuple(
            fc.integer({ min: 0, max: bases.length - 1 }),
            mutations,
            sometimes(fc.constantFrom("window", "forecast", "spares", "contract", "shot", "")),
            sometimes(fc.oneof(fc.integer({ min: 0, max: 2 ** 31 - 1 }), nastyNumber)),
          )
          .map(([i, ms, kind, seed]) => ({
            kind: kind ?? bases[i]!.kind,
            scenario: mutate(bases[i]!.scenario, ms),
            ...(seed === null ? {} : { seed }),
          })),
      },
      // A scenario of the catalog by id (or not quite), under some kind: runs nothing heavy, checks the lookups.
      {
        weight: 2,
        arbitrary: fc.record({
          kind: fc.constantFrom("window", "forecast", "spares", "contract", "shot"),
          scenarioId: fc.oneof(fc.constantFrom(...catalogIds.map((id) => `${id}-x`)), nastyString),
        }),
      },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      { weight: 1, arbitrary: garbage },
    );
    await fc.assert(
      fc.asyncProperty(
        body,
        sometimes(rawText),
        contentType,
        fc.constantFrom("admin", "admin", "reliability", "sales", "process-engineer", "customer-autoparts"),
        async (doc, raw, type, who) => {
          const r = await app.inject({
            method: "POST",
            url: "/api/runs",
            headers: { ...auth(who), ...(type ? { "content-type": type } : {}) },
            payload: payloadOf(doc, raw),
          });
          expectAnswer(r, "runs");
          if (r.statusCode === 202) expect((r.json() as { id: string }).id).toMatch(/^run-/);
        },
      ),
      runs(200),
    );
    expect(tally.get("runs", "202")).toBeGreaterThan(5);
    // Every run the service accepted ends done, or failed with the engine's coded error: never INTERNAL_ERR.
    const deadline = Date.now() + 60_000;
    while (jobs.list().some((r) => r.status === "queued" || r.status === "running") && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const list = jobs.list();
    expect(list.filter((r) => r.status === "queued" || r.status === "running")).toEqual([]);
    for (const run of list) {
      if (run.status === "failed") {
        expect(run.error?.code, JSON.stringify(run.error)).not.toBe("INTERNAL_ERR");
        expect(run.error?.code).not.toBe("SIM_ERR_NON_FINITE");
      }
      if (run.status === "done") expectFinite(jobs.result(run.id), `run ${run.id} (${run.kind})`);
    }
  }, 120_000);

  it("GET /api/presses/{id}/history: bad query strings", async () => {
    const value = fc.oneof(
      fc.integer().map(String),
      nastyNumber.map(String),
      nastyString,
      fc.constantFrom("1e400", "-1", "0x10", "1_000", " 5", "5 ", "1,5", "[]", "{}", "true", "null"),
    );
    const query = fc
      .array(fc.tuple(fc.constantFrom("fromMs", "toMs", "limit", "from", "x", "__proto__", "limit[]"), value), {
        maxLength: 5,
      })
      .map((pairs) => pairs.map(([k, v]) => `${pct(k)}=${pct(v)}`).join("&"));
    // Ids up to Fastify's maxParamLength (100); longer ones: see the next test.
    const press = fc.oneof(
      fc.constantFrom("a01", "b01", "a20", "zz"),
      nastyString.filter((s) => s.length > 0 && s.length <= 100),
    );
    await fc.assert(
      fc.asyncProperty(press, query, fc.constantFrom("admin", "customer-medtech"), async (id, q, who) => {
        const r = await app.inject({
          method: "GET",
          url: `/api/presses/${pct(id)}/history${q ? `?${q}` : ""}`,
          headers: auth(who),
        });
        expectAnswer(r, "history");
      }),
      runs(300),
    );
    expect(tally.get("history", "200")).toBeGreaterThan(5);
  });

  // Fastify's router refuses a path parameter over 100 characters itself (414); app.ts's frameworkErrors codes it.
  it("a path parameter over 100 characters answers the coded error body", async () => {
    const r = await app.inject({
      method: "GET",
      url: `/api/presses/${"x".repeat(101)}/history`,
      headers: auth("admin"),
    });
    expectAnswer(r, "long-param");
  });

  it("bodies nested 100 000 deep: 400 naming the field, not a stack overflow's 500", async () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    for (const [url, payload] of [
      ["/api/simulate", `{"kind":"shot","name":"x","twin":${deep}}`],
      ["/api/runs", `{"kind":"window","scenario":{"twin":${deep}}}`],
      ["/api/runs", `{"kind":"forecast","scenario":${`{"a":`.repeat(100_000)}1${"}".repeat(100_000)}}`],
    ] as const) {
      const r = await app.inject({
        method: "POST",
        url,
        headers: { ...auth("admin"), "content-type": "application/json" },
        payload,
      });
      expect(r.statusCode, r.body.slice(0, 200)).toBe(400);
      expectAnswer(r, "deep");
    }
  });

  it("the server still answers, and a good request still works", async () => {
    expect((await app.inject({ method: "GET", url: "/api/health" })).json()).toEqual({ ok: true });
    const r = await app.inject({
      method: "POST",
      url: "/api/simulate",
      headers: auth("admin"),
      payload: readJson("scenarios/clip-baseline.json") as Record<string, unknown>,
    });
    expect(r.statusCode).toBe(200);
  });
});

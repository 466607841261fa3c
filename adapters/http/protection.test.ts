import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadPlant } from "../plantFile.ts";
import { type BuiltApp, buildApp, type ServiceContext } from "./app.ts";
import { Auth } from "./auth.ts";
import { createJobManager, type JobManager } from "./jobs.ts";
import { LiveHub } from "./live.ts";
import { type LogSink, type ProtectionOptions, protectionFromEnv } from "./protection.ts";
import { ScenarioCatalog } from "./scenarioCatalog.ts";
import { DEFAULT_PLANT_FILES } from "./service.ts";
import { Registry } from "./tenancy.ts";

/**
 * The service's protections on a small app (no OPC UA, no store): rate limits per token and per address with 429,
 * Retry-After and the coded body; load shedding with 429 HTTP_ERR_OVERLOADED while the event loop lags, the health
 * check and open SSE streams untouched; and no token in any log line.
 */

const plants = DEFAULT_PLANT_FILES.map((f) => loadPlant(f));
let stateDir: string;
let tokens: Record<string, string>;
let jobs: JobManager;
const apps: BuiltApp[] = [];

function context(protection: Partial<ProtectionOptions>, accessLog: LogSink | null = null): ServiceContext {
  const { auth } = Auth.openOrSeed(stateDir, plants);
  return {
    registry: new Registry(plants),
    auth,
    live: new LiveHub(plants, { timeScale: 0.1 }),
    jobs,
    store: null,
    scenarios: new ScenarioCatalog(fileURLToPath(new URL("../../scenarios", import.meta.url))),
    forecastRuns: new Map(),
    viewerDir: null,
    livePeriodMs: 50,
    protection,
    accessLog,
  };
}

async function build(protection: Partial<ProtectionOptions>, accessLog: LogSink | null = null): Promise<BuiltApp> {
  const built = await buildApp(context(protection, accessLog));
  apps.push(built);
  return built;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const codeOf = (body: string): string => (JSON.parse(body) as { error: { code: string } }).error.code;

beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), "moldtwin-protection-"));
  tokens = Auth.openOrSeed(stateDir, plants).demoTokens;
  jobs = createJobManager({ threads: 1 });
});

afterEach(async () => {
  for (const b of apps.splice(0)) await b.app.close();
});

afterAll(async () => {
  await jobs.close();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("rate limits", () => {
  it("answer 429 HTTP_ERR_RATE_LIMITED with Retry-After past a token's limit, per token", async () => {
    const { app } = await build({ rateLimitMax: 5, anonymousMax: 3, rateLimitWindowMs: 60_000 });
    for (let i = 0; i < 5; i++) {
      const r = await app.inject({ method: "GET", url: "/api/me", headers: bearer(tokens.admin!) });
      expect(r.statusCode).toBe(200);
      expect(r.headers["x-ratelimit-remaining"]).toBe(String(4 - i));
    }
    const over = await app.inject({ method: "GET", url: "/api/me", headers: bearer(tokens.admin!) });
    expect(over.statusCode).toBe(429);
    expect(codeOf(over.body)).toBe("HTTP_ERR_RATE_LIMITED");
    const retry = Number(over.headers["retry-after"]);
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    expect(over.headers["x-ratelimit-limit"]).toBe("5");
    // Any route of the API counts, forbidden ones too; another principal has its own budget.
    expect((await app.inject({ method: "GET", url: "/api/cells", headers: bearer(tokens.admin!) })).statusCode).toBe(
      429,
    );
    const other = await app.inject({ method: "GET", url: "/api/me", headers: bearer(tokens["customer-autoparts"]!) });
    expect(other.statusCode).toBe(200);
    // The health check is never limited.
    for (let i = 0; i < 10; i++) expect((await app.inject({ method: "GET", url: "/api/health" })).statusCode).toBe(200);
  });

  it("limit requests without a valid token by address, before refusing them (token guessing)", async () => {
    const { app } = await build({ rateLimitMax: 100, anonymousMax: 3, rateLimitWindowMs: 60_000 });
    for (const token of [null, "mt_guess-1", "mt_guess-2"]) {
      const r = await app.inject({ method: "GET", url: "/api/me", headers: token ? bearer(token) : {} });
      expect(r.statusCode).toBe(401);
      expect(codeOf(r.body)).toBe("AUTH_ERR_UNAUTHENTICATED");
    }
    const over = await app.inject({ method: "GET", url: "/api/me", headers: bearer("mt_guess-3") });
    expect(over.statusCode).toBe(429);
    expect(codeOf(over.body)).toBe("HTTP_ERR_RATE_LIMITED");
    expect(Number(over.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    // A valid token from the same address is its own principal.
    expect((await app.inject({ method: "GET", url: "/api/me", headers: bearer(tokens.sales!) })).statusCode).toBe(200);
  });

  it("start a new window when the old one ends", async () => {
    const { app } = await build({ rateLimitMax: 2, rateLimitWindowMs: 300 });
    const me = () => app.inject({ method: "GET", url: "/api/me", headers: bearer(tokens.reliability!) });
    expect((await me()).statusCode).toBe(200);
    expect((await me()).statusCode).toBe(200);
    expect((await me()).statusCode).toBe(429);
    await sleep(350);
    expect((await me()).statusCode).toBe(200);
  });

  it("are configurable from the environment, and refuse nonsense there", () => {
    expect(
      protectionFromEnv({
        MOLDTWIN_RATE_LIMIT: "50",
        MOLDTWIN_RATE_LIMIT_WINDOW_MS: "1000",
        MOLDTWIN_MAX_EVENT_LOOP_DELAY_MS: "0",
        MOLDTWIN_TRUST_PROXY: "true",
      }),
    ).toEqual({ rateLimitMax: 50, rateLimitWindowMs: 1000, maxEventLoopDelayMs: 0, trustProxy: true });
    expect(() => protectionFromEnv({ MOLDTWIN_RATE_LIMIT: "lots" })).toThrow(/MOLDTWIN_RATE_LIMIT/);
  });
});

/** Blocks the event loop for `ms`, as a runaway synchronous handler would. */
function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

describe("load shedding", () => {
  it("answers 429 HTTP_ERR_OVERLOADED while the event loop lags; health and an open SSE stream keep going", async () => {
    const { app } = await build({ maxEventLoopDelayMs: 100, sampleIntervalMs: 50, overloadRetryAfterS: 2 });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    await sleep(150); // past the start-up grace (two samples)
    for (const calm = Date.now() + 10_000; app.isUnderPressure() && Date.now() < calm; ) await sleep(20);
    const abort = new AbortController();
    const stream = await fetch(`${base}/api/live`, { headers: bearer(tokens.admin!), signal: abort.signal });
    expect(stream.status).toBe(200);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    const nextEvent = async (): Promise<string> => {
      let text = "";
      while (!text.includes("\n\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error("the stream ended");
        text += value;
      }
      return text;
    };
    expect(await nextEvent()).toContain("event: presses");

    // Lag the loop until the sampler sees it, then ask at once (within one sample interval).
    const deadline = Date.now() + 10_000;
    while (!app.isUnderPressure() && Date.now() < deadline) {
      busy(250);
      await sleep(1);
    }
    expect(app.isUnderPressure()).toBe(true);
    const [me, health] = await Promise.all([
      app.inject({ method: "GET", url: "/api/me", headers: bearer(tokens.admin!) }),
      app.inject({ method: "GET", url: "/api/health" }),
    ]);
    expect(me.statusCode).toBe(429);
    expect(codeOf(me.body)).toBe("HTTP_ERR_OVERLOADED");
    expect(me.headers["retry-after"]).toBe("2");
    expect(JSON.parse(me.body).error.details[0].field).toBe("eventLoopDelay");
    expect(health.statusCode).toBe(200);
    expect(JSON.parse(health.body)).toEqual({ ok: true });

    // The stream opened before keeps delivering, and the service answers again once the loop has caught up.
    expect(await nextEvent()).toContain("event: presses");
    const calm = Date.now() + 10_000;
    while (app.isUnderPressure() && Date.now() < calm) await sleep(20);
    const after = await app.inject({ method: "GET", url: "/api/me", headers: bearer(tokens.admin!) });
    expect(after.statusCode).toBe(200);
    abort.abort();
  });
});

describe("requests in flight", () => {
  it("past the cap answer 429 HTTP_ERR_OVERLOADED at once; open SSE streams and health do not count", async () => {
    const { app } = await build({ maxInFlight: 2, overloadRetryAfterS: 3 });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    app.get("/api/slow", { config: { roles: "all" } }, async () => {
      await gate;
      return { ok: true };
    });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    const get = (path: string, signal?: AbortSignal) =>
      fetch(`${base}${path}`, { headers: bearer(tokens.admin!), ...(signal ? { signal } : {}) });
    // Two SSE streams open: not requests in flight.
    const abort = new AbortController();
    const streams = await Promise.all([get("/api/live", abort.signal), get("/api/live", abort.signal)]);
    expect(streams.map((s) => s.status)).toEqual([200, 200]);
    const slow = [get("/api/slow"), get("/api/slow")];
    await sleep(100);
    const shed = await get("/api/me");
    expect(shed.status).toBe(429);
    expect(shed.headers.get("retry-after")).toBe("3");
    const body = (await shed.json()) as { error: { code: string; details: { field: string }[] } };
    expect(body.error.code).toBe("HTTP_ERR_OVERLOADED");
    expect(body.error.details[0]!.field).toBe("requestsInFlight");
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    release();
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200]);
    // Answered requests leave the count, errors and aborted ones included.
    for (let i = 0; i < 5; i++) expect((await get("/api/me")).status).toBe(200);
    expect((await get("/api/presses/nope")).status).toBe(404);
    expect((await get("/api/me")).status).toBe(200);
    abort.abort();
  });
});

describe("event streams per token", () => {
  it("cap the SSE streams one token holds open; a closed one frees its place; other tokens unaffected", async () => {
    const { app } = await build({ maxStreamsPerToken: 2 });
    await app.listen({ port: 0, host: "127.0.0.1" });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    const open = (token: string, abort: AbortController) =>
      fetch(`${base}/api/live`, { headers: bearer(token), signal: abort.signal });
    const a = [new AbortController(), new AbortController()];
    expect((await open(tokens.admin!, a[0]!)).status).toBe(200);
    expect((await open(tokens.admin!, a[1]!)).status).toBe(200);
    const third = await open(tokens.admin!, new AbortController());
    expect(third.status).toBe(429);
    expect(third.headers.get("retry-after")).toBe("5");
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe("HTTP_ERR_RATE_LIMITED");
    const other = new AbortController();
    expect((await open(tokens.sales!, other)).status).toBe(200);
    a[0]!.abort();
    const again = new AbortController();
    for (const end = Date.now() + 5000; Date.now() < end; await sleep(50)) {
      const r = await open(tokens.admin!, again);
      if (r.status === 200) break;
      await r.body?.cancel();
    }
    expect((await open(tokens.admin!, new AbortController())).status).toBe(429);
    for (const c of [a[1]!, other, again]) c.abort();
  });
});

describe("tokens never logged", () => {
  /** Requests with a valid token and a wrong one, on success and error paths (404, 401, 403, 429, 500). */
  async function exercise(app: BuiltApp["app"]): Promise<void> {
    const t = tokens["customer-autoparts"]!;
    await app.inject({ method: "GET", url: "/api/me", headers: bearer(t) });
    await app.inject({ method: "GET", url: "/api/presses/b01", headers: bearer(t) }); // another tenant's: 404
    await app.inject({ method: "GET", url: "/api/runs", headers: bearer(t) }); // a customer may not: 403
    await app.inject({ method: "GET", url: "/api/me", headers: bearer("mt_wrong-but-secret-looking") });
    await app.inject({ method: "GET", url: "/api/boom?token=query-secret", headers: bearer(t) }); // 500
    for (let i = 0; i < 4; i++) await app.inject({ method: "GET", url: "/api/me", headers: bearer(t) }); // 429
  }

  async function withBoom(protection: Partial<ProtectionOptions>, sink: LogSink | null): Promise<BuiltApp["app"]> {
    const { app } = await build(protection, sink);
    app.get("/api/boom", { config: { roles: "all" } }, async (req) => {
      // A careless debugging line dumping the headers: redacted all the same.
      req.log.info({ headers: req.headers }, "debug: request headers");
      throw new Error("boom");
    });
    return app;
  }

  it("by default the app writes nothing at all, errors included", async () => {
    const app = await withBoom({ rateLimitMax: 5 }, null);
    await app.ready();
    const written: string[] = [];
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    const capture = (chunk: unknown): boolean => {
      written.push(String(chunk));
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    try {
      await exercise(app);
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
    }
    expect(written).toEqual([]);
  });

  it("with the access log on, lines carry the token's id, never the token, the Authorization header or a query token", async () => {
    const lines: string[] = [];
    const app = await withBoom({ rateLimitMax: 5 }, { write: (line: string) => lines.push(line) });
    await exercise(app);
    const text = lines.join("");
    const statuses = lines.map((l) => JSON.parse(l) as { res?: { statusCode: number } }).flatMap((l) => l.res ?? []);
    expect(statuses.map((s) => s.statusCode)).toEqual(expect.arrayContaining([200, 401, 403, 404, 429, 500]));
    expect(text).toContain("request failed"); // the 500, with its error
    expect(text).toContain("rate limited");
    expect(text).toMatch(/"tokenId":"tok-[0-9a-f]+"/);
    expect(text).toContain("[redacted]");
    for (const secret of [tokens["customer-autoparts"]!, "mt_wrong-but-secret-looking", "query-secret", "Bearer"]) {
      expect(text).not.toContain(secret);
    }
  });
});

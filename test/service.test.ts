import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Role, RUN_KINDS_BY_ROLE } from "../adapters/http/auth.ts";
import { type Service, startService } from "../adapters/http/service.ts";
import { isCostKey } from "../adapters/http/tenancy.ts";

/**
 * The service end to end: simulated Case A and Case B cells on OPC UA at 20× speed, ingest into a real DuckDB file,
 * the job pool and the API on a real port. Tenant isolation is checked on every registered route, automatically:
 * a new route without a fixture for its parameters fails this test until it gets one.
 */

const CASE_A = Array.from({ length: 20 }, (_, i) => `a${String(i + 1).padStart(2, "0")}`);
const CASE_B = Array.from({ length: 6 }, (_, i) => `b0${i + 1}`);
const TENANT_IDS = {
  "autoparts-demo": { presses: CASE_A, cell: "hall-1", plant: "case-a-automotive" },
  "medtech-demo": { presses: CASE_B, cell: "cleanroom-1", plant: "case-b-medical" },
} as const;
type TenantId = keyof typeof TENANT_IDS;

interface Principal {
  name: string;
  role: Role;
  /** The customer tenant whose data this principal sees; maker staff see both, and are given Case A's. */
  own: TenantId;
  other: TenantId | null;
}
const PRINCIPALS: Principal[] = [
  { name: "admin", role: "admin", own: "autoparts-demo", other: null },
  { name: "process-engineer", role: "process-engineer", own: "autoparts-demo", other: null },
  { name: "reliability", role: "reliability", own: "autoparts-demo", other: null },
  { name: "sales", role: "sales", own: "autoparts-demo", other: null },
  { name: "customer-autoparts", role: "customer", own: "autoparts-demo", other: "medtech-demo" },
  { name: "customer-medtech", role: "customer", own: "medtech-demo", other: "autoparts-demo" },
];

let svc: Service;
let stateDir: string;
const partIds: Record<TenantId, string> = { "autoparts-demo": "", "medtech-demo": "" };
/** A finished run per kind, started by the admin (the maker's tenant). */
const staffRuns: Record<string, string> = {};
let systemRunId = "";

const smallWindow = (): Record<string, unknown> => {
  const s = JSON.parse(readFileSync(new URL("../scenarios/clip-window.json", import.meta.url), "utf8"));
  s.factors = s.factors.map((f: Record<string, unknown>) => ({ ...f, levels: 6 }));
  return s;
};

async function call(
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<{ status: number; type: string; json: unknown }> {
  const abort = new AbortController();
  const r = await fetch(new URL(path, svc.url), {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: abort.signal,
  });
  const type = r.headers.get("content-type") ?? "";
  if (type.startsWith("text/event-stream")) {
    // Read the first event and hang up.
    const reader = r.body!.getReader();
    let text = "";
    while (!text.includes("\n\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    abort.abort();
    const data = /data: (.*)\n/.exec(text)?.[1];
    return { status: r.status, type, json: data ? JSON.parse(data) : null };
  }
  if (type.includes("json")) return { status: r.status, type, json: await r.json() };
  await r.arrayBuffer();
  return { status: r.status, type, json: null };
}

const admin = (): string => svc.tokens.admin!;

async function until<T>(f: () => Promise<T | null | undefined>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), "moldtwin-service-"));
  svc = await startService({
    port: 0,
    stateDir,
    opcuaBasePort: 0,
    timeScale: 0.05,
    signalPeriodMs: 500,
    livePeriodMs: 200,
    viewer: false,
  });
  // Parts of both tenants in the store, for the traceability route.
  for (const [tenant, ids] of Object.entries(TENANT_IDS) as [TenantId, (typeof TENANT_IDS)[TenantId]][]) {
    partIds[tenant] = await until(
      async () => {
        for (const press of ids.presses) {
          const r = await call("GET", `/api/presses/${press}/history`, admin());
          const cycles = (r.json as { cycles: { partIds: string[] }[] }).cycles;
          const part = cycles.flatMap((c) => c.partIds).find((p) => p !== "");
          if (part) return part;
        }
        return null;
      },
      60_000,
      `a stored part of ${tenant}`,
    );
  }
  // One finished run of each kind a role starts first, for the run routes.
  for (const kind of ["window", "forecast", "contract"]) {
    const run = await call("POST", "/api/runs", admin(), bodyOfKind(kind));
    const id = (run.json as { id: string }).id;
    staffRuns[kind] = id;
    await until(
      async () => ((await call("GET", `/api/runs/${id}`, admin())).json as { status: string }).status === "done",
      90_000,
      `the ${kind} run to finish`,
    );
  }
  systemRunId = [...svc.jobs.list()].find((r) => r.tenant === "system")!.id;
}, 180_000);

afterAll(async () => {
  await svc?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

/** The value of a path parameter that belongs to `tenant` (maker staff runs belong to the maker). */
function paramValue(name: string, tenant: TenantId, own: boolean, role: Role): string {
  const t = TENANT_IDS[tenant];
  switch (name) {
    case "pressId":
      return t.presses[1]!;
    case "cellId":
      return t.cell;
    case "plantId":
      return t.plant;
    case "partId":
      return partIds[tenant];
    case "runId":
      return own ? staffRuns[RUN_KINDS_BY_ROLE[role][0] ?? "window"]! : systemRunId;
    case "scenarioId": {
      const kind = RUN_KINDS_BY_ROLE[role][0];
      if (kind === "window") return "clip-window";
      const stem = tenant === "autoparts-demo" ? "case-a" : "case-b";
      return `${stem}-${kind === "contract" ? "contract" : "forecast"}`;
    }
    default:
      throw new Error(`route parameter :${name} has no fixture in test/service.test.ts: add one`);
  }
}

function fill(url: string, tenant: TenantId, own: boolean, role: Role = "admin"): string {
  return url.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(paramValue(name, tenant, own, role)));
}

function bodyOfKind(kind: string): unknown {
  if (kind === "window") return { kind, scenario: smallWindow() };
  if (kind === "forecast") return { kind, scenarioId: "case-b-forecast" };
  const contract = JSON.parse(readFileSync(new URL("../scenarios/case-b-contract.json", import.meta.url), "utf8"));
  return { kind, scenario: { ...contract, runs: 200 } };
}

/** A body each POST route accepts from `role`. */
function bodyFor(method: string, url: string, role: Role): unknown {
  if (method !== "POST") return undefined;
  if (url === "/api/runs") return bodyOfKind(RUN_KINDS_BY_ROLE[role][0] ?? "window");
  if (url === "/api/simulate") {
    return {
      kind: "shot",
      name: "api",
      twin: { material: "pp-isofil-hk10-tvhm", machine: "e110-all-electric", mold: "clip-4cav-auto" },
      settings: smallWindow().settings,
    };
  }
  throw new Error(`POST ${url} has no body fixture in test/service.test.ts: add one`);
}

/** Every string value and every key in a JSON value. */
function walk(v: unknown, strings: string[], keys: string[]): void {
  if (typeof v === "string") strings.push(v);
  else if (Array.isArray(v)) for (const x of v) walk(x, strings, keys);
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      keys.push(k);
      walk(x, strings, keys);
    }
  }
}

function leaks(json: unknown, other: TenantId): string[] {
  const strings: string[] = [];
  const keys: string[] = [];
  walk(json, strings, keys);
  const t = TENANT_IDS[other];
  const forbidden = new Set<string>([...t.presses, t.cell, t.plant, other]);
  const found = strings.filter((s) => forbidden.has(s) || s.includes(other) || s.includes(t.plant));
  return [...new Set([...found, ...keys.filter(isCostKey).map((k) => `cost key ${k}`)])];
}

describe("the service: tenants, roles and isolation on every route", () => {
  it("registers the API routes this test covers", () => {
    const api = svc.routes.filter((r) => r.url.startsWith("/api/"));
    expect(api.length).toBeGreaterThanOrEqual(18);
    // Deny by default: every non-public API route states its roles.
    for (const r of api) if (!r.public) expect(r.roles, `${r.method} ${r.url}`).toBeDefined();
  });

  it("refuses every non-public route without a token, and with a wrong one (401, coded)", async () => {
    for (const r of svc.routes.filter((x) => x.url.startsWith("/api/") && !x.public)) {
      for (const token of [null, "mt_not-a-real-token"]) {
        const res = await call(r.method, fill(r.url, "autoparts-demo", true), token, bodyFor(r.method, r.url, "admin"));
        expect(res.status, `${r.method} ${r.url}`).toBe(401);
        expect((res.json as { error: { code: string } }).error.code).toBe("AUTH_ERR_UNAUTHENTICATED");
      }
    }
  });

  for (const p of PRINCIPALS) {
    it(`${p.name}: allowed routes answer with its own data only; others 403; another tenant's ids 404`, async () => {
      const token = svc.tokens[p.name]!;
      expect(token).toMatch(/^mt_/);
      for (const r of svc.routes.filter((x) => x.url.startsWith("/api/") && !x.public)) {
        const label = `${p.name}: ${r.method} ${r.url}`;
        const allowed = r.roles === "all" || (r.roles ?? []).includes(p.role);
        const res = await call(r.method, fill(r.url, p.own, true, p.role), token, bodyFor(r.method, r.url, p.role));
        if (!allowed) {
          expect(res.status, label).toBe(403);
          expect((res.json as { error: { code: string } }).error.code, label).toBe("AUTH_ERR_FORBIDDEN");
          continue;
        }
        expect([200, 202], `${label} → ${res.status} ${JSON.stringify(res.json)?.slice(0, 300)}`).toContain(res.status);
        if (p.other) expect(leaks(res.json, p.other), label).toEqual([]);
        if (p.other && r.url.includes(":") && !r.url.includes(":runId") && !r.url.includes(":scenarioId")) {
          const foreign = await call(
            r.method,
            fill(r.url, p.other, false, p.role),
            token,
            bodyFor(r.method, r.url, p.role),
          );
          expect(foreign.status, `${label} with ${p.other}'s id`).toBe(404);
          expect((foreign.json as { error: { code: string } }).error.code).toBe("TWIN_ERR_UNKNOWN_ID");
        }
      }
    }, 120_000);
  }

  it("keeps another tenant's runs out of reach, even for staff (the system forecast runs)", async () => {
    const res = await call("GET", `/api/runs/${systemRunId}`, admin());
    expect(res.status).toBe(404);
    const list = (await call("GET", "/api/runs", admin())).json as { runs: { id: string; tenant: string }[] };
    expect(list.runs.map((r) => r.id)).toEqual(expect.arrayContaining(Object.values(staffRuns)));
    expect(list.runs.every((r) => r.tenant === "moldtwin-maker")).toBe(true);
    // Within the maker, a role sees only the kinds it may run: no contract economics for the process engineer.
    const pe = svc.tokens["process-engineer"]!;
    expect((await call("GET", `/api/runs/${staffRuns.contract}/result`, pe)).status).toBe(404);
    const peRuns = (await call("GET", "/api/runs", pe)).json as { runs: { kind: string }[] };
    expect(new Set(peRuns.runs.map((r) => r.kind))).toEqual(new Set(["window"]));
  });

  it("a customer sees its own cell's presses, live, and never another tenant's", async () => {
    const cells = (await call("GET", "/api/cells", svc.tokens["customer-medtech"]!)).json as {
      cells: { id: string; presses: { id: string }[] }[];
    };
    expect(cells.cells.map((c) => c.id)).toEqual(["cleanroom-1"]);
    expect(cells.cells[0]!.presses.map((p) => p.id)).toEqual(CASE_B);
    const live = (await call("GET", "/api/live", svc.tokens["customer-medtech"]!)).json as {
      presses: { id: string; status: string }[];
    };
    expect(live.presses.map((p) => p.id).sort()).toEqual(CASE_B);
    expect(live.presses.some((p) => p.status === "producing")).toBe(true);
    const staff = (await call("GET", "/api/live", admin())).json as { presses: unknown[] };
    expect(staff.presses).toHaveLength(26);
  });

  it("a press panel carries live series, remaining life per component and the calibration state", async () => {
    const panel = await until(
      async () => {
        const r = (await call("GET", "/api/presses/a03", admin())).json as {
          series: { cycleTimeS: number[] };
          components: { remainingLifeH: unknown; failureProbability90d: number }[];
        };
        return r.series.cycleTimeS.length >= 3 && r.components.length > 0 ? r : null;
      },
      60_000,
      "a03's panel",
    );
    expect(panel.series.cycleTimeS.every((x) => x > 1 && x < 60)).toBe(true);
    for (const c of panel.components) {
      expect(c.failureProbability90d).toBeGreaterThanOrEqual(0);
      expect(c.failureProbability90d).toBeLessThanOrEqual(1);
    }
    // The customer gets the same panel without money.
    const mine = (await call("GET", "/api/presses/a03", svc.tokens["customer-autoparts"]!)).json;
    expect(leaks(mine, "medtech-demo")).toEqual([]);
  });

  it("reports KPIs per cell with the SLA target of the tenant's contract", async () => {
    const k = (await call("GET", "/api/kpis", svc.tokens["customer-autoparts"]!)).json as {
      cells: { cellId: string; slaTarget: number; availability: number; yield: number; kWhPerPart: number }[];
    };
    expect(k.cells).toHaveLength(1);
    expect(k.cells[0]!.slaTarget).toBe(0.95);
    expect(k.cells[0]!.availability).toBeGreaterThan(0);
    expect(k.cells[0]!.availability).toBeLessThanOrEqual(1);
    expect(k.cells[0]!.yield).toBeGreaterThan(0.5);
    // The clip's predicted energy is a few Wh per part.
    expect(k.cells[0]!.kWhPerPart).toBeGreaterThan(0.001);
    expect(k.cells[0]!.kWhPerPart).toBeLessThan(0.1);
  });

  it("rejects a bad run body with a coded 400 naming the field, and a posted scenario on another tenant's plant", async () => {
    const bad = await call("POST", "/api/runs", admin(), {
      kind: "window",
      scenario: { ...smallWindow(), factors: 7 },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain("factors");
    const wrongKind = await call("POST", "/api/runs", admin(), { kind: "rocket", scenarioId: "clip-window" });
    expect(wrongKind.status).toBe(400);
    expect((wrongKind.json as { error: { code: string } }).error.code).toBe("TWIN_ERR_VALIDATION");
  });

  it("stores tokens hashed only, with owner-only permissions", () => {
    const file = join(stateDir, "auth.json");
    const text = readFileSync(file, "utf8");
    for (const token of Object.values(svc.tokens)) expect(text).not.toContain(token);
    expect(text).toMatch(/"sha256": "[0-9a-f]{64}"/);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it("serves the OpenAPI document at /docs", async () => {
    const r = await fetch(new URL("/docs/json", svc.url));
    expect(r.status).toBe(200);
    const doc = (await r.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain("/api/runs/{runId}/result.arrow");
  });
});

import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ERROR_CODES, type ErrorCode, MoldtwinError } from "../../engine/errors.ts";
import { simulateShot } from "../../engine/molding/simulateShot.ts";
import { listCards } from "../../twin-models/library/index.ts";
import { resolveTwin } from "../../twin-models/resolve.ts";
import type { Plant } from "../../twin-models/schemas/plant.ts";
import { ShotScenario } from "../../twin-models/schemas/scenario.ts";
import { parse } from "../../twin-models/validate.ts";
import type { ServiceContext } from "./app.ts";
import { ROLES } from "./auth.ts";
import { HistoryReader } from "./historyReader.ts";
import { RUN_KINDS, type RunInfo, type RunKind } from "./jobs.ts";
import { plantId } from "./scenarioCatalog.ts";
import { type CellEntry, type TenantScope, unknown } from "./tenancy.ts";

/**
 * The service's routes. Each declares the roles that may call it (`config.roles`); app.ts authenticates and checks
 * the role, and every route reads tenant data only through `req.scope` (tenancy.ts).
 */

const ALL = "all" as const;
const STAFF = ROLES.filter((r) => r !== "customer");
const RUNNERS = ROLES.filter((r) => r !== "customer");

const PressParams = Type.Object({ pressId: Type.String({ minLength: 1, maxLength: 64 }) });
const CellParams = Type.Object({ cellId: Type.String({ minLength: 1, maxLength: 64 }) });
const RunParams = Type.Object({ runId: Type.String({ minLength: 1, maxLength: 64 }) });
const ScenarioParams = Type.Object({ scenarioId: Type.String({ minLength: 1, maxLength: 128 }) });
const PartParams = Type.Object({ partId: Type.String({ minLength: 1, maxLength: 128 }) });
const HistoryQuery = Type.Object({
  fromMs: Type.Optional(Type.Number({ minimum: 0, description: "epoch ms, inclusive (default: 1 h before toMs)" })),
  toMs: Type.Optional(Type.Number({ minimum: 0, description: "epoch ms, exclusive (default: now)" })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 })),
});
const RunBody = Type.Object(
  {
    kind: Type.Union(RUN_KINDS.map((k) => Type.Literal(k))),
    scenarioId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 128, description: "a scenario of GET /api/scenarios" }),
    ),
    scenario: Type.Optional(
      Type.Object({}, { additionalProperties: true, description: "a whole scenario, as in a file" }),
    ),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 })),
  },
  { additionalProperties: false },
);

export async function registerRoutes(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  // What does not change while the service runs (the plants, the twins' predictions, a finished forecast) is built
  // once; live values and history are read per request. Nothing sent is mutated afterwards (the costs net in app.ts
  // copies), so the views are shared between requests.
  const views = new Views(ctx);
  const history = new HistoryReader(ctx.store, ctx.cycleWrites ?? null);
  app.get("/api/health", { config: { public: true } }, async () => ({ ok: true }));

  app.get("/api/me", { config: { roles: ALL } }, async (req) => ({
    user: req.scope.principal.user,
    role: req.scope.role,
    tenant: { id: req.scope.principal.tenant.id, name: req.scope.principal.tenant.name },
    permissions: req.scope.permissions,
  }));

  app.get("/api/library", { config: { roles: STAFF } }, async () => ({
    materials: listCards("material").map(({ id, name, trust }) => ({ id, name, trust })),
    machines: listCards("machine").map(({ id, name, driveType }) => ({ id, name, driveType })),
    molds: listCards("mold").map(({ id, name, cavities }) => ({ id, name, cavities })),
  }));

  app.post("/api/simulate", { config: { roles: ["admin", "process-engineer"] } }, async (req) => {
    const scenario = parse(ShotScenario, req.body, "body");
    const twin = resolveTwin(scenario.twin, "body.twin");
    return { scenario: scenario.name, settings: scenario.settings, result: simulateShot(twin, scenario.settings) };
  });

  // Twins: the plants the tenant may see, with each press's predicted shot at its running recipe.
  app.get("/api/twins", { config: { roles: ALL } }, async (req) => ({
    twins: req.scope.plants().map((p) => ({
      id: p.id,
      name: p.name,
      tenant: p.tenant,
      cells: p.cells.filter((c) => req.scope.cells().some((e) => e.cell.id === c.id)).map((c) => c.id),
    })),
  }));
  app.get(
    "/api/twins/:plantId",
    { config: { roles: ALL }, schema: { params: Type.Object({ plantId: Type.String() }) } },
    async (req) => views.twin(req.scope.plant((req.params as { plantId: string }).plantId)),
  );

  app.get("/api/cells", { config: { roles: ALL } }, async (req) => ({
    cells: req.scope.cells().map((e) => views.cell(e)),
  }));
  app.get("/api/cells/:cellId", { config: { roles: ALL }, schema: { params: CellParams } }, async (req) =>
    views.cell(req.scope.cell((req.params as { cellId: string }).cellId)),
  );

  app.get("/api/live", { config: { roles: ALL, stream: true } }, async (req, reply) => {
    const ids = req.scope.pressIds();
    const snapshot = () => ({ atMs: Date.now(), presses: ids.map((id) => ctx.live.live(id)!).filter(Boolean) });
    streamEvents(req, reply, ctx.livePeriodMs, () => ({ event: "presses", data: snapshot() }));
  });

  app.get("/api/presses/:pressId", { config: { roles: ALL }, schema: { params: PressParams } }, async (req) => {
    const { press, entry } = req.scope.press((req.params as { pressId: string }).pressId);
    return {
      press: views.press(press, entry),
      live: ctx.live.live(press.id),
      series: ctx.live.series(press.id),
      components: views.components(entry.plant.id, press.id),
      alerts: ctx.live.alerts(press.id),
      calibration: ctx.live.calibration(press.id),
      kpis: ctx.live.kpis(press.id),
    };
  });

  app.get(
    "/api/presses/:pressId/history",
    { config: { roles: ALL }, schema: { params: PressParams, querystring: HistoryQuery } },
    async (req) => {
      const { press } = req.scope.press((req.params as { pressId: string }).pressId);
      const q = req.query as { fromMs?: number; toMs?: number; limit?: number };
      const toMs = q.toMs ?? Date.now();
      const fromMs = q.fromMs ?? toMs - 3_600_000;
      if (!(fromMs < toMs)) {
        throw new MoldtwinError("TWIN_ERR_VALIDATION", "fromMs must be before toMs", [
          { field: "fromMs", value: fromMs, unit: "epoch ms", allowed: `< toMs (${toMs})` },
        ]);
      }
      const cycles = await history.cycles(press.id, fromMs, toMs);
      const limit = q.limit ?? 1000;
      return { press: press.id, fromMs, toMs, truncated: cycles.length > limit, cycles: cycles.slice(-limit) };
    },
  );

  // Part traceability: a part id answers only if its press is the tenant's.
  app.get("/api/parts/:partId", { config: { roles: ALL }, schema: { params: PartParams } }, async (req) => {
    const partId = (req.params as { partId: string }).partId;
    const trace = ctx.store ? await ctx.store.trace(partId) : null;
    if (!trace) throw unknown("part", partId);
    try {
      req.scope.press(trace.press);
    } catch {
      throw unknown("part", partId);
    }
    return trace;
  });

  app.get("/api/kpis", { config: { roles: ALL } }, async (req) => ({
    cells: req.scope.cells().map((e) => cellKpis(ctx, e)),
  }));

  app.get("/api/scenarios", { config: { roles: RUNNERS } }, async (req) => ({
    scenarios: ctx.scenarios
      .list(req.scope)
      .map(({ id, kind, name, description, plant }) => ({ id, kind, name, description, plant })),
  }));
  app.get(
    "/api/scenarios/:scenarioId",
    { config: { roles: RUNNERS }, schema: { params: ScenarioParams } },
    async (req) => {
      const e = ctx.scenarios.get((req.params as { scenarioId: string }).scenarioId, req.scope);
      return { id: e.id, kind: e.kind, name: e.name, description: e.description, plant: e.plant, scenario: e.content };
    },
  );

  app.post("/api/runs", { config: { roles: RUNNERS }, schema: { body: RunBody } }, async (req, reply) => {
    const body = req.body as { kind: RunKind; scenarioId?: string; scenario?: Record<string, unknown>; seed?: number };
    req.scope.requireRunKind(body.kind);
    let content: unknown;
    let scenarioId: string | null = null;
    if (body.scenarioId !== undefined) {
      const e = ctx.scenarios.get(body.scenarioId, req.scope);
      if (e.kind !== body.kind) {
        throw new MoldtwinError("TWIN_ERR_VALIDATION", `scenario ${e.id} is a ${e.kind} scenario, not ${body.kind}`, [
          { field: "kind", value: body.kind, allowed: e.kind },
        ]);
      }
      content = e.content;
      scenarioId = e.id;
    } else if (body.scenario !== undefined) {
      // A posted scenario names library and plant ids, never files (no reading the server's disk), only plants of
      // the tenant's, and a window grid the service can hold in memory.
      rejectFileRefs(body.scenario, "body.scenario");
      const plant = plantId(body.scenario.plant);
      if (plant !== null) req.scope.plant(plant);
      if (body.kind === "window") limitGrid(body.scenario);
      content = body.scenario;
    } else {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", "give scenarioId or scenario", [
        { field: "scenarioId", allowed: "a scenario id from GET /api/scenarios, or a whole scenario in `scenario`" },
      ]);
    }
    const info = ctx.jobs.submit({
      kind: body.kind,
      scenario: content,
      scenarioId,
      baseDir: ctx.scenarios.dir,
      ...(body.seed !== undefined ? { seed: body.seed } : {}),
      tenant: req.scope.tenantId,
      owner: req.scope.principal.user,
    });
    return reply.status(202).send(info);
  });
  app.get("/api/runs", { config: { roles: RUNNERS } }, async (req) => ({
    runs: ctx.jobs.list().filter((r) => req.scope.canSeeRun(r)),
  }));
  app.get("/api/runs/:runId", { config: { roles: RUNNERS }, schema: { params: RunParams } }, async (req) =>
    ownRun(ctx, req.scope, req.params),
  );
  app.delete("/api/runs/:runId", { config: { roles: RUNNERS }, schema: { params: RunParams } }, async (req) => {
    const run = ownRun(ctx, req.scope, req.params);
    return ctx.jobs.cancel(run.id) ?? run;
  });
  app.get(
    "/api/runs/:runId/result",
    { config: { roles: RUNNERS }, schema: { params: RunParams } },
    async (req, reply) => {
      const run = ownRun(ctx, req.scope, req.params);
      if (!req.scope.permissions.costs) {
        const result = ctx.jobs.result(run.id); // an object, so the costs net (app.ts) sees it
        if (result === undefined) throw notDone(run);
        return result;
      }
      const json = ctx.jobs.resultJson(run.id); // serialised once by the job runner: sent as is
      if (json === undefined) throw notDone(run);
      return reply.type("application/json; charset=utf-8").send(json);
    },
  );
  app.get(
    "/api/runs/:runId/result.arrow",
    { config: { roles: RUNNERS }, schema: { params: RunParams } },
    async (req, reply) => {
      const run = ownRun(ctx, req.scope, req.params);
      const bytes = ctx.jobs.resultArrow(run.id);
      if (bytes === undefined) throw notDone(run);
      return reply
        .type("application/vnd.apache.arrow.stream")
        .header("content-disposition", `attachment; filename="${run.id}.arrow"`)
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );
  app.get(
    "/api/runs/:runId/events",
    { config: { roles: RUNNERS, stream: true }, schema: { params: RunParams } },
    async (req, reply) => {
      const run = ownRun(ctx, req.scope, req.params);
      openStream(reply);
      const send = (info: RunInfo): void => {
        writeEvent(reply, "run", info);
        if (info.status !== "queued" && info.status !== "running") reply.raw.end();
      };
      const unsubscribe = ctx.jobs.subscribe(run.id, send);
      req.raw.on("close", unsubscribe);
      send(ctx.jobs.get(run.id) ?? run);
    },
  );
}

function ownRun(ctx: ServiceContext, scope: TenantScope, params: unknown): RunInfo {
  const id = (params as { runId: string }).runId;
  const run = ctx.jobs.get(id);
  if (!run || !scope.canSeeRun(run)) throw unknown("run", id);
  return run;
}

function notDone(run: RunInfo): MoldtwinError {
  const code = run.error ? (run.error.code as ErrorCode) : "RUN_ERR_NOT_DONE";
  return new MoldtwinError(
    code in ERROR_CODES ? code : "INTERNAL_ERR",
    `run ${run.id} is ${run.status}: no result${run.error ? ` (${run.error.message})` : ""}`,
    [{ field: "runId", value: run.id, allowed: "a run whose status is done (GET /api/runs/{runId}/events to wait)" }],
  );
}

const MAX_HTTP_GRID_POINTS = 40_000;

/** Without recursion: a posted body nested 50 000 deep must get the schema's 400, not a stack overflow's 500. */
function rejectFileRefs(root: unknown, rootField: string): void {
  const stack: [unknown, string][] = [[root, rootField]];
  while (stack.length > 0) {
    const [value, field] = stack.pop()!;
    if (typeof value === "string") {
      if (/[/\\]|\.(json|csv)$/i.test(value)) {
        throw new MoldtwinError("TWIN_ERR_VALIDATION", `${field}: posted scenarios name ids, not files`, [
          { field, value, allowed: "a library or plant id (no paths, no .json/.csv files)" },
        ]);
      }
    } else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) stack.push([v, `${field}[${i}]`]);
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) stack.push([v, `${field}.${k}`]);
    }
  }
}

function limitGrid(scenario: Record<string, unknown>): void {
  const factors = Array.isArray(scenario.factors) ? (scenario.factors as unknown[]) : [];
  // A factor may be anything here (null, a number): the schema names it later; only real levels count.
  const levelsOf = (f: unknown): number => {
    const levels = f !== null && typeof f === "object" ? (f as { levels?: unknown }).levels : undefined;
    return typeof levels === "number" ? levels : 1;
  };
  const points = factors.reduce<number>((n, f) => n * levelsOf(f), 1);
  if (points > MAX_HTTP_GRID_POINTS) {
    throw new MoldtwinError(
      "TWIN_ERR_VALIDATION",
      `the window grid has ${points} points; the service runs ≤ ${MAX_HTTP_GRID_POINTS}`,
      [
        {
          field: "body.scenario.factors",
          value: points,
          unit: "grid points",
          allowed: `product of levels ≤ ${MAX_HTTP_GRID_POINTS} (the CLI runs larger grids)`,
        },
      ],
    );
  }
}

type PressView = ReturnType<typeof pressView>;
type Component = ReturnType<typeof componentsOf>[number];

/** The views that do not change while the service runs, each built on first use. */
class Views {
  private readonly ctx: ServiceContext;
  private readonly presses = new Map<string, PressView>();
  private readonly cells = new Map<string, ReturnType<typeof cellView>>();
  private readonly twins = new Map<string, ReturnType<typeof twinView>>();
  /** Per forecast result (an object that never changes once the run is done): components by press. */
  private readonly componentsByResult = new WeakMap<object, Map<string, Component[]>>();

  constructor(ctx: ServiceContext) {
    this.ctx = ctx;
  }

  press(p: CellEntry["cell"]["presses"][number], entry: CellEntry): PressView {
    let v = this.presses.get(p.id);
    if (!v) {
      v = pressView(p, entry);
      this.presses.set(p.id, v);
    }
    return v;
  }

  cell(e: CellEntry): ReturnType<typeof cellView> {
    let v = this.cells.get(e.cell.id);
    if (!v) {
      v = cellView(e, (p) => this.press(p, e));
      this.cells.set(e.cell.id, v);
    }
    return v;
  }

  twin(plant: Plant): ReturnType<typeof twinView> {
    let v = this.twins.get(plant.id);
    if (!v) {
      v = twinView(plant);
      this.twins.set(plant.id, v);
    }
    return v;
  }

  components(plant: string, press: string): Component[] {
    const runId = this.ctx.forecastRuns.get(plant);
    const result = runId ? (this.ctx.jobs.result(runId) as ForecastJson | undefined) : undefined;
    if (!result) return [];
    let byPress = this.componentsByResult.get(result);
    if (!byPress) {
      byPress = new Map();
      this.componentsByResult.set(result, byPress);
    }
    let v = byPress.get(press);
    if (!v) {
      v = componentsOf(result, press);
      byPress.set(press, v);
    }
    return v;
  }
}

function twinView(plant: Plant) {
  return {
    id: plant.id,
    name: plant.name,
    description: plant.description,
    tenant: plant.tenant,
    presses: plant.cells
      .flatMap((c) => c.presses)
      .map((p) => {
        const shot = simulateShot(resolveTwin({ material: p.material, machine: p.machine, mold: p.mold }), p.settings);
        return {
          id: p.id,
          machine: p.machine,
          mold: p.mold,
          material: p.material,
          settings: p.settings,
          predicted: {
            cycleTimeS: shot.cycle.cycleTimeS,
            partMassG: shot.pack.partMassG,
            energyPerPartKWh: shot.energy.perPartKWh,
            requiredClampForceKN: shot.clamp.requiredClampForceKN,
          },
        };
      }),
  };
}

function pressView(p: CellEntry["cell"]["presses"][number], entry: CellEntry) {
  const twin = resolveTwin({ material: p.material, machine: p.machine, mold: p.mold });
  return {
    id: p.id,
    name: p.name,
    cellId: entry.cell.id,
    machine: p.machine,
    mold: p.mold,
    material: p.material,
    clampForceKN: twin.machine.clampForceKN,
    cavities: twin.mold.cavities,
    position: p.position,
    robot: p.robot,
    temperatureControlUnits: p.temperatureControlUnits,
  };
}

function cellView(e: CellEntry, pressOf: (p: CellEntry["cell"]["presses"][number]) => PressView) {
  return {
    id: e.cell.id,
    name: e.cell.name,
    tenant: e.tenant,
    plantId: e.plant.id,
    presses: e.cell.presses.map(pressOf),
    conveyors: e.cell.conveyors.map((c) => ({ id: c.id, from: c.from, to: c.to, widthM: c.widthM })),
  };
}

/** Wear and remaining life per component, from the plant's fleet forecast run (engine/fleet/forecast.ts). */
function componentsOf(result: ForecastJson, press: string) {
  return result.components
    .filter((c) => c.press === press)
    .map((c) => ({
      component: c.component,
      name: c.componentName,
      kind: c.kind,
      sockets: c.sockets,
      ageH: c.currentAgeH,
      remainingLifeH: c.remainingLifeH,
      // Expected failures in the first 3 months as a Poisson probability of at least one.
      failureProbability90d: 1 - Math.exp(-c.expectedFailuresPerMonth.slice(0, 3).reduce((a, b) => a + b, 0)),
    }));
}

interface ForecastJson {
  components: {
    press: string;
    component: string;
    componentName: string;
    kind: string;
    sockets: number;
    currentAgeH: number;
    remainingLifeH: { p10: number; p50: number; p90: number } | null;
    expectedFailuresPerMonth: number[];
  }[];
}

/** The customer portal's KPIs: Nakajima OEE parts and the twin's energy per good part, per cell. */
function cellKpis(ctx: ServiceContext, e: CellEntry) {
  const presses = e.cell.presses.map((p) => ctx.live.kpis(p.id)!).filter(Boolean);
  const sum = (f: (k: (typeof presses)[number]) => number): number => presses.reduce((a, k) => a + f(k), 0);
  const observedS = sum((k) => k.observedS);
  const good = sum((k) => k.goodParts);
  const parts = good + sum((k) => k.badParts);
  const withOee = presses.filter((k) => k.oee !== null);
  return {
    cellId: e.cell.id,
    fromMs: ctx.live.startedAtMs,
    toMs: Date.now(),
    availability: observedS > 0 ? sum((k) => k.producingS) / observedS : null,
    slaTarget: ctx.scenarios.slaTarget(e.plant.id),
    yield: parts > 0 ? good / parts : null,
    kWhPerPart: good > 0 ? sum((k) => k.energyKWh) / good : null,
    oee: withOee.length > 0 ? withOee.reduce((a, k) => a + k.oee!, 0) / withOee.length : null,
    goodParts: good,
    presses: presses.map((k) => ({ id: k.id, availability: k.availability, yield: k.yield, oee: k.oee })),
  };
}

function openStream(reply: FastifyReply): void {
  reply.hijack();
  reply.raw.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache, no-transform",
    connection: "keep-alive",
    "x-accel-buffering": "no",
  });
}

function writeEvent(reply: FastifyReply, event: string, data: unknown): void {
  reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** Server-sent events: one now, then one every `periodMs` until the client goes. A slow client is skipped, not queued. */
function streamEvents(
  req: FastifyRequest,
  reply: FastifyReply,
  periodMs: number,
  next: () => { event: string; data: unknown },
): void {
  openStream(reply);
  const push = (): void => {
    if (reply.raw.writableNeedDrain) return; // the client has not read the last one: drop, do not buffer
    const e = next();
    writeEvent(reply, e.event, e.data);
  };
  push();
  const timer = setInterval(push, periodMs);
  req.raw.on("close", () => clearInterval(timer));
}

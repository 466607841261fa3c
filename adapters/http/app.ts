import { existsSync } from "node:fs";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { MoldtwinError } from "../../engine/errors.ts";
import type { HistoryStore } from "../store/historyStore.ts";
import type { Auth, Principal } from "./auth.ts";
import type { CycleWrites } from "./historyReader.ts";
import type { JobManager } from "./jobs.ts";
import type { LiveHub } from "./live.ts";
import {
  type LogSink,
  loggerOptions,
  type ProtectionOptions,
  registerProtection,
  resolveProtection,
} from "./protection.ts";
import { registerRoutes } from "./routes.ts";
import type { ScenarioCatalog } from "./scenarioCatalog.ts";
import { type Registry, redactCosts, TenantScope } from "./tenancy.ts";

/** Everything the routes read from; each request sees it only through its TenantScope. */
export interface ServiceContext {
  registry: Registry;
  auth: Auth;
  live: LiveHub;
  jobs: JobManager;
  store: HistoryStore | null;
  scenarios: ScenarioCatalog;
  /** Run id of each plant's fleet forecast (for the press panels' remaining life), by plant id. */
  forecastRuns: Map<string, string>;
  /** The built viewer (viewer/dist), or null to serve the API only. */
  viewerDir: string | null;
  /** Interval of the live SSE stream, ms. */
  livePeriodMs: number;
  /** Counts the store's cycle writes, so the history route may answer from memory until the next (historyReader.ts). */
  cycleWrites?: CycleWrites | null;
  /** Rate limits and load shedding (protection.ts); unset fields take DEFAULT_PROTECTION. */
  protection?: Partial<ProtectionOptions>;
  /** Where to write the access log (JSON lines, tokens redacted); none by default. */
  accessLog?: LogSink | null;
}

declare module "fastify" {
  interface FastifyRequest {
    scope: TenantScope;
  }
  interface FastifyContextConfig {
    /** Roles allowed on the route; `public` routes need no token. Routes without either are refused (deny by default). */
    roles?: readonly string[] | "all";
    public?: boolean;
    /** A server-sent-events route: one long request, not counted as a request in flight (protection.ts). */
    stream?: boolean;
  }
}

export interface BuiltApp {
  app: FastifyInstance;
  /** Every route registered (method and url), for the automatic isolation tests. */
  routes: { method: string; url: string; public: boolean; roles: readonly string[] | "all" | undefined }[];
}

export async function buildApp(ctx: ServiceContext): Promise<BuiltApp> {
  const protectionOptions = resolveProtection(ctx.protection);
  const app = Fastify({
    logger: loggerOptions(ctx.accessLog ?? null),
    bodyLimit: 4 << 20,
    forceCloseConnections: true,
    trustProxy: protectionOptions.trustProxy,
    // Errors Fastify raises before any route (a path parameter over 100 characters, a malformed content type) get
    // the same coded body as everything else.
    frameworkErrors: (err, _req, reply) => {
      const status = (err as { statusCode?: number }).statusCode ?? 400;
      const e = new MoldtwinError(status < 500 ? "TWIN_ERR_VALIDATION" : "INTERNAL_ERR", err.message, [
        { field: "request", allowed: "a path parameter of at most 100 characters and a well-formed request" },
      ]);
      void (reply as unknown as FastifyReply).status(status).send(e.toJSON());
    },
  });
  const routes: BuiltApp["routes"] = [];
  app.addHook("onRoute", (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const method of methods) {
      if (method === "HEAD") continue;
      const cfg = (r.config ?? {}) as { public?: boolean; roles?: readonly string[] | "all" };
      routes.push({ method, url: r.url, public: cfg.public === true || !r.url.startsWith("/api/"), roles: cfg.roles });
    }
  });

  app.setErrorHandler((err, req, reply) => {
    if (err instanceof MoldtwinError) {
      // Shed load politely: a full queue says when to come back (rate limits and shedding set their own).
      if (err.httpStatus === 429 && !reply.hasHeader("retry-after")) reply.header("retry-after", "5");
      if (err.httpStatus >= 500) req.log.error({ err }, "request failed");
      return reply.status(err.httpStatus).send(err.toJSON());
    }
    const e = err as {
      statusCode?: number;
      validation?: { instancePath: string; message?: string; params?: unknown }[];
    };
    if (e.validation) {
      const details = e.validation.map((v) => ({
        field: v.instancePath.replace(/^\//, "").replaceAll("/", ".") || "request",
        allowed: v.message ?? "see the OpenAPI schema at /docs",
      }));
      const m = new MoldtwinError("TWIN_ERR_VALIDATION", (err as Error).message, details);
      return reply.status(400).send(m.toJSON());
    }
    const status = e.statusCode ?? 500;
    if (status >= 500) req.log.error({ err }, "request failed");
    const m = new MoldtwinError(status < 500 ? "TWIN_ERR_VALIDATION" : "INTERNAL_ERR", (err as Error).message, []);
    return reply.status(status).send(m.toJSON());
  });

  // Load shedding first (its hook runs before the one below), then the rate limiter the hook below calls.
  const protection = await registerProtection(app, protectionOptions);

  // Authentication, rate limit and role check for every /api route, in one hook: deny by default. The limit is
  // counted before a bad token is refused, so guessing tokens is limited too (by address).
  app.addHook("onRequest", async (req: FastifyRequest, reply: FastifyReply) => {
    const cfg = req.routeOptions.config as
      | { public?: boolean; roles?: readonly string[] | "all"; stream?: boolean }
      | undefined;
    if (!req.url.startsWith("/api/") || cfg?.public) return;
    let principal: Principal | null = null;
    let refused: unknown = null;
    try {
      principal = ctx.auth.authenticate(req.headers.authorization);
    } catch (e) {
      refused = e;
    }
    await protection.limit(req, reply, principal);
    if (!principal) throw refused;
    req.scope = new TenantScope(principal, ctx.registry);
    const roles = cfg?.roles;
    if (roles !== "all" && !roles?.includes(principal.role)) {
      throw new MoldtwinError("AUTH_ERR_FORBIDDEN", `role ${principal.role} may not use ${req.routeOptions.url}`, [
        { field: "role", value: principal.role, allowed: Array.isArray(roles) ? roles.join(", ") : "none" },
      ]);
    }
    if (cfg?.stream) protection.openStream(req, reply, principal);
  });
  // The net under the routes: no money in any response to a principal who may not see costs.
  app.addHook("preSerialization", async (req: FastifyRequest, _reply: FastifyReply, payload: unknown) =>
    req.scope && !req.scope.permissions.costs ? redactCosts(payload) : payload,
  );

  const { default: swagger } = await import("@fastify/swagger");
  const { default: swaggerUi } = await import("@fastify/swagger-ui");
  await app.register(swagger, {
    openapi: {
      info: {
        title: "moldtwin API",
        version: "0.1.0",
        description:
          "Twins, scenarios and runs, live press state (SSE), KPIs and history. Every /api route but /api/health needs `Authorization: Bearer <token>`; data is scoped to the token's tenant.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });

  await registerRoutes(app, ctx);

  if (ctx.viewerDir && existsSync(ctx.viewerDir)) {
    const { default: fastifyStatic } = await import("@fastify/static");
    await app.register(fastifyStatic, { root: ctx.viewerDir, prefix: "/", index: ["index.html"] });
  }
  return { app, routes };
}

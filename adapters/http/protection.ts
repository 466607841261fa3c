import { getHeapStatistics } from "node:v8";
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from "fastify";
import { MoldtwinError } from "../../engine/errors.ts";
import type { Principal } from "./auth.ts";

/**
 * The service's protections against too much traffic, and its (opt-in) access log.
 *
 * - **Rate limits** (@fastify/rate-limit, fixed windows in process memory): every /api request but the health check
 *   counts against its principal — the API token's id, never the token — or, without a valid token, against the
 *   client's address, so guessing tokens is limited too. Over the limit: 429 `HTTP_ERR_RATE_LIMITED` with
 *   `Retry-After` (seconds to the end of the window); every limited response carries `X-RateLimit-*` headers.
 * - **Load shedding** (@fastify/under-pressure, and a cap on requests in flight): while the event loop's mean delay
 *   over a sample exceeds the limit, the heap nears V8's limit, or too many requests are being answered at once
 *   (waiting on the history store, say), new requests get 429 `HTTP_ERR_OVERLOADED` with `Retry-After` instead of
 *   queueing until everything times out. `/api/health` always answers, and streams already open (SSE) keep flowing:
 *   the check runs when a request arrives, never on a stream in progress. Nothing is shed on the first two samples
 *   after start: they measure the start-up, not the traffic.
 * - **Event streams**: a token holds at most `maxStreamsPerToken` SSE streams open at once (429 past it).
 * - **Logging**: off by default. When on, JSON lines (request in; answered with status, time and the token's id;
 *   errors) with the Authorization and Cookie headers redacted wherever they appear and `token=` query values masked.
 */

export interface ProtectionOptions {
  /** Requests per API token per window; 0 turns the rate limits off. */
  rateLimitMax: number;
  /** Requests without a valid token per client address per window (401s are counted here). */
  anonymousMax: number;
  rateLimitWindowMs: number;
  /** Server-sent-event streams one token may hold open at once (a viewer tab holds one or two); 0: no cap. */
  maxStreamsPerToken: number;
  /**
   * Shed load when this many requests are already being answered (SSE streams not counted); 0 turns it off. Catches
   * queueing the event loop does not show: requests waiting on the history store's reads.
   */
  maxInFlight: number;
  /** Shed load when the event loop's mean delay over a sample exceeds this, ms; 0 turns it off. */
  maxEventLoopDelayMs: number;
  /** Shed load when the V8 heap in use exceeds this fraction of its limit; 0 turns it off. */
  maxHeapUsedFraction: number;
  /** How often the event loop delay and the heap are sampled, ms. */
  sampleIntervalMs: number;
  /** Retry-After of an overloaded answer, s. */
  overloadRetryAfterS: number;
  /**
   * Behind a reverse proxy (TLS termination), trust its X-Forwarded-For so client addresses are the clients' own:
   * Fastify's `trustProxy` (true, or the proxies' addresses/CIDRs, comma-separated).
   */
  trustProxy: boolean | string;
}

/**
 * Defaults. A person in the viewer makes a few requests a minute (live data is one SSE request); an integration
 * polling KPIs a few a second; the test suites bursts of a few hundred. 1000 per 10 s per token (100/s sustained)
 * stays out of their way and still keeps any one token to a fraction of what the service answers on 2 cores
 * (bench/http-load.ts). 200 per 10 s per address without a token is plenty for clients that fail to sign in, and
 * useless for guessing a 256-bit token. A mean event-loop delay of 200 ms over a second means requests already
 * wait longer than the API's latency goal many times over. 64 requests in flight at once is 6× what 500 requests/s
 * at 20 ms each keep open (Little's law): beyond it, new ones would only queue behind them.
 */
export const DEFAULT_PROTECTION: ProtectionOptions = {
  rateLimitMax: 1000,
  anonymousMax: 200,
  rateLimitWindowMs: 10_000,
  maxStreamsPerToken: 20,
  maxInFlight: 64,
  maxEventLoopDelayMs: 200,
  maxHeapUsedFraction: 0.9,
  sampleIntervalMs: 1000,
  overloadRetryAfterS: 2,
  trustProxy: false,
};

/** Settings from the environment (MOLDTWIN_RATE_LIMIT, …), for `npm start` and deployments; unset ones are omitted. */
export function protectionFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<ProtectionOptions> {
  const out: Partial<ProtectionOptions> = {};
  const num = (name: string, key: Exclude<keyof ProtectionOptions, "trustProxy">): void => {
    const raw = env[name];
    if (raw === undefined || raw === "") return;
    const v = Number(raw);
    if (!Number.isFinite(v) || v < 0) {
      throw new MoldtwinError("TWIN_ERR_VALIDATION", `${name} must be a number ≥ 0`, [
        { field: name, value: raw, allowed: "a number ≥ 0 (0 turns the protection off)" },
      ]);
    }
    out[key] = v;
  };
  num("MOLDTWIN_RATE_LIMIT", "rateLimitMax");
  num("MOLDTWIN_RATE_LIMIT_ANONYMOUS", "anonymousMax");
  num("MOLDTWIN_RATE_LIMIT_WINDOW_MS", "rateLimitWindowMs");
  num("MOLDTWIN_MAX_STREAMS_PER_TOKEN", "maxStreamsPerToken");
  num("MOLDTWIN_MAX_IN_FLIGHT", "maxInFlight");
  num("MOLDTWIN_MAX_EVENT_LOOP_DELAY_MS", "maxEventLoopDelayMs");
  num("MOLDTWIN_MAX_HEAP_FRACTION", "maxHeapUsedFraction");
  const proxy = env.MOLDTWIN_TRUST_PROXY;
  if (proxy !== undefined && proxy !== "") {
    out.trustProxy = proxy === "true" ? true : proxy === "false" ? false : proxy;
  }
  return out;
}

export const resolveProtection = (o: Partial<ProtectionOptions> = {}): ProtectionOptions => ({
  ...DEFAULT_PROTECTION,
  ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)),
});

/** Where access-log lines go (one JSON object per line), e.g. process.stdout. */
export interface LogSink {
  write(line: string): unknown;
}

const REDACT = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "headers.cookie",
  "*.headers.authorization",
  "*.headers.cookie",
  "authorization",
];

/** A token someone put in a query string anyway: its value is masked in logged URLs. */
const maskQuery = (url: string): string =>
  url.replace(/([?&][^=&]*(?:token|key|secret|password|auth)[^=&]*=)[^&]*/gi, "$1[redacted]");

/** Fastify's logger options: off without a sink; with one, redacted request lines. */
export function loggerOptions(sink: LogSink | null): FastifyServerOptions["logger"] {
  if (!sink) return false;
  return {
    level: "info",
    stream: sink,
    redact: { paths: REDACT, censor: "[redacted]" },
    serializers: {
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: maskQuery(req.url),
        remoteAddress: req.ip,
        // The token's id, never the token (set once authenticated; the response line carries it).
        tokenId: (req as { scope?: { principal: Principal } }).scope?.principal.tokenId,
      }),
      res: (reply: FastifyReply) => ({
        statusCode: reply.statusCode,
        tokenId: (reply.request as { scope?: { principal: Principal } } | undefined)?.scope?.principal.tokenId,
      }),
    },
  } as FastifyServerOptions["logger"];
}

export interface Protection {
  readonly options: ProtectionOptions;
  /**
   * Counts the request against its principal (or, without one, its client address); throws 429
   * HTTP_ERR_RATE_LIMITED past the limit. Call it for every request that is not exempt, before refusing a bad token.
   */
  limit(req: FastifyRequest, reply: FastifyReply, principal: Principal | null): Promise<void>;
  /** Counts an SSE stream against its token until the connection closes; throws 429 HTTP_ERR_RATE_LIMITED past the cap. */
  openStream(req: FastifyRequest, reply: FastifyReply, principal: Principal): void;
}

/** Exempt from shedding: the health check (load balancers must see the service alive while it sheds). */
const isExempt = (req: FastifyRequest): boolean => req.routeOptions.url === "/api/health";

/** Registers load shedding on `app` and returns the rate limiter. Call before the authentication hook is added. */
export async function registerProtection(app: FastifyInstance, o: ProtectionOptions): Promise<Protection> {
  if (o.maxEventLoopDelayMs > 0 || o.maxHeapUsedFraction > 0) {
    const { default: underPressure } = await import("@fastify/under-pressure");
    const heapLimit = getHeapStatistics().heap_size_limit;
    // The first samples measure the start-up (loading modules, building the app), not traffic: no shedding on them.
    let shedFromMs = Number.POSITIVE_INFINITY;
    app.addHook("onReady", async () => {
      shedFromMs = Date.now() + 2 * o.sampleIntervalMs;
    });
    await app.register(underPressure, {
      maxEventLoopDelay: o.maxEventLoopDelayMs,
      maxHeapUsedBytes: o.maxHeapUsedFraction > 0 ? Math.floor(o.maxHeapUsedFraction * heapLimit) : 0,
      sampleInterval: o.sampleIntervalMs,
      pressureHandler: (req, reply, type, value) => {
        if (isExempt(req) || Date.now() < shedFromMs) return; // let it through
        reply.header("retry-after", String(o.overloadRetryAfterS));
        const what =
          type === "eventLoopDelay"
            ? {
                field: "eventLoopDelay",
                value: Math.round(value ?? 0),
                unit: "ms",
                allowed: `≤ ${o.maxEventLoopDelayMs} ms`,
              }
            : {
                field: "heapUsed",
                value: Math.round((value ?? 0) / 2 ** 20),
                unit: "MiB",
                allowed: `≤ ${Math.round((o.maxHeapUsedFraction * heapLimit) / 2 ** 20)} MiB`,
              };
        req.log.warn({ pressure: type, value }, "overloaded: request shed");
        return Promise.reject(
          new MoldtwinError(
            "HTTP_ERR_OVERLOADED",
            `the service is overloaded; retry after ${o.overloadRetryAfterS} s`,
            [what],
          ),
        );
      },
    });
  }

  if (o.maxInFlight > 0) {
    let inFlight = 0;
    app.addHook("onRequest", async (req: FastifyRequest, reply: FastifyReply) => {
      if (isExempt(req) || req.routeOptions.config?.stream) return;
      if (inFlight >= o.maxInFlight) {
        reply.header("retry-after", String(o.overloadRetryAfterS));
        req.log.warn({ inFlight }, "overloaded: request shed");
        throw new MoldtwinError(
          "HTTP_ERR_OVERLOADED",
          `the service is overloaded; retry after ${o.overloadRetryAfterS} s`,
          [{ field: "requestsInFlight", value: inFlight, allowed: `< ${o.maxInFlight}` }],
        );
      }
      inFlight++;
      let counted = true;
      const release = (): void => {
        if (counted) inFlight--;
        counted = false;
      };
      reply.raw.once("finish", release);
      reply.raw.once("close", release);
    });
  }

  const streams = new Map<string, number>();
  const openStream = (req: FastifyRequest, reply: FastifyReply, principal: Principal): void => {
    if (!(o.maxStreamsPerToken > 0)) return;
    const open = streams.get(principal.tokenId) ?? 0;
    if (open >= o.maxStreamsPerToken) {
      reply.header("retry-after", "5");
      req.log.warn({ limited: `token:${principal.tokenId}`, streams: open }, "rate limited: streams");
      throw new MoldtwinError("HTTP_ERR_RATE_LIMITED", `this token already holds ${open} open event streams`, [
        { field: "open event streams", value: open + 1, allowed: `≤ ${o.maxStreamsPerToken} per token` },
      ]);
    }
    streams.set(principal.tokenId, open + 1);
    reply.raw.once("close", () => {
      const n = (streams.get(principal.tokenId) ?? 1) - 1;
      if (n > 0) streams.set(principal.tokenId, n);
      else streams.delete(principal.tokenId);
    });
  };

  if (!(o.rateLimitMax > 0)) return { options: o, limit: async () => {}, openStream };
  const { default: rateLimit, normalizeIP } = await import("@fastify/rate-limit");
  // Not global: the check runs inside the authentication hook (app.ts), which knows the principal.
  await app.register(rateLimit, { global: false });
  const keys = new WeakMap<FastifyRequest, string>();
  const keyOf = (req: FastifyRequest): string => keys.get(req) ?? `ip:${normalizeIP(req.ip)}`;
  const perToken = app.createRateLimit({ max: o.rateLimitMax, timeWindow: o.rateLimitWindowMs, keyGenerator: keyOf });
  const perAddress = app.createRateLimit({
    max: Math.max(1, o.anonymousMax),
    timeWindow: o.rateLimitWindowMs,
    keyGenerator: keyOf,
  });
  return {
    options: o,
    openStream,
    async limit(req, reply, principal) {
      if (principal) keys.set(req, `token:${principal.tokenId}`);
      const r = await (principal ? perToken : perAddress)(req);
      if (r.isAllowed) return;
      reply.header("x-ratelimit-limit", r.max);
      reply.header("x-ratelimit-remaining", r.remaining);
      reply.header("x-ratelimit-reset", r.ttlInSeconds);
      if (!r.isExceeded) return;
      const retryAfterS = Math.max(1, r.ttlInSeconds);
      reply.header("retry-after", String(retryAfterS));
      req.log.warn({ limited: keyOf(req) }, "rate limited");
      throw new MoldtwinError(
        "HTTP_ERR_RATE_LIMITED",
        `too many requests from ${principal ? "this token" : "this address without a valid token"}: ${r.max} per ${o.rateLimitWindowMs / 1000} s; retry after ${retryAfterS} s`,
        [
          {
            field: principal ? "Authorization" : "client address",
            value: r.max + 1,
            unit: `requests per ${o.rateLimitWindowMs / 1000} s`,
            allowed: `≤ ${r.max}`,
          },
        ],
      );
    },
  };
}

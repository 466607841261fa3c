/**
 * The HTTP API as the viewer sees it: types of every answer it reads, a fetch wrapper that sends the bearer
 * token, and a server-sent-events reader on fetch() + ReadableStream (EventSource cannot send headers).
 */

export type Role = "admin" | "process-engineer" | "reliability" | "sales" | "customer";
export type PressStatus = "producing" | "idle" | "alarm" | "maintenance" | "offline";

export interface Me {
  user: string;
  role: Role;
  tenant: { id: string; name: string };
  permissions: { costs: boolean; runKinds: string[] };
}

export interface PlanPosition {
  xM: number;
  yM: number;
  rotationDeg?: number;
}

export interface Press {
  id: string;
  name: string;
  machine: string;
  mold: string;
  material: string;
  clampForceKN: number;
  position: PlanPosition;
  robot: boolean;
  temperatureControlUnits: number;
}

export interface Conveyor {
  id: string;
  from: PlanPosition;
  to: PlanPosition;
  widthM: number;
}

export interface Cell {
  id: string;
  name: string;
  tenant: string;
  plantId: string;
  presses: Press[];
  conveyors: Conveyor[];
}

/** An alert as the API gives it; live messages may carry a count, strings or objects. */
export interface Alert {
  atMs?: number;
  severity?: string;
  message: string;
}

export interface LivePress {
  id: string;
  cellId: string;
  status: PressStatus;
  cycleTimeS: number | null;
  goodParts: number | null;
  badParts: number | null;
  oee: number | null;
  peakPressureBar: number | null;
  lastCycleAtMs: number | null;
  alerts?: unknown;
}

export interface LiveMessage {
  atMs: number;
  presses: LivePress[];
}

export interface Quantiles3 {
  p10: number;
  p50: number;
  p90: number;
}

export interface PressComponent {
  component: string;
  kind: string;
  sockets: number;
  remainingLifeH: Quantiles3 | null;
  failureProbability90d: number | null;
}

export interface PressDetail {
  press: Press;
  live: LivePress | null;
  series: {
    atMs: number[];
    cycleTimeS: (number | null)[];
    peakPressureBar: (number | null)[];
    cushionCm3: (number | null)[];
  };
  components: PressComponent[];
  alerts: Alert[];
}

export interface CellKpis {
  cellId: string;
  fromMs: number | null;
  toMs: number | null;
  availability: number | null;
  slaTarget: number | null;
  yield: number | null;
  kWhPerPart: number | null;
  oee: number | null;
  goodParts: number | null;
  presses: { id: string; availability: number | null; yield: number | null; oee: number | null }[];
}

export interface Scenario {
  id: string;
  kind: string;
  name: string;
  description?: string;
}

export type RunStatus = "queued" | "running" | "done" | "failed" | "cancelled";

export interface RunInfo {
  id: string;
  kind: string;
  name: string;
  status: RunStatus;
  progress: { done: number; total: number; fraction: number } | null;
  error: unknown;
}

export const isFinished = (s: RunStatus): boolean => s === "done" || s === "failed" || s === "cancelled";

// ---------------------------------------------------------------------------------------------------------------
// Token

const TOKEN_KEY = "moldtwin.token";

/** The token from `#token=…` (then removed from the address bar and history) or from sessionStorage. */
export function initialToken(): string | null {
  const m = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (m?.[1]) {
    const token = decodeURIComponent(m[1]);
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, "", window.location.pathname + window.location.search);
    return token;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  constructor(status: number, message: string, code?: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Called on any 401, so the app can drop the token and show the login form. */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

let currentToken: string | null = null;
export function setApiToken(token: string | null): void {
  currentToken = token;
}

function headers(extra?: Record<string, string>): Record<string, string> {
  return { ...(currentToken ? { authorization: `Bearer ${currentToken}` } : {}), ...extra };
}

async function failure(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`;
  let code: string | undefined;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    if (body.error?.message) message = body.error.message;
    code = body.error?.code;
  } catch {
    // not JSON: keep the status line
  }
  if (res.status === 401) onUnauthorized?.();
  return new ApiError(res.status, message, code);
}

export async function apiGet<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: headers({ accept: "application/json" }), signal: signal ?? null });
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

export async function apiSend<T>(method: "POST" | "DELETE", path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: headers(body === undefined ? {} : { "content-type": "application/json" }),
    body: body === undefined ? null : JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

/** Checks a token without touching the app's state: /api/me with it. */
export async function fetchMe(token: string): Promise<Me> {
  const res = await fetch("/api/me", { headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
  if (!res.ok) {
    const err = await failure(res);
    throw err;
  }
  return (await res.json()) as Me;
}

// ---------------------------------------------------------------------------------------------------------------
// Server-sent events

export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Reads one SSE response until it ends or `signal` aborts, calling `onEvent` for every dispatched event
 * (WHATWG rules: `event:`/`data:` fields, multi-line data joined by "\n", `:` comments ignored, CRLF or LF).
 */
export async function readSse(path: string, onEvent: (e: SseEvent) => void, signal: AbortSignal): Promise<void> {
  const res = await fetch(path, { headers: headers({ accept: "text/event-stream" }), signal, cache: "no-store" });
  if (!res.ok) throw await failure(res);
  if (!res.body) throw new ApiError(res.status, "the event stream has no body");
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let nl = buffer.search(/\r\n|\n|\r/);
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(buffer[nl] === "\r" && buffer[nl + 1] === "\n" ? nl + 2 : nl + 1);
      if (line === "") {
        if (data.length > 0) onEvent({ event: event || "message", data: data.join("\n") });
        event = "";
        data = [];
      } else if (!line.startsWith(":")) {
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let val = colon < 0 ? "" : line.slice(colon + 1);
        if (val.startsWith(" ")) val = val.slice(1);
        if (field === "event") event = val;
        else if (field === "data") data.push(val);
      }
      nl = buffer.search(/\r\n|\n|\r/);
    }
  }
}

/**
 * Keeps an SSE stream open: reconnects after a drop with a growing delay (1 s … 10 s) until `signal` aborts.
 * `onState` reports "open" / "reconnecting" for the connection badge.
 */
export function followSse(
  path: string,
  onEvent: (e: SseEvent) => void,
  signal: AbortSignal,
  onState?: (state: "open" | "reconnecting" | "closed", error?: unknown) => void,
): void {
  let delay = 1000;
  const loop = async (): Promise<void> => {
    while (!signal.aborted) {
      try {
        onState?.("open");
        await readSse(
          path,
          (e) => {
            delay = 1000;
            onEvent(e);
          },
          signal,
        );
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof ApiError && (err.status === 401 || err.status === 403)) {
          onState?.("closed", err);
          return;
        }
        onState?.("reconnecting", err);
      }
      if (signal.aborted) break;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(10_000, delay * 2);
    }
    onState?.("closed");
  };
  void loop();
}

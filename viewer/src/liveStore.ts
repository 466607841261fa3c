import { followSse, type LiveMessage, type LivePress } from "./api.ts";

/**
 * The live state of every press, outside React. The SSE reader writes it; the scene, the labels, the press list
 * and the panel subscribe and update their instance colours and DOM text through refs, so a message every second
 * re-renders no React tree.
 */
export class LiveStore {
  readonly byId = new Map<string, LivePress>();
  lastAtMs: number | null = null;
  messages = 0;
  connection: "connecting" | "open" | "reconnecting" | "closed" = "connecting";
  private readonly listeners = new Set<(msg: LiveMessage) => void>();
  private readonly connListeners = new Set<() => void>();

  subscribe(fn: (msg: LiveMessage) => void): () => void {
    this.listeners.add(fn);
    return () => {
      this.listeners.delete(fn);
    };
  }

  onConnection(fn: () => void): () => void {
    this.connListeners.add(fn);
    return () => {
      this.connListeners.delete(fn);
    };
  }

  publish(msg: LiveMessage): void {
    this.lastAtMs = msg.atMs;
    this.messages++;
    for (const p of msg.presses) this.byId.set(p.id, p);
    for (const fn of this.listeners) fn(msg);
  }

  setConnection(c: LiveStore["connection"]): void {
    if (c === this.connection) return;
    this.connection = c;
    for (const fn of this.connListeners) fn();
  }

  /** Opens GET /api/live (with reconnects) until `signal` aborts. */
  connect(signal: AbortSignal): void {
    followSse(
      "/api/live",
      (e) => {
        if (e.event !== "presses") return;
        try {
          const msg = JSON.parse(e.data) as LiveMessage;
          if (Array.isArray(msg.presses)) {
            this.setConnection("open");
            this.publish(msg);
          }
        } catch {
          // a malformed message is skipped; the next one comes in a second
        }
      },
      signal,
      (state) => this.setConnection(state === "open" ? (this.messages > 0 ? "open" : "connecting") : state),
    );
  }
}

/** Alerts of a live message, whatever form they take (count, strings, objects). */
export function alertCount(alerts: unknown): number {
  if (typeof alerts === "number") return alerts;
  if (Array.isArray(alerts)) return alerts.length;
  return 0;
}

export function alertMessages(alerts: unknown): { severity: string; message: string; atMs?: number }[] {
  if (!Array.isArray(alerts)) return [];
  return alerts.map((a) => {
    if (typeof a === "string") return { severity: "warning", message: a };
    const o = (a ?? {}) as { severity?: unknown; message?: unknown; atMs?: unknown; code?: unknown };
    const out: { severity: string; message: string; atMs?: number } = {
      severity: typeof o.severity === "string" ? o.severity : "warning",
      message: typeof o.message === "string" ? o.message : typeof o.code === "string" ? o.code : JSON.stringify(a),
    };
    if (typeof o.atMs === "number") out.atMs = o.atMs;
    return out;
  });
}

import type { CycleRecord, HistoryStore } from "../store/historyStore.ts";
import { MAX_TIME_MS, MIN_TIME_MS } from "../store/validate.ts";

/**
 * A press's cycles for the API's history route, read from the history store without asking it more than needed.
 *
 * - **Coalesced**: while the store answers a query for a press, the requests for that press arriving meanwhile wait
 *   for one next query covering all their windows — it starts after each of them arrived, so each sees at least what
 *   a query of its own would have — and each takes its own window out of it.
 * - **Cached until the next write** (when the store is wrapped by `CycleWrites.track`): the last answer per press is
 *   kept with the press's write count read before its query started, and holds every stored cycle from its start on
 *   (future source times included). A request whose window starts inside it and arrives before any later write of
 *   the press has settled is answered from memory — exactly what the store would answer, since nothing was committed
 *   for the press since the query's snapshot. At 10× speed a press writes a cycle every few seconds, so a panel
 *   polled by many viewers costs one query per cycle, not one per request.
 */

/** Counts, per press, the cycle writes of a store that have settled (committed or refused), and deletions. */
export class CycleWrites {
  private readonly counts = new Map<string, number>();
  private deletions = 0;

  /** Changes whenever a cycle of the press may have been written or deleted since the last call. */
  version(press: string): string {
    return `${this.deletions}:${this.counts.get(press) ?? 0}`;
  }

  private wrote(rows: readonly CycleRecord[]): void {
    for (const press of new Set(rows.map((r) => r.press))) this.counts.set(press, (this.counts.get(press) ?? 0) + 1);
  }

  /** The store with its cycle writes and retention counted here (everything else passes straight through). */
  track(store: HistoryStore): HistoryStore {
    const after = <T>(p: Promise<T>, then: () => void): Promise<T> =>
      p.then(
        (v) => {
          then();
          return v;
        },
        (e: unknown) => {
          then();
          throw e;
        },
      );
    return {
      get path() {
        return store.path;
      },
      writeCycles: (rows) => {
        const copy = Array.isArray(rows) ? [...rows] : [];
        return after(store.writeCycles(rows), () => this.wrote(copy));
      },
      writeSignals: (rows) => store.writeSignals(rows),
      writeStates: (rows) => store.writeStates(rows),
      writeEvents: (rows) => store.writeEvents(rows),
      writeQuarantine: (rows) => store.writeQuarantine(rows),
      writeGaps: (rows) => store.writeGaps(rows),
      lastCycle: (press) => store.lastCycle(press),
      trace: (partId) => store.trace(partId),
      cycles: (press, fromMs, toMs) => store.cycles(press, fromMs, toMs),
      counts: () => store.counts(),
      exportArrow: (table, file, range) => store.exportArrow(table, file, range),
      applyRetention: (policy) =>
        after(store.applyRetention(policy), () => {
          this.deletions++;
        }),
      close: () => store.close(),
    };
  }
}

interface Waiter {
  fromMs: number;
  toMs: number;
  resolve(rows: CycleRecord[]): void;
  reject(e: unknown): void;
}

interface Cached {
  version: string;
  /** Every stored cycle of the press with sourceTimeMs ≥ fromMs, oldest first (the store's order). */
  fromMs: number;
  rows: CycleRecord[];
}

/** An answer this long is not kept (a window reaching far back); the next request asks the store again. */
const MAX_CACHED_ROWS = 20_000;

export class HistoryReader {
  private readonly store: HistoryStore | null;
  private readonly writes: CycleWrites | null;
  private readonly queues = new Map<string, { running: boolean; waiting: Waiter[] }>();
  private readonly cache = new Map<string, Cached>();
  /** Store queries made (for tests and benchmarks). */
  queries = 0;

  constructor(store: HistoryStore | null, writes: CycleWrites | null = null) {
    this.store = store;
    this.writes = writes;
  }

  /** The press's cycles with fromMs ≤ sourceTimeMs < toMs, oldest first: `HistoryStore.cycles`. */
  cycles(press: string, fromMs: number, toMs: number): Promise<CycleRecord[]> {
    if (!this.store) return Promise.resolve([]);
    // A window the store would refuse goes to it alone, for its own error.
    if (!isTime(fromMs) || !isTime(toMs)) return this.store.cycles(press, fromMs, toMs);
    const hit = this.fromCache(press, fromMs, toMs);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      let q = this.queues.get(press);
      if (!q) {
        q = { running: false, waiting: [] };
        this.queues.set(press, q);
      }
      q.waiting.push({ fromMs, toMs, resolve, reject });
      if (!q.running) this.next(press, q);
    });
  }

  private fromCache(press: string, fromMs: number, toMs: number): CycleRecord[] | null {
    const c = this.writes ? this.cache.get(press) : undefined;
    if (!c || fromMs < c.fromMs || c.version !== this.writes!.version(press)) return null;
    return c.rows.slice(firstAtOrAfter(c.rows, fromMs), firstAtOrAfter(c.rows, toMs));
  }

  private next(press: string, q: { running: boolean; waiting: Waiter[] }): void {
    const batch: Waiter[] = [];
    for (const w of q.waiting.splice(0)) {
      // Arrived while the last query ran: its answer may serve them, if nothing was written since it started.
      const hit = this.fromCache(press, w.fromMs, w.toMs);
      if (hit) w.resolve(hit);
      else batch.push(w);
    }
    if (batch.length === 0) {
      q.running = false;
      this.queues.delete(press);
      return;
    }
    q.running = true;
    const store = this.store!;
    const done = (): void => this.next(press, q);
    const fromMs = Math.min(...batch.map((w) => w.fromMs));
    if (!this.writes && batch.length === 1) {
      const w = batch[0]!;
      this.queries++;
      store.cycles(press, w.fromMs, w.toMs).then(w.resolve, w.reject).finally(done);
      return;
    }
    // With writes counted the answer is kept, so it reaches to the end of time: a later request's window too.
    const toMs = this.writes ? MAX_TIME_MS : Math.max(...batch.map((w) => w.toMs));
    const version = this.writes?.version(press) ?? "";
    this.queries++;
    store
      .cycles(press, fromMs, toMs)
      .then(
        (rows) => {
          if (this.writes && rows.length <= MAX_CACHED_ROWS) this.cache.set(press, { version, fromMs, rows });
          for (const w of batch) w.resolve(rows.slice(firstAtOrAfter(rows, w.fromMs), firstAtOrAfter(rows, w.toMs)));
        },
        // A window the store refuses fails the shared query: each asks on its own, so only its owner gets the error.
        () =>
          Promise.all(
            batch.map((w) => {
              this.queries++;
              return store.cycles(press, w.fromMs, w.toMs).then(w.resolve, w.reject);
            }),
          ),
      )
      .finally(done);
  }
}

const isTime = (t: number): boolean => Number.isFinite(t) && t >= MIN_TIME_MS && t <= MAX_TIME_MS;

/** Index of the first row with sourceTimeMs ≥ t in rows sorted by sourceTimeMs (rows.length if none). */
function firstAtOrAfter(rows: readonly CycleRecord[], t: number): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.sourceTimeMs < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Serialises the history store's writes on its one writing connection. Writers from several presses call in
 * concurrently; while one transaction runs, the next calls queue up and are then committed together in one
 * transaction (group commit: one WAL flush for many small batches). Each call still succeeds or fails on its
 * own: if a combined transaction fails, it is rolled back and every call in it is retried alone, so one bad
 * batch never takes another press's rows with it.
 */

export interface Transactions {
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

interface Job {
  weight: number;
  coalesce: boolean;
  apply: () => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class WriteQueue {
  private pending: Job[] = [];
  private pumping: Promise<void> | null = null;
  /** Transactions committed (a combined transaction counts once): for tests and the bench. */
  transactions = 0;

  private readonly tx: Transactions;
  /** Rows per combined transaction, roughly: a cap on memory and on how long one commit holds the queue. */
  private readonly maxWeight: number;

  constructor(tx: Transactions, maxWeight = 250_000) {
    this.tx = tx;
    this.maxWeight = maxWeight;
  }

  /** Runs `apply` inside a transaction, combined with neighbours when `coalesce` is set. */
  submit<T>(weight: number, coalesce: boolean, apply: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ weight, coalesce, apply, resolve: resolve as (v: unknown) => void, reject });
      if (!this.pumping) this.pumping = this.pump();
    });
  }

  /** Resolves when everything submitted so far has been committed or rejected. */
  async drained(): Promise<void> {
    while (this.pumping) await this.pumping;
  }

  private take(): Job[] {
    const first = this.pending.shift()!;
    const batch = [first];
    if (!first.coalesce) return batch;
    let weight = first.weight;
    while (this.pending.length > 0) {
      const next = this.pending[0]!;
      if (!next.coalesce || weight + next.weight > this.maxWeight) break;
      batch.push(this.pending.shift()!);
      weight += next.weight;
    }
    return batch;
  }

  /**
   * Drains the queue. `pumping` is cleared in the same synchronous step as the last emptiness check: clearing it in a
   * `.finally()` a microtask later left a window in which a submit saw a pump that had already stopped, and its job
   * waited forever (a write right after another write's await, as the live hub's tee does). Every await in the loop
   * is inside its own try, so the loop always reaches the clearing line.
   */
  private async pump(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.take();
      if (batch.length === 1) {
        await this.runAlone(batch[0]!);
        continue;
      }
      const results: unknown[] = [];
      try {
        await this.tx.begin();
        for (const job of batch) results.push(await job.apply());
        await this.tx.commit();
        this.transactions++;
      } catch {
        await this.tx.rollback().catch(() => {});
        for (const job of batch) await this.runAlone(job);
        continue;
      }
      for (let k = 0; k < batch.length; k++) batch[k]!.resolve(results[k]);
    }
    this.pumping = null;
  }

  private async runAlone(job: Job): Promise<void> {
    let result: unknown;
    try {
      await this.tx.begin();
      result = await job.apply();
      await this.tx.commit();
      this.transactions++;
    } catch (e) {
      await this.tx.rollback().catch(() => {});
      job.reject(e);
      return;
    }
    job.resolve(result);
  }
}

/** One operation at a time on a connection (DuckDB runs one statement per connection at once). */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => {});
    return result;
  }
}

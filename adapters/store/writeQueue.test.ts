import { describe, expect, it } from "vitest";
import { type Transactions, WriteQueue } from "./writeQueue.ts";

/** A fake database: a committed list, a pending list, and a log of the transaction calls. */
function fakeDb() {
  const committed: string[] = [];
  let pending: string[] = [];
  const log: string[] = [];
  const tx: Transactions = {
    begin: async () => {
      log.push("begin");
      pending = [];
    },
    commit: async () => {
      log.push("commit");
      committed.push(...pending);
      pending = [];
    },
    rollback: async () => {
      log.push("rollback");
      pending = [];
    },
  };
  const write =
    (row: string, fail = false) =>
    async () => {
      await new Promise((r) => setTimeout(r, 1));
      if (fail) throw new Error(`cannot write ${row}`);
      pending.push(row);
      return row;
    };
  return { tx, committed, log, write };
}

describe("write queue", () => {
  it("combines calls that queue up behind a running transaction into one", async () => {
    const db = fakeDb();
    const q = new WriteQueue(db.tx);
    const results = await Promise.all(["a", "b", "c", "d"].map((r) => q.submit(1, true, db.write(r))));
    expect(results).toEqual(["a", "b", "c", "d"]);
    expect(db.committed).toEqual(["a", "b", "c", "d"]);
    // The first runs alone; the three that queued meanwhile share the second transaction.
    expect(q.transactions).toBe(2);
  });

  it("retries each call alone when a combined transaction fails, so only the bad one fails", async () => {
    const db = fakeDb();
    const q = new WriteQueue(db.tx);
    const first = q.submit(1, true, db.write("a"));
    const rest = [
      q.submit(1, true, db.write("b")),
      q.submit(1, true, db.write("bad", true)),
      q.submit(1, true, db.write("c")),
    ];
    const settled = await Promise.allSettled([first, ...rest]);
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(db.committed).toEqual(["a", "b", "c"]);
    expect(db.log.filter((l) => l === "rollback")).toHaveLength(2); // the combined one, then the bad one alone
  });

  it("runs a non-combinable job alone and respects the weight cap", async () => {
    const db = fakeDb();
    const q = new WriteQueue(db.tx, 10);
    const jobs = [
      q.submit(1, true, db.write("a")),
      q.submit(6, true, db.write("b")),
      q.submit(6, true, db.write("c")), // would exceed 10 with b
      q.submit(0, false, db.write("retention")),
      q.submit(1, true, db.write("d")),
    ];
    await Promise.all(jobs);
    expect(db.committed).toEqual(["a", "b", "c", "retention", "d"]);
    expect(q.transactions).toBe(5);
    await q.drained();
  });

  it("takes a write submitted right after another write resolves (no lost wake-up)", async () => {
    // Regression: the pump used to clear its flag a microtask after it stopped, and a submit made in that window —
    // the continuation of `await write()` — waited forever.
    const db = fakeDb();
    const q = new WriteQueue(db.tx);
    for (let i = 0; i < 20; i++) {
      await q.submit(1, true, db.write(`w${i}`));
      await Promise.resolve().then(() => q.submit(1, true, db.write(`x${i}`)));
    }
    await q.drained();
    expect(db.committed).toHaveLength(40);
  });
});

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SimCell, startSimCell } from "../adapters/opcua/cell.ts";
import { type Ingest, startIngest } from "../adapters/opcua/ingest.ts";
import { type HistoryStore, openStore } from "../adapters/store/historyStore.ts";
import { Plant } from "../twin-models/schemas/plant.ts";
import { parse } from "../twin-models/validate.ts";

/**
 * Faults the live twin must survive without losing a recorded cycle:
 * - a network cut between the presses and the ingest client (a TCP proxy in between drops every connection and
 *   refuses new ones for a while, as a pulled cable or a dead switch would);
 * - the process writing the history store killed with SIGKILL in the middle of its writes.
 */

const plant = parse(
  Plant,
  JSON.parse(readFileSync(new URL("../seeds/case-a-automotive.json", import.meta.url), "utf8")),
  "plant",
);
const dir = mkdtempSync(join(tmpdir(), "moldtwin-faults-"));
const PORT = 48_660 + (Number(process.env.VITEST_POOL_ID ?? 0) % 20) * 2;
const PRESSES = ["a03", "a14"];

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 30_000): Promise<void> => {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
};

/** A TCP proxy that can cut the line: all open connections dropped, new ones refused, for `ms`. */
function lineProxy(listenPort: number, targetPort: number): Promise<{ cut(ms: number): Promise<void>; close(): void }> {
  const sockets = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, "127.0.0.1");
    sockets.add(client).add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream).pipe(client);
  });
  return new Promise((resolve) => {
    server.listen(listenPort, "127.0.0.1", () =>
      resolve({
        async cut(ms) {
          down = true;
          for (const s of sockets) s.destroy();
          await new Promise((r) => setTimeout(r, ms));
          down = false;
        },
        close() {
          for (const s of sockets) s.destroy();
          server.close();
        },
      }),
    );
  });
}

describe("a network cut between the cell and ingest", () => {
  let cell: SimCell;
  let store: HistoryStore;
  let ingest: Ingest;
  let proxy: Awaited<ReturnType<typeof lineProxy>>;

  beforeAll(async () => {
    cell = await startSimCell({
      plant,
      port: PORT,
      presses: PRESSES,
      timeScale: 0.02,
      signalPeriodMs: 200,
      pkiDir: join(dir, "pki-server"),
    });
    proxy = await lineProxy(PORT + 1, PORT);
    store = await openStore(join(dir, "history.duckdb"));
    ingest = await startIngest({
      endpoints: [`opc.tcp://localhost:${PORT + 1}/UA/moldtwin`],
      sink: store,
      pkiDir: join(dir, "pki-client"),
    });
  }, 60_000);

  afterAll(async () => {
    await ingest?.stop();
    proxy?.close();
    await cell?.stop();
    await store?.close();
  });

  it("loses no cycle: every counter from first to last is stored or inside a reported gap", async () => {
    await until("cycles before the cut", async () => {
      await ingest.flush();
      return (await Promise.all(PRESSES.map((p) => store.cycles(p, 0, Date.now() + 1000)))).every((c) => c.length >= 5);
    });
    const before = ingest.stats().reconnections;
    await proxy.cut(3000); // ≈ 20 cycles per press at this time scale
    await until("reconnection", () => ingest.stats().reconnections > before, 60_000);
    const counts = async (): Promise<number[]> =>
      (await Promise.all(PRESSES.map((p) => store.cycles(p, 0, Date.now() + 1000)))).map((c) => c.length);
    const after = await counts();
    await until("cycles after the cut", async () => {
      await ingest.flush();
      return (await counts()).every((n, i) => n >= after[i]! + 5);
    });
    await ingest.flush();
    for (const press of PRESSES) {
      const cycles = await store.cycles(press, 0, Date.now() + 1000);
      const stored = new Set(cycles.map((c) => c.jobCycleCounter));
      expect(stored.size).toBe(cycles.length);
      const first = cycles[0]!.jobCycleCounter;
      const last = cycles[cycles.length - 1]!.jobCycleCounter;
      const missing = ingest
        .gaps()
        .filter((g) => g.press === press)
        .reduce((a, g) => a + g.missingCycles, 0);
      expect(stored.size + missing, press).toBe(last - first + 1);
    }
  }, 120_000);
});

describe("the history store when its writer is killed", () => {
  it("opens again with every acknowledged batch, no partial batch, and takes new writes", async () => {
    const file = join(dir, "crash.duckdb");
    const child = spawn(process.execPath, [new URL("./fixtures/storeWriter.ts", import.meta.url).pathname, file], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let acked = 0;
    child.stdout.on("data", (b: Buffer) => {
      for (const m of b.toString().matchAll(/acked (\d+)/g)) acked = Math.max(acked, Number(m[1]));
    });
    await until("20 acknowledged batches", () => acked >= 20 * 50, 60_000);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));

    const store = await openStore(file);
    try {
      const n = (await store.counts()).cycles!;
      expect(n).toBeGreaterThanOrEqual(acked); // nothing acknowledged is lost
      expect(n % 50).toBe(0); // a batch is all or nothing
      expect((await store.counts()).parts).toBe(4 * n);
      const cycles = await store.cycles("a01", 0, 2_000_000_000_000);
      expect(cycles.map((c) => c.jobCycleCounter)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect((await store.trace(`P-${n}-4`))?.cycle.jobCycleCounter).toBe(n);
      const next = { ...cycles[n - 1]!, jobCycleCounter: n + 1, sourceTimeMs: cycles[n - 1]!.sourceTimeMs + 7000 };
      expect(await store.writeCycles([{ ...next, partIds: [`P-${n + 1}-1`], cavityQuality: ["GOOD_PART"] }])).toEqual({
        written: 1,
        skipped: 0,
      });
    } finally {
      await store.close();
    }
  }, 90_000);
});

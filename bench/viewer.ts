/**
 * Viewer bench: is the 3D cell smooth with 50 presses?
 *
 * Builds a 50-press plant (Case A's presses repeated on a 10 × 5 grid), starts the whole service on it (simulated cell
 * at 10× speed, ingest, store, API, viewer), opens it in headless Chromium as the admin and measures:
 * - at rest with live data: WebGL frames and React renders of the scene per live message (frameloop "demand":
 *   frames only when something changes; live values through refs: the scene must not re-render per message);
 * - while orbiting (a mouse drag across the canvas): frame times p50 / p95 / max from requestAnimationFrame;
 * - draw calls and triangles per frame (instanced meshes keep draw calls flat in the press count);
 * - JS heap before and after 30 s of live updates.
 * Headless Chromium renders WebGL on SwiftShader (the CPU), on this 2-core machine shared with the service and the
 * simulated presses: frame times here are an upper bound of what a laptop GPU shows.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startService } from "../adapters/http/service.ts";
import { loadPlant } from "../adapters/plantFile.ts";

const PRESSES = 50;
const dir = mkdtempSync(join(tmpdir(), "moldtwin-viewer-bench-"));
const caseA = loadPlant();
const models = caseA.cells[0]!.presses;
const presses = Array.from({ length: PRESSES }, (_, i) => {
  const m = models[i % models.length]!;
  const id = `p${String(i + 1).padStart(2, "0")}`;
  return {
    ...m,
    id,
    name: id.toUpperCase(),
    position: { xM: (i % 10) * 6, yM: Math.floor(i / 10) * 9, rotationDeg: 0 },
  };
});
const plant = {
  ...caseA,
  id: "bench-50",
  name: "Bench — 50 presses",
  tenant: "bench-demo",
  cells: [
    {
      id: "bench-hall",
      name: "Bench hall",
      presses,
      conveyors: Array.from({ length: 5 }, (_, r) => ({
        id: `belt-${r + 1}`,
        from: { xM: -3, yM: r * 9 + 4.5, rotationDeg: 0 },
        to: { xM: 57, yM: r * 9 + 4.5, rotationDeg: 0 },
        widthM: 0.6,
      })),
    },
  ],
};
const plantFile = join(dir, "bench-50.json");
writeFileSync(plantFile, JSON.stringify(plant));

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

const svc = await startService({
  port: 0,
  stateDir: dir,
  plantFiles: [plantFile],
  opcuaBasePort: 0,
  timeScale: 0.1,
  signalPeriodMs: 1000,
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--enable-precise-memory-info",
  ],
});
try {
  const [width, height] = (process.env.VIEWPORT ?? "1400x850").split("x").map(Number) as [number, number];
  const page = await browser.newPage({ viewport: { width, height } });
  await page.goto(`${svc.url}#token=${svc.tokens.admin}`);
  // Page-side code as strings: this file is type-checked for Node, without the DOM library.
  await page.waitForFunction("(window.__moldtwin?.pressIds().length ?? 0) >= 50", undefined, { timeout: 60_000 });
  await page.waitForFunction("(window.__moldtwin?.stats().liveMessages ?? 0) >= 3", undefined, { timeout: 30_000 });

  type Stats = { sceneRenders: number; frames: number; drawCalls: number; triangles: number; liveMessages: number };
  const stats = (): Promise<Stats> => page.evaluate("window.__moldtwin.stats()");
  const heap = (): Promise<number> => page.evaluate("performance.memory?.usedJSHeapSize ?? 0");

  // At rest with live data.
  const heap0 = await heap();
  const s0 = await stats();
  await page.waitForTimeout(30_000);
  const s1 = await stats();
  const heap1 = await heap();
  const messages = s1.liveMessages - s0.liveMessages;

  // Orbiting: drag across the canvas while the page records frame intervals.
  const canvas = await page.locator("canvas").first().boundingBox();
  if (!canvas) throw new Error("no canvas");
  const frames = page.evaluate<number[]>(`new Promise((resolve) => {
    const out = [];
    let last = performance.now();
    const end = last + 5000;
    const step = (t) => {
      out.push(t - last);
      last = t;
      if (t < end) requestAnimationFrame(step);
      else resolve(out);
    };
    requestAnimationFrame(step);
  })`);
  const cx = canvas.x + canvas.width / 2;
  const cy = canvas.y + canvas.height / 2;
  await page.mouse.move(cx - 200, cy);
  await page.mouse.down();
  for (let i = 0; i <= 100; i++) {
    await page.mouse.move(cx - 200 + 4 * i, cy + 60 * Math.sin(i / 10));
    await page.waitForTimeout(40);
  }
  await page.mouse.up();
  const intervals = (await frames).slice(1);
  const s2 = await stats();

  console.log(
    `viewer bench: ${PRESSES} presses, ${width}×${height} px, Chromium ${browser.version()} on SwiftShader (CPU WebGL), 2 cores`,
  );
  console.log(
    `  at rest, 30 s of live data: ${messages} live messages → ${s1.frames - s0.frames} WebGL frames, ` +
      `${s1.sceneRenders - s0.sceneRenders} React renders of the scene`,
  );
  console.log(`  per frame: ${s2.drawCalls} draw calls, ${s2.triangles.toLocaleString("en")} triangles`);
  console.log(
    `  orbiting 5 s: ${intervals.length} frames, frame time p50 ${quantile(intervals, 0.5).toFixed(1)} ms, ` +
      `p95 ${quantile(intervals, 0.95).toFixed(1)} ms, max ${Math.max(...intervals).toFixed(1)} ms ` +
      `(${(1000 / quantile(intervals, 0.5)).toFixed(0)} fps at p50)`,
  );
  console.log(
    `  JS heap: ${(heap0 / 1e6).toFixed(1)} MB → ${(heap1 / 1e6).toFixed(1)} MB after 30 s of live data ` +
      `(${((heap1 - heap0) / Math.max(1, messages) / 1e3).toFixed(1)} kB per message, before GC)`,
  );
} finally {
  await browser.close();
  await svc.stop();
  rmSync(dir, { recursive: true, force: true });
}

import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Service, startService } from "../../adapters/http/service.ts";

/**
 * The viewer in a real browser against the real service: simulated Case A and Case B cells on OPC UA at 20× speed,
 * ingest, the API, and the viewer bundle built by Vite and served by the service. Headless Chromium renders WebGL2
 * through SwiftShader (ANGLE's CPU Vulkan backend), so this runs on machines without a GPU.
 *
 * Asserts: a WebGL2 context on the canvas; a canvas that is not blank (pixels of a screenshot of the scene alone);
 * a handful of draw calls for 20 presses (instancing); a click on a press in 3D (at its projected screen position)
 * and in the press list opens its panel, whose live values change within seconds, without re-rendering the scene;
 * a customer sees its own presses only and no cost or analysis tabs; nothing is loaded from outside the service.
 * Screenshots go to test/browser/screenshots/ (gitignored); their paths are printed.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SHOTS = join(import.meta.dirname, "screenshots");
const CASE_A = Array.from({ length: 20 }, (_, i) => `a${String(i + 1).padStart(2, "0")}`);
const CASE_B = Array.from({ length: 6 }, (_, i) => `b0${i + 1}`);
/** Scene background (Scene.tsx); a pixel further than this from it counts as drawn. */
const BACKGROUND = [0xe8, 0xed, 0xf2];

/** Chromium flags: root needs --no-sandbox; WebGL2 without a GPU through ANGLE on SwiftShader; no phoning home. */
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--use-angle=swiftshader",
  "--enable-unsafe-swiftshader",
  "--ignore-gpu-blocklist",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--no-first-run",
  "--no-default-browser-check",
];

const haveChromium = existsSync(CHROMIUM);
// CI installs Debian's chromium (.ci/run), so there a missing browser is a failure, not a skip. On a laptop without
// it the rest of the suite still runs, and this says how to get the browser tests too.
if (!haveChromium && process.env.CI) throw new Error(`no Chromium at ${CHROMIUM}: .ci/run installs Debian's chromium`);
if (!haveChromium) {
  console.warn(
    `viewer browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
}

let svc: Service;
let stateDir: string;
let browser: Browser;
const contexts: BrowserContext[] = [];
/** Every URL any page requested: all must be the service's own. */
const requested: string[] = [];
const shots: string[] = [];

async function openAs(tokenName: string): Promise<Page> {
  const token = svc.tokens[tokenName];
  if (!token) throw new Error(`no demo token ${tokenName}`);
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 }, deviceScaleFactor: 1 });
  contexts.push(context);
  const page = await context.newPage();
  page.on("request", (r) => requested.push(r.url()));
  page.on("pageerror", (e) => console.error(`[${tokenName}] page error: ${e.message}`));
  await page.goto(`${svc.url}#token=${encodeURIComponent(token)}`);
  await page.waitForSelector("[data-testid=cell-canvas] canvas", { timeout: 30_000 });
  // The scene has drawn, holds its presses, and live data has arrived.
  await page.waitForFunction(
    () => {
      const h = (globalThis as any).__moldtwin;
      return h && h.stats().frames > 0 && h.pressIds().length > 0 && h.stats().liveMessages > 0;
    },
    undefined,
    { timeout: 30_000 },
  );
  return page;
}

async function shot(page: Page, name: string, selector?: string): Promise<Buffer> {
  const path = join(SHOTS, name);
  const png = selector ? await page.locator(selector).screenshot({ path }) : await page.screenshot({ path });
  shots.push(path);
  return png;
}

const hook = <T>(page: Page, fn: string, arg?: unknown): Promise<T> =>
  page.evaluate(([f, a]) => (globalThis as any).__moldtwin[f as string](a), [fn, arg] as const) as Promise<T>;

const domPressIds = (page: Page): Promise<string[]> =>
  page.$$eval("[data-testid=press-list] [data-press-id]", (els) =>
    els.map((e) => (e as any).dataset.pressId as string),
  );

const tabIds = (page: Page): Promise<string[]> =>
  page.$$eval("[data-testid=tabs] [role=tab]", (els) => els.map((e) => String((e as any).dataset.testid).slice(4)));

describe.skipIf(!haveChromium)("viewer in headless Chromium", () => {
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    stateDir = mkdtempSync(join(tmpdir(), "moldtwin-viewer-"));
    const t0 = performance.now();
    svc = await startService({
      port: 0,
      stateDir,
      opcuaBasePort: 0,
      timeScale: 0.05,
      signalPeriodMs: 500,
      livePeriodMs: 500,
      viewer: true,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    console.log(`service and Chromium ${browser.version()} up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }, 180_000);

  // Each test's pages go when it ends: idle WebGL pages still cost the 2-core CI box CPU.
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close().catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await Promise.race([svc?.stop(), new Promise((r) => setTimeout(r, 15_000))]);
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    if (shots.length) console.log(`viewer screenshots:\n  ${shots.join("\n  ")}`);
  }, 60_000);

  it("renders the cell with WebGL2, not blank, in a few draw calls", async () => {
    const page = await openAs("admin");

    const gl = await page.evaluate(() => {
      const canvas = (globalThis as any).document.querySelector("[data-testid=cell-canvas] canvas");
      // The same context three.js created (a second getContext of the same type returns it).
      const ctx = canvas?.getContext("webgl2");
      const info = ctx?.getExtension("WEBGL_debug_renderer_info");
      return {
        webgl2: !!ctx && ctx instanceof (globalThis as any).WebGL2RenderingContext && !ctx.isContextLost(),
        version: ctx ? String(ctx.getParameter(ctx.VERSION)) : null,
        renderer: ctx && info ? String(ctx.getParameter(info.UNMASKED_RENDERER_WEBGL)) : null,
        width: canvas?.width ?? 0,
        height: canvas?.height ?? 0,
      };
    });
    console.log(`WebGL: ${gl.version} on ${gl.renderer}, canvas ${gl.width}×${gl.height}`);
    expect(gl.webgl2).toBe(true);
    expect(gl.version).toMatch(/^WebGL 2\.0/);
    expect(gl.width).toBeGreaterThan(300);

    // The scene holds the tenant-visible cell's presses: admin sees Case A's hall first.
    expect((await hook<string[]>(page, "pressIds")).sort()).toEqual(CASE_A);

    // Pixels of the scene alone (labels and overlays hidden), decoded by the browser from the screenshot.
    const style = await page.addStyleTag({
      content: ".labels, .legend, .stage-tools { visibility: hidden !important; }",
    });
    await page.waitForTimeout(100);
    const png = await shot(page, "cell-admin-canvas-only.png", "[data-testid=cell-canvas] canvas");
    await style.evaluate((el) => (el as any).remove());
    const pixels = await page.evaluate(
      async ([b64, bg]) => {
        const doc = (globalThis as any).document;
        const img = new (globalThis as any).Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const c = doc.createElement("canvas");
        c.width = img.width;
        c.height = img.height;
        const g = c.getContext("2d");
        g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data as Uint8ClampedArray;
        let drawn = 0;
        const buckets = new Set<number>();
        for (let i = 0; i < d.length; i += 4) {
          const dist = Math.abs(d[i]! - bg[0]!) + Math.abs(d[i + 1]! - bg[1]!) + Math.abs(d[i + 2]! - bg[2]!);
          if (dist > 30) drawn++;
          buckets.add(((d[i]! >> 5) << 6) | ((d[i + 1]! >> 5) << 3) | (d[i + 2]! >> 5));
        }
        return { total: d.length / 4, drawn, colours: buckets.size };
      },
      [png.toString("base64"), BACKGROUND] as const,
    );
    console.log(
      `canvas: ${pixels.drawn}/${pixels.total} pixels drawn (${((100 * pixels.drawn) / pixels.total).toFixed(1)} %), ${pixels.colours} colour buckets`,
    );
    expect(pixels.drawn / pixels.total).toBeGreaterThan(0.1);
    expect(pixels.colours).toBeGreaterThan(8);

    await shot(page, "cell-admin.png");
    // InstancedMesh: 20 presses with robots and TCUs in a few draw calls, not hundreds.
    const stats = await hook<{ drawCalls: number; triangles: number }>(page, "stats");
    console.log(`last frame: ${stats.drawCalls} draw calls, ${stats.triangles} triangles`);
    expect(stats.drawCalls).toBeGreaterThan(5);
    expect(stats.drawCalls).toBeLessThan(40);

    // Every tab for the admin.
    expect(await tabIds(page)).toEqual(["cell", "window", "reliability", "contract", "portal"]);
  }, 90_000);

  it("opens a press's panel from a 3D click and from the list, with live values that change", async () => {
    const page = await openAs("admin");

    // 3D: click where the press is drawn; the scene's raycast picks it.
    const pos = await hook<{ x: number; y: number } | null>(page, "pressScreenPosition", "a05");
    expect(pos).not.toBeNull();
    await page.mouse.click(pos!.x, pos!.y);
    await page.waitForSelector("[data-testid=press-panel][data-press-id=a05]", { timeout: 10_000 });
    expect(await hook<string | null>(page, "selectedPress")).toBe("a05");

    // The accessible list selects the same way.
    await page.click("[data-testid=press-item-a13]");
    const panel = page.locator("[data-testid=press-panel][data-press-id=a13]");
    await panel.waitFor({ timeout: 10_000 });
    await expect
      .poll(() => page.locator("[data-testid=panel-components] tbody tr").count(), { timeout: 30_000 })
      .toBeGreaterThan(0);

    const read = () =>
      page.evaluate(() => {
        const doc = (globalThis as any).document;
        const t = (id: string): string => doc.querySelector(`[data-testid=${id}]`)?.textContent ?? "";
        const points = (id: string): number =>
          Number(doc.querySelector(`[data-testid=${id}]`)?.getAttribute("data-points") ?? 0);
        return {
          status: t("panel-status"),
          updated: t("panel-updated"),
          good: t("panel-good-parts"),
          lastCycle: t("panel-last-cycle"),
          cycleTime: t("panel-cycle-time"),
          peak: t("panel-peak-pressure"),
          pressurePoints: points("spark-peak-pressure"),
          cyclePoints: points("spark-cycle-time"),
        };
      });
    // The press produces once the simulated cell is running (20× speed: a cycle every ~0.5 s).
    await expect.poll(async () => (await read()).lastCycle, { timeout: 60_000, interval: 500 }).not.toBe("–");
    const before = await read();
    const statsBefore = await hook<{ sceneRenders: number; liveMessages: number }>(page, "stats");
    await page.waitForTimeout(3000);
    const after = await read();
    const statsAfter = await hook<{ sceneRenders: number; liveMessages: number }>(page, "stats");
    console.log(`panel a13 before ${JSON.stringify(before)}\n          after  ${JSON.stringify(after)}`);
    expect(after.updated).not.toBe(before.updated);
    expect(after.good !== before.good || after.lastCycle !== before.lastCycle).toBe(true);
    expect(after.cyclePoints).toBeGreaterThan(0);
    expect(after.pressurePoints).toBeGreaterThan(0);
    expect(after.cycleTime).toMatch(/\d s$/);
    expect(after.peak).toMatch(/\d bar$/);
    // Live messages flowed (≥ 4 in 3 s at 500 ms) and re-rendered no React tree of the scene.
    expect(statsAfter.liveMessages - statsBefore.liveMessages).toBeGreaterThanOrEqual(4);
    expect(statsAfter.sceneRenders).toBe(statsBefore.sceneRenders);
    await shot(page, "press-panel-a13.png");
  }, 120_000);

  it("signs in with the token form; a bad token is refused; the token leaves the address bar", async () => {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on("request", (r) => requested.push(r.url()));
    await page.goto(svc.url);
    await page.fill("[data-testid=login-token]", "mt_not-a-token");
    await page.click("[data-testid=login-form] button[type=submit]");
    await page.waitForSelector("[data-testid=login-error]", { timeout: 10_000 });
    await page.fill("[data-testid=login-token]", svc.tokens.reliability!);
    await page.click("[data-testid=login-form] button[type=submit]");
    await page.waitForSelector("[data-testid=cell-canvas] canvas", { timeout: 30_000 });
    expect(await page.getAttribute("[data-testid=who]", "data-role")).toBe("reliability");
    expect(await tabIds(page)).toEqual(["cell", "reliability"]);
    // Kept for this tab only; a #token=… link is consumed and removed from the address.
    expect(await page.evaluate(() => (globalThis as any).sessionStorage.getItem("moldtwin.token"))).toBe(
      svc.tokens.reliability,
    );
    const linked = await openAs("sales");
    expect(linked.url()).not.toContain("token=");
    expect(await tabIds(linked)).toContain("contract");
  }, 90_000);

  it("shows a customer its own presses only, and no cost or analysis tabs", async () => {
    for (const [name, own, other, cell] of [
      ["customer-autoparts", CASE_A, CASE_B, "hall-1"],
      ["customer-medtech", CASE_B, CASE_A, "cleanroom-1"],
    ] as const) {
      const page = await openAs(name);
      expect(await page.getAttribute("[data-testid=who]", "data-role")).toBe("customer");
      expect((await hook<string[]>(page, "pressIds")).sort()).toEqual([...own]);
      expect((await domPressIds(page)).sort()).toEqual([...own]);
      // Nowhere in the page: not in the scene, not in the list, not in a label.
      const ids = await page.$$eval("[data-press-id]", (els) => els.map((e) => (e as any).dataset.pressId as string));
      for (const id of other) expect(ids).not.toContain(id);
      expect(await page.locator("[data-testid=cell-select]").count()).toBe(0);
      expect(await tabIds(page)).toEqual(["cell", "portal"]);
      await shot(page, `cell-${name}.png`);

      await page.click("[data-testid=tab-portal]");
      await page.waitForSelector(`[data-testid=portal-cell-${cell}]`, { timeout: 15_000 });
      expect(await page.locator("[data-testid^=portal-cell-]").count()).toBe(1);
      const text = await page.locator("[data-testid=portal]").innerText();
      expect(text).toMatch(/Availability/);
      expect(text).not.toMatch(/€|EUR|cost|margin|price/i);
      await shot(page, `portal-${name}.png`);
    }
  }, 90_000);

  it("lets a process engineer run a window and draws its molding-area diagram", async () => {
    const page = await openAs("process-engineer");
    expect(await tabIds(page)).toEqual(["cell", "window"]);
    await page.click("[data-testid=tab-window]");
    await page.selectOption("[data-testid=scenario-window]", "clip-window");
    await page.click("[data-testid=run-window] button.primary");
    const diagram = page.locator("[data-testid=area-diagram]");
    await diagram.waitFor({ timeout: 90_000 });
    expect(await page.getAttribute("[data-testid=progress-window]", "data-status")).toBe("done");
    expect(await diagram.getAttribute("data-feasible")).toBe("true");
    expect(Number(await diagram.getAttribute("data-cells"))).toBeGreaterThan(100);
    await shot(page, "process-window.png");
  }, 120_000);

  it("loaded nothing from outside the service", () => {
    const foreign = requested.filter((u) => !u.startsWith(svc.url) && !/^(data|blob):/.test(u));
    expect(requested.length).toBeGreaterThan(0);
    expect(foreign).toEqual([]);
  });
});

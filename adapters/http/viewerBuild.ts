import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * Builds the browser viewer (viewer/) with Vite's JS API when its bundle is missing or older than its sources, so
 * `npm start` serves a current viewer without a separate build step. Vite is imported lazily: the CLI and the
 * tests that never serve the viewer do not load it.
 */

const VIEWER_DIR = resolve(import.meta.dirname, "../../viewer");

export function viewerDir(): string {
  return VIEWER_DIR;
}

export function viewerDistDir(): string {
  return join(VIEWER_DIR, "dist");
}

/** Newest modification time (ms) of a file or of every file below a directory. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/** The inputs whose change means a rebuild: the app source, the page and the build config. */
function sourcesMtime(): number {
  return Math.max(
    newestMtime(join(VIEWER_DIR, "src")),
    newestMtime(join(VIEWER_DIR, "index.html")),
    newestMtime(join(VIEWER_DIR, "vite.config.ts")),
  );
}

/** True when dist/index.html is missing or older than any source. */
export function viewerBuildStale(): boolean {
  const index = join(viewerDistDir(), "index.html");
  if (!existsSync(index)) return true;
  return statSync(index).mtimeMs < sourcesMtime();
}

let pending: Promise<string> | null = null;

/**
 * Builds viewer/dist if it is missing or stale (or `force`), and returns its path. Concurrent callers share one
 * build. `log` gets one line when a build starts and one when it ends (with its duration).
 */
export async function ensureViewerBuilt(
  options: { force?: boolean; log?: (line: string) => void } = {},
): Promise<string> {
  const dist = viewerDistDir();
  if (!options.force && !viewerBuildStale()) return dist;
  if (pending) return pending;
  pending = (async () => {
    const log = options.log ?? (() => undefined);
    const t0 = performance.now();
    log("building the viewer (vite) …");
    const { build } = await import("vite");
    await build({
      root: VIEWER_DIR,
      configFile: join(VIEWER_DIR, "vite.config.ts"),
      logLevel: "warn",
      mode: "production",
    });
    log(`viewer built in ${((performance.now() - t0) / 1000).toFixed(1)} s → ${dist}`);
    return dist;
  })();
  try {
    return await pending;
  } finally {
    pending = null;
  }
}

import { defineConfig } from "vite";

/**
 * The viewer's build. The root is this directory (adapters/http/viewerBuild.ts passes it explicitly; `npx vite
 * viewer` does too). JSX goes through Vite 8's built-in oxc transform with the automatic runtime — no React plugin.
 * Relative asset URLs (`base: "./"`) so the bundle works wherever the service mounts it.
 */
export default defineConfig(({ command }) => ({
  base: "./",
  // A build is a production build whatever NODE_ENV the caller runs under (vitest sets "test", which would otherwise
  // bundle React's development build and the dev JSX runtime: +30 % size, slower).
  oxc: { jsx: { runtime: "automatic", importSource: "react", development: command === "serve" } },
  define: command === "build" ? { "process.env.NODE_ENV": JSON.stringify("production") } : {},
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    // three + react-dom + fiber are one ~1 MB app chunk; say so rather than warn.
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
  server: {
    // `npx vite viewer` during development: the API runs on the service (npm start).
    proxy: { "/api": "http://localhost:8080" },
  },
}));

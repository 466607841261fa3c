import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "engine/**/*.test.ts",
      "twin-models/**/*.test.ts",
      "adapters/**/*.test.ts",
      "test/**/*.test.ts",
      "seeds/**/*.test.ts",
    ],
    // Property tests run many shots; keep the default timeout generous but finite.
    testTimeout: 60_000,
    pool: "threads",
  },
});

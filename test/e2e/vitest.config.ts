// End-to-end tests: Playwright (playwright-core, Debian's Chromium) against the
// same processes `npm start` runs, started once on free ports by global-setup.ts.
// Run `npm run build` first (npm test does): the worker serves dist/widget.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/e2e/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});

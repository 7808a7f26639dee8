// Tests that run in plain Node: the host-backend SDK (`ninjaone-settings/server`) and the
// project's own scripts.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: new URL("../..", import.meta.url).pathname,
    include: ["test/node/**/*.test.ts"],
    environment: "node",
    testTimeout: 20_000,
  },
});

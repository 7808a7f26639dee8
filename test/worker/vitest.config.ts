import { workerSuite } from "./config-for";

export default workerSuite({
  include: ["test/worker/**/*.test.ts", "test/ninjaone-stand-in/**/*.test.ts"],
  // with NINJAONE_WEBHOOKS=on: their own suite (vitest.webhooks.config.ts)
  exclude: ["test/worker/webhooks/**"],
});

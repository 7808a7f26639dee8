// The worker with NINJAONE_WEBHOOKS=on: every connect registers a webhook, so these tests
// get a worker of their own rather than changing what every other test sees.
import { workerSuite } from "./config-for";

export default workerSuite({
  include: ["test/worker/webhooks/**/*.test.ts"],
  bindings: { NINJAONE_WEBHOOKS: "on" },
});

import type { Env as WorkerEnv } from "../../worker/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TENANT_TOKEN_SECRET: string;
      ENCRYPTION_KEYS: string;
      ENCRYPTION_KEY_ID: string;
      EVENTS_URL: string;
      EVENTS_SIGNING_SECRET: string;
      NINJAONE_TIMEOUT_MS: string;
    }
    /** Types `exports.default` (from cloudflare:workers) as the worker under test. */
    interface GlobalProps {
      mainModule: typeof import("../../worker/index");
      durableNamespaces: "TenantVault";
    }
  }
}

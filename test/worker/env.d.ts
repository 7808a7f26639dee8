import type { Env as WorkerEnv } from "../../worker/env";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TENANT_TOKEN_SECRET: string;
      ENCRYPTION_KEYS: string;
      ENCRYPTION_KEY_ID: string;
    }
  }
}

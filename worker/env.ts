import type { ConnectionEvent } from "../contract";
import type { TenantVault } from "./tenant-vault";

/** Bindings and variables of the worker, as wrangler.toml and the secrets define them. */
export interface Env {
  NINJAONE_KV: KVNamespace;
  TENANT_VAULT: DurableObjectNamespace<TenantVault>;
  TENANT_TOKEN_SECRET?: string;
  ENCRYPTION_KEYS?: string;
  ENCRYPTION_KEY_ID?: string;
  ALLOWED_ORIGINS?: string;
  APP_BASE_URL?: string;
  NINJAONE_REGIONS?: string;
  NINJAONE_SCOPES?: string;
  NINJAONE_KEEPALIVE_HOURS?: string;
  NINJAONE_TIMEOUT_MS?: string;
  EVENTS_URL?: string;
  EVENTS_SIGNING_SECRET?: string;
  EVENTS_RETRY_DELAY_SECONDS?: string;
  EVENTS_QUEUE?: Queue<ConnectionEvent>;
  NINJAONE_WEBHOOKS?: string;
  NINJAONE_WEBHOOK_ACTIVITIES?: string;
}

import type { TenantVault } from "./tenant-vault";

/** Bindings and variables of the worker, as wrangler.toml and the secrets define them. */
export interface Env {
  NINJAONE_KV: KVNamespace;
  TENANT_VAULT: DurableObjectNamespace<TenantVault>;
  ASSETS?: Fetcher;
  TENANT_TOKEN_SECRET?: string;
  ENCRYPTION_KEYS?: string;
  ENCRYPTION_KEY_ID?: string;
  ALLOWED_ORIGINS?: string;
  APP_BASE_URL?: string;
  NINJAONE_REGIONS?: string;
  NINJAONE_SCOPES?: string;
}

import type { Env } from "./env";

/** The tenant's Durable Object. The tenant id is the object's name, so one tenant can never reach another's. */
export function vaultFor(env: Env, tenant: string) {
  return env.TENANT_VAULT.get(env.TENANT_VAULT.idFromName(tenant));
}

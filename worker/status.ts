import type { Config } from "./config";
import type { ConnectionSummary, TenantRecord } from "./store";

export { API_BASE_PATH } from "../contract";
import { API_BASE_PATH } from "../contract";

/** `{APP_BASE_URL or the request origin}/api/integrations/ninjaone/callback` */
export function redirectUriFor(config: Config, requestUrl: string): string {
  return `${config.appBaseUrl ?? new URL(requestUrl).origin}${API_BASE_PATH}/callback`;
}

/** The public view of a tenant record: never the secret or a token. */
export function toStatus(record: TenantRecord, config: Config, requestUrl: string) {
  const { credentials, connection } = record;
  return {
    redirectUri: redirectUriFor(config, requestUrl),
    regions: config.regions,
    credentials: credentials && {
      region: credentials.region,
      clientId: credentials.clientId,
      secretLast4: credentials.secretLast4,
      updatedAt: credentials.updatedAt,
      ...(credentials.updatedBy ? { updatedBy: credentials.updatedBy } : {}),
    },
    connection: connection ? publicConnection(connection) : { status: "not_connected" as const },
  };
}

/** The fields `/status` shows, picked one by one: records of the first release also hold `expiresAt`. */
function publicConnection(connection: ConnectionSummary) {
  const { status, connectedAt, scopes, lastCheck, webhooks } = connection;
  return { status, connectedAt, scopes, ...(lastCheck ? { lastCheck } : {}), ...(webhooks ? { webhooks } : {}) };
}

/** Show the last four characters only of a secret long enough that they give little away. */
export function secretLast4(secret: string): string {
  return secret.length >= 12 ? secret.slice(-4) : "";
}

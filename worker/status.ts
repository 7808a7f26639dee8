import type { Config } from "./config";
import type { TenantRecord } from "./store";

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
    connection: connection
      ? { status: connection.status, connectedAt: connection.connectedAt, expiresAt: connection.expiresAt, scopes: connection.scopes }
      : { status: "not_connected" as const },
  };
}

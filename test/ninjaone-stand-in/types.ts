// The stand-in's public types. stand-in.ts re-exports all of them.
import type { Hono } from "hono";

export interface StandInClient {
  clientId: string;
  clientSecret: string;
  /** Exact strings: NinjaOne compares redirect URIs character by character. */
  redirectUris: string[];
  /** Scopes the client app may request, a subset of monitoring management control offline_access. */
  scopes: string[];
  /** Shown on the consent page, like the client app name in NinjaOne. */
  name?: string;
  /**
   * Whether the client app has NinjaOne's Monitoring scope ticked, as far as the API
   * is concerned (default: `scopes` includes "monitoring"). Without it the monitoring
   * API routes answer 403. Changeable at runtime with setClientOptions.
   */
  monitoring?: boolean;
  /** Whether the app acts as a system administrator: only those may configure webhooks (default true). */
  systemAdmin?: boolean;
}

export interface ClientOptions {
  monitoring: boolean;
  systemAdmin: boolean;
}

/** How GET /v2/activities orders a page: NinjaOne's own order within a page is undocumented. */
export type ActivityOrder = "oldest_first" | "newest_first";

/** What can be changed at runtime with configure() or POST /__stand-in/config. */
export interface StandInSettings {
  /** Lifetime of access tokens issued from now on (expires_in). */
  accessTokenTtlSeconds: number;
  /** A refresh token not used for this long is dead; null: refresh tokens never die of age. */
  refreshTokenIdleSeconds: number | null;
  activityOrder: ActivityOrder;
}

export interface StandInOptions extends Partial<StandInSettings> {
  clients: StandInClient[];
  /** ms clock, injectable for expiry tests (default Date.now). */
  now?: () => number;
  /** default 600 */
  codeTtlSeconds?: number;
  /** default true: NinjaOne may leave `scope` out of refresh responses. */
  omitScopeOnRefresh?: boolean;
  /** Sends webhook deliveries (default: the global fetch, looked up at call time so test spies apply). */
  deliver?: (request: Request) => Promise<Response>;
}

export type TokenFailure = "server_error" | "malformed" | "rate_limited" | "slow" | "invalid_json_shape" | "invalid_token";
export type ApiFailure = "rate_limited" | "server_error";

export interface FailureOptions {
  /** Retry-After of a 429, in seconds (default 30); null sends no Retry-After header. */
  retryAfterSeconds?: number | null;
}

export interface StandInStats {
  /** Every request that reached POST /ws/oauth/token, failed or not. */
  tokenRequests: number;
  /** Successful authorization_code exchanges. */
  codeGrants: number;
  /** Successful refresh_token exchanges. */
  refreshGrants: number;
  /** Authenticated revoke requests (answered 200). */
  revocations: number;
  /** Every request under /v2/ or /api/v2/, failed or not. */
  apiRequests: number;
  /** Webhook configurations stored (PUT /v2/webhook answered 204). */
  webhookPuts: number;
  /** Webhook removals answered 204. */
  webhookDeletes: number;
  /** Webhook deliveries sent (whatever the receiver answered). */
  deliveries: number;
}

/** One API request as it arrived, so tests can check what a proxy forwarded. */
export interface RecordedApiRequest {
  method: string;
  path: string;
  /** The query string with its "?", or "". */
  search: string;
  /** Every header that arrived, names in lower case. */
  headers: Record<string, string>;
  /** What the Authorization header held: a bearer token that is valid right now, anything else, or nothing. */
  authorization: "valid_bearer" | "invalid_bearer" | "other" | "none";
  body?: string;
}

export interface WebhookHeader {
  name: string;
  value: string;
}

/** A client app's webhook configuration, as PUT /v2/webhook stored it. */
export interface WebhookConfig {
  url: string;
  activities?: Record<string, string[]>;
  expand?: string[];
  headers?: WebhookHeader[];
  organizationIds?: number[];
}

/** An activity, shaped like NinjaOne's (API v2 `Activity`). */
export interface Activity {
  id: number;
  /** Epoch seconds (NinjaOne sends a double). */
  activityTime: number;
  deviceId: number | null;
  severity: string;
  priority: string;
  seriesUid: string;
  activityType: string;
  statusCode: string;
  status: string;
  activityResult: string;
  sourceConfigUid: string;
  sourceName: string;
  subject: string;
  userId: number | null;
  message: string;
  type: string;
  data: Record<string, unknown>;
}

/** What an activity may be given when emitted: everything but the id, which the stand-in assigns. */
export type ActivityFields = Partial<Omit<Activity, "id">>;

export type DeliveryResult =
  | { delivered: true; status: number }
  | { delivered: false; reason: "not_requested" | "no_webhook" | "organization_filter" }
  | { delivered: false; reason: "error"; error: string };

export interface EmitResult {
  activity: Activity;
  delivery: DeliveryResult;
}

export interface StandIn {
  fetch(request: Request): Promise<Response>;
  app: Hono;
  /**
   * The next `count` (default 1) token requests fail as `kind`, before the request is looked at
   * (nothing is consumed); "slow" waits `delayMs` (default 2000) then answers normally.
   */
  failNextTokenRequests(kind: TokenFailure, count?: number, delayMs?: number, options?: FailureOptions): void;
  /** The next `count` (default 1) API requests answer 429 (with Retry-After) or 500. */
  failNextApiRequests(kind: ApiFailure, count?: number, options?: FailureOptions): void;
  stats(): StandInStats;
  isAccessTokenValid(token: string): boolean;
  addClient(client: StandInClient): void;
  /** Changes token lifetimes (and the activity page order) from now on; answers the resulting settings. */
  configure(changes: Partial<StandInSettings>): StandInSettings;
  settings(): StandInSettings;
  /** What an admin removing the app's access does: every token and code of the client dies. Answers how many grants died. */
  revokeGrants(clientId: string): number;
  setClientOptions(clientId: string, changes: Partial<ClientOptions>): ClientOptions;
  webhookOf(clientId: string): WebhookConfig | undefined;
  /** Appends an activity to the client's log and, unless `deliver` is false, POSTs it to the client's webhook. */
  emitActivity(clientId: string, options?: { deliver?: boolean; activity?: ActivityFields }): Promise<EmitResult>;
  /** Delivers an activity already in the log again, same id (NinjaOne's retries are undocumented: receivers dedup by id). */
  redeliverActivity(clientId: string, activityId: number): Promise<EmitResult>;
  activitiesOf(clientId: string): Activity[];
  lastApiRequest(): RecordedApiRequest | undefined;
}

/**
 * The wire contract between the worker, the widget and the host-backend SDK (the README's "HTTP API" and "The widget"), in one
 * place. Everything here is a type, or a constant small enough to cost nothing in a bundle: the
 * worker, the widget and `ninjaone-settings/server` import it, so `tsc` catches any drift.
 */

/** All routes live under this path of the worker's origin. */
export const API_BASE_PATH = "/api/integrations/ninjaone";

/** How long a connect flow (and its `state`) lives on the worker. */
export const FLOW_LIFETIME_MS = 10 * 60 * 1000;

/** Audiences of tenant tokens: the widget's, and the host backend's server-to-server one. */
export type Audience = "ninjaone-settings" | "ninjaone-api";

/** `perm` claim of a tenant token; absent means `manage`. */
export type Permission = "manage" | "read";

/** Error codes of the HTTP API, with their status in the comment. */
export type ApiErrorCode =
  | "unauthorized" // 401
  | "forbidden" // 403
  | "invalid_request" // 400 (415 for a wrong content type)
  | "not_found" // 404
  | "payload_too_large" // 413
  | "not_connected" // 409
  | "reconnect_required" // 409
  | "credentials_rejected" // 409
  | "storage_unavailable" // 503
  | "ninjaone_unreachable" // 503
  | "misconfigured" // 503
  | "internal"; // 500

/** Codes that end an OAuth flow (popup message, or `?ninjaone_error=` after a redirect). */
export type FlowErrorCode =
  | "credentials_not_configured"
  | "invalid_state"
  | "state_expired"
  | "access_denied"
  | "redirect_uri_mismatch"
  | "ninjaone_error"
  | "token_exchange_failed"
  | "ninjaone_unreachable"
  | "storage_unavailable";

export interface Region {
  id: string;
  label: string;
  baseUrl: string;
}

/** Body of `PUT /credentials`. */
export interface CredentialsInput {
  region: string;
  clientId: string;
  /** Left out to keep the stored secret (same region and client id only). */
  clientSecret?: string;
}

export interface SavedCredentials {
  region: string;
  clientId: string;
  /** The secret's last four characters, or "" when it is shorter than 12 characters. */
  secretLast4: string;
  updatedAt: string;
  updatedBy?: string;
}

export type ConnectionStatus = "not_connected" | "connected" | "reconnect_required" | "credentials_rejected";

/** Why the last connection check failed. */
export type CheckError = "unauthorized" | "scope_missing" | "ninjaone_unreachable" | "ninjaone_error";

export interface LastCheck {
  at: string;
  ok: boolean;
  error?: CheckError;
}

export interface WebhooksStatus {
  status: "registered" | "pending" | "not_permitted";
  at?: string;
}

export interface Connection {
  status: ConnectionStatus;
  connectedAt?: string;
  scopes?: string[];
  lastCheck?: LastCheck;
  webhooks?: WebhooksStatus;
}

/** What `GET /status`, `PUT /credentials`, `POST /check` and `POST /disconnect` answer. */
export interface Status {
  redirectUri: string;
  regions: Region[];
  credentials: SavedCredentials | null;
  connection: Connection;
}

/** What `POST /token` answers. */
export interface AccessTokenResponse {
  accessToken: string;
  tokenType: "Bearer";
  expiresAt: string;
  region: string;
  /** The region's base URL; callers append `/v2/...`. */
  apiBaseUrl: string;
}

/** Every JSON error answer. */
export interface ErrorBody {
  error: ApiErrorCode;
  message: string;
  fields?: Record<string, string>;
}

export type EventType =
  | "credentials.saved"
  | "connection.connected"
  | "connection.reconnect_required"
  | "connection.credentials_rejected"
  | "connection.check_failed"
  | "connection.disconnected"
  | "ninjaone.activity";

/** A connection event, as kept in the audit trail and POSTed (signed) to `EVENTS_URL`. */
export interface ConnectionEvent {
  /** Unique, and the same on every delivery attempt: receivers dedup by it. */
  id: string;
  type: EventType;
  tenant: string;
  occurredAt: string;
  /** The `sub` of the tenant token that caused it, when a person did. */
  actor?: string;
  data: Record<string, unknown>;
}

/** What `GET /events` answers. */
export interface EventsPage {
  events: ConnectionEvent[];
  /** Pass as `?cursor=` for the next (older) page; absent on the last page. */
  nextCursor?: string;
}

/** The header that carries an event's signature. */
export const SIGNATURE_HEADER = "NinjaOne-Settings-Signature";

/** What `POST /launch-ticket` answers: redirect mode opens `{API}/launch?ticket=<ticket>` with it. */
export interface LaunchTicket {
  ticket: string;
  /** ISO 8601; the ticket is also single-use. */
  expiresAt: string;
}

/**
 * The `postMessage` messages between the widget and the worker's popup pages. Each is sent to one
 * exact target origin and accepted only from the expected window at the expected origin.
 */
export type PopupMessage =
  /** launch page → its opener, at the allowed host origin it was opened for */
  | { type: "ninjaone:launch-ready" }
  /** widget → its popup, at the worker's origin */
  | { type: "ninjaone:launch-token"; token: string; returnTo: string }
  /** result page → its opener, at the origin of the flow's return URL */
  | { type: "ninjaone:connect-result"; ok: true }
  | { type: "ninjaone:connect-result"; ok: false; error: string };

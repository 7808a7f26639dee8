import type { ContentfulStatusCode } from "hono/utils/http-status";

/** Error codes of the HTTP API (CONTRACT.md). */
export type ApiErrorCode =
  | "unauthorized"
  | "forbidden"
  | "invalid_request"
  | "not_found"
  | "payload_too_large"
  | "not_connected"
  | "reconnect_required"
  | "storage_unavailable"
  | "ninjaone_unreachable"
  | "misconfigured"
  | "internal";

/** Codes that end an OAuth flow (CONTRACT.md). */
export type FlowErrorCode =
  | "credentials_not_configured"
  | "invalid_state"
  | "state_expired"
  | "access_denied"
  | "redirect_uri_mismatch"
  | "ninjaone_error"
  | "token_exchange_failed"
  | "ninjaone_unreachable";

const API_ERRORS: Record<ApiErrorCode, [ContentfulStatusCode, string]> = {
  unauthorized: [401, "A valid tenant token is required."],
  forbidden: [403, "This request is not allowed."],
  invalid_request: [400, "The request is not valid."],
  not_found: [404, "There is nothing here."],
  payload_too_large: [413, "The request body is too large."],
  not_connected: [409, "This tenant has not connected NinjaOne."],
  reconnect_required: [409, "NinjaOne no longer accepts this connection; reconnect it."],
  storage_unavailable: [503, "Storage is unavailable; try again shortly."],
  ninjaone_unreachable: [503, "NinjaOne could not be reached; try again shortly."],
  misconfigured: [503, "The integration is not configured correctly."],
  internal: [500, "Something went wrong."],
};

/**
 * An error answered as `{"error", "message", "fields"?}`. Messages are fixed
 * texts: they never echo the request, a secret or a token.
 */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ApiErrorCode,
    options: { message?: string; status?: ContentfulStatusCode; fields?: Record<string, string> } = {},
  ) {
    const [status, message] = API_ERRORS[code];
    super(options.message ?? message);
    this.status = options.status ?? status;
    this.fields = options.fields;
  }
  readonly fields: Record<string, string> | undefined;

  toJSON() {
    return { error: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) };
  }
}

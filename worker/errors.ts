import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ApiErrorCode } from "../contract";

export type { ApiErrorCode, FlowErrorCode } from "../contract";

const API_ERRORS: Record<ApiErrorCode, [ContentfulStatusCode, string]> = {
  unauthorized: [401, "A valid tenant token is required."],
  forbidden: [403, "This request is not allowed."],
  invalid_request: [400, "The request is not valid."],
  not_found: [404, "There is nothing here."],
  payload_too_large: [413, "The request body is too large."],
  not_connected: [409, "This tenant has not connected NinjaOne."],
  reconnect_required: [409, "NinjaOne no longer accepts this connection; reconnect it."],
  credentials_rejected: [409, "NinjaOne rejected the saved client secret; save the current one."],
  storage_unavailable: [503, "Storage is unavailable; try again shortly."],
  ninjaone_unreachable: [503, "NinjaOne could not be reached; try again shortly."],
  misconfigured: [503, "The integration is not configured correctly."],
  internal: [500, "Something went wrong."],
};

export const isApiErrorCode = (code: string): code is ApiErrorCode => Object.hasOwn(API_ERRORS, code);

/**
 * An error answered as `{"error", "message", "fields"?}`. Messages are fixed
 * texts: they never echo the request, a secret or a token.
 */
export class ApiError extends Error {
  readonly status: ContentfulStatusCode;
  readonly fields: Record<string, string> | undefined;
  /** Response headers that belong to this error (`WWW-Authenticate`, `Retry-After`). */
  readonly headers: Record<string, string>;
  constructor(
    readonly code: ApiErrorCode,
    options: { message?: string; status?: ContentfulStatusCode; fields?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    const [status, message] = API_ERRORS[code];
    super(options.message ?? message);
    this.status = options.status ?? status;
    this.fields = options.fields;
    this.headers = options.headers ?? {};
  }

  toJSON() {
    return { error: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) };
  }
}

/**
 * Settings the worker cannot run with: every problem found, each naming the setting and never its
 * value. Thrown by loadConfig (and parseRegions); the app's error handler logs it and answers
 * 503 `misconfigured`, the tenant vault's boundary answers the same code.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly problems: string[]) {
    super(`misconfigured: ${problems.join("; ")}`);
  }
}

import type { ApiErrorCode, ConnectionStatus } from "../contract/index.js";

/**
 * Codes the SDK adds to the worker's own (`ApiErrorCode`): `network_error` when no answer arrived,
 * `unexpected_response` when the answer was not what the worker sends (no JSON error body, say a
 * proxy's HTML error page, or a success without JSON).
 */
export type SdkErrorCode = "network_error" | "unexpected_response";

/** The 409 codes: every connection state but `connected`. */
export type ConnectionErrorCode = Exclude<ConnectionStatus, "connected">;

/**
 * Any failed call of {@link NinjaOneSettingsClient}. `message` is the worker's text for people (or
 * the SDK's own); it never contains a token.
 */
export class NinjaOneSettingsError extends Error {
  override name = "NinjaOneSettingsError";
  /** The worker's HTTP status; undefined when no answer arrived (`network_error`). */
  readonly status: number | undefined;
  /** The worker's `error` code (a newer worker may send codes this version does not list), or the SDK's own. */
  readonly code: ApiErrorCode | SdkErrorCode;
  /** Per-field problems of a 400 `invalid_request`, when the worker names them. */
  readonly fields: Record<string, string> | undefined;

  constructor(
    message: string,
    options: { status?: number; code: ApiErrorCode | SdkErrorCode; fields?: Record<string, string>; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status;
    this.code = options.code;
    this.fields = options.fields;
  }
}

/**
 * 409: the tenant's connection cannot be used until a person acts in the widget — connect
 * (`not_connected`), reconnect (`reconnect_required`) or save the current client secret
 * (`credentials_rejected`). Retrying will not help.
 */
export class NinjaOneConnectionError extends NinjaOneSettingsError {
  override name = "NinjaOneConnectionError";
  declare readonly code: ConnectionErrorCode;
}

/**
 * 503: try again later. `code` is `ninjaone_unreachable` or `storage_unavailable` for passing
 * trouble, `misconfigured` for a worker whose settings are wrong (retrying helps only once an
 * operator fixes them).
 */
export class NinjaOneUnavailableError extends NinjaOneSettingsError {
  override name = "NinjaOneUnavailableError";
  /** From the `Retry-After` header, when the worker sent one. */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    message: string,
    options: { code: ApiErrorCode | SdkErrorCode; retryAfterSeconds: number | undefined; cause?: unknown },
  ) {
    super(message, { status: 503, code: options.code, cause: options.cause });
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

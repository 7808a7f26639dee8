/**
 * The widget's client for the worker's JSON routes under /api/integrations/ninjaone.
 * Sends the widget token as a Bearer token; on a 401 asks the host once for a fresh
 * token (`getSessionToken`) and retries; a second 401 is `unauthorized`.
 */
import type { Status } from "../contract/index.js";
import { isErrorCode, type ErrorCode } from "./strings.js";

export type { Connection, CredentialsInput, LastCheck, Region, SavedCredentials, Status } from "../contract/index.js";
export { API_BASE_PATH } from "../contract/index.js";

/** A failed request, with one of the fixed codes. `fields` comes from a 400 `invalid_request`. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status = 0,
    readonly fields: Record<string, string> = {},
  ) {
    super(code);
    this.name = "ApiError";
  }
}

/** The code for an error answer without a known `error` code (e.g. from a proxy). */
const STATUS_CODES: Record<number, ErrorCode> = { 401: "unauthorized", 404: "not_found", 413: "payload_too_large" };

export interface TokenSource {
  /** The current widget token, if any. */
  token(): string | undefined;
  /** A fresh token from the host, or undefined when the host gave none (never throws). */
  refresh(): Promise<string | undefined>;
}

/**
 * One JSON request to a route of the worker (`url` is the route's full URL); most routes answer
 * the tenant's status. Throws an `ApiError`.
 */
export async function request<T = Status>(url: string, method: string, tokens: TokenSource, body?: object): Promise<T> {
  const send = async (token: string | undefined) => {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body) headers["Content-Type"] = "application/json";
    try {
      return await fetch(url, { method, headers, body: body && JSON.stringify(body), credentials: "omit", cache: "no-store" });
    } catch {
      throw new ApiError("network_error");
    }
  };
  let token = tokens.token() ?? (await tokens.refresh());
  let res = await send(token);
  if (res.status === 401 && (token = await tokens.refresh())) res = await send(token);
  // an empty or non-JSON body: the status code decides
  const data = (await res.json().catch(() => null)) as { error?: unknown; fields?: unknown } | null;
  if (res.ok && data && typeof data === "object") return data as T;
  const code = isErrorCode(data?.error) ? data.error : (STATUS_CODES[res.status] ?? "internal");
  // `{"<field>": "<problem>"}` from a 400 `invalid_request`; rendered as text, never as HTML
  throw new ApiError(code, res.status, Object(data?.fields) as Record<string, string>);
}

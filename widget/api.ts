/**
 * The widget's client for the worker's JSON routes under /api/integrations/ninjaone.
 * Sends the widget token as a Bearer token; on a 401 asks the host once for a fresh
 * token (`getSessionToken`) and retries; a second 401 is `unauthorized`.
 */
import { isErrorCode, type ErrorCode } from "./strings.js";

export interface Region {
  id: string;
  label: string;
  baseUrl: string;
}

export interface SavedCredentials {
  region: string;
  clientId: string;
  secretLast4: string;
  updatedAt: string;
  updatedBy?: string;
}

export interface Connection {
  status: "not_connected" | "connected" | "reconnect_required";
  connectedAt?: string;
  expiresAt?: string;
  scopes?: string[];
}

export interface Status {
  redirectUri: string;
  regions: Region[];
  credentials: SavedCredentials | null;
  connection: Connection;
}

export interface CredentialsInput {
  region: string;
  clientId: string;
  /** Left out to keep the stored secret (same region and client id only). */
  clientSecret?: string;
}

export const API_PATH = "/api/integrations/ninjaone";

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

const codeForStatus = (status: number): ErrorCode =>
  status === 401 ? "unauthorized" : status === 404 ? "not_found" : status === 413 ? "payload_too_large" : "internal";

export interface TokenSource {
  /** The current widget token, if any. */
  token(): string | undefined;
  /** A fresh token from the host, or undefined when the host gave no `getSessionToken`. */
  refresh(): Promise<string | undefined>;
}

export class ApiClient {
  constructor(
    private readonly _base: () => string,
    private readonly _tokens: TokenSource,
  ) {}

  status(): Promise<Status> {
    return this._request("GET", "/status");
  }

  saveCredentials(body: CredentialsInput): Promise<Status> {
    return this._request("PUT", "/credentials", body);
  }

  disconnect(): Promise<Status> {
    return this._request("POST", "/disconnect");
  }

  /** The URL the connect form is posted to. */
  connectUrl(): string {
    return this._base() + API_PATH + "/connect";
  }

  private async _request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let token = this._tokens.token() ?? (await this._refresh());
    let res = await this._send(method, path, token, body);
    if (res.status === 401) {
      token = await this._refresh();
      if (token) res = await this._send(method, path, token, body);
    }
    let data: unknown = null;
    try {
      data = await res.json();
    } catch {
      // an empty or non-JSON body: the status code decides
    }
    if (res.ok && data && typeof data === "object") return data as T;
    const err = (data ?? {}) as { error?: unknown; fields?: unknown };
    const code = res.status === 401 ? "unauthorized" : isErrorCode(err.error) ? err.error : codeForStatus(res.status);
    const fields: Record<string, string> = {};
    if (err.fields && typeof err.fields === "object") {
      for (const [k, v] of Object.entries(err.fields)) if (typeof v === "string") fields[k] = v;
    }
    throw new ApiError(code, res.status, fields);
  }

  private async _refresh(): Promise<string | undefined> {
    try {
      return await this._tokens.refresh();
    } catch {
      return undefined;
    }
  }

  private async _send(method: string, path: string, token: string | undefined, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { Accept: "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    try {
      return await fetch(this._base() + API_PATH + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit",
        cache: "no-store",
      });
    } catch {
      throw new ApiError("network_error");
    }
  }
}

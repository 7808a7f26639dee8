import { API_BASE_PATH } from "../contract/index.js";
import type { AccessTokenResponse, ApiErrorCode, ErrorBody, EventsPage, Status } from "../contract/index.js";
import { NinjaOneConnectionError, NinjaOneSettingsError, NinjaOneUnavailableError, type ConnectionErrorCode } from "./errors.js";
import { assertSecret } from "./bytes.js";
import { assertTokenLifetime, createTenantToken } from "./tenant-token.js";

/** A `fetch`-compatible function: the runtime's own, or one of your own (tests, tracing, a proxy agent). */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/** What {@link NinjaOneSettingsClient} needs. */
export interface NinjaOneSettingsClientOptions {
  /** The worker's origin, e.g. `https://ninjaone.example.com` (a path prefix in front of `/api/...` is kept). */
  workerUrl: string | URL;
  /** The worker's `TENANT_TOKEN_SECRET` (at least 32 bytes). */
  tenantTokenSecret: string;
  /** Default: `globalThis.fetch`, looked up at each call. */
  fetch?: FetchFunction;
  /** Lifetime of the `ninjaone-api` token minted for each call, 1–3600 s. Default 60: it is used at once. */
  tokenTtlSeconds?: number;
}

/** Options of {@link NinjaOneSettingsClient.accessToken}. */
export interface AccessTokenOptions {
  /**
   * An access token NinjaOne just answered 401 to. The worker refreshes when it is still the
   * current one, and otherwise answers the current one (another caller refreshed already).
   */
  rejectedAccessToken?: string;
}

/** Options of {@link NinjaOneSettingsClient.events}. */
export interface EventsOptions {
  /** Page size, at most 200 (the worker's default when absent). */
  limit?: number;
  /** The previous page's `nextCursor`, for the next (older) page. */
  cursor?: string;
}

const CONNECTION_CODES: ReadonlySet<string> = new Set<ConnectionErrorCode>(["not_connected", "reconnect_required", "credentials_rejected"]);
const UNAVAILABLE_CODES: ReadonlySet<string> = new Set<ApiErrorCode>(["storage_unavailable", "ninjaone_unreachable", "misconfigured"]);
const PROXIED_PREFIX = /^(api\/)?v2\//;
// The URL parser resolves `.` and `..` segments (percent-encoded ones too), reads `\` as `/`, and drops
// tabs and newlines: any of them would let "v2/../token" climb out of /proxy/ to another worker route.
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|$)/i;
const UNSAFE_CHARACTER = /[\\\u0000-\u001f\u007f]/;

/**
 * Your backend's side of the worker: status, checks, fresh NinjaOne access tokens, proxied NinjaOne
 * calls and the audit trail, for any tenant. Each call mints its own short-lived `ninjaone-api`
 * token, so there is nothing to cache or renew.
 *
 * Failures throw {@link NinjaOneConnectionError} (409: a person must act in the widget),
 * {@link NinjaOneUnavailableError} (503: try later), or {@link NinjaOneSettingsError} (anything else,
 * `code: "network_error"` when the worker could not be reached). Redirects are never followed, so a
 * token can't travel to another host.
 */
export class NinjaOneSettingsClient {
  readonly #workerUrl: string;
  readonly #apiUrl: string;
  readonly #secret: string;
  readonly #fetch: FetchFunction;
  readonly #tokenTtlSeconds: number;

  /** @throws TypeError for a workerUrl that is not an absolute http(s) URL, a short secret, or a bad ttl. */
  constructor(options: NinjaOneSettingsClientOptions) {
    const { workerUrl, tenantTokenSecret, fetch, tokenTtlSeconds = 60 } = options;
    const url = parseUrl(workerUrl);
    if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || url.search || url.hash) {
      throw new TypeError("workerUrl must be an absolute http(s) URL without query or fragment, e.g. https://ninjaone.example.com");
    }
    assertSecret(tenantTokenSecret, "tenantTokenSecret");
    assertTokenLifetime(tokenTtlSeconds, "tokenTtlSeconds");
    if (fetch === undefined && typeof globalThis.fetch !== "function") {
      throw new TypeError("This runtime has no global fetch: pass the fetch option");
    }
    this.#workerUrl = url.href.replace(/\/+$/, "");
    this.#apiUrl = this.#workerUrl + API_BASE_PATH;
    this.#secret = tenantTokenSecret;
    // Looked up per call (not bound once) so a fetch installed later, or stubbed in a test, is used.
    this.#fetch = fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.#tokenTtlSeconds = tokenTtlSeconds;
  }

  /** The tenant's state: `GET /status`. */
  status(tenant: string): Promise<Status> {
    return this.#json<Status>(tenant, "/status", { method: "GET" });
  }

  /** Tries the connection against NinjaOne now, records the outcome as `lastCheck`, and answers the new state: `POST /check`. */
  check(tenant: string): Promise<Status> {
    return this.#json<Status>(tenant, "/check", { method: "POST" });
  }

  /**
   * A NinjaOne access token for the tenant, valid for at least 5 more minutes: `POST /token`. Call
   * `{apiBaseUrl}/v2/...` with it. After NinjaOne answers 401 to it, call again with
   * `rejectedAccessToken` to get a refreshed one.
   *
   * @throws NinjaOneConnectionError when the tenant is not connected (or must reconnect).
   */
  accessToken(tenant: string, options: AccessTokenOptions = {}): Promise<AccessTokenResponse> {
    const { rejectedAccessToken } = options;
    if (rejectedAccessToken === undefined) return this.#json<AccessTokenResponse>(tenant, "/token", { method: "POST" });
    return this.#json<AccessTokenResponse>(
      tenant,
      "/token",
      { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ rejectedAccessToken }) },
      [rejectedAccessToken],
    );
  }

  /**
   * Calls NinjaOne's API through the worker (`ANY /proxy/<path>`), which adds the tenant's access
   * token and refreshes it on a 401. `path` is NinjaOne's, with its query: `"v2/organizations?pageSize=10"`
   * or `"/v2/devices"` (`v2/` or `api/v2/` only). `init` is forwarded (method, headers, body, signal)
   * except any `Authorization`, which the SDK sets.
   *
   * NinjaOne's own answers come back as the Response, whatever their status (404, 429 with
   * `Retry-After`...). Only the worker's own connection errors throw: 409 {@link NinjaOneConnectionError}
   * and 503 {@link NinjaOneUnavailableError}.
   *
   * @throws TypeError for a path outside `v2/` and `api/v2/`, before anything is sent.
   */
  async fetch(tenant: string, path: string, init: RequestInit = {}): Promise<Response> {
    const { response, token } = await this.#send(tenant, `/proxy/${proxiedPath(path)}`, init);
    if (response.status === 409 || response.status === 503) {
      // NinjaOne may answer 409 or 503 itself; the worker's own errors are told apart by their code.
      const body = await readErrorBody(response.clone());
      const workersOwn = response.status === 409 ? CONNECTION_CODES : UNAVAILABLE_CODES;
      if (body && workersOwn.has(body.error)) throw errorFor(response, body, [token]);
    }
    return response;
  }

  /** The tenant's audit trail, newest first: `GET /events`. Pass `nextCursor` back as `cursor` for older events. */
  events(tenant: string, options: EventsOptions = {}): Promise<EventsPage> {
    const query = new URLSearchParams();
    if (options.limit !== undefined) query.set("limit", String(options.limit));
    if (options.cursor !== undefined) query.set("cursor", options.cursor);
    const search = query.toString();
    return this.#json<EventsPage>(tenant, search ? `/events?${search}` : "/events", { method: "GET" });
  }

  /** Sends, and answers the parsed JSON of a 2xx or throws the typed error of anything else. */
  async #json<T>(tenant: string, route: string, init: RequestInit, alsoRedact: string[] = []): Promise<T> {
    const { response, token } = await this.#send(tenant, route, init);
    const redact = [token, ...alsoRedact];
    if (!response.ok) throw errorFor(response, await readErrorBody(response), redact);
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      // No `cause`: a JSON SyntaxError quotes the text around the error, and this text may hold a token.
      throw new NinjaOneSettingsError(`The worker answered HTTP ${response.status} with a body that is not JSON.`, {
        status: response.status,
        code: "unexpected_response",
      });
    }
  }

  /** Mints the call's token and sends the request; a failure to get any answer becomes `network_error`. */
  async #send(tenant: string, route: string, init: RequestInit): Promise<{ response: Response; token: string }> {
    const token = await createTenantToken({ secret: this.#secret, tenant, audience: "ninjaone-api", ttlSeconds: this.#tokenTtlSeconds });
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${token}`);
    let response: Response;
    try {
      // `manual`: a redirect would carry the token (or the tenant's NinjaOne data) to wherever it points.
      response = await this.#fetch(this.#apiUrl + route, { ...init, headers, redirect: "manual" });
    } catch (cause) {
      // The caller's own abort is not a network failure: let it through as the AbortError it is.
      if (init.signal?.aborted) throw cause;
      throw new NinjaOneSettingsError(`Could not reach the worker at ${this.#workerUrl}.`, { code: "network_error", cause });
    }
    return { response, token };
  }
}

function parseUrl(url: string | URL): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** `path` without its leading `/`, once it is sure to stay under NinjaOne's `v2/` or `api/v2/`. */
function proxiedPath(path: string): string {
  const relative = typeof path === "string" && path.startsWith("/") ? path.slice(1) : path;
  const pathname = typeof relative === "string" ? relative.split(/[?#]/, 1)[0]! : "";
  if (!PROXIED_PREFIX.test(pathname) || DOT_SEGMENT.test(pathname) || UNSAFE_CHARACTER.test(pathname)) {
    throw new TypeError("path must be a NinjaOne API path under v2/ or api/v2/ (no . or .. segments), e.g. v2/organizations");
  }
  return relative;
}

/** The worker's `{error, message, fields?}`, or undefined for any other body. */
async function readErrorBody(response: Response): Promise<ErrorBody | undefined> {
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    return undefined;
  }
  if (typeof body !== "object" || body === null) return undefined;
  const { error, message, fields } = body as Record<string, unknown>;
  if (typeof error !== "string" || typeof message !== "string") return undefined;
  const validFields =
    typeof fields === "object" && fields !== null && Object.values(fields).every((value) => typeof value === "string")
      ? (fields as Record<string, string>)
      : undefined;
  return { error: error as ApiErrorCode, message, ...(validFields ? { fields: validFields } : {}) };
}

/**
 * The typed error for a non-2xx answer. The worker's messages never hold a token, but whatever
 * answers at `workerUrl` might echo the request: the tokens this request carried are cut out.
 */
function errorFor(response: Response, body: ErrorBody | undefined, redact: readonly string[]): NinjaOneSettingsError {
  const hide = (text: string) => redact.reduce((result, secret) => result.split(secret).join("[redacted]"), text);
  const status = response.status;
  const message = body ? hide(body.message) : `The worker answered HTTP ${status} without a JSON error body.`;
  const code = body?.error ?? "unexpected_response";
  if (status === 409 && CONNECTION_CODES.has(code)) {
    return new NinjaOneConnectionError(message, { status, code: code as ConnectionErrorCode });
  }
  if (status === 503) {
    return new NinjaOneUnavailableError(message, { code, retryAfterSeconds: parseRetryAfter(response.headers.get("Retry-After")) });
  }
  const fields = body?.fields && Object.fromEntries(Object.entries(body.fields).map(([field, problem]) => [field, hide(problem)]));
  return new NinjaOneSettingsError(message, { status, code, ...(fields ? { fields } : {}) });
}

/** `Retry-After` in seconds: delta-seconds, or an HTTP date counted from now. */
function parseRetryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

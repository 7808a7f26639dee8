import * as z from "zod/mini";
import { sha256 } from "../crypto";

/**
 * NinjaOne's OAuth endpoints as request/process pairs: build the authorize
 * URL, exchange a code, refresh, revoke. Confidential client, client_secret_post,
 * PKCE S256. Every call takes its own `HttpOptions` (oauth4webapi's way): nothing here is
 * module state a caller could change for everyone.
 */

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** ms since epoch */
  expiresAt: number;
  /** ms since epoch: when NinjaOne issued it (absent in tokens stored by the first release). */
  issuedAt?: number;
  scopes: string[];
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * A failed call to the token endpoint. `rejected`: NinjaOne answered with an
 * OAuth error or a response we cannot accept; `unreachable`: network error,
 * timeout, 429 or 5xx — worth retrying, never a reason to delete anything.
 */
export class TokenEndpointError extends Error {
  override name = "TokenEndpointError";
  constructor(
    readonly kind: "rejected" | "unreachable",
    /** The RFC 6749 `error` code when NinjaOne sent one. Never `error_description`. */
    readonly error?: string,
    readonly details: {
      /** Seconds from NinjaOne's `Retry-After`, on a 429 or 503. */
      retryAfterSeconds?: number;
      /**
       * A refresh token from a 2xx answer we could not otherwise use. NinjaOne rotated the old
       * one when it sent this: it is the only one that still works, so it must be kept.
       */
      rotatedRefreshToken?: string;
    } = {},
  ) {
    super(`token endpoint ${kind}${error ? `: ${error}` : ""}`);
  }

  /** The grant is dead (NinjaOne answers a dead refresh token with either code): only a new consent helps. */
  get grantIsDead(): boolean {
    return this.kind === "rejected" && (this.error === "invalid_grant" || this.error === "invalid_token");
  }

  /** Client authentication failed: the saved secret no longer works; the grant may still be alive. */
  get clientRejected(): boolean {
    return this.kind === "rejected" && this.error === "invalid_client";
  }
}

/** `Retry-After` as seconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** How long NinjaOne gets to answer, unless a call says otherwise (NINJAONE_TIMEOUT_MS sets it in the worker). */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Per call: every function that talks to NinjaOne takes these. */
export interface HttpOptions {
  /** Abort after this many ms. Default: DEFAULT_TIMEOUT_MS; the pre-checks 5 000; best-effort revocation and webhook removal at most 3 000. */
  timeoutMs?: number;
  /** Default: the global `fetch`, looked up at call time. */
  fetch?: typeof fetch;
}

/** One request to NinjaOne with its options applied: never follows redirects, always times out. */
export function send(url: string, init: RequestInit, options: HttpOptions, defaultTimeoutMs = DEFAULT_TIMEOUT_MS): Promise<Response> {
  const fetcher = options.fetch ?? fetch;
  return fetcher(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(options.timeoutMs ?? defaultTimeoutMs) });
}

export const authorizeEndpoint = (baseUrl: string) => `${baseUrl}/ws/oauth/authorize`;
export const tokenEndpoint = (baseUrl: string) => `${baseUrl}/ws/oauth/token`;
export const revokeEndpoint = (baseUrl: string) => `${baseUrl}/ws/oauth/revoke`;

export async function pkceChallenge(verifier: string): Promise<string> {
  return sha256(verifier);
}

export function buildAuthorizeUrl(
  baseUrl: string,
  params: { clientId: string; redirectUri: string; scope: string; state: string; codeChallenge: string },
): string {
  const url = new URL(authorizeEndpoint(baseUrl));
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: params.clientId,
    redirect_uri: params.redirectUri,
    scope: params.scope,
    state: params.state,
    code_challenge: params.codeChallenge,
    code_challenge_method: "S256",
  }).toString();
  return url.toString();
}

/** A number, or a string of digits (oauth4webapi's rule: strict, not brittle). */
const seconds = z.pipe(
  z.union([z.number(), z.string().check(z.regex(/^\d{1,10}$/))]),
  z.transform((value) => Number(value)),
).check(z.positive(), z.lte(60 * 60 * 24 * 30));

const tokenResponseSchema = z.object({
  access_token: z.string().check(z.minLength(1), z.maxLength(8192)),
  token_type: z.string(),
  expires_in: seconds,
  refresh_token: z.optional(z.string().check(z.minLength(1), z.maxLength(8192))),
  scope: z.optional(z.string()),
});
const refreshTokenOnly = z.object({ refresh_token: z.string().check(z.minLength(1), z.maxLength(8192)) });

const errorResponseSchema = z.object({ error: z.string().check(z.regex(/^[\x20-\x7e]{1,64}$/)) });

async function postForm(url: string, form: Record<string, string>, options: HttpOptions, defaultTimeoutMs?: number): Promise<unknown> {
  let response: Response;
  try {
    response = await send(
      url,
      { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" }, body: new URLSearchParams(form) },
      options,
      defaultTimeoutMs,
    );
  } catch {
    throw new TokenEndpointError("unreachable");
  }
  if (response.status === 429 || response.status >= 500) {
    await response.body?.cancel();
    throw new TokenEndpointError("unreachable", undefined, { retryAfterSeconds: retryAfterSeconds(response.headers.get("Retry-After")) });
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new TokenEndpointError(response.ok ? "rejected" : "unreachable");
  }
  if (!response.ok) {
    const parsed = errorResponseSchema.safeParse(body);
    throw new TokenEndpointError("rejected", parsed.success ? parsed.data.error : undefined);
  }
  return body;
}

/** Strict parsing: a response we don't fully understand is a rejection — but never loses a rotated refresh token. */
function processTokenResponse(body: unknown, previous: { refreshToken?: string; scopes?: string[] }, now: number): TokenSet {
  const parsed = tokenResponseSchema.safeParse(body);
  if (!parsed.success || parsed.data.token_type.toLowerCase() !== "bearer") {
    const rotated = refreshTokenOnly.safeParse(body);
    throw new TokenEndpointError("rejected", "invalid_token_response", rotated.success ? { rotatedRefreshToken: rotated.data.refresh_token } : {});
  }
  const data = parsed.data;
  // Refresh responses may leave scope or (rarely) the refresh token out: keep the previous ones.
  const refreshToken = data.refresh_token ?? previous.refreshToken;
  if (!refreshToken) throw new TokenEndpointError("rejected", "missing_refresh_token");
  return {
    accessToken: data.access_token,
    refreshToken,
    expiresAt: now + data.expires_in * 1000,
    issuedAt: now,
    scopes: data.scope !== undefined ? data.scope.split(/\s+/).filter(Boolean) : (previous.scopes ?? []),
  };
}

export async function exchangeCode(
  baseUrl: string,
  client: ClientCredentials,
  params: { code: string; redirectUri: string; codeVerifier: string },
  options: HttpOptions = {},
): Promise<TokenSet> {
  const body = await postForm(
    tokenEndpoint(baseUrl),
    {
      grant_type: "authorization_code",
      code: params.code,
      redirect_uri: params.redirectUri,
      client_id: client.clientId,
      client_secret: client.clientSecret,
      code_verifier: params.codeVerifier,
    },
    options,
  );
  return processTokenResponse(body, {}, Date.now());
}

export async function refreshTokens(baseUrl: string, client: ClientCredentials, previous: TokenSet, options: HttpOptions = {}): Promise<TokenSet> {
  const body = await postForm(
    tokenEndpoint(baseUrl),
    { grant_type: "refresh_token", refresh_token: previous.refreshToken, client_id: client.clientId, client_secret: client.clientSecret },
    options,
  );
  return processTokenResponse(body, previous, Date.now());
}

/** The pre-checks run while the user waits on "Save": they give up sooner. */
const PRECHECK_TIMEOUT_MS = 5000;

/**
 * Pre-check of a Client ID: NinjaOne's authorize endpoint answers 404 for a client id it does not
 * know on that instance. Only that proves anything; a login page, a redirect, a timeout or a 5xx
 * prove nothing. Never carries the secret.
 */
export async function clientIdIsUnknown(
  baseUrl: string,
  params: { clientId: string; redirectUri: string; scope: string },
  options: HttpOptions = {},
): Promise<boolean> {
  const url = buildAuthorizeUrl(baseUrl, { ...params, state: "ninjaone-settings-precheck", codeChallenge: await pkceChallenge("precheck") });
  try {
    const response = await send(url, { method: "GET" }, options, PRECHECK_TIMEOUT_MS);
    await response.body?.cancel();
    return response.status === 404;
  } catch {
    return false;
  }
}

/**
 * Pre-check of a Client Secret: a code exchange with a code that cannot be valid. RFC 6749 §5.2
 * authenticates the client first, so `invalid_client` means the secret is wrong, while
 * `invalid_grant` means only the code was. Anything else proves nothing.
 */
export async function clientSecretIsRejected(
  baseUrl: string,
  client: ClientCredentials,
  redirectUri: string,
  options: HttpOptions = {},
): Promise<boolean> {
  try {
    await postForm(
      tokenEndpoint(baseUrl),
      {
        grant_type: "authorization_code",
        code: `ninjaone-settings-precheck-${crypto.randomUUID()}`,
        redirect_uri: redirectUri,
        client_id: client.clientId,
        client_secret: client.clientSecret,
      },
      options,
      PRECHECK_TIMEOUT_MS,
    );
    return false;
  } catch (error) {
    return error instanceof TokenEndpointError && error.clientRejected;
  }
}

/** Best effort: NinjaOne's revoke endpoint is unconfirmed, so any failure is ignored. */
export async function revokeRefreshToken(baseUrl: string, client: ClientCredentials, refreshToken: string, options: HttpOptions = {}): Promise<void> {
  try {
    const response = await send(
      revokeEndpoint(baseUrl),
      {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: refreshToken, token_type_hint: "refresh_token", client_id: client.clientId, client_secret: client.clientSecret }),
      },
      { ...options, timeoutMs: Math.min(3000, options.timeoutMs ?? DEFAULT_TIMEOUT_MS) },
    );
    await response.body?.cancel();
  } catch {
    // ignored on purpose
  }
}

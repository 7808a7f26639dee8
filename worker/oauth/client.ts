import * as z from "zod/mini";
import { sha256 } from "../crypto";

/**
 * NinjaOne's OAuth endpoints as request/process pairs: build the authorize
 * URL, exchange a code, refresh, revoke. Confidential client, client_secret_post,
 * PKCE S256. `fetch` is looked up at call time so tests can route it.
 */

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  /** ms since epoch */
  expiresAt: number;
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
  ) {
    super(`token endpoint ${kind}${error ? `: ${error}` : ""}`);
  }

  /** The refresh token or client no longer works: only a new authorization helps. */
  get requiresReconnect(): boolean {
    return this.kind === "rejected" && (this.error === "invalid_grant" || this.error === "invalid_client");
  }
}

/** Tunables, overridable by tests in the same isolate. */
export const tokenEndpointOptions = {
  timeoutMs: 10_000,
};

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

const tokenResponseSchema = z.object({
  access_token: z.string().check(z.minLength(1), z.maxLength(8192)),
  token_type: z.string(),
  expires_in: z.number().check(z.positive(), z.lte(60 * 60 * 24 * 30)),
  refresh_token: z.optional(z.string().check(z.minLength(1), z.maxLength(8192))),
  scope: z.optional(z.string()),
});

const errorResponseSchema = z.object({ error: z.string().check(z.regex(/^[\x20-\x7e]{1,64}$/)) });

async function postForm(url: string, form: Record<string, string>): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: new URLSearchParams(form),
      redirect: "manual",
      signal: AbortSignal.timeout(tokenEndpointOptions.timeoutMs),
    });
  } catch {
    throw new TokenEndpointError("unreachable");
  }
  if (response.status === 429 || response.status >= 500) {
    await response.body?.cancel();
    throw new TokenEndpointError("unreachable");
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

/** Strict parsing: a response we don't fully understand is a rejection. */
function processTokenResponse(body: unknown, previous: { refreshToken?: string; scopes?: string[] }, now: number): TokenSet {
  const parsed = tokenResponseSchema.safeParse(body);
  if (!parsed.success || parsed.data.token_type.toLowerCase() !== "bearer") {
    throw new TokenEndpointError("rejected", "invalid_token_response");
  }
  const data = parsed.data;
  // Refresh responses may leave scope or (rarely) the refresh token out: keep the previous ones.
  const refreshToken = data.refresh_token ?? previous.refreshToken;
  if (!refreshToken) throw new TokenEndpointError("rejected", "missing_refresh_token");
  return {
    accessToken: data.access_token,
    refreshToken,
    expiresAt: now + data.expires_in * 1000,
    scopes: data.scope !== undefined ? data.scope.split(/\s+/).filter(Boolean) : (previous.scopes ?? []),
  };
}

export async function exchangeCode(
  baseUrl: string,
  client: ClientCredentials,
  params: { code: string; redirectUri: string; codeVerifier: string },
): Promise<TokenSet> {
  const body = await postForm(tokenEndpoint(baseUrl), {
    grant_type: "authorization_code",
    code: params.code,
    redirect_uri: params.redirectUri,
    client_id: client.clientId,
    client_secret: client.clientSecret,
    code_verifier: params.codeVerifier,
  });
  return processTokenResponse(body, {}, Date.now());
}

export async function refreshTokens(baseUrl: string, client: ClientCredentials, previous: TokenSet): Promise<TokenSet> {
  const body = await postForm(tokenEndpoint(baseUrl), {
    grant_type: "refresh_token",
    refresh_token: previous.refreshToken,
    client_id: client.clientId,
    client_secret: client.clientSecret,
  });
  return processTokenResponse(body, previous, Date.now());
}

/** Best effort: NinjaOne's revoke endpoint is unconfirmed, so any failure is ignored. */
export async function revokeRefreshToken(baseUrl: string, client: ClientCredentials, refreshToken: string): Promise<void> {
  try {
    const response = await fetch(revokeEndpoint(baseUrl), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: refreshToken, token_type_hint: "refresh_token", client_id: client.clientId, client_secret: client.clientSecret }),
      redirect: "manual",
      signal: AbortSignal.timeout(Math.min(3000, tokenEndpointOptions.timeoutMs)),
    });
    await response.body?.cancel();
  } catch {
    // ignored on purpose
  }
}

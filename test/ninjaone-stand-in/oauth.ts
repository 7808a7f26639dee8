// NinjaOne's OAuth endpoints: authorize (with the consent page), token and
// revoke, behaving the way /work/shared/NINJAONE.md documents them, plus the
// token endpoint's failure injection.
import { Hono } from "hono";
import { html } from "hono/html";
import type { Context } from "hono";
import type { StandInState, RegisteredClient } from "./state";
import type { FailureOptions, TokenFailure } from "./types";
import { BadInput, constantTimeEqual, page, randomToken, readForm, retryAfterHeader, s256Challenge, splitScopes, withParams } from "./util";

export const TOKEN_FAILURES: readonly TokenFailure[] = ["server_error", "malformed", "rate_limited", "slow", "invalid_json_shape", "invalid_token"];
const PENDING_TTL_MS = 15 * 60 * 1000; // how long a consent page stays usable
const SCOPE_LABELS: Record<string, string> = {
  monitoring: "Monitoring: read devices, organizations and alerts",
  management: "Management: change devices and organizations, run scripts",
  control: "Control: remote access to devices",
  offline_access: "Offline access: stay connected (refresh token)",
};

interface PendingFailure { kind: TokenFailure; remaining: number; delayMs: number; retryAfterSeconds: number | null }

export function oauthRoutes(state: StandInState) {
  const app = new Hono();
  let failure: PendingFailure | undefined;

  const failNextTokenRequests = (kind: TokenFailure, count = 1, delayMs = 2000, options: FailureOptions = {}) => {
    if (!TOKEN_FAILURES.includes(kind)) throw new BadInput(`unknown failure kind: ${String(kind)}; one of ${TOKEN_FAILURES.join(", ")}`);
    checkCount(count);
    if (typeof delayMs !== "number" || !Number.isFinite(delayMs) || delayMs < 0) throw new BadInput("delayMs must be a number >= 0");
    const retryAfterSeconds = checkRetryAfter(options.retryAfterSeconds);
    failure = count > 0 ? { kind, remaining: count, delayMs, retryAfterSeconds } : undefined;
  };

  // client_secret_post only: the credentials travel in the form body.
  const authenticateClient = async (form: URLSearchParams): Promise<RegisteredClient | undefined> => {
    const client = state.clients.get(form.get("client_id") ?? "");
    const secret = form.get("client_secret") ?? "";
    // Hash even for an unknown client so both paths cost the same.
    const ok = await constantTimeEqual(secret, client?.clientSecret ?? "\u0000no client\u0000");
    return client && ok ? client : undefined;
  };

  // ---- authorize + consent -------------------------------------------------

  app.get("/ws/oauth/authorize", (c) => {
    state.prune();
    const q = new URL(c.req.url).searchParams;
    const client = state.clients.get(q.get("client_id") ?? "");
    // Real NinjaOne answers a client id unknown on this instance with a bare 404.
    if (!client) return c.html(page("Not found", html`<p>There is no client app with this client id on this instance.</p>`), 404);

    const redirectUri = q.get("redirect_uri") ?? "";
    if (!client.redirectUris.includes(redirectUri)) {
      // Never redirect to an unregistered URI: send the user to NinjaOne's own error page.
      const target = new URL("/ws/oauth/error", c.req.url);
      target.searchParams.set("error", "unauthorized_client");
      target.searchParams.set("error_description", "The redirect_uri does not match any redirect URI registered for this client app.");
      return c.redirect(target.toString(), 303);
    }

    const stateParam = q.get("state") ?? "";
    const back = (error: string, description: string) =>
      c.redirect(withParams(redirectUri, { error, error_description: description, state: stateParam || undefined }), 303);

    if (q.get("response_type") !== "code") return back("unsupported_response_type", "response_type must be code.");
    if (!stateParam) return back("invalid_request", "state is required.");

    const challenge = q.get("code_challenge") ?? undefined;
    const method = q.get("code_challenge_method") ?? undefined;
    if (challenge !== undefined || method !== undefined) {
      if (method !== "S256") return back("invalid_request", "code_challenge_method must be S256.");
      if (!challenge || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return back("invalid_request", "code_challenge must be a base64url SHA-256 digest.");
    }

    // The registered scopes decide what may be asked for; the `monitoring` client option
    // only affects the API (it models the scope being unticked after consent).
    const scopes = splitScopes(q.get("scope"));
    if (scopes.length === 0) return back("invalid_scope", "scope is required.");
    if (scopes.some((s) => !client.scopes.includes(s))) return back("invalid_scope", "The requested scope is not allowed for this client app.");

    const requestId = randomToken();
    state.pending.set(requestId, { clientId: client.clientId, redirectUri, scopes, state: stateParam, codeChallenge: challenge, expiresAt: state.now() + PENDING_TTL_MS });
    return c.html(consentPage(client.name ?? client.clientId, scopes, requestId));
  });

  app.post("/ws/oauth/authorize/decision", async (c) => {
    const form = await readForm(c.req.raw);
    const requestId = form?.get("request_id") ?? "";
    const request = state.pending.get(requestId);
    // The pending request is single use: a second click or a replayed POST gets nothing.
    state.pending.delete(requestId);
    if (!request || request.expiresAt <= state.now()) {
      return c.html(page("Request expired", html`<p>This authorization request is unknown or has expired. Start the connection again.</p>`), 400);
    }
    if (form?.get("decision") !== "approve") {
      return c.redirect(withParams(request.redirectUri, { error: "access_denied", error_description: "The user denied the request.", state: request.state }), 303);
    }
    const code = randomToken();
    state.codes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      codeChallenge: request.codeChallenge,
      expiresAt: state.now() + state.codeTtlSeconds * 1000,
    });
    return c.redirect(withParams(request.redirectUri, { code, state: request.state }), 303);
  });

  app.get("/ws/oauth/error", (c) => {
    const q = new URL(c.req.url).searchParams;
    // hono/html escapes every interpolated value, so request text is safe here.
    return c.html(
      page("Authorization error", html`<p>Error: <code>${q.get("error") ?? "unknown"}</code></p><p>${q.get("error_description") ?? ""}</p>`),
      400,
    );
  });

  // ---- token ---------------------------------------------------------------

  app.post("/ws/oauth/token", async (c) => {
    state.counters.tokenRequests++;
    const injected = await takeInjectedFailure();
    if (injected) return injected;

    state.prune();
    const form = await readForm(c.req.raw);
    if (!form) return oauthError(c, 400, "invalid_request", "The body must be application/x-www-form-urlencoded.");
    // RFC 6749 §5.2: the client is authenticated before the grant is looked at, so a wrong
    // secret is invalid_client whatever the code (the worker's credential pre-check relies on it).
    const client = await authenticateClient(form);
    if (!client) return oauthError(c, 401, "invalid_client", "Client authentication failed.");

    const grantType = form.get("grant_type");
    if (grantType === "authorization_code") return exchangeCode(c, client, form);
    if (grantType === "refresh_token") return refreshGrant(c, client, form);
    return oauthError(c, 400, grantType ? "unsupported_grant_type" : "invalid_request", grantType ? "This grant type is not supported." : "grant_type is required.");
  });

  async function exchangeCode(c: Context, client: RegisteredClient, form: URLSearchParams) {
    const code = form.get("code");
    if (!code) return oauthError(c, 400, "invalid_request", "code is required.");
    const record = state.codes.get(code);
    // Consumed on first presentation, whatever happens next: codes are single use.
    state.codes.delete(code);
    if (!record || record.expiresAt <= state.now()) return oauthError(c, 400, "invalid_grant", "The authorization code is invalid, expired or already used.");
    if (record.clientId !== client.clientId) return oauthError(c, 400, "invalid_grant", "The authorization code was issued to another client.");
    if (form.get("redirect_uri") !== record.redirectUri) return oauthError(c, 400, "invalid_grant", "redirect_uri does not match the one sent to authorize.");
    if (record.codeChallenge !== undefined) {
      const verifier = form.get("code_verifier") ?? "";
      const validShape = /^[A-Za-z0-9._~-]{43,128}$/.test(verifier);
      const matches = await constantTimeEqual(await s256Challenge(verifier), record.codeChallenge);
      if (!validShape || !matches) return oauthError(c, 400, "invalid_grant", "code_verifier does not match the code_challenge.");
    }
    const { accessToken, refreshToken } = state.issueTokens(client.clientId, record.scopes, randomToken());
    state.counters.codeGrants++;
    return tokenResponse(c, {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: state.settings.accessTokenTtlSeconds,
      scope: record.scopes.join(" "),
      refresh_token: refreshToken,
    });
  }

  function refreshGrant(c: Context, client: RegisteredClient, form: URLSearchParams) {
    const presented = form.get("refresh_token");
    if (!presented) return oauthError(c, 400, "invalid_request", "refresh_token is required.");
    // prune() already dropped refresh tokens that sat idle too long (refreshTokenIdleSeconds).
    const record = state.refreshTokens.get(presented);
    if (!record || record.clientId !== client.clientId) return oauthError(c, 400, "invalid_grant", "The refresh token is invalid, expired, revoked or already used.");
    let scopes = record.scopes;
    const narrowed = splitScopes(form.get("scope"));
    if (narrowed.length) {
      if (narrowed.some((s) => !record.scopes.includes(s))) return oauthError(c, 400, "invalid_scope", "A refresh cannot widen the granted scope.");
      scopes = narrowed;
    }
    // Rotation: the presented refresh token dies right now, before the new one exists.
    state.refreshTokens.delete(presented);
    const { accessToken, refreshToken } = state.issueTokens(client.clientId, scopes, record.grantId);
    state.counters.refreshGrants++;
    return tokenResponse(c, {
      access_token: accessToken,
      token_type: "Bearer",
      expires_in: state.settings.accessTokenTtlSeconds,
      scope: state.omitScopeOnRefresh ? undefined : scopes.join(" "),
      refresh_token: refreshToken,
    });
  }

  async function takeInjectedFailure(): Promise<Response | undefined> {
    if (!failure) return undefined;
    const { kind, delayMs, retryAfterSeconds } = failure;
    if (--failure.remaining <= 0) failure = undefined;
    switch (kind) {
      case "slow":
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        return undefined; // then answer normally
      case "server_error":
        return new Response("<html><body><h1>500 Internal Server Error</h1><p>NinjaOne stand-in: injected failure</p></body></html>", {
          status: 500,
          headers: { "Content-Type": "text/html; charset=utf-8" },
        });
      case "malformed":
        // Claims JSON but is cut off mid-way, like a proxy truncating the body.
        return new Response('{"access_token": "tru', { status: 200, headers: { "Content-Type": "application/json" } });
      case "invalid_json_shape":
        return Response.json({ token_type: "Bearer", expires_in: state.settings.accessTokenTtlSeconds }, { status: 200 });
      case "rate_limited":
        return Response.json({ error: "too_many_requests", error_description: "Rate limit exceeded." }, { status: 429, headers: retryAfterHeader(retryAfterSeconds) });
      case "invalid_token":
        // How NinjaOne has been seen answering a dead refresh token (not only invalid_grant).
        return Response.json({ error: "invalid_token", error_description: "Invalid refresh token (injected by the stand-in)." }, { status: 400, headers: { Pragma: "no-cache" } });
    }
  }

  // ---- revoke --------------------------------------------------------------

  app.post("/ws/oauth/revoke", async (c) => {
    const form = await readForm(c.req.raw);
    if (!form) return oauthError(c, 400, "invalid_request", "The body must be application/x-www-form-urlencoded.");
    const client = await authenticateClient(form);
    if (!client) return oauthError(c, 401, "invalid_client", "Client authentication failed.");
    const token = form.get("token");
    if (!token) return oauthError(c, 400, "invalid_request", "token is required.");
    state.counters.revocations++;
    const refresh = state.refreshTokens.get(token);
    if (refresh && refresh.clientId === client.clientId) {
      // Revoking the refresh token ends the whole grant, access tokens included.
      state.refreshTokens.delete(token);
      for (const [k, v] of state.accessTokens) if (v.grantId === refresh.grantId) state.accessTokens.delete(k);
    }
    const access = state.accessTokens.get(token);
    if (access && access.clientId === client.clientId) state.accessTokens.delete(token);
    // RFC 7009: unknown or foreign tokens are not an error.
    return c.body(null, 200);
  });

  return { app, failNextTokenRequests, pendingFailure: () => (failure ? { kind: failure.kind, remaining: failure.remaining } : undefined) };
}

/** count: a whole number >= 0 (0 clears a pending failure). */
export function checkCount(count: unknown): void {
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > 1000) throw new BadInput("count must be a whole number between 0 and 1000");
}

export function checkRetryAfter(value: unknown): number | null {
  if (value === undefined) return 30;
  if (value === null) return null;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > 86_400) throw new BadInput("retryAfterSeconds must be a whole number of seconds between 0 and 86400, or null");
  return value;
}

function consentPage(appName: string, scopes: string[], requestId: string) {
  return page(
    "Authorize application",
    html`<p><strong id="client-name">${appName}</strong> wants to access your NinjaOne account with these permissions:</p>
<ul id="scopes">${scopes.map((s) => html`<li data-scope="${s}">${SCOPE_LABELS[s] ?? s}</li>`)}</ul>
<form method="post" action="/ws/oauth/authorize/decision">
<input type="hidden" name="request_id" value="${requestId}">
<button type="submit" id="approve" name="decision" value="approve">Approve</button>
<button type="submit" id="deny" name="decision" value="deny">Deny</button>
</form>`,
  );
}

function oauthError(c: Context, status: 400 | 401, error: string, description: string) {
  return c.json({ error, error_description: description }, status, { Pragma: "no-cache" });
}

function tokenResponse(c: Context, body: Record<string, string | number | undefined>) {
  // JSON.stringify drops undefined members (scope on refresh, refresh_token without offline_access).
  return c.json(body, 200, { Pragma: "no-cache" });
}

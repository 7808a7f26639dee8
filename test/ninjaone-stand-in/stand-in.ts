// A local stand-in for one NinjaOne instance (region): the OAuth authorize,
// consent, token and revoke endpoints plus one API route, behaving the way
// /work/shared/NINJAONE.md documents real NinjaOne. It is the only fake of
// NinjaOne the project owns: worker tests run it in-process (in workerd) and
// the local demo / browser end-to-end tests run it under `wrangler dev`.
//
// Pure Web-standard code (no Node APIs), all state in memory.
import { Hono } from "hono";
import { html } from "hono/html";
import type { Context } from "hono";

export interface StandInClient {
  clientId: string;
  clientSecret: string;
  /** Exact strings: NinjaOne compares redirect URIs character by character. */
  redirectUris: string[];
  /** Allowed scopes, a subset of monitoring management control offline_access. */
  scopes: string[];
  /** Shown on the consent page, like the client app name in NinjaOne. */
  name?: string;
}

export interface StandInOptions {
  clients: StandInClient[];
  /** ms clock, injectable for expiry tests (default Date.now). */
  now?: () => number;
  /** default 3600 */
  accessTokenTtlSeconds?: number;
  /** default 600 */
  codeTtlSeconds?: number;
  /** default true: NinjaOne may leave `scope` out of refresh responses. */
  omitScopeOnRefresh?: boolean;
}

export type TokenFailure = "server_error" | "malformed" | "rate_limited" | "slow" | "invalid_json_shape";

export interface StandInStats {
  /** Every request that reached POST /ws/oauth/token, failed or not. */
  tokenRequests: number;
  /** Successful authorization_code exchanges. */
  codeGrants: number;
  /** Successful refresh_token exchanges. */
  refreshGrants: number;
  /** Authenticated revoke requests (answered 200). */
  revocations: number;
}

export interface StandIn {
  fetch(request: Request): Promise<Response>;
  app: Hono;
  /** The next `count` (default 1) token requests fail as `kind`; "slow" waits `delayMs` (default 2000) then answers normally. */
  failNextTokenRequests(kind: TokenFailure, count?: number, delayMs?: number): void;
  stats(): StandInStats;
  isAccessTokenValid(token: string): boolean;
  addClient(client: StandInClient): void;
}

const KNOWN_SCOPES = ["monitoring", "management", "control", "offline_access"] as const;
const SCOPE_LABELS: Record<string, string> = {
  monitoring: "Monitoring: read devices, organizations and alerts",
  management: "Management: change devices and organizations, run scripts",
  control: "Control: remote access to devices",
  offline_access: "Offline access: stay connected (refresh token)",
};
const TOKEN_FAILURES: readonly TokenFailure[] = ["server_error", "malformed", "rate_limited", "slow", "invalid_json_shape"];
const PENDING_TTL_MS = 15 * 60 * 1000; // how long a consent page stays usable
const LABEL = "NinjaOne stand-in (local development)";

const FAKE_ORGANIZATIONS = [
  { id: 1, name: "Acme Dental", description: "Fake organization from the NinjaOne stand-in", nodeApprovalMode: "AUTOMATIC" },
  { id: 2, name: "Globex Logistics", description: "Fake organization from the NinjaOne stand-in", nodeApprovalMode: "AUTOMATIC" },
  { id: 3, name: "Initech Offices", description: "Fake organization from the NinjaOne stand-in", nodeApprovalMode: "MANUAL" },
];

// What the consent page remembers between GET authorize and the decision POST.
interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
  codeChallenge?: string;
  expiresAt: number;
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge?: string;
  expiresAt: number;
}

// A grant is one user approval; the refresh token chain and every access
// token minted from it share the grant id, so revoking kills them together.
interface AccessToken { clientId: string; scopes: string[]; expiresAt: number; grantId: string }
interface RefreshToken { clientId: string; scopes: string[]; grantId: string }

export function createStandIn(options: StandInOptions): StandIn {
  const now = options.now ?? Date.now;
  const accessTtl = options.accessTokenTtlSeconds ?? 3600;
  const codeTtl = options.codeTtlSeconds ?? 600;
  const omitScopeOnRefresh = options.omitScopeOnRefresh ?? true;

  const clients = new Map<string, StandInClient>();
  const pending = new Map<string, PendingAuthorization>();
  const codes = new Map<string, AuthorizationCode>();
  const accessTokens = new Map<string, AccessToken>();
  const refreshTokens = new Map<string, RefreshToken>();
  const counters: StandInStats = { tokenRequests: 0, codeGrants: 0, refreshGrants: 0, revocations: 0 };
  let failure: { kind: TokenFailure; remaining: number; delayMs: number } | undefined;

  const addClient = (client: StandInClient) => {
    const bad = client.scopes.filter((s) => !(KNOWN_SCOPES as readonly string[]).includes(s));
    if (bad.length) throw new Error(`stand-in client ${client.clientId}: unknown scopes ${bad.join(", ")}`);
    clients.set(client.clientId, { ...client, redirectUris: [...client.redirectUris], scopes: [...client.scopes] });
  };
  for (const client of options.clients) addClient(client);

  const failNextTokenRequests = (kind: TokenFailure, count = 1, delayMs = 2000) => {
    if (!TOKEN_FAILURES.includes(kind)) throw new Error(`unknown failure kind: ${String(kind)}`);
    failure = count > 0 ? { kind, remaining: count, delayMs } : undefined;
  };

  const isAccessTokenValid = (token: string) => {
    const record = accessTokens.get(token);
    return !!record && now() < record.expiresAt;
  };

  // Drop what can never be used again, so a long `wrangler dev` session stays small.
  const prune = () => {
    const t = now();
    for (const [k, v] of pending) if (v.expiresAt <= t) pending.delete(k);
    for (const [k, v] of codes) if (v.expiresAt <= t) codes.delete(k);
    for (const [k, v] of accessTokens) if (v.expiresAt <= t) accessTokens.delete(k);
  };

  const issueTokens = (clientId: string, scopes: string[], grantId: string) => {
    const accessToken = randomToken();
    accessTokens.set(accessToken, { clientId, scopes, grantId, expiresAt: now() + accessTtl * 1000 });
    let refreshToken: string | undefined;
    if (scopes.includes("offline_access")) {
      refreshToken = randomToken();
      refreshTokens.set(refreshToken, { clientId, scopes, grantId });
    }
    return { accessToken, refreshToken };
  };

  // client_secret_post only: the credentials travel in the form body.
  const authenticateClient = async (form: URLSearchParams): Promise<StandInClient | undefined> => {
    const client = clients.get(form.get("client_id") ?? "");
    const secret = form.get("client_secret") ?? "";
    // Hash even for an unknown client so both paths cost the same.
    const ok = await constantTimeEqual(secret, client?.clientSecret ?? "\u0000no client\u0000");
    return client && ok ? client : undefined;
  };

  const app = new Hono();

  app.use("*", async (c, next) => {
    await next();
    // Tokens, codes and consent pages must never be cached or framed.
    c.header("Cache-Control", "no-store");
    c.header("Referrer-Policy", "no-referrer");
    c.header("X-Frame-Options", "DENY");
  });

  // ---- authorize + consent -------------------------------------------------

  app.get("/ws/oauth/authorize", (c) => {
    prune();
    const q = new URL(c.req.url).searchParams;
    const client = clients.get(q.get("client_id") ?? "");
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

    const state = q.get("state") ?? "";
    const back = (error: string, description: string) =>
      c.redirect(withParams(redirectUri, { error, error_description: description, state: state || undefined }), 303);

    if (q.get("response_type") !== "code") return back("unsupported_response_type", "response_type must be code.");
    if (!state) return back("invalid_request", "state is required.");

    const challenge = q.get("code_challenge") ?? undefined;
    const method = q.get("code_challenge_method") ?? undefined;
    if (challenge !== undefined || method !== undefined) {
      if (method !== "S256") return back("invalid_request", "code_challenge_method must be S256.");
      if (!challenge || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) return back("invalid_request", "code_challenge must be a base64url SHA-256 digest.");
    }

    const scopes = splitScopes(q.get("scope"));
    if (scopes.length === 0) return back("invalid_scope", "scope is required.");
    if (scopes.some((s) => !client.scopes.includes(s))) return back("invalid_scope", "The requested scope is not allowed for this client app.");

    const requestId = randomToken();
    pending.set(requestId, { clientId: client.clientId, redirectUri, scopes, state, codeChallenge: challenge, expiresAt: now() + PENDING_TTL_MS });
    return c.html(consentPage(client.name ?? client.clientId, scopes, requestId));
  });

  app.post("/ws/oauth/authorize/decision", async (c) => {
    const form = await readForm(c.req.raw);
    const requestId = form?.get("request_id") ?? "";
    const request = pending.get(requestId);
    // The pending request is single use: a second click or a replayed POST gets nothing.
    pending.delete(requestId);
    if (!request || request.expiresAt <= now()) {
      return c.html(page("Request expired", html`<p>This authorization request is unknown or has expired. Start the connection again.</p>`), 400);
    }
    if (form?.get("decision") !== "approve") {
      return c.redirect(withParams(request.redirectUri, { error: "access_denied", error_description: "The user denied the request.", state: request.state }), 303);
    }
    const code = randomToken();
    codes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      scopes: request.scopes,
      codeChallenge: request.codeChallenge,
      expiresAt: now() + codeTtl * 1000,
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
    counters.tokenRequests++;
    const injected = await takeInjectedFailure();
    if (injected) return injected;

    prune();
    const form = await readForm(c.req.raw);
    if (!form) return oauthError(c, 400, "invalid_request", "The body must be application/x-www-form-urlencoded.");
    const client = await authenticateClient(form);
    if (!client) return oauthError(c, 401, "invalid_client", "Client authentication failed.");

    const grantType = form.get("grant_type");
    if (grantType === "authorization_code") {
      const code = form.get("code");
      if (!code) return oauthError(c, 400, "invalid_request", "code is required.");
      const record = codes.get(code);
      // Consumed on first presentation, whatever happens next: codes are single use.
      codes.delete(code);
      if (!record || record.expiresAt <= now()) return oauthError(c, 400, "invalid_grant", "The authorization code is invalid, expired or already used.");
      if (record.clientId !== client.clientId) return oauthError(c, 400, "invalid_grant", "The authorization code was issued to another client.");
      if (form.get("redirect_uri") !== record.redirectUri) return oauthError(c, 400, "invalid_grant", "redirect_uri does not match the one sent to authorize.");
      if (record.codeChallenge !== undefined) {
        const verifier = form.get("code_verifier") ?? "";
        const validShape = /^[A-Za-z0-9._~-]{43,128}$/.test(verifier);
        const matches = await constantTimeEqual(await s256Challenge(verifier), record.codeChallenge);
        if (!validShape || !matches) return oauthError(c, 400, "invalid_grant", "code_verifier does not match the code_challenge.");
      }
      const { accessToken, refreshToken } = issueTokens(client.clientId, record.scopes, randomToken());
      counters.codeGrants++;
      return tokenResponse(c, { access_token: accessToken, token_type: "Bearer", expires_in: accessTtl, scope: record.scopes.join(" "), refresh_token: refreshToken });
    }

    if (grantType === "refresh_token") {
      const presented = form.get("refresh_token");
      if (!presented) return oauthError(c, 400, "invalid_request", "refresh_token is required.");
      const record = refreshTokens.get(presented);
      if (!record || record.clientId !== client.clientId) return oauthError(c, 400, "invalid_grant", "The refresh token is invalid, revoked or already used.");
      let scopes = record.scopes;
      const narrowed = splitScopes(form.get("scope"));
      if (narrowed.length) {
        if (narrowed.some((s) => !record.scopes.includes(s))) return oauthError(c, 400, "invalid_scope", "A refresh cannot widen the granted scope.");
        scopes = narrowed;
      }
      // Rotation: the presented refresh token dies right now, before the new one exists.
      refreshTokens.delete(presented);
      const { accessToken, refreshToken } = issueTokens(client.clientId, scopes, record.grantId);
      counters.refreshGrants++;
      return tokenResponse(c, {
        access_token: accessToken,
        token_type: "Bearer",
        expires_in: accessTtl,
        scope: omitScopeOnRefresh ? undefined : scopes.join(" "),
        refresh_token: refreshToken,
      });
    }

    return oauthError(c, 400, grantType ? "unsupported_grant_type" : "invalid_request", grantType ? "This grant type is not supported." : "grant_type is required.");
  });

  async function takeInjectedFailure(): Promise<Response | undefined> {
    if (!failure) return undefined;
    const { kind, delayMs } = failure;
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
        return Response.json({ token_type: "Bearer", expires_in: accessTtl }, { status: 200 });
      case "rate_limited":
        return Response.json({ error: "too_many_requests", error_description: "Rate limit exceeded." }, { status: 429, headers: { "Retry-After": "30" } });
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
    counters.revocations++;
    const refresh = refreshTokens.get(token);
    if (refresh && refresh.clientId === client.clientId) {
      // Revoking the refresh token ends the whole grant, access tokens included.
      refreshTokens.delete(token);
      for (const [k, v] of accessTokens) if (v.grantId === refresh.grantId) accessTokens.delete(k);
    }
    const access = accessTokens.get(token);
    if (access && access.clientId === client.clientId) accessTokens.delete(token);
    // RFC 7009: unknown or foreign tokens are not an error.
    return c.body(null, 200);
  });

  // ---- API -----------------------------------------------------------------

  app.on("GET", ["/v2/organizations", "/api/v2/organizations"], (c) => {
    const header = c.req.header("Authorization") ?? "";
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const record = match ? accessTokens.get(match[1]!) : undefined;
    if (!record || record.expiresAt <= now()) {
      c.header("WWW-Authenticate", 'Bearer error="invalid_token"');
      return c.json({ error: "invalid_token", error_description: "The access token is missing, invalid or expired." }, 401);
    }
    if (!record.scopes.includes("monitoring")) {
      c.header("WWW-Authenticate", 'Bearer error="insufficient_scope", scope="monitoring"');
      return c.json({ error: "insufficient_scope", error_description: "This call needs the monitoring scope." }, 401);
    }
    const pageSize = Number(new URL(c.req.url).searchParams.get("pageSize"));
    const orgs = Number.isInteger(pageSize) && pageSize > 0 ? FAKE_ORGANIZATIONS.slice(0, pageSize) : FAKE_ORGANIZATIONS;
    return c.json(orgs);
  });

  // ---- control hooks (for wrangler dev; tests in-process can call the methods) ----

  app.post("/__stand-in/fail-next-token", async (c) => {
    const body = await c.req.json().catch(() => undefined) as { kind?: unknown; count?: unknown; delayMs?: unknown } | undefined;
    const kind = body?.kind;
    const count = body?.count ?? 1;
    const delayMs = body?.delayMs ?? 2000;
    if (typeof kind !== "string" || !TOKEN_FAILURES.includes(kind as TokenFailure) || typeof count !== "number" || typeof delayMs !== "number") {
      return c.json({ error: "invalid_request", kinds: TOKEN_FAILURES }, 400);
    }
    failNextTokenRequests(kind as TokenFailure, count, delayMs);
    return c.json({ ok: true, kind, count, delayMs });
  });

  app.get("/__stand-in/stats", (c) => c.json({ ...counters }));

  app.get("/", (c) =>
    c.html(page("NinjaOne stand-in", html`<p>This server imitates one NinjaOne instance for local development and tests. It is not NinjaOne.</p>`)),
  );

  return {
    app,
    fetch: async (request) => app.fetch(request),
    failNextTokenRequests,
    stats: () => ({ ...counters }),
    isAccessTokenValid,
    addClient,
  };
}

/**
 * Test helper: does what a browser would: GET the authorize URL, read the
 * consent form, POST the decision. Returns the final 303 (its Location is the
 * redirect back to the client), or the authorize response itself when it
 * was not a consent page (404, error redirect, ...).
 */
export async function consent(standIn: Pick<StandIn, "fetch">, authorizeUrl: string, decision: "approve" | "deny"): Promise<Response> {
  const shown = await standIn.fetch(new Request(authorizeUrl));
  if (shown.status !== 200) return shown;
  const body = await shown.text();
  const action = /<form[^>]*\saction="([^"]+)"/.exec(body)?.[1];
  const requestId = /name="request_id" value="([^"]+)"/.exec(body)?.[1];
  if (!action || !requestId) throw new Error("stand-in consent page has no decision form");
  return standIn.fetch(
    new Request(new URL(decodeEntities(action), authorizeUrl), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ request_id: decodeEntities(requestId), decision }),
    }),
  );
}

/** base64url(SHA-256(verifier)): the PKCE S256 code challenge. */
export async function s256Challenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}

// ---- helpers -----------------------------------------------------------------

function page(title: string, content: unknown) {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · ${LABEL}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}.banner{background:#fde68a;padding:.5rem;border:1px solid #b45309}button{font-size:1rem;padding:.4rem 1.2rem;margin-right:.5rem}</style></head>
<body><p class="banner"><strong>${LABEL}</strong> — not the real NinjaOne.</p><h1>${title}</h1>${content}</body>
</html>`;
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

async function readForm(request: Request): Promise<URLSearchParams | undefined> {
  const type = (request.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") return undefined;
  // Decode the bytes ourselves: workerd warns when .text() reads a non-text content type.
  return new URLSearchParams(new TextDecoder().decode(await request.arrayBuffer()));
}

function splitScopes(value: string | null): string[] {
  return [...new Set((value ?? "").split(/\s+/).filter(Boolean))];
}

function withParams(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32))); // 256 bits
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// Compare SHA-256 digests byte by byte with no early exit: the time taken
// does not depend on where (or whether) the inputs differ, nor on their length.
async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [da, db] = await Promise.all([crypto.subtle.digest("SHA-256", enc.encode(a)), crypto.subtle.digest("SHA-256", enc.encode(b))]);
  const x = new Uint8Array(da);
  const y = new Uint8Array(db);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

function decodeEntities(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

// Tests of the NinjaOne stand-in itself. They run in workerd (pool-workers)
// and use only Web APIs, talking to the stand-in through its fetch().
import { describe, expect, it, vi } from "vitest";
import { BadInput, consent, createStandIn, s256Challenge, type Activity, type StandIn, type StandInClient } from "./stand-in";
import worker from "./worker";

const BASE = "https://eu.ninjarmm.test";
const REDIRECT = "https://worker.example.com/api/integrations/ninjaone/callback";
const CLIENT: StandInClient = {
  clientId: "client-a",
  clientSecret: "secret-a-for-tests",
  redirectUris: [REDIRECT],
  scopes: ["monitoring", "management", "offline_access"],
  name: "Host <App> & Co",
};
const VERIFIER = "a".repeat(20) + "-verifier-" + "b".repeat(20); // 50 chars, valid shape

function setup(extra: Partial<Parameters<typeof createStandIn>[0]> = {}) {
  let clock = 1_700_000_000_000;
  const standIn = createStandIn({ clients: [CLIENT], now: () => clock, ...extra });
  return { standIn, advance: (ms: number) => (clock += ms) };
}

async function authorizeUrl(params: Record<string, string | undefined> = {}) {
  const defaults: Record<string, string> = {
    response_type: "code",
    client_id: CLIENT.clientId,
    redirect_uri: REDIRECT,
    scope: "monitoring offline_access",
    state: "state-123",
    code_challenge: await s256Challenge(VERIFIER),
    code_challenge_method: "S256",
  };
  const url = new URL("/ws/oauth/authorize", BASE);
  for (const [k, v] of Object.entries({ ...defaults, ...params })) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

async function getCode(standIn: StandIn, params: Record<string, string | undefined> = {}) {
  const res = await consent(standIn, await authorizeUrl(params), "approve");
  expect(res.status).toBe(303);
  const location = new URL(res.headers.get("Location")!);
  return location.searchParams.get("code")!;
}

function post(standIn: StandIn, path: string, fields: Record<string, string>, contentType = "application/x-www-form-urlencoded") {
  return standIn.fetch(
    new Request(new URL(path, BASE), { method: "POST", headers: { "Content-Type": contentType }, body: new URLSearchParams(fields).toString() }),
  );
}

function exchange(standIn: StandIn, code: string, overrides: Record<string, string> = {}) {
  return post(standIn, "/ws/oauth/token", {
    grant_type: "authorization_code",
    code,
    redirect_uri: REDIRECT,
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
    code_verifier: VERIFIER,
    ...overrides,
  });
}

function refresh(standIn: StandIn, refreshToken: string) {
  return post(standIn, "/ws/oauth/token", {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
  });
}

async function connect(standIn: StandIn) {
  const res = await exchange(standIn, await getCode(standIn));
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; refresh_token: string; scope?: string; expires_in: number; token_type: string };
}

function orgs(standIn: StandIn, token: string | undefined, path = "/v2/organizations") {
  return standIn.fetch(new Request(new URL(path, BASE), { headers: token ? { Authorization: `Bearer ${token}` } : {} }));
}

const CLIENT_B: StandInClient = { clientId: "client-b", clientSecret: "secret-b-for-tests", redirectUris: [REDIRECT], scopes: ["monitoring", "offline_access"] };

/** Connects client-b (registered on the fly) and answers its tokens. */
async function connectB(standIn: StandIn) {
  standIn.addClient(CLIENT_B);
  const code = await getCode(standIn, { client_id: CLIENT_B.clientId });
  const res = await exchange(standIn, code, { client_id: CLIENT_B.clientId, client_secret: CLIENT_B.clientSecret });
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; refresh_token: string };
}

function refreshAs(standIn: StandIn, client: StandInClient, refreshToken: string) {
  return post(standIn, "/ws/oauth/token", { grant_type: "refresh_token", refresh_token: refreshToken, client_id: client.clientId, client_secret: client.clientSecret });
}

function api(standIn: StandIn, method: string, path: string, token?: string, body?: unknown, headers: Record<string, string> = {}) {
  const init: RequestInit = { method, headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } };
  if (body !== undefined) {
    init.body = typeof body === "string" ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)["Content-Type"] ??= "application/json";
  }
  return standIn.fetch(new Request(new URL(path, BASE), init));
}

function hook(standIn: StandIn, name: string, body: unknown, headers: Record<string, string> = {}) {
  return standIn.fetch(
    new Request(`${BASE}/__stand-in/${name}`, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) }),
  );
}

function formHook(standIn: StandIn, name: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return standIn.fetch(
    new Request(`${BASE}/__stand-in/${name}`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers },
      body: new URLSearchParams(fields).toString(),
    }),
  );
}

/** A stand-in whose webhook deliveries are captured instead of sent. */
function setupWithDeliveries(answer: (request: Request) => Promise<Response> = async () => new Response("ok", { status: 200 })) {
  const sent: { request: Request; body: Record<string, unknown> }[] = [];
  const ctx = setup({
    deliver: async (request) => {
      sent.push({ request, body: (await request.clone().json()) as Record<string, unknown> });
      return answer(request);
    },
  });
  return { ...ctx, sent };
}

describe("authorize", () => {
  it("answers 404 for a client id unknown on this instance", async () => {
    const { standIn } = setup();
    const res = await standIn.fetch(new Request(await authorizeUrl({ client_id: "nope" })));
    expect(res.status).toBe(404);
  });

  it.each([
    ["trailing slash", REDIRECT + "/"],
    ["extra query", REDIRECT + "?x=1"],
    ["different case", REDIRECT.replace("callback", "Callback")],
    ["missing", undefined],
  ])("sends a redirect_uri mismatch (%s) to the error page, never to the URI", async (_, redirectUri) => {
    const { standIn } = setup();
    const res = await standIn.fetch(new Request(await authorizeUrl({ redirect_uri: redirectUri })));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("Location")!);
    expect(location.origin + location.pathname).toBe(`${BASE}/ws/oauth/error`);
    expect(location.searchParams.get("error")).toBe("unauthorized_client");
    expect(location.searchParams.get("error_description")).toContain("redirect_uri");

    const page = await standIn.fetch(new Request(location));
    expect(page.headers.get("Content-Type")).toContain("text/html");
    const body = await page.text();
    expect(body).toContain("NinjaOne stand-in (local development)");
    expect(body).toContain("unauthorized_client");
  });

  it("escapes request text on the error page", async () => {
    const { standIn } = setup();
    const res = await standIn.fetch(new Request(`${BASE}/ws/oauth/error?error=%3Cscript%3Ealert(1)%3C/script%3E`));
    const body = await res.text();
    expect(body).not.toContain("<script>");
    expect(body).toContain("&lt;script&gt;");
  });

  it("redirects back with invalid_scope for a scope the client may not use", async () => {
    const { standIn } = setup();
    const res = await standIn.fetch(new Request(await authorizeUrl({ scope: "monitoring control" })));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("Location")!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get("error")).toBe("invalid_scope");
    expect(location.searchParams.get("state")).toBe("state-123");
  });

  it("rejects a PKCE challenge with a method other than S256", async () => {
    const { standIn } = setup();
    const res = await standIn.fetch(new Request(await authorizeUrl({ code_challenge_method: "plain" })));
    const location = new URL(res.headers.get("Location")!);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("code")).toBeNull();
  });

  it("shows a consent page naming the app (escaped) and the scopes, without the secret", async () => {
    const { standIn } = setup();
    const res = await standIn.fetch(new Request(await authorizeUrl()));
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain("NinjaOne stand-in (local development)");
    expect(body).toContain("Host &lt;App&gt; &amp; Co");
    expect(body).toContain('data-scope="monitoring"');
    expect(body).toContain('data-scope="offline_access"');
    expect(body).toContain('<button type="submit" id="approve" name="decision" value="approve">Approve</button>');
    expect(body).toContain('id="deny"');
    expect(body).not.toContain(CLIENT.clientSecret);
  });

  it("approve redirects back with a code and the state", async () => {
    const { standIn } = setup();
    const res = await consent(standIn, await authorizeUrl(), "approve");
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("Location")!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get("state")).toBe("state-123");
    expect(location.searchParams.get("code")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("deny redirects back with access_denied and the state", async () => {
    const { standIn } = setup();
    const res = await consent(standIn, await authorizeUrl(), "deny");
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("Location")!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get("error")).toBe("access_denied");
    expect(location.searchParams.get("error_description")).toBeTruthy();
    expect(location.searchParams.get("state")).toBe("state-123");
    expect(location.searchParams.get("code")).toBeNull();
  });

  it("accepts a consent decision only once", async () => {
    const { standIn } = setup();
    const page = await (await standIn.fetch(new Request(await authorizeUrl()))).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(page)![1]!;
    const decide = () => post(standIn, "/ws/oauth/authorize/decision", { request_id: requestId, decision: "approve" });
    expect((await decide()).status).toBe(303);
    expect((await decide()).status).toBe(400);
  });
});

describe("token: authorization_code", () => {
  it("exchanges a code for tokens", async () => {
    const { standIn } = setup();
    const res = await exchange(standIn, await getCode(standIn));
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 3600, scope: "monitoring offline_access" });
    expect(body.access_token).toEqual(expect.any(String));
    expect(body.refresh_token).toEqual(expect.any(String));
    expect(standIn.isAccessTokenValid(body.access_token as string)).toBe(true);
    expect(standIn.stats()).toMatchObject({ tokenRequests: 1, codeGrants: 1, refreshGrants: 0 });
  });

  it("issues no refresh token without offline_access", async () => {
    const { standIn } = setup();
    const res = await exchange(standIn, await getCode(standIn, { scope: "monitoring" }));
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.scope).toBe("monitoring");
    expect(body.access_token).toEqual(expect.any(String));
    expect(body).not.toHaveProperty("refresh_token");
  });

  it("works without PKCE when no challenge was sent", async () => {
    const { standIn } = setup();
    const code = await getCode(standIn, { code_challenge: undefined, code_challenge_method: undefined });
    const res = await exchange(standIn, code, { code_verifier: "" });
    expect(res.status).toBe(200);
  });

  it("accepts a code only once", async () => {
    const { standIn } = setup();
    const code = await getCode(standIn);
    expect((await exchange(standIn, code)).status).toBe(200);
    const second = await exchange(standIn, code);
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ error: "invalid_grant" });
  });

  it.each([
    ["another verifier", { code_verifier: "c".repeat(50) }],
    ["no verifier", { code_verifier: "" }],
    ["the challenge itself", { code_verifier: "__CHALLENGE__" }],
  ])("rejects a wrong PKCE verifier (%s)", async (_, overrides) => {
    const { standIn } = setup();
    const code = await getCode(standIn);
    const challenge = await s256Challenge(VERIFIER);
    const fields = Object.fromEntries(Object.entries(overrides).map(([k, v]) => [k, v === "__CHALLENGE__" ? challenge : v]));
    const res = await exchange(standIn, code, fields);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_grant", error_description: expect.any(String) });
  });

  it.each([REDIRECT + "/", "https://worker.example.com/other", ""])("rejects a redirect_uri different from authorize (%s)", async (redirectUri) => {
    const { standIn } = setup();
    const res = await exchange(standIn, await getCode(standIn), { redirect_uri: redirectUri });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("rejects an expired code", async () => {
    const { standIn, advance } = setup({ codeTtlSeconds: 60 });
    const code = await getCode(standIn);
    advance(61_000);
    const res = await exchange(standIn, code);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("rejects a code issued to another client", async () => {
    const { standIn } = setup();
    standIn.addClient({ clientId: "client-b", clientSecret: "secret-b", redirectUris: [REDIRECT], scopes: ["monitoring"] });
    const res = await exchange(standIn, await getCode(standIn), { client_id: "client-b", client_secret: "secret-b" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_grant" });
  });

  it.each([
    ["wrong secret", { client_secret: "not-the-secret" }],
    ["unknown client", { client_id: "who" }],
    ["no secret", { client_secret: "" }],
  ])("answers 401 invalid_client for a %s", async (_, overrides) => {
    const { standIn } = setup();
    const code = await getCode(standIn);
    const res = await exchange(standIn, code, overrides);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "invalid_client" });
    expect(standIn.stats().codeGrants).toBe(0);
  });

  it("accepts only a form body", async () => {
    const { standIn } = setup();
    const code = await getCode(standIn);
    const res = await standIn.fetch(
      new Request(`${BASE}/ws/oauth/token`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret }),
      }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_request" });
  });

  it("answers unsupported_grant_type for other grants", async () => {
    const { standIn } = setup();
    const res = await post(standIn, "/ws/oauth/token", { grant_type: "client_credentials", client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "unsupported_grant_type" });
  });
});

describe("token: refresh_token", () => {
  it("rotates: issues a new refresh token, the old one dies at once, scope is left out", async () => {
    const { standIn } = setup();
    const first = await connect(standIn);
    const res = await refresh(standIn, first.refresh_token);
    expect(res.status).toBe(200);
    const second = (await res.json()) as Record<string, unknown>;
    expect(second).toMatchObject({ token_type: "Bearer", expires_in: 3600 });
    expect(second).not.toHaveProperty("scope");
    expect(second.refresh_token).toEqual(expect.any(String));
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(second.access_token).not.toBe(first.access_token);

    const reused = await refresh(standIn, first.refresh_token);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: "invalid_grant" });

    expect((await refresh(standIn, second.refresh_token as string)).status).toBe(200);
    expect(standIn.stats()).toMatchObject({ codeGrants: 1, refreshGrants: 2, tokenRequests: 4 });
  });

  it("includes scope on refresh when omitScopeOnRefresh is false", async () => {
    const { standIn } = setup({ omitScopeOnRefresh: false });
    const first = await connect(standIn);
    const body = (await (await refresh(standIn, first.refresh_token)).json()) as Record<string, unknown>;
    expect(body.scope).toBe("monitoring offline_access");
  });

  it("rejects a refresh token presented by another client", async () => {
    const { standIn } = setup();
    standIn.addClient({ clientId: "client-b", clientSecret: "secret-b", redirectUris: [REDIRECT], scopes: ["monitoring"] });
    const first = await connect(standIn);
    const res = await post(standIn, "/ws/oauth/token", {
      grant_type: "refresh_token",
      refresh_token: first.refresh_token,
      client_id: "client-b",
      client_secret: "secret-b",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_grant" });
    // The failed attempt did not consume the token for its real owner.
    expect((await refresh(standIn, first.refresh_token)).status).toBe(200);
  });
});

describe("access tokens and /v2/organizations", () => {
  it("lists organizations for a valid token, honouring pageSize, on both paths", async () => {
    const { standIn } = setup();
    const { access_token } = await connect(standIn);
    const all = await orgs(standIn, access_token);
    expect(all.status).toBe(200);
    const list = (await all.json()) as { id: number; name: string }[];
    expect(list.length).toBeGreaterThanOrEqual(2);
    expect(list[0]).toMatchObject({ id: 1, name: "Acme Dental" });

    const one = await orgs(standIn, access_token, "/v2/organizations?pageSize=1");
    expect(await one.json()).toHaveLength(1);
    const api = await orgs(standIn, access_token, "/api/v2/organizations?pageSize=2");
    expect(await api.json()).toHaveLength(2);
  });

  it("expires access tokens after accessTokenTtlSeconds (injected clock)", async () => {
    const { standIn, advance } = setup({ accessTokenTtlSeconds: 100 });
    const { access_token, refresh_token } = await connect(standIn);
    advance(99_000);
    expect(standIn.isAccessTokenValid(access_token)).toBe(true);
    expect((await orgs(standIn, access_token)).status).toBe(200);
    advance(1_000);
    expect(standIn.isAccessTokenValid(access_token)).toBe(false);
    const res = await orgs(standIn, access_token);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "invalid_token" });
    // The refresh token outlives it and yields a working access token.
    const renewed = (await (await refresh(standIn, refresh_token)).json()) as { access_token: string };
    expect((await orgs(standIn, renewed.access_token)).status).toBe(200);
  });

  it("answers 401 for an unknown or missing token", async () => {
    const { standIn } = setup();
    expect((await orgs(standIn, "made-up-token")).status).toBe(401);
    expect((await orgs(standIn, undefined)).status).toBe(401);
    expect(standIn.isAccessTokenValid("made-up-token")).toBe(false);
  });

  it("answers 403 in NinjaOne's error shape when the token was not granted monitoring", async () => {
    const { standIn } = setup();
    const code = await getCode(standIn, { scope: "management offline_access" });
    const { access_token } = (await (await exchange(standIn, code)).json()) as { access_token: string };
    const res = await orgs(standIn, access_token);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ resultCode: "FORBIDDEN", errorMessage: expect.stringContaining("monitoring"), incidentId: expect.any(String) });
  });
});

describe("revoke", () => {
  it("revokes a refresh token and the access tokens of its grant", async () => {
    const { standIn } = setup();
    const { access_token, refresh_token } = await connect(standIn);
    const res = await post(standIn, "/ws/oauth/revoke", { token: refresh_token, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret });
    expect(res.status).toBe(200);
    expect(standIn.isAccessTokenValid(access_token)).toBe(false);
    expect((await orgs(standIn, access_token)).status).toBe(401);
    const again = await refresh(standIn, refresh_token);
    expect(await again.json()).toMatchObject({ error: "invalid_grant" });
    expect(standIn.stats().revocations).toBe(1);
  });

  it("answers 200 for an unknown token, 401 for wrong client credentials", async () => {
    const { standIn } = setup();
    const { refresh_token } = await connect(standIn);
    expect((await post(standIn, "/ws/oauth/revoke", { token: "unknown", client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret })).status).toBe(200);
    const bad = await post(standIn, "/ws/oauth/revoke", { token: refresh_token, client_id: CLIENT.clientId, client_secret: "wrong" });
    expect(bad.status).toBe(401);
    expect((await refresh(standIn, refresh_token)).status).toBe(200);
  });
});

describe("failure injection", () => {
  it("server_error: 500 with an HTML body, and the code still works afterwards", async () => {
    const { standIn } = setup();
    const code = await getCode(standIn);
    standIn.failNextTokenRequests("server_error");
    const res = await exchange(standIn, code);
    expect(res.status).toBe(500);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    expect(await res.text()).toContain("<html>");
    expect((await exchange(standIn, code)).status).toBe(200);
    expect(standIn.stats()).toMatchObject({ tokenRequests: 2, codeGrants: 1 });
  });

  it("malformed: 200 whose body is not JSON", async () => {
    const { standIn } = setup();
    standIn.failNextTokenRequests("malformed");
    const res = await exchange(standIn, await getCode(standIn));
    expect(res.status).toBe(200);
    await expect(res.json()).rejects.toThrow();
  });

  it("invalid_json_shape: 200 JSON without access_token", async () => {
    const { standIn } = setup();
    standIn.failNextTokenRequests("invalid_json_shape");
    const res = await exchange(standIn, await getCode(standIn));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty("access_token");
  });

  it("rate_limited: 429 for `count` requests, then normal", async () => {
    const { standIn } = setup();
    const { refresh_token } = await connect(standIn);
    standIn.failNextTokenRequests("rate_limited", 2);
    expect((await refresh(standIn, refresh_token)).status).toBe(429);
    const second = await refresh(standIn, refresh_token);
    expect(second.status).toBe(429);
    expect(second.headers.get("Retry-After")).toBeTruthy();
    // The refresh token was not consumed by the failed attempts.
    expect((await refresh(standIn, refresh_token)).status).toBe(200);
  });

  it("slow: waits delayMs, then answers normally", async () => {
    const { standIn } = setup();
    const code = await getCode(standIn);
    standIn.failNextTokenRequests("slow", 1, 150);
    const started = Date.now();
    const res = await exchange(standIn, code);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty("access_token");
  });

  it("is also reachable over HTTP under /__stand-in/", async () => {
    const { standIn } = setup();
    const hook = await standIn.fetch(
      new Request(`${BASE}/__stand-in/fail-next-token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ kind: "server_error" }) }),
    );
    expect(hook.status).toBe(200);
    expect((await exchange(standIn, await getCode(standIn))).status).toBe(500);
    const stats = await standIn.fetch(new Request(`${BASE}/__stand-in/stats`));
    expect(await stats.json()).toEqual({
      tokenRequests: 1, codeGrants: 0, refreshGrants: 0, revocations: 0, apiRequests: 0, webhookPuts: 0, webhookDeletes: 0, deliveries: 0,
    });

    const bad = await standIn.fetch(
      new Request(`${BASE}/__stand-in/fail-next-token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ kind: "explode" }) }),
    );
    expect(bad.status).toBe(400);
  });
});

describe("client authentication comes before the grant (RFC 6749 §5.2)", () => {
  it("answers 401 invalid_client to a wrong secret and 400 invalid_grant to the right one, for a bogus code", async () => {
    const { standIn } = setup();
    const bogus = { code: "not-a-real-code", code_verifier: VERIFIER };
    const wrong = await exchange(standIn, "not-a-real-code", { ...bogus, client_secret: "wrong-secret" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: "invalid_client" });
    const right = await exchange(standIn, "not-a-real-code", bogus);
    expect(right.status).toBe(400);
    expect(await right.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("still answers 404 at authorize for an unknown client id after clients and options change", async () => {
    const { standIn } = setup();
    standIn.addClient(CLIENT_B);
    standIn.setClientOptions(CLIENT.clientId, { monitoring: false });
    expect((await standIn.fetch(new Request(await authorizeUrl({ client_id: "client-c" })))).status).toBe(404);
    expect((await standIn.fetch(new Request(await authorizeUrl({ client_id: CLIENT_B.clientId })))).status).toBe(200);
  });
});

describe("token lifetimes", () => {
  it("configure(accessTokenTtlSeconds) changes the lifetime of tokens issued from then on", async () => {
    const { standIn, advance } = setup();
    const before = await connect(standIn);
    expect(standIn.configure({ accessTokenTtlSeconds: 60 })).toMatchObject({ accessTokenTtlSeconds: 60, refreshTokenIdleSeconds: null });
    const res = await refresh(standIn, before.refresh_token);
    const after = (await res.json()) as { access_token: string; expires_in: number };
    expect(after.expires_in).toBe(60);
    advance(60_000);
    expect((await orgs(standIn, after.access_token)).status).toBe(401);
    // A token issued before the change keeps its hour.
    expect((await orgs(standIn, before.access_token)).status).toBe(200);
  });

  it("refreshTokenIdleSeconds: a refresh token unused for that long is dead; using it resets the clock (rotation)", async () => {
    const { standIn, advance } = setup({ refreshTokenIdleSeconds: 100 });
    let { refresh_token } = await connect(standIn);
    for (let i = 0; i < 3; i++) {
      advance(99_000);
      const res = await refresh(standIn, refresh_token);
      expect(res.status).toBe(200);
      refresh_token = ((await res.json()) as { refresh_token: string }).refresh_token;
    }
    advance(100_000);
    const dead = await refresh(standIn, refresh_token);
    expect(dead.status).toBe(400);
    expect(await dead.json()).toMatchObject({ error: "invalid_grant" });
  });

  it("refresh tokens never die of age by default, and configure can set and clear the idle limit at runtime", async () => {
    const { standIn, advance } = setup();
    const first = await connect(standIn);
    advance(400 * 24 * 3600 * 1000); // over a year
    const res = await refresh(standIn, first.refresh_token);
    expect(res.status).toBe(200);
    const { refresh_token } = (await res.json()) as { refresh_token: string };

    advance(30_000);
    // The new limit also judges tokens issued before it was set.
    standIn.configure({ refreshTokenIdleSeconds: 20 });
    standIn.configure({ refreshTokenIdleSeconds: null });
    expect((await refresh(standIn, refresh_token)).status).toBe(200);

    const again = await connect(standIn);
    advance(30_000);
    standIn.configure({ refreshTokenIdleSeconds: 20 });
    expect(await (await refresh(standIn, again.refresh_token)).json()).toMatchObject({ error: "invalid_grant" });
  });

  it.each([
    [{ accessTokenTtlSeconds: 0 }],
    [{ accessTokenTtlSeconds: 1.5 }],
    [{ accessTokenTtlSeconds: "60" }],
    [{ refreshTokenIdleSeconds: -1 }],
    [{ accessTokenTtlSeconds: 50, refreshTokenIdleSeconds: "soon" }],
    [{ activityOrder: "random" }],
  ])("configure() refuses %o and changes nothing", (changes) => {
    const { standIn } = setup();
    expect(() => standIn.configure(changes as never)).toThrow(BadInput);
    expect(standIn.settings()).toEqual({ accessTokenTtlSeconds: 3600, refreshTokenIdleSeconds: null, activityOrder: "oldest_first" });
  });

  it("POST /__stand-in/config changes the settings, and answers 400 changing nothing for bad input", async () => {
    const { standIn } = setup();
    const ok = await hook(standIn, "config", { accessTokenTtlSeconds: 120, refreshTokenIdleSeconds: 900 });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, settings: { accessTokenTtlSeconds: 120, refreshTokenIdleSeconds: 900, activityOrder: "oldest_first" } });
    expect(((await (await exchange(standIn, await getCode(standIn))).json()) as { expires_in: number }).expires_in).toBe(120);

    for (const bad of [{ accessTokenTtlSeconds: -5 }, { accessTokenTtlSecs: 10 }, { refreshTokenIdleSeconds: "1h" }, { accessTokenTtlSeconds: 10, refreshTokenIdleSeconds: 0 }, "not json", "[1]"]) {
      const res = await hook(standIn, "config", bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(await res.json()).toMatchObject({ error: "invalid_request", message: expect.any(String) });
    }
    expect(standIn.settings()).toMatchObject({ accessTokenTtlSeconds: 120, refreshTokenIdleSeconds: 900 });

    const cleared = await hook(standIn, "config", { refreshTokenIdleSeconds: null });
    expect(await cleared.json()).toMatchObject({ settings: { accessTokenTtlSeconds: 120, refreshTokenIdleSeconds: null } });
  });
});

describe("revoking a client's grants (the app removed in NinjaOne)", () => {
  it("kills every access and refresh token of that client, and only of that client", async () => {
    const { standIn } = setup();
    const one = await connect(standIn);
    const two = await connect(standIn);
    const pendingCode = await getCode(standIn);
    const other = await connectB(standIn);

    expect(standIn.revokeGrants(CLIENT.clientId)).toBe(2);
    for (const grant of [one, two]) {
      expect(standIn.isAccessTokenValid(grant.access_token)).toBe(false);
      const call = await orgs(standIn, grant.access_token);
      expect(call.status).toBe(401);
      expect(call.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
      expect(await (await refresh(standIn, grant.refresh_token)).json()).toMatchObject({ error: "invalid_grant" });
    }
    expect(await (await exchange(standIn, pendingCode)).json()).toMatchObject({ error: "invalid_grant" });

    expect((await orgs(standIn, other.access_token)).status).toBe(200);
    expect((await refreshAs(standIn, CLIENT_B, other.refresh_token)).status).toBe(200);
    // A new consent works again.
    expect((await orgs(standIn, (await connect(standIn)).access_token)).status).toBe(200);
  });

  it("POST /__stand-in/add-client registers a client app that can then be authorized; bad input is a 400", async () => {
    const { standIn } = setup();
    const added = { clientId: "added-app", clientSecret: "added-app-secret-value", redirectUris: ["https://worker.test/cb"], scopes: ["monitoring", "offline_access"] };
    expect((await standIn.fetch(new Request("https://ninjaone.test/ws/oauth/authorize?client_id=added-app"))).status).toBe(404);
    expect((await hook(standIn, "add-client", { ...added, scopes: "monitoring" })).status).toBe(400);
    expect((await hook(standIn, "add-client", { ...added, scopes: ["monitoring", "root"] })).status).toBe(400);
    expect((await hook(standIn, "add-client", { clientId: "x" })).status).toBe(400);
    expect((await standIn.fetch(new Request("https://ninjaone.test/ws/oauth/authorize?client_id=added-app"))).status).toBe(404);
    const res = await hook(standIn, "add-client", added);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, clientId: "added-app" });
    expect((await standIn.fetch(new Request("https://ninjaone.test/ws/oauth/authorize?client_id=added-app"))).status).not.toBe(404);
  });

  it("POST /__stand-in/revoke-grants does the same; an unknown or missing client id is a 400", async () => {
    const { standIn } = setup();
    const grant = await connect(standIn);
    expect((await hook(standIn, "revoke-grants", { clientId: "nobody" })).status).toBe(400);
    expect((await hook(standIn, "revoke-grants", {})).status).toBe(400);
    expect(standIn.isAccessTokenValid(grant.access_token)).toBe(true);

    const res = await hook(standIn, "revoke-grants", { clientId: CLIENT.clientId });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, clientId: CLIENT.clientId, revokedGrants: 1 });
    expect((await orgs(standIn, grant.access_token)).status).toBe(401);
    expect(() => standIn.revokeGrants("nobody")).toThrow(BadInput);
  });
});

describe("token endpoint: invalid_token and Retry-After", () => {
  it("invalid_token: 400 {error: invalid_token}, without consuming the refresh token", async () => {
    const { standIn } = setup();
    const { refresh_token } = await connect(standIn);
    standIn.failNextTokenRequests("invalid_token");
    const res = await refresh(standIn, refresh_token);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "invalid_token", error_description: expect.any(String) });
    expect((await refresh(standIn, refresh_token)).status).toBe(200);
  });

  it("rate_limited takes a Retry-After in seconds, or none at all; the old three-argument call still works", async () => {
    const { standIn } = setup();
    const { refresh_token } = await connect(standIn);
    standIn.failNextTokenRequests("rate_limited", 1, 0, { retryAfterSeconds: 7 });
    expect((await refresh(standIn, refresh_token)).headers.get("Retry-After")).toBe("7");
    standIn.failNextTokenRequests("rate_limited", 1, 0, { retryAfterSeconds: null });
    const bare = await refresh(standIn, refresh_token);
    expect(bare.status).toBe(429);
    expect(bare.headers.has("Retry-After")).toBe(false);
    standIn.failNextTokenRequests("rate_limited", 1, 1000);
    expect((await refresh(standIn, refresh_token)).headers.get("Retry-After")).toBe("30");
    expect(() => standIn.failNextTokenRequests("rate_limited", 1, 0, { retryAfterSeconds: -1 })).toThrow(BadInput);
    expect((await refresh(standIn, refresh_token)).status).toBe(200);
  });

  it("the hook takes invalid_token and an optional retryAfter, and refuses bad values", async () => {
    const { standIn } = setup();
    const { refresh_token } = await connect(standIn);
    expect(await (await hook(standIn, "fail-next-token", { kind: "rate_limited", retryAfter: 5 })).json()).toMatchObject({ ok: true, retryAfter: 5 });
    expect((await refresh(standIn, refresh_token)).headers.get("Retry-After")).toBe("5");
    expect((await hook(standIn, "fail-next-token", { kind: "invalid_token" })).status).toBe(200);
    expect(await (await refresh(standIn, refresh_token)).json()).toMatchObject({ error: "invalid_token" });

    for (const bad of [{ kind: "rate_limited", retryAfter: "soon" }, { kind: "rate_limited", count: "2" }, { kind: "slow", delayMs: -1 }, { kind: "server_error", extra: 1 }]) {
      const res = await hook(standIn, "fail-next-token", bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(await res.json()).toMatchObject({ kinds: expect.arrayContaining(["invalid_token"]) });
    }
    expect((await refresh(standIn, refresh_token)).status).toBe(200);
  });
});

describe("API: scopes, pagination, creating organizations", () => {
  it("401 with WWW-Authenticate for a missing, unknown or expired token, on both paths", async () => {
    const { standIn, advance } = setup();
    const { access_token } = await connect(standIn);
    advance(3600_000);
    for (const path of ["/v2/organizations", "/api/v2/organizations", "/v2/activities", "/v2/webhook"]) {
      for (const token of [undefined, "made-up", access_token]) {
        const res = await api(standIn, "GET", path, token);
        expect(res.status).toBe(401);
        expect(res.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token"');
      }
    }
  });

  it("403 FORBIDDEN while the client app lacks the Monitoring scope, at runtime, for existing tokens too", async () => {
    const { standIn } = setup();
    const { access_token } = await connect(standIn);
    expect(standIn.setClientOptions(CLIENT.clientId, { monitoring: false })).toEqual({ monitoring: false, systemAdmin: true });
    for (const path of ["/v2/organizations?pageSize=1", "/api/v2/organizations?pageSize=1", "/v2/activities"]) {
      const res = await api(standIn, "GET", path, access_token);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ resultCode: "FORBIDDEN", errorMessage: expect.any(String), incidentId: expect.any(String) });
    }
    standIn.setClientOptions(CLIENT.clientId, { monitoring: true });
    expect((await orgs(standIn, access_token, "/v2/organizations?pageSize=1")).status).toBe(200);
  });

  it("a client registered without the monitoring scope, or with monitoring: false, gets 403", async () => {
    const { standIn } = setup();
    const { access_token } = await connectB(standIn);
    standIn.addClient({ ...CLIENT, monitoring: false }); // re-registering keeps tokens
    expect((await orgs(standIn, access_token)).status).toBe(200);
    const mine = await connect(standIn);
    expect((await orgs(standIn, mine.access_token)).status).toBe(403);
  });

  it("POST /__stand-in/client-options switches monitoring and systemAdmin; bad input is a 400 that changes nothing", async () => {
    const { standIn } = setup();
    const { access_token } = await connect(standIn);
    const res = await hook(standIn, "client-options", { clientId: CLIENT.clientId, monitoring: false });
    expect(await res.json()).toEqual({ ok: true, clientId: CLIENT.clientId, monitoring: false, systemAdmin: true });
    expect((await orgs(standIn, access_token)).status).toBe(403);
    for (const bad of [{ clientId: "nobody", monitoring: true }, { clientId: CLIENT.clientId, monitoring: "yes" }, { clientId: CLIENT.clientId, monitoring: true, systemAdmin: 0 }, { monitoring: true }]) {
      expect((await hook(standIn, "client-options", bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await orgs(standIn, access_token)).status).toBe(403);
    expect(() => standIn.setClientOptions("nobody", { monitoring: true })).toThrow(BadInput);
  });

  it("GET organizations pages with pageSize and after (the last id of the previous page)", async () => {
    const { standIn } = setup();
    const { access_token } = await connect(standIn);
    const ids = async (path: string) => ((await (await orgs(standIn, access_token, path)).json()) as { id: number }[]).map((o) => o.id);
    expect(await ids("/v2/organizations?pageSize=2")).toEqual([1, 2]);
    expect(await ids("/v2/organizations?pageSize=2&after=2")).toEqual([3]);
    expect(await ids("/api/v2/organizations?pageSize=2&after=3")).toEqual([]);
    expect(await ids("/v2/organizations?after=1")).toEqual([2, 3]);
    for (const bad of ["pageSize=abc", "pageSize=0", "after=-1"]) expect((await orgs(standIn, access_token, `/v2/organizations?${bad}`)).status).toBe(400);
  });

  it("POST organizations creates one (management scope), which then lists, on both paths", async () => {
    const { standIn } = setup();
    const { access_token } = await connect(standIn); // monitoring offline_access only
    expect((await api(standIn, "POST", "/v2/organizations", access_token, { name: "Hooli" })).status).toBe(403);

    const code = await getCode(standIn, { scope: "monitoring management offline_access" });
    const manager = ((await (await exchange(standIn, code)).json()) as { access_token: string }).access_token;
    const created = await api(standIn, "POST", "/v2/organizations", manager, { name: "Hooli", description: "new" });
    expect(created.status).toBe(200);
    const org = (await created.json()) as { id: number; name: string };
    expect(org).toMatchObject({ id: 4, name: "Hooli", description: "new" });
    const viaApi = await api(standIn, "POST", "/api/v2/organizations", manager, { name: "Pied Piper" });
    expect(await viaApi.json()).toMatchObject({ id: 5, name: "Pied Piper" });
    expect(await (await orgs(standIn, access_token, "/v2/organizations?after=3")).json()).toMatchObject([{ id: 4, name: "Hooli" }, { id: 5 }]);

    for (const bad of [{}, { name: "" }, { name: 7 }, { name: "x", description: 1 }, "not json"]) {
      const res = await api(standIn, "POST", "/v2/organizations", manager, bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(await res.json()).toMatchObject({ resultCode: expect.any(String), errorMessage: expect.any(String), incidentId: expect.any(String) });
    }
  });

  it("keeps each client app's organizations apart", async () => {
    const { standIn } = setup();
    const code = await getCode(standIn, { scope: "monitoring management offline_access" });
    const manager = ((await (await exchange(standIn, code)).json()) as { access_token: string }).access_token;
    await api(standIn, "POST", "/v2/organizations", manager, { name: "Hooli" });
    const other = await connectB(standIn);
    expect(await (await orgs(standIn, other.access_token)).json()).toHaveLength(3);
  });

  it("answers an unknown API route 404 in NinjaOne's error shape", async () => {
    const { standIn } = setup();
    const { access_token } = await connect(standIn);
    const res = await api(standIn, "GET", "/v2/devices-nope", access_token);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ resultCode: "NOT_FOUND" });
  });
});

describe("API failure injection and request recording", () => {
  it("rate_limited: 429 with Retry-After for `count` requests, then normal; server_error: 500", async () => {
    const { standIn } = setup();
    const { access_token } = await connect(standIn);
    standIn.failNextApiRequests("rate_limited", 2, { retryAfterSeconds: 12 });
    for (let i = 0; i < 2; i++) {
      const res = await orgs(standIn, access_token);
      expect(res.status).toBe(429);
      expect(res.headers.get("Retry-After")).toBe("12");
      expect(await res.json()).toMatchObject({ resultCode: expect.any(String), incidentId: expect.any(String) });
    }
    expect((await orgs(standIn, access_token)).status).toBe(200);
    standIn.failNextApiRequests("server_error");
    expect((await orgs(standIn, access_token, "/api/v2/organizations")).status).toBe(500);
    expect((await orgs(standIn, access_token)).status).toBe(200);
    standIn.failNextApiRequests("rate_limited", 1, { retryAfterSeconds: null });
    expect((await orgs(standIn, access_token)).headers.has("Retry-After")).toBe(false);
    expect(() => standIn.failNextApiRequests("slow" as never)).toThrow(BadInput);
    // The token endpoint is not affected.
    standIn.failNextApiRequests("server_error");
    expect((await exchange(standIn, await getCode(standIn))).status).toBe(200);
  });

  it("POST /__stand-in/fail-next-api does the same and refuses bad input", async () => {
    const { standIn } = setup();
    const { access_token } = await connect(standIn);
    expect((await hook(standIn, "fail-next-api", { kind: "rate_limited", retryAfter: 3 })).status).toBe(200);
    expect((await orgs(standIn, access_token)).headers.get("Retry-After")).toBe("3");
    for (const bad of [{ kind: "malformed" }, { kind: "rate_limited", retryAfter: -3 }, { kind: "rate_limited", count: 1.5 }, {}]) {
      expect((await hook(standIn, "fail-next-api", bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await orgs(standIn, access_token)).status).toBe(200);
  });

  it("counts API requests and records what arrived: method, path, query, headers, body, kind of Authorization", async () => {
    const { standIn } = setup();
    const { access_token } = await connect(standIn);
    expect(standIn.lastApiRequest()).toBeUndefined();
    await api(standIn, "GET", "/api/v2/organizations?pageSize=1", access_token, undefined, { Cookie: "session=abc", "X-Extra": "1" });
    expect(standIn.lastApiRequest()).toEqual({
      method: "GET",
      path: "/api/v2/organizations",
      search: "?pageSize=1",
      headers: expect.objectContaining({ authorization: `Bearer ${access_token}`, cookie: "session=abc", "x-extra": "1" }),
      authorization: "valid_bearer",
    });
    await api(standIn, "PUT", "/v2/webhook", undefined, { url: "https://x.example/" }, { Authorization: "Basic dXNlcjpwYXNz" });
    expect(standIn.lastApiRequest()).toMatchObject({ method: "PUT", authorization: "other", body: '{"url":"https://x.example/"}' });
    await api(standIn, "GET", "/v2/organizations", "not-a-token");
    expect(standIn.lastApiRequest()?.authorization).toBe("invalid_bearer");
    await api(standIn, "GET", "/v2/organizations");
    expect(standIn.lastApiRequest()).toMatchObject({ authorization: "none", headers: expect.not.objectContaining({ authorization: expect.anything() }) });
    expect(standIn.stats().apiRequests).toBe(4);

    const viaHook = await standIn.fetch(new Request(`${BASE}/__stand-in/last-api-request`));
    expect(await viaHook.json()).toMatchObject({ method: "GET", path: "/v2/organizations", authorization: "none" });
  });
});

describe("webhooks", () => {
  const CONFIG = {
    url: "https://worker.example.com/api/integrations/ninjaone/webhooks/route-1",
    activities: { CONDITION: ["TRIGGERED", "RESET"] },
    expand: ["device", "organization"],
    headers: [{ name: "X-Webhook-Secret", value: "s3cret-value" }],
  };

  it("PUT stores the configuration for the token's client app (204), replacing the previous one; DELETE removes it (204)", async () => {
    const { standIn } = setup();
    const { access_token } = await connect(standIn);
    const put = await api(standIn, "PUT", "/v2/webhook", access_token, CONFIG);
    expect(put.status).toBe(204);
    expect(await put.text()).toBe("");
    expect(standIn.webhookOf(CLIENT.clientId)).toEqual(CONFIG);
    expect(standIn.webhookOf(CLIENT_B.clientId)).toBeUndefined();

    expect((await api(standIn, "PUT", "/api/v2/webhook", access_token, { url: "http://127.0.0.1:8787/hook", organizationIds: [1, 2] })).status).toBe(204);
    expect(standIn.webhookOf(CLIENT.clientId)).toEqual({ url: "http://127.0.0.1:8787/hook", organizationIds: [1, 2] });

    expect((await api(standIn, "DELETE", "/v2/webhook", access_token)).status).toBe(204);
    expect(standIn.webhookOf(CLIENT.clientId)).toBeUndefined();
    expect((await api(standIn, "DELETE", "/v2/webhook", access_token)).status).toBe(204);
    expect(standIn.stats()).toMatchObject({ webhookPuts: 2, webhookDeletes: 2 });
  });

  it.each([
    ["no url", { expand: ["device"] }],
    ["an ftp url", { url: "ftp://x.example/" }],
    ["a relative url", { url: "/hook" }],
    ["a javascript url", { url: "javascript:alert(1)" }],
    ["headers not a list", { url: "https://x.example/", headers: { "X-A": "b" } }],
    ["a header name with a space", { url: "https://x.example/", headers: [{ name: "X A", value: "b" }] }],
    ["a header value with a newline", { url: "https://x.example/", headers: [{ name: "X-A", value: "b\r\nX-Evil: 1" }] }],
    ["expand not strings", { url: "https://x.example/", expand: [1] }],
    ["organizationIds not integers", { url: "https://x.example/", organizationIds: ["1"] }],
    ["activities not a map of lists", { url: "https://x.example/", activities: ["CONDITION"] }],
    ["not JSON", "{url:"],
  ])("PUT answers 400 for %s and keeps the previous configuration", async (_, body) => {
    const { standIn } = setup();
    const { access_token } = await connect(standIn);
    await api(standIn, "PUT", "/v2/webhook", access_token, CONFIG);
    const res = await api(standIn, "PUT", "/v2/webhook", access_token, body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ resultCode: expect.any(String), errorMessage: expect.any(String) });
    expect(standIn.webhookOf(CLIENT.clientId)).toEqual(CONFIG);
    expect(standIn.stats().webhookPuts).toBe(1);
  });

  it("answers 403 'Only system administrators can configure webhooks' when the app is not a system administrator", async () => {
    const { standIn } = setup();
    const { access_token } = await connect(standIn);
    standIn.setClientOptions(CLIENT.clientId, { systemAdmin: false });
    for (const method of ["PUT", "DELETE"]) {
      const res = await api(standIn, method, "/v2/webhook", access_token, method === "PUT" ? CONFIG : undefined);
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ resultCode: "FORBIDDEN", errorMessage: "Only system administrators can configure webhooks", incidentId: expect.any(String) });
    }
    expect(standIn.webhookOf(CLIENT.clientId)).toBeUndefined();
    standIn.setClientOptions(CLIENT.clientId, { systemAdmin: true });
    expect((await api(standIn, "PUT", "/v2/webhook", access_token, CONFIG)).status).toBe(204);
  });
});

describe("activities and deliveries", () => {
  async function withWebhook(standIn: StandIn, config: Record<string, unknown> = {}) {
    const grant = await connect(standIn);
    const res = await api(standIn, "PUT", "/v2/webhook", grant.access_token, {
      url: "https://worker.example.com/hooks/route-1",
      headers: [{ name: "X-Route-Secret", value: "route-secret-1" }],
      ...config,
    });
    expect(res.status).toBe(204);
    return grant;
  }

  it("emitActivity POSTs the activity as JSON to the webhook URL with the registered headers, unsigned", async () => {
    const { standIn, sent } = setupWithDeliveries(async () => new Response(null, { status: 202 }));
    await withWebhook(standIn);
    const result = await standIn.emitActivity(CLIENT.clientId);
    expect(result.delivery).toEqual({ delivered: true, status: 202 });
    expect(sent).toHaveLength(1);
    const { request, body } = sent[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("https://worker.example.com/hooks/route-1");
    expect(request.headers.get("Content-Type")).toBe("application/json");
    expect(request.headers.get("X-Route-Secret")).toBe("route-secret-1");
    // Nothing but the body type and the registered header: NinjaOne signs nothing.
    expect([...request.headers.keys()].sort()).toEqual(["content-type", "x-route-secret"]);
    expect(body).toEqual(result.activity);
    expect(Object.keys(body).sort()).toEqual(
      ["id", "activityTime", "deviceId", "severity", "priority", "seriesUid", "activityType", "statusCode", "status", "activityResult", "sourceConfigUid", "sourceName", "subject", "userId", "message", "type", "data"].sort(),
    );
    expect(body.activityTime).toBe(1_700_000_000);
    expect(standIn.stats().deliveries).toBe(1);
  });

  it("adds device and organizationId when the webhook's expand asks for them", async () => {
    const { standIn, sent } = setupWithDeliveries();
    await withWebhook(standIn, { expand: ["device", "organization"] });
    await standIn.emitActivity(CLIENT.clientId, { activity: { deviceId: 102 } });
    expect(sent[0]!.body).toMatchObject({ deviceId: 102, organizationId: 2, device: { id: 102, organizationId: 2 } });
    await withWebhook(standIn, { expand: ["organization"] });
    await standIn.emitActivity(CLIENT.clientId);
    expect(sent[1]!.body).toMatchObject({ organizationId: 1 });
    expect(sent[1]!.body).not.toHaveProperty("device");
  });

  it("deliver: false appends without delivering; no webhook, an organization filter or a failing receiver say so", async () => {
    const { standIn, sent } = setupWithDeliveries(async () => {
      throw new TypeError("connection refused");
    });
    expect((await standIn.emitActivity(CLIENT.clientId)).delivery).toEqual({ delivered: false, reason: "no_webhook" });
    await withWebhook(standIn, { organizationIds: [3] });
    expect((await standIn.emitActivity(CLIENT.clientId, { deliver: false })).delivery).toEqual({ delivered: false, reason: "not_requested" });
    expect((await standIn.emitActivity(CLIENT.clientId, { activity: { deviceId: 101 } })).delivery).toEqual({ delivered: false, reason: "organization_filter" });
    expect(sent).toHaveLength(0);
    const failed = await standIn.emitActivity(CLIENT.clientId, { activity: { deviceId: 103 } });
    expect(failed.delivery).toEqual({ delivered: false, reason: "error", error: expect.stringContaining("connection refused") });
    expect(sent).toHaveLength(1);
    expect(standIn.activitiesOf(CLIENT.clientId).map((a) => a.id)).toEqual([1, 2, 3, 4]);
  });

  it("takes activity fields, refuses an id, unknown fields, wrong types and unknown clients", async () => {
    const { standIn } = setup();
    const { activity } = await standIn.emitActivity(CLIENT.clientId, { activity: { statusCode: "RESET", severity: "NONE", deviceId: null, data: { x: 1 }, subject: undefined } });
    expect(activity).toMatchObject({ id: 1, statusCode: "RESET", severity: "NONE", deviceId: null, data: { x: 1 }, subject: "Disk space low" });
    await expect(standIn.emitActivity(CLIENT.clientId, { activity: { id: 99 } as never })).rejects.toThrow(BadInput);
    await expect(standIn.emitActivity(CLIENT.clientId, { activity: { colour: "red" } as never })).rejects.toThrow(BadInput);
    await expect(standIn.emitActivity(CLIENT.clientId, { activity: { deviceId: "101" } as never })).rejects.toThrow(BadInput);
    await expect(standIn.emitActivity("nobody")).rejects.toThrow(BadInput);
    expect(standIn.activitiesOf(CLIENT.clientId)).toHaveLength(1);
  });

  it("redeliverActivity sends the same activity (same id) again", async () => {
    const { standIn, sent } = setupWithDeliveries();
    await withWebhook(standIn);
    const { activity } = await standIn.emitActivity(CLIENT.clientId);
    expect((await standIn.redeliverActivity(CLIENT.clientId, activity.id)).delivery).toEqual({ delivered: true, status: 200 });
    expect(sent.map((s) => s.body.id)).toEqual([activity.id, activity.id]);
    await expect(standIn.redeliverActivity(CLIENT.clientId, 999)).rejects.toThrow(BadInput);
  });

  it("delivers through the global fetch by default", async () => {
    const spy = vi.spyOn(globalThis, "fetch").mockResolvedValue(new Response(null, { status: 204 }));
    try {
      const { standIn } = setup();
      await withWebhook(standIn);
      expect((await standIn.emitActivity(CLIENT.clientId)).delivery).toEqual({ delivered: true, status: 204 });
      expect(new Request(spy.mock.calls[0]![0] as Request).url).toBe("https://worker.example.com/hooks/route-1");
    } finally {
      spy.mockRestore();
    }
  });

  it("GET /v2/activities pages by newerThan and pageSize, oldest first, with lastActivityId as the watermark", async () => {
    const { standIn } = setup();
    const { access_token } = await connect(standIn);
    const other = await connectB(standIn);
    for (let i = 0; i < 5; i++) await standIn.emitActivity(CLIENT.clientId, { deliver: false });
    await standIn.emitActivity(CLIENT_B.clientId, { deliver: false }); // id 6, another client's
    const list = async (query: string, token = access_token) => {
      const res = await api(standIn, "GET", `/v2/activities${query}`, token);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { lastActivityId: number; activities: Activity[] };
      return { last: body.lastActivityId, ids: body.activities.map((a) => a.id) };
    };
    expect(await list("?newerThan=0&pageSize=2")).toEqual({ last: 2, ids: [1, 2] });
    expect(await list("?newerThan=2&pageSize=2")).toEqual({ last: 4, ids: [3, 4] });
    expect(await list("?newerThan=4&pageSize=2")).toEqual({ last: 5, ids: [5] });
    expect(await list("?newerThan=5")).toEqual({ last: 5, ids: [] });
    expect(await list("?pageSize=2")).toEqual({ last: 5, ids: [4, 5] }); // no watermark: the newest
    expect(await list("?newerThan=0", other.access_token)).toEqual({ last: 6, ids: [6] });
    const viaApi = await api(standIn, "GET", "/api/v2/activities?newerThan=3", access_token);
    expect(((await viaApi.json()) as { activities: Activity[] }).activities.map((a) => a.id)).toEqual([4, 5]);

    standIn.configure({ activityOrder: "newest_first" });
    expect(await list("?newerThan=1&pageSize=3")).toEqual({ last: 4, ids: [4, 3, 2] });

    for (const bad of ["?pageSize=0", "?pageSize=1001", "?newerThan=abc", "?pageSize=2.5"]) {
      expect((await api(standIn, "GET", `/v2/activities${bad}`, access_token)).status, bad).toBe(400);
    }
  });

  it("GET /v2/activities answers 200 activities by default and at most 1000", async () => {
    const { standIn } = setup();
    const { access_token } = await connect(standIn);
    for (let i = 0; i < 1005; i++) await standIn.emitActivity(CLIENT.clientId, { deliver: false });
    const count = async (query: string) => (((await (await api(standIn, "GET", `/v2/activities${query}`, access_token)).json()) as { activities: unknown[] }).activities.length);
    expect(await count("?newerThan=0")).toBe(200);
    expect(await count("?newerThan=0&pageSize=1000")).toBe(1000);
  });

  it("POST /__stand-in/emit-activity and /__stand-in/redeliver answer the activity and the delivery", async () => {
    const { standIn, sent } = setupWithDeliveries();
    await withWebhook(standIn);
    const quiet = await hook(standIn, "emit-activity", { clientId: CLIENT.clientId, deliver: false, statusCode: "RESET", activity: { subject: "Back to normal" } });
    expect(quiet.status).toBe(200);
    expect(await quiet.json()).toMatchObject({ ok: true, activity: { id: 1, statusCode: "RESET", subject: "Back to normal" }, delivery: { delivered: false, reason: "not_requested" } });
    expect(sent).toHaveLength(0);

    const loud = await hook(standIn, "emit-activity", { clientId: CLIENT.clientId });
    expect(await loud.json()).toMatchObject({ activity: { id: 2 }, delivery: { delivered: true, status: 200 } });
    const again = await hook(standIn, "redeliver", { clientId: CLIENT.clientId, activityId: 1 });
    expect(await again.json()).toMatchObject({ activity: { id: 1 }, delivery: { delivered: true } });
    expect(sent.map((s) => s.body.id)).toEqual([2, 1]);

    for (const bad of [{ clientId: "nobody" }, { clientId: CLIENT.clientId, id: 5 }, { clientId: CLIENT.clientId, deliver: "yes" }, { clientId: CLIENT.clientId, colour: "red" }, { clientId: CLIENT.clientId, activity: [] }]) {
      expect((await hook(standIn, "emit-activity", bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await hook(standIn, "redeliver", { clientId: CLIENT.clientId, activityId: 42 })).status).toBe(400);
    expect(standIn.activitiesOf(CLIENT.clientId)).toHaveLength(2);
  });
});

describe("control page", () => {
  async function controlPage(standIn: StandIn) {
    const res = await standIn.fetch(new Request(`${BASE}/__stand-in/`));
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    return res.text();
  }

  /** Every form on the page, as [action, fields]. */
  function forms(body: string): [string, Record<string, string>][] {
    return [...body.matchAll(/<form method="post" action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)].map(([, action, inner]) => [
      action!,
      Object.fromEntries([...inner!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(([, k, v]) => [k!, v!])),
    ]);
  }

  it("lists the registered clients (escaped, without secrets) under the banner, and the home page links to it", async () => {
    const { standIn } = setup();
    standIn.addClient(CLIENT_B);
    const body = await controlPage(standIn);
    expect(body).toContain("NinjaOne stand-in (local development)");
    expect(body).toContain("not the real NinjaOne");
    expect(body).toContain("Host &lt;App&gt; &amp; Co");
    expect(body).not.toContain("Host <App>");
    expect(body).toContain('data-client-id="client-a"');
    expect(body).toContain('data-client-id="client-b"');
    expect(body).not.toContain(CLIENT.clientSecret);
    expect(body).not.toContain(CLIENT_B.clientSecret);
    const actions = new Set(forms(body).map(([action]) => action));
    for (const name of ["revoke-grants", "fail-next-token", "fail-next-api", "client-options", "emit-activity", "config"]) expect(actions).toContain(`/__stand-in/${name}`);

    const home = await (await standIn.fetch(new Request(`${BASE}/`))).text();
    expect(home).toContain('href="/__stand-in/"');
  });

  it("does not show the webhook's header values", async () => {
    const { standIn } = setup();
    const { access_token } = await connect(standIn);
    await api(standIn, "PUT", "/v2/webhook", access_token, { url: "https://x.example/<b>", headers: [{ name: "X-Route-Secret", value: "route-secret-1" }] });
    const body = await controlPage(standIn);
    expect(body).toContain("https://x.example/&lt;b&gt;");
    expect(body).toContain("X-Route-Secret");
    expect(body).not.toContain("route-secret-1");
  });

  it("every button works: each form posts to its hook and is redirected back to the page", async () => {
    const { standIn } = setupWithDeliveries();
    const body = await controlPage(standIn);
    const all = forms(body);
    expect(all.length).toBeGreaterThanOrEqual(12);
    for (const [action, fields] of all) {
      if (action === "/__stand-in/config") continue; // text inputs, below
      const res = await standIn.fetch(
        new Request(new URL(action, BASE), { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() }),
      );
      expect(res.status, `${action} ${JSON.stringify(fields)}`).toBe(303);
      expect(res.headers.get("Location")).toMatch(/^\/__stand-in\/\?done=/);
    }
    expect(standIn.activitiesOf(CLIENT.clientId)).toHaveLength(2);
    const after = await standIn.fetch(new Request(`${BASE}/__stand-in/?done=emit-activity`));
    expect(await after.text()).toContain("Activity emitted.");
  });

  it("form posts act like the JSON hooks", async () => {
    const { standIn } = setup();
    const grant = await connect(standIn);
    expect((await formHook(standIn, "client-options", { clientId: CLIENT.clientId, monitoring: "false" })).status).toBe(303);
    expect((await orgs(standIn, grant.access_token)).status).toBe(403);
    expect((await formHook(standIn, "fail-next-token", { kind: "invalid_token" })).status).toBe(303);
    expect(await (await refresh(standIn, grant.refresh_token)).json()).toMatchObject({ error: "invalid_token" });
    expect((await formHook(standIn, "config", { accessTokenTtlSeconds: "120" })).status).toBe(303);
    expect((await formHook(standIn, "config", { refreshTokenIdleSeconds: "600" })).status).toBe(303);
    expect(standIn.settings()).toMatchObject({ accessTokenTtlSeconds: 120, refreshTokenIdleSeconds: 600 });
    expect((await formHook(standIn, "config", { refreshTokenIdleSeconds: "" })).status).toBe(303); // empty: never
    expect(standIn.settings().refreshTokenIdleSeconds).toBeNull();
    expect((await formHook(standIn, "emit-activity", { clientId: CLIENT.clientId, deliver: "false", deviceId: "103" })).status).toBe(303);
    expect(standIn.activitiesOf(CLIENT.clientId)[0]).toMatchObject({ deviceId: 103 });
    expect((await formHook(standIn, "revoke-grants", { clientId: CLIENT.clientId })).status).toBe(303);
    expect(standIn.isAccessTokenValid(grant.access_token)).toBe(false);
  });

  it("a bad form answers a 400 page and changes nothing", async () => {
    const { standIn } = setup();
    for (const [name, fields] of [
      ["config", { accessTokenTtlSeconds: "soon" }],
      ["client-options", { clientId: CLIENT.clientId, monitoring: "maybe" }],
      ["revoke-grants", { clientId: "<nobody>" }],
    ] as const) {
      const res = await formHook(standIn, name, fields);
      expect(res.status).toBe(400);
      const body = await res.text();
      expect(body).toContain('href="/__stand-in/"');
      expect(body).not.toContain("<nobody>");
    }
    expect(standIn.settings().accessTokenTtlSeconds).toBe(3600);
    expect(standIn.setClientOptions(CLIENT.clientId, {})).toEqual({ monitoring: true, systemAdmin: true });
  });

  it("refuses hook requests a browser marks as coming from another site", async () => {
    const { standIn } = setup();
    const grant = await connect(standIn);
    const foreign: Record<string, string>[] = [{ Origin: "https://evil.example" }, { "Sec-Fetch-Site": "cross-site" }, { Origin: "null" }];
    for (const headers of foreign) {
      expect((await formHook(standIn, "revoke-grants", { clientId: CLIENT.clientId }, headers)).status).toBe(403);
      expect((await hook(standIn, "revoke-grants", { clientId: CLIENT.clientId }, headers)).status).toBe(403);
    }
    expect(standIn.isAccessTokenValid(grant.access_token)).toBe(true);
    const own = await formHook(standIn, "revoke-grants", { clientId: CLIENT.clientId }, { Origin: BASE, "Sec-Fetch-Site": "same-origin" });
    expect(own.status).toBe(303);
  });
});

describe("worker.ts (wrangler dev entry)", () => {
  it("builds the stand-in from the STAND_IN_CLIENTS var", async () => {
    const env = { STAND_IN_CLIENTS: JSON.stringify([CLIENT]) };
    const res = await worker.fetch(new Request(await authorizeUrl()), env);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Approve");
  });

  it("keeps its state between requests", async () => {
    const env = { STAND_IN_CLIENTS: JSON.stringify([CLIENT]) };
    const viaWorker = { fetch: (request: Request) => worker.fetch(request, env) } as StandIn;
    const { access_token } = (await (await exchange(viaWorker, await getCode(viaWorker))).json()) as { access_token: string };
    expect((await orgs(viaWorker, access_token)).status).toBe(200);
  });

  it("takes STAND_IN_OPTIONS and per-client systemAdmin / monitoring", async () => {
    const env = {
      STAND_IN_CLIENTS: JSON.stringify([{ ...CLIENT, systemAdmin: false, monitoring: false }]),
      STAND_IN_OPTIONS: JSON.stringify({ accessTokenTtlSeconds: 120, refreshTokenIdleSeconds: 86_400 }),
    };
    const viaWorker = { fetch: (request: Request) => worker.fetch(request, env) } as StandIn;
    const tokens = (await (await exchange(viaWorker, await getCode(viaWorker))).json()) as { access_token: string; expires_in: number };
    expect(tokens.expires_in).toBe(120);
    expect((await orgs(viaWorker, tokens.access_token)).status).toBe(403);
    expect((await api(viaWorker, "PUT", "/v2/webhook", tokens.access_token, { url: "https://x.example/" })).status).toBe(403);
    const page = await (await viaWorker.fetch(new Request(`${BASE}/__stand-in/`))).text();
    expect(page).toContain("86400 s without use");
  });

  it.each([
    ["STAND_IN_OPTIONS not JSON", { STAND_IN_OPTIONS: "{secret-ish" }, "STAND_IN_OPTIONS is not valid JSON"],
    ["STAND_IN_OPTIONS an unknown key", { STAND_IN_OPTIONS: '{"accessTokenTTL":5}' }, "unknown keys accessTokenTTL"],
    ["STAND_IN_OPTIONS a bad value", { STAND_IN_OPTIONS: '{"accessTokenTtlSeconds":-1}' }, "accessTokenTtlSeconds"],
    ["STAND_IN_CLIENTS a bad systemAdmin", { STAND_IN_CLIENTS: JSON.stringify([{ ...CLIENT, systemAdmin: "no" }]) }, "systemAdmin"],
    ["STAND_IN_CLIENTS not JSON", { STAND_IN_CLIENTS: `[{"clientSecret":"${CLIENT.clientSecret}"` }, "STAND_IN_CLIENTS is not valid JSON"],
  ])("answers 500 naming the problem for %s, without echoing the value", async (_, vars, message) => {
    const env = { STAND_IN_CLIENTS: JSON.stringify([CLIENT]), ...vars };
    const res = await worker.fetch(new Request(`${BASE}/`), env);
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).toContain(message);
    expect(body).not.toContain(CLIENT.clientSecret);
    expect(body).not.toContain("secret-ish");
  });
});

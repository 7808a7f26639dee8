// Tests of the NinjaOne stand-in itself. They run in workerd (pool-workers)
// and use only Web APIs, talking to the stand-in through its fetch().
import { describe, expect, it } from "vitest";
import { consent, createStandIn, s256Challenge, type StandIn, type StandInClient } from "./stand-in";
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

  it("answers 401 insufficient_scope without monitoring", async () => {
    const { standIn } = setup();
    const code = await getCode(standIn, { scope: "management offline_access" });
    const { access_token } = (await (await exchange(standIn, code)).json()) as { access_token: string };
    const res = await orgs(standIn, access_token);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: "insufficient_scope" });
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
    expect(await stats.json()).toEqual({ tokenRequests: 1, codeGrants: 0, refreshGrants: 0, revocations: 0 });

    const bad = await standIn.fetch(
      new Request(`${BASE}/__stand-in/fail-next-token`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ kind: "explode" }) }),
    );
    expect(bad.status).toBe(400);
  });
});

describe("worker.ts (wrangler dev entry)", () => {
  it("builds the stand-in from the STAND_IN_CLIENTS var", async () => {
    const env = { STAND_IN_CLIENTS: JSON.stringify([CLIENT]) };
    const res = await worker.fetch(new Request(await authorizeUrl()), env);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("Approve");
  });
});

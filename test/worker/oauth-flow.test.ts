import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call, HOST_ORIGIN, kvSnapshot, status } from "./helpers";
import { apiToken, authorize, callback, CLIENT, connectTenant, flowCookie, postConnect, REDIRECT_URI, RETURN_TO, saveStandInCredentials, useStandInsPerTest } from "./oauth-helpers";

const stand = useStandInsPerTest();

const resultOf = (response: Response) => {
  const url = new URL(response.headers.get("Location")!);
  return { url, connected: url.searchParams.get("ninjaone"), error: url.searchParams.get("ninjaone_error") };
};

describe("the whole flow at the HTTP level", () => {
  it("connect → consent → callback → connected → /token works at NinjaOne → disconnect", async () => {
    await saveStandInCredentials("acme");

    const started = await postConnect({ tenant: "acme", mode: "redirect" });
    expect(started.status).toBe(303);
    const authorizeUrl = new URL(started.headers.get("Location")!);
    expect(authorizeUrl.origin + authorizeUrl.pathname).toBe("https://stand-in.test/ws/oauth/authorize");
    expect(Object.fromEntries(authorizeUrl.searchParams)).toEqual({
      response_type: "code",
      client_id: CLIENT.clientId,
      redirect_uri: REDIRECT_URI,
      scope: "monitoring management offline_access",
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: "S256",
    });
    expect(started.headers.get("Location")).not.toContain(CLIENT.clientSecret);
    const setCookie = started.headers.get("Set-Cookie")!;
    expect(setCookie).toMatch(/^__Host-ninjaone-flow-[A-Za-z0-9_-]{16}=/);
    expect(setCookie).toMatch(/Secure/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).toMatch(/Path=\//);
    expect(setCookie).not.toMatch(/Domain=/);

    const { callbackUrl, cookie } = await authorize(stand.local, "approve", { tenant: "acme", mode: "redirect" });
    const landed = await callback(callbackUrl, cookie);
    expect(landed.status).toBe(303);
    const result = resultOf(landed);
    expect(result.connected).toBe("connected");
    expect(result.url.origin + result.url.pathname).toBe(`${HOST_ORIGIN}/settings/integrations`);
    expect(result.url.searchParams.get("tab")).toBe("rmm");
    expect(landed.headers.get("Set-Cookie")).toMatch(/Max-Age=0/);

    const { body } = await status("acme");
    expect(body.connection).toMatchObject({
      status: "connected",
      connectedAt: expect.any(String),
      scopes: ["monitoring", "management", "offline_access"],
    });
    expect(body.connection.expiresAt).toBeUndefined(); // the access token's expiry is /token's business

    const tokenResponse = await apiToken("acme");
    expect(tokenResponse.status).toBe(200);
    const token = (await tokenResponse.json()) as any;
    expect(token).toEqual({
      accessToken: expect.any(String),
      tokenType: "Bearer",
      expiresAt: expect.any(String),
      region: "local",
      apiBaseUrl: "https://stand-in.test",
    });
    expect(Date.parse(token.expiresAt) - Date.now()).toBeGreaterThan(3500_000);
    const organizations = await stand.local.fetch(
      new Request(`${token.apiBaseUrl}/v2/organizations?pageSize=1`, { headers: { Authorization: `Bearer ${token.accessToken}` } }),
    );
    expect(organizations.status).toBe(200);
    expect(stand.local.stats().refreshGrants).toBe(0);

    const disconnected = await call("/disconnect", { method: "POST", tenant: "acme" });
    expect(((await disconnected.json()) as any)).toMatchObject({ credentials: null, connection: { status: "not_connected" } });
    expect(stand.local.stats().revocations).toBe(1);
    expect(stand.local.isAccessTokenValid(token.accessToken)).toBe(false);
    expect((await apiToken("acme")).status).toBe(409);
    expect(Object.keys(await kvSnapshot()).filter((key) => key.includes("acme"))).toEqual([]);
  });

  it("ends a popup flow with a page that posts the result to the opener's exact origin and closes", async () => {
    const { landed } = await connectTenant(stand.local, "popup-tenant", "popup");
    expect(landed.status).toBe(200);
    const page = await landed.text();
    expect(page).toContain('{"type":"ninjaone:connect-result","ok":true}');
    expect(page).toContain(`"${HOST_ORIGIN}"`);
    expect(page).toContain("window.close()");
    expect(landed.headers.get("Cross-Origin-Opener-Policy")).toBeNull();
    expect(landed.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(landed.headers.get("Cache-Control")).toBe("no-store");
    const csp = landed.headers.get("Content-Security-Policy")!;
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9_-]+'/);
    expect(csp).not.toMatch(/unsafe-inline/);
    const nonce = /'nonce-([A-Za-z0-9_-]+)'/.exec(csp)![1];
    expect(page).toContain(`<script nonce="${nonce}">`);
    expect(landed.headers.get("Set-Cookie")).toMatch(/Max-Age=0/);
  });

  it("reconnects with the saved credentials and replaces the tokens", async () => {
    await connectTenant(stand.local, "again");
    const first = (await (await apiToken("again")).json()) as any;
    const flow = await authorize(stand.local, "approve", { tenant: "again", mode: "redirect" });
    expect(resultOf(await callback(flow.callbackUrl, flow.cookie)).connected).toBe("connected");
    const second = (await (await apiToken("again")).json()) as any;
    expect(second.accessToken).not.toBe(first.accessToken);
    expect(stand.local.isAccessTokenValid(second.accessToken)).toBe(true);
  });

  it("exchanges the code only at the region recorded in the flow", async () => {
    await saveStandInCredentials("regional", { region: "other" });
    const flow = await authorize(stand.other, "approve", { tenant: "regional", mode: "redirect" });
    expect(flow.authorizeUrl).toMatch(/^https:\/\/other-stand-in\.test\//);
    expect(resultOf(await callback(flow.callbackUrl, flow.cookie)).connected).toBe("connected");
    expect(stand.other.stats().codeGrants).toBe(1);
    expect(stand.local.stats().tokenRequests).toBe(0);
    expect(((await (await apiToken("regional")).json()) as any).apiBaseUrl).toBe("https://other-stand-in.test");
  });
});

describe("disconnect", () => {
  it("forgets everything even when NinjaOne's revoke endpoint fails", async () => {
    await connectTenant(stand.local, "revoke-fails");
    const realFetch = vi.mocked(fetch).getMockImplementation()!;
    vi.mocked(fetch).mockImplementation(async (input, init) => {
      if (new Request(input, init).url.endsWith("/ws/oauth/revoke")) throw new TypeError("connection refused");
      return realFetch(input, init);
    });
    const response = await call("/disconnect", { method: "POST", tenant: "revoke-fails" });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ credentials: null, connection: { status: "not_connected" } });
    expect((await apiToken("revoke-fails")).status).toBe(409);
    expect(await env.NINJAONE_KV.get("v1:tenant:revoke-fails")).toBeNull();
  });
});

describe("concurrent flows", () => {
  it("two flows of one tenant in one browser don't disturb each other", async () => {
    await saveStandInCredentials("twice");
    const first = await authorize(stand.local, "approve", { tenant: "twice", mode: "redirect" });
    const second = await authorize(stand.local, "approve", { tenant: "twice", mode: "redirect" });
    expect(first.cookie.split("=")[0]).not.toBe(second.cookie.split("=")[0]);
    const cookies = `${first.cookie}; ${second.cookie}`;
    expect(resultOf(await callback(second.callbackUrl, cookies)).connected).toBe("connected");
    expect(resultOf(await callback(first.callbackUrl, cookies)).connected).toBe("connected");
  });

  it("two tenants connecting at once each get their own connection", async () => {
    const [a, b] = await Promise.all([connectTenant(stand.local, "tenant-one"), connectTenant(stand.local, "tenant-two")]);
    expect(resultOf(a.landed).connected).toBe("connected");
    expect(resultOf(b.landed).connected).toBe("connected");
    const [tokenA, tokenB] = await Promise.all([apiToken("tenant-one"), apiToken("tenant-two")]);
    const [grantA, grantB] = [(await tokenA.json()) as any, (await tokenB.json()) as any];
    expect(grantA.accessToken).not.toBe(grantB.accessToken);
  });

  it("a state from tenant A's flow cannot connect tenant B", async () => {
    await saveStandInCredentials("victim-b");
    await saveStandInCredentials("attacker-a");
    const flow = await authorize(stand.local, "approve", { tenant: "attacker-a", mode: "redirect" });
    await callback(flow.callbackUrl, flow.cookie);
    expect((await status("victim-b")).body.connection).toEqual({ status: "not_connected" });
    expect((await status("attacker-a")).body.connection.status).toBe("connected");
  });
});

describe("saved state of the KV records", () => {
  it("keeps tokens out of KV, and the secret and verifier sealed", async () => {
    const started = await saveStandInCredentials("sealed").then(() => postConnect({ tenant: "sealed" }));
    const snapshot = JSON.stringify(await kvSnapshot());
    expect(snapshot).not.toContain(CLIENT.clientSecret);
    const state = new URL(started.headers.get("Location")!).searchParams.get("state")!;
    expect(snapshot).not.toContain(state);
    const flowKeys = Object.keys(await kvSnapshot()).filter((key) => key.startsWith("v1:flow:"));
    expect(flowKeys.length).toBeGreaterThan(0);
    const flow = JSON.parse((await env.NINJAONE_KV.get(flowKeys[0]!))!);
    expect(flow.verifier).toEqual({ kid: "k1", iv: expect.any(String), ct: expect.any(String) });
    expect(flowCookie(started)).not.toContain(state);
    expect(RETURN_TO).toBe(flow.returnTo);
  });
});

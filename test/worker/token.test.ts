import { exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { StandIn } from "../ninjaone-stand-in/stand-in";
import { BASE, mintToken, status } from "./helpers";
import { apiToken, authorize, callback, CLIENT, connectTenant, saveStandInCredentials, SLOWER_THAN_TIMEOUT_MS, storedTokens, useStandInsPerTest, refuseNextRequestsTo } from "./oauth-helpers";

const stand = useStandInsPerTest();

/** Moves the clock to four minutes before the access token expires. */
async function nearExpiry(tenant: string) {
  const tokens = (await storedTokens(tenant))!;
  vi.useFakeTimers({ toFake: ["Date"], now: tokens.expiresAt - 4 * 60 * 1000 });
  return tokens;
}

async function revoke(standIn: StandIn, refreshToken: string) {
  const response = await standIn.fetch(
    new Request("https://stand-in.test/ws/oauth/revoke", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: refreshToken, ...{ client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret } }),
    }),
  );
  expect(response.status).toBe(200);
}

describe("POST /token", () => {
  it("hands out the stored token without calling NinjaOne while it is fresh", async () => {
    await connectTenant(stand.local, "fresh");
    const before = stand.local.stats().tokenRequests;
    const first = (await (await apiToken("fresh")).json()) as any;
    const second = (await (await apiToken("fresh")).json()) as any;
    expect(second.accessToken).toBe(first.accessToken);
    expect(stand.local.stats().tokenRequests).toBe(before);
  });

  it("answers 409 not_connected with credentials but no connection, and for another tenant", async () => {
    await saveStandInCredentials("saved-only");
    const response = await apiToken("saved-only");
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: "not_connected" });
    await connectTenant(stand.local, "owner");
    expect((await apiToken("stranger")).status).toBe(409);
  });

  it("refreshes once for many concurrent callers at expiry; all get the same working token", async () => {
    await connectTenant(stand.local, "racer");
    const old = await nearExpiry("racer");
    const responses = await Promise.all(Array.from({ length: 20 }, () => apiToken("racer")));
    const bodies = (await Promise.all(responses.map((response) => response.json()))) as any[];
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    const tokens = new Set(bodies.map((body) => body.accessToken));
    expect(tokens.size).toBe(1);
    const [token] = [...tokens];
    expect(token).not.toBe(old.accessToken);
    expect(stand.local.stats().refreshGrants).toBe(1);
    expect(stand.local.isAccessTokenValid(token)).toBe(true);
    // The rotated refresh token was kept: the old one is dead at NinjaOne, the new one is stored.
    const stored = (await storedTokens("racer"))!;
    expect(stored.refreshToken).not.toBe(old.refreshToken);
    expect(Date.parse(bodies[0].expiresAt)).toBe(stored.expiresAt);
  });

  it("keeps the previous scopes when the refresh response leaves scope out", async () => {
    await connectTenant(stand.local, "scoped");
    await nearExpiry("scoped");
    expect((await apiToken("scoped")).status).toBe(200);
    expect(stand.local.stats().refreshGrants).toBe(1);
    expect((await storedTokens("scoped"))!.scopes).toEqual(["monitoring", "management", "offline_access"]);
    const { body } = await status("scoped");
    expect(body.connection.scopes).toEqual(["monitoring", "management", "offline_access"]);
    // The access token's expiry means nothing to an admin: /status no longer shows it (/token does).
    expect(body.connection).not.toHaveProperty("expiresAt");
    expect((await storedTokens("scoped"))!.expiresAt).toBeGreaterThan(Date.now() + 50 * 60 * 1000);
  });

  it("turns invalid_grant into reconnect_required, and a reconnect with the saved credentials heals it", async () => {
    await connectTenant(stand.local, "revoked");
    const tokens = await nearExpiry("revoked");
    await revoke(stand.local, tokens.refreshToken);

    const response = await apiToken("revoked");
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: "reconnect_required" });
    const { body } = await status("revoked");
    expect(body.connection.status).toBe("reconnect_required");
    expect(body.credentials.clientId).toBe(CLIENT.clientId);
    expect((await apiToken("revoked")).status).toBe(409);

    vi.useRealTimers();
    const flow = await authorize(stand.local, "approve", { tenant: "revoked", mode: "redirect" });
    expect(new URL((await callback(flow.callbackUrl, flow.cookie)).headers.get("Location")!).searchParams.get("ninjaone")).toBe("connected");
    expect((await status("revoked")).body.connection.status).toBe("connected");
    expect((await apiToken("revoked")).status).toBe(200);
  });

  it("turns invalid_token (NinjaOne's other answer to a dead refresh token) into reconnect_required", async () => {
    await connectTenant(stand.local, "dead-token");
    await nearExpiry("dead-token");
    stand.local.failNextTokenRequests("invalid_token");
    const response = await apiToken("dead-token");
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: "reconnect_required" });
    expect((await status("dead-token")).body.connection.status).toBe("reconnect_required");
  });

  it("answers 503 for 5xx, 429, timeouts, garbage and refused connections — and loses nothing", async () => {
    await connectTenant(stand.local, "flaky");
    const before = await nearExpiry("flaky");
    const failures = ["server_error", "rate_limited", "slow", "malformed", "invalid_json_shape"] as const;
    for (const failure of failures) {
      stand.local.failNextTokenRequests(failure, 1, SLOWER_THAN_TIMEOUT_MS);
      const response = await apiToken("flaky");
      expect(response.status, failure).toBe(503);
      expect(await response.json()).toMatchObject({ error: "ninjaone_unreachable" });
      expect(await storedTokens("flaky")).toEqual(before);
      // the cooldown after a failure: move past it
      vi.setSystemTime(Date.now() + 31_000);
    }
    refuseNextRequestsTo("stand-in.test");
    expect((await apiToken("flaky")).status).toBe(503);
    expect((await status("flaky")).body.connection.status).toBe("connected");
    vi.setSystemTime(Date.now() + 31_000);

    const healed = await apiToken("flaky");
    expect(healed.status).toBe(200);
    expect(stand.local.isAccessTokenValid(((await healed.json()) as any).accessToken)).toBe(true);
  });
});

/** Lets the real stand-in answer, then changes its JSON answer the way another NinjaOne build might. */
function rewriteNextTokenAnswer(change: (body: Record<string, unknown>) => void) {
  const previous = vi.mocked(fetch).getMockImplementation()!;
  let done = false;
  vi.mocked(fetch).mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (done || request.url !== "https://stand-in.test/ws/oauth/token") return previous(request);
    done = true;
    const answer = await stand.local.fetch(request);
    const body = (await answer.json()) as Record<string, unknown>;
    change(body);
    return Response.json(body, { status: answer.status });
  });
}

describe("POST /token never loses a refresh token NinjaOne rotated", () => {
  it("reads expires_in sent as a numeric string as a number", async () => {
    await connectTenant(stand.local, "stringy");
    const old = await nearExpiry("stringy");
    rewriteNextTokenAnswer((body) => (body.expires_in = String(body.expires_in)));
    const response = await apiToken("stringy");
    expect(response.status).toBe(200);
    const stored = (await storedTokens("stringy"))!;
    expect(stored.refreshToken).not.toBe(old.refreshToken);
    expect(stored.expiresAt).toBe(Date.now() + 3600 * 1000);
  });

  it("keeps the refresh token of a 2xx answer it cannot otherwise use, and the next call refreshes with it", async () => {
    await connectTenant(stand.local, "half-answer");
    const old = await nearExpiry("half-answer");
    let rotated = "";
    rewriteNextTokenAnswer((body) => {
      rotated = body.refresh_token as string;
      delete body.access_token;
    });
    const failed = await apiToken("half-answer");
    expect(failed.status).toBe(503);
    expect((await storedTokens("half-answer"))!.refreshToken).toBe(rotated);
    expect(rotated).not.toBe(old.refreshToken);

    vi.setSystemTime(Date.now() + 31_000);
    const healed = await apiToken("half-answer");
    expect(healed.status).toBe(200);
    expect(stand.local.stats().refreshGrants).toBe(2);
    expect((await status("half-answer")).body.connection.status).toBe("connected");
  });
});

describe("POST /token after invalid_client", () => {
  it("keeps the tokens as credentials_rejected, and saving the current secret resumes without a new consent", async () => {
    await connectTenant(stand.local, "regenerated");
    const tokens = await nearExpiry("regenerated");
    const regenerated = "regenerated-secret-value-0099";
    stand.local.addClient({ ...CLIENT, clientSecret: regenerated, redirectUris: [], scopes: ["monitoring", "management", "offline_access"] });

    const rejected = await apiToken("regenerated");
    expect(rejected.status).toBe(409);
    expect(await rejected.json()).toMatchObject({ error: "credentials_rejected" });
    expect((await status("regenerated")).body.connection.status).toBe("credentials_rejected");
    expect((await storedTokens("regenerated"))!.refreshToken).toBe(tokens.refreshToken);
    expect((await apiToken("regenerated")).status).toBe(409);

    const grants = stand.local.stats().codeGrants;
    expect((await saveStandInCredentials("regenerated", { clientSecret: regenerated })).status).toBe(200);
    expect((await status("regenerated")).body.connection.status).toBe("connected");
    const resumed = await apiToken("regenerated");
    expect(resumed.status).toBe(200);
    expect(stand.local.isAccessTokenValid(((await resumed.json()) as any).accessToken)).toBe(true);
    expect(stand.local.stats().codeGrants).toBe(grants);
  });
});

describe("POST /token backs off while NinjaOne is failing", () => {
  it("20 queued callers during a 429 cause one token request; all get 503 with Retry-After", async () => {
    await connectTenant(stand.local, "storm");
    await nearExpiry("storm");
    stand.local.failNextTokenRequests("rate_limited", 100, 0, { retryAfterSeconds: null });
    const before = stand.local.stats().tokenRequests;
    const responses = await Promise.all(Array.from({ length: 20 }, () => apiToken("storm")));
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(503));
    expect(stand.local.stats().tokenRequests - before).toBe(1);
    for (const response of responses) expect(Number(response.headers.get("Retry-After"))).toBeGreaterThanOrEqual(29);

    // still cooling down: no call
    expect((await apiToken("storm")).status).toBe(503);
    expect(stand.local.stats().tokenRequests - before).toBe(1);
    // after it, one more try
    vi.setSystemTime(Date.now() + 31_000);
    expect((await apiToken("storm")).status).toBe(503);
    expect(stand.local.stats().tokenRequests - before).toBe(2);
  });

  it("honours NinjaOne's Retry-After when it is longer than 30 s", async () => {
    await connectTenant(stand.local, "patient");
    await nearExpiry("patient");
    stand.local.failNextTokenRequests("rate_limited", 1, 0, { retryAfterSeconds: 120 });
    const first = await apiToken("patient");
    expect(first.headers.get("Retry-After")).toBe("120");
    vi.setSystemTime(Date.now() + 60_000);
    const during = await apiToken("patient");
    expect(during.status).toBe(503);
    expect(Number(during.headers.get("Retry-After"))).toBeGreaterThan(50);
    expect(Number(during.headers.get("Retry-After"))).toBeLessThanOrEqual(60);
    vi.setSystemTime(Date.now() + 61_000);
    expect((await apiToken("patient")).status).toBe(200);
  });
});

describe("POST /token with short-lived access tokens", () => {
  it("refreshes when less than half of a 4-minute token's life remains, not on every call", async () => {
    stand.local.configure({ accessTokenTtlSeconds: 240 });
    await connectTenant(stand.local, "brief");
    const tokens = (await storedTokens("brief"))!;
    vi.useFakeTimers({ toFake: ["Date"], now: tokens.expiresAt - 150_000 });
    expect((await apiToken("brief")).status).toBe(200);
    expect((await apiToken("brief")).status).toBe(200);
    expect(stand.local.stats().refreshGrants).toBe(0);
    vi.setSystemTime(tokens.expiresAt - 110_000);
    expect((await apiToken("brief")).status).toBe(200);
    expect(stand.local.stats().refreshGrants).toBe(1);
  });
});

describe("POST /token with a rejected access token (forced refresh)", () => {
  const forced = async (tenant: string, rejectedAccessToken: unknown, raw?: string) => {
    const token = await mintToken({ tenant, aud: "ninjaone-api" });
    return exports.default.fetch(
      new Request(`${BASE}/token`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: raw ?? JSON.stringify({ rejectedAccessToken }),
      }),
    );
  };

  it("20 concurrent callers naming the same rejected token cause one refresh and all get the same new token", async () => {
    await connectTenant(stand.local, "forced");
    const current = (await storedTokens("forced"))!;
    const responses = await Promise.all(Array.from({ length: 20 }, () => forced("forced", current.accessToken)));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as any[];
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(bodies.map((b) => b.accessToken)).size).toBe(1);
    expect(bodies[0].accessToken).not.toBe(current.accessToken);
    expect(stand.local.stats().refreshGrants).toBe(1);
  });

  it("answers the current token without calling NinjaOne when the rejected one was already replaced", async () => {
    await connectTenant(stand.local, "replaced");
    const first = (await storedTokens("replaced"))!;
    await (await forced("replaced", first.accessToken)).json();
    const calls = stand.local.stats().tokenRequests;
    const again = (await (await forced("replaced", first.accessToken)).json()) as any;
    expect(again.accessToken).toBe((await storedTokens("replaced"))!.accessToken);
    expect(stand.local.stats().tokenRequests).toBe(calls);
  });

  it("answers 409 when the forced refresh fails terminally", async () => {
    await connectTenant(stand.local, "forced-dead");
    const current = (await storedTokens("forced-dead"))!;
    stand.local.revokeGrants(CLIENT.clientId);
    const response = await forced("forced-dead", current.accessToken);
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: "reconnect_required" });
  });

  it("refuses malformed, wrong-shaped and oversized bodies and changes nothing", async () => {
    await connectTenant(stand.local, "forced-bad");
    const before = await storedTokens("forced-bad");
    for (const [raw, expected] of [
      ["{not json", 400],
      [JSON.stringify({ rejectedAccessToken: 42 }), 400],
      [JSON.stringify({ rejectedAccessToken: "" }), 400],
      [JSON.stringify({ rejectedAccessToken: "x", extra: 1 }), 400],
      [JSON.stringify({ rejectedAccessToken: "x".repeat(20_000) }), 413],
    ] as Array<[string, number]>) {
      const response = await forced("forced-bad", undefined, raw);
      expect(response.status, raw.slice(0, 30)).toBe(expected);
    }
    expect(await storedTokens("forced-bad")).toEqual(before);
    expect(stand.local.stats().refreshGrants).toBe(0);
  });
});

describe("replacing a grant revokes the old one", () => {
  it("a reconnect revokes the previous refresh token, as disconnect does", async () => {
    await connectTenant(stand.local, "twice");
    const first = (await storedTokens("twice"))!;
    const revocations = stand.local.stats().revocations;
    const flow = await authorize(stand.local, "approve", { tenant: "twice", mode: "redirect" });
    await callback(flow.callbackUrl, flow.cookie);
    expect((await storedTokens("twice"))!.refreshToken).not.toBe(first.refreshToken);
    expect(stand.local.stats().revocations).toBe(revocations + 1);
    expect(stand.local.isAccessTokenValid(first.accessToken)).toBe(false);
  });

  it("switching to another client app revokes the old app's refresh token with the old app's credentials", async () => {
    await connectTenant(stand.local, "switch");
    const first = (await storedTokens("switch"))!;
    const revocations = stand.local.stats().revocations;
    stand.other.addClient({ clientId: "other-app", clientSecret: "other-app-secret-value-77", redirectUris: [], scopes: ["monitoring", "offline_access"] });
    const saved = await saveStandInCredentials("switch", { region: "other", clientId: "other-app", clientSecret: "other-app-secret-value-77" });
    expect(saved.status).toBe(200);
    expect(((await saved.json()) as any).connection).toEqual({ status: "not_connected" });
    expect((await status("switch")).body.connection).toEqual({ status: "not_connected" });
    expect(stand.local.stats().revocations).toBe(revocations + 1);
    expect(stand.local.isAccessTokenValid(first.accessToken)).toBe(false);
    expect(await storedTokens("switch")).toBeUndefined();
  });
});

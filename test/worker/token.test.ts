import { describe, expect, it, vi } from "vitest";
import { tokenEndpointOptions } from "../../worker/oauth/client";
import type { StandIn } from "../ninjaone-stand-in/stand-in";
import { status } from "./helpers";
import { apiToken, authorize, callback, CLIENT, connectTenant, saveStandInCredentials, storedTokens, useStandInsPerTest } from "./oauth-helpers";

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
    expect(Date.parse(body.connection.expiresAt)).toBeGreaterThan(Date.now() + 50 * 60 * 1000);
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

  it("turns invalid_client (the secret was regenerated in NinjaOne) into reconnect_required", async () => {
    await connectTenant(stand.local, "regenerated");
    await nearExpiry("regenerated");
    stand.local.addClient({ ...CLIENT, clientSecret: "regenerated-secret-000", redirectUris: [], scopes: ["monitoring", "offline_access"] });
    expect(((await (await apiToken("regenerated")).json()) as any).error).toBe("reconnect_required");
  });

  it("answers 503 for 5xx, 429, timeouts, garbage and refused connections — and loses nothing", async () => {
    await connectTenant(stand.local, "flaky");
    const before = await nearExpiry("flaky");
    tokenEndpointOptions.timeoutMs = 200;
    for (const failure of ["server_error", "rate_limited", "slow", "malformed", "invalid_json_shape"] as const) {
      stand.local.failNextTokenRequests(failure, 1, 1000);
      const response = await apiToken("flaky");
      expect(response.status, failure).toBe(503);
      expect(await response.json()).toMatchObject({ error: "ninjaone_unreachable" });
      expect(await storedTokens("flaky")).toEqual(before);
    }
    vi.mocked(fetch).mockRejectedValueOnce(new TypeError("connection refused"));
    expect((await apiToken("flaky")).status).toBe(503);
    expect((await status("flaky")).body.connection.status).toBe("connected");

    const healed = await apiToken("flaky");
    expect(healed.status).toBe(200);
    expect(stand.local.isAccessTokenValid(((await healed.json()) as any).accessToken)).toBe(true);
  });
});

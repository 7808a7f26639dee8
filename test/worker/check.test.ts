import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call, mintToken, status } from "./helpers";
import { CLIENT, connectTenant, saveStandInCredentials, storedTokens, useStandInsPerTest } from "./oauth-helpers";

const stand = useStandInsPerTest();

async function check(tenant: string, aud: "ninjaone-settings" | "ninjaone-api" = "ninjaone-settings", extra: Record<string, unknown> = {}) {
  const response = await call("/check", { method: "POST", token: await mintToken({ tenant, aud, extra }) });
  return { response, body: (await response.json()) as any };
}

/** Revokes one access token at the stand-in (its refresh token keeps working): the API answers 401 to it. */
async function revokeAccessToken(token: string) {
  const response = await stand.local.fetch(
    new Request("https://stand-in.test/ws/oauth/revoke", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret }),
    }),
  );
  expect(response.status).toBe(200);
}

describe("the connection check", () => {
  it("runs right after the code exchange: /status shows the last check", async () => {
    await connectTenant(stand.local, "fresh-check");
    const { body } = await status("fresh-check");
    expect(body.connection.lastCheck).toEqual({ at: expect.any(String), ok: true });
    expect(stand.local.stats().apiRequests).toBe(1);
    expect(stand.local.lastApiRequest()).toMatchObject({ method: "GET", path: "/v2/organizations", search: "?pageSize=1" });
  });

  it("POST /check calls NinjaOne and answers the new status, for the widget and the backend alike", async () => {
    await connectTenant(stand.local, "on-demand");
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 60_000 });
    const widget = await check("on-demand");
    expect(widget.response.status).toBe(200);
    expect(widget.body.connection.lastCheck).toEqual({ at: new Date().toISOString(), ok: true });
    expect((await status("on-demand")).body.connection.lastCheck).toEqual(widget.body.connection.lastCheck);
    const backend = await check("on-demand", "ninjaone-api");
    expect(backend.response.status).toBe(200);
    expect(stand.local.stats().apiRequests).toBe(3);
  });

  it("a read-only session may run it", async () => {
    await connectTenant(stand.local, "read-check");
    expect((await check("read-check", "ninjaone-settings", { perm: "read" })).response.status).toBe(200);
  });

  it("refreshes once and retries once on a 401", async () => {
    await connectTenant(stand.local, "stale-check");
    await revokeAccessToken((await storedTokens("stale-check"))!.accessToken);
    const { body } = await check("stale-check");
    expect(body.connection).toMatchObject({ status: "connected", lastCheck: { ok: true } });
    expect(stand.local.stats().refreshGrants).toBe(1);
  });

  it("a revoked grant (401, and the refresh refused) makes the connection reconnect_required", async () => {
    await connectTenant(stand.local, "revoked-check");
    stand.local.revokeGrants(CLIENT.clientId);
    const { response, body } = await check("revoked-check");
    expect(response.status).toBe(200);
    expect(body.connection).toMatchObject({ status: "reconnect_required", lastCheck: { ok: false, error: "unauthorized" } });
    expect((await status("revoked-check")).body.connection.status).toBe("reconnect_required");
    expect((await call("/token", { method: "POST", token: await mintToken({ tenant: "revoked-check", aud: "ninjaone-api" }) })).status).toBe(409);
  });

  it("a 401 after a successful refresh means the grant is unusable: reconnect_required", async () => {
    await connectTenant(stand.local, "unusable");
    const real = vi.mocked(fetch).getMockImplementation()!;
    vi.mocked(fetch).mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      if (new URL(request.url).pathname.startsWith("/v2/")) return Response.json({ error: "invalid_token" }, { status: 401 });
      return real(request);
    });
    const { body } = await check("unusable");
    expect(stand.local.stats().refreshGrants).toBe(1);
    expect(body.connection).toMatchObject({ status: "reconnect_required", lastCheck: { ok: false, error: "unauthorized" } });
  });

  it("names a missing Monitoring scope (403)", async () => {
    await connectTenant(stand.local, "no-monitoring");
    stand.local.setClientOptions(CLIENT.clientId, { monitoring: false });
    const { body } = await check("no-monitoring");
    expect(body.connection).toMatchObject({ status: "connected", lastCheck: { ok: false, error: "scope_missing" } });
  });

  it("says ninjaone_unreachable when NinjaOne fails, and changes nothing else", async () => {
    await connectTenant(stand.local, "down");
    const tokens = await storedTokens("down");
    stand.local.failNextApiRequests("server_error");
    const { body } = await check("down");
    expect(body.connection).toMatchObject({ status: "connected", lastCheck: { ok: false, error: "ninjaone_unreachable" } });
    const real = vi.mocked(fetch).getMockImplementation()!;
    vi.mocked(fetch).mockImplementation(async (input, init) => {
      if (new URL(new Request(input, init).url).host === "stand-in.test") throw new TypeError("connection refused");
      return real(input, init);
    });
    expect((await check("down")).body.connection.lastCheck.error).toBe("ninjaone_unreachable");
    expect(await storedTokens("down")).toEqual(tokens);
  });

  it("answers 409 in every state but connected, and writes nothing", async () => {
    await saveStandInCredentials("not-yet");
    const before = await env.NINJAONE_KV.get("v1:tenant:not-yet");
    const { response, body } = await check("not-yet");
    expect(response.status).toBe(409);
    expect(body.error).toBe("not_connected");
    expect(await env.NINJAONE_KV.get("v1:tenant:not-yet")).toBe(before);
    expect((await check("nobody")).response.status).toBe(409);
  });
});

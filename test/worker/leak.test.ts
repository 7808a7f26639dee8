import { afterEach, describe, expect, it, vi } from "vitest";
import { call, mintToken, putCredentials } from "./helpers";
import { apiToken, authorize, callback, CLIENT, postConnect, REDIRECT_URI, saveStandInCredentials, storedTokens, useStandIns } from "./oauth-helpers";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("secrets never leak", () => {
  it("no client secret, code, state or token appears in any response body, redirect back, or log line of the flow", async () => {
    const { local } = useStandIns();
    const logged: string[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((arg) => (arg instanceof Error ? `${arg.name} ${arg.message} ${arg.stack}` : String(arg))).join(" "));
      });
    }
    const seen: string[] = [];
    const record = async (response: Response, options: { location?: boolean } = {}) => {
      const clone = response.clone();
      const headers = [...response.headers].filter(([name]) => options.location || name !== "location");
      seen.push(await clone.text(), JSON.stringify(headers));
      return response;
    };
    const tenant = "leaky";
    const secrets: string[] = [CLIENT.clientSecret];

    await record(await saveStandInCredentials(tenant));
    await record(await call("/status", { tenant }));
    // A successful popup flow.
    const flow = await authorize(local, "approve", { tenant, mode: "popup" });
    await record(flow.started); // its Location is NinjaOne's authorize URL: the state must travel there
    const callbackParams = new URL(flow.callbackUrl).searchParams;
    secrets.push(callbackParams.get("code")!, callbackParams.get("state")!);
    await record(await callback(flow.callbackUrl, flow.cookie), { location: true });
    await record(await callback(flow.callbackUrl, flow.cookie), { location: true }); // replay
    // Failing flows, in both modes.
    local.failNextTokenRequests("server_error");
    const failing = await authorize(local, "approve", { tenant, mode: "redirect" });
    secrets.push(new URL(failing.callbackUrl).searchParams.get("code")!, new URL(failing.callbackUrl).searchParams.get("state")!);
    await record(await callback(failing.callbackUrl, failing.cookie), { location: true });
    const denied = await authorize(local, "deny", { tenant, mode: "redirect" });
    secrets.push(new URL(denied.callbackUrl).searchParams.get("state")!);
    await record(await callback(denied.callbackUrl, denied.cookie), { location: true });
    await record(await callback(`${REDIRECT_URI}?state=${"B".repeat(43)}&code=guessed-code-value`), { location: true });

    const tokens = (await storedTokens(tenant))!;
    secrets.push(tokens.refreshToken);
    // A refresh, and a failed refresh.
    vi.useFakeTimers({ toFake: ["Date"], now: tokens.expiresAt - 60_000 });
    local.failNextTokenRequests("malformed");
    await record(await apiToken(tenant));
    vi.setSystemTime(Date.now() + 31_000); // past the cooldown after a failure
    const refreshed = await apiToken(tenant);
    expect(refreshed.status).toBe(200);
    secrets.push((await storedTokens(tenant))!.refreshToken, tokens.accessToken);
    await record(await call("/check", { method: "POST", tenant }));
    // Bad input of every kind.
    await record(await putCredentials({ region: "local", clientId: "x", clientSecret: "y\u0000" + CLIENT.clientSecret }, { tenant }));
    await record(await postConnect({ tenant, returnTo: `https://evil.example/?s=${CLIENT.clientSecret}` }));
    await record(await call("/disconnect", { method: "POST", tenant }));
    // The audit trail (what events carry to the host) holds none of it either.
    await record(await call("/events?limit=200", { token: await mintToken({ tenant, aud: "ninjaone-api" }) }));
    expect(seen.at(-2)).toContain("connection.disconnected");

    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      for (const text of seen) expect(text).not.toContain(secret);
      for (const line of logged) expect(line).not.toContain(secret);
    }
    // The callback never logs its URL either.
    for (const line of logged) expect(line).not.toContain("/callback?");
  });
});

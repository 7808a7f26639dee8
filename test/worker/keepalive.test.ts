import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call, status } from "./helpers";
import { CLIENT, connectTenant, storedTokens, useStandInsPerTest } from "./oauth-helpers";

const stand = useStandInsPerTest();
const HOUR = 60 * 60 * 1000;
const vault = (tenant: string) => env.TENANT_VAULT.get(env.TENANT_VAULT.idFromName(tenant));
const alarmOf = (tenant: string) => runInDurableObject(vault(tenant), (_instance, state) => state.storage.getAlarm());

/** Moves the clock to `hours` after the tenant's refresh token was received. */
async function idleFor(tenant: string, hours: number) {
  const tokens = (await storedTokens(tenant))!;
  vi.useFakeTimers({ toFake: ["Date"], now: (tokens.issuedAt ?? Date.now()) + hours * HOUR });
  return tokens;
}

/** Counts KV writes (put and delete) made through the real binding while `work` runs. */
async function kvWrites(work: () => Promise<unknown>): Promise<number> {
  const prototype = Object.getPrototypeOf(env.NINJAONE_KV) as KVNamespace;
  const put = vi.spyOn(prototype, "put");
  const remove = vi.spyOn(prototype, "delete");
  await work();
  const writes = put.mock.calls.length + remove.mock.calls.length;
  put.mockRestore();
  remove.mockRestore();
  return writes;
}

describe("keep-alive alarm", () => {
  it("is armed on connect for the keep-alive period (24 h by default)", async () => {
    await connectTenant(stand.local, "armed");
    const tokens = (await storedTokens("armed"))!;
    expect(await alarmOf("armed")).toBe(tokens.issuedAt! + 24 * HOUR);
  });

  it("refreshes an idle tenant after the keep-alive period, writing nothing to KV, and re-arms", async () => {
    await connectTenant(stand.local, "idle");
    const before = await idleFor("idle", 24.5);
    const writes = await kvWrites(() => runDurableObjectAlarm(vault("idle")));
    expect(stand.local.stats().refreshGrants).toBe(1);
    expect(writes).toBe(0);
    const after = (await storedTokens("idle"))!;
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(stand.local.isAccessTokenValid(after.accessToken)).toBe(true);
    expect(await alarmOf("idle")).toBe(Date.now() + 24 * HOUR);
    expect((await status("idle")).body.connection.status).toBe("connected");
  });

  it("a repeated run of the same alarm refreshes only once", async () => {
    await connectTenant(stand.local, "repeat");
    await idleFor("repeat", 25);
    await runDurableObjectAlarm(vault("repeat"));
    // the runtime may deliver an alarm more than once: the next run finds nothing due
    await runInDurableObject(vault("repeat"), (instance) => instance.alarm!());
    expect(stand.local.stats().refreshGrants).toBe(1);
  });

  it("does not refresh before the period is over, and waits for it", async () => {
    await connectTenant(stand.local, "early");
    const tokens = await idleFor("early", 10);
    await runInDurableObject(vault("early"), (instance) => instance.alarm!());
    expect(stand.local.stats().refreshGrants).toBe(0);
    expect(await alarmOf("early")).toBe(tokens.issuedAt! + 24 * HOUR);
  });

  it("a refresh token that died unused turns the connection reconnect_required without any /token call, and the alarm stops", async () => {
    stand.local.configure({ refreshTokenIdleSeconds: 20 * 60 * 60 });
    await connectTenant(stand.local, "expired-idle");
    await idleFor("expired-idle", 24.5);
    await runDurableObjectAlarm(vault("expired-idle"));
    const { body } = await status("expired-idle");
    expect(body.connection.status).toBe("reconnect_required");
    expect(body.credentials.clientId).toBe(CLIENT.clientId);
    expect(await alarmOf("expired-idle")).toBeNull();
  });

  it("a revoked client secret turns the connection credentials_rejected and keeps the tokens", async () => {
    await connectTenant(stand.local, "secret-gone");
    const tokens = await idleFor("secret-gone", 24.5);
    stand.local.addClient({ ...CLIENT, clientSecret: "a-new-secret-from-ninjaone-1", redirectUris: [], scopes: ["monitoring", "offline_access"] });
    await runDurableObjectAlarm(vault("secret-gone"));
    expect((await status("secret-gone")).body.connection.status).toBe("credentials_rejected");
    expect((await storedTokens("secret-gone"))!.refreshToken).toBe(tokens.refreshToken);
    expect(await alarmOf("secret-gone")).toBeNull();
  });

  it("reschedules transient failures with growing delays and deletes nothing", async () => {
    await connectTenant(stand.local, "flaky-idle");
    const tokens = await idleFor("flaky-idle", 25);
    stand.local.failNextTokenRequests("server_error", 2);

    await runDurableObjectAlarm(vault("flaky-idle"));
    const first = (await alarmOf("flaky-idle"))! - Date.now();
    vi.setSystemTime(Date.now() + first);
    await runDurableObjectAlarm(vault("flaky-idle"));
    const second = (await alarmOf("flaky-idle"))! - Date.now();

    expect(first).toBe(60_000);
    expect(second).toBe(120_000);
    expect(await storedTokens("flaky-idle")).toEqual(tokens);
    expect((await status("flaky-idle")).body.connection.status).toBe("connected");

    // NinjaOne is back: the next run refreshes and the period starts again.
    vi.setSystemTime(Date.now() + second);
    await runDurableObjectAlarm(vault("flaky-idle"));
    expect(stand.local.stats().refreshGrants).toBe(1);
    expect(await alarmOf("flaky-idle")).toBe(Date.now() + 24 * HOUR);
  });

  it("waits at least NinjaOne's Retry-After after a 429", async () => {
    await connectTenant(stand.local, "limited-idle");
    await idleFor("limited-idle", 25);
    stand.local.failNextTokenRequests("rate_limited", 1, 0, { retryAfterSeconds: 900 });
    await runDurableObjectAlarm(vault("limited-idle"));
    expect((await alarmOf("limited-idle"))! - Date.now()).toBe(900_000);
  });

  it("disconnect leaves no alarm", async () => {
    await connectTenant(stand.local, "gone");
    expect(await alarmOf("gone")).not.toBeNull();
    expect((await call("/disconnect", { method: "POST", tenant: "gone" })).status).toBe(200);
    expect(await alarmOf("gone")).toBeNull();
  });
});

// The tenant's alarm must never be lost and never spin: a job that throws, a broken
// configuration or a region that left NINJAONE_REGIONS leave an alarm for a later retry, and a
// connection resumed from credentials_rejected gets its keep-alive back. Alarms are run with
// runDurableObjectAlarm (it clears the alarm first, as the runtime does when one fires); a
// changed environment needs a vault built with it (as in config.test.ts).
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Env } from "../../worker/env";
import { TenantVault } from "../../worker/index";
import { status } from "./helpers";
import { CLIENT, connectTenant, saveStandInCredentials, storedTokens, useStandInsPerTest } from "./oauth-helpers";

const stand = useStandInsPerTest();
afterEach(() => vi.restoreAllMocks());

const HOUR = 60 * 60 * 1000;
const KEEPALIVE_MS = 24 * HOUR; // the default NINJAONE_KEEPALIVE_HOURS
const vault = (tenant: string) => env.TENANT_VAULT.get(env.TENANT_VAULT.idFromName(tenant));
const alarmOf = (tenant: string) => runInDurableObject(vault(tenant), (_instance, state) => state.storage.getAlarm());
const kvPrototype = Object.getPrototypeOf(env.NINJAONE_KV) as KVNamespace;

function moveClockTo(now: number) {
  if (vi.isFakeTimers()) vi.setSystemTime(now);
  else vi.useFakeTimers({ toFake: ["Date"], now });
}

/** Moves the clock to `hours` after the tenant's refresh token was received. */
async function idleFor(tenant: string, hours: number) {
  const tokens = (await storedTokens(tenant))!;
  moveClockTo(tokens.issuedAt! + hours * HOUR);
  return tokens;
}

/**
 * What the runtime does when the alarm fires, for a vault running with `overrides` in its
 * environment: the alarm is cleared, then alarm() runs. A throw is the vault's own business;
 * what matters is the alarm it leaves.
 */
async function runAlarmWith(tenant: string, overrides: Partial<Record<keyof Env, string | undefined>>): Promise<number | null> {
  const changed = { ...env, ...overrides } as unknown as Env;
  return runInDurableObject(vault(tenant), async (_instance, state) => {
    await state.storage.deleteAlarm();
    await new TenantVault(state, changed).alarm().catch(() => undefined);
    return state.storage.getAlarm();
  });
}

describe("an alarm whose job throws", () => {
  it("KV failing during the keep-alive leaves a retry alarm, and the next run does the keep-alive", async () => {
    // NinjaOne killed the grant: the keep-alive must record reconnect_required in KV, which is down.
    // Without a retry alarm, nothing would ever run the keep-alive again.
    await connectTenant(stand.local, "kv-down-keepalive");
    await idleFor("kv-down-keepalive", 24.5);
    stand.local.revokeGrants(CLIENT.clientId);
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const failing = vi.spyOn(kvPrototype, "put").mockRejectedValue(new Error("KV is down (injected)"));
    await runDurableObjectAlarm(vault("kv-down-keepalive")).catch(() => undefined);
    failing.mockRestore();
    const retry = await alarmOf("kv-down-keepalive");
    expect(retry, "no alarm left after the failed run").not.toBeNull();
    // a retry with a delay (the first is a minute), not the same past time again: no hot loop
    expect(retry! - Date.now()).toBeGreaterThanOrEqual(50_000);
    const attempts = stand.local.stats().tokenRequests;

    moveClockTo(Math.max(Date.now(), retry!));
    await runDurableObjectAlarm(vault("kv-down-keepalive"));
    expect(stand.local.stats().tokenRequests).toBe(attempts + 1);
    expect((await status("kv-down-keepalive")).body.connection.status).toBe("reconnect_required");
  });

  it("a broken configuration leaves an alarm for a later retry, and the keep-alive is armed again once it is fixed", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    await connectTenant(stand.local, "broken-config-alarm");
    const tokens = (await storedTokens("broken-config-alarm"))!;
    const retry = await runAlarmWith("broken-config-alarm", { ENCRYPTION_KEYS: undefined });
    expect(retry, "no alarm left after the misconfigured run").not.toBeNull();
    expect(retry!).toBeGreaterThan(Date.now());

    moveClockTo(Math.max(Date.now(), retry!));
    await runDurableObjectAlarm(vault("broken-config-alarm"));
    expect(await alarmOf("broken-config-alarm")).toBe(tokens.issuedAt! + KEEPALIVE_MS);
    expect((await status("broken-config-alarm")).body.connection.status).toBe("connected");
  });
});

describe("resuming from credentials_rejected", () => {
  it("saving the current Client Secret arms the keep-alive again, and the keep-alive then refreshes with it", async () => {
    // The keep-alive that found the secret rejected left no alarm (nothing to keep alive then):
    // the resume must arm it again, or the idle grant dies unused.
    await connectTenant(stand.local, "resumed-keepalive");
    const tokens = await idleFor("resumed-keepalive", 24.5);
    const newSecret = "a-new-secret-from-ninjaone-1";
    stand.local.addClient({ ...CLIENT, clientSecret: newSecret, redirectUris: [], scopes: ["monitoring", "management", "offline_access"] });
    await runDurableObjectAlarm(vault("resumed-keepalive"));
    expect((await status("resumed-keepalive")).body.connection.status).toBe("credentials_rejected");
    expect(await alarmOf("resumed-keepalive")).toBeNull();

    expect((await saveStandInCredentials("resumed-keepalive", { clientSecret: newSecret })).status).toBe(200);
    expect((await status("resumed-keepalive")).body.connection.status).toBe("connected");
    // the refresh token has been idle since it was received: the keep-alive is due at that time + 24 h
    expect(await alarmOf("resumed-keepalive")).toBe(tokens.issuedAt! + KEEPALIVE_MS);

    await runDurableObjectAlarm(vault("resumed-keepalive"));
    expect(stand.local.stats().refreshGrants).toBe(1);
    expect(await alarmOf("resumed-keepalive")).toBe(Date.now() + KEEPALIVE_MS);
  });
});

describe("a region removed from NINJAONE_REGIONS", () => {
  it("backs the alarm off by at least a minute, keeps the connection as it is, and logs the region id", async () => {
    // The keep-alive is due but can't run without the region: an alarm at the (past) keep-alive
    // time would fire again at once, forever.
    await connectTenant(stand.local, "region-gone");
    const tokens = await idleFor("region-gone", 24.5);
    const before = (await status("region-gone")).body;
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const regions = JSON.parse(env.NINJAONE_REGIONS!) as Record<string, string>;
    delete regions.local;

    const alarm = await runAlarmWith("region-gone", { NINJAONE_REGIONS: JSON.stringify(regions) });
    expect(alarm, "no alarm left").not.toBeNull();
    expect(alarm! - Date.now()).toBeGreaterThanOrEqual(60_000);

    expect((await status("region-gone")).body).toEqual(before);
    expect(await storedTokens("region-gone")).toEqual(tokens);
    expect(stand.local.stats().refreshGrants).toBe(0);
    const logged = errors.mock.calls.map((args) => args.join(" "));
    expect(logged.some((line) => /region/i.test(line) && /\blocal\b/.test(line)), logged.join("\n")).toBe(true);
  });
});

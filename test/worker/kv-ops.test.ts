import { env } from "cloudflare:workers";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { StandIn } from "../ninjaone-stand-in/stand-in";
import { consent } from "../ninjaone-stand-in/stand-in";
import { call, putCredentials } from "./helpers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { apiToken, callback, connectTenant, flowCookie, postConnect, saveStandInCredentials, storedTokens, useStandIns } from "./oauth-helpers";

/**
 * KV operations per request, counted through the real binding (the spies call
 * through). Reads are get/getWithMetadata/list; writes are put; deletes are
 * delete. The counts are deterministic, so the targets are asserted here, and
 * `npm run bench` reads the "kv-ops:" line this file prints.
 */
type Counts = { reads: number; writes: number; deletes: number };
const kvPrototype = Object.getPrototypeOf(env.NINJAONE_KV) as KVNamespace;
const measured: Record<string, Counts & { ninjaoneCalls?: number }> = {};
let counts: Counts;
let local: StandIn;

beforeEach(() => {
  ({ local } = useStandIns());
  counts = { reads: 0, writes: 0, deletes: 0 };
  for (const [method, kind] of [["get", "reads"], ["getWithMetadata", "reads"], ["list", "reads"], ["put", "writes"], ["delete", "deletes"]] as const) {
    const original = kvPrototype[method] as (...args: unknown[]) => unknown;
    vi.spyOn(kvPrototype, method).mockImplementation(function (this: KVNamespace, ...args: unknown[]) {
      counts[kind] += 1;
      return original.apply(this, args);
    } as never);
  }
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});
afterAll(() => console.log(`kv-ops: ${JSON.stringify(measured)}`));

/** Counts the KV operations of one request. */
async function measure<T>(name: string, request: () => Promise<T>): Promise<Counts> {
  counts = { reads: 0, writes: 0, deletes: 0 };
  await request();
  measured[name] = { ...counts };
  return measured[name]!;
}

describe("KV operations per request", () => {
  it("GET /status: one read", async () => {
    await putCredentials({ region: "eu", clientId: "ops-client", clientSecret: "ops-secret-value" }, { tenant: "ops" });
    expect(await measure("status", () => call("/status", { tenant: "ops" }))).toEqual({ reads: 1, writes: 0, deletes: 0 });
  });

  it("PUT /credentials: at most one read and one write", async () => {
    const used = await measure("save", () => putCredentials({ region: "eu", clientId: "ops-client-2", clientSecret: "ops-secret-value-2" }, { tenant: "ops-save" }));
    expect(used.reads).toBeLessThanOrEqual(1);
    expect(used.writes).toBe(1);
    expect(used.deletes).toBe(0);
  });

  it("POST /connect: at most one read and one write", async () => {
    await saveStandInCredentials("ops-connect");
    const used = await measure("connect", () => postConnect({ tenant: "ops-connect" }));
    expect(used).toEqual({ reads: 1, writes: 1, deletes: 0 });
  });

  it("GET /callback: at most three reads and deletes together, and one write", async () => {
    await saveStandInCredentials("ops-callback");
    const started = await postConnect({ tenant: "ops-callback", mode: "redirect" });
    const decided = await consent(local, started.headers.get("Location")!, "approve");
    const used = await measure("callback", () => callback(decided.headers.get("Location")!, flowCookie(started)));
    expect(used.reads + used.deletes).toBeLessThanOrEqual(3);
    expect(used.writes).toBe(1);
  });

  it("POST /token with a fresh token: at most one read and no call to NinjaOne", async () => {
    await connectTenant(local, "ops-token");
    const before = local.stats().tokenRequests;
    let response: Response | undefined;
    const used = await measure("token", async () => (response = await apiToken("ops-token")));
    expect(response!.status).toBe(200);
    expect(used.reads).toBeLessThanOrEqual(1);
    expect(used.writes + used.deletes).toBe(0);
    expect(local.stats().tokenRequests).toBe(before);
    measured.token!.ninjaoneCalls = local.stats().tokenRequests - before;
  });

  it("a routine refresh writes nothing to KV (through /token or the keep-alive alarm)", async () => {
    await connectTenant(local, "ops-refresh");
    const tokens = (await storedTokens("ops-refresh"))!;
    vi.useFakeTimers({ toFake: ["Date"], now: tokens.expiresAt - 60_000 });
    let response: Response | undefined;
    const used = await measure("refresh", async () => (response = await apiToken("ops-refresh")));
    expect(response!.status).toBe(200);
    expect(local.stats().refreshGrants).toBe(1);
    expect(used.writes + used.deletes).toBe(0);
    measured.refresh!.ninjaoneCalls = 1;

    vi.setSystemTime(Date.now() + 25 * 60 * 60 * 1000);
    const idleDay = await measure("keepAliveDay", () => runDurableObjectAlarm(env.TENANT_VAULT.get(env.TENANT_VAULT.idFromName("ops-refresh"))));
    expect(local.stats().refreshGrants).toBe(2);
    expect(idleDay.writes + idleDay.deletes).toBe(0);
    measured.keepAliveDay!.ninjaoneCalls = 1;
  });

  it("a change of what /status shows writes once: a check result, reconnect_required", async () => {
    await connectTenant(local, "ops-change");
    const check = await measure("check", () => call("/check", { method: "POST", tenant: "ops-change" }));
    expect(check.writes).toBe(1);
    local.revokeGrants("acme-app");
    const tokens = (await storedTokens("ops-change"))!;
    vi.useFakeTimers({ toFake: ["Date"], now: tokens.expiresAt - 60_000 });
    let response: Response | undefined;
    const dead = await measure("reconnectRequired", async () => (response = await apiToken("ops-change")));
    expect(response!.status).toBe(409);
    expect(dead.writes).toBe(1);
  });
});

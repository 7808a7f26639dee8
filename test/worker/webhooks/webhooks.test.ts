import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { ConnectionEvent } from "../../../contract";
import type { StandIn } from "../../ninjaone-stand-in/stand-in";
import { BASE, call, mintToken, status } from "../helpers";
import { CLIENT, connectTenant, useStandInsPerTest } from "../oauth-helpers";

const stand = useStandInsPerTest();
const vault = (tenant: string) => env.TENANT_VAULT.get(env.TENANT_VAULT.idFromName(tenant));
const SECRET_HEADER = "X-NinjaOne-Settings-Secret";

/** Waits until the registration the connect scheduled has run (the alarm fires by itself). */
async function settled(tenant: string): Promise<any> {
  for (let i = 0; i < 100; i++) {
    const { body } = await status(tenant);
    if (body.connection.webhooks && body.connection.webhooks.status !== "pending") return body.connection.webhooks;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return (await status(tenant)).body.connection.webhooks;
}

async function connectWithWebhook(standIn: StandIn, tenant: string, region = "local", clientId = CLIENT.clientId) {
  await connectTenant(standIn, tenant, "redirect", { region });
  const webhooks = await settled(tenant);
  const registration = standIn.webhookOf(clientId)!;
  return { webhooks, registration, secret: registration?.headers?.find((h) => h.name === SECRET_HEADER)?.value ?? "" };
}

async function events(tenant: string): Promise<ConnectionEvent[]> {
  const response = await call("/events?limit=200", { token: await mintToken({ tenant, aud: "ninjaone-api" }) });
  return ((await response.json()) as { events: ConnectionEvent[] }).events;
}
const activityEvents = async (tenant: string) => (await events(tenant)).filter((event) => event.type === "ninjaone.activity");

function deliver(url: string, body: unknown, headers: Record<string, string>) {
  return exports.default.fetch(
    new Request(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) }),
  );
}

describe("webhook registration", () => {
  it("a connect registers the tenant's webhook with a random routing id and a secret header, stored only as a hash", async () => {
    const { webhooks, registration, secret } = await connectWithWebhook(stand.local, "registered");
    expect(webhooks).toEqual({ status: "registered", at: expect.any(String) });
    const routingId = new URL(registration.url).pathname.split("/").pop()!;
    expect(registration.url).toBe(`${BASE}/webhooks/${routingId}`);
    expect(routingId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(routingId).not.toContain("registered");
    expect(registration.expand).toEqual(["device", "organization"]);
    expect(registration.headers).toEqual([{ name: SECRET_HEADER, value: secret }]);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
    expect(await env.NINJAONE_KV.get(`v1:webhook:${routingId}`, "json")).toEqual({ tenant: "registered" });
    // Neither KV nor the Durable Object holds the secret itself.
    const stored = await runInDurableObject(vault("registered"), async (_i, state) => JSON.stringify([...(await state.storage.list()).entries()]));
    expect(stored).not.toContain(secret);
    for (const { name } of (await env.NINJAONE_KV.list()).keys) expect((await env.NINJAONE_KV.get(name)) ?? "").not.toContain(secret);
  });

  it("a user who is not a NinjaOne system administrator still connects; the status says not_permitted", async () => {
    stand.local.setClientOptions(CLIENT.clientId, { systemAdmin: false });
    const { webhooks, registration } = await connectWithWebhook(stand.local, "not-admin");
    expect(webhooks).toEqual({ status: "not_permitted" });
    expect(registration).toBeUndefined();
    expect((await status("not-admin")).body.connection.status).toBe("connected");
    const jobs = await runInDurableObject(vault("not-admin"), (_i, state) => state.storage.get<Record<string, number>>("jobs"));
    expect(jobs?.webhook).toBeUndefined();
  });

  it("other failures stay pending and retry from the alarm with growing delays", async () => {
    stand.local.failNextApiRequests("server_error", 2);
    await connectTenant(stand.local, "flaky-webhook");
    // the check after the exchange took the first failure; the registration takes the second
    for (let i = 0; i < 50 && stand.local.stats().apiRequests < 2; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await status("flaky-webhook")).body.connection.webhooks).toEqual({ status: "pending" });
    const alarm = await runInDurableObject(vault("flaky-webhook"), (_i, state) => state.storage.getAlarm());
    expect(alarm! - Date.now()).toBeGreaterThan(50_000);
    expect(alarm! - Date.now()).toBeLessThanOrEqual(60_000);
    vi.useFakeTimers({ toFake: ["Date"], now: alarm! });
    await runDurableObjectAlarm(vault("flaky-webhook"));
    expect((await status("flaky-webhook")).body.connection.webhooks.status).toBe("registered");
  });
});

describe("receiving deliveries", () => {
  it("relays each activity NinjaOne delivers as one signed ninjaone.activity event with the activity as its data", async () => {
    await connectWithWebhook(stand.local, "relay");
    const { activity, delivery } = await stand.local.emitActivity(CLIENT.clientId, { activity: { message: "Disk almost full" } });
    expect(delivery).toEqual({ delivered: true, status: 204 });
    const [event] = await activityEvents("relay");
    expect(event).toMatchObject({ type: "ninjaone.activity", tenant: "relay", data: { id: activity.id, message: "Disk almost full" } });
  });

  it("a repeated delivery of the same activity is acknowledged and relayed once", async () => {
    await connectWithWebhook(stand.local, "dedup");
    const { activity } = await stand.local.emitActivity(CLIENT.clientId);
    expect((await stand.local.redeliverActivity(CLIENT.clientId, activity.id)).delivery).toEqual({ delivered: true, status: 204 });
    expect(await activityEvents("dedup")).toHaveLength(1);
  });

  it("a wrong secret and an unknown routing id get the same answer and change nothing", async () => {
    const { registration, secret } = await connectWithWebhook(stand.local, "guarded");
    const activity = { id: 999_001, message: "forged" };
    const wrong = await deliver(registration.url, activity, { [SECRET_HEADER]: `${secret.slice(0, -1)}x` });
    const missing = await deliver(registration.url, activity, {});
    const unknownId = await deliver(`${BASE}/webhooks/${"A".repeat(22)}`, activity, { [SECRET_HEADER]: secret });
    const bodies = await Promise.all([wrong, missing, unknownId].map((r) => r.text()));
    expect([wrong.status, missing.status, unknownId.status]).toEqual([404, 404, 404]);
    expect(new Set(bodies).size).toBe(1);
    expect(await activityEvents("guarded")).toEqual([]);
  });

  it("a retired routing id stops answering even where KV still has its route (KV is eventually consistent)", async () => {
    const first = await connectWithWebhook(stand.local, "rotated");
    const oldUrl = first.registration.url;
    const oldId = oldUrl.split("/").pop()!;
    // Reconnecting registers anew: a new routing id and secret; the old route is deleted from KV…
    await connectTenant(stand.local, "rotated");
    for (let i = 0; i < 100 && stand.local.webhookOf(CLIENT.clientId)!.url === oldUrl; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    const current = stand.local.webhookOf(CLIENT.clientId)!;
    const secret = current.headers!.find((h) => h.name === SECRET_HEADER)!.value;
    expect(current.url).not.toBe(oldUrl);
    // …but a KV read elsewhere may still see it for a while: the Durable Object refuses it anyway.
    await env.NINJAONE_KV.put(`v1:webhook:${oldId}`, JSON.stringify({ tenant: "rotated" }));
    expect((await deliver(oldUrl, { id: 4242 }, { [SECRET_HEADER]: secret })).status).toBe(404);
    expect((await deliver(current.url, { id: 4243 }, { [SECRET_HEADER]: secret })).status).toBe(204);
    expect((await activityEvents("rotated")).map((e) => e.data.id)).toEqual([4243]);
  });

  it("refuses non-JSON, non-activities and bodies over 256 KiB", async () => {
    const { registration, secret } = await connectWithWebhook(stand.local, "picky");
    const headers = { [SECRET_HEADER]: secret };
    expect((await deliver(registration.url, "{not json", headers)).status).toBe(400);
    expect((await deliver(registration.url, { message: "no id" }, headers)).status).toBe(400);
    expect((await deliver(registration.url, [1, 2], headers)).status).toBe(400);
    expect((await deliver(registration.url, { id: 1, data: "x".repeat(300 * 1024) }, headers)).status).toBe(413);
    const text = await exports.default.fetch(new Request(registration.url, { method: "POST", headers: { ...headers, "Content-Type": "text/plain" }, body: '{"id":1}' }));
    expect(text.status).toBe(415);
    expect(await activityEvents("picky")).toEqual([]);
  });

  it("a routing id reaches only its own tenant: tenant B's secret does nothing on tenant A's routing id", async () => {
    stand.other.addClient({ clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret, redirectUris: [`${BASE}/callback`], scopes: ["monitoring", "management", "offline_access"] });
    const a = await connectWithWebhook(stand.local, "tenant-a");
    const b = await connectWithWebhook(stand.other, "tenant-b", "other");
    expect(b.webhooks.status).toBe("registered");
    expect(new URL(a.registration.url).pathname).not.toBe(new URL(b.registration.url).pathname);
    expect((await deliver(a.registration.url, { id: 5 }, { [SECRET_HEADER]: b.secret })).status).toBe(404);
    expect((await deliver(b.registration.url, { id: 6 }, { [SECRET_HEADER]: b.secret })).status).toBe(204);
    expect(await activityEvents("tenant-a")).toEqual([]);
    expect((await activityEvents("tenant-b")).map((e) => e.data.id)).toEqual([6]);
  });
});

describe("catching up", () => {
  it("the alarm's poll of /v2/activities relays what the webhook missed, once", async () => {
    await connectWithWebhook(stand.local, "catch-up");
    // the first poll runs right after the registration and only learns where to start
    await runDurableObjectAlarm(vault("catch-up"));
    const delivered = await stand.local.emitActivity(CLIENT.clientId);
    const missed = await stand.local.emitActivity(CLIENT.clientId, { deliver: false });
    expect((await activityEvents("catch-up")).map((e) => e.data.id)).toEqual([delivered.activity.id]);

    const alarm = await runInDurableObject(vault("catch-up"), (_i, state) => state.storage.getAlarm());
    vi.useFakeTimers({ toFake: ["Date"], now: alarm! });
    await runDurableObjectAlarm(vault("catch-up"));
    expect((await activityEvents("catch-up")).map((e) => e.data.id).sort()).toEqual([delivered.activity.id, missed.activity.id].sort());
    expect(stand.local.lastApiRequest()).toMatchObject({ path: "/v2/activities" });
    expect(stand.local.lastApiRequest()!.search).toMatch(/newerThan=\d+/);
  });

  it("history from before the registration is not relayed", async () => {
    await stand.local.emitActivity(CLIENT.clientId, { deliver: false });
    await connectWithWebhook(stand.local, "fresh-start");
    await runDurableObjectAlarm(vault("fresh-start"));
    expect(await activityEvents("fresh-start")).toEqual([]);
  });
});

describe("ending", () => {
  it("disconnect deletes the webhook at NinjaOne and the routing id stops answering at once", async () => {
    const { registration, secret } = await connectWithWebhook(stand.local, "leaving");
    expect((await call("/disconnect", { method: "POST", tenant: "leaving" })).status).toBe(200);
    for (let i = 0; i < 50 && stand.local.webhookOf(CLIENT.clientId); i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stand.local.webhookOf(CLIENT.clientId)).toBeUndefined();
    expect(stand.local.stats().webhookDeletes).toBe(1);
    expect((await deliver(registration.url, { id: 77 }, { [SECRET_HEADER]: secret })).status).toBe(404);
  });

  it("no webhook secret or routing secret appears in events or logs", async () => {
    const logged: string[] = [];
    for (const method of ["log", "info", "warn", "error"] as const) vi.spyOn(console, method).mockImplementation((...args) => void logged.push(args.join(" ")));
    const { secret } = await connectWithWebhook(stand.local, "quiet");
    await stand.local.emitActivity(CLIENT.clientId);
    await call("/disconnect", { method: "POST", tenant: "quiet" });
    const text = JSON.stringify(await events("quiet"));
    expect(text).toContain("ninjaone.activity");
    expect(text).not.toContain(secret);
    for (const line of logged) expect(line).not.toContain(secret);
  });
});

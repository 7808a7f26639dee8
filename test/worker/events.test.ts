import { createExecutionContext, createMessageBatch, getQueueResult, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { ConnectionEvent } from "../../contract";
import { verifyEvent } from "../../server";
import { deliverEvents, DELIVERY_TIMEOUT_MS } from "../../worker/events-delivery";
import worker from "../../worker/index";
import { call, mintToken } from "./helpers";
import { authorize, callback, CLIENT, connectTenant, eventDeliveries, eventReceiver, saveStandInCredentials, storedTokens, useStandInsPerTest } from "./oauth-helpers";

const stand = useStandInsPerTest();
afterEach(() => {
  eventReceiver.answer = () => new Response(null, { status: 204 });
});

async function events(tenant: string, query = "") {
  const response = await call(`/events${query}`, { token: await mintToken({ tenant, aud: "ninjaone-api" }) });
  return { response, body: (await response.json()) as { events: ConnectionEvent[]; nextCursor?: string } };
}
const types = async (tenant: string) => (await events(tenant)).body.events.map((event) => event.type).reverse();

describe("connection events", () => {
  it("every change of the connection produces exactly one event of the right type, with public data only", async () => {
    await connectTenant(stand.local, "lifecycle");
    expect(await types("lifecycle")).toEqual(["credentials.saved", "connection.connected"]);

    // a routine refresh is no change
    const tokens = (await storedTokens("lifecycle"))!;
    vi.useFakeTimers({ toFake: ["Date"], now: tokens.expiresAt - 60_000 });
    expect((await call("/token", { method: "POST", token: await mintToken({ tenant: "lifecycle", aud: "ninjaone-api" }) })).status).toBe(200);
    expect(await types("lifecycle")).toHaveLength(2);

    stand.local.setClientOptions(CLIENT.clientId, { monitoring: false });
    await call("/check", { method: "POST", tenant: "lifecycle" });
    stand.local.revokeGrants(CLIENT.clientId);
    await call("/check", { method: "POST", tenant: "lifecycle" });
    await call("/disconnect", { method: "POST", token: await mintToken({ tenant: "lifecycle", sub: "admin@lifecycle.example" }) });

    const { body } = await events("lifecycle");
    expect(body.events.map((event) => event.type).reverse()).toEqual([
      "credentials.saved",
      "connection.connected",
      "connection.check_failed",
      "connection.reconnect_required",
      "connection.disconnected",
    ]);
    const [disconnected, dead, checkFailed, connected] = body.events;
    expect(connected!.data).toEqual({ region: "local", clientId: CLIENT.clientId, status: "connected", scopes: ["monitoring", "management", "offline_access"] });
    expect(checkFailed!.data).toMatchObject({ error: "scope_missing" });
    expect(dead!.data).toMatchObject({ status: "reconnect_required", error: "invalid_grant" });
    expect(disconnected).toMatchObject({ tenant: "lifecycle", actor: "admin@lifecycle.example", data: { status: "not_connected", credentialsRemoved: true } });
    expect(new Set(body.events.map((event) => event.id)).size).toBe(5);
    const text = JSON.stringify(body);
    for (const secret of [CLIENT.clientSecret, tokens.accessToken, tokens.refreshToken]) expect(text).not.toContain(secret);
  });

  it("names credentials_rejected, and saving the current secret says connected again", async () => {
    await connectTenant(stand.local, "rejected");
    const tokens = (await storedTokens("rejected"))!;
    vi.useFakeTimers({ toFake: ["Date"], now: tokens.expiresAt - 60_000 });
    stand.local.addClient({ ...CLIENT, clientSecret: "a-fresh-secret-value-1234", redirectUris: [], scopes: ["monitoring", "management", "offline_access"] });
    await call("/token", { method: "POST", token: await mintToken({ tenant: "rejected", aud: "ninjaone-api" }) });
    await saveStandInCredentials("rejected", { clientSecret: "a-fresh-secret-value-1234" });
    expect((await types("rejected")).slice(2)).toEqual(["connection.credentials_rejected", "credentials.saved", "connection.connected"]);
  });

  it("saving another client app while connected says so: credentials saved and connection ended", async () => {
    await connectTenant(stand.local, "switcher");
    stand.other.addClient({ clientId: "other", clientSecret: "other-secret-value-000", redirectUris: [], scopes: ["monitoring", "offline_access"] });
    await saveStandInCredentials("switcher", { region: "other", clientId: "other", clientSecret: "other-secret-value-000" });
    const { body } = await events("switcher");
    expect(body.events.slice(0, 2).map((e) => e.type)).toEqual(["connection.disconnected", "credentials.saved"]);
    expect(body.events[0]!.data).toMatchObject({ reason: "credentials_changed", clientId: CLIENT.clientId });
    expect(body.events[1]!.data).toMatchObject({ clientId: "other", region: "other" });
  });

  it("a connect whose first check finds the grant unusable is one reconnect_required event, never a connected one", async () => {
    await saveStandInCredentials("dead-on-arrival");
    const real = vi.mocked(fetch).getMockImplementation()!;
    // every API call answers 401, even after a refresh: the new grant is unusable
    vi.mocked(fetch).mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      if (new URL(request.url).pathname.startsWith("/v2/")) return Response.json({ error: "invalid_token" }, { status: 401 });
      return real(request);
    });
    const flow = await authorize(stand.local, "approve", { tenant: "dead-on-arrival" });
    await callback(flow.callbackUrl, flow.cookie);
    vi.mocked(fetch).mockImplementation(real);
    expect(await types("dead-on-arrival")).toEqual(["credentials.saved", "connection.reconnect_required"]);
    expect((await events("dead-on-arrival")).body.events[0]!.data).toMatchObject({ status: "reconnect_required", error: "unauthorized" });
  });

  it("relayed activities do not push connection events out of the audit trail: each kind keeps its last 200", async () => {
    const vault = env.TENANT_VAULT.get(env.TENANT_VAULT.idFromName("webhook-busy"));
    const add = (i: number, type: "credentials.saved" | "ninjaone.activity") =>
      runInDurableObject(vault, async (_instance, state) => {
        const { record } = await import("../../worker/vault/audit");
        await record(state.storage, { id: `evt_${type}_${i}`, type, tenant: "webhook-busy", occurredAt: new Date().toISOString(), data: { i } }, false);
      });
    for (let i = 0; i < 3; i++) await add(i, "credentials.saved"); // who saved the credentials, and when
    for (let i = 0; i < 205; i++) await add(i, "ninjaone.activity"); // then a busy hour of webhooks
    const all = [...(await events("webhook-busy", "?limit=200")).body.events];
    const page2 = await events("webhook-busy", `?limit=200&cursor=${(await events("webhook-busy", "?limit=200")).body.nextCursor}`);
    all.push(...page2.body.events);
    expect(all.filter((e) => e.type === "credentials.saved").map((e) => e.data.i)).toEqual([2, 1, 0]);
    const activities = all.filter((e) => e.type === "ninjaone.activity").map((e) => e.data.i);
    expect(activities).toHaveLength(200);
    expect(activities.at(-1)).toBe(5); // the 5 oldest activities went
  });

  it("GET /events pages newest first with limit and cursor, keeps the last 200, and is tenant-isolated", async () => {
    for (let i = 0; i < 205; i++) {
      await runInDurableObject(env.TENANT_VAULT.get(env.TENANT_VAULT.idFromName("busy")), async (_instance, state) => {
        const { record } = await import("../../worker/vault/audit");
        await record(state.storage, { id: `evt_${i}`, type: "credentials.saved", tenant: "busy", occurredAt: new Date().toISOString(), data: { i } }, false);
      });
    }
    const first = await events("busy", "?limit=150");
    expect(first.body.events).toHaveLength(150);
    expect(first.body.events[0]!.data).toEqual({ i: 204 });
    const second = await events("busy", `?limit=150&cursor=${first.body.nextCursor}`);
    expect(second.body.events.map((e) => e.data.i)).toEqual(Array.from({ length: 50 }, (_, k) => 54 - k));
    expect(second.body.nextCursor).toBeUndefined();
    expect((await events("busy", "?limit=200")).body.events.at(-1)!.data).toEqual({ i: 5 });

    expect((await events("someone-else")).body.events).toEqual([]);
    for (const query of ["?limit=0", "?limit=201", "?limit=abc", "?cursor=-1", "?limit=1&limit=2", "?other=1", `?cursor=${"9".repeat(20)}`]) {
      expect((await events("busy", query)).response.status, query).toBe(400);
    }
    const widget = await call("/events", { tenant: "busy" });
    expect(widget.status).toBe(401);
  });
});

describe("event delivery (EVENTS_URL through the queue)", () => {
  it("a state change reaches EVENTS_URL through the real queue, signed with EVENTS_SIGNING_SECRET", async () => {
    eventDeliveries.length = 0;
    await saveStandInCredentials("delivered");
    const [trail] = (await events("delivered")).body.events;
    let delivery: (typeof eventDeliveries)[number] | undefined;
    for (let i = 0; i < 100 && !delivery; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      delivery = eventDeliveries.find((request) => request.url.endsWith("/ninjaone-events") && request.body.includes(trail!.id));
    }
    expect(delivery, "no delivery within 5 s").toBeDefined();
    const raw = delivery!.body;
    const event = await verifyEvent(raw, delivery!.headers.get("NinjaOne-Settings-Signature"), env.EVENTS_SIGNING_SECRET);
    expect(event).toEqual(trail);
    expect(delivery!.method).toBe("POST");
    expect(delivery!.headers.get("Content-Type")).toBe("application/json");
  });

  const event = (id: string): ConnectionEvent => ({ id, type: "credentials.saved", tenant: "t", occurredAt: new Date().toISOString(), data: { region: "eu" } });

  it("acknowledges a 2xx, retries anything else and timeouts, keeping the same id", async () => {
    const answers: Record<string, () => Promise<Response>> = {
      evt_ok: async () => new Response("ok", { status: 200 }),
      evt_500: async () => new Response("down", { status: 500 }),
      // not followed: a redirect must not carry a signed event to another host that acknowledges it
      evt_redirect: async () => new Response(null, { status: 302, headers: { Location: "https://elsewhere.test/" } }),
      evt_refused: async () => {
        throw new TypeError("connection refused");
      },
    };
    const redirectModes: string[] = [];
    eventReceiver.answer = async (request) => {
      redirectModes.push(request.redirect);
      return answers[((await request.clone().json()) as ConnectionEvent).id]!();
    };
    const batch = createMessageBatch<ConnectionEvent>("ninjaone-settings-events", Object.keys(answers).map((id, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body: event(id) })));
    const ctx = createExecutionContext();
    await worker.queue!(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["m0"]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId).sort()).toEqual(["m1", "m2", "m3"]);
    expect(redirectModes).toEqual(["manual", "manual", "manual", "manual"]);
  });

  it("a receiver that does not answer in time is given up on and retried later, with growing delays", async () => {
    expect(DELIVERY_TIMEOUT_MS).toBe(10_000);
    eventReceiver.answer = (request) => new Promise((_resolve, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason)));
    const batch = createMessageBatch<ConnectionEvent>("ninjaone-settings-events", [
      { id: "slow", timestamp: new Date(), attempts: 1, body: event("evt_slow") },
      { id: "slower", timestamp: new Date(), attempts: 3, body: event("evt_slower") },
    ]);
    const retries = batch.messages.map((message) => vi.spyOn(message, "retry"));
    await deliverEvents(batch, env, { timeoutMs: 100 });
    // EVENTS_RETRY_DELAY_SECONDS is 1 in the tests: 1 s, then doubling per attempt
    expect(retries.map((retry) => retry.mock.calls)).toEqual([[[{ delaySeconds: 1 }]], [[{ delaySeconds: 4 }]]]);
  });

  it("keeps every message, and says why, while the worker is misconfigured", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const batch = createMessageBatch<ConnectionEvent>("ninjaone-settings-events", [{ id: "kept", timestamp: new Date(), attempts: 1, body: event("evt_kept") }]);
    const retryAll = vi.spyOn(batch, "retryAll");
    await deliverEvents(batch, { ...env, ENCRYPTION_KEYS: undefined });
    expect(retryAll).toHaveBeenCalledWith({ delaySeconds: 60 });
    expect(eventDeliveries.some((delivery) => delivery.body.includes("evt_kept"))).toBe(false);
    expect(log.mock.calls.flat().join(" ")).toContain("not delivered: EVENTS_URL or EVENTS_SIGNING_SECRET is not set correctly");
  });

  it("the dead-letter queue's consumer logs an undeliverable event by id and acknowledges it", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const batch = createMessageBatch<ConnectionEvent>("ninjaone-settings-events-dlq", [{ id: "dead", timestamp: new Date(), attempts: 1, body: event("evt_dead") }]);
    const ctx = createExecutionContext();
    await worker.queue!(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["dead"]);
    expect(log.mock.calls.flat().join(" ")).toContain("evt_dead");
  });

  it("an event the queue refused waits in the outbox and the alarm sends it", async () => {
    const send = vi.spyOn(env.EVENTS_QUEUE!, "sendBatch").mockRejectedValueOnce(new Error("queue unavailable"));
    await saveStandInCredentials("outboxed");
    const vault = env.TENANT_VAULT.get(env.TENANT_VAULT.idFromName("outboxed"));
    const pending = () => runInDurableObject(vault, async (_i, state) => [...(await state.storage.list({ prefix: "outbox:" })).keys()]);
    expect(await pending()).toHaveLength(1);
    const alarm = await runInDurableObject(vault, (_i, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    vi.useFakeTimers({ toFake: ["Date"], now: alarm! + 1 });
    await runDurableObjectAlarm(vault);
    expect(await pending()).toEqual([]);
    expect(send).toHaveBeenCalledTimes(2);
    expect(send.mock.calls[1]![0]).toEqual(send.mock.calls[0]![0]);
  });

  it("disconnecting a tenant with nothing left keeps the outbox's retry: waiting events are not stranded", async () => {
    const send = vi.spyOn(env.EVENTS_QUEUE!, "sendBatch").mockRejectedValue(new Error("queue unavailable"));
    await saveStandInCredentials("stranded");
    const disconnect = async () => call("/disconnect", { method: "POST", tenant: "stranded" });
    expect((await disconnect()).status).toBe(200); // two events wait now: saved, disconnected
    expect((await disconnect()).status).toBe(200); // nothing left to disconnect: no event of its own
    const vault = env.TENANT_VAULT.get(env.TENANT_VAULT.idFromName("stranded"));
    const alarm = await runInDurableObject(vault, (_i, state) => state.storage.getAlarm());
    expect(alarm).not.toBeNull();
    send.mockRestore();
    vi.useFakeTimers({ toFake: ["Date"], now: alarm! + 1 });
    await runDurableObjectAlarm(vault);
    expect(await runInDurableObject(vault, async (_i, state) => (await state.storage.list({ prefix: "outbox:" })).size)).toBe(0);
  });
});

void exports;

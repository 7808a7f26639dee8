// Limits of the platform the vault runs on, with NINJAONE_WEBHOOKS=on: Cloudflare Queues'
// sendBatch (at most 100 messages and 256 KB per batch, 128 KB per message, enforced by the
// real miniflare queue here), Durable Object storage's 128 keys per put/delete, and alarms whose
// job fails. Activities come from the NinjaOne stand-in, by webhook or by the catch-up poll.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ConnectionEvent } from "../../../contract";
import type { StandIn } from "../../ninjaone-stand-in/stand-in";
import { call, mintToken, putCredentials, status } from "../helpers";
import { CLIENT, connectTenant, eventDeliveries, storedTokens, useStandInsPerTest } from "../oauth-helpers";

const stand = useStandInsPerTest();
beforeEach(enforceStorageKeyLimit);
afterEach(() => vi.restoreAllMocks());

const HOUR = 60 * 60 * 1000;
/** Cloudflare Queues' limits: 128 KB a message, 100 messages and 256 KB a sendBatch. */
const QUEUE_MESSAGE_LIMIT = 128 * 1000;
const QUEUE_BATCH_LIMIT = { messages: 100, bytes: 256 * 1000 };
const vault = (tenant: string) => env.TENANT_VAULT.get(env.TENANT_VAULT.idFromName(tenant));
const alarmOf = (tenant: string) => runInDurableObject(vault(tenant), (_i, state) => state.storage.getAlarm());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const kvPrototype = Object.getPrototypeOf(env.NINJAONE_KV) as KVNamespace;

/** Durable Object storage's limit in production: the local workerd does not enforce it for SQLite-backed objects. */
const STORAGE_KEY_LIMIT = 128;

/**
 * Makes this isolate's Durable Object storage refuse a put or delete of more than 128 keys, as
 * Cloudflare's does (its methods live on a prototype shared by every object here, the vaults'
 * included; restored after each test like every spy).
 */
async function enforceStorageKeyLimit() {
  const prototype = await runInDurableObject(vault("storage-prototype"), (_i, state) => Object.getPrototypeOf(state.storage) as DurableObjectStorage);
  const { put, delete: remove } = prototype;
  const refuse = (what: string, count: number) => Promise.reject(new RangeError(`${what} of ${count} keys: at most ${STORAGE_KEY_LIMIT} (the production limit, enforced by this test)`));
  vi.spyOn(prototype, "put").mockImplementation(function (this: DurableObjectStorage, ...args: unknown[]) {
    const count = typeof args[0] === "object" && args[0] !== null ? Object.keys(args[0]).length : 1;
    return count > STORAGE_KEY_LIMIT ? refuse("put", count) : (put as (...a: unknown[]) => Promise<void>).apply(this, args);
  } as DurableObjectStorage["put"]);
  vi.spyOn(prototype, "delete").mockImplementation(function (this: DurableObjectStorage, ...args: unknown[]) {
    const count = Array.isArray(args[0]) ? args[0].length : 1;
    return count > STORAGE_KEY_LIMIT ? refuse("delete", count) : (remove as (...a: unknown[]) => Promise<unknown>).apply(this, args);
  } as DurableObjectStorage["delete"]);
}

async function waitFor(done: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  for (const end = performance.now() + timeoutMs; !(await done()) && performance.now() < end; ) await sleep(50);
}

/** Connects with a registered webhook and lets the first catch-up poll learn its watermark. */
async function connectWithWebhook(standIn: StandIn, tenant: string) {
  await connectTenant(standIn, tenant);
  await waitFor(async () => (await status(tenant)).body.connection.webhooks?.status === "registered", 5_000);
  expect((await status(tenant)).body.connection.webhooks?.status).toBe("registered");
  // the first poll runs right after the registration (by itself or here) and relays nothing
  await runDurableObjectAlarm(vault(tenant));
}

function moveClockTo(now: number) {
  if (vi.isFakeTimers()) vi.setSystemTime(now);
  else vi.useFakeTimers({ toFake: ["Date"], now });
}

/** Runs the catch-up poll: moves the clock to the tenant's alarm (15 minutes on) and runs it. */
async function runNextAlarm(tenant: string) {
  const alarm = await alarmOf(tenant);
  expect(alarm).not.toBeNull();
  moveClockTo(Math.max(Date.now(), alarm!));
  return runDurableObjectAlarm(vault(tenant));
}

async function trail(tenant: string): Promise<ConnectionEvent[]> {
  const response = await call("/events?limit=200", { token: await mintToken({ tenant, aud: "ninjaone-api" }) });
  return ((await response.json()) as { events: ConnectionEvent[] }).events;
}

/** The events of `tenant` that reached EVENTS_URL through the queue (at least once: deduplicated by id). */
function received(tenant: string, type = "ninjaone.activity"): ConnectionEvent[] {
  const byId = new Map<string, ConnectionEvent>();
  for (const delivery of eventDeliveries) {
    const event = JSON.parse(delivery.body) as ConnectionEvent;
    if (event.tenant === tenant && event.type === type) byId.set(event.id, event);
  }
  return [...byId.values()];
}
const receivedActivityIds = (tenant: string) => new Set(received(tenant).map((event) => event.data.id as number));

/** `count` activities NinjaOne logged but did not deliver (the webhook missed them). */
async function missedActivities(standIn: StandIn, count: number, activity: Record<string, unknown> = {}): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i++) ids.push((await standIn.emitActivity(CLIENT.clientId, { deliver: false, activity })).activity.id);
  return ids;
}

/**
 * Records the size of every sendBatch the vaults make (and lets it through). The local queue
 * refuses more than 100 messages, but lets a batch of up to 288,000 bytes through; this holds
 * every batch to Cloudflare's 256 KB.
 */
function watchBatches(): Array<{ messages: number; bytes: number }> {
  const queue = env.EVENTS_QUEUE!;
  const send = queue.sendBatch.bind(queue);
  const seen: Array<{ messages: number; bytes: number }> = [];
  vi.spyOn(queue, "sendBatch").mockImplementation((messages, options) => {
    const list = [...messages];
    seen.push({ messages: list.length, bytes: list.reduce((sum, m) => sum + new TextEncoder().encode(JSON.stringify(m.body)).length, 0) });
    return send(list, options);
  });
  return seen;
}

const storedKeys = (tenant: string, prefix: string) =>
  runInDurableObject(vault(tenant), async (_i, state) => [...(await state.storage.list({ prefix })).keys()]);

describe("the events queue's limits", () => {
  it("150 activities relayed by one catch-up poll all reach the queue, and later events still flow", { timeout: 40_000 }, async () => {
    // More than sendBatch's 100 messages wait in the outbox at once: a single batch is refused,
    // and retrying the same batch from the alarm would be refused forever.
    await connectWithWebhook(stand.local, "many-at-once");
    const missed = await missedActivities(stand.local, 150);
    const batches = watchBatches();
    await runNextAlarm("many-at-once");
    await waitFor(() => receivedActivityIds("many-at-once").size >= missed.length);
    expect([...receivedActivityIds("many-at-once")].sort((a, b) => a - b)).toEqual(missed);
    for (const batch of batches) expect(batch.messages).toBeLessThanOrEqual(QUEUE_BATCH_LIMIT.messages);

    const later = await stand.local.emitActivity(CLIENT.clientId);
    expect(later.delivery).toEqual({ delivered: true, status: 204 });
    await waitFor(() => receivedActivityIds("many-at-once").has(later.activity.id));
    expect(receivedActivityIds("many-at-once").has(later.activity.id)).toBe(true);
    expect(await storedKeys("many-at-once", "outbox:")).toEqual([]);
  });

  it("20 activities of ~20 KB each (over 256 KB together) are delivered completely", { timeout: 40_000 }, async () => {
    // Fewer than 100 messages, but more than a batch's 256 KB: the batch must be split by size.
    await connectWithWebhook(stand.local, "heavy-batch");
    const message = "m".repeat(20 * 1024);
    const missed = await missedActivities(stand.local, 20, { message });
    const batches = watchBatches();
    await runNextAlarm("heavy-batch");
    await waitFor(() => receivedActivityIds("heavy-batch").size >= missed.length);
    const events = received("heavy-batch");
    expect(events.map((event) => event.data.id as number).sort((a, b) => a - b)).toEqual(missed);
    // each is small enough to go whole
    for (const event of events) {
      expect(event.data.message).toBe(message);
      expect(event.data).not.toHaveProperty("truncated");
    }
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) expect(batch.bytes).toBeLessThanOrEqual(QUEUE_BATCH_LIMIT.bytes);
    expect(await storedKeys("heavy-batch", "outbox:")).toEqual([]);
  });
});

describe("an activity over 100 KB", () => {
  /** What the host gets instead: the activity without its bulky fields, marked truncated (fetch it by id). */
  const truncatedForm = (activity: object) => {
    const { data: _data, device: _device, message: _message, ...rest } = activity as Record<string, unknown>;
    return { ...rest, truncated: true };
  };

  it("delivered by the webhook is relayed without data, device and message, marked truncated, within 128 KB", { timeout: 20_000 }, async () => {
    // One message is at most 128 KB: the whole activity would be refused by the queue, forever.
    await connectWithWebhook(stand.local, "huge-webhook");
    const { activity, delivery } = await stand.local.emitActivity(CLIENT.clientId, { activity: { data: { blob: "d".repeat(150 * 1024) } } });
    expect(delivery).toEqual({ delivered: true, status: 204 });
    expect(JSON.stringify(activity).length).toBeGreaterThan(100 * 1024);

    const [event] = (await trail("huge-webhook")).filter((e) => e.type === "ninjaone.activity");
    expect(event!.data).toMatchObject(truncatedForm(activity));
    for (const field of ["data", "device", "message"]) expect(event!.data).not.toHaveProperty(field);

    await waitFor(() => received("huge-webhook").length > 0);
    const [sent] = eventDeliveries.filter((d) => d.body.includes(event!.id));
    expect(sent, "the event never reached EVENTS_URL").toBeDefined();
    expect(new TextEncoder().encode(sent!.body).length).toBeLessThan(QUEUE_MESSAGE_LIMIT);
    expect(JSON.parse(sent!.body)).toEqual(event);
  });

  it("brought by the catch-up poll is relayed the same way", { timeout: 20_000 }, async () => {
    await connectWithWebhook(stand.local, "huge-poll");
    const [id] = await missedActivities(stand.local, 1, { message: "x".repeat(120 * 1024) });
    await runNextAlarm("huge-poll");
    const activity = stand.local.activitiesOf(CLIENT.clientId).find((a) => a.id === id)!;
    const [event] = (await trail("huge-poll")).filter((e) => e.type === "ninjaone.activity");
    expect(event!.data).toEqual(truncatedForm(activity));
    await waitFor(() => receivedActivityIds("huge-poll").has(id!));
    expect(receivedActivityIds("huge-poll").has(id!)).toBe(true);
  });
});

describe("storage calls over many keys (at most 128 per put or delete)", () => {
  it("a poll relaying 250 new activities remembers every id: a redelivery of any of them is not relayed again", { timeout: 40_000 }, async () => {
    // The first page relays 200 at once: 200 `seen:` keys in one put.
    await connectWithWebhook(stand.local, "many-seen");
    const missed = await missedActivities(stand.local, 250);
    await runNextAlarm("many-seen");
    await waitFor(() => receivedActivityIds("many-seen").size >= missed.length);
    expect([...receivedActivityIds("many-seen")].sort((a, b) => a - b)).toEqual(missed);

    const newest = (await trail("many-seen"))[0]!.id;
    for (const id of [missed[0]!, missed[199]!, missed[249]!]) {
      const again = await stand.local.redeliverActivity(CLIENT.clientId, id);
      expect(again.delivery, `activity ${id}`).toEqual({ delivered: true, status: 204 });
    }
    expect((await trail("many-seen"))[0]!.id).toBe(newest);
  });

  it("250 events that waited in the outbox while the queue was down are all delivered and leave the outbox", { timeout: 40_000 }, async () => {
    await connectWithWebhook(stand.local, "outbox-pile");
    const refuse = vi.spyOn(env.EVENTS_QUEUE!, "sendBatch").mockRejectedValue(new Error("queue unavailable (injected)"));
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const missed = await missedActivities(stand.local, 250);
    await runNextAlarm("outbox-pile");
    expect(await storedKeys("outbox-pile", "outbox:")).toHaveLength(missed.length);

    // The queue is back: the outbox retry sends 250 and deletes 250 outbox keys.
    refuse.mockRestore();
    await runNextAlarm("outbox-pile");
    await waitFor(() => receivedActivityIds("outbox-pile").size >= missed.length);
    expect([...receivedActivityIds("outbox-pile")].sort((a, b) => a - b)).toEqual(missed);
    expect(await storedKeys("outbox-pile", "outbox:")).toEqual([]);
  });

  it("the sweep forgets 250 expired `seen:` ids in one poll", { timeout: 20_000 }, async () => {
    // Seeded directly: 250 ids seen 49 hours ago (dedup lasts 48 h), more than one delete takes.
    await connectWithWebhook(stand.local, "old-seen");
    const seenAt = Date.now() - 49 * HOUR;
    await runInDurableObject(vault("old-seen"), async (_i, state) => {
      for (let first = 0; first < 250; first += 100) {
        const ids = Array.from({ length: Math.min(100, 250 - first) }, (_, k) => 900_000 + first + k);
        await state.storage.put(Object.fromEntries(ids.map((id) => [`seen:${id}`, seenAt])));
      }
    });
    expect(await storedKeys("old-seen", "seen:")).toHaveLength(250);
    await runNextAlarm("old-seen");
    expect(await storedKeys("old-seen", "seen:")).toEqual([]);
    // and the next poll is scheduled as usual
    expect((await alarmOf("old-seen"))! - Date.now()).toBe(15 * 60 * 1000);
  });
});

describe("alarms whose job fails", () => {
  it("a webhook registration that throws (KV down) keeps a retry alarm, and registers once KV works again", { timeout: 20_000 }, async () => {
    // The check after the exchange takes the first 500, the registration the second: it retries in a minute.
    stand.local.failNextApiRequests("server_error", 2);
    await connectTenant(stand.local, "kv-down-webhook");
    await waitFor(async () => ((await alarmOf("kv-down-webhook")) ?? 0) - Date.now() > 30_000, 5_000);
    expect((await status("kv-down-webhook")).body.connection.webhooks).toEqual({ status: "pending" });

    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const failing = vi.spyOn(kvPrototype, "put").mockRejectedValue(new Error("KV is down (injected)"));
    await runNextAlarm("kv-down-webhook").catch(() => undefined);
    const retry = await alarmOf("kv-down-webhook");
    expect(retry, "no alarm left after the failed run").not.toBeNull();
    // a retry with a delay, not the same past time again: no hot loop
    expect(retry! - Date.now()).toBeGreaterThanOrEqual(50_000);

    failing.mockRestore();
    await runNextAlarm("kv-down-webhook");
    expect((await status("kv-down-webhook")).body.connection.webhooks.status).toBe("registered");
    expect(stand.local.webhookOf(CLIENT.clientId)).toBeDefined();
  });

  it("saving the current secret to resume from credentials_rejected schedules the catch-up poll again", { timeout: 20_000 }, async () => {
    await connectWithWebhook(stand.local, "resume-poll");
    const tokens = (await storedTokens("resume-poll"))!;
    // NinjaOne got a new secret: the keep-alive is refused, the connection is credentials_rejected.
    const newSecret = "a-new-secret-from-ninjaone-2";
    stand.local.addClient({ ...CLIENT, clientSecret: newSecret, redirectUris: [], scopes: ["monitoring", "management", "offline_access"] });
    moveClockTo(tokens.issuedAt! + 24.5 * HOUR);
    await runDurableObjectAlarm(vault("resume-poll"));
    expect((await status("resume-poll")).body.connection.status).toBe("credentials_rejected");

    const [missed] = await missedActivities(stand.local, 1);
    expect((await putCredentials({ region: "local", clientId: CLIENT.clientId, clientSecret: newSecret }, { tenant: "resume-poll" })).status).toBe(200);
    expect((await status("resume-poll")).body.connection.status).toBe("connected");
    expect(await alarmOf("resume-poll"), "no alarm after the resume").not.toBeNull();
    // the next alarms (keep-alive, then the poll) catch up on what was missed meanwhile
    for (let run = 0; run < 3 && !(await trail("resume-poll")).some((e) => e.data.id === missed); run++) {
      if ((await alarmOf("resume-poll")) === null) break;
      await runNextAlarm("resume-poll");
    }
    expect((await trail("resume-poll")).filter((e) => e.type === "ninjaone.activity").map((e) => e.data.id)).toEqual([missed]);
  });
});

describe("disconnect with a registered webhook", () => {
  it("deletes the webhook at NinjaOne before revoking the refresh token, and waits for it", { timeout: 20_000 }, async () => {
    // Revoking ends the grant and its access tokens: a DELETE that arrives later is refused (401)
    // and the webhook stays registered at NinjaOne. The DELETE is made slow (network latency).
    await connectWithWebhook(stand.local, "leaving-first");
    const handled: string[] = [];
    const original = stand.local.fetch;
    vi.spyOn(stand.local, "fetch").mockImplementation(async (request) => {
      const { pathname } = new URL(request.url);
      if (request.method === "DELETE" && pathname === "/v2/webhook") await sleep(300);
      handled.push(`${request.method} ${pathname}`);
      return original(request);
    });

    expect((await call("/disconnect", { method: "POST", tenant: "leaving-first" })).status).toBe(200);
    // awaited: it has reached NinjaOne and taken effect by the time disconnect answers
    expect(stand.local.stats().webhookDeletes).toBe(1);
    expect(stand.local.webhookOf(CLIENT.clientId)).toBeUndefined();

    await waitFor(() => stand.local.stats().revocations > 0, 5_000);
    expect(handled.filter((line) => line === "DELETE /v2/webhook" || line === "POST /ws/oauth/revoke")).toEqual(["DELETE /v2/webhook", "POST /ws/oauth/revoke"]);
  });
});

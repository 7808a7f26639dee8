import { API_BASE_PATH, type ConnectionStatus, type WebhooksStatus } from "../../contract";
import type { Config } from "../config";
import { randomToken, sha256, timingSafeEqual } from "../crypto";
import { deleteWebhook, fetchActivities, putWebhook, type Activity } from "../ninjaone-webhooks";
import type { Region } from "../regions";
import { deleteWebhookRoute, writeWebhookRoute } from "../store";
import { clearJob, retryDelay, scheduleJob } from "./jobs";
import { deleteMany, putMany } from "./storage";

/**
 * The tenant's NinjaOne webhook: its registration (`webhook` in the tenant's Durable Object
 * storage, and which tenant its routing id belongs to in KV), the check of each delivery, the
 * dedup of activities by id (`seen:<activity id>`), and the catch-up poll of /v2/activities.
 * The vault owns the record, the tokens and the events, and runs all of this one change at a
 * time; it lends what is needed here as a `WebhookVault`.
 */
export interface WebhookVault {
  storage: DurableObjectStorage;
  kv: KVNamespace;
  config: Config;
  tenant: string;
  /** The stored connection's status and the region of the stored credentials. */
  connection(): Promise<{ status: ConnectionStatus | undefined; region: Region | undefined }>;
  /** The stored access token as it is (no refresh); undefined when there is none or it can't be opened. */
  storedAccessToken(): Promise<string | undefined>;
  /**
   * Calls NinjaOne with a fresh access token, refreshing once more on a 401; `no_token` when none
   * could be had. A refresh that failed for good has already changed the connection's status.
   */
  withAccessToken<T extends { kind: string }>(call: (accessToken: string) => Promise<T>): Promise<T | { kind: "no_token" }>;
  /** What the tenant record shows as `connection.webhooks`. */
  setStatus(status: WebhooksStatus): Promise<void>;
  /** Records each as a `ninjaone.activity` event, then hands them to the queue together. */
  emitActivities(activities: Activity[]): Promise<void>;
}

/** The registration (`webhook` in storage). The secret itself is never stored. */
interface WebhookRecord {
  routingId: string;
  /** SHA-256 of the secret header value NinjaOne sends with each delivery. */
  secretHash: string;
  registeredAt: string;
  /** The highest activity id the catch-up poll has seen; undefined until it learns where to start. */
  watermark?: number;
}
const WEBHOOK = "webhook";
const SEEN_PREFIX = "seen:";
/** Deliveries are deduplicated by activity id for at least this long. */
const SEEN_FOR_MS = 48 * 60 * 60 * 1000;
/** The catch-up poll of /v2/activities, while connected with webhooks on. */
export const ACTIVITY_POLL_MS = 15 * 60 * 1000;
const ACTIVITY_PAGE = 200;

/**
 * Registers the tenant's webhook (from the alarm, right after a connect and on retries):
 * a new random routing id and secret each time, the routing record in KV before NinjaOne can
 * deliver, then `PUT /v2/webhook`. 403 (not a system administrator) is final until the next
 * connect; other failures retry with growing delays.
 */
export async function register(vault: WebhookVault): Promise<void> {
  const { storage, kv, config, tenant } = vault;
  const { status, region } = await vault.connection();
  if (!config.webhooks || !config.appBaseUrl || status !== "connected" || !region) {
    await clearJob(storage, "webhook", "webhookFailures");
    return;
  }
  const routingId = randomToken(16);
  const secret = randomToken(32);
  await writeWebhookRoute(kv, routingId, tenant);
  const url = `${config.appBaseUrl}${API_BASE_PATH}/webhooks/${routingId}`;
  const answer = await vault.withAccessToken((token) => putWebhook(region.baseUrl, token, { url, secret, activities: config.webhooks!.activities }, config.ninjaone));
  if (answer.kind !== "ok") {
    await deleteWebhookRoute(kv, routingId).catch(() => undefined);
    if (answer.kind === "forbidden") {
      await clearJob(storage, "webhook", "webhookFailures");
      await vault.setStatus({ status: "not_permitted" });
    } else if (answer.kind !== "no_token" || (await vault.connection()).status === "connected") {
      const retryAfter = "retryAfterSeconds" in answer ? (answer.retryAfterSeconds ?? 0) * 1000 : 0;
      await scheduleJob(storage, "webhook", (jobs) => Math.max(retryAfter, retryDelay(jobs.webhookFailures)), "webhookFailures");
      await vault.setStatus({ status: "pending" });
    } else {
      await clearJob(storage, "webhook", "webhookFailures");
    }
    return;
  }
  // The old routing id stops answering now: only the new one reaches this tenant.
  const previous = await storage.get<WebhookRecord>(WEBHOOK);
  if (previous) await deleteWebhookRoute(kv, previous.routingId).catch(() => undefined);
  const registeredAt = new Date().toISOString();
  await storage.put(WEBHOOK, { routingId, secretHash: await sha256(secret), registeredAt, watermark: previous?.watermark } satisfies WebhookRecord);
  await clearJob(storage, "webhook", "webhookFailures");
  await vault.setStatus({ status: "registered", at: registeredAt });
  await scheduleJob(storage, "activities", () => (previous?.watermark === undefined ? 0 : ACTIVITY_POLL_MS));
}

/**
 * Prepares to drop the webhook (disconnect, another client app): answers a function that
 * forgets the registration and its routing id at once, and deletes the webhook at NinjaOne,
 * best effort (at most 3 s), with the token that is about to be revoked — so await it before
 * revoking: a revoke first would leave NinjaOne posting to a routing id that answers 404.
 */
export async function abandon(vault: WebhookVault): Promise<(() => Promise<void>) | undefined> {
  const webhook = await vault.storage.get<WebhookRecord>(WEBHOOK);
  if (!webhook) return undefined;
  const { region } = await vault.connection();
  const accessToken = await vault.storedAccessToken();
  return async () => {
    await vault.storage.delete(WEBHOOK);
    await deleteWebhookRoute(vault.kv, webhook.routingId).catch(() => undefined);
    if (region && accessToken !== undefined) await deleteWebhook(region.baseUrl, accessToken, vault.config.ninjaone).catch(() => undefined);
  };
}

/** The connection works again (a new secret after `credentials_rejected`): catch up on what was missed meanwhile. */
export async function resume(vault: WebhookVault): Promise<void> {
  if (vault.config.webhooks && (await vault.storage.get<WebhookRecord>(WEBHOOK))) await scheduleJob(vault.storage, "activities", () => 0);
}

/**
 * Whether a delivery to `POST /webhooks/<routing id>` belongs to the current registration. A
 * retired routing id and a wrong secret are alike to the caller, so nothing is revealed.
 */
export async function matchesRegistration(storage: DurableObjectStorage, routingId: string, secret: string): Promise<boolean> {
  const webhook = await storage.get<WebhookRecord>(WEBHOOK);
  const secretMatches = timingSafeEqual(await sha256(secret), webhook?.secretHash ?? "");
  return webhook !== undefined && webhook.routingId === routingId && secretMatches;
}

/** An activity's JSON above this is relayed without its bulky fields (a queue message holds 128 KB). */
export const MAX_ACTIVITY_BYTES = 100 * 1024;
/** What goes when an activity is too large: its free-form parts, not what identifies it. */
const BULKY_FIELDS = ["data", "device", "message"];

/** The activity, or — over MAX_ACTIVITY_BYTES — the activity without its bulky fields and `truncated: true`: fetch it by id. */
function withinMessageLimit(activity: Activity): Activity {
  if (new TextEncoder().encode(JSON.stringify(activity)).length <= MAX_ACTIVITY_BYTES) return activity;
  const trimmed: Activity = { ...activity, truncated: true };
  for (const field of BULKY_FIELDS) delete trimmed[field];
  return trimmed;
}

/** Emits the activities not seen before (in id order), remembering each id; answers how many. */
export async function relay(vault: WebhookVault, activities: Activity[]): Promise<number> {
  const fresh: Activity[] = [];
  for (const activity of [...activities].sort((a, b) => a.id - b.id)) {
    const key = SEEN_PREFIX + activity.id;
    if (fresh.some((a) => a.id === activity.id) || (await vault.storage.get(key)) !== undefined) continue;
    fresh.push(activity);
  }
  if (fresh.length === 0) return 0;
  await putMany(vault.storage, Object.fromEntries(fresh.map((activity) => [SEEN_PREFIX + activity.id, Date.now()])));
  await vault.emitActivities(fresh.map(withinMessageLimit));
  return fresh.length;
}

/**
 * The catch-up (NinjaOne documents no retries of failed deliveries): every 15 minutes while
 * registered, `GET /v2/activities?newerThan=<watermark>`, relaying what the webhook missed.
 * A first run only learns the watermark, so history from before the registration is not relayed.
 */
export async function pollActivities(vault: WebhookVault): Promise<void> {
  const { storage, config } = vault;
  const { status, region } = await vault.connection();
  const webhook = await storage.get<WebhookRecord>(WEBHOOK);
  if (!config.webhooks || !region || !webhook || status !== "connected") {
    await clearJob(storage, "activities");
    return;
  }
  let watermark = webhook.watermark;
  for (let page = 0; page < 5; page++) {
    const since = watermark;
    const answer = await vault.withAccessToken((token) => fetchActivities(region.baseUrl, token, since, since === undefined ? 1 : ACTIVITY_PAGE, config.ninjaone));
    if (answer.kind !== "ok") break;
    const ids = answer.activities.map((activity) => activity.id);
    const highest = Math.max(since ?? 0, answer.lastActivityId ?? 0, ...ids);
    if (since !== undefined) await relay(vault, answer.activities);
    watermark = highest;
    if (since === undefined || answer.activities.length < ACTIVITY_PAGE) break;
  }
  if (watermark !== webhook.watermark) await storage.put(WEBHOOK, { ...webhook, watermark });
  await sweepSeen(storage);
  await scheduleJob(storage, "activities", () => ACTIVITY_POLL_MS);
}

async function sweepSeen(storage: DurableObjectStorage): Promise<void> {
  const seen = await storage.list<number>({ prefix: SEEN_PREFIX });
  const old = [...seen].filter(([, at]) => at < Date.now() - SEEN_FOR_MS).map(([key]) => key);
  await deleteMany(storage, old);
}

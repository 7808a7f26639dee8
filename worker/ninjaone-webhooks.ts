import { DEFAULT_TIMEOUT_MS, retryAfterSeconds, send, type HttpOptions } from "./oauth/client";

/**
 * NinjaOne's webhook configuration (one per client app, so one per tenant here) and its
 * activity log, as request/answer pairs (NINJAONE.md, "Webhooks"). Nothing here stores or
 * decides anything: the tenant's Durable Object does. Each call takes its own `HttpOptions`.
 */

/** The custom header NinjaOne sends with every delivery: NinjaOne signs nothing, so it is the only proof. */
export const WEBHOOK_SECRET_HEADER = "X-NinjaOne-Settings-Secret";

export type CallOutcome =
  | { kind: "ok" }
  | { kind: "unauthorized" }
  | { kind: "forbidden" }
  | { kind: "failed"; retryAfterSeconds?: number };

async function call(url: string, init: RequestInit, options: HttpOptions): Promise<Response | undefined> {
  try {
    return await send(url, init, options);
  } catch {
    return undefined;
  }
}

function outcomeOf(response: Response | undefined): CallOutcome {
  if (!response) return { kind: "failed" };
  if (response.ok) return { kind: "ok" };
  if (response.status === 401) return { kind: "unauthorized" };
  if (response.status === 403) return { kind: "forbidden" };
  return { kind: "failed", retryAfterSeconds: retryAfterSeconds(response.headers.get("Retry-After")) };
}

/** `PUT /v2/webhook`: where NinjaOne delivers, with our secret header; 403 when the user is not a system administrator. */
export async function putWebhook(
  baseUrl: string,
  accessToken: string,
  registration: { url: string; secret: string; activities: unknown },
  options: HttpOptions = {},
): Promise<CallOutcome> {
  const body = {
    url: registration.url,
    ...(registration.activities !== undefined ? { activities: registration.activities } : {}),
    expand: ["device", "organization"],
    headers: [{ name: WEBHOOK_SECRET_HEADER, value: registration.secret }],
  };
  const response = await call(
    `${baseUrl}/v2/webhook`,
    {
      method: "PUT",
      headers: { Authorization: `Bearer ${accessToken}`, "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
    },
    options,
  );
  await response?.body?.cancel();
  return outcomeOf(response);
}

/** `DELETE /v2/webhook`, best effort (any failure is ignored by the caller), so it waits at most 3 s. */
export async function deleteWebhook(baseUrl: string, accessToken: string, options: HttpOptions = {}): Promise<CallOutcome> {
  const timeoutMs = Math.min(3000, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const response = await call(`${baseUrl}/v2/webhook`, { method: "DELETE", headers: { Authorization: `Bearer ${accessToken}` } }, { ...options, timeoutMs });
  await response?.body?.cancel();
  return outcomeOf(response);
}

/** An activity as NinjaOne sends it; only `id` is relied on (for dedup and the watermark). */
export type Activity = { id: number } & Record<string, unknown>;

export const isActivity = (value: unknown): value is Activity =>
  typeof value === "object" && value !== null && !Array.isArray(value) && Number.isSafeInteger((value as { id?: unknown }).id);

/**
 * `GET /v2/activities?newerThan=<id>&pageSize=<n>`: what happened after the watermark. Without a
 * watermark it answers the newest page, which is how a new registration learns where to start.
 */
export async function fetchActivities(
  baseUrl: string,
  accessToken: string,
  newerThan: number | undefined,
  pageSize: number,
  options: HttpOptions = {},
): Promise<{ kind: "ok"; activities: Activity[]; lastActivityId: number | undefined } | Exclude<CallOutcome, { kind: "ok" }>> {
  const query = new URLSearchParams({ pageSize: String(pageSize), ...(newerThan !== undefined ? { newerThan: String(newerThan) } : {}) });
  const response = await call(`${baseUrl}/v2/activities?${query}`, { headers: { Authorization: `Bearer ${accessToken}`, Accept: "application/json" } }, options);
  const outcome = outcomeOf(response);
  if (outcome.kind !== "ok") {
    await response?.body?.cancel();
    return outcome;
  }
  const body = (await response!.json().catch(() => undefined)) as { lastActivityId?: unknown; activities?: unknown } | undefined;
  if (!body || !Array.isArray(body.activities)) return { kind: "failed" };
  const activities = body.activities.filter(isActivity);
  const lastActivityId = Number.isSafeInteger(body.lastActivityId) ? (body.lastActivityId as number) : undefined;
  return { kind: "ok", activities, lastActivityId };
}

import { SIGNATURE_HEADER, type ConnectionEvent } from "../contract";
import { signEvent } from "../server/events";
import { loadConfig, type Config } from "./config";
import type { Env } from "./env";
import { ConfigError } from "./errors";

/**
 * The consumer of EVENTS_QUEUE: POSTs each event to EVENTS_URL, signed with
 * EVENTS_SIGNING_SECRET, and lets Cloudflare Queues do the rest — a 2xx
 * acknowledges; anything else, or no answer within 10 s, retries with backoff;
 * after the last retry the message goes to the dead-letter queue. At least once:
 * receivers dedup by the event's `id`, which every attempt carries unchanged.
 */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** wrangler.toml's `dead_letter_queue` of the events queue. */
export const EVENTS_DEAD_LETTER_QUEUE = "ninjaone-settings-events-dlq";
/**
 * Seconds before a failed delivery is tried again: EVENTS_RETRY_DELAY_SECONDS (default 30),
 * doubling with each attempt, at most an hour. With wrangler.toml's `max_retries = 10` a receiver
 * may be down for about five hours before an event goes to the dead-letter queue.
 */
const retryDelaySeconds = (base: number, attempts: number) => Math.min(3600, base * 2 ** Math.max(0, attempts - 1));

export async function deliverEvents(batch: MessageBatch<ConnectionEvent>, env: Env, { timeoutMs = DELIVERY_TIMEOUT_MS } = {}): Promise<void> {
  let target: Config["events"];
  try {
    target = (await loadConfig(env)).events;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
  }
  if (!target) {
    // Misconfigured (said once per request in the log) or EVENTS_URL removed: keep the messages.
    console.error(`events: ${batch.messages.length} event(s) not delivered: EVENTS_URL or EVENTS_SIGNING_SECRET is not set correctly`);
    batch.retryAll({ delaySeconds: 60 });
    return;
  }
  await Promise.all(
    batch.messages.map(async (message) => {
      const delivered = await post(target.url, target.signingSecret, message.body, timeoutMs);
      if (delivered) message.ack();
      else message.retry({ delaySeconds: retryDelaySeconds(target.retryDelaySeconds, message.attempts) });
    }),
  );
}

async function post(url: string, secret: string, event: ConnectionEvent, timeoutMs: number): Promise<boolean> {
  const body = JSON.stringify(event);
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", [SIGNATURE_HEADER]: await signEvent(body, secret), "User-Agent": "ninjaone-settings" },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.body?.cancel();
    if (!response.ok) console.warn(`events: ${event.type} ${event.id} answered ${response.status}; retrying`);
    return response.ok;
  } catch (error) {
    console.warn(`events: ${event.type} ${event.id} not delivered (${error instanceof Error ? error.name : "error"}); retrying`);
    return false;
  }
}

/**
 * The dead-letter queue's consumer: an event that no retry could deliver is logged (by id and
 * type only) so an operator sees it, and acknowledged. It stays in the tenant's audit trail.
 */
export async function recordDeadEvents(batch: MessageBatch<ConnectionEvent>): Promise<void> {
  for (const message of batch.messages) {
    console.error(`events: ${message.body.type} ${message.body.id} for tenant ${message.body.tenant} was not delivered after every retry (dead-letter queue)`);
    message.ack();
  }
}

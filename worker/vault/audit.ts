import type { ConnectionEvent, EventsPage, EventType } from "../../contract";
import { deleteMany } from "./storage";

/**
 * The tenant's audit trail: its last 200 connection events and its last 200 relayed NinjaOne
 * activities, in the tenant's own Durable Object storage under `event:<sequence>`, and an outbox
 * (`outbox:<id>`) of events the queue has not yet accepted. Keys sort by a zero-padded sequence,
 * so a reverse list is newest first and a cursor is just a sequence number. Each kind keeps its
 * own 200 (`ring:<kind>` lists their sequences): a busy webhook must not push out who saved the
 * credentials or connected, and when.
 */
export const AUDIT_LIMIT = 200;
const EVENT_PREFIX = "event:";
const OUTBOX_PREFIX = "outbox:";
const SEQUENCE = "eventSequence";
const ringKey = (type: EventType) => (type === "ninjaone.activity" ? "ring:activity" : "ring:connection");

const eventKey = (sequence: number) => EVENT_PREFIX + String(sequence).padStart(12, "0");

export function newEvent(tenant: string, type: EventType, actor: string | undefined, data: Record<string, unknown>): ConnectionEvent {
  return {
    id: `evt_${crypto.randomUUID().replaceAll("-", "")}`,
    type,
    tenant,
    occurredAt: new Date().toISOString(),
    ...(actor ? { actor } : {}),
    data,
  };
}

/** Appends to the trail (dropping the oldest of its kind past 200) and, when events are delivered, to the outbox. */
export async function record(storage: DurableObjectStorage, event: ConnectionEvent, deliver: boolean): Promise<void> {
  const ring = ringKey(event.type);
  const stored = await storage.get<number | number[]>([SEQUENCE, ring]);
  const sequence = ((stored.get(SEQUENCE) as number | undefined) ?? 0) + 1;
  const sequences = [...((stored.get(ring) as number[] | undefined) ?? []), sequence];
  const dropped = sequences.length > AUDIT_LIMIT ? sequences.shift() : undefined;
  const writes: Record<string, unknown> = { [SEQUENCE]: sequence, [eventKey(sequence)]: event, [ring]: sequences };
  if (deliver) writes[OUTBOX_PREFIX + event.id] = event;
  await storage.put(writes);
  if (dropped !== undefined) await storage.delete(eventKey(dropped));
}

export async function outbox(storage: DurableObjectStorage): Promise<ConnectionEvent[]> {
  return [...(await storage.list<ConnectionEvent>({ prefix: OUTBOX_PREFIX })).values()];
}

export async function delivered(storage: DurableObjectStorage, events: ConnectionEvent[]): Promise<void> {
  await deleteMany(storage, events.map((event) => OUTBOX_PREFIX + event.id));
}

/**
 * Cloudflare Queues take at most 100 messages and 256 KB per `sendBatch`, and 128 KB per message.
 * Margins below those allow for the runtime's own framing of each message.
 */
export const QUEUE_LIMITS = { messages: 100, batchBytes: 240 * 1024, messageBytes: 120 * 1024 };

const byteLength = (event: ConnectionEvent) => new TextEncoder().encode(JSON.stringify(event)).length;

/**
 * The outbox in batches the queue accepts, and the events too large for any message (none should
 * be: activities are cut down before they become events, vault/webhooks.ts).
 */
export function batches(events: ConnectionEvent[]): { batches: ConnectionEvent[][]; tooLarge: ConnectionEvent[] } {
  const out: ConnectionEvent[][] = [];
  const tooLarge: ConnectionEvent[] = [];
  let batch: ConnectionEvent[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = byteLength(event);
    if (size > QUEUE_LIMITS.messageBytes) {
      tooLarge.push(event);
      continue;
    }
    if (batch.length === QUEUE_LIMITS.messages || bytes + size > QUEUE_LIMITS.batchBytes) {
      out.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(event);
    bytes += size;
  }
  if (batch.length > 0) out.push(batch);
  return { batches: out, tooLarge };
}

/** Newest first. `cursor` is the sequence of the last event of the previous page (exclusive). */
export async function page(storage: DurableObjectStorage, limit: number, cursor?: number): Promise<EventsPage> {
  const entries = await storage.list<ConnectionEvent>({
    prefix: EVENT_PREFIX,
    reverse: true,
    limit: limit + 1,
    ...(cursor !== undefined ? { end: eventKey(cursor) } : {}),
  });
  const keys = [...entries.keys()];
  const events = [...entries.values()].slice(0, limit);
  const more = keys.length > limit;
  return { events, ...(more ? { nextCursor: String(Number(keys[limit - 1]!.slice(EVENT_PREFIX.length))) } : {}) };
}

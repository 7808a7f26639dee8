import type { ConnectionEvent, EventsPage, EventType } from "../../contract";

/**
 * The tenant's audit trail: its last 200 connection events, in the tenant's own
 * Durable Object storage under `event:<sequence>`, and an outbox (`outbox:<id>`) of
 * events the queue has not yet accepted. Keys sort by a zero-padded sequence, so a
 * reverse list is newest first and a cursor is just a sequence number.
 */
export const AUDIT_LIMIT = 200;
const EVENT_PREFIX = "event:";
const OUTBOX_PREFIX = "outbox:";
const SEQUENCE = "eventSequence";

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

/** Appends to the trail (dropping the oldest past 200) and, when events are delivered, to the outbox. */
export async function record(storage: DurableObjectStorage, event: ConnectionEvent, deliver: boolean): Promise<void> {
  const sequence = ((await storage.get<number>(SEQUENCE)) ?? 0) + 1;
  const writes: Record<string, unknown> = { [SEQUENCE]: sequence, [eventKey(sequence)]: event };
  if (deliver) writes[OUTBOX_PREFIX + event.id] = event;
  await storage.put(writes);
  if (sequence > AUDIT_LIMIT) await storage.delete(eventKey(sequence - AUDIT_LIMIT));
}

export async function outbox(storage: DurableObjectStorage): Promise<ConnectionEvent[]> {
  return [...(await storage.list<ConnectionEvent>({ prefix: OUTBOX_PREFIX })).values()];
}

export async function delivered(storage: DurableObjectStorage, events: ConnectionEvent[]): Promise<void> {
  if (events.length > 0) await storage.delete(events.map((event) => OUTBOX_PREFIX + event.id));
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

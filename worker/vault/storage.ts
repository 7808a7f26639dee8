/**
 * Durable Object storage takes at most 128 keys per `put` or `delete` call; these split longer
 * lists (the dedup keys of a page of activities, a delivered outbox, a sweep) into such calls.
 */
export const MAX_KEYS_PER_CALL = 128;

export async function putMany(storage: DurableObjectStorage, entries: Record<string, unknown>): Promise<void> {
  const all = Object.entries(entries);
  for (let i = 0; i < all.length; i += MAX_KEYS_PER_CALL) await storage.put(Object.fromEntries(all.slice(i, i + MAX_KEYS_PER_CALL)));
}

export async function deleteMany(storage: DurableObjectStorage, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += MAX_KEYS_PER_CALL) await storage.delete(keys.slice(i, i + MAX_KEYS_PER_CALL));
}

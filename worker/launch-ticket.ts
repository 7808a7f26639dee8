import { kv } from "./store";

/**
 * Launch tickets: how redirect mode starts a flow without relying on the `Origin` of a form POST
 * (docs/security.md, "Starting a flow"). The widget gets one over CORS, where browsers always send
 * a real `Origin`; the tab then opens our launch page, and one click there posts the ticket to
 * `/connect`. A ticket names its tenant and return URL, lives two minutes and is used once
 * (`TenantVault.claimOnce`). KV keeps only its SHA-256, like a flow's state.
 */
export interface LaunchTicketRecord {
  /** From the verified widget token that asked for the ticket; nothing in a later request changes it. */
  tenant: string;
  /** Checked when the ticket was made: on an allowed origin, the origin that asked. */
  returnTo: string;
  /** The `sub` of that token: who connects, for the `connection.connected` event. */
  actor?: string;
  /** ms since epoch; checked here because KV TTLs are coarse. */
  expiresAt: number;
}

export const LAUNCH_TICKET_LIFETIME_MS = 2 * 60 * 1000;
/** KV's smallest TTL is 60 s; the record outlives its `expiresAt` a little so that an expired ticket says so. */
const TTL_SECONDS = LAUNCH_TICKET_LIFETIME_MS / 1000 + 60;

export const launchTicketKey = (ticketHash: string) => `v1:launch:${ticketHash}`;

export async function writeLaunchTicket(namespace: KVNamespace, ticketHash: string, record: LaunchTicketRecord): Promise<void> {
  await kv(() => namespace.put(launchTicketKey(ticketHash), JSON.stringify(record), { expirationTtl: TTL_SECONDS }));
}

export async function readLaunchTicket(namespace: KVNamespace, ticketHash: string): Promise<LaunchTicketRecord | null> {
  return kv(() => namespace.get<LaunchTicketRecord>(launchTicketKey(ticketHash), "json"));
}

/** Tidying only: KV has no atomic take, so the tenant's Durable Object is what makes a ticket single-use. */
export async function deleteLaunchTicket(namespace: KVNamespace, ticketHash: string): Promise<void> {
  await kv(() => namespace.delete(launchTicketKey(ticketHash)));
}

import { FLOW_LIFETIME_MS, type ConnectionStatus, type LastCheck, type WebhooksStatus } from "../contract";
import type { Sealed } from "./crypto";
import { ApiError } from "./errors";

/**
 * KV records. Every key is versioned (`v1:`); docs/storage-schema.md lists
 * them with their TTLs and what is sealed or hashed.
 */

export interface StoredCredentials {
  region: string;
  clientId: string;
  /** The client secret, sealed with kind "client-secret". */
  secret: Sealed;
  /** Shown as a fixed-width mask plus these characters; never the length. Empty for secrets under 12 characters. */
  secretLast4: string;
  updatedAt: string;
  updatedBy?: string;
}

/** What `/status` shows of a connection. Only a change of this (or of the credentials) writes KV. */
export interface ConnectionSummary {
  status: Exclude<ConnectionStatus, "not_connected">;
  connectedAt: string;
  scopes: string[];
  lastCheck?: LastCheck;
  webhooks?: WebhooksStatus;
}

/** One record per tenant: everything `GET /status` needs in a single read. */
export interface TenantRecord {
  credentials: StoredCredentials | null;
  connection: ConnectionSummary | null;
}

/** A pending OAuth flow, keyed by the hash of its `state`. */
export interface FlowRecord {
  tenant: string;
  region: string;
  clientId: string;
  redirectUri: string;
  returnTo: string;
  mode: "popup" | "redirect";
  /** The `sub` of the widget token that started the flow: who connects, for the `connection.connected` event. */
  actor?: string;
  /** PKCE code verifier, sealed with kind "pkce-verifier". */
  verifier: Sealed;
  /** SHA-256 of the random value in this flow's browser-binding cookie. */
  browserBindingHash: string;
  /** ms since epoch; checked here because KV TTLs are coarse. */
  expiresAt: number;
}

export const EMPTY_RECORD: TenantRecord = { credentials: null, connection: null };

export const tenantKey = (tenant: string) => `v1:tenant:${tenant}`;
export const flowKey = (stateHash: string) => `v1:flow:${stateHash}`;

/** KV calls that fail become 503 `storage_unavailable`, never a half-finished 500. */
export async function kv<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    console.error("KV operation failed:", error instanceof Error ? error.name : "unknown error");
    throw new ApiError("storage_unavailable");
  }
}

export async function readTenant(namespace: KVNamespace, tenant: string): Promise<TenantRecord> {
  const record = await kv(() => namespace.get<TenantRecord>(tenantKey(tenant), "json"));
  return record ?? EMPTY_RECORD;
}

export async function writeTenant(namespace: KVNamespace, tenant: string, record: TenantRecord): Promise<void> {
  if (!record.credentials && !record.connection) {
    await kv(() => namespace.delete(tenantKey(tenant)));
  } else {
    await kv(() => namespace.put(tenantKey(tenant), JSON.stringify(record)));
  }
}

/** A flow checks its own `expiresAt`; KV keeps its record a minute longer than the flow lives, so it is never gone early. */
export async function writeFlow(namespace: KVNamespace, stateHash: string, flow: FlowRecord): Promise<void> {
  await kv(() => namespace.put(flowKey(stateHash), JSON.stringify(flow), { expirationTtl: FLOW_LIFETIME_MS / 1000 + 60 }));
}

export async function readFlow(namespace: KVNamespace, stateHash: string): Promise<FlowRecord | null> {
  return kv(() => namespace.get<FlowRecord>(flowKey(stateHash), "json"));
}

/**
 * KV has no atomic take, so deleting is not what makes a state single-use:
 * the tenant's Durable Object claims each state once (TenantVault.completeConnection).
 */
export async function deleteFlow(namespace: KVNamespace, stateHash: string): Promise<void> {
  await kv(() => namespace.delete(flowKey(stateHash)));
}

/** Which tenant a webhook routing id belongs to: the only thing a NinjaOne delivery is routed by. */
export const webhookRouteKey = (routingId: string) => `v1:webhook:${routingId}`;

export async function writeWebhookRoute(namespace: KVNamespace, routingId: string, tenant: string): Promise<void> {
  await kv(() => namespace.put(webhookRouteKey(routingId), JSON.stringify({ tenant })));
}

export async function readWebhookRoute(namespace: KVNamespace, routingId: string): Promise<string | undefined> {
  const route = await kv(() => namespace.get<{ tenant: string }>(webhookRouteKey(routingId), "json"));
  return route?.tenant;
}

export async function deleteWebhookRoute(namespace: KVNamespace, routingId: string): Promise<void> {
  await kv(() => namespace.delete(webhookRouteKey(routingId)));
}

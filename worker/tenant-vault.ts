import { DurableObject } from "cloudflare:workers";
import type { CheckError, ConnectionEvent, CredentialsInput, EventsPage, EventType, LastCheck, WebhooksStatus } from "../contract";
import { loadConfig, type Config } from "./config";
import { DecryptError, open, seal, type Sealed } from "./crypto";
import type { Env } from "./env";
import { ApiError, ConfigError, type ApiErrorCode, type FlowErrorCode } from "./errors";
import { probeApi, type ProbeOutcome } from "./ninjaone-api";
import type { Activity } from "./ninjaone-webhooks";
import { exchangeCode, refreshTokens, revokeRefreshToken, TokenEndpointError, type ClientCredentials, type TokenSet } from "./oauth/client";
import type { Region } from "./regions";
import { secretLast4 } from "./status";
import { EMPTY_RECORD, writeTenant, type ConnectionSummary, type FlowRecord, type TenantRecord } from "./store";
import * as audit from "./vault/audit";
import { clearJob, JOBS, readJobs, retryDelay, scheduleJob, type FailureCount, type Job, type Jobs } from "./vault/jobs";
import { deleteMany } from "./vault/storage";
import * as webhooks from "./vault/webhooks";

/**
 * One Durable Object per tenant: the single writer of that tenant's NinjaOne
 * link. Its own storage is the strongly consistent source of truth (the tenant
 * record, the sealed tokens, the audit trail); the KV record is written through,
 * only when something `GET /status` shows changes, so that `/status` costs one
 * KV read and a routine refresh costs no KV write. Every change runs one at a
 * time, which is what makes refreshes single-flight: NinjaOne rotates refresh
 * tokens and kills the old one at once, so two racing refreshes would end the
 * connection. Its alarm keeps idle connections alive and retries what failed.
 */

export type { CredentialsInput };

/** What crosses the RPC boundary: a value, or an error code (ApiErrors don't survive RPC intact). */
export type Result<T, E extends string = ApiErrorCode> =
  | { ok: true; value: T }
  | { ok: false; error: E; fields?: Record<string, string>; retryAfterSeconds?: number };

export interface AccessTokenGrant {
  accessToken: string;
  expiresAt: number;
  region: string;
  apiBaseUrl: string;
}

/** The sealed token set, plus when its refresh token was received (what the keep-alive watches). */
interface StoredTokens extends TokenSet {
  refreshTokenReceivedAt?: number;
}

/** Refresh when less than min(5 minutes, half the token's lifetime) remains. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;
/** After a transient refresh failure, nobody calls NinjaOne again for this long (or its Retry-After). */
export const COOLDOWN_MS = 30 * 1000;
/** An alarm that finds the configuration broken tries again this much later. */
const CONFIG_RETRY_MS = 60 * 60 * 1000;
const RECORD = "record";
const TOKENS = "tokens";
const TENANT = "tenant";
const CLAIMED_PREFIX = "claimed:";

/** A refresh that did not give new tokens, classified for what the connection becomes. */
type RefreshFailure =
  | { kind: "grant_dead"; error: "invalid_grant" | "invalid_token" | "unauthorized" }
  | { kind: "client_rejected" }
  | { kind: "transient"; retryAfterSeconds: number }
  | { kind: "not_connected" };

const ok = <T>(value: T) => ({ ok: true, value }) as const;
const fail = <E extends string>(error: E, extra: { fields?: Record<string, string>; retryAfterSeconds?: number } = {}) =>
  ({ ok: false, error, ...extra }) as const;

const isStale = (tokens: TokenSet, now: number) => {
  const lifetime = tokens.issuedAt !== undefined ? tokens.expiresAt - tokens.issuedAt : Infinity;
  return tokens.expiresAt - now <= Math.min(REFRESH_MARGIN_MS, lifetime / 2);
};

export class TenantVault extends DurableObject<Env> {
  private record: TenantRecord | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  /**
   * No NinjaOne refresh before this time (ms), after a 429, 5xx or timeout. In memory only: an
   * object that was evicted meanwhile may try once more, which is harmless.
   */
  private cooldownUntil = 0;

  /** Runs `task` after every earlier one has finished. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Rejects with a ConfigError, which `guarded` answers as `misconfigured`. */
  private config(): Promise<Config> {
    return loadConfig(this.env);
  }

  private async load(): Promise<TenantRecord> {
    this.record ??= (await this.ctx.storage.get<TenantRecord>(RECORD)) ?? EMPTY_RECORD;
    return this.record;
  }

  /** A change of what `/status` shows. KV first: if it fails, nothing has changed anywhere. */
  private async persist(tenant: string, next: TenantRecord): Promise<void> {
    await writeTenant(this.env.NINJAONE_KV, tenant, next);
    await this.ctx.storage.put(RECORD, next);
    this.record = next;
  }

  private async readTokens(config: Config, tenant: string): Promise<StoredTokens | undefined> {
    const sealed = await this.ctx.storage.get<Sealed>(TOKENS);
    return sealed ? (JSON.parse(await open(config.keyring, sealed, tenant, "tokens")) as StoredTokens) : undefined;
  }

  private async writeTokens(config: Config, tenant: string, tokens: StoredTokens): Promise<void> {
    await this.ctx.storage.put(TOKENS, await seal(config.keyring, JSON.stringify(tokens), tenant, "tokens"));
  }

  private regionOf(config: Config, record: TenantRecord): Region | undefined {
    return record.credentials ? config.regions.find((r) => r.id === record.credentials!.region) : undefined;
  }

  private async clientOf(config: Config, tenant: string, record: TenantRecord): Promise<ClientCredentials> {
    const credentials = record.credentials!;
    return { clientId: credentials.clientId, clientSecret: await open(config.keyring, credentials.secret, tenant, "client-secret") };
  }

  /** Turns thrown ApiErrors (storage) and ConfigErrors into results that cross RPC intact. */
  private async guarded<T, E extends string>(task: () => Promise<Result<T, E>>): Promise<Result<T, E | ApiErrorCode>> {
    try {
      return await task();
    } catch (error) {
      if (error instanceof ApiError) return fail(error.code);
      if (error instanceof ConfigError) {
        console.error(error.message);
        return fail("misconfigured");
      }
      // A value sealed under a key that is no longer in ENCRYPTION_KEYS: a configuration problem.
      // The message names the key id or the record kind, never anything secret.
      if (error instanceof DecryptError) {
        console.error(`misconfigured: ${error.message}`);
        return fail("misconfigured");
      }
      console.error("TenantVault failed:", error instanceof Error ? error.name : "unknown error");
      return fail("internal");
    }
  }

  // ------------------------------------------------------------------ events

  /**
   * Records an event per `data` in the audit trail and, when `EVENTS_URL` is set, hands them to
   * the queue in the same step. If the queue refuses, they wait in the outbox and the alarm retries.
   */
  private async emit(config: Config, tenant: string, type: EventType, actor: string | undefined, ...data: Record<string, unknown>[]): Promise<void> {
    for (const item of data) await audit.record(this.ctx.storage, audit.newEvent(tenant, type, actor, item), config.events !== undefined);
    if (config.events) await this.flushOutbox();
  }

  /**
   * Sends what waits in the outbox, in batches within the queue's limits (each batch leaves the
   * outbox once the queue took it); answers whether it is empty now.
   */
  private async flushOutbox(): Promise<boolean> {
    const { batches, tooLarge } = audit.batches(await audit.outbox(this.ctx.storage));
    if (tooLarge.length > 0) {
      // No retry could ever send these; they stay in the audit trail (GET /events).
      console.error(`events: ${tooLarge.length} event(s) too large for a queue message, kept in the audit trail only: ${tooLarge.map((e) => e.id).join(", ")}`);
      await audit.delivered(this.ctx.storage, tooLarge);
    }
    for (const batch of batches) {
      try {
        await this.env.EVENTS_QUEUE!.sendBatch(batch.map((body) => ({ body, contentType: "json" as const })));
      } catch {
        console.error(`events queue refused ${batch.length} event(s); retrying from the alarm`);
        await this.retryLater("outbox", "outboxFailures");
        return false;
      }
      await audit.delivered(this.ctx.storage, batch);
    }
    return true;
  }

  /** The tenant's audit trail, newest first. */
  async events(limit: number, cursor?: number): Promise<Result<EventsPage>> {
    return this.guarded(async () => ok(await audit.page(this.ctx.storage, limit, cursor)));
  }

  /** Public fields of a connection for event data: never a secret, token, code or state. */
  private eventData(record: TenantRecord, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      ...(record.credentials ? { region: record.credentials.region, clientId: record.credentials.clientId } : {}),
      ...(record.connection ? { status: record.connection.status, scopes: record.connection.scopes } : { status: "not_connected" }),
      ...extra,
    };
  }

  // ------------------------------------------------------------------ credentials

  async saveCredentials(tenant: string, input: CredentialsInput, actor: string | undefined): Promise<Result<TenantRecord>> {
    return this.guarded(() =>
      this.exclusive(async () => {
        const config = await this.config();
        const record = await this.load();
        const existing = record.credentials;
        const sameApp = existing !== null && existing.region === input.region && existing.clientId === input.clientId;
        if (input.clientSecret === undefined && !sameApp) {
          return fail("invalid_request", { fields: { clientSecret: "Enter the client secret." } });
        }
        const newSecret = input.clientSecret !== undefined;
        // The tokens of another client app or region are useless now: revoke them with the old app's credentials.
        const abandoned = !sameApp && record.connection ? await this.abandonTokens(config, tenant, record) : undefined;
        const unregister = !sameApp ? await webhooks.abandon(this.webhookVault(config, tenant)) : undefined;
        // NinjaOne refused the old secret but the grant may well be alive: a new secret resumes it.
        const resumed = sameApp && newSecret && record.connection?.status === "credentials_rejected";
        const next: TenantRecord = {
          credentials: {
            region: input.region,
            clientId: input.clientId,
            secret: newSecret ? await seal(config.keyring, input.clientSecret!, tenant, "client-secret") : existing!.secret,
            secretLast4: newSecret ? secretLast4(input.clientSecret!) : existing!.secretLast4,
            updatedAt: new Date().toISOString(),
            ...(actor ? { updatedBy: actor } : {}),
          },
          connection: !sameApp ? null : resumed ? { ...record.connection!, status: "connected" } : record.connection,
        };
        await this.persist(tenant, next);
        if (abandoned) {
          await unregister?.();
          await this.ctx.storage.delete(TOKENS);
          abandoned();
        }
        if (resumed) {
          // While the secret was rejected the keep-alive and the activity catch-up stood still
          this.cooldownUntil = 0;
          await webhooks.resume(this.webhookVault(config, tenant));
          await this.armAlarm(config, tenant);
        }
        await this.emit(config, tenant, "credentials.saved", actor, this.eventData(next, { secretChanged: newSecret }));
        if (abandoned) {
          await this.emit(config, tenant, "connection.disconnected", actor, { ...this.eventData(record), status: "not_connected", reason: "credentials_changed" });
        }
        if (resumed) await this.emit(config, tenant, "connection.connected", actor, this.eventData(next, { resumed: true }));
        return ok(next);
      }),
    );
  }

  /**
   * Prepares to drop the stored tokens: reads them and the credentials they belong to now, and
   * answers a function that revokes the refresh token in the background (best effort, as
   * NinjaOne's revoke endpoint is unconfirmed). Nothing is revoked unless the caller goes ahead.
   */
  private async abandonTokens(config: Config, tenant: string, record: TenantRecord): Promise<(() => void) | undefined> {
    const region = this.regionOf(config, record);
    const tokens = await this.readTokens(config, tenant).catch(() => undefined);
    const client = await this.clientOf(config, tenant, record).catch(() => undefined);
    if (!region || !tokens || !client) return () => undefined;
    return () => this.ctx.waitUntil(revokeRefreshToken(region.baseUrl, client, tokens.refreshToken, config.ninjaone));
  }

  /** Forgets the connection and the credentials (the audit trail stays); revokes the refresh token. */
  async forget(tenant: string, actor?: string): Promise<Result<TenantRecord>> {
    return this.guarded(() =>
      this.exclusive(async () => {
        const config = await this.config();
        const record = await this.load();
        const revoke = record.connection ? await this.abandonTokens(config, tenant, record) : undefined;
        const unregister = await webhooks.abandon(this.webhookVault(config, tenant));
        await this.persist(tenant, EMPTY_RECORD);
        await this.ctx.storage.delete([TOKENS, JOBS]);
        await this.ctx.storage.deleteAlarm();
        this.cooldownUntil = 0;
        // The webhook goes first: deleting it needs the access token that revoking kills.
        await unregister?.();
        revoke?.();
        if (record.credentials || record.connection) {
          await this.emit(config, tenant, "connection.disconnected", actor, { ...this.eventData(record), status: "not_connected", credentialsRemoved: true });
        } else if (config.events) {
          // The jobs went, a pending outbox retry with them: events still waiting must not be stranded.
          await this.flushOutbox();
        }
        return ok(EMPTY_RECORD);
      }),
    );
  }

  // ------------------------------------------------------------------ connecting

  /**
   * Finishes an OAuth flow: consumes its state (once, strongly), exchanges the code at the region
   * recorded in the flow, stores the tokens, checks them against the API, and arms the keep-alive.
   * A failed exchange changes nothing.
   */
  async completeConnection(
    tenant: string,
    stateHash: string,
    flow: FlowRecord,
    code: string,
  ): Promise<Result<TenantRecord, FlowErrorCode | ApiErrorCode>> {
    return this.guarded(() =>
      this.exclusive(async (): Promise<Result<TenantRecord, FlowErrorCode | ApiErrorCode>> => {
        const config = await this.config();
        if (!(await this.claim(`state:${stateHash}`, flow.expiresAt))) return fail("invalid_state");

        const record = await this.load();
        const credentials = record.credentials;
        if (!credentials) return fail("credentials_not_configured");
        // The credentials changed while the user was at NinjaOne: this code belongs to another app.
        if (credentials.region !== flow.region || credentials.clientId !== flow.clientId) return fail("invalid_state");
        const region = config.regions.find((r) => r.id === flow.region);
        if (!region) return fail("misconfigured");

        const client = await this.clientOf(config, tenant, record);
        const codeVerifier = await open(config.keyring, flow.verifier, tenant, "pkce-verifier");
        let tokens: TokenSet;
        try {
          tokens = await exchangeCode(region.baseUrl, client, { code, redirectUri: flow.redirectUri, codeVerifier }, config.ninjaone);
        } catch (error) {
          if (error instanceof TokenEndpointError) return fail(error.kind === "unreachable" ? "ninjaone_unreachable" : "token_exchange_failed");
          throw error;
        }
        // A reconnect replaces a grant that may still be alive: revoke it, as disconnect does.
        const replaced = await this.abandonTokens(config, tenant, record);
        await this.ctx.storage.put(TENANT, tenant);
        await this.writeTokens(config, tenant, tokens);
        this.cooldownUntil = 0;
        replaced?.();

        const check = await this.probe(config, tenant, region);
        // A token NinjaOne refuses even after a refresh is no connection: say so at once.
        const dead = check.failure?.kind === "grant_dead";
        const next: TenantRecord = {
          credentials,
          connection: {
            status: dead ? "reconnect_required" : "connected",
            connectedAt: new Date().toISOString(),
            scopes: check.tokens?.scopes ?? tokens.scopes,
            lastCheck: check.lastCheck,
            // Registered from the alarm right after this; until then, and while it retries, pending.
            ...(config.webhooks && !dead ? { webhooks: { status: "pending" as const } } : {}),
          },
        };
        await this.persist(tenant, next);
        await clearJob(this.ctx.storage, "keepAliveRetry", "keepAliveFailures");
        if (config.webhooks && !dead) await scheduleJob(this.ctx.storage, "webhook", () => 0);
        await this.armAlarm(config, tenant);
        // One event for what the connection is now: a `connected` followed by `reconnect_required`
        // could reach the host in the other order (queue delivery is unordered) and claim a live one.
        if (dead) await this.emit(config, tenant, "connection.reconnect_required", flow.actor, this.eventData(next, { error: "unauthorized" }));
        else await this.emit(config, tenant, "connection.connected", flow.actor, this.eventData(next));
        if (!dead && !check.lastCheck.ok) await this.emit(config, tenant, "connection.check_failed", flow.actor, this.eventData(next, { error: check.lastCheck.error }));
        return ok(next);
      }),
    );
  }

  /**
   * Key rotation: seals this tenant's client secret and tokens again under the
   * current ENCRYPTION_KEY_ID, so the old key can be removed. Answers how many
   * sealed values were rewritten.
   */
  async reseal(tenant: string): Promise<Result<{ resealed: number; keyId: string }>> {
    return this.guarded(() =>
      this.exclusive(async () => {
        const config = await this.config();
        const keyId = config.keyring.currentId;
        const record = await this.load();
        let resealed = 0;
        if (record.credentials && record.credentials.secret.kid !== keyId) {
          const secret = await open(config.keyring, record.credentials.secret, tenant, "client-secret");
          await this.persist(tenant, { ...record, credentials: { ...record.credentials, secret: await seal(config.keyring, secret, tenant, "client-secret") } });
          resealed += 1;
        }
        const sealedTokens = await this.ctx.storage.get<Sealed>(TOKENS);
        if (sealedTokens && sealedTokens.kid !== keyId) {
          await this.writeTokens(config, tenant, (await this.readTokens(config, tenant))!);
          resealed += 1;
        }
        return ok({ resealed, keyId });
      }),
    );
  }

  // ------------------------------------------------------------------ tokens

  /**
   * A valid access token, refreshed first when it is about to expire — or, with
   * `rejectedAccessToken`, when that token (which NinjaOne answered 401 to) is still the current
   * one. A caller that names a token someone else already replaced gets the new one, no refresh.
   */
  async accessToken(tenant: string, options: { rejectedAccessToken?: string } = {}): Promise<Result<AccessTokenGrant>> {
    return this.guarded(async () => {
      const config = await this.config();
      const usable = await this.usableGrant(config, tenant, options.rejectedAccessToken);
      if (usable) return usable;
      // Everyone who needs a refresh queues here; the first refreshes, the rest find the new
      // token (or the cooldown after a failure) when their turn comes.
      return this.exclusive(async () => (await this.usableGrant(config, tenant, options.rejectedAccessToken)) ?? this.refreshGrant(config, tenant));
    });
  }

  /** The current grant when no refresh is needed; a failure for every state but `connected`; undefined: refresh. */
  private async usableGrant(config: Config, tenant: string, rejected: string | undefined): Promise<Result<AccessTokenGrant> | undefined> {
    const record = await this.load();
    if (!record.credentials || !record.connection) return fail("not_connected");
    if (record.connection.status !== "connected") return fail(record.connection.status);
    const region = this.regionOf(config, record);
    if (!region) return fail("misconfigured");
    const tokens = await this.readTokens(config, tenant);
    if (!tokens) return fail("not_connected");
    if (tokens.accessToken === rejected || isStale(tokens, Date.now())) return undefined;
    return ok({ accessToken: tokens.accessToken, expiresAt: tokens.expiresAt, region: region.id, apiBaseUrl: region.baseUrl });
  }

  /** Call inside `exclusive`. */
  private async refreshGrant(config: Config, tenant: string): Promise<Result<AccessTokenGrant>> {
    const outcome = await this.refresh(config, tenant);
    if ("kind" in outcome) return this.applyRefreshFailure(config, tenant, outcome);
    const region = this.regionOf(config, this.record!)!;
    return ok({ accessToken: outcome.accessToken, expiresAt: outcome.expiresAt, region: region.id, apiBaseUrl: region.baseUrl });
  }

  /**
   * Uses the refresh token (call inside `exclusive`). Writes only the sealed tokens — plus the
   * KV record if the granted scopes changed, since `/status` shows them.
   */
  private async refresh(config: Config, tenant: string): Promise<TokenSet | RefreshFailure> {
    const now = Date.now();
    if (now < this.cooldownUntil) return { kind: "transient", retryAfterSeconds: Math.ceil((this.cooldownUntil - now) / 1000) };
    const record = await this.load();
    const region = this.regionOf(config, record);
    const previous = await this.readTokens(config, tenant);
    if (!region || !previous) return { kind: "not_connected" };
    let tokens: TokenSet;
    try {
      tokens = await refreshTokens(region.baseUrl, await this.clientOf(config, tenant, record), previous, config.ninjaone);
    } catch (error) {
      if (!(error instanceof TokenEndpointError)) throw error;
      // NinjaOne rotated the refresh token even if the rest of its answer was unusable.
      const rotated = error.details.rotatedRefreshToken;
      if (rotated) await this.writeTokens(config, tenant, { ...previous, refreshToken: rotated, refreshTokenReceivedAt: Date.now() });
      if (error.grantIsDead) return { kind: "grant_dead", error: error.error as "invalid_grant" | "invalid_token" };
      if (error.clientRejected) return { kind: "client_rejected" };
      const retryAfterSeconds = Math.max(COOLDOWN_MS / 1000, error.details.retryAfterSeconds ?? 0);
      this.cooldownUntil = Date.now() + retryAfterSeconds * 1000;
      return { kind: "transient", retryAfterSeconds };
    }
    // The old refresh token is dead now: keep the new one before anything else can fail.
    await this.writeTokens(config, tenant, tokens);
    if (record.connection && tokens.scopes.join(" ") !== record.connection.scopes.join(" ")) {
      const next = { ...record, connection: { ...record.connection, scopes: tokens.scopes } };
      await this.persist(tenant, next).catch(async () => {
        // Only the status summary is stale; the tokens are safe. Keep our copy current.
        this.record = next;
        await this.ctx.storage.put(RECORD, next);
      });
    }
    return tokens;
  }

  /** What a failed refresh makes of the connection, and the answer for the caller. */
  private async applyRefreshFailure(config: Config, tenant: string, failure: RefreshFailure, actor?: string, lastCheck?: LastCheck): Promise<Result<never>> {
    switch (failure.kind) {
      case "transient":
        return fail("ninjaone_unreachable", { retryAfterSeconds: failure.retryAfterSeconds });
      case "not_connected":
        return fail("not_connected");
      case "grant_dead":
        await this.setConnectionStatus(config, tenant, "reconnect_required", actor, { error: failure.error }, lastCheck);
        // The refresh token is dead at NinjaOne; a reconnect brings new ones.
        await this.ctx.storage.delete(TOKENS);
        return fail("reconnect_required");
      case "client_rejected":
        // The grant may be alive: keep the tokens, so the current secret resumes it without a consent.
        await this.setConnectionStatus(config, tenant, "credentials_rejected", actor, { error: "invalid_client" }, lastCheck);
        return fail("credentials_rejected");
    }
  }

  private async setConnectionStatus(
    config: Config,
    tenant: string,
    status: "reconnect_required" | "credentials_rejected",
    actor: string | undefined,
    data: Record<string, unknown>,
    lastCheck?: LastCheck,
  ): Promise<void> {
    const record = await this.load();
    if (!record.connection) return;
    const next: TenantRecord = { ...record, connection: { ...record.connection, status, ...(lastCheck ? { lastCheck } : {}) } };
    await this.persist(tenant, next);
    await this.emit(config, tenant, `connection.${status}`, actor, this.eventData(next, data));
  }

  /**
   * NinjaOne answered 401 to `accessToken` although it was just refreshed (the proxy's retry):
   * the grant is unusable, so the connection becomes `reconnect_required`. Ignored when the
   * token is no longer the current one (someone refreshed meanwhile).
   */
  async reportRejectedAfterRefresh(tenant: string, accessToken: string): Promise<Result<TenantRecord>> {
    return this.guarded(() =>
      this.exclusive(async () => {
        const config = await this.config();
        const record = await this.load();
        if (record.connection?.status !== "connected") return ok(record);
        const tokens = await this.readTokens(config, tenant);
        if (tokens?.accessToken !== accessToken) return ok(record);
        await this.applyRefreshFailure(config, tenant, { kind: "grant_dead", error: "unauthorized" });
        return ok(this.record!);
      }),
    );
  }

  /** The current tokens, refreshed first when stale (call inside `exclusive`). */
  private async freshTokens(config: Config, tenant: string): Promise<TokenSet | RefreshFailure> {
    const tokens = await this.readTokens(config, tenant);
    if (!tokens) return { kind: "not_connected" };
    return isStale(tokens, Date.now()) ? this.refresh(config, tenant) : tokens;
  }

  /**
   * Calls NinjaOne with the tenant's access token; on a 401, refreshes once and calls again.
   * A failed refresh is applied to the connection (it may become reconnect_required).
   */
  private async withAccessToken<T extends { kind: string }>(
    config: Config,
    tenant: string,
    call: (accessToken: string) => Promise<T>,
  ): Promise<T | { kind: "no_token" }> {
    let tokens = await this.freshTokens(config, tenant);
    if ("kind" in tokens) {
      if (tokens.kind !== "transient") await this.applyRefreshFailure(config, tenant, tokens);
      return { kind: "no_token" };
    }
    let answer = await call(tokens.accessToken);
    if (answer.kind === "unauthorized") {
      tokens = await this.refresh(config, tenant);
      if ("kind" in tokens) {
        if (tokens.kind !== "transient") await this.applyRefreshFailure(config, tenant, tokens);
        return { kind: "no_token" };
      }
      answer = await call(tokens.accessToken);
    }
    return answer;
  }

  // ------------------------------------------------------------------ checking

  /**
   * `POST /check`: calls the API with the tenant's token (refreshing once on a 401), records the
   * result as `lastCheck`, and answers the new status. A 401 after a successful refresh means the
   * grant is unusable: the connection becomes `reconnect_required`.
   */
  async check(tenant: string, actor?: string): Promise<Result<TenantRecord>> {
    return this.guarded(() =>
      this.exclusive(async () => {
        const config = await this.config();
        const record = await this.load();
        if (!record.credentials || !record.connection) return fail("not_connected");
        if (record.connection.status !== "connected") return fail(record.connection.status);
        const region = this.regionOf(config, record);
        if (!region) return fail("misconfigured");

        const { lastCheck, failure } = await this.probe(config, tenant, region);
        if (failure && failure.kind !== "transient") {
          // The connection's state changed; the check result is recorded with it, in one write.
          await this.applyRefreshFailure(config, tenant, failure, actor, lastCheck);
          return ok(this.record!);
        }
        const next: TenantRecord = { ...record, connection: { ...record.connection, lastCheck } };
        await this.persist(tenant, next);
        if (!lastCheck.ok) await this.emit(config, tenant, "connection.check_failed", actor, this.eventData(next, { error: lastCheck.error }));
        return ok(next);
      }),
    );
  }

  /**
   * Calls `GET /v2/organizations?pageSize=1` with the current token (call inside `exclusive`,
   * with the tokens stored). On a 401 it refreshes once and retries once. Writes nothing but
   * what a refresh writes; the caller records the result.
   */
  private async probe(
    config: Config,
    tenant: string,
    region: Region,
  ): Promise<{ lastCheck: LastCheck; tokens?: TokenSet; failure?: RefreshFailure }> {
    const result = (outcome: ProbeOutcome, extra: { tokens?: TokenSet; failure?: RefreshFailure } = {}) => ({
      lastCheck: { at: new Date().toISOString(), ok: outcome === "ok", ...(outcome === "ok" ? {} : { error: outcome as CheckError }) },
      ...extra,
    });
    let tokens = (await this.readTokens(config, tenant))!;
    if (isStale(tokens, Date.now())) {
      const refreshed = await this.refresh(config, tenant);
      if ("kind" in refreshed) return result(refreshed.kind === "transient" ? "ninjaone_unreachable" : "unauthorized", { failure: refreshed });
      tokens = refreshed;
    }
    let outcome = await probeApi(region.baseUrl, tokens.accessToken, config.ninjaone);
    if (outcome === "unauthorized") {
      const refreshed = await this.refresh(config, tenant);
      if ("kind" in refreshed) return result(refreshed.kind === "transient" ? "ninjaone_unreachable" : "unauthorized", { failure: refreshed });
      tokens = refreshed;
      outcome = await probeApi(region.baseUrl, tokens.accessToken, config.ninjaone);
      // NinjaOne issued a token it does not accept: the grant itself is unusable.
      if (outcome === "unauthorized") return result(outcome, { tokens, failure: { kind: "grant_dead", error: "unauthorized" } });
    }
    return result(outcome, { tokens });
  }

  // ------------------------------------------------------------------ NinjaOne webhooks

  /**
   * A delivery to `POST /webhooks/<routing id>`: answers `not_found` alike for a retired routing
   * id and a wrong secret (nothing changes, nothing is revealed); a repeated activity id is
   * acknowledged and ignored; anything else is relayed as a `ninjaone.activity` event.
   */
  async receiveActivity(routingId: string, secret: string, activity: Activity): Promise<Result<{ relayed: boolean }>> {
    return this.guarded(() =>
      this.exclusive(async () => {
        if (!(await webhooks.matchesRegistration(this.ctx.storage, routingId, secret))) return fail("not_found");
        const tenant = await this.ctx.storage.get<string>(TENANT);
        if (!tenant) return fail("not_found");
        const config = await this.config();
        return ok({ relayed: (await webhooks.relay(this.webhookVault(config, tenant), [activity])) > 0 });
      }),
    );
  }

  /** What the webhook code (vault/webhooks.ts) may use of this object, for one tenant (call inside `exclusive`). */
  private webhookVault(config: Config, tenant: string): webhooks.WebhookVault {
    return {
      storage: this.ctx.storage,
      kv: this.env.NINJAONE_KV,
      config,
      tenant,
      connection: async () => {
        const record = await this.load();
        return { status: record.connection?.status, region: this.regionOf(config, record) };
      },
      storedAccessToken: async () => (await this.readTokens(config, tenant).catch(() => undefined))?.accessToken,
      withAccessToken: (call) => this.withAccessToken(config, tenant, call),
      setStatus: (status) => this.setWebhooksStatus(tenant, status),
      emitActivities: (activities) => this.emit(config, tenant, "ninjaone.activity", undefined, ...activities),
    };
  }

  private async setWebhooksStatus(tenant: string, status: WebhooksStatus): Promise<void> {
    const record = await this.load();
    if (!record.connection) return;
    const current = record.connection.webhooks;
    if (current?.status === status.status && current.at === status.at) return;
    await this.persist(tenant, { ...record, connection: { ...record.connection, webhooks: status } });
  }

  // ------------------------------------------------------------------ the alarm

  /**
   * One alarm per tenant for everything scheduled: the keep-alive refresh (due when the refresh
   * token has not been used for NINJAONE_KEEPALIVE_HOURS, derived from the stored tokens so a
   * repeated run finds nothing due), its retries after transient failures, and outbox retries.
   * Alarms run at least once and may repeat; every job checks that it is still due.
   *
   * A job that throws (KV down, a broken deploy) is retried later on its own, and the alarm is set
   * again whatever happened: the runtime gives up on an alarm that keeps throwing, and nothing
   * else would set it again until the next connect.
   */
  override async alarm(): Promise<void> {
    await this.exclusive(async () => {
      let config: Config;
      try {
        config = await this.config();
      } catch (error) {
        console.error(`alarm: ${error instanceof ConfigError ? error.message : "configuration unreadable"}; retrying in an hour`);
        await this.ctx.storage.setAlarm(Date.now() + CONFIG_RETRY_MS);
        return;
      }
      // Known once the tenant has connected; outbox retries don't need it.
      const tenant = await this.ctx.storage.get<string>(TENANT);
      const now = Date.now();
      const jobs = await readJobs(this.ctx.storage);
      /** Runs a due job; one that throws is scheduled again under its own name, after a growing delay. */
      const run = async (job: Job, failures: FailureCount | undefined, task: () => Promise<unknown>) => {
        try {
          await task();
        } catch (error) {
          console.error(`alarm: job ${job} failed (${error instanceof ApiError ? error.code : error instanceof Error ? error.name : "unknown error"}); retrying`);
          await this.retryLater(job, failures);
        }
      };
      if ((jobs.outbox ?? Infinity) <= now) {
        await run("outbox", "outboxFailures", async () => (await this.flushOutbox()) && clearJob(this.ctx.storage, "outbox", "outboxFailures"));
      }
      if (tenant) {
        const keepAliveDue = await this.keepAliveAt(config, tenant, jobs).catch(() => now);
        if ((keepAliveDue ?? Infinity) <= now) await run("keepAliveRetry", "keepAliveFailures", () => this.keepAlive(config, tenant));
        if ((jobs.webhook ?? Infinity) <= now) await run("webhook", "webhookFailures", () => webhooks.register(this.webhookVault(config, tenant)));
        if ((jobs.activities ?? Infinity) <= now) await run("activities", undefined, () => webhooks.pollActivities(this.webhookVault(config, tenant)));
      }
      await this.armAlarm(config, tenant).catch(async () => {
        // the keep-alive's time could not be read: come back rather than never
        await this.ctx.storage.setAlarm(Date.now() + retryDelay(0));
      });
    });
  }

  /** Schedules `job` again after a growing delay (its failures counted when it has a count). */
  private async retryLater(job: Job, failures?: FailureCount): Promise<void> {
    await scheduleJob(this.ctx.storage, job, (jobs) => retryDelay(failures ? jobs[failures] : 0), failures);
  }

  /**
   * When the keep-alive runs next: the retry after a transient failure if one is pending, else
   * when the refresh token will have been unused for the keep-alive period. Undefined when not connected.
   */
  private async keepAliveAt(config: Config, tenant: string, jobs: Jobs): Promise<number | undefined> {
    const record = await this.load();
    if (record.connection?.status !== "connected") return undefined;
    if (jobs.keepAliveRetry !== undefined) return jobs.keepAliveRetry;
    const tokens = await this.readTokens(config, tenant);
    if (!tokens) return undefined;
    return (tokens.refreshTokenReceivedAt ?? tokens.issuedAt ?? 0) + config.keepAliveMs;
  }

  private async keepAlive(config: Config, tenant: string): Promise<void> {
    const outcome = await this.refresh(config, tenant);
    if (!("kind" in outcome)) {
      await clearJob(this.ctx.storage, "keepAliveRetry", "keepAliveFailures");
      return;
    }
    if (outcome.kind === "not_connected") {
      // Connected with tokens, yet nothing to refresh with: the region of the saved credentials
      // is gone from NINJAONE_REGIONS. Nothing is wrong with the grant; an operator must act.
      // Until then, try again later (not at once: the keep-alive would be due again at once).
      const record = await this.load();
      console.error(`keep-alive: region ${JSON.stringify(record.credentials?.region)} is not in NINJAONE_REGIONS; retrying later`);
      await this.retryLater("keepAliveRetry", "keepAliveFailures");
      return;
    }
    if (outcome.kind === "transient") {
      // Never deletes anything: retry later, waiting longer each time (and at least Retry-After).
      await scheduleJob(
        this.ctx.storage,
        "keepAliveRetry",
        (jobs) => Math.max(outcome.retryAfterSeconds * 1000, retryDelay(jobs.keepAliveFailures)),
        "keepAliveFailures",
      );
      return;
    }
    await clearJob(this.ctx.storage, "keepAliveRetry", "keepAliveFailures");
    await this.applyRefreshFailure(config, tenant, outcome);
  }

  /** Sets the alarm to the earliest job, or deletes it when nothing is scheduled. */
  private async armAlarm(config: Config, tenant: string | undefined): Promise<void> {
    const jobs = await readJobs(this.ctx.storage);
    const keepAlive = tenant ? await this.keepAliveAt(config, tenant, jobs) : undefined;
    const next = Math.min(jobs.outbox ?? Infinity, keepAlive ?? Infinity, jobs.webhook ?? Infinity, jobs.activities ?? Infinity);
    const current = await this.ctx.storage.getAlarm();
    if (next === Infinity) {
      if (current !== null) await this.ctx.storage.deleteAlarm();
    } else if (current !== next) {
      await this.ctx.storage.setAlarm(next);
    }
  }

  // ------------------------------------------------------------------ single use

  /**
   * Single use, strongly: answers true the first time `key` is claimed, false after. KV has no
   * atomic take, so one-time values (OAuth states, launch tickets) are claimed here; the claim is
   * remembered until `expiresAt` (ms), after which the value is refused for its age anyway.
   */
  async claimOnce(key: string, expiresAt: number): Promise<Result<boolean>> {
    return this.guarded(() => this.exclusive(async () => ok(await this.claim(key, expiresAt))));
  }

  /** Call inside `exclusive`. */
  private async claim(key: string, expiresAt: number): Promise<boolean> {
    const claimKey = CLAIMED_PREFIX + key;
    if (await this.ctx.storage.get(claimKey)) return false;
    await this.ctx.storage.put(claimKey, expiresAt);
    await this.sweepClaims();
    return true;
  }

  /** Claimed values only need remembering until they would have expired anyway. */
  private async sweepClaims(): Promise<void> {
    const claims = await this.ctx.storage.list<number>({ prefix: CLAIMED_PREFIX });
    const expired = [...claims].filter(([, expiresAt]) => expiresAt < Date.now()).map(([key]) => key);
    await deleteMany(this.ctx.storage, expired);
  }
}

export type { ConnectionEvent, ConnectionSummary };

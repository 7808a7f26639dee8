import { DurableObject } from "cloudflare:workers";
import { loadConfig, type Config } from "./config";
import { DecryptError, open, seal, type Sealed } from "./crypto";
import type { Env } from "./env";
import type { CredentialsInput } from "../contract";
import type { ApiErrorCode, FlowErrorCode } from "./errors";
import { exchangeCode, refreshTokens, revokeRefreshToken, TokenEndpointError, type TokenSet } from "./oauth/client";
import { EMPTY_RECORD, writeTenant, type FlowRecord, type TenantRecord } from "./store";
import { ApiError } from "./errors";

/**
 * One Durable Object per tenant: the single writer of that tenant's NinjaOne
 * link. Its own storage is the strongly consistent source of truth (the tenant
 * record and the sealed tokens); the KV record is written through so that
 * `GET /status` costs one KV read. Every change runs one at a time, which is
 * what makes refreshes single-flight: NinjaOne rotates refresh tokens and kills
 * the old one at once, so two racing refreshes would end the connection.
 */

export type Result<T, E extends string = ApiErrorCode> =
  | { ok: true; value: T }
  | { ok: false; error: E; fields?: Record<string, string> };

export type { CredentialsInput } from "../contract";

export interface AccessTokenGrant {
  accessToken: string;
  expiresAt: number;
  region: string;
  apiBaseUrl: string;
}

/** Refresh when the access token expires within this long. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

const RECORD = "record";
const TOKENS = "tokens";
const CLAIMED_PREFIX = "claimed:";

const ok = <T>(value: T) => ({ ok: true, value }) as const;
const fail = <E extends string>(error: E, fields?: Record<string, string>) => ({ ok: false, error, ...(fields ? { fields } : {}) }) as const;

export class TenantVault extends DurableObject<Env> {
  private record: TenantRecord | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every earlier one has finished. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task, task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async config(): Promise<Config> {
    const result = await loadConfig(this.env);
    if (!result.ok) throw new ApiError("misconfigured");
    return result.config;
  }

  private async load(): Promise<TenantRecord> {
    this.record ??= (await this.ctx.storage.get<TenantRecord>(RECORD)) ?? EMPTY_RECORD;
    return this.record;
  }

  /** KV first: if it fails, nothing has changed anywhere. */
  private async persist(tenant: string, next: TenantRecord): Promise<void> {
    await writeTenant(this.env.NINJAONE_KV, tenant, next);
    await this.ctx.storage.put(RECORD, next);
    this.record = next;
  }

  private async readTokens(config: Config, tenant: string): Promise<TokenSet | undefined> {
    const sealed = await this.ctx.storage.get<Sealed>(TOKENS);
    return sealed ? (JSON.parse(await open(config.keyring, sealed, tenant, "tokens")) as TokenSet) : undefined;
  }

  private async writeTokens(config: Config, tenant: string, tokens: TokenSet): Promise<void> {
    await this.ctx.storage.put(TOKENS, await seal(config.keyring, JSON.stringify(tokens), tenant, "tokens"));
  }

  /** Turns thrown ApiErrors (storage, configuration) into results that cross RPC intact. */
  private async guarded<T, E extends string>(task: () => Promise<Result<T, E>>): Promise<Result<T, E | ApiErrorCode>> {
    try {
      return await task();
    } catch (error) {
      if (error instanceof ApiError) return fail(error.code);
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

  async saveCredentials(tenant: string, input: CredentialsInput, actor: string | undefined): Promise<Result<TenantRecord>> {
    return this.guarded(() =>
      this.exclusive(async () => {
        const config = await this.config();
        const record = await this.load();
        const existing = record.credentials;
        const sameApp = existing !== null && existing.region === input.region && existing.clientId === input.clientId;
        if (input.clientSecret === undefined && !sameApp) {
          return fail("invalid_request", { clientSecret: "Enter the client secret." });
        }
        const secret = input.clientSecret !== undefined ? await seal(config.keyring, input.clientSecret, tenant, "client-secret") : existing!.secret;
        const next: TenantRecord = {
          credentials: {
            region: input.region,
            clientId: input.clientId,
            secret,
            secretLast4: input.clientSecret !== undefined ? input.clientSecret.slice(-4) : existing!.secretLast4,
            updatedAt: new Date().toISOString(),
            ...(actor ? { updatedBy: actor } : {}),
          },
          // Another client app or region cannot use the tokens of the old one.
          connection: sameApp ? record.connection : null,
        };
        await this.persist(tenant, next);
        if (!sameApp) await this.ctx.storage.delete(TOKENS);
        return ok(next);
      }),
    );
  }

  /** Forgets the connection and the credentials; revokes the refresh token on a best-effort basis. */
  async forget(tenant: string): Promise<Result<TenantRecord>> {
    return this.guarded(() =>
      this.exclusive(async () => {
        const config = await this.config();
        const record = await this.load();
        const credentials = record.credentials;
        const tokens = await this.readTokens(config, tenant).catch(() => undefined);
        await this.persist(tenant, EMPTY_RECORD);
        await this.ctx.storage.deleteAll();
        this.record = EMPTY_RECORD;
        const region = credentials && config.regions.find((r) => r.id === credentials.region);
        if (credentials && tokens && region) {
          const clientSecret = await open(config.keyring, credentials.secret, tenant, "client-secret").catch(() => undefined);
          if (clientSecret) {
            this.ctx.waitUntil(revokeRefreshToken(region.baseUrl, { clientId: credentials.clientId, clientSecret }, tokens.refreshToken));
          }
        }
        return ok(EMPTY_RECORD);
      }),
    );
  }

  /**
   * Finishes an OAuth flow: consumes its state (once, strongly), exchanges the
   * code at the region recorded in the flow, and stores the tokens. A failed
   * exchange changes nothing.
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

        const clientSecret = await open(config.keyring, credentials.secret, tenant, "client-secret");
        const codeVerifier = await open(config.keyring, flow.verifier, tenant, "pkce-verifier");
        let tokens: TokenSet;
        try {
          tokens = await exchangeCode(region.baseUrl, { clientId: credentials.clientId, clientSecret }, { code, redirectUri: flow.redirectUri, codeVerifier });
        } catch (error) {
          if (error instanceof TokenEndpointError) return fail(error.kind === "unreachable" ? "ninjaone_unreachable" : "token_exchange_failed");
          throw error;
        }
        const next: TenantRecord = {
          credentials,
          connection: {
            status: "connected",
            connectedAt: new Date().toISOString(),
            expiresAt: new Date(tokens.expiresAt).toISOString(),
            scopes: tokens.scopes,
          },
        };
        await this.persist(tenant, next);
        await this.writeTokens(config, tenant, tokens);
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

  /** A valid access token, refreshed first when it expires within five minutes. */
  async accessToken(tenant: string): Promise<Result<AccessTokenGrant>> {
    return this.guarded(async () => {
      const config = await this.config();
      const fresh = await this.currentGrant(config, tenant);
      if (fresh) return fresh;
      // Everyone who finds the token stale queues here; the first refreshes,
      // the rest find the fresh token when their turn comes.
      return this.exclusive(async () => (await this.currentGrant(config, tenant)) ?? this.refresh(config, tenant));
    });
  }

  private async currentGrant(config: Config, tenant: string): Promise<Result<AccessTokenGrant> | undefined> {
    const record = await this.load();
    if (!record.credentials || !record.connection) return fail("not_connected");
    if (record.connection.status === "reconnect_required") return fail("reconnect_required");
    const region = config.regions.find((r) => r.id === record.credentials!.region);
    if (!region) return fail("misconfigured");
    const tokens = await this.readTokens(config, tenant);
    if (!tokens) return fail("not_connected");
    if (tokens.expiresAt - Date.now() <= REFRESH_MARGIN_MS) return undefined;
    return ok({ accessToken: tokens.accessToken, expiresAt: tokens.expiresAt, region: region.id, apiBaseUrl: region.baseUrl });
  }

  private async refresh(config: Config, tenant: string): Promise<Result<AccessTokenGrant>> {
    const record = await this.load();
    const credentials = record.credentials!;
    const region = config.regions.find((r) => r.id === credentials.region)!;
    const previous = (await this.readTokens(config, tenant))!;
    const clientSecret = await open(config.keyring, credentials.secret, tenant, "client-secret");
    let tokens: TokenSet;
    try {
      tokens = await refreshTokens(region.baseUrl, { clientId: credentials.clientId, clientSecret }, previous);
    } catch (error) {
      if (!(error instanceof TokenEndpointError)) throw error;
      if (!error.requiresReconnect) return fail("ninjaone_unreachable");
      await this.persist(tenant, { credentials, connection: { ...record.connection!, status: "reconnect_required" } });
      await this.ctx.storage.delete(TOKENS);
      return fail("reconnect_required");
    }
    // The old refresh token is dead now: keep the new one before anything else can fail.
    await this.writeTokens(config, tenant, tokens);
    const connection = { ...record.connection!, expiresAt: new Date(tokens.expiresAt).toISOString(), scopes: tokens.scopes };
    try {
      await this.persist(tenant, { credentials, connection });
    } catch {
      // Only the status summary is stale; the tokens are safe. Keep our copy current.
      this.record = { credentials, connection };
      await this.ctx.storage.put(RECORD, this.record);
    }
    return ok({ accessToken: tokens.accessToken, expiresAt: tokens.expiresAt, region: region.id, apiBaseUrl: region.baseUrl });
  }

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
    if (expired.length > 0) await this.ctx.storage.delete(expired);
  }
}

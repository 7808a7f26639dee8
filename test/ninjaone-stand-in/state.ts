// Everything one stand-in instance remembers, in memory: client apps and their
// options, consent requests, codes, tokens, settings, counters, and per client
// its organizations, webhook and activity log. The route modules share it.
import type { Activity, ActivityOrder, ClientOptions, StandInClient, StandInOptions, StandInSettings, StandInStats, WebhookConfig } from "./types";
import { BadInput, randomToken } from "./util";

export const KNOWN_SCOPES = ["monitoring", "management", "control", "offline_access"] as const;
const ACTIVITY_ORDERS: readonly ActivityOrder[] = ["oldest_first", "newest_first"];
const MAX_TTL_SECONDS = 10 * 365 * 24 * 3600; // anything longer is a typo

export type RegisteredClient = Omit<StandInClient, keyof ClientOptions> & ClientOptions;

// What the consent page remembers between GET authorize and the decision POST.
export interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
  codeChallenge?: string;
  expiresAt: number;
}

export interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  codeChallenge?: string;
  expiresAt: number;
}

// A grant is one user approval; the refresh token chain and every access
// token minted from it share the grant id, so revoking kills them together.
export interface AccessToken { clientId: string; scopes: string[]; expiresAt: number; grantId: string }
/** `issuedAt` doubles as "last used": a refresh token is used exactly once, then replaced. */
export interface RefreshToken { clientId: string; scopes: string[]; grantId: string; issuedAt: number }

export interface Organization {
  id: number;
  name: string;
  description: string;
  nodeApprovalMode: string;
}

const FAKE_ORGANIZATIONS: readonly Organization[] = [
  { id: 1, name: "Acme Dental", description: "Fake organization from the NinjaOne stand-in", nodeApprovalMode: "AUTOMATIC" },
  { id: 2, name: "Globex Logistics", description: "Fake organization from the NinjaOne stand-in", nodeApprovalMode: "AUTOMATIC" },
  { id: 3, name: "Initech Offices", description: "Fake organization from the NinjaOne stand-in", nodeApprovalMode: "MANUAL" },
];

export class StandInState {
  readonly now: () => number;
  readonly codeTtlSeconds: number;
  readonly omitScopeOnRefresh: boolean;
  settings: StandInSettings = { accessTokenTtlSeconds: 3600, refreshTokenIdleSeconds: null, activityOrder: "oldest_first" };

  readonly clients = new Map<string, RegisteredClient>();
  readonly pending = new Map<string, PendingAuthorization>();
  readonly codes = new Map<string, AuthorizationCode>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly counters: StandInStats = {
    tokenRequests: 0, codeGrants: 0, refreshGrants: 0, revocations: 0,
    apiRequests: 0, webhookPuts: 0, webhookDeletes: 0, deliveries: 0,
  };

  // Per client app. Kept apart from `clients` so re-adding a client keeps them.
  readonly webhooks = new Map<string, WebhookConfig>();
  readonly activities = new Map<string, Activity[]>();
  private readonly organizations = new Map<string, Organization[]>();
  /** One counter for the whole instance, like NinjaOne's account-wide activity ids. */
  private lastActivityId = 0;

  constructor(options: StandInOptions) {
    // Looked up at call time, so a test's fake clock applies.
    this.now = options.now ?? (() => Date.now());
    this.codeTtlSeconds = options.codeTtlSeconds === undefined ? 600 : seconds(options.codeTtlSeconds, "codeTtlSeconds");
    this.omitScopeOnRefresh = options.omitScopeOnRefresh ?? true;
    this.configure({
      accessTokenTtlSeconds: options.accessTokenTtlSeconds,
      refreshTokenIdleSeconds: options.refreshTokenIdleSeconds,
      activityOrder: options.activityOrder,
    });
    for (const client of options.clients) this.addClient(client);
  }

  addClient(client: StandInClient): void {
    const bad = client.scopes.filter((s) => !(KNOWN_SCOPES as readonly string[]).includes(s));
    if (bad.length) throw new BadInput(`stand-in client ${client.clientId}: unknown scopes ${bad.join(", ")}`);
    for (const key of ["monitoring", "systemAdmin"] as const) {
      if (client[key] !== undefined && typeof client[key] !== "boolean") throw new BadInput(`stand-in client ${client.clientId}: ${key} must be a boolean`);
    }
    this.clients.set(client.clientId, {
      ...client,
      redirectUris: [...client.redirectUris],
      scopes: [...client.scopes],
      monitoring: client.monitoring ?? client.scopes.includes("monitoring"),
      systemAdmin: client.systemAdmin ?? true,
    });
  }

  requireClient(clientId: unknown): RegisteredClient {
    const client = typeof clientId === "string" ? this.clients.get(clientId) : undefined;
    if (!client) throw new BadInput(`unknown client id: ${String(clientId)}`);
    return client;
  }

  /** Validates every change first, then applies them all: bad input changes nothing. */
  configure(changes: Partial<StandInSettings>): StandInSettings {
    const next = { ...this.settings };
    if (changes.accessTokenTtlSeconds !== undefined) next.accessTokenTtlSeconds = seconds(changes.accessTokenTtlSeconds, "accessTokenTtlSeconds");
    if (changes.refreshTokenIdleSeconds !== undefined) {
      next.refreshTokenIdleSeconds = changes.refreshTokenIdleSeconds === null ? null : seconds(changes.refreshTokenIdleSeconds, "refreshTokenIdleSeconds");
    }
    if (changes.activityOrder !== undefined) {
      if (!ACTIVITY_ORDERS.includes(changes.activityOrder)) throw new BadInput(`activityOrder must be one of ${ACTIVITY_ORDERS.join(", ")}`);
      next.activityOrder = changes.activityOrder;
    }
    this.settings = next;
    return { ...next };
  }

  setClientOptions(clientId: string, changes: Partial<ClientOptions>): ClientOptions {
    const client = this.requireClient(clientId);
    for (const key of ["monitoring", "systemAdmin"] as const) {
      if (changes[key] !== undefined && typeof changes[key] !== "boolean") throw new BadInput(`${key} must be a boolean`);
    }
    if (changes.monitoring !== undefined) client.monitoring = changes.monitoring;
    if (changes.systemAdmin !== undefined) client.systemAdmin = changes.systemAdmin;
    return { monitoring: client.monitoring, systemAdmin: client.systemAdmin };
  }

  /** Kills every code, refresh token and access token of the client. Answers how many grants that ended. */
  revokeGrants(clientId: string): number {
    this.requireClient(clientId);
    const grants = this.liveGrants(clientId);
    for (const [k, v] of this.codes) if (v.clientId === clientId) this.codes.delete(k);
    for (const [k, v] of this.refreshTokens) if (v.clientId === clientId) this.refreshTokens.delete(k);
    for (const [k, v] of this.accessTokens) if (v.clientId === clientId) this.accessTokens.delete(k);
    return grants.size;
  }

  liveGrants(clientId: string): Set<string> {
    this.prune();
    const grants = new Set<string>();
    for (const v of this.refreshTokens.values()) if (v.clientId === clientId) grants.add(v.grantId);
    for (const v of this.accessTokens.values()) if (v.clientId === clientId) grants.add(v.grantId);
    return grants;
  }

  issueTokens(clientId: string, scopes: string[], grantId: string) {
    const accessToken = randomToken();
    const t = this.now();
    this.accessTokens.set(accessToken, { clientId, scopes, grantId, expiresAt: t + this.settings.accessTokenTtlSeconds * 1000 });
    let refreshToken: string | undefined;
    if (scopes.includes("offline_access")) {
      refreshToken = randomToken();
      this.refreshTokens.set(refreshToken, { clientId, scopes, grantId, issuedAt: t });
    }
    return { accessToken, refreshToken };
  }

  /** The record of an access token that works right now, else undefined. */
  liveAccessToken(token: string): AccessToken | undefined {
    const record = this.accessTokens.get(token);
    return record && this.now() < record.expiresAt ? record : undefined;
  }

  /** Idleness is judged with the current setting, so lowering it also ages existing tokens. */
  isRefreshTokenIdle(record: RefreshToken): boolean {
    const idle = this.settings.refreshTokenIdleSeconds;
    return idle !== null && this.now() - record.issuedAt >= idle * 1000;
  }

  /** Whether the client app itself has the scope (the token's own scopes are checked separately). */
  clientHasScope(clientId: string, scope: string): boolean {
    const client = this.clients.get(clientId);
    if (!client) return false;
    return scope === "monitoring" ? client.monitoring : client.scopes.includes(scope);
  }

  organizationsOf(clientId: string): Organization[] {
    let list = this.organizations.get(clientId);
    if (!list) this.organizations.set(clientId, (list = FAKE_ORGANIZATIONS.map((o) => ({ ...o }))));
    return list;
  }

  activityLog(clientId: string): Activity[] {
    let log = this.activities.get(clientId);
    if (!log) this.activities.set(clientId, (log = []));
    return log;
  }

  nextActivityId(): number {
    return ++this.lastActivityId;
  }

  // Drop what can never be used again, so a long `wrangler dev` session stays small.
  prune(): void {
    const t = this.now();
    for (const [k, v] of this.pending) if (v.expiresAt <= t) this.pending.delete(k);
    for (const [k, v] of this.codes) if (v.expiresAt <= t) this.codes.delete(k);
    for (const [k, v] of this.accessTokens) if (v.expiresAt <= t) this.accessTokens.delete(k);
    for (const [k, v] of this.refreshTokens) if (this.isRefreshTokenIdle(v)) this.refreshTokens.delete(k);
  }
}

function seconds(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_TTL_SECONDS) {
    throw new BadInput(`${name} must be a whole number of seconds between 1 and ${MAX_TTL_SECONDS}`);
  }
  return value;
}

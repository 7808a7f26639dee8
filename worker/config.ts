import { fromBase64Url, importKeyring, type Keyring } from "./crypto";
import type { Env } from "./env";
import { ConfigError } from "./errors";
import { DEFAULT_TIMEOUT_MS } from "./oauth/client";
import { parseRegions, type Region } from "./regions";

/**
 * The worker's configuration, parsed once per isolate. A worker without a
 * valid token secret or encryption keys answers every API request with 503
 * `misconfigured`: it never falls back to a built-in key.
 */
export interface Config {
  /** TENANT_TOKEN_SECRET as an HMAC-SHA256 key, imported once per isolate (verify only). */
  tokenKey: CryptoKey;
  keyring: Keyring;
  allowedOrigins: ReadonlySet<string>;
  /** Public origin of the worker, when set; otherwise the request's origin is used. */
  appBaseUrl: string | undefined;
  regions: readonly Region[];
  scopes: string;
  /** An idle connection's refresh token is used at least this often (NINJAONE_KEEPALIVE_HOURS). */
  keepAliveMs: number;
  /** Where signed events go, when EVENTS_URL is set (through EVENTS_QUEUE). */
  events: { url: string; signingSecret: string; retryDelaySeconds: number } | undefined;
  /** NINJAONE_WEBHOOKS=on: register and relay each tenant's NinjaOne webhook. */
  webhooks: { activities: unknown } | undefined;
  /** The HttpOptions of the vault's calls to NinjaOne: how long it waits (NINJAONE_TIMEOUT_MS). */
  ninjaone: { timeoutMs: number };
}

const DEFAULT_SCOPES = "monitoring management offline_access";
const KNOWN_SCOPES = new Set(["monitoring", "management", "control", "offline_access"]);

/** Comma-separated origins; anything that is not an exact origin is dropped, never widened. */
export function parseAllowedOrigins(raw: string | undefined): Set<string> {
  const origins = new Set<string>();
  for (const entry of (raw ?? "").split(",")) {
    const trimmed = entry.trim();
    if (!trimmed) continue;
    try {
      const url = new URL(trimmed);
      if ((url.protocol === "https:" || url.protocol === "http:") && url.origin === trimmed.replace(/\/$/, "")) {
        origins.add(url.origin);
      }
    } catch {
      // not a URL: ignored (and reported by parseConfig)
    }
  }
  return origins;
}

async function parseConfig(env: Env): Promise<Config> {
  const problems: string[] = [];

  const tokenSecret = env.TENANT_TOKEN_SECRET ?? "";
  if (new TextEncoder().encode(tokenSecret).length < 32) {
    problems.push("TENANT_TOKEN_SECRET is missing or shorter than 32 bytes");
  }

  const rawKeys = new Map<string, Uint8Array<ArrayBuffer>>();
  try {
    const parsed: unknown = JSON.parse(env.ENCRYPTION_KEYS ?? "");
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error();
    for (const [kid, value] of Object.entries(parsed)) {
      const bytes = typeof value === "string" ? decodeKey(value) : undefined;
      if (!bytes || bytes.length !== 32) {
        problems.push(`ENCRYPTION_KEYS["${kid}"] is not the base64 of 32 bytes`);
      } else {
        rawKeys.set(kid, bytes);
      }
    }
    if (Object.keys(parsed).length === 0) problems.push("ENCRYPTION_KEYS holds no key");
  } catch {
    problems.push('ENCRYPTION_KEYS is missing or not a JSON object {"<key id>": "<base64 of 32 bytes>"}');
  }

  const currentId = env.ENCRYPTION_KEY_ID ?? "";
  if (!currentId) problems.push("ENCRYPTION_KEY_ID is missing");
  else if (rawKeys.size > 0 && !rawKeys.has(currentId)) problems.push(`ENCRYPTION_KEY_ID "${currentId}" is not a key of ENCRYPTION_KEYS`);

  let regions: Region[] = [];
  try {
    regions = parseRegions(env.NINJAONE_REGIONS);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }

  const scopes = (env.NINJAONE_SCOPES ?? DEFAULT_SCOPES).trim().split(/\s+/);
  if (scopes.some((scope) => !KNOWN_SCOPES.has(scope))) problems.push("NINJAONE_SCOPES names an unknown scope");
  if (!scopes.includes("offline_access")) problems.push("NINJAONE_SCOPES must include offline_access (no refresh token otherwise)");

  let appBaseUrl: string | undefined;
  if (env.APP_BASE_URL) {
    try {
      appBaseUrl = new URL(env.APP_BASE_URL).origin;
    } catch {
      problems.push("APP_BASE_URL is not a URL");
    }
  }

  for (const entry of (env.ALLOWED_ORIGINS ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    if (!parseAllowedOrigins(entry).size) problems.push(`ALLOWED_ORIGINS entry "${entry}" is not an origin (scheme://host[:port])`);
  }

  const keepAliveHours = env.NINJAONE_KEEPALIVE_HOURS === undefined || env.NINJAONE_KEEPALIVE_HOURS === "" ? 24 : Number(env.NINJAONE_KEEPALIVE_HOURS);
  if (!Number.isFinite(keepAliveHours) || keepAliveHours <= 0 || keepAliveHours > 24 * 30) {
    problems.push("NINJAONE_KEEPALIVE_HOURS must be a number of hours above 0 and at most 720");
  }

  const timeoutMs = env.NINJAONE_TIMEOUT_MS ? Number(env.NINJAONE_TIMEOUT_MS) : DEFAULT_TIMEOUT_MS;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000) {
    problems.push("NINJAONE_TIMEOUT_MS must be a whole number of milliseconds from 100 to 60000");
  }

  let events: Config["events"];
  if (env.EVENTS_URL) {
    const url = httpUrl(env.EVENTS_URL);
    if (!url) problems.push("EVENTS_URL is not an http(s) URL");
    if (new TextEncoder().encode(env.EVENTS_SIGNING_SECRET ?? "").length < 32) {
      problems.push("EVENTS_URL is set but EVENTS_SIGNING_SECRET is missing or shorter than 32 bytes");
    }
    if (!env.EVENTS_QUEUE) problems.push("EVENTS_URL is set but the EVENTS_QUEUE binding is missing");
    const retryDelaySeconds = env.EVENTS_RETRY_DELAY_SECONDS ? Number(env.EVENTS_RETRY_DELAY_SECONDS) : 30;
    if (!Number.isInteger(retryDelaySeconds) || retryDelaySeconds < 0 || retryDelaySeconds > 3600) {
      problems.push("EVENTS_RETRY_DELAY_SECONDS must be a whole number of seconds from 0 to 3600");
    }
    if (url) events = { url, signingSecret: env.EVENTS_SIGNING_SECRET ?? "", retryDelaySeconds };
  }

  let webhooks: Config["webhooks"];
  const webhooksSetting = (env.NINJAONE_WEBHOOKS ?? "off").trim().toLowerCase();
  if (webhooksSetting === "on") {
    let activities: unknown = undefined;
    if (env.NINJAONE_WEBHOOK_ACTIVITIES) {
      try {
        activities = JSON.parse(env.NINJAONE_WEBHOOK_ACTIVITIES);
        if (typeof activities !== "object" || activities === null || Array.isArray(activities)) throw new Error();
      } catch {
        problems.push("NINJAONE_WEBHOOK_ACTIVITIES must be a JSON object (NinjaOne's activities filter)");
      }
    }
    webhooks = { activities };
    // NinjaOne needs an absolute URL to deliver to, and a background registration has no request to take it from.
    if (!env.APP_BASE_URL) problems.push("NINJAONE_WEBHOOKS=on needs APP_BASE_URL (the public origin NinjaOne delivers to)");
  } else if (webhooksSetting !== "off" && webhooksSetting !== "") {
    problems.push('NINJAONE_WEBHOOKS must be "on" or "off"');
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    tokenKey: await crypto.subtle.importKey("raw", new TextEncoder().encode(tokenSecret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]),
    keyring: await importKeyring(rawKeys, currentId),
    allowedOrigins: parseAllowedOrigins(env.ALLOWED_ORIGINS),
    appBaseUrl,
    regions,
    scopes: scopes.join(" "),
    keepAliveMs: keepAliveHours * 60 * 60 * 1000,
    events,
    webhooks,
    ninjaone: { timeoutMs },
  };
}

function httpUrl(value: string): string | undefined {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

function decodeKey(value: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    return fromBase64Url(value.replace(/=+$/, ""));
  } catch {
    return undefined;
  }
}

// One parse (and one key import) per isolate: the env object is stable for the
// isolate's lifetime, and a different env (in tests) gets its own entry.
const cache = new WeakMap<Env, Promise<Config>>();

/** The parsed configuration; rejects with a ConfigError listing every problem. */
export function loadConfig(env: Env): Promise<Config> {
  let result = cache.get(env);
  if (!result) {
    result = parseConfig(env);
    cache.set(env, result);
  }
  return result;
}

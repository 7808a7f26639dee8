import { fromBase64Url, importKeyring, type Keyring } from "./crypto";
import type { Env } from "./env";
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
}

export type ConfigResult = { ok: true; config: Config } | { ok: false; problems: string[] };

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

async function parseConfig(env: Env): Promise<ConfigResult> {
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

  const regions = parseRegions(env.NINJAONE_REGIONS);
  if (typeof regions === "string") problems.push(regions);

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

  if (problems.length > 0 || typeof regions === "string") return { ok: false, problems };
  return {
    ok: true,
    config: {
      tokenKey: await crypto.subtle.importKey("raw", new TextEncoder().encode(tokenSecret), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]),
      keyring: await importKeyring(rawKeys, currentId),
      allowedOrigins: parseAllowedOrigins(env.ALLOWED_ORIGINS),
      appBaseUrl,
      regions,
      scopes: scopes.join(" "),
    },
  };
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
const cache = new WeakMap<Env, Promise<ConfigResult>>();

export function loadConfig(env: Env): Promise<ConfigResult> {
  let result = cache.get(env);
  if (!result) {
    result = parseConfig(env);
    cache.set(env, result);
  }
  return result;
}

import type { Audience, Permission } from "../contract/index.js";
import { assertSecret, hmacSha256, toBase64Url, utf8 } from "./bytes.js";

/** What {@link createTenantToken} needs. */
export interface TenantTokenOptions {
  /** The worker's `TENANT_TOKEN_SECRET` (at least 32 bytes). */
  secret: string;
  /** The tenant id: 1–64 characters of `A-Z a-z 0-9 . _ -`. */
  tenant: string;
  /** `"ninjaone-settings"` for a token the widget gets; `"ninjaone-api"` for your backend's own calls. */
  audience: Audience;
  /** The acting user (the `sub` claim), shown as `updatedBy` when they save credentials. 1–256 characters. */
  user?: string;
  /** `"read"` lets the widget show the state but not change it; absent means `"manage"`. */
  perm?: Permission;
  /** Lifetime in seconds, 1–3600 (the worker refuses longer ones). Default 300. */
  ttlSeconds?: number;
}

const TENANT_ID = /^[A-Za-z0-9._-]{1,64}$/;
const AUDIENCES: readonly Audience[] = ["ninjaone-settings", "ninjaone-api"];
const PERMISSIONS: readonly Permission[] = ["manage", "read"];
// The worker's own limits: it answers 401 to a token outside them, which is harder to debug than a TypeError here.
const MAX_LIFETIME_SECONDS = 3600;
const MAX_USER_LENGTH = 256;

/**
 * Mints a tenant token: an HS256 JWT with the claims `tenant`, `aud`, `iat`, `exp`, and `sub` and
 * `perm` when given. Hand `"ninjaone-settings"` tokens to the widget (`session-token` or
 * `getSessionToken`); {@link NinjaOneSettingsClient} mints its own `"ninjaone-api"` tokens.
 *
 * @throws TypeError when an option is out of range; the message names the option, never the secret.
 */
export async function createTenantToken(options: TenantTokenOptions): Promise<string> {
  const { secret, tenant, audience, user, perm, ttlSeconds = 300 } = options;
  assertSecret(secret, "secret");
  if (typeof tenant !== "string" || !TENANT_ID.test(tenant)) {
    throw new TypeError("tenant must be 1–64 characters of A-Z a-z 0-9 . _ -");
  }
  if (!AUDIENCES.includes(audience)) throw new TypeError(`audience must be one of ${AUDIENCES.join(", ")}`);
  if (user !== undefined && (typeof user !== "string" || user.length < 1 || user.length > MAX_USER_LENGTH)) {
    throw new TypeError(`user must be a string of 1–${MAX_USER_LENGTH} characters`);
  }
  if (perm !== undefined && !PERMISSIONS.includes(perm)) throw new TypeError(`perm must be one of ${PERMISSIONS.join(", ")}`);
  assertTokenLifetime(ttlSeconds, "ttlSeconds");

  const iat = Math.floor(Date.now() / 1000);
  const claims: Record<string, string | number> = { tenant, aud: audience, iat, exp: iat + ttlSeconds };
  if (user !== undefined) claims.sub = user;
  if (perm !== undefined) claims.perm = perm;

  const encodeJson = (value: object) => toBase64Url(utf8(JSON.stringify(value)));
  const signingInput = `${encodeJson({ alg: "HS256", typ: "JWT" })}.${encodeJson(claims)}`;
  return `${signingInput}.${toBase64Url(await hmacSha256(secret, utf8(signingInput)))}`;
}

/** Throws a TypeError unless `seconds` is a token lifetime the worker accepts (a whole number, 1–3600). */
export function assertTokenLifetime(seconds: unknown, name: string): asserts seconds is number {
  if (!Number.isInteger(seconds) || (seconds as number) < 1 || (seconds as number) > MAX_LIFETIME_SECONDS) {
    throw new TypeError(`${name} must be a whole number from 1 to ${MAX_LIFETIME_SECONDS}`);
  }
}

import { createMiddleware } from "hono/factory";
import { verify } from "hono/jwt";
import * as z from "zod/mini";
import { ApiError } from "./errors";
import type { AppEnv } from "./app-env";

/**
 * Tenant tokens: short-lived HS256 JWTs minted by the host's backend. The
 * tenant comes from a verified token only — never from a URL, a body field or
 * the OAuth state.
 */
export type Audience = "ninjaone-settings" | "ninjaone-api";

export interface TenantIdentity {
  tenant: string;
  /** The acting user, recorded as `updatedBy`. */
  actor: string | undefined;
}

const MAX_LIFETIME_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 60;
export const TENANT_ID = /^[A-Za-z0-9._-]{1,64}$/;

const claimsSchema = z.object({
  tenant: z.string().check(z.regex(TENANT_ID)),
  aud: z.string(),
  iat: z.number().check(z.int()),
  exp: z.number().check(z.int()),
  sub: z.optional(z.string().check(z.maxLength(256))),
});

/**
 * Verifies signature, algorithm and audience with Hono's JWT helper, then the
 * lifetime rules Hono has no option for (60 s skew, at most one hour of life).
 * Returns undefined for every kind of bad token: callers answer 401 alike.
 */
export async function verifyTenantToken(
  token: string,
  audience: Audience,
  key: CryptoKey,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<TenantIdentity | undefined> {
  let payload: unknown;
  try {
    // exp/iat/nbf are checked below, with the clock skew Hono lacks.
    payload = await verify(token, key, { alg: "HS256", aud: audience, exp: false, iat: false, nbf: false });
  } catch {
    return undefined;
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) return undefined;
  const { tenant, aud, iat, exp, sub } = claims.data;
  // An array audience naming both would pass Hono's check for either route.
  if (aud !== audience) return undefined;
  if (exp - iat > MAX_LIFETIME_SECONDS || exp <= iat) return undefined;
  if (iat > nowSeconds + CLOCK_SKEW_SECONDS || exp < nowSeconds - CLOCK_SKEW_SECONDS) return undefined;
  return { tenant, actor: sub };
}

/** Requires `Authorization: Bearer <tenant token>` of the given audience; sets `tenant` and `actor`. */
export function tenantAuth(audience: Audience) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("Authorization") ?? "";
    const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(header);
    const identity = match && (await verifyTenantToken(match[1]!, audience, c.var.config.tokenKey));
    if (!identity) throw new ApiError("unauthorized");
    c.set("tenant", identity.tenant);
    c.set("actor", identity.actor);
    await next();
  });
}

import { createMiddleware } from "hono/factory";
import { decode, verify } from "hono/jwt";
import * as z from "zod/mini";
import type { Audience, Permission } from "../contract";
import { ApiError } from "./errors";
import type { AppEnv } from "./app-env";

/**
 * Tenant tokens: short-lived HS256 JWTs minted by the host's backend. The
 * tenant comes from a verified token only — never from a URL, a body field or
 * the OAuth state.
 */
export type { Audience, Permission };

export interface TenantIdentity {
  tenant: string;
  /** The acting user, recorded as `updatedBy` and as the actor of events. */
  actor: string | undefined;
  /** `read` sessions may look, not change (CONTRACT.md). */
  perm: Permission;
}

/** Why a token was refused: logged and sent as the RFC 6750 `error_description`, never the token. */
export type TokenRejection = "expired" | "not_yet_valid" | "wrong_audience" | "lifetime_over_one_hour" | "bad_signature" | "malformed";

const MAX_LIFETIME_SECONDS = 3600;
const CLOCK_SKEW_SECONDS = 60;
export const TENANT_ID = /^[A-Za-z0-9._-]{1,64}$/;

const claimsSchema = z.object({
  tenant: z.string().check(z.regex(TENANT_ID)),
  aud: z.string(),
  iat: z.number().check(z.int()),
  exp: z.number().check(z.int()),
  nbf: z.optional(z.number().check(z.int())),
  sub: z.optional(z.string().check(z.maxLength(256))),
  perm: z.optional(z.enum(["manage", "read"])),
});

/** A tenant token that was refused, and why. The message names the reason, never the token. */
export class TokenRejected extends Error {
  override name = "TokenRejected";
  constructor(readonly reason: TokenRejection) {
    super(`tenant token refused: ${reason}`);
  }
}

/**
 * Verifies signature and algorithm with Hono's JWT helper, then the claims and lifetime rules
 * Hono has no option for (60 s skew, at most one hour of life, `nbf`, an audience that is exactly
 * one of ours). Throws TokenRejected.
 */
export async function checkTenantToken(
  token: string,
  audiences: Audience | readonly Audience[],
  key: CryptoKey,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<TenantIdentity> {
  const accepted: readonly string[] = typeof audiences === "string" ? [audiences] : audiences;
  let payload: unknown;
  try {
    // Audience and times are checked below, with the skew and the reasons Hono lacks.
    payload = await verify(token, key, { alg: "HS256", exp: false, iat: false, nbf: false });
  } catch {
    // A token that decodes but does not verify was signed with another key (or altered).
    throw new TokenRejected(decodes(token) ? "bad_signature" : "malformed");
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw new TokenRejected("malformed");
  const { tenant, aud, iat, exp, nbf, sub, perm } = claims.data;
  // A string only: an array naming both audiences would pass for either route.
  if (!accepted.includes(aud)) throw new TokenRejected("wrong_audience");
  if (exp <= iat) throw new TokenRejected("malformed");
  if (exp - iat > MAX_LIFETIME_SECONDS) throw new TokenRejected("lifetime_over_one_hour");
  if (iat > nowSeconds + CLOCK_SKEW_SECONDS || (nbf !== undefined && nbf > nowSeconds + CLOCK_SKEW_SECONDS)) {
    throw new TokenRejected("not_yet_valid");
  }
  if (exp < nowSeconds - CLOCK_SKEW_SECONDS) throw new TokenRejected("expired");
  return { tenant, actor: sub, perm: perm ?? "manage" };
}

function decodes(token: string): boolean {
  try {
    decode(token);
    return true;
  } catch {
    return false;
  }
}

/** The identity of a valid token, or undefined for every kind of bad one. */
export async function verifyTenantToken(token: string, audience: Audience, key: CryptoKey): Promise<TenantIdentity | undefined> {
  try {
    return await checkTenantToken(token, audience, key);
  } catch (error) {
    if (error instanceof TokenRejected) return undefined;
    throw error;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/**
 * Requires `Authorization: Bearer <tenant token>` of one of the given audiences; sets `tenant`,
 * `actor`, `perm` and `audience`. A refusal is a 401 with RFC 6750's `WWW-Authenticate` naming
 * the reason, and a log line with the same reason — so a host developer can tell an expired token
 * from a wrong secret without seeing a token anywhere.
 */
export function tenantAuth(...audiences: Audience[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const match = BEARER.exec(c.req.header("Authorization") ?? "");
    let identity: TenantIdentity;
    try {
      if (!match) throw new TokenRejected("malformed");
      identity = await checkTenantToken(match[1]!, audiences, c.get("config").tokenKey);
    } catch (error) {
      if (!(error instanceof TokenRejected)) throw error;
      console.warn(error.message);
      throw new ApiError("unauthorized", {
        headers: { "WWW-Authenticate": `Bearer error="invalid_token", error_description="${error.reason}"` },
      });
    }
    c.set("tenant", identity.tenant);
    c.set("actor", identity.actor);
    c.set("perm", identity.perm);
    await next();
  });
}

/** For routes that change something: a `read` session gets 403 `forbidden`. */
export const requireManage = createMiddleware<AppEnv>(async (c, next) => {
  if (c.var.perm !== "manage") throw new ApiError("forbidden", { message: "This session may only view the NinjaOne connection." });
  await next();
});

import { Hono } from "hono/tiny";
import * as z from "zod/mini";
import type { AccessTokenResponse } from "../../contract";
import type { AppEnv } from "../app-env";
import { tenantAuth } from "../auth";
import { ApiError } from "../errors";
import { vaultFor } from "../vault";
import { jsonBody, throwIfFailed } from "./util";

const forcedRefresh = z.strictObject({ rejectedAccessToken: z.string().check(z.minLength(1), z.maxLength(8192)) });

/**
 * `POST /token` (api audience): a NinjaOne access token for the host's backend. An optional
 * body `{"rejectedAccessToken"}` names the token NinjaOne just answered 401 to: it is replaced
 * unless someone already did.
 */
export const tokenRoute = new Hono<AppEnv>().post("/token", tenantAuth("ninjaone-api"), async (c) => {
  let rejectedAccessToken: string | undefined;
  if ((await c.req.raw.clone().arrayBuffer()).byteLength > 0) {
    const parsed = forcedRefresh.safeParse(await jsonBody(c));
    if (!parsed.success) throw new ApiError("invalid_request", { message: 'Send no body, or {"rejectedAccessToken": "<the token NinjaOne refused>"}.' });
    rejectedAccessToken = parsed.data.rejectedAccessToken;
  }
  const grant = throwIfFailed(await vaultFor(c.env, c.var.tenant).accessToken(c.var.tenant, { rejectedAccessToken }));
  return c.json({
    accessToken: grant.accessToken,
    tokenType: "Bearer",
    expiresAt: new Date(grant.expiresAt).toISOString(),
    region: grant.region,
    apiBaseUrl: grant.apiBaseUrl,
  } satisfies AccessTokenResponse);
});

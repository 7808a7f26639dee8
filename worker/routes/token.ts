import { Hono } from "hono/tiny";
import type { AppEnv } from "../app-env";
import { tenantAuth } from "../auth";
import { vaultFor } from "../vault";
import { throwIfFailed } from "./util";

/** `POST /token` (api audience): a NinjaOne access token for the host's backend. */
export const tokenRoute = new Hono<AppEnv>().post("/token", tenantAuth("ninjaone-api"), async (c) => {
  const grant = throwIfFailed(await vaultFor(c.env, c.var.tenant).accessToken(c.var.tenant));
  return c.json({
    accessToken: grant.accessToken,
    tokenType: "Bearer",
    expiresAt: new Date(grant.expiresAt).toISOString(),
    region: grant.region,
    apiBaseUrl: grant.apiBaseUrl,
  });
});

import { Hono } from "hono/tiny";
import type { AppEnv } from "../app-env";
import { tenantAuth } from "../auth";
import { vaultFor } from "../vault";
import { throwIfFailed } from "./util";

/**
 * `POST /reseal` (api audience): re-encrypts the tenant's stored secrets under
 * the current key. `npm run rotate-keys` calls it for every tenant in KV.
 */
export const resealRoute = new Hono<AppEnv>().post("/reseal", tenantAuth("ninjaone-api"), async (c) => {
  return c.json(throwIfFailed(await vaultFor(c.env, c.var.tenant).reseal(c.var.tenant)));
});

import { Hono } from "hono/tiny";
import type { AppEnv } from "../app-env";
import { requireManage, tenantAuth } from "../auth";
import { toStatus } from "../status";
import { vaultFor } from "../vault";
import { throwIfFailed } from "./util";

/** `POST /disconnect`: forgets the connection and the credentials. */
export const disconnectRoute = new Hono<AppEnv>().post("/disconnect", tenantAuth("ninjaone-settings"), requireManage, async (c) => {
  const result = await vaultFor(c.env, c.var.tenant).forget(c.var.tenant, c.var.actor);
  return c.json(toStatus(throwIfFailed(result), c.var.config, c.req.url));
});

import { Hono } from "hono/tiny";
import type { AppEnv } from "../app-env";
import { tenantAuth } from "../auth";
import { readTenant } from "../store";
import { toStatus } from "../status";

/** `GET /status`: one KV read. */
export const statusRoute = new Hono<AppEnv>().get("/status", tenantAuth("ninjaone-settings"), async (c) => {
  const record = await readTenant(c.env.NINJAONE_KV, c.var.tenant);
  return c.json(toStatus(record, c.var.config, c.req.url));
});

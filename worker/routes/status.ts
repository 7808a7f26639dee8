import { Hono } from "hono/tiny";
import type { AppEnv } from "../app-env";
import { tenantAuth } from "../auth";
import { readTenant } from "../store";
import { toStatus } from "../status";
import { vaultFor } from "../vault";
import { throwIfFailed } from "./util";

/** `GET /status`: one KV read. `POST /check`: a real call to NinjaOne, recorded as `lastCheck`. Both for widget and backend. */
export const statusRoute = new Hono<AppEnv>()
  .get("/status", tenantAuth("ninjaone-settings", "ninjaone-api"), async (c) => {
    // c.get, not c.var: c.var builds an object of every variable on each access.
    const record = await readTenant(c.env.NINJAONE_KV, c.get("tenant"));
    return c.json(toStatus(record, c.get("config"), c.req.url));
  })
  .post("/check", tenantAuth("ninjaone-settings", "ninjaone-api"), async (c) => {
    const record = throwIfFailed(await vaultFor(c.env, c.var.tenant).check(c.var.tenant, c.var.actor));
    return c.json(toStatus(record, c.var.config, c.req.url));
  });

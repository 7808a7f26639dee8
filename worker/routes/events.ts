import { Hono } from "hono/tiny";
import type { AppEnv } from "../app-env";
import { tenantAuth } from "../auth";
import { ApiError } from "../errors";
import { AUDIT_LIMIT } from "../vault/audit";
import { vaultFor } from "../vault";
import { throwIfFailed } from "./util";

const DEFAULT_LIMIT = 50;

/** `GET /events` (api audience): the tenant's audit trail, newest first, `?limit=` and `?cursor=`. */
export const eventsRoute = new Hono<AppEnv>().get("/events", tenantAuth("ninjaone-api"), async (c) => {
  const query = new URL(c.req.url).searchParams;
  const keys = [...query.keys()];
  const limitText = query.get("limit");
  const cursorText = query.get("cursor");
  const limit = limitText === null ? DEFAULT_LIMIT : Number(limitText);
  const wellFormed =
    keys.every((key) => (key === "limit" || key === "cursor") && query.getAll(key).length === 1) &&
    (limitText === null || /^\d{1,3}$/.test(limitText)) &&
    (cursorText === null || /^\d{1,12}$/.test(cursorText)) &&
    limit >= 1 &&
    limit <= AUDIT_LIMIT;
  if (!wellFormed) throw new ApiError("invalid_request", { message: `Use ?limit=1..${AUDIT_LIMIT} and the cursor of the previous page.` });
  const page = throwIfFailed(await vaultFor(c.env, c.var.tenant).events(limit, cursorText === null ? undefined : Number(cursorText)));
  return c.json(page);
});

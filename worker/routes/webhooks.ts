import { Hono } from "hono/tiny";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../app-env";
import { ApiError } from "../errors";
import { isActivity, WEBHOOK_SECRET_HEADER } from "../ninjaone-webhooks";
import { readWebhookRoute } from "../store";
import { vaultFor } from "../vault";
import { jsonBody } from "./util";

const MAX_DELIVERY_BYTES = 256 * 1024;
const ROUTING_ID = /^[A-Za-z0-9_-]{22}$/;

/** One answer for every delivery we cannot attribute: a retired or unknown routing id, or a wrong secret. */
const unknown = () => new ApiError("not_found");

/**
 * `POST /webhooks/<routing id>`: NinjaOne's activity deliveries (NINJAONE_WEBHOOKS=on). The routing
 * id finds the tenant (one KV read, never the payload); the tenant's Durable Object checks the
 * secret header against its hash, deduplicates by activity id and hands the activity to the
 * events queue. NinjaOne waits only a few seconds, so nothing slow happens here.
 */
export const webhooksRoute = new Hono<AppEnv>().post(
  "/webhooks/:routingId",
  bodyLimit({
    maxSize: MAX_DELIVERY_BYTES,
    onError: () => {
      throw new ApiError("payload_too_large");
    },
  }),
  async (c) => {
    if (!c.var.config.webhooks) throw unknown();
    const routingId = c.req.param("routingId");
    const secret = c.req.header(WEBHOOK_SECRET_HEADER) ?? "";
    if (!ROUTING_ID.test(routingId) || !secret || secret.length > 256) throw unknown();
    const activity = await jsonBody(c);
    if (!isActivity(activity)) throw new ApiError("invalid_request", { message: "Send one NinjaOne activity as a JSON object with an id." });
    const tenant = await readWebhookRoute(c.env.NINJAONE_KV, routingId);
    if (!tenant) throw unknown();
    const result = await vaultFor(c.env, tenant).receiveActivity(routingId, secret, activity);
    if (!result.ok) throw result.error === "not_found" ? unknown() : new ApiError(result.error === "storage_unavailable" ? "storage_unavailable" : "internal");
    return c.body(null, 204);
  },
);

import { Hono } from "hono/tiny";
import { createMiddleware } from "hono/factory";
import * as z from "zod/mini";
import type { LaunchTicket } from "../../contract";
import type { AppEnv } from "../app-env";
import { requireManage, tenantAuth } from "../auth";
import type { Config } from "../config";
import { requireConfig } from "../require-config";
import { randomToken, sha256 } from "../crypto";
import { ApiError } from "../errors";
import { LAUNCH_TICKET_LIFETIME_MS, readLaunchTicket, writeLaunchTicket } from "../launch-ticket";
import { checkedReturnUrl } from "../oauth/flow";
import { errorPage, popupLaunchPage, ticketLaunchPage } from "../pages";
import { readTenant } from "../store";
import { TICKET } from "./connect";
import { jsonBody } from "./util";

/**
 * The two ways to start a flow that work whatever the host page's Referrer-Policy
 * (docs/security.md, "Starting a flow"): the launch pages, and the tickets of redirect mode.
 */

const ticketRequest = z.strictObject({ returnTo: z.string() });

/**
 * `POST /launch-ticket` (JSON, widget token): a single-use ticket for redirect mode. It goes through
 * the API's middleware (CORS, configuration, body limit) like every fetch route.
 */
export const launchTicketRoute = new Hono<AppEnv>().post(
  "/launch-ticket",
  // A CORS request always carries a real Origin, whatever the page's Referrer-Policy.
  createMiddleware<AppEnv>(async (c, next) => {
    if (!c.var.config.allowedOrigins.has(c.req.header("Origin") ?? "")) throw new ApiError("forbidden");
    await next();
  }),
  tenantAuth("ninjaone-settings"),
  requireManage,
  async (c) => {
    const parsed = ticketRequest.safeParse(await jsonBody(c));
    const returnTo = parsed.success ? checkedReturnUrl(parsed.data.returnTo, c.var.config.allowedOrigins) : undefined;
    // The ticket leads back to the page that asked for it, and nowhere else.
    if (!returnTo || new URL(returnTo).origin !== c.req.header("Origin")) {
      throw new ApiError("invalid_request", { fields: { returnTo: "Send the URL of the settings page itself." } });
    }
    const ticket = randomToken(32);
    const expiresAt = Date.now() + LAUNCH_TICKET_LIFETIME_MS;
    await writeLaunchTicket(c.env.NINJAONE_KV, await sha256(ticket), { tenant: c.var.tenant, returnTo, expiresAt, ...(c.var.actor ? { actor: c.var.actor } : {}) });
    return c.json({ ticket, expiresAt: new Date(expiresAt).toISOString() } satisfies LaunchTicket);
  },
);

/** The regions' origins: where a launch page's form may be redirected to (the authorize URL). */
const regionOrigins = (config: Config) => config.regions.map((region) => new URL(region.baseUrl).origin);

/**
 * `GET /launch`, the worker's own pages that start a flow: `?origin=<host origin>` is the popup's
 * first page, `?ticket=<ticket>` the page redirect mode lands on. Outside the API's middleware (no
 * CORS, no body limit), under the pages' security headers, which keep what a page sets itself:
 * these pages need `Referrer-Policy: same-origin` for their POST to carry a real Origin.
 */
export const launchPageRoute = new Hono<AppEnv>().get(
  "/launch",
  requireConfig,
  async (c) => {
    const config = c.var.config;
    const params = new URL(c.req.url).searchParams;
    if ([...params.keys()].length !== 1) return errorPage(c, "invalid_request");

    const origin = params.get("origin");
    if (origin !== null) {
      // Only an exact member of ALLOWED_ORIGINS gets a page that talks to its opener.
      if (!config.allowedOrigins.has(origin)) return errorPage(c, "forbidden", 403);
      return popupLaunchPage(c, origin, regionOrigins(config));
    }

    const ticket = params.get("ticket");
    if (ticket === null) return errorPage(c, "invalid_request");
    if (!TICKET.test(ticket)) return errorPage(c, "invalid_state");
    const record = await readLaunchTicket(c.env.NINJAONE_KV, await sha256(ticket));
    if (!record) return errorPage(c, "invalid_state");
    if (record.expiresAt <= Date.now()) return errorPage(c, "state_expired");
    const { credentials } = await readTenant(c.env.NINJAONE_KV, record.tenant);
    const region = credentials && config.regions.find((r) => r.id === credentials.region);
    // Showing the page changes nothing: a link (or a mail scanner opening it) starts no flow.
    return ticketLaunchPage(
      c,
      {
        ticket,
        tenant: record.tenant,
        returnTo: record.returnTo,
        app: credentials && region ? { regionLabel: region.label, clientId: credentials.clientId } : undefined,
      },
      // /connect redirects to the region, or back to the host page when the flow ends at once.
      [...regionOrigins(config), new URL(record.returnTo).origin],
    );
  },
);

// A local stand-in for one NinjaOne instance (region): the OAuth authorize,
// consent, token and revoke endpoints plus the API routes the project uses
// (organizations, webhook, activities) and webhook deliveries, behaving the way
// /work/shared/NINJAONE.md documents real NinjaOne. It is the only fake of
// NinjaOne the project owns: worker tests run it in-process (in workerd) and
// the local demo / browser end-to-end tests run it under `wrangler dev`.
//
// Pure Web-standard code (no Node APIs), all state in memory. The parts:
//   state.ts       what one instance remembers
//   oauth.ts       /ws/oauth/* and the token endpoint's failure injection
//   api.ts         /v2/* and /api/v2/*
//   activities.ts  activity logs and webhook deliveries
//   control.ts     /__stand-in/* hooks and the control page, and GET /
import { Hono } from "hono";
import { activityLog } from "./activities";
import { apiRoutes } from "./api";
import { controlRoutes } from "./control";
import { oauthRoutes } from "./oauth";
import { StandInState } from "./state";
import type { StandIn, StandInOptions } from "./types";
import { decodeEntities } from "./util";

export type * from "./types";
export { BadInput, s256Challenge } from "./util";

export function createStandIn(options: StandInOptions): StandIn {
  const state = new StandInState(options);
  // Looked up at call time, so a test's spy on globalThis.fetch applies.
  const deliver = options.deliver ?? ((request: Request) => fetch(request));
  const oauth = oauthRoutes(state);
  const api = apiRoutes(state);
  const activities = activityLog(state, deliver);

  const app = new Hono();
  app.use("*", async (c, next) => {
    await next();
    // Tokens, codes and consent pages must never be cached or framed.
    c.header("Cache-Control", "no-store");
    c.header("Referrer-Policy", "no-referrer");
    c.header("X-Frame-Options", "DENY");
  });

  const standIn: StandIn = {
    app,
    fetch: async (request) => app.fetch(request),
    failNextTokenRequests: oauth.failNextTokenRequests,
    failNextApiRequests: api.failNextApiRequests,
    stats: () => ({ ...state.counters }),
    isAccessTokenValid: (token) => state.liveAccessToken(token) !== undefined,
    addClient: (client) => state.addClient(client),
    configure: (changes) => state.configure(changes),
    settings: () => ({ ...state.settings }),
    revokeGrants: (clientId) => state.revokeGrants(clientId),
    setClientOptions: (clientId, changes) => state.setClientOptions(clientId, changes),
    webhookOf: (clientId) => structuredClone(state.webhooks.get(clientId)),
    emitActivity: activities.emitActivity,
    redeliverActivity: activities.redeliverActivity,
    activitiesOf: activities.activitiesOf,
    lastApiRequest: api.lastApiRequest,
  };

  app.route("/", oauth.app);
  app.route("/v2", api.api);
  app.route("/api/v2", api.api);
  app.route("/", controlRoutes(standIn, state, { token: oauth.pendingFailure, api: api.pendingFailure }));
  return standIn;
}

/**
 * Test helper: does what a browser would: GET the authorize URL, read the
 * consent form, POST the decision. Returns the final 303 (its Location is the
 * redirect back to the client), or the authorize response itself when it
 * was not a consent page (404, error redirect, ...).
 */
export async function consent(standIn: Pick<StandIn, "fetch">, authorizeUrl: string, decision: "approve" | "deny"): Promise<Response> {
  const shown = await standIn.fetch(new Request(authorizeUrl));
  if (shown.status !== 200) return shown;
  const body = await shown.text();
  const action = /<form[^>]*\saction="([^"]+)"/.exec(body)?.[1];
  const requestId = /name="request_id" value="([^"]+)"/.exec(body)?.[1];
  if (!action || !requestId) throw new Error("stand-in consent page has no decision form");
  return standIn.fetch(
    new Request(new URL(decodeEntities(action), authorizeUrl), {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ request_id: decodeEntities(requestId), decision }),
    }),
  );
}

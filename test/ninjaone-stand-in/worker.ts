// Runs the NinjaOne stand-in as its own worker under `wrangler dev`, for the
// local demo and the browser end-to-end tests. Its registered client apps come
// from the STAND_IN_CLIENTS var (a JSON array of StandInClient).
import { createStandIn, type StandIn, type StandInClient } from "./stand-in";

export interface Env {
  /** JSON array of StandInClient; wrangler may also hand it over already parsed. */
  STAND_IN_CLIENTS?: string | StandInClient[];
}

// State lives in module memory: fine for the single isolate of a local
// `wrangler dev`, and it resets whenever the worker reloads.
let standIn: StandIn | undefined;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    if (!standIn) {
      let clients: StandInClient[];
      try {
        clients = parseClients(env.STAND_IN_CLIENTS);
      } catch (err) {
        // Say what is wrong without echoing the value (it holds client secrets).
        return new Response(`NinjaOne stand-in misconfigured: STAND_IN_CLIENTS ${(err as Error).message}\n`, { status: 500 });
      }
      standIn = createStandIn({ clients });
    }
    return standIn.fetch(request);
  },
};

function parseClients(raw: Env["STAND_IN_CLIENTS"]): StandInClient[] {
  if (raw === undefined) throw new Error("is not set");
  const value: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
  if (!Array.isArray(value)) throw new Error("must be a JSON array");
  for (const c of value as Partial<StandInClient>[]) {
    const ok =
      typeof c?.clientId === "string" &&
      typeof c.clientSecret === "string" &&
      Array.isArray(c.redirectUris) && c.redirectUris.every((u) => typeof u === "string") &&
      Array.isArray(c.scopes) && c.scopes.every((s) => typeof s === "string");
    if (!ok) throw new Error("entries need clientId, clientSecret, redirectUris[] and scopes[]");
  }
  return value as StandInClient[];
}

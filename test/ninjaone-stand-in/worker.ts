// Runs the NinjaOne stand-in as its own worker under `wrangler dev`, for the
// local demo and the browser end-to-end tests. Its registered client apps come
// from the STAND_IN_CLIENTS var (a JSON array of StandInClient), its settings
// from the optional STAND_IN_OPTIONS var (a JSON object).
import { createStandIn, type StandIn, type StandInClient, type StandInOptions } from "./stand-in";

export interface Env {
  /** JSON array of StandInClient; wrangler may also hand it over already parsed. */
  STAND_IN_CLIENTS?: string | StandInClient[];
  /** JSON object: accessTokenTtlSeconds, refreshTokenIdleSeconds, codeTtlSeconds, omitScopeOnRefresh, activityOrder. */
  STAND_IN_OPTIONS?: string | Record<string, unknown>;
}

type EnvOptions = Omit<StandInOptions, "clients" | "now" | "deliver">;
const OPTION_KEYS: readonly (keyof EnvOptions)[] = ["accessTokenTtlSeconds", "refreshTokenIdleSeconds", "codeTtlSeconds", "omitScopeOnRefresh", "activityOrder"];

// State lives in module memory: fine for the single isolate of a local
// `wrangler dev`, and it resets whenever the worker reloads. It is rebuilt only
// when the vars themselves differ (they never do within one `wrangler dev`).
let current: { key: string; standIn: StandIn } | undefined;

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const key = JSON.stringify([env.STAND_IN_CLIENTS ?? null, env.STAND_IN_OPTIONS ?? null]);
    if (current?.key !== key) {
      // Say what is wrong without echoing the values (they hold client secrets).
      let clients: StandInClient[];
      let options: EnvOptions;
      try {
        clients = parseClients(env.STAND_IN_CLIENTS);
      } catch (err) {
        return misconfigured(`STAND_IN_CLIENTS ${(err as Error).message}`);
      }
      try {
        options = parseOptions(env.STAND_IN_OPTIONS);
      } catch (err) {
        return misconfigured(`STAND_IN_OPTIONS ${(err as Error).message}`);
      }
      try {
        current = { key, standIn: createStandIn({ ...options, clients }) };
      } catch (err) {
        return misconfigured((err as Error).message); // names the client or setting at fault
      }
    }
    return current.standIn.fetch(request);
  },
};

function misconfigured(reason: string): Response {
  return new Response(`NinjaOne stand-in misconfigured: ${reason}\n`, { status: 500 });
}

function parseClients(raw: Env["STAND_IN_CLIENTS"]): StandInClient[] {
  if (raw === undefined) throw new Error("is not set");
  const value = typeof raw === "string" ? parseJson(raw) : raw;
  if (!Array.isArray(value)) throw new Error("must be a JSON array");
  for (const c of value as Partial<StandInClient>[]) {
    const ok =
      typeof c?.clientId === "string" &&
      typeof c.clientSecret === "string" &&
      Array.isArray(c.redirectUris) && c.redirectUris.every((u) => typeof u === "string") &&
      Array.isArray(c.scopes) && c.scopes.every((s) => typeof s === "string");
    if (!ok) throw new Error("entries need clientId, clientSecret, redirectUris[] and scopes[]");
    if ((c.monitoring !== undefined && typeof c.monitoring !== "boolean") || (c.systemAdmin !== undefined && typeof c.systemAdmin !== "boolean")) {
      throw new Error("entries' monitoring and systemAdmin must be true or false");
    }
  }
  return value as StandInClient[];
}

// Only the shape is checked here; createStandIn checks the values.
function parseOptions(raw: Env["STAND_IN_OPTIONS"]): EnvOptions {
  if (raw === undefined || raw === "") return {};
  const value = typeof raw === "string" ? parseJson(raw) : raw;
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("must be a JSON object");
  const unknown = Object.keys(value).filter((k) => !(OPTION_KEYS as readonly string[]).includes(k));
  if (unknown.length) throw new Error(`has unknown keys ${unknown.join(", ")}; allowed: ${OPTION_KEYS.join(", ")}`);
  const options = value as EnvOptions;
  if (options.omitScopeOnRefresh !== undefined && typeof options.omitScopeOnRefresh !== "boolean") throw new Error("omitScopeOnRefresh must be true or false");
  return options;
}

/** JSON.parse's own message quotes part of the input, which may be a secret. */
function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new Error("is not valid JSON");
  }
}

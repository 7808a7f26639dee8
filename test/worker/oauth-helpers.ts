import { env, exports } from "cloudflare:workers";
import { loadConfig } from "../../worker/config";
import { open, type Sealed } from "../../worker/crypto";
import type { TokenSet } from "../../worker/oauth/client";
import { afterEach, beforeEach, vi } from "vitest";
import { consent, createStandIn, type StandIn } from "../ninjaone-stand-in/stand-in";
import { BASE, HOST_ORIGIN, mintToken, putCredentials } from "./helpers";

export const REDIRECT_URI = `${BASE}/callback`;
export const RETURN_TO = `${HOST_ORIGIN}/settings/integrations?tab=rmm`;
export const CLIENT = { clientId: "acme-app", clientSecret: "acme-app-secret-value-0042" };
/** A "slow" stand-in answer that comes well after the worker stopped waiting (the suites' NINJAONE_TIMEOUT_MS). */
export const SLOWER_THAN_TIMEOUT_MS = 3 * Number(env.NINJAONE_TIMEOUT_MS);

/**
 * Two NinjaOne stand-ins (regions "local" and "other"), reached through this
 * isolate's fetch — which the worker and its Durable Objects share. Anything
 * else the worker tries to reach fails like a closed network.
 */
/** What the host's events receiver (EVENTS_URL, at events.test) got. */
export const eventDeliveries: Array<{ url: string; method: string; headers: Headers; body: string }> = [];
/** How the receiver answers; a test may make it fail. */
export const eventReceiver = { answer: (_request: Request): Response | Promise<Response> => new Response(null, { status: 204 }) };

export function useStandIns(): { local: StandIn; other: StandIn } {
  const client = { ...CLIENT, redirectUris: [REDIRECT_URI], scopes: ["monitoring", "management", "offline_access"], name: "Acme PSA" };
  const local = createStandIn({ clients: [client] });
  const other = createStandIn({ clients: [client] });
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    const host = new URL(request.url).host;
    // NinjaOne's webhook deliveries (the stand-in POSTs to the URL the worker registered).
    if (host === "worker.example") return exports.default.fetch(request);
    if (host === "events.test") {
      // Read here: a body can't be read later from another context (the queue consumer's).
      eventDeliveries.push({ url: request.url, method: request.method, headers: new Headers(request.headers), body: await request.clone().text() });
      return eventReceiver.answer(request);
    }
    const target = host === "stand-in.test" ? local : host === "other-stand-in.test" ? other : undefined;
    if (!target) throw new TypeError(`network connection refused (${host})`);
    // Like a real connection, an aborted request (the worker's timeout) stops waiting.
    return new Promise<Response>((resolve, reject) => {
      request.signal.addEventListener("abort", () => reject(request.signal.reason));
      target.fetch(request).then(resolve, reject);
    });
  });
  return { local, other };
}

/**
 * The next `count` requests to `host` fail like a refused connection. Scoped to one host: the
 * events queue's consumer delivers in the background through the same `fetch`, and must not
 * take a failure meant for NinjaOne.
 */
export function refuseNextRequestsTo(host: string, count = 1): void {
  const previous = vi.mocked(fetch).getMockImplementation()!;
  let left = count;
  vi.mocked(fetch).mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (left > 0 && new URL(request.url).host === host) {
      left -= 1;
      throw new TypeError(`network connection refused (${host})`);
    }
    return previous(request);
  });
}

/**
 * Fresh stand-ins for every test of a file (`stand.local`, `stand.other`), and
 * whatever a test changed — fake clock, spies — put back after it.
 */
export function useStandInsPerTest(): { local: StandIn; other: StandIn } {
  const stand = {} as { local: StandIn; other: StandIn };
  beforeEach(() => {
    Object.assign(stand, useStandIns());
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });
  return stand;
}

export function saveStandInCredentials(tenant: string, overrides: Partial<{ region: string; clientId: string; clientSecret: string }> = {}) {
  return putCredentials({ region: "local", ...CLIENT, ...overrides }, { tenant });
}

export interface ConnectOptions {
  tenant?: string;
  mode?: string;
  returnTo?: string;
  origin?: string | null;
  token?: string;
  body?: string;
  contentType?: string;
}

/** The widget's form POST to /connect, as the browser sends it. */
export async function postConnect(options: ConnectOptions = {}): Promise<Response> {
  const headers = new Headers({ "Content-Type": options.contentType ?? "application/x-www-form-urlencoded" });
  if (options.origin !== null) headers.set("Origin", options.origin ?? HOST_ORIGIN);
  const body =
    options.body ??
    new URLSearchParams({
      token: options.token ?? (await mintToken({ tenant: options.tenant ?? "acme" })),
      return_to: options.returnTo ?? RETURN_TO,
      mode: options.mode ?? "popup",
    }).toString();
  return exports.default.fetch(new Request(`${BASE}/connect`, { method: "POST", headers, body, redirect: "manual" }));
}

/** `name=value` of the flow cookie the worker set, for sending it back. */
export function flowCookie(response: Response): string {
  const setCookie = response.headers.get("Set-Cookie") ?? "";
  return setCookie.split(";")[0]!;
}

export function callback(url: string, cookie?: string): Promise<Response> {
  return exports.default.fetch(new Request(url, { headers: cookie ? { Cookie: cookie } : {}, redirect: "manual" }));
}

/** Starts a flow and follows it through the stand-in's consent page up to (not into) the callback. */
export async function authorize(standIn: StandIn, decision: "approve" | "deny", options: ConnectOptions = {}) {
  const started = await postConnect(options);
  if (started.status !== 303) throw new Error(`connect answered ${started.status}`);
  const cookie = flowCookie(started);
  const authorizeUrl = started.headers.get("Location")!;
  const decided = await consent(standIn, authorizeUrl, decision);
  const callbackUrl = decided.headers.get("Location")!;
  return { started, cookie, authorizeUrl, callbackUrl };
}

/** The whole happy path: save credentials, connect, approve, land on the callback. */
export async function connectTenant(
  standIn: StandIn,
  tenant: string,
  mode: "popup" | "redirect" = "redirect",
  credentials: Partial<{ region: string; clientId: string; clientSecret: string }> = {},
) {
  await saveStandInCredentials(tenant, credentials);
  const flow = await authorize(standIn, "approve", { tenant, mode });
  const landed = await callback(flow.callbackUrl, flow.cookie);
  return { ...flow, landed };
}

export async function apiToken(tenant: string): Promise<Response> {
  const token = await mintToken({ tenant, aud: "ninjaone-api" });
  return exports.default.fetch(new Request(`${BASE}/token`, { method: "POST", headers: { Authorization: `Bearer ${token}` } }));
}

/** The tokens the tenant's vault holds, opened with the worker's own keys (tests only). */
export async function storedTokens(tenant: string): Promise<TokenSet | undefined> {
  const { runInDurableObject } = await import("cloudflare:test");
  const stub = env.TENANT_VAULT.get(env.TENANT_VAULT.idFromName(tenant));
  const sealed = await runInDurableObject(stub, (_instance, state) => state.storage.get<Sealed>("tokens"));
  if (!sealed) return undefined;
  const config = await loadConfig(env);
  return JSON.parse(await open(config.keyring, sealed, tenant, "tokens"));
}

// NinjaOne's public API v2, the few routes the project needs, reachable under
// both /v2/ and /api/v2/. Every request is counted and recorded as it arrived
// (so proxy tests can see what was forwarded), may fail on purpose, and needs a
// valid bearer token; scope problems answer 403 in NinjaOne's error shape.
import { Hono } from "hono";
import type { Context } from "hono";
import { checkCount, checkRetryAfter } from "./oauth";
import type { AccessToken, StandInState } from "./state";
import type { ApiFailure, FailureOptions, RecordedApiRequest, WebhookConfig, WebhookHeader } from "./types";
import { BadInput, isPlainObject, ninjaError, parseJson, readText, retryAfterHeader } from "./util";

const API_FAILURES: readonly ApiFailure[] = ["rate_limited", "server_error"];
const ACTIVITIES_DEFAULT_PAGE = 200;
const ACTIVITIES_MAX_PAGE = 1000;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/; // RFC 9110 token

type ApiEnv = { Variables: { token: AccessToken; body: string | undefined } };
type ApiContext = Context<ApiEnv>;

export function apiRoutes(state: StandInState) {
  const api = new Hono<ApiEnv>();
  let failure: { kind: ApiFailure; remaining: number; retryAfterSeconds: number | null } | undefined;
  let last: RecordedApiRequest | undefined;

  const failNextApiRequests = (kind: ApiFailure, count = 1, options: FailureOptions = {}) => {
    if (!API_FAILURES.includes(kind)) throw new BadInput(`unknown API failure kind: ${String(kind)}; one of ${API_FAILURES.join(", ")}`);
    checkCount(count);
    const retryAfterSeconds = checkRetryAfter(options.retryAfterSeconds);
    failure = count > 0 ? { kind, remaining: count, retryAfterSeconds } : undefined;
  };

  // Order: count and record, then injected failure (a rate limiter sits in front of
  // authentication), then the bearer token.
  api.use("*", async (c, next) => {
    state.counters.apiRequests++;
    const request = c.req.raw;
    const body = request.body ? await readText(request) : undefined;
    c.set("body", body);
    const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get("Authorization") ?? "")?.[1];
    const token = bearer ? state.liveAccessToken(bearer) : undefined;
    const url = new URL(request.url);
    last = {
      method: request.method,
      path: url.pathname,
      search: url.search,
      headers: headersObject(request.headers),
      authorization: token ? "valid_bearer" : bearer ? "invalid_bearer" : request.headers.has("Authorization") ? "other" : "none",
      ...(body !== undefined ? { body } : {}),
    };

    if (failure) {
      const { kind, retryAfterSeconds } = failure;
      if (--failure.remaining <= 0) failure = undefined;
      if (kind === "rate_limited") return ninjaError(429, "TOO_MANY_REQUESTS", "Rate limit exceeded (injected by the stand-in).", retryAfterHeader(retryAfterSeconds));
      return ninjaError(500, "INTERNAL_SERVER_ERROR", "Internal error (injected by the stand-in).");
    }

    if (!token) {
      return c.json({ error: "invalid_token", error_description: "The access token is missing, invalid or expired." }, 401, {
        "WWW-Authenticate": 'Bearer error="invalid_token"',
      });
    }
    c.set("token", token);
    await next();
  });

  // ---- organizations -------------------------------------------------------

  api.get("/organizations", (c) => {
    const denied = requireScope(c, "monitoring");
    if (denied) return denied;
    const q = new URL(c.req.url).searchParams;
    const pageSize = intParam(q, "pageSize", 1);
    const after = intParam(q, "after", 0);
    if (pageSize === null || after === null) return ninjaError(400, "BAD_REQUEST", "pageSize and after must be whole numbers.");
    // `after` is the last id of the previous page; ids only grow, so order by id.
    const rest = state.organizationsOf(c.var.token.clientId).filter((o) => o.id > (after ?? 0)).sort((a, b) => a.id - b.id);
    return c.json(pageSize === undefined ? rest : rest.slice(0, pageSize));
  });

  api.post("/organizations", (c) => {
    // Creating organizations is a Management call in NinjaOne's API.
    const denied = requireScope(c, "management");
    if (denied) return denied;
    const body = parseJson(c.var.body ?? "");
    if (!isPlainObject(body) || typeof body.name !== "string" || !body.name.trim()) return ninjaError(400, "BAD_REQUEST", "The organization needs a name.");
    if (body.description !== undefined && typeof body.description !== "string") return ninjaError(400, "BAD_REQUEST", "description must be a string.");
    const list = state.organizationsOf(c.var.token.clientId);
    const organization = {
      id: Math.max(0, ...list.map((o) => o.id)) + 1,
      name: body.name.trim(),
      description: body.description ?? "",
      nodeApprovalMode: "AUTOMATIC",
    };
    list.push(organization);
    return c.json(organization, 200);
  });

  // ---- webhook (one configuration per client app) --------------------------

  api.put("/webhook", (c) => {
    const denied = requireSystemAdmin(c);
    if (denied) return denied;
    let config: WebhookConfig;
    try {
      config = parseWebhookConfig(parseJson(c.var.body ?? ""));
    } catch (error) {
      if (error instanceof BadInput) return ninjaError(400, "BAD_REQUEST", error.message);
      throw error;
    }
    state.webhooks.set(c.var.token.clientId, config); // replaces any previous one
    state.counters.webhookPuts++;
    return c.body(null, 204);
  });

  api.delete("/webhook", (c) => {
    const denied = requireSystemAdmin(c);
    if (denied) return denied;
    state.webhooks.delete(c.var.token.clientId); // 204 also when there was none
    state.counters.webhookDeletes++;
    return c.body(null, 204);
  });

  // ---- activities ------------------------------------------------------------

  // NinjaOne documents the log as "reverse chronological" but not how `newerThan` and
  // `pageSize` combine. Chosen here: with `newerThan`, the page holds the `pageSize`
  // activities right after that id (so a watermark loop never skips one); without it,
  // the newest `pageSize`. Within the page, oldest first (settings.activityOrder can
  // flip that, to prove a caller takes the highest id rather than the last element).
  // lastActivityId is the highest id returned, else the newerThan value (else 0).
  api.get("/activities", (c) => {
    const denied = requireScope(c, "monitoring");
    if (denied) return denied;
    const q = new URL(c.req.url).searchParams;
    const newerThan = intParam(q, "newerThan", 0);
    const pageSize = intParam(q, "pageSize", 1);
    if (newerThan === null || pageSize === null || (pageSize ?? 0) > ACTIVITIES_MAX_PAGE) {
      return ninjaError(400, "BAD_REQUEST", `newerThan must be a whole number and pageSize between 1 and ${ACTIVITIES_MAX_PAGE}.`);
    }
    const size = pageSize ?? ACTIVITIES_DEFAULT_PAGE;
    const log = state.activityLog(c.var.token.clientId); // ascending ids
    const selected = newerThan === undefined ? log.slice(-size) : log.filter((a) => a.id > newerThan).slice(0, size);
    const lastActivityId = selected.length ? selected[selected.length - 1]!.id : (newerThan ?? 0);
    const activities = state.settings.activityOrder === "newest_first" ? [...selected].reverse() : selected;
    return c.json({ lastActivityId, activities });
  });

  api.all("*", () => ninjaError(404, "NOT_FOUND", "This API route is not part of the NinjaOne stand-in."));

  // A scope needs both: granted to the token at consent, and still ticked on the client app.
  function requireScope(c: ApiContext, scope: string): Response | undefined {
    const token = c.var.token;
    if (!state.clientHasScope(token.clientId, scope)) return ninjaError(403, "FORBIDDEN", `The client app does not have the ${scope} scope.`);
    if (!token.scopes.includes(scope)) return ninjaError(403, "FORBIDDEN", `The access token was not granted the ${scope} scope.`);
    return undefined;
  }

  function requireSystemAdmin(c: ApiContext): Response | undefined {
    if (state.clients.get(c.var.token.clientId)?.systemAdmin) return undefined;
    return ninjaError(403, "FORBIDDEN", "Only system administrators can configure webhooks");
  }

  return {
    api,
    failNextApiRequests,
    lastApiRequest: () => (last ? structuredClone(last) : undefined),
    pendingFailure: () => (failure ? { kind: failure.kind, remaining: failure.remaining } : undefined),
  };
}

/** undefined: absent; null: present but not a whole number >= min. */
function intParam(q: URLSearchParams, name: string, min: number): number | undefined | null {
  const raw = q.get(name);
  if (raw === null || raw === "") return undefined;
  if (!/^\d+$/.test(raw)) return null;
  const value = Number(raw);
  return Number.isSafeInteger(value) && value >= min ? value : null;
}

/** Validates a PUT /v2/webhook body and keeps only the members NinjaOne knows. */
export function parseWebhookConfig(body: unknown): WebhookConfig {
  if (!isPlainObject(body)) throw new BadInput("The body must be a JSON object.");
  const { url, activities, expand, headers, organizationIds } = body;
  if (typeof url !== "string" || !isHttpUrl(url)) throw new BadInput("url must be an http(s) URL.");
  const config: WebhookConfig = { url };
  if (activities !== undefined) {
    const ok = isPlainObject(activities) && Object.values(activities).every((v) => Array.isArray(v) && v.every((s) => typeof s === "string"));
    if (!ok) throw new BadInput("activities must map activity types to arrays of strings.");
    config.activities = structuredClone(activities as Record<string, string[]>);
  }
  if (expand !== undefined) {
    if (!Array.isArray(expand) || !expand.every((s) => typeof s === "string")) throw new BadInput("expand must be an array of strings.");
    config.expand = [...expand];
  }
  if (headers !== undefined) {
    const ok = Array.isArray(headers) && headers.every(isValidHeader);
    if (!ok) throw new BadInput("headers must be an array of {name, value} with a valid header name and a one-line value.");
    config.headers = (headers as WebhookHeader[]).map(({ name, value }) => ({ name, value }));
  }
  if (organizationIds !== undefined) {
    if (!Array.isArray(organizationIds) || !organizationIds.every((id) => Number.isSafeInteger(id))) throw new BadInput("organizationIds must be an array of integers.");
    config.organizationIds = [...new Set(organizationIds as number[])];
  }
  return config;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

function isValidHeader(header: unknown): boolean {
  return isPlainObject(header) && typeof header.name === "string" && HEADER_NAME.test(header.name) && typeof header.value === "string" && !/[\r\n\0]/.test(header.value);
}

/** Headers as a plain object (forEach: not every lib this file is type-checked with makes Headers iterable). */
function headersObject(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => (out[name] = value));
  return out;
}

import { Hono } from "hono/tiny";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./app-env";
import { parseAllowedOrigins } from "./config";
import { requireConfig } from "./require-config";
import type { Env } from "./env";
import { ApiError, ConfigError } from "./errors";
import { errorPage, isPageCode } from "./pages";
import { assetsRoute } from "./routes/assets";
import { callbackRoute } from "./routes/callback";
import { connectRoute } from "./routes/connect";
import { credentialsRoute } from "./routes/credentials";
import { disconnectRoute } from "./routes/disconnect";
import { launchPageRoute, launchTicketRoute } from "./routes/launch";
import { resealRoute } from "./routes/reseal";
import { statusRoute } from "./routes/status";
import { tokenRoute } from "./routes/token";
import { proxyRoute } from "./routes/proxy";
import { eventsRoute } from "./routes/events";
import { webhooksRoute } from "./routes/webhooks";
import { deliverEvents, EVENTS_DEAD_LETTER_QUEUE, recordDeadEvents } from "./events-delivery";
import type { ConnectionEvent } from "../contract";
import { API_BASE_PATH } from "./status";

export { TenantVault } from "./tenant-vault";

const MAX_BODY_BYTES = 16 * 1024;

// CORS needs the allowed origins even when the secrets are broken, so that the
// widget can read the 503; they are parsed apart from the rest of the config.
const originsCache = new WeakMap<Env, ReadonlySet<string>>();
function allowedOrigins(env: Env): ReadonlySet<string> {
  let origins = originsCache.get(env);
  if (!origins) originsCache.set(env, (origins = parseAllowedOrigins(env.ALLOWED_ORIGINS)));
  return origins;
}

const app = new Hono<AppEnv>();

// The widget files come first: they get their own cross-origin headers.
app.route("/", assetsRoute);
// Routes a browser navigates to (not fetch): they answer with pages, errors included.
const BROWSER_ROUTES = new Set([`${API_BASE_PATH}/connect`, `${API_BASE_PATH}/callback`, `${API_BASE_PATH}/launch`]);

// A locked-down CSP for everything that does not bring its own: JSON answers, redirects.
const LOCKED_DOWN = { defaultSrc: ["'none'"], frameAncestors: ["'none'"] };
// Pages get all of secure-headers' defaults, without overwriting what a page sets itself (its CSP
// with a script nonce, its Referrer-Policy). The JSON answers get the headers that act on a
// response no browser renders as a document (OWASP's REST Security Cheat Sheet: HSTS, nosniff,
// X-Frame-Options, a CSP with frame-ancestors; and CORP against cross-origin reads); the others
// only mean something in a document (Referrer-Policy for its subresources, Origin-Agent-Cluster,
// DNS prefetching, IE's download prompt and XSS filter, Flash/PDF policy files), and each header
// costs every API answer on every hop.
const pageSecurityHeaders = secureHeaders({
  contentSecurityPolicy: LOCKED_DOWN,
  // The popup result page must keep its link to the opener (CONTRACT.md).
  crossOriginOpenerPolicy: false,
  referrerPolicy: "no-referrer",
  overwrite: false,
});
const apiSecurityHeaders = secureHeaders({
  contentSecurityPolicy: LOCKED_DOWN,
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  referrerPolicy: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
});
app.use(`${API_BASE_PATH}/*`, (c, next) => (BROWSER_ROUTES.has(c.req.path) ? pageSecurityHeaders(c, next) : apiSecurityHeaders(c, next)));
// The launch pages are pages, not API: no CORS, no API body limit; their own Referrer-Policy.
app.route(API_BASE_PATH, launchPageRoute);

const api = new Hono<AppEnv>();
/**
 * A page on an origin missing from ALLOWED_ORIGINS sees what looks like an outage (the browser
 * hides the answer) while the worker is fine: say so in the log, once per origin and isolate.
 */
const reportedOrigins = new Set<string>();
function allowOrigin(origin: string, env: Env): string | null {
  if (allowedOrigins(env).has(origin)) return origin;
  if (origin && !reportedOrigins.has(origin) && reportedOrigins.size < 100) {
    reportedOrigins.add(origin);
    console.warn(`origin ${JSON.stringify(origin.slice(0, 200))} is not in ALLOWED_ORIGINS: its requests are refused by CORS`);
  }
  return null;
}

const corsForAllowedOrigins = cors({
  origin: (origin, c) => allowOrigin(origin, c.env),
  allowMethods: ["GET", "PUT", "POST"],
  exposeHeaders: ["WWW-Authenticate", "Retry-After"],
  allowHeaders: ["Authorization", "Content-Type"],
  maxAge: 600,
});
// Every CORS request carries Origin (Fetch standard); a request without one (a host's backend,
// the SDK) has no use for CORS headers. Every API answer is no-store, so no cache needs `Vary`.
api.use((c, next) => (c.req.header("Origin") === undefined ? next() : corsForAllowedOrigins(c, next)));
api.use(async (c, next) => {
  await next();
  // On the answer itself: c.header would copy the whole Response first. Every API answer has
  // mutable headers (none is a fetch() Response passed through; secure-headers sets its own the same way).
  c.res.headers.set("Cache-Control", "no-store");
});
api.use(requireConfig);
const smallBodies = bodyLimit({
  maxSize: MAX_BODY_BYTES,
  onError: () => {
    throw new ApiError("payload_too_large");
  },
});
// The proxy (1 MiB, streamed) and NinjaOne's webhook deliveries (256 KiB) have limits of their own.
const OWN_LIMITS = [`${API_BASE_PATH}/proxy/`, `${API_BASE_PATH}/webhooks/`];
api.use((c, next) => (OWN_LIMITS.some((prefix) => c.req.path.startsWith(prefix)) ? next() : smallBodies(c, next)));
api.route("/", statusRoute);
api.route("/", credentialsRoute);
api.route("/", disconnectRoute);
api.route("/", tokenRoute);
api.route("/", proxyRoute);
api.route("/", eventsRoute);
api.route("/", webhooksRoute);
api.route("/", resealRoute);
api.route("/", connectRoute);
api.route("/", launchTicketRoute);
api.route("/", callbackRoute);
api.all("*", () => {
  throw new ApiError("not_found");
});

app.route(API_BASE_PATH, api);

app.onError((thrown, c) => {
  let error = thrown;
  if (thrown instanceof ConfigError) {
    // The one place a broken setting becomes an answer; the log names the setting, never its value.
    console.error(thrown.message);
    error = new ApiError("misconfigured");
  }
  if (error instanceof ApiError && BROWSER_ROUTES.has(c.req.path)) {
    return errorPage(c, isPageCode(error.code) ? error.code : "invalid_request", error.status);
  }
  if (error instanceof ApiError) return c.json(error.toJSON(), error.status, error.headers);
  if (error instanceof HTTPException && error.status < 500) {
    return c.json(new ApiError("invalid_request").toJSON(), 400);
  }
  // Only the error's name: messages can carry request data.
  console.error("unhandled error:", error.name);
  return c.json(new ApiError("internal").toJSON(), 500);
});

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue === EVENTS_DEAD_LETTER_QUEUE) await recordDeadEvents(batch);
    else await deliverEvents(batch, env);
  },
} satisfies ExportedHandler<Env, ConnectionEvent>;

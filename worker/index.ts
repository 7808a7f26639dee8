import { Hono } from "hono/tiny";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./app-env";
import { loadConfig, parseAllowedOrigins } from "./config";
import type { Env } from "./env";
import { ApiError } from "./errors";
import { errorPage, isPageCode } from "./pages";
import { assetsRoute } from "./routes/assets";
import { callbackRoute } from "./routes/callback";
import { connectRoute } from "./routes/connect";
import { credentialsRoute } from "./routes/credentials";
import { disconnectRoute } from "./routes/disconnect";
import { resealRoute } from "./routes/reseal";
import { statusRoute } from "./routes/status";
import { tokenRoute } from "./routes/token";
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

app.use(
  `${API_BASE_PATH}/*`,
  secureHeaders({
    // The popup result page must keep its link to the opener (CONTRACT.md).
    crossOriginOpenerPolicy: false,
    referrerPolicy: "no-referrer",
  }),
);
// A locked-down default CSP; the flow pages set their own (with a script nonce),
// which secureHeaders' option would overwrite.
app.use(`${API_BASE_PATH}/*`, async (c, next) => {
  await next();
  if (!c.res.headers.has("Content-Security-Policy")) {
    c.res.headers.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  }
});

const api = new Hono<AppEnv>();
api.use(
  cors({
    origin: (origin, c) => (allowedOrigins(c.env).has(origin) ? origin : null),
    allowMethods: ["GET", "PUT", "POST"],
    allowHeaders: ["Authorization", "Content-Type"],
    maxAge: 600,
  }),
);
api.use(async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store");
});
api.use(async (c, next) => {
  const result = await loadConfig(c.env);
  if (!result.ok) {
    console.error(`misconfigured: ${result.problems.join("; ")}`);
    throw new ApiError("misconfigured");
  }
  c.set("config", result.config);
  await next();
});
api.use(
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new ApiError("payload_too_large");
    },
  }),
);
api.route("/", statusRoute);
api.route("/", credentialsRoute);
api.route("/", disconnectRoute);
api.route("/", tokenRoute);
api.route("/", resealRoute);
api.route("/", connectRoute);
api.route("/", callbackRoute);
api.all("*", () => {
  throw new ApiError("not_found");
});

app.route(API_BASE_PATH, api);

// Routes a browser navigates to (not fetch) answer errors with a page.
const BROWSER_ROUTES = new Set([`${API_BASE_PATH}/connect`, `${API_BASE_PATH}/callback`]);

app.onError((error, c) => {
  if (error instanceof ApiError && BROWSER_ROUTES.has(c.req.path)) {
    return errorPage(c, isPageCode(error.code) ? error.code : "invalid_request", error.status);
  }
  if (error instanceof ApiError) return c.json(error.toJSON(), error.status);
  if (error instanceof HTTPException && error.status < 500) {
    return c.json(new ApiError("invalid_request").toJSON(), 400);
  }
  // Only the error's name: messages can carry request data.
  console.error("unhandled error:", error.name);
  return c.json(new ApiError("internal").toJSON(), 500);
});

export default app satisfies ExportedHandler<Env>;

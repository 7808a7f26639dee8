import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";
import { loadConfig } from "./config";

/**
 * Sets `c.var.config`. A broken setting throws a ConfigError, which app.onError logs (which
 * setting is wrong) and answers with 503 `misconfigured`: a worker with a broken secret never
 * falls back to a built-in one.
 */
export const requireConfig = createMiddleware<AppEnv>(async (c, next) => {
  c.set("config", await loadConfig(c.env));
  await next();
});

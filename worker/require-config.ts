import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";
import { loadConfig } from "./config";
import { ApiError } from "./errors";

/**
 * Sets `c.var.config`, or answers 503 `misconfigured` and says in the log which setting is wrong.
 * A worker with a broken secret never falls back to a built-in one.
 */
export const requireConfig = createMiddleware<AppEnv>(async (c, next) => {
  const result = await loadConfig(c.env);
  if (!result.ok) {
    console.error(`misconfigured: ${result.problems.join("; ")}`);
    throw new ApiError("misconfigured");
  }
  c.set("config", result.config);
  await next();
});

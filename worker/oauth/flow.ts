import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../app-env";
import type { Config } from "../config";
import type { FlowErrorCode } from "../errors";
import { popupResultPage, type PageCode } from "../pages";
import type { FlowRecord } from "../store";

/**
 * Binding a flow to the browser that started it. Each flow gets its own
 * `__Host-` cookie, named after a prefix of its state hash, holding a random
 * value whose hash the flow record keeps: several flows in one browser don't
 * disturb each other, and a callback opened in another browser is refused.
 */
const COOKIE_PREFIX = "ninjaone-flow-";
export { FLOW_LIFETIME_MS } from "../../contract";
import { FLOW_LIFETIME_MS } from "../../contract";

const cookieName = (stateHash: string) => COOKIE_PREFIX + stateHash.slice(0, 16);

export function setFlowCookie(c: Context<AppEnv>, stateHash: string, binding: string): void {
  setCookie(c, cookieName(stateHash), binding, {
    prefix: "host",
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    maxAge: FLOW_LIFETIME_MS / 1000,
  });
}

export function readFlowCookie(c: Context<AppEnv>, stateHash: string): string | undefined {
  return getCookie(c, cookieName(stateHash), "host");
}

export function clearFlowCookie(c: Context<AppEnv>, stateHash: string): void {
  deleteCookie(c, cookieName(stateHash), { prefix: "host", secure: true, path: "/" });
}

/** Ends a flow whose return URL was checked when it started. */
export function endFlow(c: Context<AppEnv>, flow: Pick<FlowRecord, "mode" | "returnTo">, error?: FlowErrorCode | PageCode) {
  if (flow.mode === "popup") return popupResultPage(c, new URL(flow.returnTo).origin, error);
  const url = new URL(flow.returnTo);
  url.searchParams.delete("ninjaone");
  url.searchParams.delete("ninjaone_error");
  if (error) url.searchParams.set("ninjaone_error", error);
  else url.searchParams.set("ninjaone", "connected");
  return c.redirect(url.toString(), 303);
}

/** An absolute http(s) URL without credentials whose origin is allowed; undefined otherwise. */
export function checkedReturnUrl(value: string, allowedOrigins: ReadonlySet<string>): string | undefined {
  if (value.length > 2048) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
  if (url.username || url.password) return undefined;
  if (!allowedOrigins.has(url.origin)) return undefined;
  return url.toString();
}

/** The worker's public origin: APP_BASE_URL, else the request's. Our own launch pages post from it. */
export function ownOrigin(config: Config, requestUrl: string): string {
  return config.appBaseUrl ?? new URL(requestUrl).origin;
}

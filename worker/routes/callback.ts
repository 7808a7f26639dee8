import { Hono } from "hono/tiny";
import type { AppEnv } from "../app-env";
import { sha256, timingSafeEqual } from "../crypto";
import type { FlowErrorCode } from "../errors";
import { clearFlowCookie, endFlow, readFlowCookie } from "../oauth/flow";
import { errorPage, isPageCode } from "../pages";
import { deleteFlow, readFlow } from "../store";
import { vaultFor } from "../vault";

/**
 * The parameters we read. Anything else an authorization server adds (`session_state`, …) is
 * ignored, as RFC 6749 §4.1.2 says clients must; ours must come once each, since a duplicate is
 * how parameter pollution starts.
 */
const READ_PARAMS = ["state", "code", "error", "error_description", "iss"];
const STATE = /^[A-Za-z0-9_-]{43}$/;

/** Maps an authorization error to a fixed code; error_description only helps classify, it is never shown. */
function authorizationError(error: string, description: string | undefined): FlowErrorCode {
  if (error === "access_denied") return "access_denied";
  if ((error === "unauthorized_client" || error === "invalid_request") && /redirect[_ ]?uri/i.test(description ?? "")) {
    return "redirect_uri_mismatch";
  }
  return "ninjaone_error";
}

/** `GET /callback`: NinjaOne's redirect target. */
export const callbackRoute = new Hono<AppEnv>().get("/callback", async (c) => {
  const params = new URL(c.req.url).searchParams;
  const state = params.get("state") ?? "";
  if (!STATE.test(state) || params.getAll("state").length !== 1) return errorPage(c, "invalid_state");

  const stateHash = await sha256(state);
  const flow = await readFlow(c.env.NINJAONE_KV, stateHash);
  const binding = readFlowCookie(c, stateHash);
  // Unknown, used, or from another browser: there is no return URL we can trust.
  if (!flow || !binding || !timingSafeEqual(await sha256(binding), flow.browserBindingHash)) {
    return errorPage(c, "invalid_state");
  }
  await deleteFlow(c.env.NINJAONE_KV, stateHash);
  clearFlowCookie(c, stateHash);
  if (flow.expiresAt <= Date.now()) return endFlow(c, flow, "state_expired");

  const code = params.get("code");
  const error = params.get("error");
  const wellFormed = READ_PARAMS.every((key) => params.getAll(key).length <= 1) && (code === null) !== (error === null);
  if (!wellFormed) return endFlow(c, flow, "ninjaone_error");

  // Mix-up defence: an issuer, when sent, must be the region this flow went to.
  const region = c.var.config.regions.find((r) => r.id === flow.region);
  const iss = params.get("iss");
  if (!region || (iss !== null && iss.replace(/\/$/, "") !== region.baseUrl)) return endFlow(c, flow, "ninjaone_error");

  if (error !== null) return endFlow(c, flow, authorizationError(error, params.get("error_description") ?? undefined));

  const result = await vaultFor(c.env, flow.tenant).completeConnection(flow.tenant, stateHash, flow, code!);
  if (result.ok) return endFlow(c, flow);
  return endFlow(c, flow, isPageCode(result.error) ? result.error : "ninjaone_error");
});

import { Hono } from "hono/tiny";
import type { AppEnv } from "../app-env";
import { verifyTenantToken } from "../auth";
import { randomToken, seal, sha256 } from "../crypto";
import { buildAuthorizeUrl, pkceChallenge } from "../oauth/client";
import { checkedReturnUrl, endFlow, FLOW_LIFETIME_MS, setFlowCookie } from "../oauth/flow";
import { errorPage } from "../pages";
import { readTenant, writeFlow } from "../store";
import { redirectUriFor } from "../status";

const FIELDS = ["token", "return_to", "mode"] as const;

/** Each field exactly once, nothing else: duplicates are how parameter pollution starts. */
function parseForm(text: string): Record<(typeof FIELDS)[number], string> | undefined {
  const params = new URLSearchParams(text);
  const keys = [...params.keys()];
  if (keys.length !== FIELDS.length || FIELDS.some((field) => params.getAll(field).length !== 1)) return undefined;
  return { token: params.get("token")!, return_to: params.get("return_to")!, mode: params.get("mode")! };
}

/**
 * `POST /connect`: a top-level form POST from the widget. Until the return
 * URL is checked, failures end on a small page here, never in a redirect.
 */
export const connectRoute = new Hono<AppEnv>().post("/connect", async (c) => {
  const config = c.var.config;
  const origin = c.req.header("Origin");
  if (!origin || !config.allowedOrigins.has(origin)) return errorPage(c, "forbidden", 403);
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(c.req.header("Content-Type") ?? "")) return errorPage(c, "invalid_request");

  const form = parseForm(await c.req.text());
  if (!form || (form.mode !== "popup" && form.mode !== "redirect")) return errorPage(c, "invalid_request");
  const returnTo = checkedReturnUrl(form.return_to, config.allowedOrigins);
  if (!returnTo) return errorPage(c, "invalid_request");
  const identity = await verifyTenantToken(form.token, "ninjaone-settings", config.tokenKey);
  if (!identity) return errorPage(c, "unauthorized", 401);
  const { tenant } = identity;
  const flowEnd = { mode: form.mode, returnTo } as const;

  const { credentials } = await readTenant(c.env.NINJAONE_KV, tenant);
  if (!credentials) return endFlow(c, flowEnd, "credentials_not_configured");
  const region = config.regions.find((r) => r.id === credentials.region);
  if (!region) return endFlow(c, flowEnd, "credentials_not_configured");

  const state = randomToken(32);
  const stateHash = await sha256(state);
  const verifier = randomToken(32);
  const binding = randomToken(32);
  const redirectUri = redirectUriFor(config, c.req.url);
  await writeFlow(c.env.NINJAONE_KV, stateHash, {
    tenant,
    region: region.id,
    clientId: credentials.clientId,
    redirectUri,
    returnTo,
    mode: form.mode,
    verifier: await seal(config.keyring, verifier, tenant, "pkce-verifier"),
    browserBindingHash: await sha256(binding),
    expiresAt: Date.now() + FLOW_LIFETIME_MS,
  });
  setFlowCookie(c, stateHash, binding);
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "no-referrer");
  return c.redirect(
    buildAuthorizeUrl(region.baseUrl, {
      clientId: credentials.clientId,
      redirectUri,
      scope: config.scopes,
      state,
      codeChallenge: await pkceChallenge(verifier),
    }),
    303,
  );
});

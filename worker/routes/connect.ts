import type { Context } from "hono";
import { Hono } from "hono/tiny";
import type { AppEnv } from "../app-env";
import { verifyTenantToken } from "../auth";
import { randomToken, seal, sha256 } from "../crypto";
import { deleteLaunchTicket, readLaunchTicket } from "../launch-ticket";
import { buildAuthorizeUrl, pkceChallenge } from "../oauth/client";
import { checkedReturnUrl, endFlow, FLOW_LIFETIME_MS, ownOrigin, setFlowCookie } from "../oauth/flow";
import { errorPage, isPageCode } from "../pages";
import { readTenant, writeFlow, type FlowRecord } from "../store";
import { redirectUriFor } from "../status";
import { vaultFor } from "../vault";

const TOKEN_FIELDS = ["token", "return_to", "mode"] as const;
const TICKET_FIELDS = ["ticket"] as const;
export const TICKET = /^[A-Za-z0-9_-]{43}$/;

type ConnectForm = { token: string; return_to: string; mode: string } | { ticket: string };

/** Each field exactly once, nothing else: duplicates are how parameter pollution starts. */
function parseForm(text: string): ConnectForm | undefined {
  const params = new URLSearchParams(text);
  const count = [...params.keys()].length;
  const exactly = (fields: readonly string[]) => count === fields.length && fields.every((field) => params.getAll(field).length === 1);
  if (exactly(TOKEN_FIELDS)) return { token: params.get("token")!, return_to: params.get("return_to")!, mode: params.get("mode")! };
  if (exactly(TICKET_FIELDS)) return { ticket: params.get("ticket")! };
  return undefined;
}

/** Who the flow is for and where it ends: from a verified token, or from a launch ticket. */
type FlowStart = { tenant: string } & Pick<FlowRecord, "mode" | "returnTo" | "actor">;

/** The widget's own form (from an allowed origin), or our popup launch page's (from ours). */
async function fromToken(c: Context<AppEnv>, form: { token: string; return_to: string; mode: string }): Promise<FlowStart | Response> {
  const config = c.var.config;
  if (form.mode !== "popup" && form.mode !== "redirect") return errorPage(c, "invalid_request");
  const returnTo = checkedReturnUrl(form.return_to, config.allowedOrigins);
  if (!returnTo) return errorPage(c, "invalid_request");
  const identity = await verifyTenantToken(form.token, "ninjaone-settings", config.tokenKey);
  if (!identity) return errorPage(c, "unauthorized", 401);
  if (identity.perm !== "manage") return errorPage(c, "forbidden", 403);
  return { tenant: identity.tenant, mode: form.mode, returnTo, ...(identity.actor ? { actor: identity.actor } : {}) };
}

/**
 * A launch ticket, posted by our ticket page after the user's click there. The ticket alone
 * says which tenant and return URL (both checked when it was made); it is claimed once, strongly.
 */
async function fromTicket(c: Context<AppEnv>, ticket: string): Promise<FlowStart | Response> {
  if (!TICKET.test(ticket)) return errorPage(c, "invalid_state");
  const ticketHash = await sha256(ticket);
  const record = await readLaunchTicket(c.env.NINJAONE_KV, ticketHash);
  if (!record) return errorPage(c, "invalid_state");
  const start = { tenant: record.tenant, mode: "redirect", returnTo: record.returnTo, ...(record.actor ? { actor: record.actor } : {}) } as const;
  if (record.expiresAt <= Date.now()) return endFlow(c, start, "state_expired");
  const claim = await vaultFor(c.env, record.tenant).claimOnce(`ticket:${ticketHash}`, record.expiresAt);
  if (!claim.ok) return errorPage(c, isPageCode(claim.error) ? claim.error : "storage_unavailable", 503);
  if (!claim.value) return errorPage(c, "invalid_state");
  // Tidying only (the claim is what counts): a failure here must not end a flow just begun.
  await deleteLaunchTicket(c.env.NINJAONE_KV, ticketHash).catch(() => undefined);
  return start;
}

/**
 * `POST /connect`: a top-level form POST, from the widget on an allowed origin, or from one of
 * our launch pages (docs/security.md, "Starting a flow"). Until the return URL is checked,
 * failures end on a small page here, never in a redirect.
 */
export const connectRoute = new Hono<AppEnv>().post("/connect", async (c) => {
  const config = c.var.config;
  const origin = c.req.header("Origin");
  const fromOurPage = origin === ownOrigin(config, c.req.url);
  if (!origin || (!fromOurPage && !config.allowedOrigins.has(origin))) return errorPage(c, "forbidden", 403);
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(c.req.header("Content-Type") ?? "")) return errorPage(c, "invalid_request");

  const form = parseForm(new TextDecoder().decode(await c.req.arrayBuffer()));
  if (!form) return errorPage(c, "invalid_request");
  // Only our ticket page posts tickets: a ticket from anywhere else skipped the user's click there.
  if ("ticket" in form && !fromOurPage) return errorPage(c, "forbidden", 403);
  const start = "ticket" in form ? await fromTicket(c, form.ticket) : await fromToken(c, form);
  if (start instanceof Response) return start;
  const { tenant } = start;

  const { credentials } = await readTenant(c.env.NINJAONE_KV, tenant);
  if (!credentials) return endFlow(c, start, "credentials_not_configured");
  const region = config.regions.find((r) => r.id === credentials.region);
  if (!region) return endFlow(c, start, "credentials_not_configured");

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
    returnTo: start.returnTo,
    mode: start.mode,
    ...(start.actor ? { actor: start.actor } : {}),
    verifier: await seal(config.keyring, verifier, tenant, "pkce-verifier"),
    browserBindingHash: await sha256(binding),
    expiresAt: Date.now() + FLOW_LIFETIME_MS,
  });
  setFlowCookie(c, stateHash, binding);
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

import type { Context } from "hono";
import { html, raw } from "hono/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { API_BASE_PATH, type PopupMessage } from "../contract";
import { randomToken } from "./crypto";
import type { FlowErrorCode } from "./errors";

/**
 * The small pages a browser sees when it starts or ends a flow. Their texts are fixed
 * per code: nothing from the URL (error_description in particular) is shown, and what
 * they do show of stored data (a tenant id, a client id) is escaped by `html`.
 */

const FLOW_MESSAGES: Record<FlowErrorCode | "connected" | "unauthorized" | "forbidden" | "invalid_request" | "misconfigured" | "storage_unavailable", string> = {
  connected: "NinjaOne is connected. You can close this window.",
  credentials_not_configured: "Save the NinjaOne Client ID and Client Secret before connecting.",
  invalid_state: "This sign-in link is not valid in this browser, or was already used. Start again from the settings page.",
  state_expired: "The sign-in took too long. Start again from the settings page.",
  access_denied: "The connection was not approved in NinjaOne.",
  redirect_uri_mismatch: "NinjaOne rejected the redirect URI. Register the exact redirect URI shown on the settings page in the NinjaOne client app.",
  ninjaone_error: "NinjaOne reported an error. Start again from the settings page.",
  token_exchange_failed: "NinjaOne did not accept the sign-in. Check the Client ID and Client Secret, then try again.",
  ninjaone_unreachable: "NinjaOne could not be reached. Try again in a moment.",
  unauthorized: "Your session has expired. Reload the settings page and try again.",
  forbidden: "Connecting NinjaOne is not allowed from this page or with this session.",
  invalid_request: "The request to connect NinjaOne was not valid. Start again from the settings page.",
  misconfigured: "The NinjaOne integration is not configured correctly. Contact your administrator.",
  storage_unavailable: "The connection could not be saved. Try again in a moment.",
};
export type PageCode = keyof typeof FLOW_MESSAGES;
export const isPageCode = (code: string): code is PageCode => Object.hasOwn(FLOW_MESSAGES, code);

interface PagePolicy {
  /** Where the page's form may go, redirects included (Chromium checks `form-action` on every hop). */
  formAction?: readonly string[];
  /**
   * `no-referrer` unless the page posts a form to us: under `no-referrer` even a same-origin POST
   * carries `Origin: null` (fetch spec), and `/connect` needs a real one. `same-origin` still
   * sends nothing to any other origin.
   */
  referrerPolicy?: "no-referrer" | "same-origin";
}

/** Headers for every flow page: no referrer (the URL held a code), no caching, a strict CSP. */
function pageHeaders(c: Context, nonce: string, { formAction, referrerPolicy = "no-referrer" }: PagePolicy = {}) {
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", referrerPolicy);
  const formSources = formAction ? ["'self'", ...formAction].join(" ") : "'none'";
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action ${formSources}; frame-ancestors 'none'`,
  );
}

const STYLE =
  "body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color-scheme:light dark}" +
  "button{font:inherit;padding:.5rem 1rem;margin:0 1rem 0 0}code,dd{font-family:ui-monospace,monospace}dd{margin:0 0 .5rem}";

/** JSON is safe inside <script> once "<" can't close the tag. */
const json = (value: unknown) => JSON.stringify(value).replaceAll("<", "\\u003c");

function page(nonce: string, title: string, body: unknown, script?: string) {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main><h1>${title}</h1>${body}</main>${script ? html`<script nonce="${nonce}">${raw(script)}</script>` : ""}</body>
</html>`;
}

/** What happened, and for a failure its code, so that a user can report it and support can look it up. */
const outcome = (code: PageCode, failed: boolean) =>
  html`<p role="status">${FLOW_MESSAGES[code]}</p>${failed ? html`<p>Error code: <code>${code}</code></p>` : ""}`;

/** A page for a request we cannot trust enough to send anywhere (no redirect). */
export function errorPage(c: Context, code: PageCode, status: ContentfulStatusCode = 400) {
  const nonce = randomToken(16);
  pageHeaders(c, nonce);
  return c.html(page(nonce, "NinjaOne connection", outcome(code, true)), status);
}

/**
 * The popup's last page: tells the opener the outcome, only at the exact
 * origin of the return URL, then closes. Sent without COOP so the opener link survives.
 */
export function popupResultPage(c: Context, targetOrigin: string, error: PageCode | undefined) {
  const nonce = randomToken(16);
  pageHeaders(c, nonce);
  const message: PopupMessage = error ? { type: "ninjaone:connect-result", ok: false, error } : { type: "ninjaone:connect-result", ok: true };
  const script = `if(window.opener){window.opener.postMessage(${json(message)},${json(targetOrigin)})}setTimeout(function(){window.close()},${error ? 4000 : 600})`;
  return c.html(page(nonce, error ? "NinjaOne connection failed" : "NinjaOne connected", outcome(error ?? "connected", !!error), script));
}

const CONNECT_ACTION = `${API_BASE_PATH}/connect`;

/**
 * The popup's first page (popup mode). It asks its opener for the widget token, at the one allowed
 * origin it was opened for: a browser drops that message when the opener is anywhere else. It takes
 * the answer only from that window at that origin, then posts the connect form to us, same-origin.
 * `hostOrigin` is a member of ALLOWED_ORIGINS, never the request's text.
 */
export function popupLaunchPage(c: Context, hostOrigin: string, formAction: readonly string[]) {
  const nonce = randomToken(16);
  pageHeaders(c, nonce, { formAction, referrerPolicy: "same-origin" });
  const lost = "This window has lost its link to the settings page. Close it and start again from there.";
  const script = `(function(){
var origin=${json(hostOrigin)},opener=window.opener,status=document.getElementById("status"),sent=false;
function lose(){if(!sent){status.textContent=${json(lost)}}}
if(!opener){lose();return}
addEventListener("message",function(e){
var d=e.data;
if(sent||e.source!==opener||e.origin!==origin||!d||d.type!=="ninjaone:launch-token"||typeof d.token!=="string"||typeof d.returnTo!=="string")return;
try{if(new URL(d.returnTo).origin!==origin)return}catch(x){return}
sent=true;
document.getElementById("token").value=d.token;
document.getElementById("return_to").value=d.returnTo;
document.getElementById("connect").submit();
});
opener.postMessage({type:"ninjaone:launch-ready"},origin);
setTimeout(lose,15000);
})()`;
  const body = html`<p id="status" role="status">Getting the connection ready…</p>
<form id="connect" method="post" action="${CONNECT_ACTION}" hidden>
<input type="hidden" id="token" name="token"><input type="hidden" id="return_to" name="return_to"><input type="hidden" name="mode" value="popup">
</form>`;
  return c.html(page(nonce, "Connecting NinjaOne", body, script));
}

export interface TicketLaunchDetails {
  ticket: string;
  tenant: string;
  returnTo: string;
  /** Absent when the tenant has no (usable) saved credentials. */
  app?: { regionLabel: string; clientId: string };
}

/**
 * The page redirect mode lands on: says what is about to happen, for which tenant and which client
 * app, and goes on only when the user clicks (a link alone never starts a flow).
 */
export function ticketLaunchPage(c: Context, details: TicketLaunchDetails, formAction: readonly string[]) {
  const nonce = randomToken(16);
  pageHeaders(c, nonce, { formAction, referrerPolicy: "same-origin" });
  const back = html`<a href="${details.returnTo}">Back to the settings page</a>`;
  if (!details.app) {
    return c.html(page(nonce, "NinjaOne connection", html`${outcome("credentials_not_configured", true)}<p>${back}</p>`));
  }
  // A second click would post a ticket the first one already used.
  const script = `document.getElementById("connect").addEventListener("submit",function(){document.getElementById("continue").disabled=true})`;
  const body = html`<p>You are about to connect NinjaOne to this account. NinjaOne will ask you to sign in and to allow access.</p>
<dl>
<dt>Account</dt><dd>${details.tenant}</dd>
<dt>NinjaOne region</dt><dd>${details.app.regionLabel}</dd>
<dt>Client ID</dt><dd>${details.app.clientId}</dd>
</dl>
<p>Continue only if you started this from your settings page just now.</p>
<form id="connect" method="post" action="${CONNECT_ACTION}">
<input type="hidden" name="ticket" value="${details.ticket}">
<button type="submit" id="continue">Continue to NinjaOne</button> ${back}
</form>`;
  return c.html(page(nonce, "Connect NinjaOne", body, script));
}

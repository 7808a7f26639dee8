import type { Context } from "hono";
import { html, raw } from "hono/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { randomToken } from "./crypto";
import type { FlowErrorCode } from "./errors";

/**
 * The small pages a browser sees at the end of a flow. Their texts are fixed
 * per code: nothing from the URL (error_description in particular) is shown.
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
  forbidden: "This page was opened from a site that is not allowed to connect NinjaOne.",
  invalid_request: "The request to connect NinjaOne was not valid. Start again from the settings page.",
  misconfigured: "The NinjaOne integration is not configured correctly. Contact your administrator.",
  storage_unavailable: "The connection could not be saved. Try again in a moment.",
};
export type PageCode = keyof typeof FLOW_MESSAGES;
export const isPageCode = (code: string): code is PageCode => Object.hasOwn(FLOW_MESSAGES, code);

/** Headers for every flow page: no referrer (the URL held a code), no caching, a strict CSP. */
function pageHeaders(c: Context, nonce: string) {
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", "no-referrer");
  c.header(
    "Content-Security-Policy",
    `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
  );
}

const STYLE = "body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color-scheme:light dark}";

function page(nonce: string, title: string, message: string, script?: string) {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title><style nonce="${nonce}">${STYLE}</style></head>
<body><main><h1>${title}</h1><p role="status">${message}</p></main>${script ? html`<script nonce="${nonce}">${raw(script)}</script>` : ""}</body>
</html>`;
}

/** A page for a request we cannot trust enough to send anywhere (no redirect). */
export function errorPage(c: Context, code: PageCode, status: ContentfulStatusCode = 400) {
  const nonce = randomToken(16);
  pageHeaders(c, nonce);
  return c.html(page(nonce, "NinjaOne connection", FLOW_MESSAGES[code]), status);
}

/**
 * The popup's last page: tells the opener the outcome, only at the exact
 * origin of the return URL, then closes. Sent without COOP so the opener link survives.
 */
export function popupResultPage(c: Context, targetOrigin: string, error: PageCode | undefined) {
  const nonce = randomToken(16);
  pageHeaders(c, nonce);
  const message = error ? { type: "ninjaone:connect-result", ok: false, error } : { type: "ninjaone:connect-result", ok: true };
  // JSON is safe inside <script> once "<" can't close the tag.
  const json = (value: unknown) => JSON.stringify(value).replaceAll("<", "\\u003c");
  const script = `if(window.opener){window.opener.postMessage(${json(message)},${json(targetOrigin)})}setTimeout(function(){window.close()},${error ? 4000 : 600})`;
  return c.html(page(nonce, error ? "NinjaOne connection failed" : "NinjaOne connected", FLOW_MESSAGES[error ?? "connected"], script));
}

import { Hono } from "hono/tiny";
import type { AppEnv } from "../app-env";
import { tenantAuth } from "../auth";
import { ApiError } from "../errors";
import { API_BASE_PATH } from "../status";
import { vaultFor } from "../vault";
import { throwIfFailed } from "./util";

/**
 * `ANY /proxy/<path>` (api audience): forwards a host backend's call to the tenant's NinjaOne
 * region with the tenant's access token, so that a backend never holds a NinjaOne token.
 */

const PREFIX = `${API_BASE_PATH}/proxy/`;
export const MAX_PROXY_BODY_BYTES = 1024 * 1024;
export const PROXY_TIMEOUT_MS = 30_000;

/** What a caller may tell NinjaOne; everything else (its Authorization, cookies, X-Forwarded-*) stays here. */
const FORWARDED_REQUEST_HEADERS = ["accept", "content-type", "if-none-match", "if-modified-since"];
/** Hop-by-hop (RFC 9110 §7.6.1) and what must not reach the caller from NinjaOne. */
const DROPPED_RESPONSE_HEADERS = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "set-cookie",
  // fetch has already decoded the body, so these describe bytes the caller never gets.
  "content-encoding",
  "content-length",
];
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/; // RFC 9110 token

/** RFC 3986 pchar: what a path segment may hold without a URL parser rewriting it. */
const PCHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@]|%[0-9A-Fa-f]{2})*$/;

/**
 * The forwarded path and query (`/v2/…?…`), taken from the raw request URL: a decoded path would
 * turn `%2e%2e` or `%2f` into separators we never checked. Throws 400 `invalid_request` for
 * anything that could leave `v2/` or `api/v2/` on NinjaOne — whichever parser (fetch's, or
 * NinjaOne's, which may decode `%2f` and `%5c`) reads it. A URL parser in front of the worker
 * usually removes dot segments and backslashes already; these checks don't rely on it.
 */
export function proxyTarget(rawUrl: string): string {
  const [, path = "", search = ""] = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^?#]*)(\?[^#]*)?/i.exec(rawUrl) ?? [];
  // Hono routes on the decoded path, so `/prox%79/…` reaches this route: the raw one must match too.
  if (!path.startsWith(PREFIX)) throw refused();
  const segments = path.slice(PREFIX.length).split("/");
  // The target is `{base}/{path}` and must start with v2/: an absolute URL or `//host` can never
  // name another host, it is simply outside v2/.
  const apiSegments = segments[0] === "api" ? 2 : 1;
  if (segments[apiSegments - 1] !== "v2" || segments.length <= apiSegments) throw refused();
  if (!segments.every(isPlainSegment)) throw refused();
  return `/${segments.join("/")}${search}`;
}

function isPlainSegment(segment: string): boolean {
  // `//`: servers disagree on whether it collapses (and `//host` reads as a host to some).
  if (segment === "") return false;
  // Raw backslashes (a URL parser reads `\` as `/`), control characters, spaces, anything else a
  // parser would rewrite.
  if (!PCHARS.test(segment)) return false;
  // Encoded slashes and backslashes: a server that decodes them sees segments we never checked.
  if (/%(?:2f|5c)/i.test(segment)) return false;
  // Encoded control characters (CR/LF and friends) have no business in an API path.
  if (/%(?:[01][0-9a-f]|7f)/i.test(segment)) return false;
  // fetch's URL parser resolves `.` and `..` — `%2e` in any case included — before sending.
  const dots = segment.replace(/%2e/gi, ".");
  return dots !== "." && dots !== "..";
}

const refused = () =>
  new ApiError("invalid_request", { message: "The proxy forwards paths under v2/ or api/v2/ only, without dot segments, encoded slashes or empty segments." });

/** Counts the body on its way through and errors it past 1 MiB; `tooLarge` says why it broke. */
function limitBody(body: ReadableStream<Uint8Array>) {
  const limit = { tooLarge: false, stream: body };
  let seen = 0;
  limit.stream = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > MAX_PROXY_BODY_BYTES) {
          limit.tooLarge = true;
          controller.error(new ApiError("payload_too_large"));
        } else {
          controller.enqueue(chunk);
        }
      },
    }),
  );
  return limit;
}

function passThrough(upstream: Response): Response {
  const headers = new Headers(upstream.headers);
  const named = (upstream.headers.get("connection") ?? "").split(",").map((name) => name.trim());
  for (const name of [...DROPPED_RESPONSE_HEADERS, ...named.filter((name) => HEADER_NAME.test(name))]) headers.delete(name);
  // Our CORS middleware decides what a browser may read, not NinjaOne's.
  for (const name of [...headers.keys()]) if (name.startsWith("access-control-")) headers.delete(name);
  // Cache-Control: no-store and the security headers come from the API middleware (worker/index.ts).
  return new Response(upstream.body, { status: upstream.status, headers });
}

export const proxyRoute = new Hono<AppEnv>().all("/proxy/*", tenantAuth("ninjaone-api"), async (c) => {
  const tenant = c.var.tenant;
  // A read-only token may look at NinjaOne, not change it.
  if (c.var.perm !== "manage" && c.req.method !== "GET" && c.req.method !== "HEAD") {
    throw new ApiError("forbidden", { message: "A read-only token may only GET through the proxy." });
  }
  const target = proxyTarget(c.req.raw.url);
  const declaredLength = Number(c.req.header("Content-Length") ?? 0);
  if (declaredLength > MAX_PROXY_BODY_BYTES) throw new ApiError("payload_too_large");

  const headers = new Headers();
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const value = c.req.header(name);
    if (value !== undefined) headers.set(name, value);
  }

  // A 401 is retried once with a new token, so the body must be sent twice. tee() costs memory:
  // whatever the first attempt has read stays buffered for the second branch (at most 1 MiB, the
  // limit sits before the tee) until that branch is read or cancelled — which happens as soon as
  // the first answer is anything but a 401.
  const limit = c.req.raw.body ? limitBody(c.req.raw.body) : undefined;
  const [firstBody, retryBody] = limit ? limit.stream.tee() : [null, null];

  const send = async (grant: { accessToken: string; apiBaseUrl: string }, body: ReadableStream | null) => {
    headers.set("Authorization", `Bearer ${grant.accessToken}`);
    let response: Response;
    try {
      response = await fetch(`${grant.apiBaseUrl}${target}`, {
        method: c.req.raw.method,
        headers,
        body,
        // A redirect is the caller's to follow: following it here would carry the token along.
        redirect: "manual",
        // Covers the answer's body too: a response still streaming after 30 s is cut.
        signal: AbortSignal.timeout(PROXY_TIMEOUT_MS),
      });
    } catch (error) {
      if (limit?.tooLarge) throw new ApiError("payload_too_large");
      console.warn(`proxy: NinjaOne unreachable (${error instanceof Error ? error.name : "unknown"})`);
      throw new ApiError("ninjaone_unreachable");
    }
    // NinjaOne may answer an error after reading a body that broke off at the limit.
    if (limit?.tooLarge) {
      await response.body?.cancel();
      throw new ApiError("payload_too_large");
    }
    return response;
  };

  const vault = vaultFor(c.env, tenant);
  const grant = throwIfFailed(await vault.accessToken(tenant));
  let response = await send(grant, firstBody);
  if (response.status !== 401) {
    // Not awaited: a tee branch's cancel settles only once the other branch is done too.
    retryBody?.cancel().catch(() => {});
    return passThrough(response);
  }

  // One forced refresh, single-flight with /token: if another caller already replaced the
  // rejected token, the vault answers the new one without calling NinjaOne.
  await response.body?.cancel();
  const renewed = throwIfFailed(await vault.accessToken(tenant, { rejectedAccessToken: grant.accessToken }));
  response = await send(renewed, retryBody);
  if (response.status !== 401) return passThrough(response);

  // A token NinjaOne refuses right after it was issued: the grant is unusable.
  await response.body?.cancel();
  const reported = await vault.reportRejectedAfterRefresh(tenant, renewed.accessToken);
  if (!reported.ok) console.error(`proxy: could not record reconnect_required (${reported.error})`);
  throw new ApiError("reconnect_required");
});

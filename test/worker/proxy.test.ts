import { exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { MAX_PROXY_BODY_BYTES, PROXY_TIMEOUT_MS, proxyTarget } from "../../worker/routes/proxy";
import type { StandIn } from "../ninjaone-stand-in/stand-in";
import { BASE, mintToken, status } from "./helpers";
import { authorize, callback, CLIENT, connectTenant, saveStandInCredentials, storedTokens, useStandInsPerTest } from "./oauth-helpers";

const stand = useStandInsPerTest();
const PROXY = `${BASE}/proxy`;

/** A host backend's call through the proxy, with an api token of `tenant` unless `token` says otherwise. */
async function proxy(path: string, init: RequestInit & { tenant?: string; token?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token !== null && !headers.has("Authorization")) {
    headers.set("Authorization", `Bearer ${init.token ?? (await mintToken({ tenant: init.tenant ?? "acme", aud: "ninjaone-api" }))}`);
  }
  return exports.default.fetch(new Request(`${PROXY}/${path}`, { ...init, headers, redirect: "manual" }));
}

/** Revokes one access token at the stand-in: the next API call with it answers 401, the refresh token still works. */
async function revokeAccessToken(standIn: StandIn, accessToken: string) {
  const response = await standIn.fetch(
    new Request("https://stand-in.test/ws/oauth/revoke", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: accessToken, client_id: CLIENT.clientId, client_secret: CLIENT.clientSecret }),
    }),
  );
  expect(response.status).toBe(200);
}

/** What reached the stand-ins since the call: connecting checks the new token once, so tests count from after it. */
function mark() {
  const at = { local: stand.local.stats(), other: stand.other.stats() };
  return (which: "local" | "other" = "local") => {
    const now = stand[which].stats();
    return { apiRequests: now.apiRequests - at[which].apiRequests, refreshGrants: now.refreshGrants - at[which].refreshGrants };
  };
}

const accessTokenOf = async (tenant: string) => (await storedTokens(tenant))!.accessToken;

/** Answers API calls (paths under /v2/ or /api/v2/) with `answer`; everything else still reaches the stand-ins. */
function answerApiCalls(answer: (request: Request) => Response | Promise<Response>) {
  const original = vi.mocked(fetch).getMockImplementation()!;
  const seen: Request[] = [];
  vi.mocked(fetch).mockImplementation(async (input, init) => {
    const request = new Request(input, init);
    if (!/^\/(api\/)?v2\//.test(new URL(request.url).pathname)) return original(request);
    seen.push(request);
    return answer(request);
  });
  return seen;
}

/** A stream of `size` bytes in 64 KiB chunks, without a Content-Length. */
function streamOf(size: number): ReadableStream<Uint8Array> {
  let left = size;
  return new ReadableStream({
    pull(controller) {
      if (left <= 0) return controller.close();
      const chunk = new Uint8Array(Math.min(left, 64 * 1024)).fill(0x61);
      left -= chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
}

/** A JSON body of exactly `size` bytes that the stand-in accepts as a new organization. */
function organizationOfSize(size: number): string {
  const frame = JSON.stringify({ name: "Big", description: "" });
  return JSON.stringify({ name: "Big", description: "d".repeat(size - frame.length) });
}

describe("proxy: forwarding", () => {
  it("forwards GET with its query unchanged to /v2/ and /api/v2/, with the tenant's access token", async () => {
    await connectTenant(stand.local, "acme");
    const since = mark();
    const token = await accessTokenOf("acme");
    for (const prefix of ["v2", "api/v2"]) {
      const response = await proxy(`${prefix}/organizations?pageSize=1&after=0&odd=%2e%2e%2Fx&plus=a+b`);
      expect(response.status, prefix).toBe(200);
      expect(Array.isArray(await response.json())).toBe(true);
      const seen = stand.local.lastApiRequest()!;
      expect(seen).toMatchObject({ method: "GET", path: `/${prefix}/organizations`, search: "?pageSize=1&after=0&odd=%2e%2e%2Fx&plus=a+b", authorization: "valid_bearer" });
      expect(seen.headers.authorization).toBe(`Bearer ${token}`);
    }
    expect(since().apiRequests).toBe(2);
  });

  it("forwards POST with its JSON body through /v2/ and /api/v2/", async () => {
    await connectTenant(stand.local, "acme");
    for (const prefix of ["v2", "api/v2"]) {
      const body = JSON.stringify({ name: `Org via ${prefix}`, description: "made through the proxy" });
      const response = await proxy(`${prefix}/organizations`, { method: "POST", headers: { "Content-Type": "application/json" }, body });
      expect(response.status, prefix).toBe(200);
      expect(await response.json()).toMatchObject({ name: `Org via ${prefix}`, description: "made through the proxy" });
      expect(stand.local.lastApiRequest()).toMatchObject({ method: "POST", path: `/${prefix}/organizations`, body });
    }
    const listed = (await (await proxy("v2/organizations")).json()) as { name: string }[];
    expect(listed.map((o) => o.name).slice(-2)).toEqual(["Org via v2", "Org via api/v2"]);
  });

  it("a read-only api token may GET through the proxy, and nothing else", async () => {
    await connectTenant(stand.local, "acme");
    const readToken = await mintToken({ tenant: "acme", aud: "ninjaone-api", extra: { perm: "read" } });
    const since = mark();
    expect((await proxy("v2/organizations", { token: readToken })).status).toBe(200);
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      const response = await proxy("v2/organizations", { method, token: readToken, headers: { "Content-Type": "application/json" }, body: '{"name":"x"}' });
      expect(response.status, method).toBe(403);
      expect(((await response.json()) as { error: string }).error).toBe("forbidden");
    }
    expect(since().apiRequests).toBe(1);
  });

  it("forwards any method: PUT, DELETE, PATCH and HEAD reach NinjaOne as sent", async () => {
    await connectTenant(stand.local, "acme");
    const webhook = JSON.stringify({ url: "https://host.example/hook", activities: {}, expand: [], headers: [] });
    const put = await proxy("v2/webhook", { method: "PUT", headers: { "Content-Type": "application/json" }, body: webhook });
    expect(put.status).toBe(204);
    expect(stand.local.lastApiRequest()).toMatchObject({ method: "PUT", path: "/v2/webhook", body: webhook });
    const removed = await proxy("api/v2/webhook", { method: "DELETE" });
    expect(removed.status).toBe(204);
    expect(stand.local.lastApiRequest()).toMatchObject({ method: "DELETE", path: "/api/v2/webhook" });
    const patched = await proxy("v2/organizations", { method: "PATCH", headers: { "Content-Type": "application/json" }, body: "{}" });
    expect(patched.status).toBe(404);
    expect(stand.local.lastApiRequest()).toMatchObject({ method: "PATCH", body: "{}" });
    const head = await proxy("v2/organizations", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(stand.local.lastApiRequest()).toMatchObject({ method: "HEAD" });
  });

  it("forwards the raw path: percent-escapes arrive as the caller wrote them, and NinjaOne's 404 passes through", async () => {
    await connectTenant(stand.local, "acme");
    const response = await proxy("v2/device/a%20b%C3%A9/custom-fields");
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ resultCode: "NOT_FOUND" });
    expect(stand.local.lastApiRequest()!.path).toBe("/v2/device/a%20b%C3%A9/custom-fields");
  });

  it("forwards only accept, content-type, if-none-match and if-modified-since — never the caller's Authorization, cookies or anything else", async () => {
    await connectTenant(stand.local, "acme");
    const apiToken = await mintToken({ tenant: "acme", aud: "ninjaone-api" });
    const response = await proxy("v2/organizations", {
      method: "POST",
      token: apiToken,
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json; charset=utf-8",
        "If-None-Match": '"abc"',
        "If-Modified-Since": "Wed, 21 Oct 2015 07:28:00 GMT",
        Cookie: "session=host-session-cookie",
        "X-Forwarded-For": "203.0.113.9",
        "X-Api-Key": "host-internal-key",
        "Proxy-Authorization": "Basic aG9zdDpzZWNyZXQ=",
        Origin: "https://host.example",
        Referer: "https://host.example/admin",
        "User-Agent": "host-backend/1.0",
      },
      body: JSON.stringify({ name: "Headers" }),
    });
    expect(response.status).toBe(200);
    const seen = stand.local.lastApiRequest()!;
    expect(seen.headers).toEqual({
      accept: "application/json",
      "content-type": "application/json; charset=utf-8",
      "if-none-match": '"abc"',
      "if-modified-since": "Wed, 21 Oct 2015 07:28:00 GMT",
      authorization: `Bearer ${await accessTokenOf("acme")}`,
    });
    expect(JSON.stringify(seen)).not.toContain(apiToken);
  });

  it("passes status and body through but strips hop-by-hop, set-cookie, access-control-* and encoding headers; Cache-Control: no-store", async () => {
    await connectTenant(stand.local, "acme");
    answerApiCalls(
      () =>
        new Response('{"ok":true}', {
          status: 202,
          headers: {
            "Content-Type": "application/json",
            ETag: '"v1"',
            "X-Request-Id": "ninja-123",
            Connection: "keep-alive, X-Hop-Secret, not a token",
            "Keep-Alive": "timeout=5",
            "X-Hop-Secret": "named by Connection",
            "Proxy-Authenticate": "Basic",
            Trailer: "Expires",
            Upgrade: "h2c",
            "Set-Cookie": "ninja-session=1; Secure",
            "Access-Control-Allow-Origin": "*",
            "Access-Control-Allow-Credentials": "true",
            "Content-Encoding": "gzip",
            "Content-Length": "999",
            "Transfer-Encoding": "chunked",
            TE: "trailers",
            "Proxy-Authorization": "Basic eDp5",
            "Cache-Control": "public, max-age=600",
          },
        }),
    );
    const response = await proxy("v2/organizations");
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('{"ok":true}');
    expect(response.headers.get("Content-Type")).toBe("application/json");
    expect(response.headers.get("ETag")).toBe('"v1"');
    expect(response.headers.get("X-Request-Id")).toBe("ninja-123");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    for (const name of ["connection", "keep-alive", "x-hop-secret", "proxy-authenticate", "trailer", "upgrade", "set-cookie", "access-control-allow-origin", "access-control-allow-credentials", "content-encoding", "content-length", "transfer-encoding", "te", "proxy-authorization"]) {
      expect(response.headers.has(name), name).toBe(false);
    }
    // The API middleware's security headers still apply.
    expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(response.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
  });

  it("keeps the API's own CORS answer for an allowed origin instead of NinjaOne's", async () => {
    await connectTenant(stand.local, "acme");
    answerApiCalls(() => Response.json([], { headers: { "Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "X-Ninja" } }));
    const response = await proxy("v2/organizations", { headers: { Origin: "https://host.example" } });
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("https://host.example");
    expect(response.headers.get("Access-Control-Expose-Headers")).toBe("WWW-Authenticate,Retry-After");
  });

  it("passes a 304 through for a conditional GET", async () => {
    await connectTenant(stand.local, "acme");
    const seen = answerApiCalls((request) => new Response(null, { status: request.headers.get("If-None-Match") === '"v1"' ? 304 : 200, headers: { ETag: '"v1"' } }));
    const response = await proxy("v2/organizations", { headers: { "If-None-Match": '"v1"' } });
    expect(response.status).toBe(304);
    expect(response.headers.get("ETag")).toBe('"v1"');
    expect(seen).toHaveLength(1);
  });

  it("does not follow a redirect from NinjaOne: it goes back to the caller, and the token stays here", async () => {
    await connectTenant(stand.local, "acme");
    const seen = answerApiCalls(() => new Response(null, { status: 302, headers: { Location: "https://elsewhere.example/collect" } }));
    const response = await proxy("v2/organizations");
    expect(response.status).toBe(302);
    expect(response.headers.get("Location")).toBe("https://elsewhere.example/collect");
    expect(seen).toHaveLength(1);
    expect(seen[0]!.redirect).toBe("manual");
  });
});

describe("proxy: NinjaOne's answers", () => {
  it("on a 401 refreshes exactly once and retries once, then answers 200", async () => {
    await connectTenant(stand.local, "acme");
    const since = mark();
    const first = await accessTokenOf("acme");
    await revokeAccessToken(stand.local, first);

    const response = await proxy("v2/organizations?pageSize=1");
    expect(response.status).toBe(200);
    expect(since()).toEqual({ refreshGrants: 1, apiRequests: 2 });
    const renewed = await accessTokenOf("acme");
    expect(renewed).not.toBe(first);
    expect(stand.local.lastApiRequest()).toMatchObject({ search: "?pageSize=1", authorization: "valid_bearer" });
    expect(stand.local.lastApiRequest()!.headers.authorization).toBe(`Bearer ${renewed}`);
  });

  it("sends the body again on the retry after a 401", async () => {
    await connectTenant(stand.local, "acme");
    const since = mark();
    await revokeAccessToken(stand.local, await accessTokenOf("acme"));
    const body = JSON.stringify({ name: "Sent twice", description: "x".repeat(200_000) });
    const response = await proxy("v2/organizations", { method: "POST", headers: { "Content-Type": "application/json" }, body });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: "Sent twice" });
    expect(since()).toEqual({ refreshGrants: 1, apiRequests: 2 });
    expect(stand.local.lastApiRequest()!.body).toBe(body);
  });

  it("answers 409 reconnect_required when NinjaOne refuses the refreshed token too, and /status shows it", async () => {
    await connectTenant(stand.local, "acme");
    const since = mark();
    const seen = answerApiCalls(() => Response.json({ error: "invalid_token" }, { status: 401 }));

    const response = await proxy("v2/organizations");
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: "reconnect_required" });
    expect(seen).toHaveLength(2);
    expect(since().refreshGrants).toBe(1);
    expect((await status("acme")).body.connection.status).toBe("reconnect_required");

    // From now on NinjaOne is not even asked.
    const again = await proxy("v2/organizations");
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: "reconnect_required" });
    expect(seen).toHaveLength(2);
  });

  it("answers 409 reconnect_required when the forced refresh finds the grant dead", async () => {
    await connectTenant(stand.local, "acme");
    const since = mark();
    stand.local.revokeGrants(CLIENT.clientId);
    const response = await proxy("v2/organizations");
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ error: "reconnect_required" });
    expect(since().apiRequests).toBe(1);
    expect((await status("acme")).body.connection.status).toBe("reconnect_required");
  });

  it("refreshes once for concurrent 401s", async () => {
    await connectTenant(stand.local, "acme");
    const since = mark();
    await revokeAccessToken(stand.local, await accessTokenOf("acme"));
    const responses = await Promise.all(Array.from({ length: 4 }, () => proxy("v2/organizations")));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(since()).toEqual({ refreshGrants: 1, apiRequests: 8 });
    expect((await status("acme")).body.connection.status).toBe("connected");
  });

  it("passes a 429 through with its Retry-After, without refreshing or retrying", async () => {
    await connectTenant(stand.local, "acme");
    const since = mark();
    stand.local.failNextApiRequests("rate_limited", 1, { retryAfterSeconds: 7 });
    const response = await proxy("v2/organizations");
    expect(response.status).toBe(429);
    expect(response.headers.get("Retry-After")).toBe("7");
    expect(await response.json()).toMatchObject({ resultCode: "TOO_MANY_REQUESTS" });
    expect(since()).toEqual({ apiRequests: 1, refreshGrants: 0 });
  });

  it("passes a 500 through", async () => {
    await connectTenant(stand.local, "acme");
    const since = mark();
    stand.local.failNextApiRequests("server_error");
    const response = await proxy("v2/organizations");
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ resultCode: "INTERNAL_SERVER_ERROR" });
    expect(since().apiRequests).toBe(1);
  });

  it("answers 503 ninjaone_unreachable when NinjaOne cannot be reached", async () => {
    await connectTenant(stand.local, "acme");
    answerApiCalls(() => Promise.reject(new TypeError("network connection lost")));
    const response = await proxy("v2/organizations");
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: "ninjaone_unreachable" });
    expect((await status("acme")).body.connection.status).toBe("connected");
  });

  it("gives NinjaOne 30 seconds, then answers 503 ninjaone_unreachable", async () => {
    await connectTenant(stand.local, "acme");
    // Not 30 real seconds: the worker's AbortSignal.timeout(30 000) becomes a 1 ms one (fake
    // timers don't reach the runtime's own timer), and NinjaOne hangs until aborted.
    const realTimeout = AbortSignal.timeout.bind(AbortSignal);
    const timeout = vi.spyOn(AbortSignal, "timeout").mockImplementation(() => realTimeout(1));
    const seen = answerApiCalls(
      (request) => new Promise<Response>((_resolve, reject) => request.signal.addEventListener("abort", () => reject(request.signal.reason))),
    );
    const response = await proxy("v2/organizations");
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: "ninjaone_unreachable" });
    expect(seen).toHaveLength(1);
    expect(timeout).toHaveBeenCalledWith(PROXY_TIMEOUT_MS);
    expect(PROXY_TIMEOUT_MS).toBe(30_000);
  });
});

describe("proxy: bodies", () => {
  it("takes a body of exactly 1 MiB", async () => {
    await connectTenant(stand.local, "acme");
    const body = organizationOfSize(MAX_PROXY_BODY_BYTES);
    expect(new TextEncoder().encode(body).byteLength).toBe(1024 * 1024);
    const response = await proxy("v2/organizations", { method: "POST", headers: { "Content-Type": "application/json" }, body });
    expect(response.status).toBe(200);
    expect(stand.local.lastApiRequest()!.body).toBe(body);
  });

  it("streams a body without Content-Length through", async () => {
    await connectTenant(stand.local, "acme");
    const body = organizationOfSize(300_000);
    const response = await proxy("v2/organizations", { method: "POST", headers: { "Content-Type": "application/json" }, body: new Blob([body]).stream() });
    expect(response.status).toBe(200);
    expect(stand.local.lastApiRequest()!.body).toBe(body);
  });

  it("answers 413 payload_too_large for a Content-Length over 1 MiB, without reaching NinjaOne", async () => {
    await connectTenant(stand.local, "acme");
    const since = mark();
    const body = organizationOfSize(MAX_PROXY_BODY_BYTES + 1);
    const response = await proxy("v2/organizations", { method: "POST", headers: { "Content-Type": "application/json" }, body });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: "payload_too_large" });
    expect(since().apiRequests).toBe(0);
  });

  it("answers 413 payload_too_large for a stream that turns out longer than 1 MiB", async () => {
    await connectTenant(stand.local, "acme");
    const response = await proxy("v2/organizations", { method: "POST", headers: { "Content-Type": "application/json" }, body: streamOf(MAX_PROXY_BODY_BYTES + 1) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: "payload_too_large" });
    expect(stand.local.lastApiRequest()?.body ?? "").not.toHaveLength(MAX_PROXY_BODY_BYTES + 1);
  });

  it("answers 413 payload_too_large when the upload to NinjaOne breaks off at the limit", async () => {
    await connectTenant(stand.local, "acme");
    // A real connection fails the fetch itself when the body stream errors.
    answerApiCalls(async (request) => {
      await request.arrayBuffer();
      return new Response(null, { status: 204 });
    });
    const response = await proxy("v2/organizations", { method: "PUT", body: streamOf(MAX_PROXY_BODY_BYTES + 1) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: "payload_too_large" });
  });
});

describe("proxy: path attacks", () => {
  // What reaches the worker as written: a Request keeps these in its URL.
  const refusedOnTheWire = [
    "ws/oauth/token",
    "v1/organizations",
    "v20/organizations",
    "api/v3/organizations",
    "V2/organizations",
    "v2",
    "v2/",
    "api/v2",
    "api/organizations",
    "v2/../ws/oauth/token", // the URL parser leaves proxy/ws/oauth/token: outside v2/
    "v2/organizations%2f..%2f..%2fws/oauth/token",
    "v2/organizations%2F..%2F..%2Fws",
    "v2/organizations%5c..%5c..%5cws",
    "v2/organizations%5C..",
    "v2//organizations",
    "v2/organizations//",
    "v2/organizations/",
    "//evil.example/v2/organizations",
    "https://evil.example/v2/organizations",
    "https:%2f%2fevil.example/v2/organizations",
    "v2/https://evil.example/",
    "v2/organizations%00",
    "v2/organizations%0d%0aX-Injected:%201",
    "v2/organizations%7F",
    "v2/organizations%1b",
  ];

  it.each(refusedOnTheWire)("refuses %s with 400 and never reaches NinjaOne", async (path) => {
    await connectTenant(stand.local, "acme");
    const since = mark();
    const response = await proxy(path);
    expect(response.status, path).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_request" });
    expect(since().apiRequests).toBe(0);
    expect(since("other").apiRequests).toBe(0);
  });

  it("refuses a path that only reaches the proxy once decoded (/prox%79/…)", async () => {
    await connectTenant(stand.local, "acme");
    const since = mark();
    const token = await mintToken({ tenant: "acme", aud: "ninjaone-api" });
    const response = await exports.default.fetch(
      new Request(`${BASE}/prox%79/v2/organizations`, { headers: { Authorization: `Bearer ${token}` } }),
    );
    expect(response.status).toBe(400);
    expect(since().apiRequests).toBe(0);
  });

  // A URL parser (the test's Request, and perhaps one in front of the worker) removes or rewrites
  // these before a route sees them; a raw request line may still carry them, so the checks are tested directly.
  const url = (path: string) => `${PROXY}/${path}`;
  it.each([
    "v2/./organizations",
    "v2/../ws/oauth/token",
    "v2/organizations/..",
    "api/v2/../../ws/oauth/token",
    "v2/%2e%2e/ws",
    "v2/%2E%2E/ws",
    "v2/.%2e/ws",
    "v2/%2E./ws",
    "v2/%2e/organizations",
    "v2\\..\\ws",
    "v2/organizations\\..",
    "v2/organizations\tx",
    "v2/organizations\r\nX: 1",
    "v2/organizations\u0000",
    "v2/organizations\u007f",
    "v2/organizations x",
    "v2/organizations%zz",
  ])("refuses the raw path %j", (path) => {
    expect(() => proxyTarget(url(path))).toThrow(expect.objectContaining({ code: "invalid_request" }));
  });

  it("refuses a raw path that is not under /proxy/ as written", () => {
    for (const raw of [`${BASE}/prox%79/v2/organizations`, `${BASE}/other/v2/organizations`, "https://worker.example/api/integrations/ninjaone/v2/organizations"]) {
      expect(() => proxyTarget(raw), raw).toThrow(expect.objectContaining({ code: "invalid_request" }));
    }
  });

  it("keeps the raw path and query of an accepted URL", () => {
    expect(proxyTarget(url("v2/organizations?pageSize=1&x=%2e%2e"))).toBe("/v2/organizations?pageSize=1&x=%2e%2e");
    expect(proxyTarget(url("api/v2/device/1/custom-fields"))).toBe("/api/v2/device/1/custom-fields");
    expect(proxyTarget(url("v2/a%20b:c@d"))).toBe("/v2/a%20b:c@d");
  });
});

describe("proxy: who may call it", () => {
  it("answers 401 without a token or with a widget token, and never reaches NinjaOne", async () => {
    await connectTenant(stand.local, "acme");
    const since = mark();
    const missing = await proxy("v2/organizations", { token: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("WWW-Authenticate")).toContain('error="invalid_token"');
    const widget = await proxy("v2/organizations", { token: await mintToken({ tenant: "acme" }) });
    expect(widget.status).toBe(401);
    expect(widget.headers.get("WWW-Authenticate")).toContain('error_description="wrong_audience"');
    expect(await widget.json()).toMatchObject({ error: "unauthorized" });
    expect(since().apiRequests).toBe(0);
  });

  it("answers 409 not_connected for a tenant that never connected (with or without credentials)", async () => {
    await connectTenant(stand.local, "acme");
    const since = mark();
    await saveStandInCredentials("saved-only");
    for (const tenant of ["stranger", "saved-only"]) {
      const response = await proxy("v2/organizations", { tenant });
      expect(response.status, tenant).toBe(409);
      expect(await response.json()).toMatchObject({ error: "not_connected" });
    }
    expect(since().apiRequests).toBe(0);
  });

  it("keeps tenants apart: each api token uses its own tenant's NinjaOne token and region", async () => {
    await connectTenant(stand.local, "tenant-a");
    await saveStandInCredentials("tenant-b", { region: "other" });
    const flow = await authorize(stand.other, "approve", { tenant: "tenant-b", mode: "redirect" });
    await callback(flow.callbackUrl, flow.cookie);
    const tokenA = await accessTokenOf("tenant-a");
    const tokenB = await accessTokenOf("tenant-b");
    expect(tokenB).not.toBe(tokenA);
    const since = mark();

    const b = await proxy("v2/organizations", { tenant: "tenant-b" });
    expect(b.status).toBe(200);
    expect(since().apiRequests).toBe(0);
    expect(stand.other.lastApiRequest()!.headers.authorization).toBe(`Bearer ${tokenB}`);

    const a = await proxy("v2/organizations", { tenant: "tenant-a" });
    expect(a.status).toBe(200);
    expect(since("other").apiRequests).toBe(1);
    expect(stand.local.lastApiRequest()!.headers.authorization).toBe(`Bearer ${tokenA}`);

    // Same region, same client app: still each tenant's own grant.
    await connectTenant(stand.local, "tenant-c");
    const tokenC = await accessTokenOf("tenant-c");
    expect(tokenC).not.toBe(tokenA);
    expect((await proxy("v2/organizations", { tenant: "tenant-c" })).status).toBe(200);
    expect(stand.local.lastApiRequest()!.headers.authorization).toBe(`Bearer ${tokenC}`);

    // Tenant B's 401 refreshes B's grant only.
    await revokeAccessToken(stand.other, tokenB);
    expect((await proxy("v2/organizations", { tenant: "tenant-b" })).status).toBe(200);
    expect(await accessTokenOf("tenant-a")).toBe(tokenA);
    expect(since().refreshGrants).toBe(0);
    expect(since("other").refreshGrants).toBe(1);
  });
});

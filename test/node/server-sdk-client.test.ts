// NinjaOneSettingsClient against a real local HTTP server playing the worker's routes: the exact
// requests it sends, and what it makes of the answers.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verify } from "hono/jwt";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import {
  NinjaOneConnectionError,
  NinjaOneSettingsClient,
  NinjaOneSettingsError,
  NinjaOneUnavailableError,
  type AccessTokenResponse,
  type EventsPage,
  type Status,
} from "../../server/index";

const SECRET = "tenant-token-secret-of-at-least-32-bytes";
const API = "/api/integrations/ninjaone";

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
interface Answer {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}
const json = (value: unknown, status = 200, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(value),
});

/** A stand-in worker: records every request, and answers with whatever the test put in `answer`. */
function startServer() {
  const received: Received[] = [];
  let answer: (request: Received) => Answer = () => json({});
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      received.push(request);
      const { status = 200, headers = {}, body = "" } = answer(request);
      res.writeHead(status, headers).end(body);
    });
  });
  return {
    server,
    received,
    answerWith(handler: (request: Received) => Answer) {
      answer = handler;
    },
    listen: () => new Promise<string>((resolve) => server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
  };
}
const close = (server: Server) => new Promise((resolve) => server.close(resolve));

const worker = startServer();
let workerUrl: string;
let client: NinjaOneSettingsClient;
beforeAll(async () => {
  workerUrl = await worker.listen();
});
afterAll(() => close(worker.server));
beforeEach(() => {
  worker.received.length = 0;
  worker.answerWith(() => json({}));
  client = new NinjaOneSettingsClient({ workerUrl, tenantTokenSecret: SECRET });
});

/** The only request the worker received since the test began. */
const onlyRequest = () => {
  expect(worker.received).toHaveLength(1);
  return worker.received[0]!;
};

/** The Bearer token of a request, verified the way the worker verifies an api token. */
async function apiTokenClaims(request: Received) {
  const match = /^Bearer (\S+)$/.exec(request.headers.authorization ?? "");
  expect(match, "Authorization: Bearer <token>").not.toBeNull();
  return verify(match![1]!, SECRET, { alg: "HS256", aud: "ninjaone-api" });
}
const rawToken = (request: Received) => request.headers.authorization!.slice("Bearer ".length);

/** What a call threw, so a test can look at every property of it. */
const thrown = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.fail("expected the call to throw"),
    (error: unknown) => error as NinjaOneSettingsError,
  );

const status: Status = {
  redirectUri: "https://worker.example.com/api/integrations/ninjaone/callback",
  regions: [{ id: "eu", label: "EU (eu.ninjarmm.com)", baseUrl: "https://eu.ninjarmm.com" }],
  credentials: { region: "eu", clientId: "client-1", secretLast4: "abcd", updatedAt: "2026-07-01T10:00:00.000Z" },
  connection: { status: "connected", connectedAt: "2026-07-01T10:01:00.000Z", scopes: ["monitoring"] },
};

describe("the JSON routes", () => {
  it("status: GET /status with a fresh ninjaone-api token for that tenant", async () => {
    worker.answerWith(() => json(status));
    await expect(client.status("acme")).resolves.toEqual(status);
    const request = onlyRequest();
    expect(request).toMatchObject({ method: "GET", url: `${API}/status`, body: "" });
    const claims = await apiTokenClaims(request);
    expect(claims).toEqual({ tenant: "acme", aud: "ninjaone-api", iat: expect.any(Number), exp: expect.any(Number) });
    expect(claims.exp! - claims.iat!).toBe(60);
  });

  it("check: POST /check with no body", async () => {
    worker.answerWith(() => json(status));
    await expect(client.check("acme")).resolves.toEqual(status);
    const request = onlyRequest();
    expect(request).toMatchObject({ method: "POST", url: `${API}/check`, body: "" });
    expect(await apiTokenClaims(request)).toMatchObject({ tenant: "acme" });
  });

  it("accessToken: POST /token with no body, or with {rejectedAccessToken} as JSON", async () => {
    const answer: AccessTokenResponse = {
      accessToken: "ninja-access-token",
      tokenType: "Bearer",
      expiresAt: "2026-07-01T13:00:00.000Z",
      region: "eu",
      apiBaseUrl: "https://eu.ninjarmm.com",
    };
    worker.answerWith(() => json(answer));
    await expect(client.accessToken("acme")).resolves.toEqual(answer);
    await expect(client.accessToken("acme", { rejectedAccessToken: "old-access-token" })).resolves.toEqual(answer);
    const [plain, rejected] = worker.received;
    expect(plain).toMatchObject({ method: "POST", url: `${API}/token`, body: "" });
    expect(plain!.headers["content-type"]).toBeUndefined();
    expect(rejected).toMatchObject({ method: "POST", url: `${API}/token`, body: '{"rejectedAccessToken":"old-access-token"}' });
    expect(rejected!.headers["content-type"]).toBe("application/json");
    expect(await apiTokenClaims(rejected!)).toMatchObject({ tenant: "acme" });
  });

  it("events: GET /events, with limit and cursor only when given", async () => {
    const page: EventsPage = {
      events: [{ id: "evt_1", type: "connection.connected", tenant: "acme", occurredAt: "2026-07-01T10:01:00.000Z", data: {} }],
      nextCursor: "c/2",
    };
    worker.answerWith(() => json(page));
    await expect(client.events("acme")).resolves.toEqual(page);
    await client.events("acme", { limit: 50, cursor: "c/2 &x" });
    await client.events("acme", { limit: 10 });
    expect(worker.received.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET ${API}/events`,
      `GET ${API}/events?limit=50&cursor=c%2F2+%26x`,
      `GET ${API}/events?limit=10`,
    ]);
  });

  it("mints a new token per call, for the tenant of that call", async () => {
    await client.status("acme");
    await client.status("globex.eu");
    const [first, second] = worker.received;
    expect(await apiTokenClaims(first!)).toMatchObject({ tenant: "acme" });
    expect(await apiTokenClaims(second!)).toMatchObject({ tenant: "globex.eu" });
  });

  it("uses tokenTtlSeconds for the tokens' lifetime", async () => {
    await new NinjaOneSettingsClient({ workerUrl, tenantTokenSecret: SECRET, tokenTtlSeconds: 900 }).status("acme");
    const claims = await apiTokenClaims(onlyRequest());
    expect(claims.exp! - claims.iat!).toBe(900);
  });

  it("keeps a path prefix of workerUrl, with or without a trailing slash", async () => {
    await new NinjaOneSettingsClient({ workerUrl: `${workerUrl}/ninja/`, tenantTokenSecret: SECRET }).status("acme");
    await new NinjaOneSettingsClient({ workerUrl: new URL(`${workerUrl}/ninja`), tenantTokenSecret: SECRET }).status("acme");
    expect(worker.received.map((request) => request.url)).toEqual([`/ninja${API}/status`, `/ninja${API}/status`]);
  });

  it("sends through an injected fetch, and looks up globalThis.fetch at each call by default", async () => {
    const calls: string[] = [];
    const injected = new NinjaOneSettingsClient({
      workerUrl,
      tenantTokenSecret: SECRET,
      fetch: (url, init) => {
        calls.push(`${init.method} ${url}`);
        return fetch(url, init);
      },
    });
    await injected.check("acme");
    expect(calls).toEqual([`POST ${workerUrl}${API}/check`]);

    const stubbed = vi.fn(async () => Response.json(status));
    vi.stubGlobal("fetch", stubbed);
    try {
      await expect(client.status("acme")).resolves.toEqual(status);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(stubbed).toHaveBeenCalledOnce();
    expect(worker.received).toHaveLength(1); // only the injected client's call reached the server
  });
});

describe("errors", () => {
  it.each(["not_connected", "reconnect_required", "credentials_rejected"] as const)("a 409 %s is a NinjaOneConnectionError", async (code) => {
    worker.answerWith(() => json({ error: code, message: "Reconnect NinjaOne in the settings." }, 409));
    const error = await thrown(client.accessToken("acme"));
    expect(error).toBeInstanceOf(NinjaOneConnectionError);
    expect(error).toBeInstanceOf(NinjaOneSettingsError);
    expect(error).toMatchObject({ name: "NinjaOneConnectionError", status: 409, code, message: "Reconnect NinjaOne in the settings." });
  });

  it("a 409 with some other code stays a plain NinjaOneSettingsError", async () => {
    worker.answerWith(() => json({ error: "conflict", message: "Something else." }, 409));
    const error = await thrown(client.status("acme"));
    expect(error).not.toBeInstanceOf(NinjaOneConnectionError);
    expect(error).toMatchObject({ status: 409, code: "conflict" });
  });

  it("a 503 is a NinjaOneUnavailableError, with Retry-After in seconds when sent", async () => {
    worker.answerWith(() => json({ error: "ninjaone_unreachable", message: "NinjaOne could not be reached; try again shortly." }, 503, { "Retry-After": "30" }));
    const error = await thrown(client.accessToken("acme"));
    expect(error).toBeInstanceOf(NinjaOneUnavailableError);
    expect(error).toBeInstanceOf(NinjaOneSettingsError);
    expect(error).toMatchObject({ name: "NinjaOneUnavailableError", status: 503, code: "ninjaone_unreachable", retryAfterSeconds: 30 });

    worker.answerWith(() => json({ error: "misconfigured", message: "The integration is not configured correctly." }, 503));
    expect(await thrown(client.status("acme"))).toMatchObject({ code: "misconfigured", retryAfterSeconds: undefined });

    const inTwoMinutes = new Date(Date.now() + 120_000).toUTCString();
    worker.answerWith(() => json({ error: "storage_unavailable", message: "Storage is unavailable." }, 503, { "Retry-After": inTwoMinutes }));
    const dated = (await thrown(client.status("acme"))) as NinjaOneUnavailableError;
    expect(dated.retryAfterSeconds).toBeGreaterThanOrEqual(118);
    expect(dated.retryAfterSeconds).toBeLessThanOrEqual(120);
  });

  it("any other status is a NinjaOneSettingsError with the body's code, message and fields", async () => {
    worker.answerWith(() => json({ error: "invalid_request", message: "The request is not valid.", fields: { limit: "at most 200" } }, 400));
    const error = await thrown(client.events("acme", { limit: 500 }));
    expect(error.constructor).toBe(NinjaOneSettingsError);
    expect(error).toMatchObject({ name: "NinjaOneSettingsError", status: 400, code: "invalid_request", message: "The request is not valid.", fields: { limit: "at most 200" } });

    // fields that are not all strings are dropped, not trusted.
    worker.answerWith(() => json({ error: "invalid_request", message: "The request is not valid.", fields: { limit: 500 } }, 400));
    expect(await thrown(client.events("acme"))).toMatchObject({ code: "invalid_request", fields: undefined });

    worker.answerWith(() => json({ error: "unauthorized", message: "A valid tenant token is required." }, 401));
    expect(await thrown(client.status("acme"))).toMatchObject({ status: 401, code: "unauthorized", fields: undefined });
  });

  it("an answer that is not the worker's JSON is unexpected_response, and its text is not copied", async () => {
    worker.answerWith(() => ({ status: 502, headers: { "Content-Type": "text/html" }, body: "<h1>Bad gateway at the edge</h1>" }));
    const error = await thrown(client.status("acme"));
    expect(error).toMatchObject({ status: 502, code: "unexpected_response", message: "The worker answered HTTP 502 without a JSON error body." });

    // JSON, but not the worker's error shape.
    for (const notAnError of [null, "oops", { error: "internal" }, { message: "no code" }]) {
      worker.answerWith(() => json(notAnError, 500));
      expect(await thrown(client.status("acme")), JSON.stringify(notAnError)).toMatchObject({ status: 500, code: "unexpected_response" });
    }

    worker.answerWith(() => ({ status: 503, body: "down" }));
    expect(await thrown(client.status("acme"))).toBeInstanceOf(NinjaOneUnavailableError);

    worker.answerWith(() => ({ status: 200, body: "<html>not json</html>" }));
    const notJson = await thrown(client.status("acme"));
    expect(notJson).toMatchObject({ status: 200, code: "unexpected_response" });
    expect(notJson.message).not.toContain("html");
    expect(notJson.cause).toBeUndefined();
  });

  it("does not follow redirects: the token stays with the worker", async () => {
    const elsewhere = startServer();
    const elsewhereUrl = await elsewhere.listen();
    try {
      elsewhere.answerWith(() => json(status));
      worker.answerWith(() => ({ status: 302, headers: { Location: `${elsewhereUrl}/steal` } }));
      expect(await thrown(client.status("acme"))).toMatchObject({ status: 302, code: "unexpected_response" });
      const proxied = await client.fetch("acme", "v2/organizations");
      expect(proxied.status).toBe(302);
      expect(elsewhere.received).toHaveLength(0);
    } finally {
      await close(elsewhere.server);
    }
  });

  it("cuts the tokens it sent out of an error text that echoes them", async () => {
    worker.answerWith((request) =>
      json({ error: "invalid_request", message: `bad ${request.headers.authorization} for ${request.body}`, fields: { auth: `${request.headers.authorization}` } }, 400),
    );
    const error = await thrown(client.accessToken("acme", { rejectedAccessToken: "old-access-token" }));
    const token = rawToken(worker.received[0]!);
    expect(error.message).toBe('bad Bearer [redacted] for {"rejectedAccessToken":"[redacted]"}');
    expect(JSON.stringify(error.fields)).not.toContain(token);

    worker.answerWith((request) => json({ error: "not_connected", message: `no ${request.headers.authorization}` }, 409));
    expect((await thrown(client.fetch("acme", "v2/devices"))).message).toBe("no Bearer [redacted]");
  });

  it("a worker that can't be reached is network_error, with the cause kept and no token in the message", async () => {
    const gone = startServer();
    const goneUrl = await gone.listen();
    await close(gone.server);
    const error = await thrown(new NinjaOneSettingsClient({ workerUrl: goneUrl, tenantTokenSecret: SECRET }).status("acme"));
    expect(error).toBeInstanceOf(NinjaOneSettingsError);
    expect(error).toMatchObject({ code: "network_error", status: undefined, message: `Could not reach the worker at ${goneUrl}.` });
    expect(error.cause).toBeInstanceOf(TypeError); // undici's "fetch failed", itself caused by ECONNREFUSED
    expect(error.message).not.toMatch(/eyJ/);
  });
});

describe("fetch (the proxy)", () => {
  it("sends to /proxy/<path> with the query, method, body and headers, and its own Authorization only", async () => {
    worker.answerWith(() => json({ id: 7 }, 201, { "X-Ninja": "yes" }));
    const response = await client.fetch("acme", "v2/organizations?pageSize=10", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Request-Id": "r-1", Authorization: "Bearer caller-own-token" },
      body: JSON.stringify({ name: "Acme" }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("X-Ninja")).toBe("yes");
    await expect(response.json()).resolves.toEqual({ id: 7 });
    const request = onlyRequest();
    expect(request).toMatchObject({ method: "POST", url: `${API}/proxy/v2/organizations?pageSize=10`, body: '{"name":"Acme"}' });
    expect(request.headers).toMatchObject({ "content-type": "application/json", "x-request-id": "r-1" });
    expect(request.headers.authorization).not.toContain("caller-own-token");
    expect(await apiTokenClaims(request)).toMatchObject({ tenant: "acme", aud: "ninjaone-api" });
  });

  it("takes paths with a leading slash, and api/v2/ paths; GET by default", async () => {
    await client.fetch("acme", "/v2/devices");
    await client.fetch("acme", "api/v2/devices/5/activities");
    await client.fetch("acme", "v2/devices", { headers: new Headers({ authorization: "Basic eDp5" }) });
    expect(worker.received.map((request) => `${request.method} ${request.url}`)).toEqual([
      `GET ${API}/proxy/v2/devices`,
      `GET ${API}/proxy/api/v2/devices/5/activities`,
      `GET ${API}/proxy/v2/devices`,
    ]);
    expect(worker.received[2]!.headers.authorization).toMatch(/^Bearer eyJ/);
  });

  it.each([
    ["a path outside v2", "v3/organizations"],
    ["a bare v2", "v2"],
    ["an absolute URL", "https://evil.example/v2/organizations"],
    ["a protocol-relative URL", "//evil.example/v2/x"],
    ["a .. segment", "v2/../token"],
    ["a .. segment at the end", "v2/organizations/.."],
    ["a . segment", "v2/./organizations"],
    ["a percent-encoded .. segment", "v2/%2E%2e/token"],
    ["a half-encoded .. segment", "v2/.%2e/token"],
    ["a backslash", "v2\\..\\token"],
    ["a tab inside ..", "v2/.\t./token"],
    ["a newline", "v2/\n../token"],
  ])("refuses %s with a TypeError before sending anything", async (_, path) => {
    await expect(client.fetch("acme", path)).rejects.toThrow(new TypeError("path must be a NinjaOne API path under v2/ or api/v2/ (no . or .. segments), e.g. v2/organizations"));
    expect(worker.received).toHaveLength(0);
  });

  it("hands back NinjaOne's own answers, whatever their status", async () => {
    worker.answerWith(() => json({ error: "Not found" }, 404));
    expect((await client.fetch("acme", "v2/devices/404")).status).toBe(404);

    worker.answerWith(() => json({ error: "rate limited" }, 429, { "Retry-After": "7" }));
    const limited = await client.fetch("acme", "v2/devices");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toBe("7");

    // NinjaOne's own 409 and 503 carry no code of the worker's: they pass through too, body intact.
    worker.answerWith(() => json({ error: "conflict", message: "Organization exists" }, 409));
    const conflict = await client.fetch("acme", "v2/organizations", { method: "POST", body: "{}" });
    expect(conflict.status).toBe(409);
    await expect(conflict.json()).resolves.toEqual({ error: "conflict", message: "Organization exists" });

    worker.answerWith(() => ({ status: 503, body: "maintenance" }));
    const maintenance = await client.fetch("acme", "v2/devices");
    expect(maintenance.status).toBe(503);
    await expect(maintenance.text()).resolves.toBe("maintenance");

    worker.answerWith(() => json({ error: "unauthorized", message: "NinjaOne says no" }, 503));
    expect((await client.fetch("acme", "v2/devices")).status).toBe(503);
  });

  it("throws the worker's own 409 and 503 connection errors", async () => {
    worker.answerWith(() => json({ error: "reconnect_required", message: "Reconnect." }, 409));
    expect(await thrown(client.fetch("acme", "v2/devices"))).toMatchObject({ name: "NinjaOneConnectionError", code: "reconnect_required", status: 409 });

    worker.answerWith(() => json({ error: "ninjaone_unreachable", message: "Try again shortly." }, 503, { "Retry-After": "5" }));
    const unavailable = await thrown(client.fetch("acme", "v2/devices"));
    expect(unavailable).toBeInstanceOf(NinjaOneUnavailableError);
    expect(unavailable).toMatchObject({ code: "ninjaone_unreachable", retryAfterSeconds: 5 });
  });

  it("lets the caller's own abort through as an AbortError, not a network_error", async () => {
    worker.answerWith(() => json({}));
    const controller = new AbortController();
    controller.abort();
    const error = await thrown(client.fetch("acme", "v2/devices", { signal: controller.signal }));
    expect(error).not.toBeInstanceOf(NinjaOneSettingsError);
    expect((error as Error).name).toBe("AbortError");
  });
});

describe("input checks", () => {
  it.each([
    ["a relative workerUrl", { workerUrl: "/ninja" }, /workerUrl must be an absolute http\(s\) URL/],
    ["a workerUrl that is not http", { workerUrl: "ftp://worker.example.com" }, /workerUrl/],
    ["a workerUrl with a query", { workerUrl: "https://worker.example.com/?x=1" }, /workerUrl/],
    ["a workerUrl with a fragment", { workerUrl: "https://worker.example.com/#x" }, /workerUrl/],
    ["a short secret", { tenantTokenSecret: "short" }, /tenantTokenSecret must be a string of at least 32 bytes/],
    ["a ttl over an hour", { tokenTtlSeconds: 3601 }, /tokenTtlSeconds must be a whole number from 1 to 3600/],
    ["a ttl of 0", { tokenTtlSeconds: 0 }, /tokenTtlSeconds/],
  ])("the constructor refuses %s with a TypeError", (_, override, message) => {
    expect(() => new NinjaOneSettingsClient({ workerUrl: "https://worker.example.com", tenantTokenSecret: SECRET, ...override })).toThrow(message);
    expect(() => new NinjaOneSettingsClient({ workerUrl: "https://worker.example.com", tenantTokenSecret: SECRET, ...override })).toThrow(TypeError);
  });

  it("the constructor asks for the fetch option where there is no global fetch", () => {
    vi.stubGlobal("fetch", undefined);
    try {
      expect(() => new NinjaOneSettingsClient({ workerUrl, tenantTokenSecret: SECRET })).toThrow(/pass the fetch option/);
      expect(() => new NinjaOneSettingsClient({ workerUrl, tenantTokenSecret: SECRET, fetch: async () => new Response() })).not.toThrow();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("a tenant id the worker would refuse is a TypeError, and nothing is sent", async () => {
    for (const call of [() => client.status("acme/../other"), () => client.accessToken(""), () => client.fetch("a".repeat(65), "v2/devices")]) {
      await expect(call()).rejects.toThrow(new TypeError("tenant must be 1–64 characters of A-Z a-z 0-9 . _ -"));
    }
    expect(worker.received).toHaveLength(0);
  });
});

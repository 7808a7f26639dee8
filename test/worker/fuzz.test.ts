import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { BASE, HOST_ORIGIN, kvSnapshot, mintToken, putCredentials } from "./helpers";
import { REDIRECT_URI } from "./oauth-helpers";

/**
 * Property-based robustness: whatever arrives, the answer is a 4xx with a code
 * (or a page, for browser routes), never a 5xx, and KV is left as it was.
 */

const RUNS = 60;
const TIMEOUT = 60_000;

// Values that tend to break parsers: odd Unicode (lone surrogates included), control characters, huge strings.
const nastyString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 80 }),
  fc.constantFrom("", " ", "\u0000", "\u202e", "\ud800", "%00", "../../", "<script>", "null", "eu\n", "e\u0301u"),
  fc.string({ minLength: 200, maxLength: 5000 }),
);
const anyValue = fc.oneof(nastyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(nastyString, { maxLength: 3 }), fc.dictionary(nastyString, nastyString, { maxKeys: 3 }));
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "",
  "application/jsonx",
);

let widgetToken: string;
let snapshot: Record<string, string>;
beforeAll(async () => {
  widgetToken = await mintToken({ tenant: "fuzzed" });
  // Something to protect: saved credentials of the fuzzed tenant and a neighbour.
  await putCredentials({ region: "eu", clientId: "fuzzed-client", clientSecret: "fuzzed-secret-value-1" }, { tenant: "fuzzed" });
  await putCredentials({ region: "us", clientId: "neighbour-client", clientSecret: "neighbour-secret-2" }, { tenant: "neighbour" });
  snapshot = await kvSnapshot();
});
afterEach(() => vi.restoreAllMocks());

/** What /connect accepts: each of its three fields once, nothing else, a real token, an allowed return URL. */
function isValidConnectForm(params: URLSearchParams, type: string | null): boolean {
  const fields = ["token", "return_to", "mode"];
  const one = (name: string) => params.getAll(name).length === 1;
  return (
    /^application\/x-www-form-urlencoded/.test(type ?? "") &&
    [...new Set(params.keys())].length === fields.length &&
    fields.every(one) &&
    params.get("token") === widgetToken &&
    ["popup", "redirect"].includes(params.get("mode")!) &&
    params.get("return_to")!.startsWith(`${HOST_ORIGIN}/`)
  );
}

function fetchWorker(path: string, init: RequestInit) {
  return exports.default.fetch(new Request(`${BASE}${path}`, { redirect: "manual", ...init }));
}

async function expectRejectedWithoutChange(response: Response, kind: "json" | "page") {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  expect(response.headers.get("Location")).toBeNull();
  if (kind === "json") {
    const body = (await response.json()) as { error: string; message: string };
    expect(body.error).toMatch(/^[a-z_]+$/);
    expect(typeof body.message).toBe("string");
  } else {
    await response.body?.cancel();
  }
  expect(await kvSnapshot()).toEqual(snapshot);
}

describe("PUT /credentials under random input", () => {
  it("answers malformed JSON bodies, wrong types and odd Unicode with a 4xx code and writes nothing", async () => {
    const body = fc.oneof(
      // near-miss objects: right keys, wrong values, extra keys
      fc.record(
        { region: fc.oneof(anyValue, fc.constantFrom("eu", "us", "mars")), clientId: anyValue, clientSecret: anyValue, extra: anyValue },
        { requiredKeys: [] },
      ).map((value) => JSON.stringify(value)),
      fc.json({ maxDepth: 3 }),
      nastyString,
      fc.uint8Array({ maxLength: 200 }).map((bytes) => new TextDecoder().decode(bytes)),
    );
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom("application/json", "application/json; charset=utf-8"), async (text, type) => {
        const response = await fetchWorker("/credentials", {
          method: "PUT",
          headers: { Authorization: `Bearer ${widgetToken}`, "Content-Type": type },
          body: text,
        });
        // A random body can be valid by chance: then it must save, not fail.
        if (response.status === 200) {
          await response.body?.cancel();
          snapshot = await kvSnapshot();
          return;
        }
        await expectRejectedWithoutChange(response, "json");
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it("answers wrong content types and oversized bodies with a 4xx code", async () => {
    await fc.assert(
      fc.asyncProperty(contentType, fc.integer({ min: 0, max: 40_000 }), async (type, size) => {
        const body = JSON.stringify({ region: "eu", clientId: "x".repeat(size), clientSecret: "y" });
        const response = await fetchWorker("/credentials", {
          method: "PUT",
          headers: { Authorization: `Bearer ${widgetToken}`, ...(type ? { "Content-Type": type } : {}) },
          body,
        });
        if (response.status === 200) {
          await response.body?.cancel();
          snapshot = await kvSnapshot();
          return;
        }
        await expectRejectedWithoutChange(response, "json");
      }),
      { numRuns: 60 },
    );
  }, TIMEOUT);
});

describe("POST /connect under random input", () => {
  it("answers random and duplicated form fields with a 4xx page and records no flow", async () => {
    const field = fc.tuple(fc.constantFrom("token", "return_to", "mode", "tenant", "state", "", "token[]"), fc.oneof(nastyString, fc.constantFrom("popup", "redirect", `${HOST_ORIGIN}/x`, "//evil.example")));
    await fc.assert(
      fc.asyncProperty(fc.array(field, { maxLength: 6 }), fc.boolean(), contentType, async (fields, withRealToken, type) => {
        const params = new URLSearchParams(fields);
        if (withRealToken) params.append("token", widgetToken);
        // A form that happens to be valid rightly starts a flow: that is not what this property is about.
        fc.pre(!isValidConnectForm(params, type));
        const response = await fetchWorker("/connect", {
          method: "POST",
          headers: { Origin: HOST_ORIGIN, ...(type ? { "Content-Type": type } : {}) },
          body: params.toString(),
        });
        await expectRejectedWithoutChange(response, "page");
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});

describe("GET /callback under random input", () => {
  it("answers random queries and cookies with a 4xx page, never a redirect", async () => {
    const pair = fc.tuple(fc.constantFrom("state", "code", "error", "error_description", "iss", "x"), nastyString);
    await fc.assert(
      fc.asyncProperty(fc.array(pair, { maxLength: 6 }), fc.option(nastyString), async (pairs, cookie) => {
        const query = new URLSearchParams(pairs).toString();
        const response = await exports.default.fetch(
          new Request(`${REDIRECT_URI}?${query}`, { redirect: "manual", headers: cookie ? { Cookie: `__Host-ninjaone-flow-x=${encodeURIComponent(cookie.toWellFormed())}` } : {} }),
        );
        await expectRejectedWithoutChange(response, "page");
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});

describe("token-only routes under random input", () => {
  it("answer random Authorization headers with 401 and change nothing", async () => {
    const header = fc.oneof(nastyString.filter((s) => /^[\x20-\x7e]*$/.test(s)), nastyString.map((s) => `Bearer ${encodeURIComponent(s.toWellFormed())}`), fc.constantFrom("Bearer", "Bearer a.b.c", "bearer " + "x".repeat(9000)));
    await fc.assert(
      fc.asyncProperty(header, fc.constantFrom(["GET", "/status"], ["POST", "/check"], ["POST", "/disconnect"], ["POST", "/token"], ["PUT", "/credentials"], ["GET", "/events"], ["GET", "/proxy/v2/organizations"]), async (authorization, [method, path]) => {
        const response = await fetchWorker(path!, { method, headers: { Authorization: authorization } });
        expect(response.status).toBe(401);
        await expectRejectedWithoutChange(response, "json");
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});

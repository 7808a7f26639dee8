import { createExecutionContext, env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import worker, { TenantVault } from "../../worker/index";
import type { Env } from "../../worker/env";
import { BASE, HOST_ORIGIN, mintToken } from "./helpers";

/** Calls the worker with a changed environment (the app itself, in this isolate). */
async function callWith(overrides: Partial<Record<keyof Env, string | undefined>>, path: string, init: RequestInit = {}) {
  const changed = { ...env, ...overrides } as unknown as Env;
  return worker.fetch(new Request(BASE + path, init), changed, createExecutionContext());
}

const ROUTES: Array<[string, string]> = [
  ["GET", "/status"],
  ["PUT", "/credentials"],
  ["POST", "/disconnect"],
  ["POST", "/token"],
  ["POST", "/connect"],
  ["GET", "/callback?state=x&code=y"],
];

describe("configuration", () => {
  const broken: Array<[string, Partial<Record<keyof Env, string | undefined>>, RegExp]> = [
    ["no token secret", { TENANT_TOKEN_SECRET: undefined }, /TENANT_TOKEN_SECRET/],
    ["a short token secret", { TENANT_TOKEN_SECRET: "short" }, /TENANT_TOKEN_SECRET/],
    ["no encryption keys", { ENCRYPTION_KEYS: undefined }, /ENCRYPTION_KEYS/],
    ["keys that are not JSON", { ENCRYPTION_KEYS: "k1=abc" }, /ENCRYPTION_KEYS/],
    ["a key of the wrong size", { ENCRYPTION_KEYS: JSON.stringify({ k1: btoa("too short") }) }, /ENCRYPTION_KEYS\["k1"\]/],
    ["no current key id", { ENCRYPTION_KEY_ID: undefined }, /ENCRYPTION_KEY_ID/],
    ["a current key id without a key", { ENCRYPTION_KEY_ID: "k9" }, /ENCRYPTION_KEY_ID "k9"/],
    ["bad regions", { NINJAONE_REGIONS: '{"evil":"http://evil.example"}' }, /NINJAONE_REGIONS/],
    ["scopes without offline_access", { NINJAONE_SCOPES: "monitoring" }, /offline_access/],
    ["EVENTS_URL without EVENTS_SIGNING_SECRET", { EVENTS_SIGNING_SECRET: undefined }, /EVENTS_SIGNING_SECRET is missing/],
    ["a short EVENTS_SIGNING_SECRET", { EVENTS_SIGNING_SECRET: "short" }, /EVENTS_SIGNING_SECRET/],
    ["EVENTS_URL that is not a URL", { EVENTS_URL: "not a url" }, /EVENTS_URL is not an http\(s\) URL/],
    ["webhooks on without APP_BASE_URL", { NINJAONE_WEBHOOKS: "on", APP_BASE_URL: undefined }, /needs APP_BASE_URL/],
    ["a NINJAONE_WEBHOOKS that is neither on nor off", { NINJAONE_WEBHOOKS: "yes" }, /NINJAONE_WEBHOOKS/],
    ["a bad activities filter", { NINJAONE_WEBHOOKS: "on", NINJAONE_WEBHOOK_ACTIVITIES: "[1]" }, /NINJAONE_WEBHOOK_ACTIVITIES/],
    ["a keep-alive period that is not a number of hours", { NINJAONE_KEEPALIVE_HOURS: "daily" }, /NINJAONE_KEEPALIVE_HOURS/],
    ["a NinjaOne timeout that is not a number of milliseconds", { NINJAONE_TIMEOUT_MS: "10s" }, /NINJAONE_TIMEOUT_MS must be a whole number/],
    ["a NinjaOne timeout of 0", { NINJAONE_TIMEOUT_MS: "0" }, /NINJAONE_TIMEOUT_MS/],
  ];

  for (const [what, overrides, logged] of broken) {
    it(`answers 503 misconfigured on every API route with ${what}, and says why in the log`, async () => {
      const errors = vi.spyOn(console, "error").mockImplementation(() => {});
      for (const [method, path] of ROUTES) {
        const response = await callWith(overrides, path, { method, headers: { Authorization: `Bearer ${await mintToken()}` } });
        expect(response.status, `${method} ${path}`).toBe(503);
        if (path.startsWith("/connect") || path.startsWith("/callback")) {
          // Browser navigations get a page rather than JSON.
          expect(await response.text()).toMatch(/not configured correctly/);
        } else {
          expect(await response.json()).toMatchObject({ error: "misconfigured" });
        }
      }
      expect(errors.mock.calls.flat().join("\n")).toMatch(logged);
      // The log names the setting, never its value.
      if (overrides.ENCRYPTION_KEYS) expect(errors.mock.calls.flat().join("\n")).not.toContain(overrides.ENCRYPTION_KEYS);
      errors.mockRestore();
    });
  }

  it("the tenant vault answers misconfigured as a Result, and says why in the log", async () => {
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    const stub = env.TENANT_VAULT.get(env.TENANT_VAULT.idFromName("misconfigured-vault"));
    // The worker checks its settings before it calls the vault, so only a vault built with broken ones shows this.
    const broken = { ...env, NINJAONE_REGIONS: "[]" } as unknown as Env;
    const result = await runInDurableObject(stub, (_instance, state) => new TenantVault(state, broken).accessToken("misconfigured-vault"));
    expect(result).toEqual({ ok: false, error: "misconfigured" });
    expect(errors.mock.calls.flat().join("\n")).toMatch(/NINJAONE_REGIONS must be a JSON object/);
    errors.mockRestore();
  });

  it("keeps CORS working while misconfigured, so the widget can read the 503", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await callWith({ ENCRYPTION_KEYS: undefined }, "/status", { headers: { Origin: HOST_ORIGIN } });
    expect(response.status).toBe(503);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(HOST_ORIGIN);
    vi.restoreAllMocks();
  });

  it("uses the request origin for the redirect URI when APP_BASE_URL is not set", async () => {
    const response = await worker.fetch(
      new Request("https://ninjaone.example.net/api/integrations/ninjaone/status", { headers: { Authorization: `Bearer ${await mintToken()}` } }),
      { ...env, APP_BASE_URL: undefined } as unknown as Env,
      createExecutionContext(),
    );
    expect(((await response.json()) as any).redirectUri).toBe("https://ninjaone.example.net/api/integrations/ninjaone/callback");
  });

  it("lists the built-in regions when NINJAONE_REGIONS is not set", async () => {
    const response = await callWith({ NINJAONE_REGIONS: undefined }, "/status", { headers: { Authorization: `Bearer ${await mintToken()}` } });
    const { regions } = (await response.json()) as any;
    expect(regions.map((r: any) => r.id)).toEqual(["us", "us2", "eu", "ca", "oc"]);
    expect(regions[0]).toEqual({ id: "us", label: "US (app.ninjarmm.com)", baseUrl: "https://app.ninjarmm.com" });
  });
});

/** secure-headers' defaults that act only on a document: the pages send them, the JSON answers do not. */
const DOCUMENT_HEADERS = ["Referrer-Policy", "Origin-Agent-Cluster", "X-DNS-Prefetch-Control", "X-Download-Options", "X-Permitted-Cross-Domain-Policies", "X-XSS-Protection"];

describe("CORS and headers", () => {
  it("answers JSON with the security headers that act on it, and pages with all of them and their own CSP", async () => {
    const json = await callWith({}, "/status", { headers: { Authorization: `Bearer ${await mintToken()}` } });
    expect(json.status).toBe(200);
    expect(json.headers.get("Strict-Transport-Security")).toMatch(/max-age=\d+/);
    expect(json.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(json.headers.get("X-Frame-Options")).toBe("SAMEORIGIN");
    expect(json.headers.get("Cross-Origin-Resource-Policy")).toBe("same-origin");
    expect(json.headers.get("Content-Security-Policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    for (const name of DOCUMENT_HEADERS) expect(json.headers.has(name), name).toBe(false);

    // a flow page (here: the callback's error page) keeps the CSP with its script nonce and gets the rest
    const page = await callWith({}, "/callback?state=x&code=y");
    expect(page.headers.get("Content-Type")).toMatch(/text\/html/);
    expect(page.headers.get("Content-Security-Policy")).toMatch(/script-src 'nonce-[A-Za-z0-9_-]+'/);
    expect(page.headers.get("Referrer-Policy")).toBe("no-referrer");
    for (const name of DOCUMENT_HEADERS) expect(page.headers.has(name), name).toBe(true);
    expect(page.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(page.headers.get("Strict-Transport-Security")).toMatch(/max-age=\d+/);
  });

  it("sends CORS headers only to requests that carry an Origin", async () => {
    const token = await mintToken();
    const backend = await callWith({}, "/status", { headers: { Authorization: `Bearer ${token}` } });
    expect(backend.status).toBe(200);
    for (const name of ["Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Vary"]) expect(backend.headers.has(name), name).toBe(false);
    const browser = await callWith({}, "/status", { headers: { Origin: HOST_ORIGIN, Authorization: `Bearer ${token}` } });
    expect(browser.headers.get("Access-Control-Allow-Origin")).toBe(HOST_ORIGIN);
    expect(browser.headers.get("Access-Control-Expose-Headers")).toBe("WWW-Authenticate,Retry-After");
  });

  it("allows exactly the configured origins", async () => {
    const token = await mintToken();
    const allowed = await callWith({}, "/status", { headers: { Origin: HOST_ORIGIN, Authorization: `Bearer ${token}` } });
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe(HOST_ORIGIN);
    expect(allowed.headers.get("Vary")).toMatch(/Origin/);
    for (const origin of ["https://evil.example", "null", "https://host.example.evil.example", "http://host.example"]) {
      const denied = await callWith({}, "/status", { headers: { Origin: origin, Authorization: `Bearer ${token}` } });
      expect(denied.headers.get("Access-Control-Allow-Origin"), origin).toBeNull();
    }
  });

  it("answers preflights for allowed origins only", async () => {
    const preflight = (origin: string) =>
      callWith({}, "/credentials", {
        method: "OPTIONS",
        headers: { Origin: origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization,content-type" },
      });
    const allowed = await preflight(HOST_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe(HOST_ORIGIN);
    expect(allowed.headers.get("Access-Control-Allow-Methods")).toContain("PUT");
    expect(allowed.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain("authorization");
    const denied = await preflight("https://evil.example");
    expect(denied.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("sends security headers and no-store on API responses, errors included", async () => {
    for (const response of [
      await callWith({}, "/status", { headers: { Authorization: `Bearer ${await mintToken()}` } }),
      await callWith({}, "/status"),
    ]) {
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("Strict-Transport-Security")).toBeTruthy();
      expect(response.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
      expect(response.headers.get("Cross-Origin-Opener-Policy")).toBeNull();
    }
  });
});

describe("origins missing from ALLOWED_ORIGINS", () => {
  it("are logged once per origin and isolate, so a refused page is not a silent outage", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const origin = `https://forgotten-${crypto.randomUUID()}.example`;
    for (let i = 0; i < 3; i++) {
      const response = await callWith({}, "/status", { headers: { Origin: origin, Authorization: `Bearer ${await mintToken()}` } });
      expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
    }
    const lines = warn.mock.calls.map((args) => args.join(" ")).filter((line) => line.includes(origin));
    expect(lines).toEqual([`origin "${origin}" is not in ALLOWED_ORIGINS: its requests are refused by CORS`]);
    // an allowed origin is not logged
    await callWith({}, "/status", { headers: { Origin: HOST_ORIGIN, Authorization: `Bearer ${await mintToken()}` } });
    expect(warn.mock.calls.flat().join(" ")).not.toContain(HOST_ORIGIN);
    warn.mockRestore();
  });
});

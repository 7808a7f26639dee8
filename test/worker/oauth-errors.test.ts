import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { HOST_ORIGIN, kvSnapshot, mintToken, status } from "./helpers";
import { authorize, callback, CLIENT, postConnect, REDIRECT_URI, RETURN_TO, saveStandInCredentials, SLOWER_THAN_TIMEOUT_MS, useStandInsPerTest, refuseNextRequestsTo } from "./oauth-helpers";

const stand = useStandInsPerTest();

/** The `ninjaone_error` a redirect-mode flow ended with. */
function redirectError(response: Response): string | null {
  expect(response.status).toBe(303);
  const url = new URL(response.headers.get("Location")!);
  expect(url.origin).toBe(HOST_ORIGIN);
  return url.searchParams.get("ninjaone_error");
}

/** A page that refuses to send the browser anywhere. */
async function expectErrorPage(response: Response, status: number, text: RegExp) {
  expect(response.status).toBe(status);
  expect(response.headers.get("Location")).toBeNull();
  expect(response.headers.get("Content-Type")).toMatch(/text\/html/);
  expect(await response.text()).toMatch(text);
}

const flowKeys = async () => Object.keys(await kvSnapshot()).filter((key) => key.startsWith("v1:flow:"));

describe("POST /connect", () => {
  it("ends with credentials_not_configured, without contacting NinjaOne, when nothing is saved", async () => {
    expect(redirectError(await postConnect({ tenant: "empty", mode: "redirect" }))).toBe("credentials_not_configured");
    const popup = await postConnect({ tenant: "empty", mode: "popup" });
    expect(popup.status).toBe(200);
    expect(await popup.text()).toContain('"ok":false,"error":"credentials_not_configured"');
    expect(stand.local.stats().tokenRequests).toBe(0);
    expect(fetch).not.toHaveBeenCalled();
    expect(await flowKeys()).toEqual([]);
  });

  it("refuses a missing or foreign Origin with a page, not a redirect", async () => {
    await saveStandInCredentials("acme");
    for (const origin of [null, "https://evil.example", "null", "https://host.example.evil.example"]) {
      await expectErrorPage(await postConnect({ origin }), 403, /not allowed/);
    }
    expect(await flowKeys()).toEqual([]);
  });

  it("a read-only session cannot start a flow", async () => {
    await saveStandInCredentials("acme");
    await expectErrorPage(await postConnect({ token: await mintToken({ extra: { perm: "read" } }) }), 403, /Error code: <code>forbidden<\/code>/);
    expect(await flowKeys()).toEqual([]);
  });

  it("refuses return URLs that are not absolute URLs on an allowed origin", async () => {
    await saveStandInCredentials("acme");
    const attacks = [
      "https://evil.example/settings",
      "//evil.example/settings",
      "/settings",
      "javascript:alert(document.domain)",
      "data:text/html,<script>alert(1)</script>",
      "blob:https://host.example/settings", // its origin is the allowed one: only the scheme tells
      "https://host.example@evil.example/",
      "https://user:password@host.example/settings",
      "https://host.example.evil.example/",
      "http://host.example/settings",
      "https:\\\\evil.example",
      `${HOST_ORIGIN}/${"a".repeat(3000)}`,
    ];
    for (const returnTo of attacks) {
      const response = await postConnect({ returnTo });
      expect(response.status, returnTo).toBe(400);
      expect(response.headers.get("Location"), returnTo).toBeNull();
      expect(response.headers.get("Set-Cookie"), returnTo).toBeNull();
    }
    expect(await flowKeys()).toEqual([]);
  });

  it("refuses a bad token, a widget token of the wrong audience, a bad mode and malformed forms", async () => {
    await saveStandInCredentials("acme");
    await expectErrorPage(await postConnect({ token: "nope" }), 401, /session has expired/);
    await expectErrorPage(await postConnect({ token: await mintToken({ aud: "ninjaone-api" }) }), 401, /session/);
    await expectErrorPage(await postConnect({ mode: "iframe" }), 400, /not valid/);
    const token = await mintToken();
    const duplicated = `token=${token}&return_to=${encodeURIComponent(RETURN_TO)}&mode=popup&mode=redirect`;
    await expectErrorPage(await postConnect({ body: duplicated }), 400, /not valid/);
    const extra = `token=${token}&return_to=${encodeURIComponent(RETURN_TO)}&mode=popup&tenant=victim`;
    await expectErrorPage(await postConnect({ body: extra }), 400, /not valid/);
    await expectErrorPage(await postConnect({ body: `return_to=${encodeURIComponent(RETURN_TO)}&mode=popup` }), 400, /not valid/);
    const json = JSON.stringify({ token, return_to: RETURN_TO, mode: "popup" });
    await expectErrorPage(await postConnect({ body: json, contentType: "application/json" }), 400, /not valid/);
    const huge = await postConnect({ body: `token=${"x".repeat(20_000)}&return_to=a&mode=popup` });
    expect(huge.status).toBe(413);
    expect(await flowKeys()).toEqual([]);
  });

  it("never puts the client secret in a URL", async () => {
    await saveStandInCredentials("acme");
    const response = await postConnect();
    expect(response.headers.get("Location")).not.toContain("acme-app-secret");
  });
});

describe("the small pages", () => {
  it("say which error code ended the flow, so that a user can report it", async () => {
    await expectErrorPage(await callback(`${REDIRECT_URI}?state=${"A".repeat(43)}&code=abc`), 400, /<p>Error code: <code>invalid_state<\/code><\/p>/);
    await expectErrorPage(await postConnect({ origin: "https://evil.example" }), 403, /Error code: <code>forbidden<\/code>/);
    await expectErrorPage(await postConnect({ token: "nope" }), 401, /Error code: <code>unauthorized<\/code>/);
    const popup = await postConnect({ tenant: "no-credentials", mode: "popup" });
    expect(await popup.text()).toContain("Error code: <code>credentials_not_configured</code>");
  });

  it("a successful popup page names no error code", async () => {
    await saveStandInCredentials("named");
    const flow = await authorize(stand.local, "approve", { tenant: "named", mode: "popup" });
    const page = await (await callback(flow.callbackUrl, flow.cookie)).text();
    expect(page).toContain("NinjaOne is connected.");
    expect(page).not.toContain("Error code");
  });
});

describe("GET /callback", () => {
  it("answers an unknown state with an invalid_state page and no redirect", async () => {
    const state = "A".repeat(43);
    await expectErrorPage(await callback(`${REDIRECT_URI}?state=${state}&code=abc`), 400, /not valid in this browser/);
    await expectErrorPage(await callback(`${REDIRECT_URI}?code=abc`), 400, /not valid/);
    await expectErrorPage(await callback(`${REDIRECT_URI}?state=short&code=abc`), 400, /not valid/);
  });

  it("refuses a replayed callback", async () => {
    await saveStandInCredentials("replayed");
    const flow = await authorize(stand.local, "approve", { tenant: "replayed", mode: "redirect" });
    expect(new URL((await callback(flow.callbackUrl, flow.cookie)).headers.get("Location")!).searchParams.get("ninjaone")).toBe("connected");
    await expectErrorPage(await callback(flow.callbackUrl, flow.cookie), 400, /already used/);
    expect(stand.local.stats().codeGrants).toBe(1);
  });

  it("refuses a callback without the flow cookie or with another flow's cookie — and the real browser can still finish", async () => {
    await saveStandInCredentials("cookieless");
    const requests = stand.local.stats().tokenRequests; // saving checked the secret at the token endpoint
    const flow = await authorize(stand.local, "approve", { tenant: "cookieless", mode: "redirect" });
    const otherFlow = await authorize(stand.local, "approve", { tenant: "cookieless", mode: "redirect" });
    await expectErrorPage(await callback(flow.callbackUrl), 400, /not valid in this browser/);
    const [name] = flow.cookie.split("=");
    const [, otherValue] = otherFlow.cookie.split("=");
    await expectErrorPage(await callback(flow.callbackUrl, `${name}=${otherValue}`), 400, /not valid in this browser/);
    expect(stand.local.stats().tokenRequests).toBe(requests);
    expect(redirectError(await callback(flow.callbackUrl, flow.cookie))).toBeNull();
    expect((await status("cookieless")).body.connection.status).toBe("connected");
  });

  it("ends a flow older than ten minutes with state_expired (clock moved, no sleeping)", async () => {
    await saveStandInCredentials("expired");
    const requests = stand.local.stats().tokenRequests;
    const flow = await authorize(stand.local, "approve", { tenant: "expired", mode: "redirect" });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 10 * 60 * 1000 + 1000 });
    expect(redirectError(await callback(flow.callbackUrl, flow.cookie))).toBe("state_expired");
    expect(stand.local.stats().tokenRequests).toBe(requests);
    expect((await status("expired")).body.connection).toEqual({ status: "not_connected" });
  });

  it("maps Deny to access_denied and never shows error_description", async () => {
    await saveStandInCredentials("denied");
    const flow = await authorize(stand.local, "deny", { tenant: "denied", mode: "redirect" });
    expect(redirectError(await callback(flow.callbackUrl, flow.cookie))).toBe("access_denied");

    const popup = await authorize(stand.local, "approve", { tenant: "denied", mode: "popup" });
    const state = new URL(popup.callbackUrl).searchParams.get("state")!;
    const crafted = `${REDIRECT_URI}?state=${state}&error=access_denied&error_description=${encodeURIComponent("<script>alert('EVIL')</script>Call +1-555-SCAM")}`;
    const page = await callback(crafted, popup.cookie);
    const text = await page.text();
    expect(text).toContain('"error":"access_denied"');
    expect(text).not.toMatch(/EVIL|SCAM/);
  });

  it("maps the authorization errors to fixed codes", async () => {
    await saveStandInCredentials("mapped");
    const requests = stand.local.stats().tokenRequests;
    const cases: Array<[string, string]> = [
      ["error=unauthorized_client&error_description=Invalid%20redirect_uri", "redirect_uri_mismatch"],
      ["error=invalid_request&error_description=redirect%20uri%20mismatch", "redirect_uri_mismatch"],
      ["error=unauthorized_client", "ninjaone_error"],
      ["error=server_error", "ninjaone_error"],
      ["error=invalid_scope", "ninjaone_error"],
      ["code=abc&error=access_denied", "ninjaone_error"],
      ["", "ninjaone_error"],
      ["code=abc&code=def", "ninjaone_error"],
      ["code=abc&error_description=x&error_description=y", "ninjaone_error"],
      ["code=abc&iss=https%3A%2F%2Fevil.example", "ninjaone_error"],
    ];
    for (const [query, expected] of cases) {
      const flow = await authorize(stand.local, "approve", { tenant: "mapped", mode: "redirect" });
      const state = new URL(flow.callbackUrl).searchParams.get("state")!;
      expect(redirectError(await callback(`${REDIRECT_URI}?state=${state}${query ? `&${query}` : ""}`, flow.cookie)), query).toBe(expected);
    }
    expect(stand.local.stats().tokenRequests).toBe(requests);
  });

  it("accepts an iss that names the flow's region", async () => {
    await saveStandInCredentials("issuer");
    const flow = await authorize(stand.local, "approve", { tenant: "issuer", mode: "redirect" });
    expect(redirectError(await callback(`${flow.callbackUrl}&iss=${encodeURIComponent("https://stand-in.test")}`, flow.cookie))).toBeNull();
  });

  it("reports token_exchange_failed when NinjaOne rejects the exchange, and keeps the credentials", async () => {
    await saveStandInCredentials("rejected");
    const before = (await status("rejected")).body.credentials;
    const flow = await authorize(stand.local, "approve", { tenant: "rejected", mode: "redirect" });
    // The secret is regenerated in NinjaOne while the user is there (saving checked the old one).
    const app = { ...CLIENT, redirectUris: [REDIRECT_URI], scopes: ["monitoring", "management", "offline_access"] };
    stand.local.addClient({ ...app, clientSecret: "regenerated-in-ninjaone-0001" });
    expect(redirectError(await callback(flow.callbackUrl, flow.cookie))).toBe("token_exchange_failed");
    expect((await status("rejected")).body).toMatchObject({ credentials: before, connection: { status: "not_connected" } });

    stand.local.addClient(app);
    stand.local.failNextTokenRequests("invalid_json_shape");
    const second = await authorize(stand.local, "approve", { tenant: "rejected", mode: "redirect" });
    expect(redirectError(await callback(second.callbackUrl, second.cookie))).toBe("token_exchange_failed");
    expect((await status("rejected")).body.connection).toEqual({ status: "not_connected" });
  });

  it("reports ninjaone_unreachable for 5xx, 429, timeouts and refused connections, storing nothing", async () => {
    await saveStandInCredentials("unreachable");
    for (const failure of ["server_error", "rate_limited", "slow"] as const) {
      stand.local.failNextTokenRequests(failure, 1, SLOWER_THAN_TIMEOUT_MS);
      const flow = await authorize(stand.local, "approve", { tenant: "unreachable", mode: "redirect" });
      expect(redirectError(await callback(flow.callbackUrl, flow.cookie)), failure).toBe("ninjaone_unreachable");
    }
    stand.local.failNextTokenRequests("malformed");
    const malformed = await authorize(stand.local, "approve", { tenant: "unreachable", mode: "redirect" });
    expect(redirectError(await callback(malformed.callbackUrl, malformed.cookie))).toBe("token_exchange_failed");

    const flow = await authorize(stand.local, "approve", { tenant: "unreachable", mode: "redirect" });
    refuseNextRequestsTo("stand-in.test");
    expect(redirectError(await callback(flow.callbackUrl, flow.cookie))).toBe("ninjaone_unreachable");
    expect((await status("unreachable")).body.connection).toEqual({ status: "not_connected" });
  });

  it("refuses a code when the credentials changed while the user was at NinjaOne", async () => {
    await saveStandInCredentials("changed");
    const flow = await authorize(stand.local, "approve", { tenant: "changed", mode: "redirect" });
    // another client app NinjaOne knows (saving checks that with NinjaOne first)
    stand.local.addClient({ clientId: "another-app", clientSecret: "another-secret-1", redirectUris: [REDIRECT_URI], scopes: ["monitoring", "offline_access"] });
    expect((await saveStandInCredentials("changed", { clientId: "another-app", clientSecret: "another-secret-1" })).status).toBe(200);
    const requests = stand.local.stats().tokenRequests;
    expect(redirectError(await callback(flow.callbackUrl, flow.cookie))).toBe("invalid_state");
    expect(stand.local.stats().tokenRequests).toBe(requests);
  });

  it("a worker restart between connect and callback loses nothing", async () => {
    await saveStandInCredentials("restarted");
    const flow = await authorize(stand.local, "approve", { tenant: "restarted", mode: "redirect" });
    // A fresh isolate has no memory of the flow: all of it lives in KV and the vault's storage.
    const { abortAllDurableObjects } = await import("cloudflare:test");
    await abortAllDurableObjects();
    expect(redirectError(await callback(flow.callbackUrl, flow.cookie))).toBeNull();
    expect(Object.keys(await kvSnapshot())).toContain("v1:tenant:restarted");
    expect(await env.NINJAONE_KV.get("v1:tenant:restarted")).toContain('"connected"');
  });
});

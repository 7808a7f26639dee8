// Starting a flow without relying on the Origin of a cross-site form POST (issue 9 §1,
// docs/security.md "Starting a flow"): the launch tickets of redirect mode, the launch pages,
// and what /connect accepts from them.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { sha256 } from "../../worker/crypto";
import { BASE, HOST_ORIGIN, kvSnapshot, mintToken, status } from "./helpers";
import { callback, CLIENT, flowCookie, postConnect, RETURN_TO, saveStandInCredentials, useStandInsPerTest } from "./oauth-helpers";
import { consent } from "../ninjaone-stand-in/stand-in";

const stand = useStandInsPerTest();

/** APP_BASE_URL in the test configuration: the origin our own launch pages post from. */
const WORKER_ORIGIN = "https://worker.example";
const OTHER_ALLOWED = "https://other-host.example";

interface TicketOptions {
  tenant?: string;
  origin?: string | null;
  token?: string | null;
  body?: string;
  returnTo?: string;
}

/** The widget's `fetch` for a ticket, as a browser sends it (CORS: always a real Origin). */
async function requestTicket(options: TicketOptions = {}): Promise<Response> {
  const headers = new Headers({ "Content-Type": "application/json" });
  if (options.origin !== null) headers.set("Origin", options.origin ?? HOST_ORIGIN);
  if (options.token !== null) headers.set("Authorization", `Bearer ${options.token ?? (await mintToken({ tenant: options.tenant ?? "acme" }))}`);
  const body = options.body ?? JSON.stringify({ returnTo: options.returnTo ?? RETURN_TO });
  return exports.default.fetch(new Request(`${BASE}/launch-ticket`, { method: "POST", headers, body }));
}

async function ticketFor(tenant: string): Promise<string> {
  const response = await requestTicket({ tenant });
  expect(response.status).toBe(200);
  return ((await response.json()) as { ticket: string }).ticket;
}

/** The click on our ticket page: a same-origin form POST of the ticket. */
const postTicket = (ticket: string, origin: string | null = WORKER_ORIGIN) => postConnect({ body: `ticket=${ticket}`, origin });

const launchPage = (query: string) => exports.default.fetch(new Request(`${BASE}/launch${query}`));

/** The flow and ticket keys written from now on (KV written in one test is still there in the next). */
async function newKeys() {
  const before = new Set(Object.keys(await kvSnapshot()));
  const added = async (prefix: string) => Object.keys(await kvSnapshot()).filter((key) => key.startsWith(prefix) && !before.has(key));
  return { flows: () => added("v1:flow:"), tickets: () => added("v1:launch:") };
}

async function flowRecordOf(response: Response) {
  const state = new URL(response.headers.get("Location")!).searchParams.get("state")!;
  return JSON.parse((await env.NINJAONE_KV.get(`v1:flow:${await sha256(state)}`))!);
}

/** A page that sends the browser nowhere and starts nothing. */
async function expectPage(response: Response, statusCode: number, text: RegExp) {
  expect(response.status).toBe(statusCode);
  expect(response.headers.get("Location")).toBeNull();
  expect(response.headers.get("Set-Cookie")).toBeNull();
  expect(await response.text()).toMatch(text);
}

/** The headers every launch page must have (CSP with a nonce, no COOP, no framing, a referrer policy that keeps Origin). */
function expectLaunchHeaders(response: Response, formAction: string[]) {
  expect(response.headers.get("Referrer-Policy")).toBe("same-origin");
  expect(response.headers.get("Cross-Origin-Opener-Policy")).toBeNull();
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
  const csp = response.headers.get("Content-Security-Policy")!;
  expect(csp).toMatch(/default-src 'none'/);
  expect(csp).toMatch(/frame-ancestors 'none'/);
  expect(csp).toMatch(/base-uri 'none'/);
  expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9_-]{22}'/);
  expect(csp).not.toMatch(/unsafe/);
  expect(/form-action ([^;]+)/.exec(csp)![1]!.split(" ")).toEqual(["'self'", ...formAction]);
}

const REGION_ORIGINS = ["https://app.ninjarmm.com", "https://eu.ninjarmm.com", "https://stand-in.test", "https://other-stand-in.test"];

describe("POST /launch-ticket", () => {
  it("mints a ticket only for an allowed Origin and a valid manage token", async () => {
    const kv = await newKeys();
    for (const origin of [null, "null", "https://evil.example", "https://host.example.evil.example", `${HOST_ORIGIN}/`]) {
      const refused = await requestTicket({ origin });
      expect(refused.status, String(origin)).toBe(403);
      expect(((await refused.json()) as { error: string }).error).toBe("forbidden");
    }
    expect((await requestTicket({ token: null })).status).toBe(401);
    expect((await requestTicket({ token: "not-a-token" })).status).toBe(401);
    expect((await requestTicket({ token: await mintToken({ aud: "ninjaone-api" }) })).status).toBe(401);
    expect((await requestTicket({ token: await mintToken({ extra: { perm: "read" } }) })).status).toBe(403);
    expect(await kv.tickets()).toEqual([]);

    const response = await requestTicket({ tenant: "minted" });
    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(HOST_ORIGIN);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = (await response.json()) as { ticket: string; expiresAt: string };
    expect(Object.keys(body).sort()).toEqual(["expiresAt", "ticket"]);
    expect(body.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const lifetime = Date.parse(body.expiresAt) - Date.now();
    expect(lifetime).toBeGreaterThan(110_000);
    expect(lifetime).toBeLessThanOrEqual(120_000);
    // Only the ticket's hash is stored, with the tenant of the token and the checked return URL.
    const stored = await env.NINJAONE_KV.get(`v1:launch:${await sha256(body.ticket)}`);
    expect(stored).not.toContain(body.ticket);
    expect(JSON.parse(stored!)).toEqual({ tenant: "minted", returnTo: RETURN_TO, expiresAt: Date.parse(body.expiresAt) });
  });

  it("answers the CORS preflight of an allowed origin only", async () => {
    const preflight = (origin: string) =>
      exports.default.fetch(
        new Request(`${BASE}/launch-ticket`, {
          method: "OPTIONS",
          headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type" },
        }),
      );
    expect((await preflight(HOST_ORIGIN)).headers.get("Access-Control-Allow-Origin")).toBe(HOST_ORIGIN);
    expect((await preflight("https://evil.example")).headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("refuses a return URL that is not on the asking origin, and malformed bodies", async () => {
    const kv = await newKeys();
    const bodies = [
      JSON.stringify({ returnTo: `${OTHER_ALLOWED}/settings` }), // allowed, but not the page that asked
      JSON.stringify({ returnTo: "https://evil.example/settings" }),
      JSON.stringify({ returnTo: "/settings" }),
      JSON.stringify({ returnTo: `${HOST_ORIGIN}/${"a".repeat(3000)}` }),
      JSON.stringify({ returnTo: RETURN_TO, tenant: "victim" }),
      JSON.stringify({ returnTo: [RETURN_TO] }),
      JSON.stringify({}),
      "[]",
      "not json",
    ];
    for (const body of bodies) {
      const response = await requestTicket({ body });
      expect(response.status, body).toBe(400);
      expect(JSON.stringify(await response.json()), body).not.toMatch(/evil|victim/);
    }
    expect((await requestTicket({ body: "x".repeat(20_000) })).status).toBe(413);
    expect(await kv.tickets()).toEqual([]);
  });
});

describe("GET /launch?ticket= (redirect mode)", () => {
  it("shows which tenant and client app would be connected, and starts nothing", async () => {
    const kv = await newKeys();
    await saveStandInCredentials("shown");
    const ticket = await ticketFor("shown");
    const response = await launchPage(`?ticket=${ticket}`);
    expect(response.status).toBe(200);
    expectLaunchHeaders(response, [...REGION_ORIGINS, HOST_ORIGIN]);
    expect(response.headers.get("Set-Cookie")).toBeNull();
    const page = await response.text();
    expect(page).toContain("<dd>shown</dd>");
    expect(page).toContain("<dd>LOCAL");
    expect(page).toContain(`<dd>${CLIENT.clientId}</dd>`);
    expect(page).toContain('<form id="connect" method="post" action="/api/integrations/ninjaone/connect">');
    expect(page).toContain(`<input type="hidden" name="ticket" value="${ticket}">`);
    expect(page).toContain("Continue to NinjaOne</button>");
    expect(page).toContain(`<a href="${RETURN_TO.replace("&", "&amp;")}">`);
    // nothing happened: no flow, the ticket still usable
    expect(await kv.flows()).toEqual([]);
    expect(await kv.tickets()).toHaveLength(1);
    expect((await postTicket(ticket)).status).toBe(303);
  });

  it("escapes what it shows of stored data, and echoes nothing from the request", async () => {
    // A client id is the tenant's own input: it must come out as text.
    const record = { credentials: { region: "eu", clientId: '<img src=x onerror="alert(1)">', secret: { kid: "k1", iv: "", ct: "" }, secretLast4: "", updatedAt: new Date().toISOString() }, connection: null };
    await env.NINJAONE_KV.put("v1:tenant:escaped", JSON.stringify(record));
    const page = await (await launchPage(`?ticket=${await ticketFor("escaped")}`)).text();
    expect(page).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(page).not.toContain("<img");

    const attacks = ["?ticket=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "?origin=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "?ticket=x&x=%3Cscript%3E", "?%3Cscript%3E=1"];
    for (const query of attacks) {
      const response = await launchPage(query);
      expect(response.status, query).toBeGreaterThanOrEqual(400);
      const text = await response.text();
      expect(text, query).not.toMatch(/alert|<script>|%3C/i);
      expect(text.match(/<script/g), query).toBeNull(); // a refusal page runs no script at all
    }
  });

  it("an unknown, malformed or expired ticket gets a page naming its code", async () => {
    await expectPage(await launchPage(`?ticket=${"A".repeat(43)}`), 400, /Error code: <code>invalid_state<\/code>/);
    await expectPage(await launchPage("?ticket=short"), 400, /invalid_state/);
    await expectPage(await launchPage("?ticket="), 400, /invalid_state/);
    await expectPage(await launchPage(""), 400, /invalid_request/);
    const ticket = await ticketFor("expired-page");
    await expectPage(await launchPage(`?ticket=${ticket}&ticket=${ticket}`), 400, /invalid_request/);
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2 * 60 * 1000 + 1000 });
    await expectPage(await launchPage(`?ticket=${ticket}`), 400, /state_expired/);
  });

  it("without saved credentials says so, with a way back and no button", async () => {
    const response = await launchPage(`?ticket=${await ticketFor("no-credentials")}`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain("Error code: <code>credentials_not_configured</code>");
    expect(page).toContain("Back to the settings page");
    expect(page).not.toContain("<button");
  });
});

describe("GET /launch?origin= (the popup's first page)", () => {
  it("is served only for an allowed origin, and asks only that origin for the token", async () => {
    const response = await launchPage(`?origin=${encodeURIComponent(HOST_ORIGIN)}`);
    expect(response.status).toBe(200);
    expectLaunchHeaders(response, REGION_ORIGINS);
    const page = await response.text();
    const nonce = /'nonce-([A-Za-z0-9_-]+)'/.exec(response.headers.get("Content-Security-Policy")!)![1];
    expect(page).toContain(`<script nonce="${nonce}">`);
    expect(page).toContain(`var origin="${HOST_ORIGIN}"`);
    expect(page).toContain('opener.postMessage({type:"ninjaone:launch-ready"},origin)');
    // the answer counts only from the opener, at that origin, and must lead back to that origin
    expect(page).toContain("e.source!==opener||e.origin!==origin");
    expect(page).toContain("new URL(d.returnTo).origin!==origin");
    expect(page).toContain('<form id="connect" method="post" action="/api/integrations/ninjaone/connect" hidden>');
    expect(page).toContain('<input type="hidden" name="mode" value="popup">');

    for (const origin of ["https://evil.example", "null", `${HOST_ORIGIN}/`, "https://HOST.example", "*"]) {
      const refused = await launchPage(`?origin=${encodeURIComponent(origin)}`);
      expect(refused.status, origin).toBe(403);
      const text = await refused.text();
      expect(text, origin).not.toContain("<script");
      expect(text, origin).toContain("Error code: <code>forbidden</code>");
    }
    await expectPage(await launchPage(`?origin=${encodeURIComponent(HOST_ORIGIN)}&origin=${encodeURIComponent(HOST_ORIGIN)}`), 400, /invalid_request/);
    await expectPage(await launchPage(`?origin=${encodeURIComponent(HOST_ORIGIN)}&ticket=${"A".repeat(43)}`), 400, /invalid_request/);
  });
});

describe("POST /connect from our own pages", () => {
  it("a token form from the worker's own origin starts a flow; from null or a foreign origin nothing", async () => {
    const kv = await newKeys();
    await saveStandInCredentials("own-origin");
    for (const origin of [null, "null", "https://evil.example", "https://worker.example.evil.example"]) {
      await expectPage(await postConnect({ tenant: "own-origin", origin }), 403, /Error code: <code>forbidden<\/code>/);
    }
    expect(await kv.flows()).toEqual([]);
    const started = await postConnect({ tenant: "own-origin", origin: WORKER_ORIGIN });
    expect(started.status).toBe(303);
    expect(flowCookie(started)).toMatch(/^__Host-ninjaone-flow-/);
    expect(await flowRecordOf(started)).toMatchObject({ tenant: "own-origin", mode: "popup", returnTo: RETURN_TO });
  });

  it("the flow remembers who started it (the token's sub), through a ticket as through the form, and the connected event names them", async () => {
    await saveStandInCredentials("who");
    const viaForm = await postConnect({ token: await mintToken({ tenant: "who", sub: "alice@who.example" }) });
    expect((await flowRecordOf(viaForm)).actor).toBe("alice@who.example");
    const asked = await requestTicket({ token: await mintToken({ tenant: "who", sub: "bob@who.example" }) });
    const viaTicket = await postTicket(((await asked.json()) as { ticket: string }).ticket);
    expect((await flowRecordOf(viaTicket)).actor).toBe("bob@who.example");
    const decided = await consent(stand.local, viaTicket.headers.get("Location")!, "approve");
    await callback(decided.headers.get("Location")!, flowCookie(viaTicket));
    const trail = await exports.default.fetch(
      new Request(`${BASE}/events?limit=1`, { headers: { Authorization: `Bearer ${await mintToken({ tenant: "who", aud: "ninjaone-api" })}` } }),
    );
    expect(((await trail.json()) as { events: { type: string; actor?: string }[] }).events[0]).toMatchObject({ type: "connection.connected", actor: "bob@who.example" });
  });

  it("a ticket starts a redirect flow for its own tenant, which the callback connects", async () => {
    const kv = await newKeys();
    await saveStandInCredentials("ticketed");
    const started = await postTicket(await ticketFor("ticketed"));
    expect(started.status).toBe(303);
    expect(started.headers.get("Location")).toMatch(/^https:\/\/stand-in\.test\/ws\/oauth\/authorize\?/);
    expect(await flowRecordOf(started)).toMatchObject({ tenant: "ticketed", mode: "redirect", returnTo: RETURN_TO });
    expect(await kv.tickets()).toEqual([]); // tidied after the claim
    const decided = await consent(stand.local, started.headers.get("Location")!, "approve");
    const landed = await callback(decided.headers.get("Location")!, flowCookie(started));
    expect(new URL(landed.headers.get("Location")!).searchParams.get("ninjaone")).toBe("connected");
    expect((await status("ticketed")).body.connection.status).toBe("connected");
  });

  it("a ticket is refused from anywhere but our own origin, and stays usable there", async () => {
    const kv = await newKeys();
    await saveStandInCredentials("elsewhere");
    const ticket = await ticketFor("elsewhere");
    for (const origin of [HOST_ORIGIN, null, "null", "https://evil.example"]) {
      await expectPage(await postTicket(ticket, origin), 403, /forbidden/);
    }
    expect(await kv.flows()).toEqual([]);
    expect((await postTicket(ticket)).status).toBe(303);
  });

  it("a ticket is used once: a second post, even one that still finds the record, starts nothing", async () => {
    const kv = await newKeys();
    await saveStandInCredentials("once");
    const ticket = await ticketFor("once");
    const key = `v1:launch:${await sha256(ticket)}`;
    const record = (await env.NINJAONE_KV.get(key))!;
    expect((await postTicket(ticket)).status).toBe(303);
    await expectPage(await postTicket(ticket), 400, /Error code: <code>invalid_state<\/code>/);
    // KV is eventually consistent: another location may still read the record. The claim holds.
    await env.NINJAONE_KV.put(key, record);
    await expectPage(await postTicket(ticket), 400, /already used/);
    expect(await kv.flows()).toHaveLength(1);
  });

  it("two posts of one ticket at the same time start one flow", async () => {
    const kv = await newKeys();
    await saveStandInCredentials("racing");
    const ticket = await ticketFor("racing");
    const results = await Promise.all([postTicket(ticket), postTicket(ticket), postTicket(ticket)]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 400, 400]);
    expect(results.filter((r) => r.headers.get("Set-Cookie"))).toHaveLength(1);
    expect(await kv.flows()).toHaveLength(1);
  });

  it("an expired ticket goes back to the host page with state_expired and starts nothing", async () => {
    const kv = await newKeys();
    await saveStandInCredentials("late");
    const ticket = await ticketFor("late");
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 2 * 60 * 1000 + 1000 });
    const response = await postTicket(ticket);
    expect(response.status).toBe(303);
    const back = new URL(response.headers.get("Location")!);
    expect(back.origin).toBe(HOST_ORIGIN);
    expect(back.searchParams.get("ninjaone_error")).toBe("state_expired");
    expect(response.headers.get("Set-Cookie")).toBeNull();
    expect(await kv.flows()).toEqual([]);
  });

  it("the ticket alone names the tenant: nothing sent with it can change it", async () => {
    const kv = await newKeys();
    await saveStandInCredentials("ticket-owner");
    await saveStandInCredentials("other-tenant");
    const ticket = await ticketFor("ticket-owner");
    const otherToken = await mintToken({ tenant: "other-tenant" });
    const polluted = [
      `ticket=${ticket}&token=${otherToken}`,
      `ticket=${ticket}&tenant=other-tenant`,
      `ticket=${ticket}&return_to=${encodeURIComponent(`${OTHER_ALLOWED}/x`)}&mode=popup`,
      `ticket=${ticket}&token=${otherToken}&return_to=${encodeURIComponent(RETURN_TO)}&mode=popup`,
    ];
    for (const body of polluted) await expectPage(await postConnect({ body, origin: WORKER_ORIGIN }), 400, /invalid_request/);
    await expectPage(await launchPage(`?ticket=${ticket}&tenant=other-tenant`), 400, /invalid_request/);
    expect(await kv.flows()).toEqual([]);

    const started = await postTicket(ticket);
    expect(await flowRecordOf(started)).toMatchObject({ tenant: "ticket-owner" });
    const decided = await consent(stand.local, started.headers.get("Location")!, "approve");
    await callback(decided.headers.get("Location")!, flowCookie(started));
    expect((await status("ticket-owner")).body.connection.status).toBe("connected");
    expect((await status("other-tenant")).body.connection).toEqual({ status: "not_connected" });
  });

  it("refuses malformed, duplicated and oversized ticket forms", async () => {
    const kv = await newKeys();
    await saveStandInCredentials("malformed");
    const ticket = await ticketFor("malformed");
    const forms = [`ticket=${ticket}&ticket=${ticket}`, `ticket=${ticket}&mode=redirect`, `ticket=${ticket}&x=`, `Ticket=${ticket}`];
    for (const body of forms) await expectPage(await postConnect({ body, origin: WORKER_ORIGIN }), 400, /invalid_request/);
    for (const bad of ["", " ", `${ticket}A`, ticket.slice(1), `${ticket.slice(1)}=`, "A".repeat(43)]) {
      await expectPage(await postConnect({ body: `ticket=${encodeURIComponent(bad)}`, origin: WORKER_ORIGIN }), 400, /invalid_state/);
    }
    await expectPage(await postConnect({ body: JSON.stringify({ ticket }), contentType: "application/json", origin: WORKER_ORIGIN }), 400, /invalid_request/);
    expect((await postConnect({ body: `ticket=${"A".repeat(20_000)}`, origin: WORKER_ORIGIN })).status).toBe(413);
    expect(await kv.flows()).toEqual([]);
    expect((await postTicket(ticket)).status).toBe(303); // none of that used the ticket up
  });
});

// Test helpers: a fake of the worker's JSON routes behind a stubbed `fetch`, and small shadow-DOM
// queries. The real worker is exercised by the end-to-end suite.
import { fixture, html } from "@open-wc/testing";
import { nothing } from "lit";
import { ifDefined } from "lit/directives/if-defined.js";
import { vi, expect } from "vitest";
import type { LastCheck, NinjaOneSettings, Status, NinjaOneStringsOverride } from "../../widget/ninjaone-settings.js";

declare module "vitest/browser" {
  interface BrowserCommands {
    /** Emulates `prefers-color-scheme` for the test page; see vitest.config.ts. */
    colorScheme: (scheme: "light" | "dark") => Promise<void>;
  }
}

export const API = "https://worker.test";
export const REDIRECT_URI = "https://worker.test/api/integrations/ninjaone/callback";
export const REGIONS = [
  { id: "us", label: "US (app.ninjarmm.com)", baseUrl: "https://app.ninjarmm.com" },
  { id: "eu", label: "EU (eu.ninjarmm.com)", baseUrl: "https://eu.ninjarmm.com" },
  { id: "oc", label: "Oceania (oc.ninjarmm.com)", baseUrl: "https://oc.ninjarmm.com" },
];
export const SAVED = {
  region: "eu",
  clientId: "client-abc-123",
  secretLast4: "WXYZ",
  updatedAt: "2026-03-01T10:00:00Z",
  updatedBy: "alice@example.com",
};
export const CONNECTED = {
  status: "connected" as const,
  connectedAt: "2026-03-02T09:30:00Z",
  scopes: ["monitoring", "offline_access"],
};

/**
 * A widget token as the host mints it, with `perm` in its payload (the signature is not checked
 * by the widget; the fake worker only knows the whole string).
 */
export function widgetToken(claims: Record<string, unknown>): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
  return `${part({ alg: "HS256", typ: "JWT" })}.${part({ tenant: "acme", aud: "ninjaone-settings", ...claims })}.c2lnbmF0dXJl`;
}
export const READ_TOKEN = widgetToken({ perm: "read", sub: "viewer@example.com" });

/** What the fake's POST /launch-ticket answers. */
export const TICKET = "T".repeat(43);

export interface Call {
  method: string;
  path: string;
  body: Record<string, unknown> | undefined;
  auth: string | null;
}

export const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

/** An in-memory stand-in for GET /status, PUT /credentials, POST /check, POST /launch-ticket and POST /disconnect. */
export function fakeWorker(initial: Partial<Status> = {}) {
  const w = {
    status: {
      redirectUri: REDIRECT_URI,
      regions: REGIONS,
      credentials: null,
      connection: { status: "not_connected" },
      ...initial,
    } as Status,
    calls: [] as Call[],
    tokens: new Set(["good", READ_TOKEN]),
    /** What the next POST /check records. */
    check: { ok: true } as { ok: boolean; error?: LastCheck["error"] },
    /** The bodies of POST /launch-ticket. */
    tickets: [] as { returnTo: string }[],
    /** Return a response to short-cut a request (e.g. an error), or undefined (maybe later) to go on. */
    override: undefined as undefined | ((call: Call) => Response | Promise<Response | undefined> | undefined),
  };
  const realFetch = globalThis.fetch.bind(globalThis);
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin !== API) return realFetch(input, init);
    const call: Call = {
      method: init?.method ?? "GET",
      path: url.pathname.replace("/api/integrations/ninjaone", ""),
      body: typeof init?.body === "string" ? JSON.parse(init.body) : undefined,
      auth: new Headers(init?.headers).get("Authorization"),
    };
    w.calls.push(call);
    const shortcut = await w.override?.(call);
    if (shortcut) return shortcut;
    const token = call.auth?.replace(/^Bearer /, "");
    if (!token || !w.tokens.has(token)) return json(401, { error: "unauthorized", message: "Unauthorized." });
    if (call.method === "GET" && call.path === "/status") return json(200, w.status);
    if (call.method === "POST" && call.path === "/check") {
      if (w.status.connection.status !== "connected") return json(409, { error: w.status.connection.status, message: "Not connected." });
      w.status = { ...w.status, connection: { ...w.status.connection, lastCheck: { at: new Date().toISOString(), ...w.check } } };
      return json(200, w.status);
    }
    // what the worker answers a read-only session's changes
    if (token === READ_TOKEN) return json(403, { error: "forbidden", message: "Forbidden." });
    if (call.method === "PUT" && call.path === "/credentials") {
      const { region, clientId, clientSecret } = call.body as Record<string, string | undefined>;
      const current = w.status.credentials;
      const same = current && current.region === region && current.clientId === clientId;
      if (!clientSecret && !same) {
        return json(400, { error: "invalid_request", message: "Invalid.", fields: { clientSecret: "Required." } });
      }
      w.status = {
        ...w.status,
        credentials: {
          region: region!,
          clientId: clientId!,
          secretLast4: clientSecret ? clientSecret.slice(-4) : current!.secretLast4,
          updatedAt: "2026-04-01T12:00:00Z",
          updatedBy: "bob@example.com",
        },
        connection: same ? w.status.connection : { status: "not_connected" },
      };
      return json(200, w.status);
    }
    if (call.method === "POST" && call.path === "/launch-ticket") {
      w.tickets.push(call.body as { returnTo: string });
      return json(200, { ticket: TICKET, expiresAt: "2026-04-01T12:02:00Z" });
    }
    if (call.method === "POST" && call.path === "/disconnect") {
      w.status = { ...w.status, credentials: null, connection: { status: "not_connected" } };
      return json(200, w.status);
    }
    return json(404, { error: "not_found", message: "Not found." });
  });
  return w;
}

export interface MountOptions {
  token?: string | null;
  getSessionToken?: () => Promise<string>;
  mode?: "popup" | "redirect";
  strings?: NinjaOneStringsOverride;
  lang?: string;
  wait?: boolean;
}

/** Render the element against the fake worker and wait until the status has loaded. */
export async function mount(opts: MountOptions = {}): Promise<NinjaOneSettings> {
  const token = opts.token === undefined ? "good" : opts.token;
  const el = await fixture<NinjaOneSettings>(html`<ninjaone-settings
    api-base=${API}
    session-token=${token ?? nothing}
    mode=${ifDefined(opts.mode)}
    lang=${ifDefined(opts.lang)}
    .getSessionToken=${opts.getSessionToken}
    .strings=${opts.strings}
  ></ninjaone-settings>`);
  if (opts.wait !== false) await loaded(el);
  return el;
}

export async function loaded(el: NinjaOneSettings): Promise<void> {
  await vi.waitFor(() => expect(el.shadowRoot!.querySelector(".card[aria-busy='true']")).toBeNull());
  await el.updateComplete;
}

export const $ = <T extends Element = HTMLElement>(el: NinjaOneSettings, selector: string) =>
  el.shadowRoot!.querySelector<T & HTMLElement>(selector);

export const text = (node: Element | ShadowRoot | null | undefined) =>
  (node?.textContent ?? "").replace(/\s+/g, " ").trim();

/** Button by its visible text (or accessible name via aria-label). */
export function button(el: NinjaOneSettings, name: string | RegExp): HTMLButtonElement | null {
  const all = [...el.shadowRoot!.querySelectorAll("button")];
  return (
    all.find((b) => {
      const label = b.getAttribute("aria-label") ?? text(b);
      return typeof name === "string" ? label === name || text(b) === name : name.test(label) || name.test(text(b));
    }) ?? null
  );
}

export function type(input: HTMLInputElement | HTMLSelectElement, value: string): void {
  input.value = value;
  input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? "change" : "input", { bubbles: true, composed: true }));
}

/** Opens the form of a saved state with "Change credentials". */
export async function edit(el: NinjaOneSettings): Promise<void> {
  button(el, "Change credentials")!.click();
  await vi.waitFor(() => expect(el.shadowRoot!.querySelector("form")).not.toBeNull());
}

/** The text announced in the live region. */
export const announced = (el: NinjaOneSettings) => text($(el, "[role='status']"));

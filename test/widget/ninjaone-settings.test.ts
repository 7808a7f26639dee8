import { expect as chaiExpect, fixture, fixtureCleanup, html } from "@open-wc/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { commands, page } from "vitest/browser";
import { NinjaOneSettings, NinjaOneStatusEvent, en, type ErrorCode, type Status, type StatusDetail } from "../../widget/ninjaone-settings.js";
import {
  $,
  API,
  CONNECTED,
  READ_TOKEN,
  REDIRECT_URI,
  SAVED,
  TICKET,
  announced,
  button,
  edit,
  fakeWorker,
  json,
  loaded,
  mount,
  text,
  type,
  widgetToken,
  type Call,
} from "./helpers.js";

const accessible = (el: Element) => chaiExpect(el).to.be.accessible();
const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000 - 5_000).toISOString();
const startUrl = location.href;

afterEach(() => {
  fixtureCleanup();
  vi.restoreAllMocks();
  history.replaceState(null, "", startUrl);
  for (const lang of Object.keys(NinjaOneSettings.translations)) delete NinjaOneSettings.translations[lang];
});

it("passes accessibility checks", async () => {
  fakeWorker();
  const el = await mount();
  await accessible(el);
});

describe("states", () => {
  it("loading: shows a busy card until the status arrives, with one request", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const w = fakeWorker();
    w.override = (call) => (call.path === "/status" ? gate.then(() => json(200, w.status)) : undefined);
    const el = await mount({ wait: false });
    expect($(el, ".card")!.getAttribute("aria-busy")).toBe("true");
    expect(text(el.shadowRoot)).toContain("Loading NinjaOne settings…");
    expect($(el, "form")).toBeNull();
    await accessible(el);
    release();
    await loaded(el);
    expect($(el, "form")).not.toBeNull();
    expect(w.calls.filter((c) => c.path === "/status")).toHaveLength(1);
  });

  it("not configured: instructions open, region deep link, exact redirect URI, Connect disabled", async () => {
    const w = fakeWorker();
    const el = await mount();
    expect(w.calls[0]).toMatchObject({ method: "GET", path: "/status", auth: "Bearer good" });
    expect(text($(el, "[part~='badge']"))).toBe("Not set up");
    const details = $(el, "details") as HTMLDetailsElement;
    expect(details.open).toBe(true);
    const steps = text(details);
    for (const phrase of ["Administration → Apps → API → Client app IDs", "Add client app", "Web (PHP, Java, .Net Core, etc.)", "Monitoring", "Authorization code and Refresh token", "shown only once"]) {
      expect(steps).toContain(phrase);
    }
    const link = $(el, "a[part~='setup-link']") as HTMLAnchorElement;
    expect(link.href).toBe("https://app.ninjarmm.com/#/administration/apps/api/client");
    expect(link.target).toBe("_blank");
    expect(link.rel).toBe("noopener noreferrer");
    expect(text(link)).toBe("Open the NinjaOne API settings (US) (new tab)");
    expect(text($(el, "#redirect-uri"))).toBe(REDIRECT_URI);
    expect(steps).toContain("must match exactly");
    // the deep link follows the selected region
    type($(el, "#region") as HTMLSelectElement, "oc");
    await el.updateComplete;
    expect(link.href).toBe("https://oc.ninjarmm.com/#/administration/apps/api/client");
    expect(text(link)).toBe("Open the NinjaOne API settings (Oceania) (new tab)");
    const connect = $(el, "#connect") as HTMLButtonElement;
    expect(connect.disabled).toBe(true);
    expect(text(el.shadowRoot!.getElementById(connect.getAttribute("aria-describedby")!))).toBe("Save your credentials first.");
    expect($(el, "[part~='saved']")).toBeNull();
    expect(text(el.shadowRoot)).not.toMatch(/waiting for approval/i);
    await accessible(el);
  });

  it("saved: the summary leads with the state and Connect; the form waits for Change credentials", async () => {
    fakeWorker({ credentials: SAVED });
    const el = await mount();
    expect(text($(el, "[part~='badge']"))).toBe("Not connected");
    const summary = $(el, "[part~='connection']")!;
    expect(summary.compareDocumentPosition($(el, "details")!) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy(); // summary first
    expect(text($(el, "#state"))).toBe("Sign in to NinjaOne and allow access.");
    const saved = text($(el, "[part~='saved']"));
    expect(saved).toContain("EU (eu.ninjarmm.com)");
    expect(saved).toContain("client-abc-123");
    expect(saved).toContain("••••••••••••WXYZ");
    expect(saved).toContain("alice@example.com");
    expect(saved).toMatch(/2026/);
    expect([...summary.querySelectorAll("button")].map((b) => text(b))).toEqual(["Connect to NinjaOne", "Change credentials", "Remove credentials"]);
    expect(($(el, "#connect") as HTMLButtonElement).disabled).toBe(false);
    expect($(el, "form")).toBeNull();
    expect(($(el, "details") as HTMLDetailsElement).open).toBe(false); // setup steps: there, folded
    expect(text($(el, "details summary"))).toBe("Create a client app in NinjaOne");
    await accessible(el);

    await edit(el);
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement?.id).toBe("region"));
    expect(text($(el, "#credentials-heading"))).toBe("Change credentials");
    expect(($(el, "#region") as HTMLSelectElement).value).toBe("eu");
    expect(($(el, "#clientId") as HTMLInputElement).value).toBe("client-abc-123");
    const secret = $(el, "#clientSecret") as HTMLInputElement;
    expect(secret.value).toBe("");
    expect(text(el.shadowRoot!.getElementById(secret.getAttribute("aria-describedby")!))).toBe("Leave blank to keep the saved secret.");
    expect(button(el, "Change credentials")).toBeNull(); // it is open
    await accessible(el);
  });

  it("Change credentials: Cancel closes the form, drops what was typed and returns focus", async () => {
    const w = fakeWorker({ credentials: SAVED });
    const el = await mount();
    await edit(el);
    type($(el, "#clientId") as HTMLInputElement, "typed-but-cancelled");
    type($(el, "#clientSecret") as HTMLInputElement, "typed-secret");
    await el.updateComplete;
    button(el, "Cancel")!.click();
    await vi.waitFor(() => expect($(el, "form")).toBeNull());
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement?.id).toBe("edit"));
    await edit(el);
    expect(($(el, "#clientId") as HTMLInputElement).value).toBe(SAVED.clientId);
    expect(($(el, "#clientSecret") as HTMLInputElement).value).toBe("");
    expect(w.calls.filter((c) => c.method !== "GET")).toEqual([]);
  });

  it("saved: the mask has the same width whatever the secret", async () => {
    fakeWorker({ credentials: { ...SAVED, secretLast4: "1234" } });
    const el = await mount();
    const mask = text($(el, "[part~='saved'] [aria-hidden='true']"));
    expect(mask).toBe("••••••••••••1234");
  });

  it("connected: since (no token expiry), scopes, Test connection, Change credentials and Disconnect; no Connect", async () => {
    fakeWorker({ credentials: SAVED, connection: CONNECTED });
    const el = await mount();
    expect(text($(el, "[part~='badge']"))).toBe("Connected");
    expect(text($(el, "#state"))).toBe("Connected to NinjaOne.");
    const details = $(el, "[part~='details']")!;
    expect(text(details)).toContain("Connected since");
    expect(text(details)).not.toMatch(/expire/i);
    expect(text(details)).toContain("Granted scopesmonitoring, offline_access");
    expect($(el, "#connect")).toBeNull();
    expect([...$(el, ".actions")!.querySelectorAll("button")].map((b) => text(b))).toEqual(["Test connection", "Change credentials", "Disconnect"]);
    expect($(el, "form")).toBeNull();
    await accessible(el);
  });

  it("reconnect required: explains why and offers Reconnect with the saved credentials", async () => {
    fakeWorker({ credentials: SAVED, connection: { status: "reconnect_required", connectedAt: CONNECTED.connectedAt } });
    const el = await mount();
    expect(text($(el, "[part~='badge']"))).toBe("Reconnect required");
    expect(text($(el, "[part~='connection']"))).toContain("saved credentials are reused");
    const reconnect = $(el, "#connect") as HTMLButtonElement;
    expect(text(reconnect)).toBe("Reconnect");
    expect(reconnect.disabled).toBe(false);
    expect([...$(el, ".actions")!.querySelectorAll("button")].map((b) => text(b))).toEqual(["Reconnect", "Change credentials", "Disconnect"]);
    expect($(el, "form")).toBeNull();
    await accessible(el);
  });

  it("credentials rejected: says what happened, requires the current secret, and saving it resumes the connection", async () => {
    const w = fakeWorker({ credentials: SAVED, connection: { status: "credentials_rejected", connectedAt: CONNECTED.connectedAt, scopes: CONNECTED.scopes } });
    const el = await mount();
    const badge = $(el, "[part~='badge']")!;
    expect(text(badge)).toBe("Secret rejected");
    expect(badge.getAttribute("part")).toContain("badge-credentials-rejected");
    const connection = text($(el, "[part~='connection']"));
    expect(connection).toContain("no longer accepts the saved Client Secret");
    expect(connection).toContain("Enter the current Client Secret below and save");
    expect($(el, "#connect")).toBeNull(); // signing in again would not help
    // the state asks for the secret, so the form is open, asking for that alone
    expect($(el, "#region")).toBeNull();
    expect($(el, "#clientId")).toBeNull();
    expect(button(el, "Cancel")).toBeNull();
    const secret = $(el, "#clientSecret") as HTMLInputElement;
    expect(secret.required).toBe(true);
    expect(text($(el, "#clientSecret-hint"))).toBe("Required: NinjaOne rejected the saved secret. Enter the current one.");
    expect(($(el, "#save") as HTMLButtonElement).disabled).toBe(true);
    await accessible(el);

    w.override = (call) => {
      if (call.method !== "PUT") return undefined;
      w.status = { ...w.status, credentials: { ...SAVED, secretLast4: "0000", updatedAt: "2026-04-01T12:00:00Z" }, connection: CONNECTED };
      return json(200, w.status);
    };
    type(secret, "the-current-secret-0000");
    await el.updateComplete;
    ($(el, "#save") as HTMLButtonElement).click();
    await vi.waitFor(() => expect(text($(el, "[part~='badge']"))).toBe("Connected"));
    expect(w.calls.find((c) => c.method === "PUT")!.body).toEqual({ region: "eu", clientId: SAVED.clientId, clientSecret: "the-current-secret-0000" });
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement?.id).toBe("state"));
    expect($(el, "form")).toBeNull();
  });

  it("credentials rejected: Change credentials still offers the whole form", async () => {
    fakeWorker({ credentials: SAVED, connection: { status: "credentials_rejected", connectedAt: CONNECTED.connectedAt } });
    const el = await mount();
    await edit(el);
    expect(($(el, "#clientId") as HTMLInputElement).value).toBe(SAVED.clientId);
    button(el, "Cancel")!.click();
    await vi.waitFor(() => expect($(el, "#clientId")).toBeNull());
    expect($(el, "#clientSecret")).not.toBeNull();
  });

  it("dark palette (host pins color-scheme: dark) passes accessibility checks", async () => {
    fakeWorker({ credentials: SAVED, connection: CONNECTED });
    const el = await mount();
    el.style.colorScheme = "dark";
    const bg = getComputedStyle($(el, ".card")!).backgroundColor;
    expect(bg).not.toBe("rgb(255, 255, 255)");
    await accessible(el);
  });

  it("stays within 320 px without horizontal overflow", async () => {
    fakeWorker({ credentials: SAVED, connection: CONNECTED });
    const wrapper = await fixture<HTMLDivElement>(html`<div style="width: 320px"></div>`);
    const el = document.createElement("ninjaone-settings");
    el.apiBase = API;
    el.sessionToken = "good";
    wrapper.append(el);
    await loaded(el);
    const card = $(el, ".card")!;
    expect(card.getBoundingClientRect().width).toBeLessThanOrEqual(320);
    expect(card.scrollWidth).toBeLessThanOrEqual(card.clientWidth);
  });
});

describe("a layout led by the connection's state", () => {
  afterEach(async () => {
    await page.viewport(414, 896); // vitest's default
  });

  const states = [
    ["saved", { credentials: SAVED }, "Not connected", "#connect"],
    ["connected", { credentials: SAVED, connection: { ...CONNECTED, lastCheck: { at: minutesAgo(3), ok: true } } }, "Connected", "#check"],
    ["reconnect required", { credentials: SAVED, connection: { status: "reconnect_required", connectedAt: CONNECTED.connectedAt, scopes: CONNECTED.scopes } }, "Reconnect required", "#connect"],
    ["credentials rejected", { credentials: SAVED, connection: { status: "credentials_rejected", connectedAt: CONNECTED.connectedAt, scopes: CONNECTED.scopes } }, "Secret rejected", "#save"],
  ] as const;
  for (const [name, status, badge, action] of states) {
    it(`${name}: at 320 × 600 px the state and its main action show without scrolling`, async () => {
      await page.viewport(320, 600);
      fakeWorker(status as Partial<Status>);
      const el = await mount();
      expect(text($(el, "[part~='badge']"))).toBe(badge);
      for (const selector of ["[part~='badge']", "#state", action]) {
        const box = $(el, selector)!.getBoundingClientRect();
        expect(box.height, selector).toBeGreaterThan(0);
        expect(box.bottom, `${selector} is below the fold`).toBeLessThanOrEqual(600);
      }
      expect(document.documentElement.scrollWidth).toBeLessThanOrEqual(320);
    });
  }
});

describe("errors", () => {
  const flowCodes: ErrorCode[] = [
    "credentials_not_configured",
    "invalid_state",
    "state_expired",
    "access_denied",
    "redirect_uri_mismatch",
    "ninjaone_error",
    "token_exchange_failed",
    "ninjaone_unreachable",
  ];
  const apiCodes: [ErrorCode, number][] = [
    ["forbidden", 403],
    ["invalid_request", 400],
    ["not_found", 404],
    ["payload_too_large", 413],
    ["not_connected", 409],
    ["reconnect_required", 409],
    ["credentials_rejected", 409],
    ["storage_unavailable", 503],
    ["ninjaone_unreachable", 503],
    ["misconfigured", 503],
    ["internal", 500],
  ];

  for (const code of flowCodes) {
    it(`flow error ${code}: fixed message and what to do, from ?ninjaone_error=`, async () => {
      fakeWorker({ credentials: SAVED });
      history.replaceState(null, "", `?ninjaone_error=${code}`);
      const errors: unknown[] = [];
      document.addEventListener("ninjaone-error", (e) => errors.push((e as CustomEvent).detail), { once: true });
      const el = await mount();
      const notice = text($(el, "[part~='notice-error']"));
      expect(notice).toContain(en.errors[code].message);
      expect(notice).toContain(en.errors[code].action.split("{")[0]!.trim());
      if (code === "redirect_uri_mismatch") {
        expect(notice).toContain(REDIRECT_URI);
        expect(($(el, "details") as HTMLDetailsElement).open).toBe(true);
      }
      expect(errors).toEqual([{ code, message: en.errors[code].message }]);
      expect(announced(el)).toContain(en.errors[code].message);
      await accessible(el);
    });
  }

  for (const [code, status] of apiCodes) {
    it(`API error ${code} (${status}): fixed message, never the server's text`, async () => {
      const w = fakeWorker();
      w.override = () => json(status, { error: code, message: "SERVER TEXT <b>x</b>" });
      const el = await mount();
      const notice = text($(el, "[part~='notice-error']"));
      expect(notice).toContain(en.errors[code].message);
      expect(notice).toContain(en.errors[code].action);
      expect(text(el.shadowRoot)).not.toContain("SERVER TEXT");
      expect(button(el, "Try again")).not.toBeNull();
      await accessible(el);
    });
  }

  it("network failure: says the service could not be reached, and Try again reloads", async () => {
    const w = fakeWorker();
    w.override = () => Promise.reject(new TypeError("Failed to fetch"));
    const el = await mount();
    expect(text($(el, "[part~='notice-error']"))).toContain(en.errors.network_error.message);
    w.override = undefined;
    button(el, "Try again")!.click();
    await vi.waitFor(() => expect($(el, "form")).not.toBeNull());
    await accessible(el);
  });

  it("an unknown code in the URL shows a generic message, never the URL's text", async () => {
    fakeWorker({ credentials: SAVED });
    history.replaceState(null, "", "?ninjaone_error=Your+account+is+hacked+call+555");
    const el = await mount();
    expect(text($(el, "[part~='notice-error']"))).toContain(en.errors.unknown.message);
    expect(text(el.shadowRoot)).not.toMatch(/hacked|555/);
  });
});

describe("saving credentials", () => {
  it("sends region, client id and secret; clears the secret; fires the event; moves focus to Connect", async () => {
    const w = fakeWorker();
    const el = await mount();
    const save = $(el, "#save") as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    type($(el, "#region") as HTMLSelectElement, "eu");
    type($(el, "#clientId") as HTMLInputElement, "  my-client  ");
    await el.updateComplete;
    expect(save.disabled).toBe(true); // no secret yet
    type($(el, "#clientSecret") as HTMLInputElement, "s3cr3t-value-9876");
    await el.updateComplete;
    expect(save.disabled).toBe(false);
    const events: CustomEvent[] = [];
    el.addEventListener("ninjaone-credentials-saved", (e) => events.push(e));
    save.click();
    await vi.waitFor(() => expect(events).toHaveLength(1));
    const put = w.calls.find((c) => c.method === "PUT")!;
    expect(put).toMatchObject({ path: "/credentials", auth: "Bearer good" });
    expect(put.body).toEqual({ region: "eu", clientId: "my-client", clientSecret: "s3cr3t-value-9876" });
    await el.updateComplete;
    expect($(el, "form")).toBeNull(); // saved: the summary leads, the secret is gone with the form
    expect(text(el.shadowRoot)).not.toContain("s3cr3t");
    expect(events[0]!.bubbles && events[0]!.composed).toBe(true);
    expect(events[0]!.detail).toMatchObject({ region: "eu", clientId: "my-client" });
    expect(JSON.stringify(events[0]!.detail)).not.toMatch(/s3cr3t|9876/);
    expect(text($(el, "[part~='saved']"))).toContain("••••••••••••9876");
    expect(announced(el)).toBe("Credentials saved.");
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement?.id).toBe("connect"));
    expect(($(el, "#connect") as HTMLButtonElement).disabled).toBe(false);
  });

  it("the setup steps, open while nothing is saved, fold away once credentials are saved", async () => {
    fakeWorker();
    const el = await mount();
    const details = () => $(el, "details") as HTMLDetailsElement;
    expect(details().open).toBe(true);
    await new Promise((r) => setTimeout(r)); // the toggle event of the first render
    type($(el, "#region") as HTMLSelectElement, "eu");
    type($(el, "#clientId") as HTMLInputElement, "my-client");
    type($(el, "#clientSecret") as HTMLInputElement, "s3cr3t-value-9876");
    await el.updateComplete;
    ($(el, "#save") as HTMLButtonElement).click();
    await vi.waitFor(() => expect($(el, "[part~='saved']")).toBeTruthy());
    await el.updateComplete;
    expect(details().open).toBe(false);
    // The user can still open them, and that choice sticks across status updates.
    details().open = true;
    await new Promise((r) => setTimeout(r));
    await el.updateComplete;
    expect(details().open).toBe(true);
  });

  it("with a saved secret: a blank field keeps it (nothing is sent); a new client id needs a secret", async () => {
    const w = fakeWorker({ credentials: SAVED });
    const el = await mount();
    await edit(el);
    const save = $(el, "#save") as HTMLButtonElement;
    const secret = $(el, "#clientSecret") as HTMLInputElement;
    expect(secret.value).toBe("");
    expect(secret.required).toBe(false);
    expect(text($(el, "#clientSecret-hint"))).toBe("Leave blank to keep the saved secret.");
    expect(save.disabled).toBe(true); // with the same app and a blank secret there is nothing to save
    save.click();
    ($(el, "form") as HTMLFormElement).requestSubmit(); // Enter in a field
    await new Promise((r) => setTimeout(r, 50));
    expect(w.calls.filter((c) => c.method === "PUT")).toEqual([]);
    expect(text($(el, "[part~='saved']"))).toContain(`••••••••••••${SAVED.secretLast4}`); // still the saved one

    type($(el, "#clientId") as HTMLInputElement, "other-client");
    await el.updateComplete;
    expect(save.disabled).toBe(true);
    expect(text($(el, "#clientSecret-hint"))).toBe("Enter the secret for the new Client ID or region.");
    ($(el, "form") as HTMLFormElement).requestSubmit();
    await new Promise((r) => setTimeout(r, 50));
    expect(w.calls.filter((c) => c.method === "PUT")).toEqual([]);
  });

  it("clears the Client Secret after every successful save, even one that changes nothing else", async () => {
    const w = fakeWorker({ credentials: SAVED });
    // A save answered with the same `updatedAt` (twice within the same millisecond) does not refill the form by itself.
    w.override = (call) => (call.method === "PUT" ? json(200, w.status) : undefined);
    const el = await mount();
    await edit(el);
    type($(el, "#clientSecret") as HTMLInputElement, "rotated-secret-0000");
    await el.updateComplete;
    ($(el, "#save") as HTMLButtonElement).click();
    await vi.waitFor(() => expect(announced(el)).toBe("Credentials saved."));
    await el.updateComplete;
    expect(w.calls.find((c) => c.method === "PUT")!.body).toEqual({ region: "eu", clientId: SAVED.clientId, clientSecret: "rotated-secret-0000" });
    expect($(el, "form")).toBeNull(); // saved: the form closes
    await edit(el);
    expect(($(el, "#clientSecret") as HTMLInputElement).value).toBe("");
    expect(text(el.shadowRoot)).not.toContain("rotated-secret-0000");
  });

  it("shows the worker's field errors tied to their inputs and focuses the first one", async () => {
    const w = fakeWorker();
    w.override = (call) =>
      call.method === "PUT"
        ? json(400, { error: "invalid_request", message: "Invalid.", fields: { clientId: "Client ID looks wrong." } })
        : undefined;
    const el = await mount();
    const errors: CustomEvent[] = [];
    el.addEventListener("ninjaone-error", (e) => errors.push(e));
    type($(el, "#clientId") as HTMLInputElement, "bad id");
    type($(el, "#clientSecret") as HTMLInputElement, "whatever-secret");
    await el.updateComplete;
    ($(el, "#save") as HTMLButtonElement).click();
    await vi.waitFor(() => expect($(el, "#clientId")!.getAttribute("aria-invalid")).toBe("true"));
    const input = $(el, "#clientId")!;
    const describedBy = input.getAttribute("aria-describedby")!.split(" ");
    const messages = describedBy.map((id) => text(el.shadowRoot!.getElementById(id)));
    expect(messages).toContain("Client ID looks wrong.");
    expect($(el, "#clientSecret")!.getAttribute("aria-invalid")).toBe("false");
    expect(($(el, "#clientSecret") as HTMLInputElement).value).toBe("whatever-secret"); // kept to fix and retry
    expect(errors.map((e) => e.detail.code)).toEqual(["invalid_request"]);
    expect(JSON.stringify(errors[0]!.detail)).not.toContain("whatever-secret");
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement).toBe(input));
    await accessible(el);
  });

  it("while the worker checks the credentials with NinjaOne, Save says so; a refused secret shows at its field", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const w = fakeWorker();
    w.override = (call) =>
      call.method === "PUT"
        ? gate.then(() => json(400, { error: "invalid_request", message: "Invalid.", fields: { clientSecret: "NinjaOne rejected this Client Secret for this Client ID." } }))
        : undefined;
    const el = await mount();
    type($(el, "#clientId") as HTMLInputElement, "my-client");
    type($(el, "#clientSecret") as HTMLInputElement, "wrong-secret");
    await el.updateComplete;
    const save = $(el, "#save") as HTMLButtonElement;
    save.click();
    await el.updateComplete;
    expect(text(save)).toBe("Checking with NinjaOne…");
    expect(save.getAttribute("aria-disabled")).toBe("true");
    release();
    const secret = $(el, "#clientSecret")!;
    await vi.waitFor(() => expect(secret.getAttribute("aria-invalid")).toBe("true"));
    expect(text(el.shadowRoot!.getElementById("clientSecret-error"))).toBe("NinjaOne rejected this Client Secret for this Client ID.");
    expect(secret.getAttribute("aria-describedby")).toContain("clientSecret-error");
    expect($(el, "#clientId")!.getAttribute("aria-invalid")).toBe("false");
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement).toBe(secret));
    expect(text(save)).toBe("Save credentials");
  });

  it("the Show/Hide toggle says which it will do", async () => {
    fakeWorker();
    const el = await mount();
    const secret = $(el, "#clientSecret") as HTMLInputElement;
    const toggle = $(el, "[part~='secret-toggle']") as HTMLButtonElement;
    expect(toggle.type).toBe("button");
    expect(secret.type).toBe("password");
    expect([text(toggle), toggle.getAttribute("aria-label")]).toEqual(["Show", "Show client secret"]);
    toggle.click();
    await el.updateComplete;
    expect(secret.type).toBe("text");
    expect([text(toggle), toggle.getAttribute("aria-label")]).toEqual(["Hide", "Hide client secret"]);
    toggle.click();
    await el.updateComplete;
    expect(secret.type).toBe("password");
    expect([text(toggle), toggle.getAttribute("aria-label")]).toEqual(["Show", "Show client secret"]);
  });
});

describe("connecting", () => {
  const LAUNCH = `${API}/api/integrations/ninjaone/launch`;
  const READY = { type: "ninjaone:launch-ready" };
  const frames: HTMLIFrameElement[] = [];
  afterEach(() => {
    for (const frame of frames.splice(0)) frame.remove();
  });

  /** A real window (an iframe's) stands in for the popup: `event.source` must be a window, and removing the frame closes it. */
  function newWindow(): { win: Window; close: () => void } {
    const frame = document.createElement("iframe");
    document.body.append(frame);
    frames.push(frame);
    return { win: frame.contentWindow!, close: () => frame.remove() };
  }

  /** The popup (or a blocker: `window.open` answering null, or a window already closed), and the forms the widget submits. */
  function stubPopup(opts: { blocked?: "null" | "closed" } = {}) {
    const { win: popup, close: closePopup } = newWindow();
    const posted: { message: unknown; targetOrigin: string }[] = [];
    vi.spyOn(popup, "postMessage").mockImplementation(((message: unknown, targetOrigin: string) => {
      posted.push({ message, targetOrigin });
    }) as Window["postMessage"]);
    const close = vi.spyOn(popup, "close").mockImplementation(() => undefined);
    if (opts.blocked === "closed") closePopup();
    const open = vi.spyOn(window, "open").mockImplementation(() => (opts.blocked === "null" ? null : popup));
    const forms: { action: string; method: string; target: string; fields: Record<string, string> }[] = [];
    vi.spyOn(HTMLFormElement.prototype, "submit").mockImplementation(function (this: HTMLFormElement) {
      expect(this.isConnected).toBe(true);
      forms.push({
        action: this.action,
        method: this.method,
        target: this.target,
        fields: Object.fromEntries([...new FormData(this)].map(([k, v]) => [k, String(v)])),
      });
    });
    /** A message as the browser delivers it: by default from the popup, at the worker's origin. */
    const send = (data: unknown, origin = API, source: Window | null = popup) =>
      window.dispatchEvent(new MessageEvent("message", { origin, source, data }));
    return { popup, closePopup, close, open, forms, posted, send };
  }

  const settle = () => new Promise((r) => setTimeout(r, 50));

  it("opens the worker's launch page in a popup on click, and gives it a fresh token when it asks", async () => {
    fakeWorker({ credentials: SAVED });
    const getSessionToken = vi.fn(async () => "good");
    const el = await mount({ getSessionToken });
    const { open, posted, send, forms } = stubPopup();
    ($(el, "#connect") as HTMLButtonElement).click();
    expect(open).toHaveBeenCalledTimes(1); // in the click itself, before any await
    const [url, , features] = open.mock.calls[0]!;
    expect(url).toBe(`${LAUNCH}?origin=${encodeURIComponent(location.origin)}`);
    expect(features).toContain("popup");
    await el.updateComplete;
    expect(text($(el, "#connect"))).toBe("Connecting…");
    await settle();
    expect(posted).toEqual([]); // nothing until the launch page asks
    expect(getSessionToken).not.toHaveBeenCalled();

    send(READY);
    await vi.waitFor(() => expect(posted).toHaveLength(1));
    expect(getSessionToken).toHaveBeenCalledTimes(1);
    expect(posted[0]).toEqual({
      message: { type: "ninjaone:launch-token", token: "good", returnTo: location.href },
      targetOrigin: API,
    });
    expect(forms).toEqual([]); // the host page itself posts nothing: its Origin may be null
  });

  it("each element opens its own named popup, and reuses it: another page's widget never takes it over", async () => {
    fakeWorker({ credentials: SAVED });
    const first = await mount();
    const second = await mount();
    const { open, send } = stubPopup();
    ($(first, "#connect") as HTMLButtonElement).click();
    send({ type: "ninjaone:connect-result", ok: false, error: "access_denied" }); // ends the first flow
    await vi.waitFor(() => expect(text($(first, "#connect"))).toBe(en.connect));
    ($(first, "#connect") as HTMLButtonElement).click();
    ($(second, "#connect") as HTMLButtonElement).click();
    const names = open.mock.calls.map(([, name]) => name);
    expect(names[0]).toMatch(/^ninjaone-connect-\w+$/);
    expect(names[1]).toBe(names[0]); // the same element: its own window again
    expect(names[2]).not.toBe(names[0]); // another element (in another tab alike): a window of its own
  });

  it("answers the launch page only in its own popup and only at the worker's origin", async () => {
    fakeWorker({ credentials: SAVED });
    const el = await mount();
    const { posted, send } = stubPopup();
    const other = newWindow().win;
    ($(el, "#connect") as HTMLButtonElement).click();
    send(READY, "https://evil.example"); // the popup, navigated elsewhere
    send(READY, location.origin);
    send(READY, API, other); // another window at the worker's origin
    send(READY, API, null);
    await settle();
    expect(posted).toEqual([]);
    send(READY);
    await vi.waitFor(() => expect(posted).toHaveLength(1));
  });

  it("without a token for the launch page, closes the popup and says the session expired", async () => {
    fakeWorker({ credentials: SAVED });
    const el = await mount({ getSessionToken: () => Promise.reject(new Error("host backend down")) });
    const { close, posted, send } = stubPopup();
    ($(el, "#connect") as HTMLButtonElement).click();
    send(READY);
    await vi.waitFor(() => expect(text($(el, "[part~='notice-error']"))).toContain("Your session has expired."));
    expect(close).toHaveBeenCalled();
    expect(posted).toEqual([]);
    expect(text($(el, "#connect"))).toBe("Connect to NinjaOne");
  });

  it("Connect is disabled without saved credentials and does nothing", async () => {
    fakeWorker();
    const el = await mount();
    const { open } = stubPopup();
    const connect = $(el, "#connect") as HTMLButtonElement;
    expect(connect.disabled).toBe(true);
    connect.click();
    expect(open).not.toHaveBeenCalled();
  });

  it("ignores result messages from any origin but the worker's and from any window but the popup", async () => {
    const w = fakeWorker({ credentials: SAVED });
    const el = await mount();
    const { send } = stubPopup();
    const other = newWindow().win;
    const connected: CustomEvent[] = [];
    el.addEventListener("ninjaone-connected", (e) => connected.push(e));
    ($(el, "#connect") as HTMLButtonElement).click();
    w.status = { ...w.status, connection: CONNECTED };
    const result = { type: "ninjaone:connect-result", ok: true };
    send(result, "https://evil.example");
    send(result, location.origin);
    send(result, API, other);
    await settle();
    expect(connected).toHaveLength(0);
    expect(text($(el, "[part~='badge']"))).toBe("Not connected");

    send(result);
    await vi.waitFor(() => expect(connected).toHaveLength(1));
    expect(connected[0]!.detail).toMatchObject({ region: "eu", scopes: CONNECTED.scopes });
    expect(text($(el, "[part~='badge']"))).toBe("Connected");
    expect(announced(el)).toBe("NinjaOne connected.");
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement?.id).toBe("state"));
  });

  it("ignores a connect-result message that arrives when no popup flow is pending", async () => {
    const w = fakeWorker({ credentials: SAVED });
    const el = await mount();
    const events: Event[] = [];
    el.addEventListener("ninjaone-connected", (e) => events.push(e));
    el.addEventListener("ninjaone-error", (e) => events.push(e));
    const calls = w.calls.length;
    const stray = newWindow().win;
    for (const source of [null, stray]) {
      for (const data of [{ type: "ninjaone:connect-result", ok: true }, { type: "ninjaone:connect-result", ok: false, error: "access_denied" }]) {
        window.dispatchEvent(new MessageEvent("message", { origin: API, source, data }));
      }
    }
    await settle();
    await el.updateComplete;
    expect(events).toEqual([]);
    expect($(el, "[part~='notice']")).toBeNull();
    expect(w.calls.length).toBe(calls); // not even a status check
    expect(text($(el, "[part~='badge']"))).toBe("Not connected");
  });

  it("a failed result shows that code's message; a later one from the same popup is ignored", async () => {
    fakeWorker({ credentials: SAVED });
    const el = await mount();
    const { send } = stubPopup();
    const connected = vi.fn();
    el.addEventListener("ninjaone-connected", connected);
    ($(el, "#connect") as HTMLButtonElement).click();
    send({ type: "ninjaone:connect-result", ok: false, error: "access_denied" });
    await vi.waitFor(() => expect(text($(el, "[part~='notice-error']"))).toContain(en.errors.access_denied.message));
    expect(text($(el, "#connect"))).toBe("Connect to NinjaOne");
    send({ type: "ninjaone:connect-result", ok: true });
    await settle();
    expect(connected).not.toHaveBeenCalled();
  });

  it("polls the status while the popup is open and stops once connected", async () => {
    const w = fakeWorker({ credentials: SAVED });
    const el = await mount();
    el.pollInterval = 30;
    stubPopup();
    const connected = vi.fn();
    el.addEventListener("ninjaone-connected", connected);
    ($(el, "#connect") as HTMLButtonElement).click();
    await new Promise((r) => setTimeout(r, 100));
    expect(connected).not.toHaveBeenCalled();
    w.status = { ...w.status, connection: CONNECTED };
    await vi.waitFor(() => expect(connected).toHaveBeenCalledTimes(1));
    const polls = w.calls.length;
    await new Promise((r) => setTimeout(r, 120));
    expect(w.calls.length).toBe(polls);
  });

  it("a session-token for another tenant ends the previous tenant's popup flow", async () => {
    const acme = widgetToken({ tenant: "acme" });
    const globex = widgetToken({ tenant: "globex" });
    const w = fakeWorker({ credentials: SAVED });
    w.tokens = new Set([acme, globex]);
    const el = await mount({ token: acme });
    el.pollInterval = 30;
    const { send } = stubPopup();
    const connected = vi.fn();
    el.addEventListener("ninjaone-connected", connected);
    ($(el, "#connect") as HTMLButtonElement).click();
    await new Promise((r) => setTimeout(r, 80));
    el.sessionToken = globex;
    await loaded(el);
    const calls = w.calls.length;
    await new Promise((r) => setTimeout(r, 120));
    expect(w.calls.length).toBe(calls); // no more polling
    send({ type: "ninjaone:connect-result", ok: true });
    await settle();
    expect(connected).not.toHaveBeenCalled();
    expect(text($(el, "#connect"))).toBe(en.connect); // globex's card, not acme's flow
  });

  it("stops polling when the popup is closed without a result", async () => {
    const w = fakeWorker({ credentials: SAVED });
    const el = await mount();
    el.pollInterval = 30;
    const { closePopup } = stubPopup();
    ($(el, "#connect") as HTMLButtonElement).click();
    await el.updateComplete;
    expect(text($(el, "#connect"))).toBe("Connecting…");
    const errors: CustomEvent[] = [];
    el.addEventListener("ninjaone-error", (e) => errors.push(e as CustomEvent));
    closePopup();
    await vi.waitFor(() => expect(text($(el, "#connect"))).toBe("Connect to NinjaOne"));
    const polls = w.calls.length;
    await new Promise((r) => setTimeout(r, 120));
    expect(w.calls.length).toBe(polls);
    // NinjaOne's 404 for an unknown Client ID ends like this: the user is told what to check.
    expect(text($(el, "[part~='notice']"))).toContain(en.errors.popup_closed.message);
    expect(text($(el, "[part~='notice']"))).toContain("check the Client ID and the region");
    expect(errors.map((e) => e.detail.code)).toEqual(["popup_closed"]);
  });

  it("a sign-in window closed without a result gives a neutral notice, and Try again opens it again", async () => {
    fakeWorker({ credentials: SAVED });
    const el = await mount();
    el.pollInterval = 30;
    const { closePopup, open } = stubPopup();
    ($(el, "#connect") as HTMLButtonElement).click();
    closePopup();
    const notice = await vi.waitFor(() => {
      expect($(el, "[part~='notice']")).not.toBeNull();
      return $(el, "[part~='notice']")!;
    });
    expect(notice.getAttribute("part")).toBe("notice notice-info");
    expect($(el, "[part~='notice-error']")).toBeNull();
    expect(text(notice)).toContain(en.errors.popup_closed.message);
    expect(text(notice)).not.toContain(en.errorPrefix);
    expect(announced(el)).toBe(en.errors.popup_closed.message); // no "Error:"
    expect(getComputedStyle(notice).color).not.toBe(getComputedStyle($(el, "#disconnect")!).color); // not the danger color
    await accessible(el);
    const tryAgain = button(el, "Try again")!;
    expect(notice.contains(tryAgain)).toBe(true);
    const again = newWindow().win;
    open.mockImplementation(() => again);
    tryAgain.click();
    expect(open).toHaveBeenCalledTimes(2); // in the click itself: a popup is allowed only there
    await el.updateComplete;
    expect(text($(el, "#connect"))).toBe("Connecting…");
    expect($(el, "[part~='notice']")).toBeNull();
  });

  it("other flow errors keep their red notice, fixed text and remedy", async () => {
    fakeWorker({ credentials: SAVED });
    const el = await mount();
    const { send } = stubPopup();
    ($(el, "#connect") as HTMLButtonElement).click();
    send({ type: "ninjaone:connect-result", ok: false, error: "redirect_uri_mismatch" });
    const notice = await vi.waitFor(() => {
      expect($(el, "[part~='notice-error']")).not.toBeNull();
      return $(el, "[part~='notice-error']")!;
    });
    expect(text(notice)).toBe(`${en.errorPrefix} ${en.errors.redirect_uri_mismatch.message} ${en.errors.redirect_uri_mismatch.action.replace("{redirectUri}", REDIRECT_URI)}`);
    expect(button(el, "Try again")).toBeNull();
  });

  for (const blocked of ["null", "closed"] as const) {
    it(`a blocked popup (window.open answers ${blocked === "null" ? "null" : "a closed window"}) falls back to redirect mode`, async () => {
      const w = fakeWorker({ credentials: SAVED });
      const el = await mount();
      const { open, forms } = stubPopup({ blocked });
      ($(el, "#connect") as HTMLButtonElement).click();
      expect(open).toHaveBeenCalledTimes(1);
      await vi.waitFor(() => expect(forms).toHaveLength(1));
      expect(w.calls.find((c) => c.path === "/launch-ticket")).toMatchObject({ method: "POST", auth: "Bearer good" });
      expect(w.tickets).toEqual([{ returnTo: location.href }]);
      expect(forms[0]).toEqual({ method: "get", action: LAUNCH, target: "", fields: { ticket: TICKET } });
    });
  }

  it('mode="redirect" gets a ticket, then this tab opens the launch page; no popup', async () => {
    const w = fakeWorker({ credentials: SAVED });
    const el = await mount({ mode: "redirect" });
    const { open, forms } = stubPopup();
    ($(el, "#connect") as HTMLButtonElement).click();
    await vi.waitFor(() => expect(forms).toHaveLength(1));
    expect(open).not.toHaveBeenCalled();
    expect(w.tickets).toEqual([{ returnTo: location.href }]);
    expect(forms[0]).toMatchObject({ method: "get", action: LAUNCH, fields: { ticket: TICKET } });
  });

  it("redirect mode: a refused ticket shows its error, stays on the page and offers Connect again", async () => {
    const w = fakeWorker({ credentials: SAVED });
    w.override = (call) => (call.path === "/launch-ticket" ? json(403, { error: "forbidden", message: "SERVER TEXT" }) : undefined);
    const el = await mount({ mode: "redirect" });
    const { forms } = stubPopup();
    ($(el, "#connect") as HTMLButtonElement).click();
    await vi.waitFor(() => expect(text($(el, "[part~='notice-error']"))).toContain(en.errors.forbidden.message));
    expect(forms).toEqual([]);
    expect(text($(el, "#connect"))).toBe("Connect to NinjaOne");
    expect(text(el.shadowRoot)).not.toContain("SERVER TEXT");
  });

  it("back from a redirect: ?ninjaone=connected is announced, fires the event and is stripped", async () => {
    fakeWorker({ credentials: SAVED, connection: CONNECTED });
    history.replaceState(null, "", "?tab=integrations&ninjaone=connected#top");
    const connected = vi.fn();
    document.addEventListener("ninjaone-connected", connected, { once: true });
    const el = await mount();
    expect(location.search).toBe("?tab=integrations");
    expect(location.hash).toBe("#top");
    expect(text($(el, "[part~='notice-success']"))).toBe("NinjaOne connected.");
    expect(connected).toHaveBeenCalledTimes(1);
  });

  it("back from a redirect: ?ninjaone_error= is shown and stripped; the return URL never carries it", async () => {
    fakeWorker({ credentials: SAVED });
    history.replaceState(null, "", "?a=1&ninjaone_error=state_expired");
    const el = await mount();
    expect(location.search).toBe("?a=1");
    expect(text($(el, "[part~='notice-error']"))).toContain(en.errors.state_expired.message);
    const { posted, send } = stubPopup();
    ($(el, "#connect") as HTMLButtonElement).click();
    send(READY);
    await vi.waitFor(() => expect(posted).toHaveLength(1));
    expect((posted[0]!.message as { returnTo: string }).returnTo).toBe(`${location.origin}${location.pathname}?a=1`);
  });

  it("a crafted ?ninjaone=connected claims nothing when the status is not connected", async () => {
    fakeWorker({ credentials: SAVED });
    history.replaceState(null, "", "?ninjaone=connected");
    const connected = vi.fn();
    document.addEventListener("ninjaone-connected", connected, { once: true });
    const el = await mount();
    expect(location.search).toBe("");
    expect($(el, "[part~='notice-success']")).toBeNull();
    expect(connected).not.toHaveBeenCalled();
  });
});

describe("session tokens", () => {
  it("a 401 calls getSessionToken once and retries with the fresh token", async () => {
    const w = fakeWorker();
    w.tokens = new Set(["fresh"]);
    const getSessionToken = vi.fn(async () => "fresh");
    const el = await mount({ token: "stale", getSessionToken });
    expect($(el, "form")).not.toBeNull();
    expect(getSessionToken).toHaveBeenCalledTimes(1);
    expect(w.calls.map((c) => c.auth)).toEqual(["Bearer stale", "Bearer fresh"]);
  });

  it("a second 401 shows the session-expired message", async () => {
    const w = fakeWorker();
    w.tokens = new Set();
    const getSessionToken = vi.fn(async () => "still-bad");
    const errors: string[] = [];
    document.addEventListener("ninjaone-error", (e) => errors.push(e.detail.code), { once: true });
    const el = await mount({ token: "stale", getSessionToken });
    expect(getSessionToken).toHaveBeenCalledTimes(1);
    expect(w.calls).toHaveLength(2);
    expect(text($(el, "[part~='notice-error']"))).toContain("Your session has expired.");
    expect(errors).toEqual(["unauthorized"]);
  });

  it("without a session-token attribute, asks getSessionToken first", async () => {
    const w = fakeWorker();
    const getSessionToken = vi.fn(async () => "good");
    const el = await mount({ token: null, getSessionToken });
    expect($(el, "form")).not.toBeNull();
    expect(w.calls.map((c) => c.auth)).toEqual(["Bearer good"]);
    expect(el.hasAttribute("session-token")).toBe(false);
  });

  /** Two tenants behind one fake worker: `acme` connected, `globex` with nothing saved. */
  function twoTenants() {
    const acme = widgetToken({ tenant: "acme", iat: 1 });
    const globex = widgetToken({ tenant: "globex" });
    const w = fakeWorker({ credentials: SAVED, connection: CONNECTED });
    w.tokens = new Set([acme, globex, widgetToken({ tenant: "acme", iat: 2 })]);
    const nothingSaved: Status = { ...w.status, credentials: null, connection: { status: "not_connected" } };
    const overrides: ((call: Call) => Response | Promise<Response | undefined> | undefined)[] = [];
    w.override = (call) => {
      for (const o of overrides) {
        const r = o(call);
        if (r) return r;
      }
      return call.auth === `Bearer ${globex}` && call.path === "/status" ? json(200, nothingSaved) : undefined;
    };
    return { w, acme, globex, overrides };
  }

  it("a session-token for another tenant starts the card over with that tenant's status", async () => {
    const { w, acme, globex } = twoTenants();
    const el = await mount({ token: acme });
    expect(text($(el, "[part~='saved']"))).toContain(SAVED.clientId);
    const states: string[] = [];
    el.addEventListener("ninjaone-status", (e) => states.push(e.detail.state));
    el.sessionToken = globex;
    await el.updateComplete;
    // nothing of acme's stays on the card while globex's status loads
    expect(text(el.shadowRoot)).not.toContain(SAVED.clientId);
    await loaded(el);
    expect(($(el, "#clientId") as HTMLInputElement).value).toBe("");
    expect(text($(el, "[part~='badge']"))).toBe(en.badgeNotConfigured);
    expect(states).toEqual(["not-configured"]);
    expect(w.calls.at(-1)).toMatchObject({ path: "/status", auth: `Bearer ${globex}` });
  });

  for (const outcome of ["status", "error"] as const) {
    it(`an answer (${outcome}) that comes back for the previous tenant never reaches the next one's card`, async () => {
      const { w, acme, globex, overrides } = twoTenants();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const acmeChecked = { ...w.status, connection: { ...CONNECTED, lastCheck: { at: new Date().toISOString(), ok: true } } };
      const answer = outcome === "status" ? json(200, acmeChecked) : json(409, { error: "reconnect_required", message: "x" });
      overrides.push((call) => (call.path === "/check" ? gate.then(() => answer) : undefined));
      const el = await mount({ token: acme });
      const errors: string[] = [];
      el.addEventListener("ninjaone-error", (e) => errors.push(e.detail.code));
      ($(el, "#check") as HTMLButtonElement).click(); // acme's check, still running when the host switches
      await el.updateComplete;
      el.sessionToken = globex;
      await loaded(el);
      release();
      await settle();
      expect(text($(el, "[part~='badge']"))).toBe(en.badgeNotConfigured);
      expect(text(el.shadowRoot)).not.toContain(SAVED.clientId);
      expect($(el, "[part~='notice']")).toBeNull();
      expect(errors).toEqual([]);
      expect($(el, "#save")).not.toBeNull(); // not stuck in acme's busy check
    });
  }

  it("a fresh session-token of the same tenant keeps the card, and what is typed, as it is", async () => {
    const { w, acme } = twoTenants();
    const el = await mount({ token: acme });
    await edit(el);
    type($(el, "#clientSecret") as HTMLInputElement, "typed-secret");
    const calls = w.calls.length;
    el.sessionToken = widgetToken({ tenant: "acme", iat: 2 });
    await el.updateComplete;
    await settle();
    expect(w.calls).toHaveLength(calls);
    expect(($(el, "#clientSecret") as HTMLInputElement).value).toBe("typed-secret");
  });

  it("a session token set after a 401 loads the status", async () => {
    fakeWorker();
    const el = await mount({ token: "stale" });
    expect(text($(el, "[part~='notice-error']"))).toContain("Your session has expired.");
    el.sessionToken = "good";
    await vi.waitFor(() => expect($(el, "form")).not.toBeNull());
  });
});

describe("disconnecting", () => {
  it("asks for confirmation that says the credentials go too; Cancel returns focus", async () => {
    const w = fakeWorker({ credentials: SAVED, connection: CONNECTED });
    const el = await mount();
    button(el, "Disconnect")!.click();
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement?.id).toBe("confirm-no"));
    expect(text($(el, "[part~='confirm']"))).toContain("removes the saved Client ID and Client Secret");
    await accessible(el);
    button(el, "Cancel")!.click();
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement?.id).toBe("disconnect"));
    expect(w.calls.some((c) => c.path === "/disconnect")).toBe(false);
  });

  it("confirmed: posts /disconnect, fires the event, empties the form and focuses it", async () => {
    const w = fakeWorker({ credentials: SAVED, connection: CONNECTED });
    const el = await mount();
    const disconnected = vi.fn();
    el.addEventListener("ninjaone-disconnected", disconnected);
    button(el, "Disconnect")!.click();
    await el.updateComplete;
    button(el, "Disconnect and remove credentials")!.click();
    await vi.waitFor(() => expect(disconnected).toHaveBeenCalledTimes(1));
    expect(w.calls.find((c) => c.path === "/disconnect")).toMatchObject({ method: "POST", auth: "Bearer good" });
    expect(text($(el, "[part~='badge']"))).toBe("Not set up");
    expect(($(el, "#clientId") as HTMLInputElement).value).toBe("");
    expect(announced(el)).toBe("Disconnected; credentials removed.");
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement?.id).toBe("clientId"));
  });
});

describe("host integration", () => {
  it("copy button copies the exact redirect URI and says so", async () => {
    fakeWorker();
    const el = await mount();
    const write = vi.spyOn(navigator.clipboard, "writeText").mockResolvedValue(undefined);
    const copy = button(el, "Copy redirect URI")!;
    copy.click();
    await vi.waitFor(() => expect(text(copy)).toBe("Copied"));
    expect(write).toHaveBeenCalledWith(REDIRECT_URI);
    expect(announced(el)).toBe("Redirect URI copied.");
  });

  it("copy falls back to selecting the address when the clipboard is refused", async () => {
    fakeWorker();
    const el = await mount();
    vi.spyOn(navigator.clipboard, "writeText").mockRejectedValue(new DOMException("denied", "NotAllowedError"));
    button(el, "Copy redirect URI")!.click();
    await vi.waitFor(() => expect(announced(el)).toContain("press Ctrl+C"));
    expect(String(getSelection())).toBe(REDIRECT_URI);
  });

  it("strings overrides any text; lang selects a registered translation", async () => {
    fakeWorker({ credentials: SAVED });
    NinjaOneSettings.translations.de = { connect: "Mit NinjaOne verbinden", save: "Speichern" };
    const el = await mount({ lang: "de-CH", strings: { save: "Zugangsdaten sichern", errors: { access_denied: { message: "Zugriff verweigert." } } } });
    expect(text($(el, "#connect"))).toBe("Mit NinjaOne verbinden");
    await edit(el);
    expect(text($(el, "#save"))).toBe("Zugangsdaten sichern");
    history.replaceState(null, "", "?ninjaone_error=access_denied");
    const el2 = await mount({ strings: { errors: { access_denied: { message: "Zugriff verweigert." } } } });
    const notice = text($(el2, "[part~='notice-error']"));
    expect(notice).toContain("Zugriff verweigert.");
    expect(notice).toContain(en.errors.access_denied.action);
  });

  it("properties a host set before the element was defined survive its upgrade", async () => {
    fakeWorker();
    const el = document.createElement("ninjaone-settings-late") as NinjaOneSettings; // not defined yet
    el.setAttribute("api-base", API);
    const getSessionToken = async () => "good";
    Object.assign(el, { pollInterval: 30, mode: "redirect", getSessionToken, strings: { title: "Early" } });
    document.body.append(el);
    try {
      customElements.define("ninjaone-settings-late", class extends NinjaOneSettings {});
      await loaded(el);
      expect([el.pollInterval, el.mode, el.getSessionToken, el.strings]).toEqual([30, "redirect", getSessionToken, { title: "Early" }]);
      expect(text($(el, "#title"))).toBe("Early");
    } finally {
      el.remove();
    }
  });

  it("including the script twice does not throw", async () => {
    const first = customElements.get("ninjaone-settings");
    // a second copy of the module (a new URL is a new module instance) runs the define guard again
    await expect(import(/* @vite-ignore */ `../../widget/ninjaone-settings.ts?again=${Date.now()}`)).resolves.toBeDefined();
    expect(customElements.get("ninjaone-settings")).toBe(first);
  });
});

describe("Test connection and the last check", () => {
  const connected = (lastCheck?: Status["connection"]["lastCheck"], extra: Partial<Status["connection"]> = {}) =>
    fakeWorker({ credentials: SAVED, connection: { ...CONNECTED, ...(lastCheck && { lastCheck }), ...extra } });
  const lastCheck = (el: NinjaOneSettings) => {
    const row = [...el.shadowRoot!.querySelectorAll("[part~='details'] > div")].find((d) => text(d.querySelector("dt")) === "Last check");
    return row ? text(row.querySelector("dd")) : undefined;
  };

  it("posts /check with the widget token, says so while it runs, then shows the result in words", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const w = connected();
    const el = await mount();
    expect(lastCheck(el)).toBeUndefined();
    const inner = w.override;
    w.override = (call) => (call.path === "/check" ? gate.then(() => undefined) : inner?.(call));
    const check = $(el, "#check") as HTMLButtonElement;
    expect(text(check)).toBe("Test connection");
    check.click();
    await el.updateComplete;
    expect(text(check)).toBe("Testing…");
    expect(check.getAttribute("aria-disabled")).toBe("true");
    check.click(); // a second click while it runs sends nothing more
    release();
    await vi.waitFor(() => expect(lastCheck(el)).toMatch(/^Checked \d+ seconds? ago: NinjaOne answered\.$/));
    expect(w.calls.filter((c) => c.path === "/check")).toEqual([expect.objectContaining({ method: "POST", auth: "Bearer good" })]);
    expect(text(check)).toBe("Test connection");
    expect(announced(el)).toBe(lastCheck(el));
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement).toBe(check));
  });

  it("the last check in words, with the time relative to now", async () => {
    connected({ at: minutesAgo(2), ok: true });
    const el = await mount();
    expect(lastCheck(el)).toBe("Checked 2 minutes ago: NinjaOne answered.");
  });

  const failures = [
    ["unauthorized", "Checked 5 hours ago: NinjaOne refused the connection's access. Reconnect."],
    ["scope_missing", "Checked 5 hours ago: the client app lacks the Monitoring scope. Add it in NinjaOne, then reconnect."],
    ["ninjaone_unreachable", "Checked 5 hours ago: NinjaOne could not be reached."],
    ["ninjaone_error", "Checked 5 hours ago: NinjaOne answered with an error."],
  ] as const;
  for (const [error, words] of failures) {
    it(`a failed check (${error}) says what failed, in the warning color`, async () => {
      connected({ at: minutesAgo(5 * 60), ok: false, error });
      const el = await mount();
      expect(lastCheck(el)).toBe(words);
      expect($(el, "[part~='details'] .warn")).not.toBeNull();
      await accessible(el);
    });
  }

  it("a check that finds the connection gone shows the error and the new state", async () => {
    const w = connected();
    const el = await mount();
    w.status = { ...w.status, connection: { status: "reconnect_required", connectedAt: CONNECTED.connectedAt } };
    ($(el, "#check") as HTMLButtonElement).click();
    await vi.waitFor(() => expect(text($(el, "[part~='badge']"))).toBe("Reconnect required"));
    expect(text($(el, "[part~='notice-error']"))).toContain(en.errors.reconnect_required.message);
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement?.id).toBe("state"));
  });

  it("only the connected state offers Test connection", async () => {
    for (const connection of [{ status: "not_connected" }, { status: "reconnect_required" }, { status: "credentials_rejected" }] as const) {
      fakeWorker({ credentials: SAVED, connection });
      const el = await mount();
      expect($(el, "#check"), connection.status).toBeNull();
      fixtureCleanup();
      vi.restoreAllMocks();
    }
  });
});

describe("coming back to the page", () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const loads = (w: ReturnType<typeof fakeWorker>) => w.calls.filter((c) => c.path === "/status").length;
  const comeBack = (how: "focus" | "visible") =>
    how === "focus" ? window.dispatchEvent(new Event("focus")) : document.dispatchEvent(new Event("visibilitychange"));

  it("reloads the status when the window regains focus or the page becomes visible, at most every 30 s", async () => {
    vi.useFakeTimers({ toFake: ["Date"] }); // only the clock: timers and promises run as usual
    const start = Date.parse("2026-04-01T12:00:00Z");
    vi.setSystemTime(start);
    const w = fakeWorker({ credentials: SAVED, connection: CONNECTED });
    const el = await mount();
    expect(loads(w)).toBe(1);
    // the connection died while the widget stayed open
    w.status = { ...w.status, connection: { status: "reconnect_required", connectedAt: CONNECTED.connectedAt } };

    vi.setSystemTime(start + 29_000);
    comeBack("focus");
    comeBack("visible");
    await settle();
    expect(loads(w)).toBe(1);
    expect(text($(el, "[part~='badge']"))).toBe("Connected");

    vi.setSystemTime(start + 30_000);
    comeBack("focus");
    await vi.waitFor(() => expect(text($(el, "[part~='badge']"))).toBe("Reconnect required"));
    expect(text($(el, "#connect"))).toBe("Reconnect");
    comeBack("visible"); // right after: nothing
    await settle();
    expect(loads(w)).toBe(2);

    vi.setSystemTime(start + 60_000);
    comeBack("visible");
    await vi.waitFor(() => expect(loads(w)).toBe(3));
  });

  it("a reload that finds another state drops the notice about the old one", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.parse("2026-04-01T12:00:00Z");
    vi.setSystemTime(start);
    const w = fakeWorker({ credentials: SAVED, connection: CONNECTED });
    history.replaceState(null, "", "?ninjaone=connected");
    const el = await mount();
    await vi.waitFor(() => expect($(el, "[part~='notice-success']")).not.toBeNull());
    w.status = { ...w.status, connection: { status: "reconnect_required", connectedAt: CONNECTED.connectedAt } };
    vi.setSystemTime(start + 31_000);
    comeBack("focus");
    await vi.waitFor(() => expect(text($(el, "[part~='badge']"))).toBe("Reconnect required"));
    expect($(el, "[part~='notice-success']")).toBeNull();
  });

  it("a page that became hidden does not reload; a quiet reload keeps what is typed and any notice", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.parse("2026-04-01T12:00:00Z");
    vi.setSystemTime(start);
    const w = fakeWorker();
    history.replaceState(null, "", "?ninjaone_error=access_denied");
    const el = await mount();
    type($(el, "#clientId") as HTMLInputElement, "half-typed");
    vi.setSystemTime(start + 31_000);
    const hidden = vi.spyOn(document, "visibilityState", "get").mockReturnValue("hidden");
    comeBack("visible");
    await settle();
    expect(loads(w)).toBe(1);
    hidden.mockReturnValue("visible");
    comeBack("visible");
    await vi.waitFor(() => expect(loads(w)).toBe(2));
    await el.updateComplete;
    expect(($(el, "#clientId") as HTMLInputElement).value).toBe("half-typed");
    expect(text($(el, "[part~='notice-error']"))).toContain(en.errors.access_denied.message);
  });
});

describe("read-only sessions (perm: read)", () => {
  const states: [string, Partial<Status>][] = [
    ["not set up", {}],
    ["saved", { credentials: SAVED }],
    ["connected", { credentials: SAVED, connection: { ...CONNECTED, lastCheck: { at: minutesAgo(2), ok: true } } }],
    ["reconnect required", { credentials: SAVED, connection: { status: "reconnect_required", connectedAt: CONNECTED.connectedAt } }],
    ["credentials rejected", { credentials: SAVED, connection: { status: "credentials_rejected", connectedAt: CONNECTED.connectedAt } }],
  ];
  for (const [name, status] of states) {
    it(`${name}: shows the state, no form and no change control, says who can change it, and sends no change`, async () => {
      const w = fakeWorker(status);
      const el = await mount({ token: READ_TOKEN });
      expect(text($(el, "[part~='badge']"))).not.toBe("");
      expect(text($(el, "#state"))).not.toBe("");
      expect(text($(el, "[part~='connection']"))).toContain("Ask an administrator of your account to change this.");
      expect(el.shadowRoot!.querySelectorAll("form, input, select, details")).toHaveLength(0);
      const buttons = [...el.shadowRoot!.querySelectorAll("button")].map((b) => text(b));
      expect(buttons).toEqual(name === "connected" ? ["Test connection"] : []);
      if (name === "connected") expect(text($(el, "[part~='details']"))).toContain("Checked 2 minutes ago: NinjaOne answered.");
      for (const b of el.shadowRoot!.querySelectorAll("button")) b.click();
      await settle();
      expect(w.calls.map((c) => `${c.method} ${c.path}`).filter((c) => c !== "GET /status" && c !== "POST /check")).toEqual([]);
      await accessible(el);
    });
  }

  it("reads perm from what getSessionToken returns, too", async () => {
    fakeWorker({ credentials: SAVED, connection: CONNECTED });
    const el = await mount({ token: null, getSessionToken: async () => READ_TOKEN });
    expect(button(el, "Disconnect")).toBeNull();
    expect(button(el, "Change credentials")).toBeNull();
    expect(button(el, "Test connection")).not.toBeNull();
  });

  it("a session-token that turns read-only hides the change controls at once", async () => {
    fakeWorker({ credentials: SAVED });
    const el = await mount();
    expect(button(el, "Connect to NinjaOne")).not.toBeNull();
    el.sessionToken = READ_TOKEN;
    await el.updateComplete;
    expect(button(el, "Connect to NinjaOne")).toBeNull();
    expect(button(el, "Remove credentials")).toBeNull();
  });

  it("perm: manage, a token without perm, or no JWT at all keep the full card", async () => {
    const { widgetToken } = await import("./helpers.js");
    for (const token of [widgetToken({ perm: "manage" }), widgetToken({}), "good"]) {
      const w = fakeWorker({ credentials: SAVED });
      w.tokens.add(token);
      const el = await mount({ token });
      expect(button(el, "Change credentials"), token).not.toBeNull();
      fixtureCleanup();
      vi.restoreAllMocks();
    }
  });
});

describe("webhooks", () => {
  const webhooks = async (value: Status["connection"]["webhooks"]) => {
    fakeWorker({ credentials: SAVED, connection: { ...CONNECTED, webhooks: value } });
    const el = await mount();
    const row = [...el.shadowRoot!.querySelectorAll("[part~='details'] > div")].find((d) => text(d.querySelector("dt")) === "NinjaOne webhooks");
    return { el, words: row && text(row.querySelector("dd")) };
  };

  it("absent: no webhooks row", async () => {
    expect((await webhooks(undefined)).words).toBeUndefined();
  });

  it("registered: says so, with the time", async () => {
    const at = "2026-03-02T09:31:00Z";
    const { words } = await webhooks({ status: "registered", at });
    expect(words).toBe(`Registered ${new Date(at).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" })}`);
  });

  it("pending: the worker is still registering them", async () => {
    expect((await webhooks({ status: "pending" })).words).toBe("Registering NinjaOne webhooks…");
  });

  it("not permitted: what to do, in the warning color", async () => {
    const { el, words } = await webhooks({ status: "not_permitted" });
    expect(words).toBe("Webhooks need a NinjaOne system administrator: reconnect as one.");
    expect($(el, "[part~='details'] .warn")).not.toBeNull();
    await accessible(el);
  });
});

describe("ninjaone-status", () => {
  const listen = () => {
    const seen: NinjaOneStatusEvent[] = [];
    const on = (e: Event) => seen.push(e as NinjaOneStatusEvent);
    document.addEventListener("ninjaone-status", on);
    return { seen, details: () => seen.map((e) => e.detail), stop: () => document.removeEventListener("ninjaone-status", on) };
  };

  it("fires on load and on every change of state: saved, disconnected", async () => {
    const events = listen();
    const w = fakeWorker();
    const el = await mount();
    expect(events.details()).toEqual([{ state: "not-configured" }]);
    const first = events.seen[0]!;
    expect(first).toBeInstanceOf(NinjaOneStatusEvent);
    expect(first.type).toBe("ninjaone-status");
    expect(first.bubbles && first.composed).toBe(true);

    type($(el, "#clientId") as HTMLInputElement, "my-client");
    type($(el, "#clientSecret") as HTMLInputElement, "my-secret-1234");
    await el.updateComplete;
    ($(el, "#save") as HTMLButtonElement).click();
    await vi.waitFor(() => expect(events.details()).toHaveLength(2));
    expect(events.details()[1]).toEqual({ state: "saved", region: "us" });

    button(el, "Remove credentials")!.click();
    await el.updateComplete;
    button(el, "Disconnect and remove credentials")!.click();
    await vi.waitFor(() => expect(events.details()).toHaveLength(3));
    expect(events.details()[2]).toEqual({ state: "not-configured" });
    expect(JSON.stringify(events.details())).not.toContain("1234");
    expect(w.calls.length).toBeGreaterThan(0);
    events.stop();
  });

  it("connected, each check, and a connection that died: with region and lastCheck; an unchanged reload stays silent", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.parse("2026-04-01T12:00:00Z");
    vi.setSystemTime(start);
    const events = listen();
    const w = fakeWorker({ credentials: SAVED, connection: CONNECTED });
    const el = await mount();
    expect(events.details()).toEqual([{ state: "connected", region: "eu" }]);

    ($(el, "#check") as HTMLButtonElement).click();
    await vi.waitFor(() => expect(events.details()).toHaveLength(2));
    expect(events.details()[1]).toEqual({ state: "connected", region: "eu", lastCheck: { at: expect.any(String), ok: true } });
    expect(events.details()[1]!.lastCheck).toEqual(w.status.connection.lastCheck);

    vi.setSystemTime(start + 31_000);
    window.dispatchEvent(new Event("focus")); // same status: no event
    await vi.waitFor(() => expect(w.calls.filter((c) => c.path === "/status")).toHaveLength(2));
    await settle();
    expect(events.details()).toHaveLength(2);

    w.status = { ...w.status, connection: { status: "reconnect_required", connectedAt: CONNECTED.connectedAt } };
    vi.setSystemTime(start + 62_000);
    window.dispatchEvent(new Event("focus"));
    await vi.waitFor(() => expect(events.details()).toHaveLength(3));
    expect(events.details()[2]).toEqual({ state: "reconnect-required", region: "eu" });
    vi.useRealTimers();
    events.stop();
  });

  it("names every state the contract lists", async () => {
    const expected: [Partial<Status>, StatusDetail["state"]][] = [
      [{}, "not-configured"],
      [{ credentials: SAVED }, "saved"],
      [{ credentials: SAVED, connection: CONNECTED }, "connected"],
      [{ credentials: SAVED, connection: { status: "reconnect_required" } }, "reconnect-required"],
      [{ credentials: SAVED, connection: { status: "credentials_rejected" } }, "credentials-rejected"],
    ];
    for (const [status, state] of expected) {
      const events = listen();
      fakeWorker(status);
      await mount();
      expect(events.details().map((d) => d.state)).toEqual([state]);
      events.stop();
      fixtureCleanup();
      vi.restoreAllMocks();
    }
  });
});

describe("disabled buttons", () => {
  afterEach(async () => {
    await commands.colorScheme("light");
  });

  /** A computed CSS color as sRGB 0–255, through a canvas (computed colors may be `color(srgb …)`). */
  function rgb(color: string): number[] {
    const ctx = document.createElement("canvas").getContext("2d")!;
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, 1, 1);
    return [...ctx.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  }
  const luminance = (c: number[]) => {
    const [r, g, b] = c.map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4));
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  const contrast = (a: string, b: string) => {
    const [x, y] = [luminance(rgb(a)), luminance(rgb(b))].sort((p, q) => q - p);
    return (x! + 0.05) / (y! + 0.05);
  };

  for (const scheme of ["light", "dark"] as const) {
    it(`${scheme}: a disabled primary button does not look like an enabled one, and stays legible`, async () => {
      await commands.colorScheme(scheme);
      fakeWorker();
      const el = await mount();
      const card = getComputedStyle($(el, ".card")!).backgroundColor;
      expect(luminance(rgb(card)) < 0.2).toBe(scheme === "dark");
      const disabled = $(el, "#connect") as HTMLButtonElement; // nothing saved yet
      expect(disabled.disabled).toBe(true);
      type($(el, "#clientId") as HTMLInputElement, "my-client");
      type($(el, "#clientSecret") as HTMLInputElement, "my-secret");
      await el.updateComplete;
      const enabled = $(el, "#save") as HTMLButtonElement;
      expect(enabled.disabled).toBe(false);
      const d = getComputedStyle(disabled);
      const e = getComputedStyle(enabled);
      // enabled: a solid accent fill; disabled: no fill to speak of, a dashed outline, muted text
      expect(contrast(e.backgroundColor, card)).toBeGreaterThanOrEqual(3);
      expect(contrast(d.backgroundColor, card)).toBeLessThan(1.3);
      expect(d.borderStyle).toBe("dashed");
      expect(e.borderStyle).toBe("solid");
      expect(contrast(d.color, d.backgroundColor)).toBeGreaterThanOrEqual(3);
      expect(d.cursor).toBe("not-allowed");
    });
  }
});

describe("the disconnect confirmation", () => {
  it("Escape closes it and returns focus to the button that opened it", async () => {
    const w = fakeWorker({ credentials: SAVED, connection: CONNECTED });
    const el = await mount();
    button(el, "Disconnect")!.click();
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement?.id).toBe("confirm-no"));
    el.shadowRoot!.activeElement!.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true, composed: true }));
    await vi.waitFor(() => expect($(el, "[part~='confirm']")).toBeNull());
    await vi.waitFor(() => expect(el.shadowRoot!.activeElement?.id).toBe("disconnect"));
    expect(w.calls.some((c) => c.path === "/disconnect")).toBe(false);
  });

  it("other keys leave it open", async () => {
    fakeWorker({ credentials: SAVED, connection: CONNECTED });
    const el = await mount();
    button(el, "Disconnect")!.click();
    await el.updateComplete;
    $(el, "#confirm-no")!.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true, composed: true }));
    await settle();
    expect($(el, "[part~='confirm']")).not.toBeNull();
  });
});

describe("one thing at a time", () => {
  it("while Test connection runs, Change credentials and Disconnect wait for it", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const w = fakeWorker({ credentials: SAVED, connection: CONNECTED });
    w.override = (call) => (call.path === "/check" ? gate.then(() => undefined) : undefined);
    const el = await mount();
    ($(el, "#check") as HTMLButtonElement).click();
    await el.updateComplete;
    // and they say so: inert, and styled like a disabled button
    for (const id of ["#check", "#edit", "#disconnect"]) {
      expect($(el, id)!.getAttribute("aria-disabled")).toBe("true");
      expect(getComputedStyle($(el, id)!).borderStyle).toBe("dashed");
    }
    button(el, "Change credentials")!.click();
    button(el, "Disconnect")!.click();
    await el.updateComplete;
    expect($(el, "form")).toBeNull();
    expect($(el, "[part~='confirm']")).toBeNull();
    release();
    await vi.waitFor(() => expect(text($(el, "#check"))).toBe("Test connection"));
    for (const id of ["#check", "#edit", "#disconnect"]) expect($(el, id)!.getAttribute("aria-disabled")).toBe("false");
    button(el, "Change credentials")!.click();
    await vi.waitFor(() => expect($(el, "form")).not.toBeNull());
  });
});

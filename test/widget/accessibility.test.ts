// axe in every state of the card, in light and dark (prefers-color-scheme emulated), at 320 px and
// 1280 px wide: the states a status shows, and those the user or a pending request brings about
// (loading, the open form, the disconnect confirmation, saving, checking, connecting,
// disconnecting). Each of the latter checks a visible sign of its state before and after axe, so
// that a setup which no longer reaches (or holds) it fails instead of checking another state.
import { expect as chaiExpect, fixture, fixtureCleanup, html } from "@open-wc/testing";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { commands, page } from "vitest/browser";
import { NinjaOneSettings, type Status } from "../../widget/ninjaone-settings.js";
import { $, CONNECTED, READ_TOKEN, SAVED, fakeWorker, loaded, mount, text, type, type MountOptions } from "./helpers.js";

const accessible = (el: Element) => chaiExpect(el).to.be.accessible();
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const startUrl = location.href;

/** Releases of the requests the busy states hold back; and the iframes standing in for popups. */
const held: (() => void)[] = [];
const frames: HTMLIFrameElement[] = [];

afterEach(() => {
  fixtureCleanup();
  vi.restoreAllMocks();
  history.replaceState(null, "", startUrl);
  for (const release of held.splice(0)) release();
  for (const frame of frames.splice(0)) frame.remove();
});
afterAll(async () => {
  await commands.colorScheme("light");
  await page.viewport(414, 896);
});

it("passes accessibility checks", async () => {
  fakeWorker();
  const el = await mount();
  await accessible(el);
});

type Worker = ReturnType<typeof fakeWorker>;
type Setup = () => Promise<NinjaOneSettings>;

/** The worker answers `method path` only once the test has ended: the card stays busy meanwhile. */
function hold(w: Worker, method: string, path: string): void {
  const gate = new Promise<void>((release) => held.push(release));
  w.override = (call) => (call.method === method && call.path === path ? gate.then(() => undefined) : undefined);
}

/** The card once `status` has loaded (with `query` in the page URL, as a redirect-mode flow comes back). */
const shows = (status: Partial<Status>, options: MountOptions & { query?: string } = {}): Setup => async () => {
  fakeWorker(status);
  if (options.query) history.replaceState(null, "", options.query);
  return mount(options);
};

/** Clicks the card's button `id` and waits for the render. */
async function click(el: NinjaOneSettings, id: string): Promise<void> {
  const button = $<HTMLButtonElement>(el, `#${id}`);
  expect(button, `#${id}`).not.toBeNull();
  button!.click();
  await el.updateComplete;
}

/** A button that says its action is running: its busy label, and aria-disabled (still focusable). */
function expectBusy(el: NinjaOneSettings, id: string, label: string): void {
  const button = $(el, `#${id}`)!;
  expect(text(button)).toBe(label);
  expect(button.getAttribute("aria-disabled")).toBe("true");
}

const WITH_CHECK = { credentials: SAVED, connection: { ...CONNECTED, lastCheck: { at: ago(3), ok: true }, webhooks: { status: "registered", at: ago(60) } } } satisfies Partial<Status>;
const REJECTED = { credentials: SAVED, connection: { status: "credentials_rejected", connectedAt: CONNECTED.connectedAt, scopes: CONNECTED.scopes } } satisfies Partial<Status>;

/** A state: how to reach it, and (for those a status alone does not show) the sign that the card is in it. */
const STATES: [name: string, setup: Setup, sign?: (el: NinjaOneSettings) => void][] = [
  ["not set up", shows({})],
  ["saved", shows({ credentials: SAVED })],
  ["connected, with a check and webhooks", shows(WITH_CHECK)],
  ["connected, failed check, webhooks not permitted", shows({ credentials: SAVED, connection: { ...CONNECTED, lastCheck: { at: ago(3), ok: false, error: "scope_missing" }, webhooks: { status: "not_permitted" } } })],
  ["reconnect required", shows({ credentials: SAVED, connection: { status: "reconnect_required", connectedAt: CONNECTED.connectedAt } })],
  ["read-only", shows({ credentials: SAVED, connection: { ...CONNECTED, lastCheck: { at: ago(3), ok: true } } }, { token: READ_TOKEN })],
  ["with an error notice", shows({ credentials: SAVED }, { query: "?ninjaone_error=redirect_uri_mismatch" })],
  ["with a success notice", shows({ credentials: SAVED, connection: CONNECTED }, { query: "?ninjaone=connected" })],

  [
    "loading (the status request still pending)",
    async () => {
      hold(fakeWorker(), "GET", "/status");
      return mount({ wait: false });
    },
    (el) => {
      expect($(el, ".card")!.getAttribute("aria-busy")).toBe("true");
      expect(text($(el, ".card"))).toContain("Loading NinjaOne settings…");
    },
  ],
  [
    "without api-base (api_base_missing)",
    async () => {
      fakeWorker();
      expect(NinjaOneSettings.defaultApiBase).toBeUndefined();
      const el = await fixture<NinjaOneSettings>(html`<ninjaone-settings session-token="good"></ninjaone-settings>`);
      await loaded(el);
      return el;
    },
    (el) => expect(text($(el, "[part~='notice-error']"))).toContain("Set api-base to your worker's URL."),
  ],
  [
    "connected, Change credentials open with another Client ID typed",
    async () => {
      const el = await shows(WITH_CHECK)();
      await click(el, "edit");
      type($<HTMLInputElement>(el, "#clientId")!, "another-client");
      await el.updateComplete;
      return el;
    },
    (el) => {
      expect(text($(el, "#credentials-heading"))).toBe("Change credentials");
      expect(text($(el, "form"))).toContain("Saving another Client ID or region ends the current connection.");
    },
  ],
  [
    "credentials rejected, with its secret-only form",
    shows(REJECTED),
    (el) => {
      expect(text($(el, "[part~='badge']"))).toBe("Secret rejected");
      expect($(el, "#clientSecret")).not.toBeNull();
      expect($(el, "#clientId")).toBeNull();
      expect($(el, "#region")).toBeNull();
    },
  ],
  [
    "credentials rejected, Change credentials open",
    async () => {
      const el = await shows(REJECTED)();
      await click(el, "edit");
      return el;
    },
    (el) => {
      expect(text($(el, "#credentials-heading"))).toBe("Change credentials");
      expect($(el, "#clientId")).not.toBeNull();
      expect($(el, "#region")).not.toBeNull();
    },
  ],
  [
    "the disconnect confirmation",
    async () => {
      const el = await shows(WITH_CHECK)();
      await click(el, "disconnect");
      return el;
    },
    (el) => {
      expect($(el, "[part~='confirm'][role='group']")).not.toBeNull();
      expect(text($(el, "#confirm-heading"))).toBe("Disconnect NinjaOne?");
    },
  ],
  [
    "saving (PUT /credentials pending)",
    async () => {
      hold(fakeWorker(), "PUT", "/credentials");
      const el = await mount();
      type($<HTMLInputElement>(el, "#clientId")!, "my-client");
      type($<HTMLInputElement>(el, "#clientSecret")!, "my-secret");
      await el.updateComplete;
      await click(el, "save");
      return el;
    },
    (el) => expectBusy(el, "save", "Checking with NinjaOne…"),
  ],
  [
    "checking (POST /check pending)",
    async () => {
      hold(fakeWorker(WITH_CHECK), "POST", "/check");
      const el = await mount();
      await click(el, "check");
      return el;
    },
    (el) => expectBusy(el, "check", "Testing…"),
  ],
  [
    "connecting (the sign-in popup open)",
    async () => {
      fakeWorker({ credentials: SAVED });
      const el = await mount();
      // an iframe's window stands in for the popup, as in ninjaone-settings.test.ts
      const frame = document.createElement("iframe");
      document.body.append(frame);
      frames.push(frame);
      const open = vi.spyOn(window, "open").mockImplementation(() => frame.contentWindow);
      await click(el, "connect");
      expect(open).toHaveBeenCalledTimes(1);
      return el;
    },
    (el) => {
      expectBusy(el, "connect", "Connecting…");
      expect(text($(el, "#connect-hint"))).toBe("Finish signing in to NinjaOne in the window that opened.");
    },
  ],
  [
    "disconnecting (POST /disconnect pending)",
    async () => {
      hold(fakeWorker(WITH_CHECK), "POST", "/disconnect");
      const el = await mount();
      await click(el, "disconnect");
      await click(el, "confirm-yes");
      return el;
    },
    (el) => expectBusy(el, "confirm-yes", "Disconnecting…"),
  ],
];

for (const scheme of ["light", "dark"] as const) {
  for (const width of [320, 1280]) {
    describe(`${scheme}, ${width} px wide`, () => {
      for (const [name, setup, sign] of STATES) {
        it(`${name}: axe finds nothing`, async () => {
          await commands.colorScheme(scheme);
          await page.viewport(width, 800);
          const el = await setup();
          sign?.(el);
          const background = getComputedStyle($(el, ".card")!).backgroundColor;
          expect(background === "rgb(255, 255, 255)").toBe(scheme === "light"); // the emulation took
          expect($(el, ".card")!.getBoundingClientRect().width).toBeLessThanOrEqual(width);
          await accessible(el);
          sign?.(el); // still in that state: axe checked it, not what came after
        });
      }
    });
  }
}

describe("the neutral notice of a closed sign-in window", () => {
  for (const scheme of ["light", "dark"] as const) {
    it(`${scheme}: axe finds nothing`, async () => {
      await commands.colorScheme(scheme);
      fakeWorker({ credentials: SAVED });
      history.replaceState(null, "", "?ninjaone_error=popup_closed");
      const el = await mount();
      expect($(el, "[part~='notice-info']")).not.toBeNull();
      await accessible(el);
    });
  }
});

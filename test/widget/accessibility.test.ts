// axe in every state of the card, in light and dark (prefers-color-scheme emulated), at 320 px and
// 1280 px wide.
import { expect as chaiExpect, fixtureCleanup } from "@open-wc/testing";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { commands, page } from "vitest/browser";
import "../../widget/ninjaone-settings.js";
import type { Status } from "../../widget/ninjaone-settings.js";
import { $, CONNECTED, READ_TOKEN, SAVED, fakeWorker, mount, type MountOptions } from "./helpers.js";

const accessible = (el: Element) => chaiExpect(el).to.be.accessible();
const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const startUrl = location.href;

afterEach(() => {
  fixtureCleanup();
  vi.restoreAllMocks();
  history.replaceState(null, "", startUrl);
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

const STATES: [name: string, status: Partial<Status>, options?: MountOptions & { query?: string }][] = [
  ["not set up", {}],
  ["saved", { credentials: SAVED }],
  ["connected, with a check and webhooks", { credentials: SAVED, connection: { ...CONNECTED, lastCheck: { at: ago(3), ok: true }, webhooks: { status: "registered", at: ago(60) } } }],
  ["connected, failed check, webhooks not permitted", { credentials: SAVED, connection: { ...CONNECTED, lastCheck: { at: ago(3), ok: false, error: "scope_missing" }, webhooks: { status: "not_permitted" } } }],
  ["reconnect required", { credentials: SAVED, connection: { status: "reconnect_required", connectedAt: CONNECTED.connectedAt } }],
  ["credentials rejected", { credentials: SAVED, connection: { status: "credentials_rejected", connectedAt: CONNECTED.connectedAt, scopes: CONNECTED.scopes } }],
  ["read-only", { credentials: SAVED, connection: { ...CONNECTED, lastCheck: { at: ago(3), ok: true } } }, { token: READ_TOKEN }],
  ["with an error notice", { credentials: SAVED }, { query: "?ninjaone_error=redirect_uri_mismatch" }],
  ["with a success notice", { credentials: SAVED, connection: CONNECTED }, { query: "?ninjaone=connected" }],
];

for (const scheme of ["light", "dark"] as const) {
  for (const width of [320, 1280]) {
    describe(`${scheme}, ${width} px wide`, () => {
      for (const [name, status, options = {}] of STATES) {
        it(`${name}: axe finds nothing`, async () => {
          await commands.colorScheme(scheme);
          await page.viewport(width, 800);
          fakeWorker(status);
          if (options.query) history.replaceState(null, "", options.query);
          const el = await mount(options);
          const background = getComputedStyle($(el, ".card")!).backgroundColor;
          expect(background === "rgb(255, 255, 255)").toBe(scheme === "light"); // the emulation took
          expect($(el, ".card")!.getBoundingClientRect().width).toBeLessThanOrEqual(width);
          await accessible(el);
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

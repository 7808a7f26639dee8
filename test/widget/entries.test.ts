// The two entries of the element: the one hosts bundle (widget/index.ts: no script origin to guess
// the worker from) and the script-tag one the worker serves (widget/script-entry.ts: the worker is
// where the script came from). This file runs in its own page, so that importing the script-tag
// entry here changes nothing for the other files.
import { expect as chaiExpect, fixture, fixtureCleanup, html } from "@open-wc/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NinjaOneSettings, en } from "../../widget/index.js";
import { $, API, fakeWorker, json, loaded, REDIRECT_URI, REGIONS, text } from "./helpers.js";

const accessible = (el: Element) => chaiExpect(el).to.be.accessible();

afterEach(() => {
  fixtureCleanup();
  vi.restoreAllMocks();
});

async function bare(): Promise<NinjaOneSettings> {
  const el = await fixture<NinjaOneSettings>(html`<ninjaone-settings session-token="good"></ninjaone-settings>`);
  await loaded(el);
  return el;
}

it("passes accessibility checks", async () => {
  fakeWorker();
  const el = await bare();
  await accessible(el);
});

describe("bundled by a host (widget/index.ts)", () => {
  it("without api-base: tells the developer to set it, calls nothing, and fires ninjaone-error", async () => {
    const w = fakeWorker();
    const fetch = vi.spyOn(globalThis, "fetch");
    const errors: unknown[] = [];
    document.addEventListener("ninjaone-error", (e) => errors.push(e.detail), { once: true });
    const el = await bare();
    expect(NinjaOneSettings.defaultApiBase).toBeUndefined();
    const notice = text($(el, "[part~='notice-error']"));
    expect(notice).toContain("Set api-base to your worker's URL.");
    expect(notice).toContain("api-base");
    expect(notice).not.toMatch(/contact support/i);
    expect(el.shadowRoot!.querySelector("button")).toBeNull(); // trying again would not help
    expect(fetch).not.toHaveBeenCalled();
    expect(w.calls).toEqual([]);
    expect(errors).toEqual([{ code: "api_base_missing", message: en.errors.api_base_missing.message }]);

    el.apiBase = API; // the developer fixes it
    await vi.waitFor(() => expect($(el, "form")).not.toBeNull());
    expect($(el, "[part~='notice']")).toBeNull();
    expect(w.calls.map((c) => c.path)).toEqual(["/status"]);
  });

  it("NinjaOneSettings.defaultApiBase sets the worker for every element without api-base", async () => {
    const w = fakeWorker();
    NinjaOneSettings.defaultApiBase = `${API}/`;
    try {
      const el = await bare();
      expect($(el, "form")).not.toBeNull();
      expect(w.calls.map((c) => c.path)).toEqual(["/status"]);
    } finally {
      NinjaOneSettings.defaultApiBase = undefined;
    }
  });
});

describe("served by the worker (widget/script-entry.ts)", () => {
  it("defaults the worker to the origin the script was loaded from", async () => {
    const entry = await import("../../widget/script-entry.js");
    expect(entry.NinjaOneSettings).toBe(NinjaOneSettings);
    // the test server serves the module, so its origin is this page's
    expect(NinjaOneSettings.defaultApiBase).toBe(new URL(import.meta.url).origin);
    const urls: string[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
      urls.push(String(input));
      return json(200, { redirectUri: REDIRECT_URI, regions: REGIONS, credentials: null, connection: { status: "not_connected" } });
    });
    const el = await bare();
    expect(urls).toEqual([`${location.origin}/api/integrations/ninjaone/status`]);
    expect($(el, "form")).not.toBeNull();
  });
});

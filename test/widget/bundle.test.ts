/// <reference types="vite/client" />
// The built ES module (dist/widget/ninjaone-settings.js) — the file hosts actually load — renders
// and saves like the source, and stays within the size budget. `npm test` builds it first; these
// tests fail (they are never skipped) when dist/widget is missing.
import { fixtureCleanup } from "@open-wc/testing";
import { afterEach, expect, it, vi } from "vitest";
import { commands } from "vitest/browser";
import { $, fakeWorker, loaded, mount, text, type } from "./helpers.js";

declare module "vitest/browser" {
  interface BrowserCommands {
    /** zlib level-9 gzip size of a file (path relative to the repository root); see vitest.config.ts. */
    gzipSize: (path: string) => Promise<number>;
  }
}

const ES_MODULE = "dist/widget/ninjaone-settings.js";
/** Issue 4 (raised by issue 9): the ES module, minified and gzipped, at most 15 KB including Lit. */
const BUDGET = 15 * 1024;

const bundles = import.meta.glob("../../dist/widget/ninjaone-settings.js");
const load = bundles["../../dist/widget/ninjaone-settings.js"];
const iife = import.meta.glob("../../dist/widget/ninjaone-settings.iife.js", { query: "?url", import: "default" });
const iifeUrl = iife["../../dist/widget/ninjaone-settings.iife.js"];
const MISSING = "dist/widget is missing or incomplete: run `npm run build` first";

afterEach(() => {
  fixtureCleanup();
  vi.restoreAllMocks();
});

it(`the built ES module is at most 15 KB (${BUDGET} bytes) gzipped at level 9, Lit included`, async () => {
  expect(load, MISSING).toBeDefined();
  const size = await commands.gzipSize(ES_MODULE);
  expect(size).toBeGreaterThan(0);
  expect(size, `${ES_MODULE} is ${size} bytes gzipped`).toBeLessThanOrEqual(BUDGET);
});

it("the built ES module defines the element, loads the status and saves credentials", async () => {
  expect(load, MISSING).toBeDefined();
  const mod = (await load!()) as { NinjaOneSettings: CustomElementConstructor };
  expect(customElements.get("ninjaone-settings")).toBe(mod.NinjaOneSettings);
  const w = fakeWorker();
  const el = await mount();
  await loaded(el);
  expect(text($(el, "[part~='badge']"))).toBe("Not set up");
  type($(el, "#clientId") as HTMLInputElement, "bundle-client");
  type($(el, "#clientSecret") as HTMLInputElement, "bundle-secret-1234");
  await el.updateComplete;
  ($(el, "#save") as HTMLButtonElement).click();
  await vi.waitFor(() => expect(text($(el, "[part~='saved']"))).toContain("••••••••••••1234"));
  expect(w.calls.find((c) => c.method === "PUT")!.body).toEqual({ region: "us", clientId: "bundle-client", clientSecret: "bundle-secret-1234" });
  expect(($(el, "#clientSecret") as HTMLInputElement).value).toBe("");
});

it("the classic-script build loads after the module (script included twice) without an error", async () => {
  expect(load, MISSING).toBeDefined();
  expect(iifeUrl, MISSING).toBeDefined();
  await load!();
  const errors: unknown[] = [];
  const onError = (e: ErrorEvent) => errors.push(e.error ?? e.message);
  window.addEventListener("error", onError);
  const script = document.createElement("script");
  script.src = (await iifeUrl!()) as string;
  await new Promise((resolve, reject) => {
    script.onload = resolve;
    script.onerror = reject;
    document.head.append(script);
  });
  window.removeEventListener("error", onError);
  expect(errors).toEqual([]);
  expect((window as unknown as { NinjaOneSettings?: object }).NinjaOneSettings).toBeTypeOf("object");
  expect(customElements.get("ninjaone-settings")).toBeDefined();
});

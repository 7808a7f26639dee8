/// <reference types="vite/client" />
// The built ES module (dist/widget/ninjaone-settings.js, after `npm run build`) — the file hosts
// actually load — renders and saves like the source. Skipped when nothing is built yet.
import { fixtureCleanup } from "@open-wc/testing";
import { afterEach, expect, it, vi } from "vitest";
import { $, fakeWorker, loaded, mount, text, type } from "./helpers.js";

const bundles = import.meta.glob("../../dist/widget/ninjaone-settings.js");
const load = bundles["../../dist/widget/ninjaone-settings.js"];

afterEach(() => {
  fixtureCleanup();
  vi.restoreAllMocks();
});

it.skipIf(!load)("the built ES module defines the element, loads the status and saves credentials", async () => {
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

const iife = import.meta.glob("../../dist/widget/ninjaone-settings.iife.js", { query: "?url", import: "default" });
const iifeUrl = iife["../../dist/widget/ninjaone-settings.iife.js"];

it.skipIf(!load || !iifeUrl)("the classic-script build loads after the module (script included twice) without an error", async () => {
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

/// <reference types="vite/client" />
// `ninjaone-settings/react` (widget/react.ts) in a real React 19 render, and the plain element in
// React 19 without the wrapper (the README's React examples). The first test runs while
// <ninjaone-settings> is not defined yet in this file's page (vitest browser mode gives each test
// file its own iframe): a host whose element script loads after React rendered must not lose
// `getSessionToken` or `strings` (issue 12), even when React re-renders it meanwhile and the script
// comes 1.5 s later (how the issue reproduced it).
import { createElement, useEffect, useState, type ReactElement } from "react";
import { flushSync } from "react-dom";
import { createRoot, type Root } from "react-dom/client";
import { afterEach, expect, it, vi } from "vitest";
import type { NinjaOneSettings as Element } from "../../widget/index.js";
import type { NinjaOneSettingsProps } from "../../widget/react.js";
import { API, fakeWorker, json } from "./helpers.js";

let roots: Root[] = [];
/** Definitions of <ninjaone-settings> the first test holds back. */
const held: (() => void)[] = [];
function render(node: ReactElement): { container: HTMLElement; root: Root; rerender: (node: ReactElement) => void } {
  const container = document.createElement("div");
  document.body.append(container);
  const root = createRoot(container);
  roots.push(root);
  const rerender = (next: ReactElement) => flushSync(() => root.render(next));
  rerender(node);
  return { container, root, rerender };
}

afterEach(() => {
  for (const root of roots) root.unmount();
  roots = [];
  document.body.replaceChildren();
  vi.restoreAllMocks();
  // should the first test fail while it holds the definition back, the others still get the element
  if (held.length > 0 && !customElements.get("ninjaone-settings")) held[0]!();
});

const element = (container: HTMLElement, id: string) => container.querySelector<Element>(`#${id}`)!;
const title = (el: Element) => el.shadowRoot?.querySelector("[part~='title']")?.textContent?.trim();
/** The `Authorization` headers of the fake worker's GET /status calls. */
const statusAuth = (w: ReturnType<typeof fakeWorker>) => w.calls.filter((c) => c.method === "GET" && c.path === "/status").map((c) => c.auth);

/** Real time, as a script that loads late takes it (no fake timers). */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** What must never end up on the element: the attribute React 19 makes of an object prop. */
const noStringifiedProps = (el: Element) => {
  expect(el.hasAttribute("strings")).toBe(false);
  expect(el.hasAttribute("getsessiontoken")).toBe(false);
  expect([...el.attributes].filter((a) => a.value === "[object Object]").map((a) => a.name)).toEqual([]);
};

it("before the element is defined, React renders and re-renders the wrapper and the plain element, and ~1.5 s later both use getSessionToken and strings", async () => {
  expect(customElements.get("ninjaone-settings"), "this test must run before anything defines the element").toBeUndefined();
  const w = fakeWorker();
  w.tokens = new Set(["wrapper-token", "plain-token"]);
  /** Each host page's state after its first render (as when the host's own data arrives): one re-render while the element is undefined. */
  const later: (() => void)[] = [];
  const renders: string[] = [];

  // 1. The plain element, with its properties set through a ref, before the element's module is
  //    even loaded (a single-page app loading the script on its settings route). The ref, the
  //    function and the object are new on every render, as a host writes them inline.
  const plainToken = vi.fn(async (_title: string) => "plain-token");
  function PlainHost() {
    const [title, setTitle] = useState("RMM (plain, first render)");
    useEffect(() => void later.push(() => setTitle("RMM (plain)")), []);
    renders.push(title);
    return createElement("ninjaone-settings", {
      id: "plain",
      "api-base": API,
      ref: (el: Element | null) => {
        if (el) {
          el.getSessionToken = () => plainToken(title);
          el.strings = { title };
        }
      },
    });
  }
  const plain = render(createElement(PlainHost));
  // React 19 itself, for comparison: an object given as a JSX prop to an element it does not
  // know yet becomes the attribute "[object Object]", and a function is dropped. This is what the
  // wrapper and the ref avoid.
  const naive = render(createElement("ninjaone-settings", { id: "naive", strings: { title: "RMM" }, getSessionToken: plainToken }));
  expect(element(naive.container, "naive").getAttribute("strings")).toBe("[object Object]");
  expect("getSessionToken" in element(naive.container, "naive")).toBe(false);
  naive.root.unmount();

  // 2. The wrapper's module loads (and with it the element's class), but the element is not defined
  //    yet: `customElements.define` is held back, as when the element's own script comes later.
  const define = customElements.define.bind(customElements);
  vi.spyOn(customElements, "define").mockImplementation((name, constructor, options) => {
    if (name === "ninjaone-settings") held.push(() => define(name, constructor, options));
    else define(name, constructor, options);
  });
  const { NinjaOneSettings } = await import("../../widget/react.js");
  const wrapperToken = vi.fn(async (_title: string) => "wrapper-token");
  function WrapperHost() {
    const [title, setTitle] = useState("RMM (wrapper, first render)");
    useEffect(() => void later.push(() => setTitle("RMM (wrapper)")), []);
    renders.push(title);
    return createElement(NinjaOneSettings, { id: "wrapper", apiBase: API, getSessionToken: () => wrapperToken(title), strings: { title } });
  }
  const wrapper = render(createElement(WrapperHost));

  // 3. React re-renders both while the element is still undefined, then the script takes ~1.5 s.
  await vi.waitFor(() => expect(later).toHaveLength(2));
  for (const update of later) update();
  await vi.waitFor(() => expect(renders).toEqual(expect.arrayContaining(["RMM (plain)", "RMM (wrapper)"])));
  await sleep(1500);

  const before = [element(plain.container, "plain"), element(wrapper.container, "wrapper")];
  expect(customElements.get("ninjaone-settings")).toBeUndefined();
  // held back (the element's module and index.ts each define it when it is not defined yet)
  expect(held.length).toBeGreaterThanOrEqual(1);
  for (const el of before) {
    expect(el.shadowRoot, "not upgraded yet").toBeNull();
    // set as properties on the not-yet-upgraded element (the last render's), not as attributes
    expect(Object.hasOwn(el, "getSessionToken")).toBe(true);
    expect(Object.hasOwn(el, "strings")).toBe(true);
    noStringifiedProps(el);
  }
  expect(before.map((el) => el.strings?.title)).toEqual(["RMM (plain)", "RMM (wrapper)"]);
  expect(plainToken).not.toHaveBeenCalled();
  expect(wrapperToken).not.toHaveBeenCalled();

  // 4. Now the element is defined: Lit upgrades the properties set before, and both elements use them.
  vi.mocked(customElements.define).mockRestore();
  held[0]!();
  const plainEl = element(plain.container, "plain");
  const wrapperEl = element(wrapper.container, "wrapper");
  expect(plainEl).toBe(before[0]); // the same elements, upgraded, not new ones
  expect(wrapperEl).toBe(before[1]);
  expect(customElements.get("ninjaone-settings")).toBe(wrapperEl.constructor);
  await vi.waitFor(() => {
    expect(title(plainEl)).toBe("RMM (plain)");
    expect(title(wrapperEl)).toBe("RMM (wrapper)");
  });
  await vi.waitFor(() => {
    expect(statusAuth(w)).toEqual(expect.arrayContaining(["Bearer plain-token", "Bearer wrapper-token"]));
  });
  // the function of the last render, and no request without a token
  expect(plainToken.mock.calls.map(([t]) => t)).toEqual(plainToken.mock.calls.map(() => "RMM (plain)"));
  expect(wrapperToken.mock.calls.map(([t]) => t)).toEqual(wrapperToken.mock.calls.map(() => "RMM (wrapper)"));
  expect(plainToken).toHaveBeenCalled();
  expect(wrapperToken).toHaveBeenCalled();
  expect(statusAuth(w).every((auth) => auth === "Bearer plain-token" || auth === "Bearer wrapper-token")).toBe(true);
  expect(plainEl.strings).toEqual({ title: "RMM (plain)" });
  expect(wrapperEl.strings).toEqual({ title: "RMM (wrapper)" });
  expect(wrapperEl.apiBase).toBe(API);
  expect(plainEl.apiBase).toBe(API);
  for (const el of [plainEl, wrapperEl]) noStringifiedProps(el);
}, 15_000);

it("the wrapper sets its props as element properties and updates them on a re-render", async () => {
  const { NinjaOneSettings } = await import("../../widget/react.js");
  const w = fakeWorker();
  const getSessionToken = vi.fn(async () => "good");
  const strings = { title: "RMM" };
  const props = (over: Partial<NinjaOneSettingsProps> = {}): NinjaOneSettingsProps => ({
    id: "el",
    apiBase: API,
    getSessionToken,
    strings,
    mode: "redirect",
    lang: "en",
    className: "host-class",
    ...over,
  });
  const { container, rerender } = render(createElement(NinjaOneSettings, props()));
  const el = element(container, "el");
  expect(el).toBeInstanceOf(customElements.get("ninjaone-settings")!);
  await vi.waitFor(() => expect(title(el)).toBe("RMM"));
  await vi.waitFor(() => expect(statusAuth(w)).toContain("Bearer good"));
  expect(getSessionToken).toHaveBeenCalled();
  expect(el.apiBase).toBe(API);
  expect(el.mode).toBe("redirect");
  expect(el.strings).toBe(strings); // the object itself: a property, not an attribute
  expect(el.hasAttribute("strings")).toBe(false);
  expect(el.getAttribute("lang")).toBe("en");
  expect(el.getAttribute("class")).toBe("host-class");

  rerender(createElement(NinjaOneSettings, props({ strings: { title: "RMM, again" }, mode: "popup" })));
  await vi.waitFor(() => expect(title(el)).toBe("RMM, again"));
  expect(el.mode).toBe("popup");

  // a session token instead of the function
  rerender(createElement(NinjaOneSettings, props({ getSessionToken: undefined, sessionToken: "good" })));
  expect(el.getSessionToken).toBeUndefined();
  expect(el.sessionToken).toBe("good");
  expect(el.hasAttribute("session-token")).toBe(false); // not reflected
});

it("the wrapper's event props fire for the element's five events, and stop when removed", async () => {
  const { NinjaOneSettings } = await import("../../widget/react.js");
  const events = await import("../../widget/index.js");
  const w = fakeWorker();
  // the load fails for real: the element reports it with `ninjaone-error`
  w.override = () => json(503, { error: "storage_unavailable", message: "Storage unavailable." });
  const handlers = {
    onCredentialsSaved: vi.fn(),
    onConnected: vi.fn(),
    onDisconnected: vi.fn(),
    onError: vi.fn(),
    onStatus: vi.fn(),
  };
  const { container, rerender } = render(createElement(NinjaOneSettings, { id: "el", apiBase: API, sessionToken: "good", ...handlers }));
  const el = element(container, "el");
  await vi.waitFor(() => expect(handlers.onError).toHaveBeenCalled());
  expect(handlers.onError.mock.calls[0]![0]).toBeInstanceOf(events.NinjaOneErrorEvent);
  expect(handlers.onError.mock.calls[0]![0].detail.code).toBe("storage_unavailable");

  // the other four, as the element dispatches them (each flow is tested in ninjaone-settings.test.ts)
  el.dispatchEvent(new events.NinjaOneCredentialsSavedEvent({ region: "eu", clientId: "id", updatedAt: "2026-04-01T12:00:00Z" }));
  el.dispatchEvent(new events.NinjaOneConnectedEvent({ region: "eu", connectedAt: "2026-04-01T12:00:00Z", scopes: ["monitoring"] }));
  el.dispatchEvent(new events.NinjaOneDisconnectedEvent());
  el.dispatchEvent(new events.NinjaOneStatusEvent({ state: "connected", region: "eu" }));
  expect(handlers.onCredentialsSaved.mock.calls[0]![0].detail.clientId).toBe("id");
  expect(handlers.onConnected.mock.calls[0]![0].detail.scopes).toEqual(["monitoring"]);
  expect(handlers.onDisconnected).toHaveBeenCalledTimes(1);
  expect(handlers.onStatus.mock.calls.at(-1)![0].detail).toEqual({ state: "connected", region: "eu" });

  // a new handler replaces the old one; a removed one stops listening
  const onStatus = vi.fn();
  rerender(createElement(NinjaOneSettings, { id: "el", apiBase: API, sessionToken: "good", onStatus }));
  const statusCalls = handlers.onStatus.mock.calls.length;
  el.dispatchEvent(new events.NinjaOneStatusEvent({ state: "saved", region: "eu" }));
  el.dispatchEvent(new events.NinjaOneDisconnectedEvent());
  expect(onStatus).toHaveBeenCalledTimes(1);
  expect(handlers.onStatus).toHaveBeenCalledTimes(statusCalls);
  expect(handlers.onDisconnected).toHaveBeenCalledTimes(1);
});

it("the plain element in React 19 JSX: attributes, a ref for the properties, and on<event> listeners", async () => {
  const events = await import("../../widget/index.js");
  const w = fakeWorker();
  const onError = vi.fn();
  const onStatus = vi.fn();
  const { container } = render(
    createElement("ninjaone-settings", {
      id: "el",
      "api-base": API,
      "session-token": "good",
      ref: (el: Element | null) => {
        if (el) el.strings = { title: "RMM (JSX)" };
      },
      "onninjaone-error": onError,
      "onninjaone-status": onStatus,
    }),
  );
  const el = element(container, "el");
  await vi.waitFor(() => expect(title(el)).toBe("RMM (JSX)"));
  await vi.waitFor(() => expect(statusAuth(w)).toContain("Bearer good"));
  el.dispatchEvent(new events.NinjaOneErrorEvent({ code: "unknown", message: "Something went wrong." }));
  el.dispatchEvent(new events.NinjaOneStatusEvent({ state: "not-configured" }));
  expect(onError.mock.calls.at(-1)![0].detail.code).toBe("unknown");
  expect(onStatus.mock.calls.at(-1)![0].detail.state).toBe("not-configured");
});

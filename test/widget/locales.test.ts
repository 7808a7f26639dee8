// German and French: complete, registered by importing them (whichever loads first, the locale or
// the element), and followed by the element's language, its dates and its relative times.
//
// The German locale is imported before the element on purpose: module evaluation follows import
// order, so it registers while <ninjaone-settings> is not defined yet. French is imported later,
// after the element.
import { de } from "../../widget/locales/de.js";
import { expect as chaiExpect, fixtureCleanup } from "@open-wc/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { NinjaOneSettings, en, type NinjaOneStrings } from "../../widget/ninjaone-settings.js";
import { $, CONNECTED, SAVED, button, fakeWorker, mount, text } from "./helpers.js";

const accessible = (el: Element) => chaiExpect(el).to.be.accessible();
const registry = () => (customElements.get("ninjaone-settings") as unknown as typeof NinjaOneSettings).translations;
const htmlLang = document.documentElement.lang;
/** As `text()` reads the page: any run of white space (French no-break spaces too) as one space. */
const words = (value: string) => value.replace(/\s+/g, " ");

afterEach(() => {
  fixtureCleanup();
  vi.restoreAllMocks();
  document.documentElement.lang = htmlLang;
});

it("passes accessibility checks", async () => {
  fakeWorker({ credentials: SAVED, connection: CONNECTED });
  const el = await mount({ lang: "de" });
  await accessible(el);
});

/** Every text of a strings object, by a path like `errors.access_denied.message`. */
function texts(strings: NinjaOneStrings): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(strings)) {
    if (typeof value === "string") out.set(key, value);
  }
  for (const [code, { message, action }] of Object.entries(strings.errors)) {
    out.set(`errors.${code}.message`, message);
    out.set(`errors.${code}.action`, action);
  }
  return out;
}
const placeholders = (value: string) => [...value.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("completeness", () => {
  const locales = async (): Promise<[string, NinjaOneStrings][]> => [["de", de], ["fr", (await import("../../widget/locales/fr.js")).fr]];

  it("every English text has a German and a French one, with the same placeholders, and nothing more", async () => {
    const english = texts(en);
    for (const [lang, strings] of await locales()) {
      const translated = texts(strings);
      expect([...translated.keys()].sort(), lang).toEqual([...english.keys()].sort());
      for (const [key, value] of english) {
        const other = translated.get(key)!;
        expect(other.trim(), `${lang} ${key}`).not.toBe("");
        expect(placeholders(other), `${lang} ${key} keeps its placeholders`).toEqual(placeholders(value));
      }
    }
  });

  it("keeps NinjaOne's own menu and field names, so that an admin finds them", async () => {
    for (const [lang, strings] of await locales()) {
      for (const name of ["Administration → Apps → API → Client app IDs", "Add client app", "Web (PHP, Java, .Net Core, etc.)", "Monitoring", "Authorization code", "Refresh token"]) {
        expect([...texts(strings).values()].join(" "), `${lang}: ${name}`).toContain(name);
      }
      expect(strings.clientIdLabel).toBe("Client ID");
      expect(strings.clientSecretLabel).toBe("Client Secret");
    }
  });
});

describe("registration", () => {
  it("a locale imported before the element is defined registers once it is", async () => {
    await customElements.whenDefined("ninjaone-settings");
    await vi.waitFor(() => expect(registry().de).toBe(de));
  });

  it("a locale imported after the element registers too, in customElements.get(…).translations", async () => {
    const { fr } = await import("../../widget/locales/fr.js");
    await vi.waitFor(() => expect(registry().fr).toBe(fr));
    expect(registry()).toBe(NinjaOneSettings.translations);
  });

  it("elements already on the page re-render when their language arrives", async () => {
    fakeWorker({ credentials: SAVED });
    delete registry().de;
    const el = await mount({ lang: "de" });
    expect(text($(el, "#connect"))).toBe("Connect to NinjaOne");
    registry().de = de;
    await vi.waitFor(() => expect(text($(el, "#connect"))).toBe("Mit NinjaOne verbinden"));
  });
});

describe("rendering in the element's language", () => {
  it("German: badge, state, buttons, setup steps and field labels", async () => {
    fakeWorker({ credentials: SAVED });
    const el = await mount({ lang: "de" });
    expect(text($(el, "[part~='badge']"))).toBe("Nicht verbunden");
    expect(text($(el, "#state"))).toBe(de.notConnectedText);
    expect([...$(el, ".actions")!.querySelectorAll("button")].map((b) => text(b))).toEqual([de.connect, de.changeCredentials, de.removeCredentials]);
    expect(text($(el, "details"))).toContain("„Administration → Apps → API → Client app IDs“");
    expect(text($(el, "[part~='saved']"))).toContain(de.savedUpdated);
    await accessible(el);
  });

  it("French: error messages and their remedies follow the language", async () => {
    await import("../../widget/locales/fr.js");
    fakeWorker();
    history.replaceState(null, "", "?ninjaone_error=access_denied");
    const errors: string[] = [];
    document.addEventListener("ninjaone-error", (e) => errors.push(e.detail.message), { once: true });
    const el = await mount({ lang: "fr-CA" }); // falls back to the base language
    history.replaceState(null, "", location.pathname);
    const { fr } = await import("../../widget/locales/fr.js");
    expect(text($(el, "[part~='notice-error']"))).toBe(words(`${fr.errorPrefix} ${fr.errors.access_denied.message} ${fr.errors.access_denied.action}`));
    expect(errors).toEqual([fr.errors.access_denied.message]);
    expect(text($(el, "details summary"))).toBe(`1${fr.setupHeading}`); // step 1, while nothing is saved
  });

  it("dates and relative times follow the language", async () => {
    const at = new Date(Date.now() - 2 * 60_000 - 5_000).toISOString();
    fakeWorker({ credentials: SAVED, connection: { ...CONNECTED, lastCheck: { at, ok: true } } });
    const el = await mount({ lang: "de" });
    const details = text($(el, "[part~='details']"));
    const since = new Date(CONNECTED.connectedAt).toLocaleString("de", { dateStyle: "medium", timeStyle: "short" });
    expect(since).not.toBe(new Date(CONNECTED.connectedAt).toLocaleString("en", { dateStyle: "medium", timeStyle: "short" }));
    expect(details).toContain(`${de.connectedSince}${since}`); // <dt> and <dd> side by side
    expect(details).toContain("Geprüft vor 2 Minuten: NinjaOne hat geantwortet.");
    el.lang = "fr";
    await el.updateComplete;
    expect($(el, "[part~='details']")!.textContent).toContain("Vérifié il y a 2 minutes\u00a0: NinjaOne a répondu.");
  });

  it("changing lang on the element re-renders", async () => {
    fakeWorker({ credentials: SAVED });
    const el = await mount({ lang: "en" });
    expect(text($(el, "#connect"))).toBe(en.connect);
    el.setAttribute("lang", "de");
    await el.updateComplete;
    expect(text($(el, "#connect"))).toBe(de.connect);
    el.removeAttribute("lang");
    await el.updateComplete;
    expect(text($(el, "#connect"))).toBe(en.connect);
  });

  it("changing <html lang> re-renders an element without its own lang", async () => {
    fakeWorker({ credentials: SAVED });
    const el = await mount();
    expect(text($(el, "#connect"))).toBe(en.connect);
    document.documentElement.lang = "de";
    await vi.waitFor(() => expect(text($(el, "#connect"))).toBe(de.connect));
    document.documentElement.lang = "en";
    await vi.waitFor(() => expect(text($(el, "#connect"))).toBe(en.connect));
  });

  it("changing the lang of an ancestor re-renders an element without its own lang", async () => {
    fakeWorker({ credentials: SAVED });
    const section = document.createElement("div");
    section.lang = "en";
    document.body.append(section);
    try {
      const el = await mount();
      section.append(el); // the fixture's own container has no lang: the nearest lang is the section's
      await el.updateComplete;
      expect(text($(el, "#connect"))).toBe(en.connect);
      section.lang = "de";
      await vi.waitFor(() => expect(text($(el, "#connect"))).toBe(de.connect));
    } finally {
      section.remove();
    }
  });

  it("a translation registered for a regional tag wins over its base language, and other regions fall back to it", async () => {
    fakeWorker({ credentials: SAVED });
    registry()["de-CH"] = { connect: "Mit NinjaOne verbinden (CH)" };
    try {
      const swiss = await mount({ lang: "de-ch" }); // tags are matched in their canonical form, de-CH
      expect(text($(swiss, "#connect"))).toBe("Mit NinjaOne verbinden (CH)");
      expect(text($(swiss, "#edit"))).toBe(de.changeCredentials); // the rest from de
      const austrian = await mount({ lang: "de-AT" });
      expect(text($(austrian, "#connect"))).toBe(de.connect);
    } finally {
      delete registry()["de-CH"];
    }
  });

  it("an element removed from the page stops watching <html lang>", async () => {
    fakeWorker({ credentials: SAVED });
    const el = await mount();
    const update = vi.spyOn(el, "requestUpdate");
    el.remove();
    document.documentElement.lang = "de";
    await new Promise((r) => setTimeout(r, 20));
    expect(update).not.toHaveBeenCalled();
    expect(button(el, de.connect)).toBeNull();
  });
});

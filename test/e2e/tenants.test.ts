// Two tenants side by side, in two browser contexts: neither ever sees the
// other's credentials or connection, and a reload keeps each one's state.
import { describe, expect, it } from "vitest";
import type { Locator } from "playwright-core";
import {
  addStandInClient, badge, DEMO, expectText, newContext, openConsentPopup, openHost, resetTenant, saveCredentials, status, tokenRoute, useBrowser,
} from "./helpers";

const browser = useBrowser();

/** Everything the widget shows, plus what its inputs hold. */
const visibleText = (widget: Locator) =>
  widget.evaluate((el) => el.shadowRoot!.textContent + " " + Array.from(el.shadowRoot!.querySelectorAll("input")).map((i) => i.value).join(" "));

describe("tenant isolation", () => {
  it("acme and globex never see each other's data, and a reload keeps each state", async () => {
    const GLOBEX_ID = "globex-own-client-id";
    await addStandInClient(GLOBEX_ID, "globex-secret-0123");
    await Promise.all([resetTenant("acme"), resetTenant("globex")]);
    const acmeContext = await newContext(browser());
    const globexContext = await newContext(browser());
    const acme = await openHost(acmeContext, "acme");
    const globex = await openHost(globexContext, "globex");

    // acme saves and connects; globex saves another client app
    await saveCredentials(acme.widget);
    const popup = await openConsentPopup(acme.page, acme.widget);
    await popup.getByRole("button", { name: "Approve" }).click();
    await expectText(badge(acme.widget), "Connected");
    await saveCredentials(globex.widget, GLOBEX_ID, "globex-secret-0123");

    for (const reload of [false, true]) {
      if (reload) await Promise.all([acme.page.reload(), globex.page.reload()]);
      await expectText(badge(acme.widget), "Connected");
      await expectText(badge(globex.widget), "Not connected");
      await expectText(acme.widget.locator("[part=saved]"), DEMO.clientId);
      await expectText(globex.widget.locator("[part=saved]"), GLOBEX_ID);
      const acmeText = await visibleText(acme.widget);
      const globexText = await visibleText(globex.widget);
      expect(acmeText).not.toContain(GLOBEX_ID);
      expect(acmeText).not.toContain("0123");
      expect(globexText).not.toContain(DEMO.clientId);
      expect(globexText).not.toContain("e-me");
    }

    // the same, as the worker answers each tenant
    const [a, g] = await Promise.all([status("acme"), status("globex")]);
    expect(a.credentials.clientId).toBe(DEMO.clientId);
    expect(a.connection.status).toBe("connected");
    expect(g.credentials.clientId).toBe(GLOBEX_ID);
    expect(g.connection.status).toBe("not_connected");
    expect((await tokenRoute("acme")).status).toBe(200);
    expect((await tokenRoute("globex")).status).toBe(409);
    await Promise.all([acmeContext.close(), globexContext.close()]);
  });
});

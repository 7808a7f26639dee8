// The classic-script embed (<script src=".../ninjaone-settings.iife.js">, no
// type=module) renders the same widget and works.
import { describe, expect, it } from "vitest";
import {
  badge, expectText, newContext, notice, openConsentPopup, openHost, resetTenant, saveCredentials, status, urls, useBrowser,
} from "./helpers";

const browser = useBrowser();

describe("IIFE embed", () => {
  it("loads the status, saves credentials and connects", async () => {
    await resetTenant("globex");
    const context = await newContext(browser());
    const scripts: string[] = [];
    context.on("request", (request) => {
      if (request.resourceType() === "script") scripts.push(request.url());
    });
    const { page, widget } = await openHost(context, "globex", "&embed=iife");
    expect(scripts).toContain(`${urls().workerUrl}/ninjaone-settings.iife.js`);
    expect(scripts).not.toContain(`${urls().workerUrl}/ninjaone-settings.js`);
    expect(await page.locator('script[src$="ninjaone-settings.iife.js"]').getAttribute("type")).toBeNull();

    await expectText(badge(widget), "Not set up");
    expect((await widget.locator("#redirect-uri").textContent())?.trim()).toBe(urls().redirectUri);
    await saveCredentials(widget);
    await expectText(badge(widget), "Not connected");
    const popup = await openConsentPopup(page, widget);
    await popup.getByRole("button", { name: "Approve" }).click();
    await expectText(badge(widget), "Connected");
    await expectText(notice(widget), "NinjaOne connected.");
    expect((await status("globex")).connection.status).toBe("connected");
    await context.close();
  });
});

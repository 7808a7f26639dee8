// What the user sees when connecting can't work: consent denied, no saved
// credentials, a Client ID that NinjaOne does not know, a sign-in window closed early.
import { describe, expect, it } from "vitest";
import {
  API, badge, connectButton, expectText, fillCredentials, freshHostPage, notice, openConsentPopup, saveCredentials, screenshot, status, urls, useBrowser, widgetToken,
} from "./helpers";

const browser = useBrowser();

describe("connect errors", () => {
  it("Deny on the consent page shows the access_denied message", async () => {
    const { context, page, widget } = await freshHostPage(browser(), "globex");
    await saveCredentials(widget);
    const popup = await openConsentPopup(page, widget);
    const closed = popup.waitForEvent("close");
    await popup.getByRole("button", { name: "Deny" }).click();
    await closed;
    await expectText(notice(widget), "Access was not granted in NinjaOne.");
    await expectText(notice(widget), "Connect again and allow access.");
    await expectText(badge(widget), "Not connected");
    await expectText(page.locator("#events"), '"code":"access_denied"');
    expect(await connectButton(widget).isEnabled()).toBe(true);
    expect((await status("globex")).connection.status).toBe("not_connected");
    await screenshot(page, "error-access-denied");
    await context.close();
  });

  it("can't connect without credentials: disabled in the UI, credentials_not_configured at the route", async () => {
    const { context, widget } = await freshHostPage(browser(), "globex");
    await expectText(badge(widget), "Not set up");
    expect(await connectButton(widget).isDisabled()).toBe(true);
    await expectText(widget.locator("#connect-hint"), "Save your credentials first.");
    await context.close();

    // the form POST the widget would send, sent anyway
    const { workerUrl, hostUrl } = urls();
    const returnTo = `${hostUrl}/?tenant=globex&mode=redirect`;
    const res = await fetch(`${workerUrl}${API}/connect`, {
      method: "POST",
      redirect: "manual",
      headers: { Origin: hostUrl, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: await widgetToken("globex"), return_to: returnTo, mode: "redirect" }),
    });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(`${hostUrl}/`);
    expect(location.searchParams.get("tenant")).toBe("globex");
    expect(location.searchParams.get("ninjaone_error")).toBe("credentials_not_configured");
  });

  it("a Client ID unknown to NinjaOne is refused when saving, at its field", async () => {
    const { context, widget } = await freshHostPage(browser(), "globex");
    await fillCredentials(widget, "no-such-client-id", "some-secret-value");
    await widget.getByRole("button", { name: "Save credentials" }).click();
    await expectText(notice(widget), "Some values are not valid.");
    expect(await widget.getByLabel("Client ID").getAttribute("aria-invalid")).toBe("true");
    expect((await status("globex")).credentials).toBeNull();
    await context.close();
  });

  it("the NinjaOne window closed without a result: the widget stops waiting and says what to check", async () => {
    const { context, page, widget } = await freshHostPage(browser(), "globex");
    await saveCredentials(widget);
    const popup = await openConsentPopup(page, widget);
    await expectText(widget.locator("#connect"), "Connecting…");
    await expectText(widget.locator("#connect-hint"), "Finish signing in to NinjaOne in the window that opened.");
    await popup.close();
    // the status poll notices the closed window: Connect is offered again, nothing was connected
    await expectText(widget.locator("#connect"), "Connect to NinjaOne");
    expect(await connectButton(widget).isEnabled()).toBe(true);
    await expectText(notice(widget), /No result came back from the NinjaOne window/);
    await expectText(notice(widget), /check the Client ID and the region/);
    await expectText(badge(widget), "Not connected");
    expect((await status("globex")).connection.status).toBe("not_connected");
    await screenshot(page, "error-popup-closed", { docs: false });
    await context.close();
  });
});

// reconnect_required for real: an admin revokes the app's access in NinjaOne (the stand-in's
// hook), the host backend's next forced refresh is refused, and the widget left open shows
// Reconnect once its page regains focus; Reconnect connects again with the saved credentials.
import { describe, expect, it } from "vitest";
import { sign } from "hono/jwt";
import { inject } from "vitest";
import {
  API, badge, DEMO, expectText, newContext, notice, openConsentPopup, openHost, resetTenant, saveCredentials, screenshot, standInStats, tokenRoute, urls, useBrowser,
} from "./helpers";

const browser = useBrowser();

async function forcedRefresh(tenant: string, rejectedAccessToken: string): Promise<Response> {
  const iat = Math.floor(Date.now() / 1000);
  const jwt = await sign({ tenant, aud: "ninjaone-api", iat, exp: iat + 300 }, inject("tenantTokenSecret"), "HS256");
  return fetch(`${urls().workerUrl}${API}/token`, {
    method: "POST",
    headers: { Authorization: `Bearer ${jwt}`, "Content-Type": "application/json" },
    body: JSON.stringify({ rejectedAccessToken }),
  });
}

describe("a connection that dies while the widget is open", () => {
  it("shows Reconnect after the page regains focus, and Reconnect connects again", async () => {
    await resetTenant("acme");
    const context = await newContext(browser());
    // The widget reloads its status on focus at most every 30 s: the test moves the page's clock.
    await context.clock.install();
    const { page, widget } = await openHost(context, "acme");
    await saveCredentials(widget);
    const popup = await openConsentPopup(page, widget);
    await popup.getByRole("button", { name: "Approve" }).click();
    await expectText(badge(widget), "Connected");

    // What an admin removing the app in NinjaOne does; then the backend's call is answered 401.
    const revoked = await fetch(`${urls().standInUrl}/__stand-in/revoke-grants`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ clientId: DEMO.clientId }),
    });
    expect(revoked.status).toBe(200);
    const { accessToken } = (await (await tokenRoute("acme")).json()) as { accessToken: string };
    const refused = await forcedRefresh("acme", accessToken);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: string }).error).toBe("reconnect_required");

    // The open widget still shows what it loaded; coming back to the page tells the truth.
    await expectText(badge(widget), "Connected");
    await page.clock.fastForward(31_000);
    await page.evaluate(() => window.dispatchEvent(new Event("focus")));
    await expectText(badge(widget), "Reconnect required");
    await screenshot(page, "reconnect-required");

    const grantsBefore = (await standInStats()).codeGrants;
    const popupPromise = page.waitForEvent("popup");
    await widget.getByRole("button", { name: "Reconnect" }).click();
    const again = await popupPromise;
    await again.getByRole("button", { name: "Approve" }).click();
    await expectText(badge(widget), "Connected");
    await expectText(notice(widget), "NinjaOne connected.");
    expect((await standInStats()).codeGrants).toBe(grantsBefore + 1);
    expect((await tokenRoute("acme")).status).toBe(200);
    await context.close();
  });
});

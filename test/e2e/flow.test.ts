// The seed's whole flow, as a tenant admin clicks it: instructions → save
// credentials → connect in a popup → approve → connected (no reload) → the host
// backend uses the connection → disconnect removes everything.
import { describe, expect, it } from "vitest";
import {
  backendOrganizations, badge, connectButton, DEMO, expectText, freshHostPage, notice, openConsentPopup, saveCredentials, screenshot, status, tokenRoute, urls, useBrowser,
} from "./helpers";

const browser = useBrowser();

describe("the seed's flow in the browser", () => {
  it("saves credentials, connects through the consent popup, serves tokens, and disconnects", async () => {
    const { redirectUri, workerUrl } = urls();
    expect(redirectUri).toBe(`${workerUrl}/api/integrations/ninjaone/callback`);
    const { context, page, widget } = await freshHostPage(browser(), "acme");

    // 1. not set up: the instructions are open and show the exact redirect URI to register
    await expectText(badge(widget), "Not set up");
    const instructions = widget.locator("details.section");
    expect(await instructions.getAttribute("open")).not.toBeNull();
    await expectText(instructions, "Administration → Apps → API → Client app IDs");
    expect((await widget.locator("#redirect-uri").textContent())?.trim()).toBe(redirectUri);
    expect(await widget.locator("#redirect-uri").isVisible()).toBe(true);
    expect(await connectButton(widget).isDisabled()).toBe(true);
    await screenshot(page, "not-configured");

    // 2. save: "credentials saved", the secret only as mask + last 4
    await saveCredentials(widget);
    await expectText(badge(widget), "Not connected");
    const saved = widget.locator("[part=saved]");
    await expectText(saved, DEMO.clientId);
    await expectText(saved, `••••••••••••${DEMO.clientSecret.slice(-4)}`);
    const shadowHtml = await widget.evaluate((el) => el.shadowRoot!.innerHTML);
    expect(shadowHtml).not.toContain(DEMO.clientSecret);
    // saved, the summary leads and the form is closed; opened again, its secret field is empty
    await widget.getByRole("button", { name: "Change credentials" }).click();
    expect(await widget.getByLabel("Client Secret", { exact: true }).inputValue()).toBe("");
    await widget.getByRole("button", { name: "Cancel", exact: true }).click();
    expect(await page.locator("#events").textContent()).not.toContain(DEMO.clientSecret);
    expect(await connectButton(widget).isEnabled()).toBe(true);
    await screenshot(page, "credentials-saved");

    // 3. connect: the popup shows the stand-in's consent page; approving closes it
    await page.evaluate(() => ((window as any).__notReloaded = true));
    const popup = await openConsentPopup(page, widget);
    await expectText(popup.locator("body"), "ninjaone-settings demo");
    await expectText(widget.locator("#connect"), "Connecting…");
    await screenshot(popup, "consent", { sizes: false });
    const closed = popup.waitForEvent("close");
    await popup.getByRole("button", { name: "Approve" }).click();
    await closed;

    // 4. connected, in the same page (no reload)
    await expectText(badge(widget), "Connected");
    await expectText(notice(widget), "NinjaOne connected.");
    await expectText(widget.locator("[part=details]"), "monitoring");
    expect(await page.evaluate(() => (window as any).__notReloaded)).toBe(true);
    await expectText(page.locator("#events"), "ninjaone-connected");
    await screenshot(page, "connected");

    // 5. the host backend gets an access token from /token that the stand-in accepts
    await page.getByRole("button", { name: "List NinjaOne organizations" }).click();
    await expectText(page.locator("#backend-result"), "Acme Dental");
    const result = JSON.parse((await page.locator("#backend-result").textContent())!);
    expect(result).toMatchObject({ ok: true, region: "local" });
    expect(result.organizations.length).toBeGreaterThan(0);

    // 6. disconnect, after a confirmation
    const grant = (await (await tokenRoute("acme")).json()) as { accessToken: string; apiBaseUrl: string };
    await widget.getByRole("button", { name: "Disconnect", exact: true }).click();
    await expectText(widget.locator("[part=confirm]"), "Disconnect NinjaOne?");
    await screenshot(page, "disconnect-confirm");
    await widget.getByRole("button", { name: "Disconnect and remove credentials" }).click();
    await expectText(notice(widget), "Disconnected; credentials removed.");
    await expectText(badge(widget), "Not set up");
    expect(await widget.locator("[part=saved]").count()).toBe(0);
    expect(await widget.getByLabel("Client ID").inputValue()).toBe("");
    expect(await connectButton(widget).isDisabled()).toBe(true);
    await expectText(page.locator("#events"), "ninjaone-disconnected");

    // gone for the worker too: /status reads the tenant's KV record, /token its Durable Object.
    // (Listing the persisted KV with `wrangler kv key list --local` while `wrangler dev` runs is not
    // reliable: the second workerd on the same SQLite files fails with "KV GET failed: 500".)
    const after = await status("acme");
    expect(after.credentials).toBeNull();
    expect(after.connection.status).toBe("not_connected");
    const token = await tokenRoute("acme");
    expect(token.status).toBe(409);
    expect(((await token.json()) as { error: string }).error).toBe("not_connected");
    expect(await backendOrganizations("acme")).toMatchObject({ ok: false, error: "not_connected" });
    // and NinjaOne was told: the grant is revoked, the last access token no longer works
    const stillWorks = () =>
      fetch(`${grant.apiBaseUrl}/v2/organizations`, { headers: { Authorization: `Bearer ${grant.accessToken}` } }).then((r) => r.status);
    for (let i = 0; i < 20 && (await stillWorks()) === 200; i++) await new Promise((r) => setTimeout(r, 250));
    expect(await stillWorks()).toBe(401);
    await context.close();
  });
  // Reconnect for real (revoked at NinjaOne, then the open widget shows it): reconnect.test.ts.
});

// Connecting in the same tab: redirect mode, and popup mode when the browser
// blocks the popup. The tab goes to the worker's launch page, where one click
// continues to NinjaOne. Both end back on the host page with the result shown
// and the `ninjaone` / `ninjaone_error` parameters gone from the address bar.
import { describe, expect, it } from "vitest";
import type { BrowserContext, Locator, Page } from "playwright-core";
import {
  badge, continueFromLaunchPage, expectText, freshHostPage, newContext, notice, openHost, resetTenant, saveCredentials, status, urls, useBrowser,
} from "./helpers";

const browser = useBrowser();

/** Records the host-page URLs the tab navigates to (what the worker redirected back to). */
function trackReturns(page: Page): string[] {
  const returns: string[] = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame() && frame.url().startsWith(urls().hostUrl)) returns.push(frame.url());
  });
  return returns;
}

/** The query of the host page once it is back, as the user's address bar shows it. */
async function backOnHost(page: Page): Promise<URLSearchParams> {
  await page.waitForURL((url) => url.origin === urls().hostUrl);
  await page.locator("ninjaone-settings .badge").waitFor();
  return new URL(page.url()).searchParams;
}

/**
 * Saves credentials, connects without a popup, approves at NinjaOne, and checks
 * the page came back connected with only `expectedQuery` left in its URL.
 */
async function approveInThisTab(context: BrowserContext, page: Page, widget: Locator, expectedQuery: Record<string, string>) {
  await saveCredentials(widget);
  await continueFromLaunchPage(page, widget);
  expect(context.pages()).toHaveLength(1); // no popup
  const returns = trackReturns(page);
  await page.getByRole("button", { name: "Approve" }).click();

  const query = await backOnHost(page);
  expect(new URL(returns[0]!).searchParams.get("ninjaone")).toBe("connected"); // the worker's 303 said so
  await expectText(badge(widget), "Connected");
  await expectText(notice(widget), "NinjaOne connected.");
  expect(Object.fromEntries(query)).toEqual(expectedQuery);
}

describe("same-tab connect", () => {
  it("redirect mode: approve ends back on the host page, connected, URL cleaned", async () => {
    const { context, page, widget } = await freshHostPage(browser(), "acme", "&mode=redirect");
    await approveInThisTab(context, page, widget, { tenant: "acme", mode: "redirect" });
    expect((await status("acme")).connection.status).toBe("connected");
    await context.close();
  });

  it("redirect mode: deny ends back on the host page with the access_denied message, URL cleaned", async () => {
    const { context, page, widget } = await freshHostPage(browser(), "acme", "&mode=redirect");
    await saveCredentials(widget);
    await continueFromLaunchPage(page, widget);
    const returns = trackReturns(page);
    await page.getByRole("button", { name: "Deny" }).click();

    const query = await backOnHost(page);
    expect(new URL(returns[0]!).searchParams.get("ninjaone_error")).toBe("access_denied");
    await expectText(notice(widget), "Access was not granted in NinjaOne.");
    await expectText(badge(widget), "Not connected");
    expect(Object.fromEntries(query)).toEqual({ tenant: "acme", mode: "redirect" });
    await context.close();
  });

  it("popup mode with popups blocked falls back to the same tab, connected, URL cleaned", async () => {
    await resetTenant("acme");
    const context = await newContext(browser());
    await context.addInitScript(() => {
      window.open = () => null; // what a popup blocker does
    });
    const { page, widget } = await openHost(context, "acme");
    await approveInThisTab(context, page, widget, { tenant: "acme" });
    await context.close();
  });
});

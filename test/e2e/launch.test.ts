// Issue 9 §1: connecting works from host pages whatever their Referrer-Policy (under no-referrer
// and same-origin a cross-site form POST carries `Origin: null`), and a page of another site can
// use none of the ways in (docs/security.md, "Starting a flow").
import { describe, expect, it } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import {
  API, badge, continueFromLaunchPage, DEMO, expectText, flowCookies, freshHostPage, newContext, notice, openConsentPopup, resetTenant, saveCredentials,
  status, urls, useBrowser, widgetToken, type Tenant,
} from "./helpers";

const browser = useBrowser();

/** The demo host reached by IP: the same server, another origin than the allowed http://localhost:<port>. */
const foreignOrigin = () => urls().hostUrl.replace("//localhost:", "//127.0.0.1:");

const POLICIES = ["no-referrer", "same-origin", "default"] as const;

describe("connecting from hosts with any Referrer-Policy", () => {
  for (const policy of POLICIES) {
    const query = policy === "default" ? "" : `&referrer=${policy}`;

    it(`popup mode, host page with ${policy === "default" ? "the default policy" : `Referrer-Policy: ${policy}`}`, async () => {
      const { context, page, widget } = await freshHostPage(browser(), "acme", query);
      expect((await page.request.get(page.url())).headers()["referrer-policy"]).toBe(policy === "default" ? undefined : policy);
      await saveCredentials(widget);
      const popup = await openConsentPopup(page, widget);
      const closed = popup.waitForEvent("close");
      await popup.getByRole("button", { name: "Approve" }).click();
      await closed;
      await expectText(badge(widget), "Connected");
      await expectText(notice(widget), "NinjaOne connected.");
      expect((await status("acme")).connection.status).toBe("connected");
      await context.close();
    });

    it(`redirect mode, host page with ${policy === "default" ? "the default policy" : `Referrer-Policy: ${policy}`}`, async () => {
      const { context, page, widget } = await freshHostPage(browser(), "acme", `&mode=redirect${query}`);
      await saveCredentials(widget);
      await continueFromLaunchPage(page, widget);
      await page.getByRole("button", { name: "Approve" }).click();
      await page.waitForURL((url) => url.origin === urls().hostUrl);
      await expectText(badge(widget), "Connected");
      await expectText(notice(widget), "NinjaOne connected.");
      expect(new URL(page.url()).searchParams.get("ninjaone")).toBeNull(); // cleaned
      expect((await status("acme")).connection.status).toBe("connected");
      await context.close();
    });
  }

  it("under no-referrer, the plain form POST the widget used to send carries Origin: null and is refused", async () => {
    const { context, page } = await freshHostPage(browser(), "acme", "&referrer=no-referrer");
    const { workerUrl, hostUrl } = urls();
    const token = await widgetToken("acme");
    const sent = page.waitForRequest((request) => request.url() === `${workerUrl}${API}/connect`);
    const answered = page.waitForResponse((response) => response.url() === `${workerUrl}${API}/connect`);
    await postForm(page, `${workerUrl}${API}/connect`, { token, return_to: `${hostUrl}/?tenant=acme`, mode: "popup" });
    expect(await (await sent).headerValue("origin")).toBe("null");
    expect((await answered).status()).toBe(403);
    expect(await flowCookies(context)).toEqual([]);
    await context.close();
  });
});

/** Submits a plain form POST from the page, as any site can (no fetch, no CORS). */
async function postForm(page: Page, action: string, fields: Record<string, string>): Promise<void> {
  await page.evaluate(
    ({ action, fields }) => {
      const form = Object.assign(document.createElement("form"), { method: "POST", action });
      for (const [name, value] of Object.entries(fields)) form.append(Object.assign(document.createElement("input"), { type: "hidden", name, value }));
      document.body.append(form);
      form.submit();
    },
    { action, fields },
  );
}

/** A page of another site, in a fresh browser of the victim (own cookies). */
async function openForeignPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await newContext(browser());
  const page = await context.newPage();
  await page.goto(`${foreignOrigin()}/foreign`);
  await expectText(page.locator("h1"), "Another site");
  return { context, page };
}

/** The victim's tenant has a client app saved, so a flow could start if anything let it. */
async function victimWithCredentials(tenant: Tenant): Promise<void> {
  await resetTenant(tenant);
  const { context, widget } = await freshHostPage(browser(), tenant);
  await saveCredentials(widget);
  await context.close();
}

/** What must hold after every refused attempt: no flow bound to this browser, nothing connected. */
async function expectNothingStarted(context: BrowserContext, tenant: Tenant): Promise<void> {
  expect(await flowCookies(context)).toEqual([]);
  expect(context.pages().some((p) => p.url().startsWith(urls().standInUrl))).toBe(false);
  expect((await status(tenant)).connection.status).toBe("not_connected");
}

describe("a page of another site, with a valid widget token it got elsewhere", () => {
  it("cannot start a flow with a form POST to /connect", async () => {
    await victimWithCredentials("globex");
    const { context, page } = await openForeignPage();
    const { workerUrl, hostUrl } = urls();
    const answered = page.waitForResponse((response) => response.url() === `${workerUrl}${API}/connect`);
    await postForm(page, `${workerUrl}${API}/connect`, { token: await widgetToken("globex"), return_to: `${hostUrl}/?tenant=globex`, mode: "redirect" });
    expect((await answered).status()).toBe(403);
    await expectText(page.locator("main"), "Error code: forbidden");
    await expectNothingStarted(context, "globex");
    await context.close();
  });

  it("cannot get a token posted by the popup's launch page, nor hand it one", async () => {
    await victimWithCredentials("globex");
    const { context, page } = await openForeignPage();
    const { workerUrl, hostUrl } = urls();
    const launch = (origin: string) => `${workerUrl}${API}/launch?origin=${encodeURIComponent(origin)}`;

    // for its own origin the worker serves no such page at all
    const own = context.waitForEvent("page");
    await page.evaluate((url) => void window.open(url, "_blank", "popup"), launch(foreignOrigin()));
    const refused = await own;
    await expectText(refused.locator("main"), "Error code: forbidden");
    expect(await refused.locator("script").count()).toBe(0);

    // for the allowed origin the page asks that origin (the message is dropped here) and takes an answer only from it
    const popupOpened = context.waitForEvent("page");
    await page.evaluate((url) => {
      (window as unknown as { launch: Window | null }).launch = window.open(url, "_blank", "popup");
    }, launch(hostUrl));
    const popup = await popupOpened;
    await expectText(popup.locator("main"), "Getting the connection ready");
    const token = await widgetToken("globex");
    await page.evaluate(
      ({ token, returnTo, workerUrl }) => {
        const target = (window as unknown as { launch: Window }).launch;
        const message = { type: "ninjaone:launch-token", token, returnTo };
        target.postMessage(message, workerUrl);
        target.postMessage({ ...message, returnTo: `${location.origin}/` }, "*");
      },
      { token, returnTo: `${hostUrl}/?tenant=globex`, workerUrl },
    );
    await popup.waitForTimeout(1500);
    expect(new URL(popup.url()).pathname).toBe(`${API}/launch`); // still there: nothing was posted
    await expectNothingStarted(context, "globex");
    await context.close();
  });

  it("cannot get a launch ticket", async () => {
    await victimWithCredentials("globex");
    const { context, page } = await openForeignPage();
    const outcome = await page.evaluate(
      async ({ url, token, returnTo }) => {
        try {
          const response = await fetch(url, {
            method: "POST",
            headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
            body: JSON.stringify({ returnTo }),
          });
          return `answered ${response.status}`;
        } catch {
          return "blocked by CORS";
        }
      },
      { url: `${urls().workerUrl}${API}/launch-ticket`, token: await widgetToken("globex"), returnTo: `${urls().hostUrl}/?tenant=globex` },
    );
    expect(outcome).toBe("blocked by CORS");
    await expectNothingStarted(context, "globex");
    await context.close();
  });

  it("a /launch?ticket= link starts nothing without the click, names the ticket's tenant, and works once", async () => {
    await resetTenant("acme");
    await victimWithCredentials("globex");
    const { workerUrl, hostUrl } = urls();
    // A server can send any Origin: someone with a token for their own tenant (globex) can mint a ticket.
    const minted = await fetch(`${workerUrl}${API}/launch-ticket`, {
      method: "POST",
      headers: { Origin: hostUrl, Authorization: `Bearer ${await widgetToken("globex")}`, "Content-Type": "application/json" },
      body: JSON.stringify({ returnTo: `${hostUrl}/?tenant=globex` }),
    });
    expect(minted.status).toBe(200);
    const link = `${workerUrl}${API}/launch?ticket=${((await minted.json()) as { ticket: string }).ticket}`;

    // the victim, signed in to the host as acme, follows the link from another site
    const { context, page } = await openForeignPage();
    const host = await context.newPage();
    await host.goto(`${hostUrl}/?tenant=acme`);
    await page.evaluate((href) => {
      const a = Object.assign(document.createElement("a"), { href, textContent: "Claim your prize" });
      document.body.append(a);
      a.click();
    }, link);
    await page.waitForURL(link);
    const main = page.locator("main");
    await expectText(main, "You are about to connect NinjaOne to this account");
    await expectText(main, "globex"); // the ticket's tenant, whatever the victim's session is
    await expectText(main, DEMO.clientId);
    await expectText(main, "Continue only if you started this from your settings page just now.");
    await page.waitForTimeout(1000);
    expect(page.url()).toBe(link); // no flow starts by itself
    await expectNothingStarted(context, "globex");

    // the click is the user's own action on our page: only then is a flow bound to this browser,
    // for the ticket's tenant, and it still needs the user's consent at NinjaOne
    await page.getByRole("button", { name: "Continue to NinjaOne" }).click();
    await page.waitForURL((url) => url.origin === urls().standInUrl);
    expect(await flowCookies(context)).toHaveLength(1);
    expect((await status("globex")).connection.status).toBe("not_connected");
    expect((await status("acme")).connection.status).toBe("not_connected");

    // the ticket is used up
    const again = await context.newPage();
    await again.goto(link);
    await expectText(again.locator("main"), "Error code: invalid_state");
    expect(await again.getByRole("button", { name: "Continue to NinjaOne" }).count()).toBe(0);
    await host.close();
    await context.close();
  });
});

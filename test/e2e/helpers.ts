// Shared pieces of the end-to-end tests: the browser, the demo host's pages,
// the widget's controls, and direct calls to the worker for checks and resets.
import { copyFileSync, mkdirSync } from "node:fs";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { sign } from "hono/jwt";
import { inject, afterAll, beforeAll } from "vitest";
// @ts-expect-error plain ESM without types
import { DEMO_CLIENT } from "../../scripts/stack.mjs";

/** The client app registered on the stand-in (`demo-client-id` / `demo-client-secret-change-me`). */
export const DEMO = DEMO_CLIENT as { clientId: string; clientSecret: string };
export const API = "/api/integrations/ninjaone";
export type Tenant = "acme" | "globex";

export const urls = () => ({
  workerUrl: inject("workerUrl"),
  standInUrl: inject("standInUrl"),
  hostUrl: inject("hostUrl"),
  redirectUri: inject("redirectUri"),
});

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A fresh context (own cookies) at a 1000 px wide viewport; page errors, console errors and
 * failed requests go to the test output (they explain a timeout). */
export async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  context.on("weberror", (error) => console.error("page error:", error.error().message));
  context.on("console", (message) => {
    // (the stand-in's pages have no favicon: 404s are noise)
    if (message.type() === "error" && !message.text().includes("status of 404")) console.error(`console error on ${message.page()?.url()}: ${message.text()}`);
  });
  context.on("requestfailed", (request) => console.error(`request failed: ${request.method()} ${request.url()} ${request.failure()?.errorText}`));
  return context;
}

/** Opens the demo host page for a tenant and waits until the widget has loaded the status. */
export async function openHost(context: BrowserContext, tenant: Tenant, query = ""): Promise<{ page: Page; widget: Locator }> {
  const page = await context.newPage();
  await page.goto(`${urls().hostUrl}/?tenant=${tenant}${query}`);
  const widget = page.locator("ninjaone-settings");
  await widget.locator(".badge, .notice").first().waitFor();
  if (!(await widget.locator(".badge").count())) {
    throw new Error(`the widget could not load the status: ${(await widget.locator(".notice").textContent())?.replace(/\s+/g, " ").trim()}`);
  }
  return { page, widget };
}

/** One browser per test file: launched before its tests, closed after them. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => browser!;
}

/** A clean start: the tenant reset, a new browser context, the host page open. */
export async function freshHostPage(browser: Browser, tenant: Tenant, query = "") {
  await resetTenant(tenant);
  const context = await newContext(browser);
  return { context, ...(await openHost(context, tenant, query)) };
}

export const badge = (widget: Locator) => widget.locator(".badge");
export const notice = (widget: Locator) => widget.locator(".notice");
export const connectButton = (widget: Locator) => widget.getByRole("button", { name: /connect to ninjaone/i });

export async function fillCredentials(widget: Locator, clientId = DEMO.clientId, clientSecret = DEMO.clientSecret): Promise<void> {
  await widget.getByLabel("NinjaOne region").selectOption("local");
  await widget.getByLabel("Client ID").fill(clientId);
  await widget.getByLabel("Client Secret", { exact: true }).fill(clientSecret);
}

export async function saveCredentials(widget: Locator, clientId?: string, clientSecret?: string): Promise<void> {
  await fillCredentials(widget, clientId, clientSecret);
  await widget.getByRole("button", { name: "Save credentials" }).click();
  await expectText(notice(widget), "Credentials saved.");
}

/** Clicks Connect and returns the popup, once it shows the stand-in's page. */
export async function openConsentPopup(page: Page, widget: Locator): Promise<Page> {
  const popupPromise = page.waitForEvent("popup");
  await connectButton(widget).click();
  const popup = await popupPromise;
  await popup.waitForURL((url) => url.origin === urls().standInUrl);
  await popup.waitForLoadState();
  return popup;
}

/**
 * Redirect mode: clicks Connect; the tab goes to the worker's launch page, which names the tenant
 * and the client app; clicks "Continue to NinjaOne" and waits for the stand-in's consent page.
 */
export async function continueFromLaunchPage(page: Page, widget: Locator, tenant: Tenant = "acme"): Promise<void> {
  await connectButton(widget).click();
  await page.waitForURL((url) => url.origin === urls().workerUrl && url.pathname === `${API}/launch`);
  await expectText(page.locator("main"), tenant);
  await expectText(page.locator("main"), DEMO.clientId);
  await page.getByRole("button", { name: "Continue to NinjaOne" }).click();
  await page.waitForURL((url) => url.origin === urls().standInUrl);
}

/** The `__Host-` flow cookies the worker has set in this browser. */
export async function flowCookies(context: BrowserContext): Promise<string[]> {
  return (await context.cookies(urls().workerUrl)).map((cookie) => cookie.name).filter((name) => name.startsWith("__Host-ninjaone-flow-"));
}

/** Waits until the locator's text contains `text` (Playwright's `expect` is not in playwright-core). */
export async function expectText(locator: Locator, text: string | RegExp, timeout = 15_000): Promise<void> {
  const matches = (t: string) => (typeof text === "string" ? t.includes(text) : text.test(t));
  const deadline = Date.now() + timeout;
  let last = "";
  while (Date.now() < deadline) {
    last = (await locator.textContent({ timeout: Math.max(1, deadline - Date.now()) }).catch((e: Error) => `(${e.message.split("\n")[0]})`)) ?? "";
    if (matches(last)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected ${locator} to contain ${String(text)}, but it showed: ${JSON.stringify(last.replace(/\s+/g, " ").trim())}`);
}

/** A widget token for a tenant, minted by the demo host's backend. */
export async function widgetToken(tenant: Tenant): Promise<string> {
  const res = await fetch(`${urls().hostUrl}/session?tenant=${tenant}`);
  return ((await res.json()) as { token: string }).token;
}

export async function api(tenant: Tenant, method: string, path: string): Promise<Response> {
  return fetch(`${urls().workerUrl}${API}${path}`, { method, headers: { Authorization: `Bearer ${await widgetToken(tenant)}` } });
}

/** POST /token as the host backend does, with an `aud: ninjaone-api` token. */
export async function tokenRoute(tenant: Tenant): Promise<Response> {
  const iat = Math.floor(Date.now() / 1000);
  const jwt = await sign({ tenant, aud: "ninjaone-api", iat, exp: iat + 300 }, inject("tenantTokenSecret"), "HS256");
  return fetch(`${urls().workerUrl}${API}/token`, { method: "POST", headers: { Authorization: `Bearer ${jwt}` } });
}

export async function status(tenant: Tenant): Promise<any> {
  const res = await api(tenant, "GET", "/status");
  if (!res.ok) throw new Error(`status answered ${res.status}`);
  return res.json();
}

/** Forgets a tenant's credentials and connection, so a test starts from "not set up". */
export async function resetTenant(tenant: Tenant): Promise<void> {
  const res = await api(tenant, "POST", "/disconnect");
  if (!res.ok) throw new Error(`disconnect answered ${res.status}`);
}

/**
 * Registers another client app on the stand-in (the demo app is there from the start), as an
 * admin creating one in NinjaOne would: saving credentials checks them with NinjaOne first.
 */
export async function addStandInClient(clientId: string, clientSecret: string): Promise<void> {
  const response = await fetch(`${urls().standInUrl}/__stand-in/add-client`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ clientId, clientSecret, redirectUris: [urls().redirectUri], scopes: ["monitoring", "management", "offline_access"] }),
  });
  if (!response.ok) throw new Error(`add-client answered ${response.status}`);
}

/** The stand-in's counters (token requests, code grants, refreshes, revocations). */
export async function standInStats(): Promise<{ tokenRequests: number; codeGrants: number; refreshGrants: number; revocations: number }> {
  return (await fetch(`${urls().standInUrl}/__stand-in/stats`)).json() as any;
}

/** What the demo host's backend gets from the worker's /token and the stand-in's API. */
export async function backendOrganizations(tenant: Tenant): Promise<any> {
  return (await fetch(`${urls().hostUrl}/backend/organizations?tenant=${tenant}`)).json();
}

/** The README's pictures: every state at both ends of the widths the widget supports, light and dark. */
const DOCS_WIDTHS = [1280, 320] as const;
const DOCS_SCHEMES = ["light", "dark"] as const;

/**
 * Saves a full-page screenshot to test-output/e2e/ at the page's current size. With
 * UPDATE_SCREENSHOTS=1 (`npm run screenshots`) it also refreshes the README's pictures in
 * docs/images/ (they would otherwise change on every run: they show dates): `<name>-1280-light.png`,
 * `-1280-dark`, `-320-light` and `-320-dark`, then puts the page back to its size and color
 * scheme, so the test goes on as before. `sizes: false` keeps one picture, `<name>.png`, as it is
 * (the stand-in's consent popup: not our UI, and a window of its own size).
 */
export async function screenshot(page: Page, name: string, { docs = true, sizes = true } = {}): Promise<void> {
  const options = { fullPage: true, animations: "disabled", caret: "hide" } as const;
  mkdirSync("test-output/e2e", { recursive: true });
  const path = `test-output/e2e/${name}.png`;
  await page.screenshot({ path, ...options });
  if (!docs || process.env.UPDATE_SCREENSHOTS !== "1") return;
  mkdirSync("docs/images", { recursive: true });
  if (!sizes) {
    copyFileSync(path, `docs/images/${name}.png`);
    return;
  }
  const viewport = page.viewportSize();
  if (!viewport) throw new Error("screenshot: the page has no fixed viewport to come back to");
  try {
    for (const width of DOCS_WIDTHS) {
      await page.setViewportSize({ width, height: viewport.height });
      for (const colorScheme of DOCS_SCHEMES) {
        await page.emulateMedia({ colorScheme });
        await page.screenshot({ path: `docs/images/${name}-${width}-${colorScheme}.png`, ...options });
      }
    }
  } finally {
    // null: back to the context's own scheme (no test emulates one itself)
    await page.emulateMedia({ colorScheme: null });
    await page.setViewportSize(viewport);
  }
}

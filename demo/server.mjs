// The demo host: what a real product embedding <ninjaone-settings> would run.
// Its backend mints tenant tokens server-side (never in the browser) and calls
// the worker's /token route to use NinjaOne on a tenant's behalf.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { sign } from "hono/jwt";

const PORT = Number(process.env.PORT ?? 8789);
const WORKER_URL = process.env.WORKER_URL ?? "http://127.0.0.1:8787";
const SECRET = process.env.TENANT_TOKEN_SECRET;
if (!SECRET) throw new Error("TENANT_TOKEN_SECRET is required");

const TENANTS = { acme: "Acme Dental MSP", globex: "Globex IT Services" };
const page = readFileSync(new URL("./index.html", import.meta.url), "utf8");

/** A short-lived tenant token, as CONTRACT.md describes. */
async function tenantToken(tenant, aud) {
  const iat = Math.floor(Date.now() / 1000);
  return sign({ tenant, aud, sub: `admin@${tenant}.example`, iat, exp: iat + 600 }, SECRET, "HS256");
}

const escapeHtml = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function send(response, status, type, body, headers = {}) {
  response.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store", ...headers });
  response.end(body);
}

/**
 * `?referrer=no-referrer` or `?referrer=same-origin` sends that Referrer-Policy with the page, as
 * many real hosts do (Helmet's and Hono's secureHeaders' default is no-referrer): the browser then
 * sends `Origin: null` on a cross-site form POST, which is why the widget does not rely on one.
 */
const REFERRER_POLICIES = new Set(["no-referrer", "same-origin"]);

/**
 * The page of "another site" for the end-to-end tests: this server reached as 127.0.0.1 is
 * another origin than the allowed http://localhost:<port>. The tests run their attempts from it
 * (a form POST to /connect, the launch page, a ticket) and check that none starts a flow.
 */
const FOREIGN_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another site</title></head>
<body><h1>Another site</h1><p>Not an allowed origin of the worker.</p></body></html>`;

/** The host backend using NinjaOne: get a token from the worker, call the NinjaOne API with it. */
async function organizations(tenant) {
  const tokenResponse = await fetch(`${WORKER_URL}/api/integrations/ninjaone/token`, {
    method: "POST",
    headers: { Authorization: `Bearer ${await tenantToken(tenant, "ninjaone-api")}` },
  });
  const grant = await tokenResponse.json();
  if (!tokenResponse.ok) return { ok: false, error: grant.error, message: grant.message };
  const api = await fetch(`${grant.apiBaseUrl}/v2/organizations?pageSize=5`, { headers: { Authorization: `Bearer ${grant.accessToken}` } });
  if (!api.ok) return { ok: false, error: "ninjaone_api_error", message: `NinjaOne answered ${api.status}` };
  // The access token stays on the server; the page only sees the result.
  return { ok: true, region: grant.region, expiresAt: grant.expiresAt, organizations: await api.json() };
}

createServer(async (request, response) => {
  const url = new URL(request.url, `http://localhost:${PORT}`);
  const tenant = url.searchParams.get("tenant") ?? "acme";
  if (!Object.hasOwn(TENANTS, tenant)) return send(response, 400, "text/plain", "unknown tenant");
  try {
    if (url.pathname === "/foreign") return send(response, 200, "text/html; charset=utf-8", FOREIGN_PAGE);
    if (url.pathname === "/") {
      const embed = url.searchParams.get("embed") === "iife" ? "iife" : "module";
      const mode = url.searchParams.get("mode") === "redirect" ? "redirect" : "popup";
      const html = page
        .replaceAll("{{WORKER_URL}}", escapeHtml(WORKER_URL))
        .replaceAll("{{TENANT}}", escapeHtml(tenant))
        .replaceAll("{{TENANT_NAME}}", escapeHtml(TENANTS[tenant]))
        .replaceAll("{{MODE}}", mode)
        .replaceAll("{{SESSION_TOKEN}}", await tenantToken(tenant, "ninjaone-settings"))
        .replace("{{EMBED}}", embed === "iife"
          ? `<script src="${escapeHtml(WORKER_URL)}/ninjaone-settings.iife.js"></script>`
          : `<script type="module" src="${escapeHtml(WORKER_URL)}/ninjaone-settings.js"></script>`);
      const referrer = url.searchParams.get("referrer");
      return send(response, 200, "text/html; charset=utf-8", html, REFERRER_POLICIES.has(referrer) ? { "Referrer-Policy": referrer } : {});
    }
    if (url.pathname === "/session") return send(response, 200, "application/json", JSON.stringify({ token: await tenantToken(tenant, "ninjaone-settings") }));
    if (url.pathname === "/backend/organizations") return send(response, 200, "application/json", JSON.stringify(await organizations(tenant)));
    send(response, 404, "text/plain", "not found");
  } catch (error) {
    console.error("demo host error:", error?.name ?? "error");
    send(response, 502, "application/json", JSON.stringify({ ok: false, error: "worker_unreachable" }));
  }
  // 127.0.0.1, where "localhost" resolves for browsers too: then http://127.0.0.1:<port> reaches the
  // same server as another origin (the foreign page of the e2e tests), whatever the system's resolver.
}).listen(PORT, "127.0.0.1", () => console.log(`demo host on http://localhost:${PORT}`));

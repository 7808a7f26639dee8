// The demo host: what a real product embedding <ninjaone-settings> would run.
// Its backend uses the server SDK (ninjaone-settings/server): it mints tenant
// tokens server-side (never in the browser), calls NinjaOne through the worker's
// proxy, and receives the worker's signed connection events (EVENTS_URL).
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
// The SDK as hosts install it (built by `npm run build`).
import { createTenantToken, NinjaOneSettingsClient, NinjaOneSettingsError, verifyEvent } from "../dist/server/index.js";

const PORT = Number(process.env.PORT ?? 8789);
const WORKER_URL = process.env.WORKER_URL ?? "http://127.0.0.1:8787";
const SECRET = process.env.TENANT_TOKEN_SECRET;
if (!SECRET) throw new Error("TENANT_TOKEN_SECRET is required");

const TENANTS = { acme: "Acme Dental MSP", globex: "Globex IT Services" };
const page = readFileSync(new URL("./index.html", import.meta.url), "utf8");

const EVENTS_SECRET = process.env.EVENTS_SIGNING_SECRET;
const ninjaone = new NinjaOneSettingsClient({ workerUrl: WORKER_URL, tenantTokenSecret: SECRET });

/** A short-lived widget token, as CONTRACT.md describes (`?perm=read` on the page: a read-only session). */
function tenantToken(tenant, perm) {
  return createTenantToken({ secret: SECRET, tenant, audience: "ninjaone-settings", user: `admin@${tenant}.example`, ttlSeconds: 600, ...(perm ? { perm } : {}) });
}

/**
 * The connection events this backend received (EVENTS_URL), newest first, deduplicated by id
 * as every receiver must (deliveries are at least once). In memory: it is a demo.
 */
const received = new Map();
/** For the end-to-end tests: answer 500 to a share of deliveries, or to all of them. */
const receiver = { failRate: 0, dead: false, refused: 0 };

async function receiveEvent(request, response) {
  const raw = await readBody(request);
  if (receiver.dead || Math.random() < receiver.failRate) {
    receiver.refused += 1;
    return send(response, 500, "text/plain", "receiver failing on purpose");
  }
  let event;
  try {
    event = await verifyEvent(raw, request.headers["ninjaone-settings-signature"], EVENTS_SECRET);
  } catch (error) {
    return send(response, 400, "text/plain", `rejected: ${error.reason ?? "error"}`);
  }
  if (!received.has(event.id)) received.set(event.id, { ...event, receivedAt: new Date().toISOString(), deliveries: 1 });
  else received.get(event.id).deliveries += 1;
  send(response, 204, "text/plain", "");
}

function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
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

/** The host backend using NinjaOne through the worker's proxy: it never holds a NinjaOne token. */
async function organizations(tenant) {
  try {
    const api = await ninjaone.fetch(tenant, "v2/organizations?pageSize=5");
    if (!api.ok) return { ok: false, error: "ninjaone_api_error", message: `NinjaOne answered ${api.status}` };
    const { region } = await ninjaone.status(tenant).then((status) => status.credentials ?? {});
    return { ok: true, region, organizations: await api.json() };
  } catch (error) {
    if (error instanceof NinjaOneSettingsError) return { ok: false, error: error.code, message: error.message };
    throw error;
  }
}

createServer(async (request, response) => {
  const url = new URL(request.url, `http://localhost:${PORT}`);
  if (url.pathname === "/backend/events" && request.method === "POST") return receiveEvent(request, response);
  if (url.pathname === "/backend/events/receiver" && request.method === "POST") {
    Object.assign(receiver, JSON.parse((await readBody(request)).toString() || "{}"));
    return send(response, 200, "application/json", JSON.stringify(receiver));
  }
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
        .replaceAll("{{SESSION_TOKEN}}", await tenantToken(tenant, url.searchParams.get("perm") === "read" ? "read" : undefined))
        .replace("{{EMBED}}", embed === "iife"
          ? `<script src="${escapeHtml(WORKER_URL)}/ninjaone-settings.iife.js"></script>`
          : `<script type="module" src="${escapeHtml(WORKER_URL)}/ninjaone-settings.js"></script>`);
      const referrer = url.searchParams.get("referrer");
      return send(response, 200, "text/html; charset=utf-8", html, REFERRER_POLICIES.has(referrer) ? { "Referrer-Policy": referrer } : {});
    }
    if (url.pathname === "/session") {
      const token = await tenantToken(tenant, url.searchParams.get("perm") === "read" ? "read" : undefined);
      return send(response, 200, "application/json", JSON.stringify({ token }));
    }
    if (url.pathname === "/backend/events") {
      const events = [...received.values()].filter((event) => url.searchParams.get("all") === "1" || event.tenant === tenant).reverse();
      return send(response, 200, "application/json", JSON.stringify(events));
    }
    if (url.pathname === "/backend/organizations") return send(response, 200, "application/json", JSON.stringify(await organizations(tenant)));
    send(response, 404, "text/plain", "not found");
  } catch (error) {
    console.error("demo host error:", error?.name ?? "error");
    send(response, 502, "application/json", JSON.stringify({ ok: false, error: "worker_unreachable" }));
  }
  // 127.0.0.1, where "localhost" resolves for browsers too: then http://127.0.0.1:<port> reaches the
  // same server as another origin (the foreign page of the e2e tests), whatever the system's resolver.
}).listen(PORT, "127.0.0.1", () => console.log(`demo host on http://localhost:${PORT}`));

// The control side, which real NinjaOne does not have: hooks under /__stand-in/
// that call the stand-in's methods (for tests against `wrangler dev`), and a page
// with buttons for them (for people running `npm start`). Hooks take JSON or an
// HTML form; a form POST is redirected back to the page afterwards.
import { Hono } from "hono";
import { html } from "hono/html";
import type { Context } from "hono";
import { ACTIVITY_FIELDS } from "./activities";
import { TOKEN_FAILURES } from "./oauth";
import type { StandInState } from "./state";
import type { ActivityFields, ApiFailure, StandIn, StandInSettings, TokenFailure } from "./types";
import { BadInput, contentType, isPlainObject, page, parseJson, readText } from "./util";

const CONTROL_PAGE = "/__stand-in/";

// The page's confirmation texts are fixed: nothing from the request is reflected.
const DONE: Record<string, string> = {
  "fail-next-token": "The next token request will fail as chosen.",
  "fail-next-api": "The next API request will fail as chosen.",
  config: "Token lifetimes updated (access tokens issued from now on; refresh tokens judged from now on).",
  "revoke-grants": "Every grant of that client app was revoked.",
  "client-options": "Client app options updated.",
  "emit-activity": "Activity emitted.",
  redeliver: "Activity delivered again.",
  "add-client": "Client app registered.",
};

interface Pending {
  token(): { kind: TokenFailure; remaining: number } | undefined;
  api(): { kind: ApiFailure; remaining: number } | undefined;
}

/** One hook's input, from a JSON object or a form (whose values are all strings). */
class HookInput {
  constructor(private readonly values: Record<string, unknown>, readonly isForm: boolean) {}

  /** Refuses members the hook does not know: a typo must not silently do nothing. */
  only(allowed: readonly string[]): this {
    const unknown = Object.keys(this.values).filter((k) => !allowed.includes(k));
    if (unknown.length) throw new BadInput(`unknown member(s): ${unknown.join(", ")}; allowed: ${allowed.join(", ")}`);
    return this;
  }

  raw(name: string): unknown {
    const value = this.values[name];
    return this.isForm && value === "" ? undefined : value; // an empty form field means "not given"
  }

  string(name: string): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && typeof value !== "string") throw new BadInput(`${name} must be a string`);
    return value;
  }

  requiredString(name: string): string {
    const value = this.string(name);
    if (value === undefined) throw new BadInput(`${name} is required`);
    return value;
  }

  number(name: string): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const n = this.isForm && typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
    if (typeof n !== "number" || !Number.isFinite(n)) throw new BadInput(`${name} must be a number`);
    return n;
  }

  /** For settings where null means "none": JSON null, or an empty / "never" form field. */
  numberOrNull(name: string): number | null | undefined {
    if (!(name in this.values)) return undefined;
    const value = this.values[name];
    if (value === null || (this.isForm && (value === "" || value === "never"))) return null;
    return this.number(name);
  }

  boolean(name: string): boolean | undefined {
    const value = this.raw(name);
    if (value === undefined || typeof value === "boolean") return value;
    if (this.isForm && (value === "true" || value === "false")) return value === "true";
    throw new BadInput(`${name} must be true or false`);
  }

  entries(): [string, unknown][] {
    return Object.keys(this.values).map((k) => [k, this.raw(k)]);
  }
}

export function controlRoutes(standIn: StandIn, state: StandInState, pending: Pending) {
  const app = new Hono();

  /** Registers POST /__stand-in/<name>: parse, run (which validates before it changes anything), answer. */
  function hook(name: string, run: (input: HookInput) => unknown | Promise<unknown>, extra: Record<string, unknown> = {}) {
    app.post(`/__stand-in/${name}`, async (c) => {
      if (isCrossSite(c)) return c.json({ error: "forbidden", message: "Control hooks do not take requests from other sites." }, 403);
      const isForm = contentType(c.req.raw) === "application/x-www-form-urlencoded";
      const text = await readText(c.req.raw);
      const body = isForm ? Object.fromEntries(new URLSearchParams(text)) : text.trim() === "" ? {} : parseJson(text);
      try {
        if (!isPlainObject(body)) throw new BadInput("The body must be a JSON object or a form.");
        const result = await run(new HookInput(body, isForm));
        return isForm ? c.redirect(`${CONTROL_PAGE}?done=${name}`, 303) : c.json({ ok: true, ...(result as object) });
      } catch (error) {
        if (!(error instanceof BadInput)) throw error;
        if (isForm) return c.html(page("Not done", html`<p>${error.message}</p><p><a href="${CONTROL_PAGE}">Back to the control page</a></p>`), 400);
        return c.json({ error: "invalid_request", message: error.message, ...extra }, 400);
      }
    });
  }

  hook("fail-next-token", (input) => {
    input.only(["kind", "count", "delayMs", "retryAfter"]);
    const kind = input.requiredString("kind") as TokenFailure;
    const count = input.number("count") ?? 1;
    const delayMs = input.number("delayMs") ?? 2000;
    const retryAfter = input.numberOrNull("retryAfter");
    standIn.failNextTokenRequests(kind, count, delayMs, { retryAfterSeconds: retryAfter });
    return { kind, count, delayMs, retryAfter: retryAfter === undefined ? 30 : retryAfter };
  }, { kinds: TOKEN_FAILURES });

  hook("fail-next-api", (input) => {
    input.only(["kind", "count", "retryAfter"]);
    const kind = input.requiredString("kind") as ApiFailure;
    const count = input.number("count") ?? 1;
    const retryAfter = input.numberOrNull("retryAfter");
    standIn.failNextApiRequests(kind, count, { retryAfterSeconds: retryAfter });
    return { kind, count, retryAfter: retryAfter === undefined ? 30 : retryAfter };
  }, { kinds: ["rate_limited", "server_error"] });

  hook("config", (input) => {
    input.only(["accessTokenTtlSeconds", "refreshTokenIdleSeconds", "activityOrder"]);
    const changes: Partial<StandInSettings> = {
      accessTokenTtlSeconds: input.number("accessTokenTtlSeconds"),
      refreshTokenIdleSeconds: input.numberOrNull("refreshTokenIdleSeconds"),
      activityOrder: input.string("activityOrder") as StandInSettings["activityOrder"] | undefined,
    };
    return { settings: standIn.configure(changes) };
  });

  // What an admin creating another client app in NinjaOne does (tests that need many apps).
  hook("add-client", (input) => {
    input.only(["clientId", "clientSecret", "redirectUris", "scopes", "name"]);
    const clientId = input.requiredString("clientId");
    const clientSecret = input.requiredString("clientSecret");
    const list = (name: string) => {
      const value = input.raw(name);
      if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) throw new BadInput(`${name} must be an array of strings (JSON)`);
      return value as string[];
    };
    const name = input.string("name");
    standIn.addClient({ clientId, clientSecret, redirectUris: list("redirectUris"), scopes: list("scopes"), ...(name ? { name } : {}) });
    return { clientId };
  });

  hook("revoke-grants", (input) => {
    input.only(["clientId"]);
    const clientId = input.requiredString("clientId");
    return { clientId, revokedGrants: standIn.revokeGrants(clientId) };
  });

  hook("client-options", (input) => {
    input.only(["clientId", "monitoring", "systemAdmin"]);
    const clientId = input.requiredString("clientId");
    return { clientId, ...standIn.setClientOptions(clientId, { monitoring: input.boolean("monitoring"), systemAdmin: input.boolean("systemAdmin") }) };
  });

  // Activity fields may come inside `activity` or at the top level (`activity` wins).
  hook("emit-activity", async (input) => {
    input.only(["clientId", "deliver", "activity", ...ACTIVITY_FIELDS]);
    const clientId = input.requiredString("clientId");
    const deliver = input.boolean("deliver") ?? true;
    const nested = input.raw("activity") ?? {};
    if (!isPlainObject(nested)) throw new BadInput("activity must be an object");
    const topLevel: Record<string, unknown> = {};
    for (const [key, value] of input.entries()) {
      if (!ACTIVITY_FIELDS.includes(key) || value === undefined) continue;
      // Form values are strings: the numeric fields are converted, the rest kept as they are.
      topLevel[key] = input.isForm && ["deviceId", "userId", "activityTime"].includes(key) ? input.number(key) : value;
    }
    return standIn.emitActivity(clientId, { deliver, activity: { ...topLevel, ...nested } as ActivityFields });
  });

  hook("redeliver", async (input) => {
    input.only(["clientId", "activityId"]);
    const activityId = input.number("activityId");
    if (activityId === undefined) throw new BadInput("activityId is required");
    return standIn.redeliverActivity(input.requiredString("clientId"), activityId);
  });

  app.get("/__stand-in/stats", (c) => c.json(standIn.stats()));

  app.get("/__stand-in/last-api-request", (c) => {
    const last = standIn.lastApiRequest();
    return last ? c.json(last) : c.json({ error: "not_found", message: "No API request has arrived yet." }, 404);
  });

  app.get("/__stand-in", (c) => c.redirect(CONTROL_PAGE, 301));
  app.get(CONTROL_PAGE, (c) => c.html(controlPage(standIn, state, pending, new URL(c.req.url).searchParams.get("done"))));

  app.get("/", (c) =>
    c.html(
      page(
        "NinjaOne stand-in",
        html`<p>This server imitates one NinjaOne instance for local development and tests. It is not NinjaOne.</p>
<p><a href="${CONTROL_PAGE}" id="control-page">Control page</a>: revoke grants, make requests fail, change scopes and token lifetimes, emit activities.</p>`,
      ),
    ),
  );

  return app;
}

/**
 * The hooks change state and take forms, which any web page could submit: refuse what a
 * browser marks as coming from another site. Tests and scripts send neither header.
 */
function isCrossSite(c: Context): boolean {
  const site = c.req.header("Sec-Fetch-Site");
  if (site && site !== "same-origin" && site !== "none") return true;
  const origin = c.req.header("Origin");
  if (!origin) return false;
  try {
    const host = new URL(origin).host;
    return host !== new URL(c.req.url).host && host !== c.req.header("Host");
  } catch {
    return true; // "null" or garbage
  }
}

// ---- the control page ---------------------------------------------------------

function controlPage(standIn: StandIn, state: StandInState, pending: Pending, done: string | null) {
  const settings = standIn.settings();
  const tokenFailure = pending.token();
  const apiFailure = pending.api();
  const clients = [...state.clients.values()];
  return page(
    "Control page",
    html`${done && DONE[done] ? html`<p class="done" role="status">${DONE[done]}</p>` : ""}
<p>What an administrator (or a bad day) can do to this fake NinjaOne instance. <a href="/">Home</a> · <a href="/__stand-in/stats">stats (JSON)</a></p>
<section id="instance"><h2>Whole instance</h2>
<dl>
<dt>Access-token lifetime</dt><dd>${settings.accessTokenTtlSeconds} s (for tokens issued from now on)</dd>
<dt>Refresh-token idle lifetime</dt><dd>${settings.refreshTokenIdleSeconds === null ? "never dies" : `${settings.refreshTokenIdleSeconds} s without use`}</dd>
<dt>Pending token-endpoint failure</dt><dd>${tokenFailure ? `${tokenFailure.kind} × ${tokenFailure.remaining}` : "none"}</dd>
<dt>Pending API failure</dt><dd>${apiFailure ? `${apiFailure.kind} × ${apiFailure.remaining}` : "none"}</dd>
</dl>
<h3>Token endpoint</h3>
${button("fail-next-token", { kind: "invalid_token" }, "Next token request (a refresh) answers 400 invalid_token")}
${button("fail-next-token", { kind: "server_error" }, "Next token request answers 500")}
${button("fail-next-token", { kind: "rate_limited" }, "Next token request answers 429")}
<h3>API</h3>
${button("fail-next-api", { kind: "server_error" }, "Next API request answers 500")}
${button("fail-next-api", { kind: "rate_limited" }, "Next API request answers 429")}
<h3>Token lifetimes</h3>
<form method="post" action="/__stand-in/config" class="inline"><label>Access-token lifetime (s) <input name="accessTokenTtlSeconds" type="number" min="1" required value="${settings.accessTokenTtlSeconds}"></label> <button type="submit">Set</button></form>
<form method="post" action="/__stand-in/config" class="inline"><label>Refresh-token idle lifetime (s, empty: never) <input name="refreshTokenIdleSeconds" type="number" min="1" value="${settings.refreshTokenIdleSeconds ?? ""}"></label> <button type="submit">Set</button></form>
</section>
${clients.length ? clients.map((client) => clientSection(state, client.clientId)) : html`<p>No client apps are registered.</p>`}`,
    { wide: true },
  );
}

function clientSection(state: StandInState, clientId: string) {
  const client = state.clients.get(clientId)!;
  const webhook = state.webhooks.get(clientId);
  const log = state.activities.get(clientId) ?? [];
  const id = { clientId };
  return html`<section class="client" data-client-id="${clientId}"><h2>${client.name ?? clientId} <code>${clientId}</code></h2>
<dl>
<dt>Registered scopes</dt><dd>${client.scopes.join(" ")}</dd>
<dt>Monitoring scope (API)</dt><dd>${client.monitoring ? "on" : "off"}</dd>
<dt>System administrator</dt><dd>${client.systemAdmin ? "yes" : "no"}</dd>
<dt>Live grants</dt><dd>${state.liveGrants(clientId).size}</dd>
<dt>Webhook</dt><dd>${webhook ? html`<code>${webhook.url}</code>${webhook.headers?.length ? html` with header(s) ${webhook.headers.map((h) => h.name).join(", ")}` : ""}` : "none"}</dd>
<dt>Activities</dt><dd>${log.length}${log.length ? ` (last id ${log[log.length - 1]!.id})` : ""}</dd>
</dl>
${button("revoke-grants", id, "Revoke all grants")}
${button("client-options", { ...id, monitoring: String(!client.monitoring) }, client.monitoring ? "Turn Monitoring scope off" : "Turn Monitoring scope on")}
${button("client-options", { ...id, systemAdmin: String(!client.systemAdmin) }, client.systemAdmin ? "Remove system administrator" : "Make system administrator")}
${button("emit-activity", { ...id, deliver: "true" }, "Emit an activity (delivered)")}
${button("emit-activity", { ...id, deliver: "false" }, "Emit an activity (not delivered: the next catch-up poll relays it, within 15 minutes)")}
</section>`;
}

/** A one-button form posting hidden fields to a hook. */
function button(hookName: string, fields: Record<string, string>, label: string) {
  return html`<form method="post" action="/__stand-in/${hookName}" class="inline">${Object.entries(fields).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  )}<button type="submit">${label}</button></form>`;
}

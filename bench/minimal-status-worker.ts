// The hand-written minimum of `GET /status` (issue 13), the baseline `npm run bench`
// measures the project's /status against. No framework: one `fetch` handler that does
// what any implementation of /status cannot avoid —
//   - the HMAC key imported once per isolate,
//   - the HS256 tenant token verified with WebCrypto, its `aud` and `exp` checked,
//   - the one KV read (the same record, the same key as worker/store.ts),
//   - the same JSON as worker/status.ts's toStatus(), with `Cache-Control: no-store`.
// The constant part (the region table) is serialised once per isolate, as a
// hand-written implementation would. Never deployed; bench/minimal-status.wrangler.toml.
//
// Bench-only: EXTRA_HEADERS (a JSON object) adds response headers. `npm run bench` sets it to
// the worker's own security and CORS headers for its "floor" row, run from
// bench/minimal-status-headers.wrangler.toml.

interface Env {
  NINJAONE_KV: KVNamespace;
  TENANT_TOKEN_SECRET: string;
  NINJAONE_REGIONS?: string;
  APP_BASE_URL?: string;
  EXTRA_HEADERS?: string;
}

const PATH = "/api/integrations/ninjaone/status";
const AUDIENCES = ["ninjaone-settings", "ninjaone-api"];
const BUILT_IN: Record<string, string> = {
  us: "https://app.ninjarmm.com",
  us2: "https://us2.ninjarmm.com",
  eu: "https://eu.ninjarmm.com",
  ca: "https://ca.ninjarmm.com",
  oc: "https://oc.ninjarmm.com",
};
const LABELS: Record<string, string> = { us: "US", us2: "US 2", eu: "EU", ca: "Canada", oc: "Oceania" };

let key: Promise<CryptoKey> | undefined;
let regionsJson: string | undefined;
let responseHeaders: Record<string, string> | undefined;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function bytes(base64url: string): Uint8Array {
  const binary = atob(base64url.replace(/-/g, "+").replace(/_/g, "/"));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

function regions(env: Env): string {
  if (regionsJson === undefined) {
    const table: Record<string, string> = env.NINJAONE_REGIONS ? JSON.parse(env.NINJAONE_REGIONS) : BUILT_IN;
    regionsJson = JSON.stringify(
      Object.entries(table).map(([id, base]) => {
        const url = new URL(base);
        return { id, label: `${LABELS[id] ?? id.toUpperCase()} (${url.host})`, baseUrl: url.origin };
      }),
    );
  }
  return regionsJson;
}

const unauthorized = () =>
  new Response('{"error":"unauthorized","message":"A valid tenant token is required."}', {
    status: 401,
    headers: { "Content-Type": "application/json", "Cache-Control": "no-store", "WWW-Authenticate": 'Bearer error="invalid_token"' },
  });

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const url = new URL(request.url);
    if (request.method !== "GET" || url.pathname !== PATH) return new Response("Not found", { status: 404 });
    key ??= crypto.subtle.importKey("raw", encoder.encode(env.TENANT_TOKEN_SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);

    const token = /^Bearer ([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(request.headers.get("Authorization") ?? "");
    if (!token) return unauthorized();
    const [, header, payload, signature] = token as unknown as [string, string, string, string];
    let claims: { tenant?: unknown; aud?: unknown; exp?: unknown };
    try {
      if ((JSON.parse(decoder.decode(bytes(header))) as { alg?: unknown }).alg !== "HS256") return unauthorized();
      if (!(await crypto.subtle.verify("HMAC", await key, bytes(signature), encoder.encode(`${header}.${payload}`)))) return unauthorized();
      claims = JSON.parse(decoder.decode(bytes(payload)));
    } catch {
      return unauthorized();
    }
    if (typeof claims.tenant !== "string" || !AUDIENCES.includes(claims.aud as string)) return unauthorized();
    if (typeof claims.exp !== "number" || claims.exp < Date.now() / 1000) return unauthorized();

    const record = (await env.NINJAONE_KV.get<Record<string, any>>(`v1:tenant:${claims.tenant}`, "json")) ?? { credentials: null, connection: null };
    const { credentials: c, connection: n } = record;
    const credentials = c && { region: c.region, clientId: c.clientId, secretLast4: c.secretLast4, updatedAt: c.updatedAt, ...(c.updatedBy ? { updatedBy: c.updatedBy } : {}) };
    const connection = n
      ? { status: n.status, connectedAt: n.connectedAt, scopes: n.scopes, ...(n.lastCheck ? { lastCheck: n.lastCheck } : {}), ...(n.webhooks ? { webhooks: n.webhooks } : {}) }
      : { status: "not_connected" };
    const redirectUri = `${env.APP_BASE_URL ?? url.origin}/api/integrations/ninjaone/callback`;
    const body = `{"redirectUri":${JSON.stringify(redirectUri)},"regions":${regions(env)},"credentials":${JSON.stringify(credentials)},"connection":${JSON.stringify(connection)}}`;
    responseHeaders ??= { "Content-Type": "application/json", "Cache-Control": "no-store", ...(env.EXTRA_HEADERS ? JSON.parse(env.EXTRA_HEADERS) : {}) };
    return new Response(body, { headers: responseHeaders });
  },
} satisfies ExportedHandler<Env>;

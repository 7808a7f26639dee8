import { env, exports } from "cloudflare:workers";
import { sign } from "hono/jwt";
import type { Audience } from "../../worker/auth";

export const BASE = "https://worker.example/api/integrations/ninjaone";
export const HOST_ORIGIN = "https://host.example";

export interface TokenOptions {
  tenant?: string;
  aud?: Audience | string | string[];
  iat?: number;
  exp?: number;
  sub?: string;
  secret?: string;
  extra?: Record<string, unknown>;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** What a host backend does: an HS256 tenant token. */
export function mintToken(options: TokenOptions = {}): Promise<string> {
  const iat = options.iat ?? nowSeconds();
  const payload: Record<string, unknown> = {
    tenant: options.tenant ?? "acme",
    aud: options.aud ?? "ninjaone-settings",
    iat,
    exp: options.exp ?? iat + 300,
    ...(options.sub ? { sub: options.sub } : {}),
    ...options.extra,
  };
  return sign(payload, options.secret ?? env.TENANT_TOKEN_SECRET, "HS256");
}

/** A request to the real worker (same isolate, real KV and Durable Objects). */
export async function call(path: string, init: RequestInit & { token?: string | null; tenant?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token !== null && !headers.has("Authorization")) {
    headers.set("Authorization", `Bearer ${init.token ?? (await mintToken({ tenant: init.tenant }))}`);
  }
  return exports.default.fetch(new Request(path.startsWith("http") ? path : BASE + path, { ...init, headers }));
}

export function putCredentials(body: unknown, options: { tenant?: string; token?: string; sub?: string } = {}) {
  return (async () =>
    call("/credentials", {
      method: "PUT",
      token: options.token ?? (await mintToken({ tenant: options.tenant, sub: options.sub })),
      headers: { "Content-Type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }))();
}

export async function status(tenant = "acme") {
  const response = await call("/status", { tenant });
  const text = await response.text();
  return { response, text, body: JSON.parse(text) as any };
}

/** Every key and raw value in the namespace: for "nothing was written" and leak checks. */
export async function kvSnapshot(): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  let cursor: string | undefined;
  do {
    const page = await env.NINJAONE_KV.list({ cursor });
    for (const { name } of page.keys) snapshot[name] = (await env.NINJAONE_KV.get(name)) ?? "";
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return snapshot;
}

export const SECRET = "s3cr3t-VALUE-that-must-never-leak-9f8e7d";
export const CREDS = { region: "eu", clientId: "client-id-acme", clientSecret: SECRET };

// Small helpers shared by the stand-in's modules: the HTML page frame, NinjaOne's
// API error shape, body reading, and the crypto bits (random tokens, PKCE,
// constant-time comparison). Web-standard APIs only.
import { html } from "hono/html";

export const LABEL = "NinjaOne stand-in (local development)";

/** Every page carries the yellow banner, so nobody mistakes it for the real NinjaOne. */
export function page(title: string, content: unknown, options: { wide?: boolean } = {}) {
  const width = options.wide ? "56rem" : "32rem";
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · ${LABEL}</title>
<style>body{font-family:system-ui,sans-serif;max-width:${width};margin:2rem auto;padding:0 1rem}.banner{background:#fde68a;padding:.5rem;border:1px solid #b45309}button{font-size:1rem;padding:.4rem 1.2rem;margin-right:.5rem}form.inline{display:inline-block;margin:.2rem .4rem .2rem 0}form.inline button{font-size:.9rem;padding:.3rem .8rem;margin:0}section{border:1px solid #ccc;padding:.5rem 1rem;margin:1rem 0}dt{font-weight:600}dd{margin:0 0 .3rem 1rem}.done{background:#dcfce7;padding:.5rem;border:1px solid #15803d}</style></head>
<body><p class="banner"><strong>${LABEL}</strong> — not the real NinjaOne.</p><h1>${title}</h1>${content}</body>
</html>`;
}

/**
 * NinjaOne's API error body: `{"resultCode", "errorMessage", "incidentId"}`.
 * The incident id is fresh each time, as a support reference would be.
 */
export function ninjaError(status: number, resultCode: string, errorMessage: string, headers: Record<string, string> = {}): Response {
  return Response.json({ resultCode, errorMessage, incidentId: crypto.randomUUID() }, { status, headers });
}

export function contentType(request: Request): string {
  return (request.headers.get("Content-Type") ?? "").split(";")[0]!.trim().toLowerCase();
}

/** The body as text. Decoded by hand: workerd warns when .text() reads a non-text content type. */
export async function readText(request: Request): Promise<string> {
  return new TextDecoder().decode(await request.arrayBuffer());
}

export async function readForm(request: Request): Promise<URLSearchParams | undefined> {
  if (contentType(request) !== "application/x-www-form-urlencoded") return undefined;
  return new URLSearchParams(await readText(request));
}

/** Parses JSON without throwing: undefined for anything that is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function splitScopes(value: string | null): string[] {
  return [...new Set((value ?? "").split(/\s+/).filter(Boolean))];
}

export function withParams(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

export function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32))); // 256 bits
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** base64url(SHA-256(verifier)): the PKCE S256 code challenge. */
export async function s256Challenge(verifier: string): Promise<string> {
  return base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}

// Compare SHA-256 digests byte by byte with no early exit: the time taken
// does not depend on where (or whether) the inputs differ, nor on their length.
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [da, db] = await Promise.all([crypto.subtle.digest("SHA-256", enc.encode(a)), crypto.subtle.digest("SHA-256", enc.encode(b))]);
  const x = new Uint8Array(da);
  const y = new Uint8Array(db);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

export function decodeEntities(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** A `Retry-After` header when there is a value to send (null: leave the header out). */
export function retryAfterHeader(seconds: number | null): Record<string, string> {
  return seconds === null ? {} : { "Retry-After": String(seconds) };
}

/**
 * Thrown by the stand-in's methods for input they refuse (unknown client,
 * wrong type, out of range). The HTTP hooks turn it into a 400; nothing has
 * changed when it is thrown, because every method validates before it acts.
 */
export class BadInput extends Error {
  override name = "BadInput";
}

// Byte helpers shared by tenant tokens and event signatures. WebCrypto and the web globals only
// (TextEncoder, btoa), so the SDK runs unchanged in Node 20+, Deno, Bun and Workers.

const encoder = new TextEncoder();

/** UTF-8 bytes of a string. (`encode` always returns a fresh ArrayBuffer; Workers' types just don't say so.) */
export const utf8 = (text: string) => encoder.encode(text) as Uint8Array<ArrayBuffer>;

/** The parts, one after the other, in a fresh buffer (WebCrypto wants a plain ArrayBuffer behind its input). */
export function concatBytes(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const joined = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.length;
  }
  return joined;
}

/** Lower-case hex, two digits a byte. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** The bytes spelled by a hex string (either case), or undefined when it is not hex. */
export function fromHex(hex: string): Uint8Array<ArrayBuffer> | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Base64url without padding, as JWTs use it. */
export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** HMAC-SHA256 of `data` keyed with the UTF-8 bytes of `secret` (how the worker imports its secrets too). */
export async function hmacSha256(secret: string, data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", utf8(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, data));
}

/**
 * Whether two byte strings are equal, in a time that depends on their length only: an early exit
 * would tell an attacker how many leading bytes of a forged signature are right.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

/** The worker refuses secrets shorter than this (in UTF-8 bytes); so does the SDK, before anything is sent. */
export const MIN_SECRET_BYTES = 32;

/** Throws a TypeError unless `secret` is a string of at least 32 UTF-8 bytes. Never echoes the secret. */
export function assertSecret(secret: unknown, name: string): asserts secret is string {
  if (typeof secret !== "string" || utf8(secret).length < MIN_SECRET_BYTES) {
    throw new TypeError(`${name} must be a string of at least ${MIN_SECRET_BYTES} bytes`);
  }
}

/**
 * The sealed envelope: AES-256-GCM with a fresh 96-bit IV per write, and
 * additional authenticated data binding the ciphertext to its tenant, its
 * record kind and its key id. A ciphertext copied into another tenant's record
 * (or used as another kind of secret) fails to open.
 */

export interface Sealed {
  /** Key id from ENCRYPTION_KEYS that sealed it. */
  kid: string;
  /** base64url IV (12 bytes). */
  iv: string;
  /** base64url ciphertext with the GCM tag. */
  ct: string;
}

/** What a sealed value is for; part of the AAD. */
export type SealedKind = "client-secret" | "tokens" | "pkce-verifier";

export interface Keyring {
  currentId: string;
  keys: ReadonlyMap<string, CryptoKey>;
}

export class DecryptError extends Error {
  override name = "DecryptError";
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Random base64url string carrying `bytes` bytes of entropy. */
export function randomToken(bytes = 32): string {
  return toBase64Url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** SHA-256 as base64url: for values that are only ever compared (state, cookie bindings). */
export async function sha256(text: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))));
}

/** Compares two strings without an early exit on the first difference. */
export function timingSafeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < left.length; i++) difference |= left[i]! ^ (right[i % right.length] ?? 0);
  return difference === 0;
}

function aad(tenant: string, kind: SealedKind, kid: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(`ninjaone-settings/v1|${kind}|${tenant}|${kid}`) as Uint8Array<ArrayBuffer>;
}

export async function importKeyring(rawKeys: ReadonlyMap<string, Uint8Array<ArrayBuffer>>, currentId: string): Promise<Keyring> {
  const keys = new Map<string, CryptoKey>();
  for (const [kid, raw] of rawKeys) {
    keys.set(kid, await crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]));
  }
  return { currentId, keys };
}

export async function seal(keyring: Keyring, plaintext: string, tenant: string, kind: SealedKind): Promise<Sealed> {
  const kid = keyring.currentId;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = keyring.keys.get(kid)!;
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad(tenant, kind, kid) }, key, encoder.encode(plaintext));
  return { kid, iv: toBase64Url(iv), ct: toBase64Url(new Uint8Array(ct)) };
}

export async function open(keyring: Keyring, sealed: Sealed, tenant: string, kind: SealedKind): Promise<string> {
  const key = keyring.keys.get(sealed.kid);
  if (!key) throw new DecryptError(`no key with id "${sealed.kid}" in ENCRYPTION_KEYS`);
  try {
    const plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: fromBase64Url(sealed.iv), additionalData: aad(tenant, kind, sealed.kid) },
      key,
      fromBase64Url(sealed.ct),
    );
    return decoder.decode(plaintext);
  } catch {
    throw new DecryptError(`a ${kind} record did not decrypt`);
  }
}

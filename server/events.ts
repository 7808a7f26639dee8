import type { ConnectionEvent } from "../contract/index.js";
import { assertSecret, concatBytes, constantTimeEqual, fromHex, hmacSha256, toHex, utf8 } from "./bytes.js";

/**
 * A request body exactly as received: the string or the bytes. Parsed JSON will not do — the
 * signature covers the bytes, and re-serialising changes them.
 */
export type RawBody = string | Uint8Array | ArrayBuffer;

/** Why {@link verifyEvent} refused an event. */
export type EventVerificationFailure = "malformed_header" | "timestamp_out_of_tolerance" | "bad_signature" | "malformed_body";

/** Thrown by {@link verifyEvent}; answer 400 (or 401) and do not act on the event. */
export class EventVerificationError extends Error {
  override name = "EventVerificationError";
  constructor(
    readonly reason: EventVerificationFailure,
    message: string,
  ) {
    super(message);
  }
}

/** Options of {@link verifyEvent}. */
export interface VerifyEventOptions {
  /** How far the signature's time may be from now, either way, in seconds. Default 300. */
  toleranceSeconds?: number;
  /** The current time; default: the clock. */
  now?: Date;
}

const SIGNATURE_BYTES = 32; // HMAC-SHA256

/**
 * The `NinjaOne-Settings-Signature` header value for an event body:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The worker signs its deliveries
 * with this very function; hosts need it only to build test deliveries.
 *
 * @throws TypeError for a secret shorter than 32 bytes or a timestamp that is not whole seconds.
 */
export async function signEvent(rawBody: RawBody, secret: string, timestampSeconds: number = Math.floor(Date.now() / 1000)): Promise<string> {
  assertSecret(secret, "secret");
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) {
    throw new TypeError("timestampSeconds must be whole Unix seconds");
  }
  const t = String(timestampSeconds);
  return `t=${t},v1=${toHex(await hmacSha256(secret, signedPayload(t, bodyBytes(rawBody))))}`;
}

/**
 * Checks a connection event POSTed to your `EVENTS_URL` and answers it parsed. Pass the body exactly
 * as received (before any JSON parsing), the `NinjaOne-Settings-Signature` header, and
 * `EVENTS_SIGNING_SECRET`. Deliveries come at least once: dedup by `event.id`. New event types may
 * be added, so ignore types you don't know rather than failing on them.
 *
 * The header may list its pairs in any order, with spaces, several `v1` (any match passes: that is
 * how a secret rotates) and pairs it doesn't know. The signature is checked first, then the time,
 * so `timestamp_out_of_tolerance` always means a genuine but stale (replayed, or a skewed clock) event.
 *
 * @throws EventVerificationError with `reason` `malformed_header`, `bad_signature`,
 *   `timestamp_out_of_tolerance` or `malformed_body`.
 * @throws TypeError for a short secret, a bad option, or a body that is not a string or bytes.
 */
export async function verifyEvent(
  rawBody: RawBody,
  signatureHeader: string | null | undefined,
  secret: string,
  options: VerifyEventOptions = {},
): Promise<ConnectionEvent> {
  const { toleranceSeconds = 300, now = new Date() } = options;
  assertSecret(secret, "secret");
  if (typeof toleranceSeconds !== "number" || !(toleranceSeconds >= 0)) throw new TypeError("toleranceSeconds must be a number ≥ 0");
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError("now must be a valid Date");
  const body = bodyBytes(rawBody);
  const { t, signatures } = parseSignatureHeader(signatureHeader);

  const expected = await hmacSha256(secret, signedPayload(t, body));
  let matched = false;
  for (const candidate of signatures) matched = constantTimeEqual(candidate, expected) || matched;
  if (!matched) throw new EventVerificationError("bad_signature", "No v1 signature matches this body and secret.");

  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(t)) > toleranceSeconds) {
    throw new EventVerificationError("timestamp_out_of_tolerance", `The signature's time is more than ${toleranceSeconds} s from now.`);
  }
  return parseEvent(body);
}

/** The bytes the signature covers: `"<t>."` then the raw body. */
function signedPayload(t: string, body: Uint8Array): Uint8Array<ArrayBuffer> {
  return concatBytes(utf8(`${t}.`), body);
}

function bodyBytes(rawBody: RawBody): Uint8Array {
  if (typeof rawBody === "string") return utf8(rawBody);
  if (rawBody instanceof Uint8Array) return rawBody;
  if (rawBody instanceof ArrayBuffer) return new Uint8Array(rawBody);
  throw new TypeError("rawBody must be the body exactly as received (a string, Uint8Array or ArrayBuffer), not parsed JSON");
}

/** `t` (as written, since the signature covers it as written) and the well-formed `v1` values. */
function parseSignatureHeader(header: string | null | undefined): { t: string; signatures: Uint8Array[] } {
  const malformed = (why: string) => new EventVerificationError("malformed_header", `The signature header ${why}.`);
  if (typeof header !== "string") throw malformed("is missing");
  let t: string | undefined;
  const signatures: Uint8Array[] = [];
  for (const pair of header.split(",")) {
    const equals = pair.indexOf("=");
    if (equals === -1) continue;
    const key = pair.slice(0, equals).trim();
    const value = pair.slice(equals + 1).trim();
    if (key === "t") {
      // Two times would leave it open which one was signed.
      if (t !== undefined) throw malformed("has more than one t=");
      if (!/^\d{1,15}$/.test(value)) throw malformed("has a t= that is not Unix seconds");
      t = value;
    } else if (key === "v1") {
      const signature = fromHex(value);
      if (signature?.length === SIGNATURE_BYTES) signatures.push(signature);
    }
  }
  if (t === undefined) throw malformed("has no t=");
  if (signatures.length === 0) throw malformed("has no v1= of 64 hex digits");
  return { t, signatures };
}

/** The body as a {@link ConnectionEvent}, once it has the shape of one. */
function parseEvent(body: Uint8Array): ConnectionEvent {
  const malformed = (why: string) => new EventVerificationError("malformed_body", `The event body ${why}.`);
  let event: unknown;
  try {
    event = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body));
  } catch {
    throw malformed("is not JSON");
  }
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
  if (!isObject(event)) throw malformed("is not a JSON object");
  for (const field of ["id", "type", "tenant", "occurredAt"]) {
    if (typeof event[field] !== "string" || event[field] === "") throw malformed(`has no ${field}`);
  }
  if (event.actor !== undefined && typeof event.actor !== "string") throw malformed("has an actor that is not a string");
  if (!isObject(event.data)) throw malformed("has no data object");
  return event as unknown as ConnectionEvent;
}

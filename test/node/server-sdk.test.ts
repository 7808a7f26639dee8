// The host-backend SDK's tenant tokens and event signatures, checked against independent
// implementations: hono/jwt's verify (what the worker uses) and node:crypto's HMAC.
import { createHmac } from "node:crypto";
import { verify } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { createTenantToken, EventVerificationError, signEvent, verifyEvent, type ConnectionEvent } from "../../server/index";

const SECRET = "tenant-token-secret-of-at-least-32-bytes";
const EVENTS_SECRET = "events-signing-secret-of-at-least-32-bytes";

describe("createTenantToken", () => {
  it("mints an HS256 token that hono/jwt verifies, with the claims the worker reads", async () => {
    const before = Math.floor(Date.now() / 1000);
    const token = await createTenantToken({ secret: SECRET, tenant: "acme-1.eu_west", audience: "ninjaone-settings", user: "alice@acme", perm: "read" });
    const claims = await verify(token, SECRET, { alg: "HS256", aud: "ninjaone-settings" });
    expect(claims).toEqual({ tenant: "acme-1.eu_west", aud: "ninjaone-settings", sub: "alice@acme", perm: "read", iat: expect.any(Number), exp: expect.any(Number) });
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(claims.exp! - claims.iat!).toBe(300);
    const header = JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString());
    expect(header).toEqual({ alg: "HS256", typ: "JWT" });
  });

  it("leaves out sub and perm when not given, and takes the api audience and a ttl", async () => {
    const token = await createTenantToken({ secret: SECRET, tenant: "acme", audience: "ninjaone-api", ttlSeconds: 3600 });
    const claims = await verify(token, SECRET, { alg: "HS256", aud: "ninjaone-api" });
    expect(Object.keys(claims).sort()).toEqual(["aud", "exp", "iat", "tenant"]);
    expect(claims.exp! - claims.iat!).toBe(3600);
    await expect(verify(token, SECRET, { alg: "HS256", aud: "ninjaone-settings" })).rejects.toThrow();
    await expect(verify(token, `${SECRET}-other`, { alg: "HS256", aud: "ninjaone-api" })).rejects.toThrow();
  });

  it("counts the secret in bytes: 11 three-byte characters are enough, 31 ASCII ones are not", async () => {
    const multibyte = "€".repeat(11);
    const token = await createTenantToken({ secret: multibyte, tenant: "acme", audience: "ninjaone-api" });
    await expect(verify(token, multibyte, { alg: "HS256", aud: "ninjaone-api" })).resolves.toMatchObject({ tenant: "acme" });
    await expect(createTenantToken({ secret: "x".repeat(31), tenant: "acme", audience: "ninjaone-api" })).rejects.toThrow(
      new TypeError("secret must be a string of at least 32 bytes"),
    );
  });

  it.each([
    ["an empty tenant", { tenant: "" }, /tenant must be 1–64 characters/],
    ["a 65-character tenant", { tenant: "a".repeat(65) }, /tenant must be/],
    ["a tenant with a slash", { tenant: "acme/1" }, /tenant must be/],
    ["a tenant with a space", { tenant: "acme 1" }, /tenant must be/],
    ["a tenant with a trailing newline", { tenant: "acme\n" }, /tenant must be/],
    ["an unknown audience", { audience: "ninjaone" }, /audience must be one of/],
    ["an empty user", { user: "" }, /user must be a string of 1–256/],
    ["a 257-character user", { user: "u".repeat(257) }, /user must be/],
    ["an unknown perm", { perm: "admin" }, /perm must be one of manage, read/],
    ["a ttl of 0", { ttlSeconds: 0 }, /ttlSeconds must be a whole number from 1 to 3600/],
    ["a ttl over an hour", { ttlSeconds: 3601 }, /ttlSeconds/],
    ["a fractional ttl", { ttlSeconds: 1.5 }, /ttlSeconds/],
    ["a NaN ttl", { ttlSeconds: Number.NaN }, /ttlSeconds/],
  ])("refuses %s with a TypeError", async (_, override, message) => {
    const options = { secret: SECRET, tenant: "acme", audience: "ninjaone-api", ...override } as Parameters<typeof createTenantToken>[0];
    const attempt = createTenantToken(options);
    await expect(attempt).rejects.toBeInstanceOf(TypeError);
    await expect(attempt).rejects.toThrow(message);
  });

  it("accepts the edges of every range", async () => {
    const token = await createTenantToken({ secret: "s".repeat(32), tenant: "a".repeat(64), audience: "ninjaone-api", user: "u".repeat(256), ttlSeconds: 1 });
    await expect(verify(token, "s".repeat(32), { alg: "HS256", aud: "ninjaone-api" })).resolves.toMatchObject({ tenant: "a".repeat(64) });
  });
});

const event: ConnectionEvent = {
  id: "evt_01",
  type: "connection.connected",
  tenant: "acme",
  occurredAt: "2026-07-01T12:00:00.000Z",
  actor: "alice@acme",
  data: { region: "eu", note: "café" },
};
const body = JSON.stringify(event);
const NOW = new Date("2026-07-01T12:00:30Z");
const T = Math.floor(NOW.getTime() / 1000);

/** The header as the contract defines it, computed with node:crypto rather than the SDK. */
const referenceSignature = (payload: string | Buffer, t: number | string, secret = EVENTS_SECRET) =>
  createHmac("sha256", secret).update(Buffer.concat([Buffer.from(`${t}.`), Buffer.from(payload)])).digest("hex");

/** A body that is JSON of the right shape once invalid UTF-8 is replaced by U+FFFD, as a lenient decoder does. */
function invalidUtf8Event() {
  const text = JSON.stringify({ ...event, id: "@" });
  const bytes = new Uint8Array(new TextEncoder().encode(text));
  bytes[text.indexOf("@")] = 0xff; // everything before the id is ASCII: the character index is the byte index
  return bytes;
}

const failure = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(EventVerificationError);
  return (error as EventVerificationError).reason;
};

describe("signEvent", () => {
  it("writes t=<seconds>,v1=<hex HMAC-SHA256 of '<t>.<body>'>", async () => {
    expect(await signEvent(body, EVENTS_SECRET, T)).toBe(`t=${T},v1=${referenceSignature(body, T)}`);
  });

  it("signs the same bytes whether given a string, a Uint8Array or an ArrayBuffer", async () => {
    const bytes = new Uint8Array(new TextEncoder().encode(body));
    const expected = await signEvent(body, EVENTS_SECRET, T);
    expect(await signEvent(bytes, EVENTS_SECRET, T)).toBe(expected);
    expect(await signEvent(bytes.buffer, EVENTS_SECRET, T)).toBe(expected);
  });

  it("takes the clock's time by default", async () => {
    const before = Math.floor(Date.now() / 1000);
    const t = Number(/^t=(\d+),v1=[0-9a-f]{64}$/.exec(await signEvent(body, EVENTS_SECRET))?.[1]);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it("refuses a short secret and a timestamp that is not whole seconds", async () => {
    await expect(signEvent(body, "short")).rejects.toThrow(TypeError);
    await expect(signEvent(body, EVENTS_SECRET, Date.now() + 0.5)).rejects.toThrow(/timestampSeconds/);
    await expect(signEvent(body, EVENTS_SECRET, -1)).rejects.toThrow(/timestampSeconds/);
  });
});

describe("verifyEvent", () => {
  const header = `t=${T},v1=${referenceSignature(body, T)}`;

  it("answers the parsed event for a good signature", async () => {
    await expect(verifyEvent(body, header, EVENTS_SECRET, { now: NOW })).resolves.toEqual(event);
  });

  it("round-trips with signEvent, on the real clock", async () => {
    await expect(verifyEvent(body, await signEvent(body, EVENTS_SECRET), EVENTS_SECRET)).resolves.toEqual(event);
  });

  it("takes the exact bytes received: Uint8Array, ArrayBuffer, and a Buffer that is a slice of a larger one", async () => {
    const bytes = new Uint8Array(new TextEncoder().encode(body));
    await expect(verifyEvent(bytes, header, EVENTS_SECRET, { now: NOW })).resolves.toEqual(event);
    await expect(verifyEvent(bytes.buffer, header, EVENTS_SECRET, { now: NOW })).resolves.toEqual(event);
    const slice = Buffer.from(`xxxx${body}yyyy`).subarray(4, 4 + Buffer.byteLength(body));
    expect(slice.byteOffset).toBeGreaterThan(0);
    await expect(verifyEvent(slice, header, EVENTS_SECRET, { now: NOW })).resolves.toEqual(event);
  });

  it("refuses a tampered body, a wrong secret, and a signature over other bytes", async () => {
    // every byte of the signature counts: one wrong at the start (the end kept) is refused too
    const v1 = /v1=([0-9a-f]+)/.exec(header)![1]!;
    const firstWrong = (v1[0] === "0" ? "1" : "0") + v1.slice(1);
    expect(await failure(verifyEvent(body, header.replace(v1, firstWrong), EVENTS_SECRET, { now: NOW }))).toBe("bad_signature");
    expect(await failure(verifyEvent(body.replace("acme", "evil"), header, EVENTS_SECRET, { now: NOW }))).toBe("bad_signature");
    expect(await failure(verifyEvent(body, header, `${EVENTS_SECRET}-rotated`, { now: NOW }))).toBe("bad_signature");
    // A body re-serialised after parsing differs in its bytes: here, only in its spacing.
    expect(await failure(verifyEvent(JSON.stringify(event, null, 1), header, EVENTS_SECRET, { now: NOW }))).toBe("bad_signature");
    // The signature covers t: the same v1 with another time does not pass.
    const otherTime = `t=${T + 1},v1=${referenceSignature(body, T)}`;
    expect(await failure(verifyEvent(body, otherTime, EVENTS_SECRET, { now: NOW }))).toBe("bad_signature");
  });

  it("refuses genuine events more than the tolerance away from now, either way", async () => {
    const signedAt = (t: number) => `t=${t},v1=${referenceSignature(body, t)}`;
    expect(await failure(verifyEvent(body, signedAt(T - 301), EVENTS_SECRET, { now: NOW }))).toBe("timestamp_out_of_tolerance");
    expect(await failure(verifyEvent(body, signedAt(T + 301), EVENTS_SECRET, { now: NOW }))).toBe("timestamp_out_of_tolerance");
    await expect(verifyEvent(body, signedAt(T - 300), EVENTS_SECRET, { now: NOW })).resolves.toEqual(event);
    await expect(verifyEvent(body, signedAt(T + 300), EVENTS_SECRET, { now: NOW })).resolves.toEqual(event);
    expect(await failure(verifyEvent(body, signedAt(T - 11), EVENTS_SECRET, { now: NOW, toleranceSeconds: 10 }))).toBe("timestamp_out_of_tolerance");
    await expect(verifyEvent(body, signedAt(T - 3600), EVENTS_SECRET, { now: NOW, toleranceSeconds: 3600 })).resolves.toEqual(event);
  });

  it("reads the header in any order, with spaces, unknown pairs, upper-case hex and several v1 (any match passes)", async () => {
    const good = referenceSignature(body, T);
    const wrong = referenceSignature(body, T, `${EVENTS_SECRET}-old`);
    for (const variant of [
      `v1=${good},t=${T}`,
      ` t = ${T} ,  v1 = ${good} `,
      `t=${T},v0=abc,scheme=x,v1=${good},`,
      `t=${T},v1=${good.toUpperCase()}`,
      `t=${T},v1=${wrong},v1=${good}`,
      `t=${T},v1=${good},v1=${wrong}`,
      `t=${T},v1=not-hex,v1=${good}`,
    ]) {
      await expect(verifyEvent(body, variant, EVENTS_SECRET, { now: NOW }), variant).resolves.toEqual(event);
    }
    expect(await failure(verifyEvent(body, `t=${T},v1=${wrong},v1=${wrong}`, EVENTS_SECRET, { now: NOW }))).toBe("bad_signature");
  });

  it.each([
    ["a missing header", null],
    ["an empty header", ""],
    ["a header without pairs", "garbage"],
    ["no t", `v1=${"a".repeat(64)}`],
    ["a t that is not seconds", `t=12:00,v1=${"a".repeat(64)}`],
    ["a negative t", `t=-5,v1=${"a".repeat(64)}`],
    ["two t", `t=${T},t=${T - 1000},v1=${"a".repeat(64)}`],
    ["no v1", `t=${T}`],
    ["a v1 of the wrong length", `t=${T},v1=${"a".repeat(62)}`],
    ["a v1 that is not hex", `t=${T},v1=${"g".repeat(64)}`],
  ])("calls %s malformed_header", async (_, badHeader) => {
    expect(await failure(verifyEvent(body, badHeader, EVENTS_SECRET, { now: NOW }))).toBe("malformed_header");
  });

  it.each([
    ["not JSON", "not json"],
    ["not UTF-8, even inside a JSON string", invalidUtf8Event()],
    ["a JSON array", JSON.stringify([event])],
    ["JSON null", "null"],
    ["without id", JSON.stringify({ ...event, id: undefined })],
    ["with an empty id", JSON.stringify({ ...event, id: "" })],
    ["without type", JSON.stringify({ ...event, type: undefined })],
    ["without tenant", JSON.stringify({ ...event, tenant: undefined })],
    ["with a numeric occurredAt", JSON.stringify({ ...event, occurredAt: 1751371200 })],
    ["without data", JSON.stringify({ ...event, data: undefined })],
    ["with data that is an array", JSON.stringify({ ...event, data: [] })],
    ["with a numeric actor", JSON.stringify({ ...event, actor: 7 })],
  ])("calls a correctly signed body %s malformed_body", async (_, badBody) => {
    const signature = await signEvent(badBody, EVENTS_SECRET, T);
    expect(await failure(verifyEvent(badBody, signature, EVENTS_SECRET, { now: NOW }))).toBe("malformed_body");
  });

  it("accepts an event without actor, and a type this version does not know", async () => {
    const { actor: _, ...anonymous } = event;
    const future = JSON.stringify({ ...anonymous, type: "connection.something_new" });
    await expect(verifyEvent(future, await signEvent(future, EVENTS_SECRET, T), EVENTS_SECRET, { now: NOW })).resolves.toMatchObject({
      type: "connection.something_new",
    });
  });

  it("refuses parsed JSON instead of the raw body, a short secret and bad options, with a TypeError", async () => {
    await expect(verifyEvent(event as never, header, EVENTS_SECRET, { now: NOW })).rejects.toThrow(/rawBody must be the body exactly as received/);
    await expect(verifyEvent(body, header, "short", { now: NOW })).rejects.toThrow(TypeError);
    await expect(verifyEvent(body, header, EVENTS_SECRET, { now: NOW, toleranceSeconds: -1 })).rejects.toThrow(/toleranceSeconds/);
    await expect(verifyEvent(body, header, EVENTS_SECRET, { now: NOW, toleranceSeconds: Number.NaN })).rejects.toThrow(/toleranceSeconds/);
    await expect(verifyEvent(body, header, EVENTS_SECRET, { now: new Date("nonsense") })).rejects.toThrow(/now must be a valid Date/);
  });

  it("never repeats the secret, the signature or the body in its messages", async () => {
    const tampered = body.replace("acme", "evil");
    const error = await verifyEvent(tampered, header, EVENTS_SECRET, { now: NOW }).catch((thrown: Error) => thrown);
    expect(String(error)).not.toContain(EVENTS_SECRET);
    expect(String(error)).not.toContain(referenceSignature(body, T));
    expect(String(error)).not.toContain("evil");
  });
});

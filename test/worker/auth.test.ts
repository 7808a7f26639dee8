import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { call, mintToken, nowSeconds } from "./helpers";

/** A JWT with arbitrary header and payload, signed (or not) by hand, for what `sign` refuses to make. */
async function handMade(header: object, payload: object, algorithm?: "SHA-256" | "SHA-512"): Promise<string> {
  const encode = (value: object) => btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  const unsigned = `${encode(header)}.${encode(payload)}`;
  if (!algorithm) return `${unsigned}.`;
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(env.TENANT_TOKEN_SECRET), { name: "HMAC", hash: algorithm }, false, ["sign"]);
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(unsigned)));
  return `${unsigned}.${btoa(String.fromCharCode(...signature)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")}`;
}

async function expectUnauthorized(response: Response) {
  expect(response.status).toBe(401);
  expect(await response.json()).toEqual({ error: "unauthorized", message: expect.any(String) });
}

const claims = () => ({ tenant: "acme", aud: "ninjaone-settings", iat: nowSeconds(), exp: nowSeconds() + 300 });

describe("tenant tokens", () => {
  it("accepts a valid widget token", async () => {
    expect((await call("/status")).status).toBe(200);
  });

  it("rejects a request without a token, or with another scheme", async () => {
    await expectUnauthorized(await call("/status", { token: null }));
    await expectUnauthorized(await call("/status", { headers: { Authorization: `Basic ${await mintToken()}` } }));
    await expectUnauthorized(await call("/status", { headers: { Authorization: "Bearer not-a-jwt" } }));
  });

  it('rejects alg "none" and other algorithms', async () => {
    await expectUnauthorized(await call("/status", { token: await handMade({ alg: "none", typ: "JWT" }, claims()) }));
    await expectUnauthorized(await call("/status", { token: await handMade({ alg: "HS512", typ: "JWT" }, claims(), "SHA-512") }));
    // Same key and HMAC, but the header lies about the algorithm.
    await expectUnauthorized(await call("/status", { token: await handMade({ alg: "HS384", typ: "JWT" }, claims(), "SHA-256") }));
  });

  it("rejects a bad signature", async () => {
    await expectUnauthorized(await call("/status", { token: await mintToken({ secret: "another-secret-of-at-least-thirty-two-bytes!!" }) }));
    const [header, payload, signature] = (await mintToken()).split(".");
    const tampered = btoa(JSON.stringify({ ...claims(), tenant: "victim" })).replace(/=+$/, "");
    await expectUnauthorized(await call("/status", { token: `${header}.${tampered}.${signature}` }));
    expect(payload).toBeTruthy();
  });

  it("accepts a token only on routes of its own audience", async () => {
    // /status serves the widget and the backend alike; /credentials only the widget, /token only the backend.
    expect((await call("/status", { token: await mintToken({ aud: "ninjaone-api" }) })).status).toBe(200);
    await expectUnauthorized(await call("/status", { token: await mintToken({ aud: "something-else" }) }));
    await expectUnauthorized(await call("/status", { token: await mintToken({ aud: ["ninjaone-settings", "ninjaone-api"] }) }));
    await expectUnauthorized(await call("/token", { method: "POST", token: await mintToken({ aud: "ninjaone-settings" }) }));
    await expectUnauthorized(
      await call("/credentials", { method: "PUT", token: await mintToken({ aud: "ninjaone-api" }), headers: { "Content-Type": "application/json" }, body: "{}" }),
    );
  });

  it("honours nbf with the same 60 s of skew, and refuses an nbf that is not a number", async () => {
    const now = nowSeconds();
    expect((await call("/status", { token: await mintToken({ extra: { nbf: now + 30 } }) })).status).toBe(200);
    const early = await call("/status", { token: await mintToken({ extra: { nbf: now + 120 } }) });
    await expectUnauthorized(early);
    expect(early.headers.get("WWW-Authenticate")).toBe('Bearer error="invalid_token", error_description="not_yet_valid"');
    await expectUnauthorized(await call("/status", { token: await mintToken({ extra: { nbf: String(now) } }) }));
  });

  it("refuses a token whose exp is not after its iat", async () => {
    const now = nowSeconds();
    await expectUnauthorized(await call("/status", { token: await mintToken({ iat: now, exp: now }) }));
    await expectUnauthorized(await call("/status", { token: await mintToken({ iat: now, exp: now - 10 }) }));
  });

  it("says why in WWW-Authenticate (RFC 6750) and in the log, never with the token", async () => {
    const now = nowSeconds();
    const log = vi.spyOn(console, "warn");
    const cases: Array<[string | null, string]> = [
      [await mintToken({ iat: now - 600, exp: now - 120 }), "expired"],
      [await mintToken({ iat: now + 300, exp: now + 600 }), "not_yet_valid"],
      [await mintToken({ aud: "ninjaone-elsewhere" }), "wrong_audience"],
      [await mintToken({ iat: now, exp: now + 3601 }), "lifetime_over_one_hour"],
      [await mintToken({ secret: "another-secret-of-at-least-thirty-two-bytes!" }), "bad_signature"],
      ["not-a-jwt", "malformed"],
      [null, "malformed"],
      [await handMade({ alg: "HS256", typ: "JWT" }, { tenant: "acme", aud: "ninjaone-settings", iat: now }, "SHA-256"), "malformed"],
    ];
    for (const [token, reason] of cases) {
      log.mockClear();
      const response = await call("/status", token === null ? { token: null } : { headers: { Authorization: `Bearer ${token}` } });
      expect(response.status, reason).toBe(401);
      expect(response.headers.get("WWW-Authenticate"), reason).toBe(`Bearer error="invalid_token", error_description="${reason}"`);
      const lines = log.mock.calls.map((args) => args.join(" "));
      expect(lines, reason).toContain(`tenant token refused: ${reason}`);
      if (token) for (const line of lines) expect(line).not.toContain(token.split(".")[1] ?? token);
    }
    log.mockRestore();
  });

  it("rejects expired tokens, allowing 60 s of clock skew", async () => {
    const now = nowSeconds();
    expect((await call("/status", { token: await mintToken({ iat: now - 400, exp: now - 30 }) })).status).toBe(200);
    await expectUnauthorized(await call("/status", { token: await mintToken({ iat: now - 400, exp: now - 90 }) }));
  });

  it("rejects tokens issued in the future beyond the skew", async () => {
    const now = nowSeconds();
    expect((await call("/status", { token: await mintToken({ iat: now + 30, exp: now + 300 }) })).status).toBe(200);
    await expectUnauthorized(await call("/status", { token: await mintToken({ iat: now + 120, exp: now + 600 }) }));
  });

  it("rejects tokens that live longer than one hour, or lack iat/exp", async () => {
    const now = nowSeconds();
    expect((await call("/status", { token: await mintToken({ iat: now, exp: now + 3600 }) })).status).toBe(200);
    await expectUnauthorized(await call("/status", { token: await mintToken({ iat: now, exp: now + 3601 }) }));
    const noIat = await handMade({ alg: "HS256", typ: "JWT" }, { tenant: "acme", aud: "ninjaone-settings", exp: now + 60 }, "SHA-256");
    await expectUnauthorized(await call("/status", { token: noIat }));
    const noExp = await handMade({ alg: "HS256", typ: "JWT" }, { tenant: "acme", aud: "ninjaone-settings", iat: now }, "SHA-256");
    await expectUnauthorized(await call("/status", { token: noExp }));
  });

  it("rejects a missing or malformed tenant id", async () => {
    for (const tenant of ["", "a".repeat(65), "acme/other", "acme tenant", "ténant", "../x", "a:b"]) {
      await expectUnauthorized(await call("/status", { token: await mintToken({ tenant }) }));
    }
    await expectUnauthorized(await call("/status", { token: await mintToken({ extra: { tenant: 42 } }) }));
    expect((await call("/status", { token: await mintToken({ tenant: "A.b_c-9" }) })).status).toBe(200);
    expect((await call("/status", { token: await mintToken({ tenant: "t".repeat(64) }) })).status).toBe(200);
  });

  it("never echoes the token in the error", async () => {
    const token = await mintToken({ secret: "x".repeat(40) });
    const response = await call("/status", { token });
    expect(await response.text()).not.toContain(token.split(".")[1]);
  });
});

describe("every token-protected route", () => {
  type Aud = "ninjaone-settings" | "ninjaone-api";
  const routes: Array<[string, string, Aud[]]> = [
    ["GET", "/status", ["ninjaone-settings", "ninjaone-api"]],
    ["POST", "/check", ["ninjaone-settings", "ninjaone-api"]],
    ["PUT", "/credentials", ["ninjaone-settings"]],
    ["POST", "/disconnect", ["ninjaone-settings"]],
    ["POST", "/token", ["ninjaone-api"]],
    ["POST", "/reseal", ["ninjaone-api"]],
    ["GET", "/events", ["ninjaone-api"]],
  ];
  for (const [method, path, audiences] of routes) {
    it(`${method} ${path} refuses a missing, forged, expired, over-long or wrong-audience token`, async () => {
      const now = nowSeconds();
      const aud = audiences[0]!;
      const otherAud = audiences.length === 2 ? "ninjaone-elsewhere" : aud === "ninjaone-api" ? "ninjaone-settings" : "ninjaone-api";
      const bad = [
        null,
        await mintToken({ aud, secret: "a-different-secret-of-at-least-32-bytes!" }),
        await mintToken({ aud, iat: now - 600, exp: now - 120 }),
        await mintToken({ aud, iat: now, exp: now + 7200 }),
        await mintToken({ aud: otherAud }),
        await handMade({ alg: "none", typ: "JWT" }, { ...claims(), aud }),
      ];
      for (const token of bad) {
        const response = await call(path, { method, token, headers: { "Content-Type": "application/json" }, body: method === "GET" ? undefined : "{}" });
        expect(response.status, `${method} ${path}`).toBe(401);
        expect(((await response.json()) as { error: string }).error).toBe("unauthorized");
        expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer error="invalid_token", error_description="[a-z_]+"$/);
      }
    });
  }
});

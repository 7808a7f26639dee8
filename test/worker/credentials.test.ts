import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, CREDS, kvSnapshot, mintToken, putCredentials, SECRET, status } from "./helpers";

describe("GET /status", () => {
  it("describes a tenant with nothing saved", async () => {
    const { response, body } = await status("fresh-tenant");
    expect(response.status).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(body).toEqual({
      redirectUri: "https://worker.example/api/integrations/ninjaone/callback",
      regions: [
        { id: "us", label: "US (app.ninjarmm.com)", baseUrl: "https://app.ninjarmm.com" },
        { id: "eu", label: "EU (eu.ninjarmm.com)", baseUrl: "https://eu.ninjarmm.com" },
        { id: "local", label: "LOCAL (stand-in.test)", baseUrl: "https://stand-in.test" },
        { id: "other", label: "OTHER (other-stand-in.test)", baseUrl: "https://other-stand-in.test" },
      ],
      credentials: null,
      connection: { status: "not_connected" },
    });
  });
});

describe("PUT /credentials", () => {
  it("saves the credentials and answers the new status, without the secret", async () => {
    const response = await putCredentials({ ...CREDS, clientId: "  client-id-acme  " }, { sub: "alice@acme" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body.credentials).toEqual({
      region: "eu",
      clientId: "client-id-acme",
      secretLast4: SECRET.slice(-4),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedBy: "alice@acme",
    });
    expect(body.connection).toEqual({ status: "not_connected" });
    expect((await status()).body.credentials).toEqual(body.credentials);
  });

  it("never lets the secret out: not in responses, headers, or KV in plain text", async () => {
    const response = await putCredentials(CREDS);
    const text = await response.text();
    expect(text).not.toContain(SECRET);
    expect([...response.headers].join("\n")).not.toContain(SECRET);
    expect((await status()).text).not.toContain(SECRET);
    const snapshot = await kvSnapshot();
    expect(Object.keys(snapshot)).toContain("v1:tenant:acme");
    for (const value of Object.values(snapshot)) {
      expect(value).not.toContain(SECRET);
      expect(value).not.toContain(btoa(SECRET));
    }
  });

  it("keeps the saved secret when it is left out for the same region and client id", async () => {
    await putCredentials(CREDS);
    const before = JSON.parse((await env.NINJAONE_KV.get("v1:tenant:acme"))!);
    const response = await putCredentials({ region: "eu", clientId: "client-id-acme" });
    expect(response.status).toBe(200);
    const after = JSON.parse((await env.NINJAONE_KV.get("v1:tenant:acme"))!);
    expect(after.credentials.secret).toEqual(before.credentials.secret);
    expect(((await response.json()) as any).credentials.secretLast4).toBe(SECRET.slice(-4));
  });

  it("requires a secret when the client id or region changes", async () => {
    await putCredentials(CREDS);
    const before = await kvSnapshot();
    for (const body of [{ region: "us", clientId: "client-id-acme" }, { region: "eu", clientId: "another-client" }]) {
      const response = await putCredentials(body);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ error: "invalid_request", fields: { clientSecret: expect.any(String) } });
    }
    expect(await kvSnapshot()).toEqual(before);
  });

  it("rejects each invalid field with a message for that field, writing nothing", async () => {
    const before = await kvSnapshot();
    const cases: Array<[unknown, string]> = [
      [{ ...CREDS, region: "mars" }, "region"],
      [{ ...CREDS, region: 1 }, "region"],
      [{ clientId: "x", clientSecret: "y" }, "region"],
      [{ ...CREDS, clientId: "   " }, "clientId"],
      [{ ...CREDS, clientId: "a".repeat(257) }, "clientId"],
      [{ ...CREDS, clientId: "abc\u0000def" }, "clientId"],
      [{ ...CREDS, clientId: 12345 }, "clientId"],
      [{ ...CREDS, clientSecret: "" }, "clientSecret"],
      [{ ...CREDS, clientSecret: "\t\n" }, "clientSecret"],
      [{ ...CREDS, clientSecret: "x".repeat(513) }, "clientSecret"],
      [{ ...CREDS, clientSecret: "line1\nline2" }, "clientSecret"],
      [{ ...CREDS, clientSecret: "bell\u0007" }, "clientSecret"],
      [{ ...CREDS, clientSecret: null }, "clientSecret"],
      [{ ...CREDS, tenant: "victim" }, "body"],
      [[CREDS], "body"],
      ["\"just a string\"", "body"],
    ];
    for (const [body, field] of cases) {
      const response = await putCredentials(body, { tenant: "validation-tenant" });
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      const error = (await response.json()) as any;
      expect(error.error).toBe("invalid_request");
      expect(Object.keys(error.fields)).toContain(field);
      expect(JSON.stringify(error)).not.toContain(SECRET);
    }
    expect(await kvSnapshot()).toEqual(before);
  });

  it("answers malformed JSON, a wrong content type and an oversized body with a code, never a 500", async () => {
    const token = await mintToken();
    const send = (body: string, type: string) =>
      call("/credentials", { method: "PUT", token, headers: { "Content-Type": type }, body });
    const before = await kvSnapshot();

    const malformed = await send("{\"region\": ", "application/json");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: "invalid_request" });

    const wrongType = await send(JSON.stringify(CREDS), "text/plain");
    expect(wrongType.status).toBe(415);
    expect(await wrongType.json()).toMatchObject({ error: "invalid_request" });

    const form = await send(new URLSearchParams(CREDS).toString(), "application/x-www-form-urlencoded");
    expect(form.status).toBe(415);

    const oversized = await send(JSON.stringify({ ...CREDS, clientSecret: "x".repeat(20_000) }), "application/json");
    expect(oversized.status).toBe(413);
    expect(await oversized.json()).toMatchObject({ error: "payload_too_large" });

    expect(await kvSnapshot()).toEqual(before);
  });

  // (Saving another client app while connected ends the connection: token.test.ts connects for real and checks it.)

  it("shows the last four characters only of a secret of at least 12, and nothing of a shorter one", async () => {
    const saved = async (clientSecret: string) => {
      const response = await putCredentials({ region: "eu", clientId: "short-secrets", clientSecret }, { tenant: "short" });
      expect(response.status).toBe(200);
      return ((await response.json()) as any).credentials.secretLast4;
    };
    expect(await saved("abcd")).toBe("");
    expect(await saved("abc")).toBe("");
    expect(await saved("12345678901")).toBe("");
    expect(await saved("123456789012")).toBe("9012");
    expect(await saved("a-long-secret-value-XYZW")).toBe("XYZW");
    const stored = await env.NINJAONE_KV.get("v1:tenant:short");
    expect(stored).toContain('"secretLast4":"XYZW"');
  });
});

describe("tenant isolation", () => {
  it("tenant B cannot read, overwrite or clear tenant A, whatever it sends", async () => {
    await putCredentials(CREDS, { tenant: "tenant-a" });
    const a = (await status("tenant-a")).body;

    // B sees only itself, even when naming A in the query or the body.
    const bStatus = await call("/status?tenant=tenant-a", { tenant: "tenant-b" });
    expect(((await bStatus.json()) as any).credentials).toBeNull();

    const bPut = await putCredentials({ ...CREDS, tenant: "tenant-a" }, { tenant: "tenant-b" });
    expect(bPut.status).toBe(400);
    await putCredentials({ region: "us", clientId: "b-client", clientSecret: "b-secret-xyz1" }, { tenant: "tenant-b" });
    await call("/disconnect", { method: "POST", tenant: "tenant-b", headers: { "X-Tenant": "tenant-a" } });

    expect((await status("tenant-a")).body).toEqual(a);
    expect((await status("tenant-b")).body.credentials).toBeNull();
  });
});

describe("POST /disconnect", () => {
  it("forgets the credentials and answers the empty status", async () => {
    await putCredentials(CREDS, { tenant: "leaver" });
    const response = await call("/disconnect", { method: "POST", tenant: "leaver" });
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body.credentials).toBeNull();
    expect(body.connection).toEqual({ status: "not_connected" });
    expect(await env.NINJAONE_KV.get("v1:tenant:leaver")).toBeNull();
    expect((await status("leaver")).body.credentials).toBeNull();
  });

  it("is harmless for a tenant with nothing saved, and needs a token", async () => {
    expect((await call("/disconnect", { method: "POST", tenant: "nobody" })).status).toBe(200);
    expect((await call("/disconnect", { method: "POST", token: null })).status).toBe(401);
  });
});

describe("unknown routes and methods", () => {
  it("answer JSON errors with a code", async () => {
    const missing = await call("/nope");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: "not_found" });
    const wrongMethod = await call("/status", { method: "DELETE" });
    expect(wrongMethod.status).toBe(404);
  });
});

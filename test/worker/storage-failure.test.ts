import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, CREDS, kvSnapshot, putCredentials, status } from "./helpers";

// The KV binding's methods live on its prototype, shared by every binding
// object in this isolate — the worker's and its Durable Objects' alike.
const kvPrototype = Object.getPrototypeOf(env.NINJAONE_KV) as KVNamespace;

function failKv(method: "get" | "put" | "delete") {
  return vi.spyOn(kvPrototype, method).mockRejectedValue(new Error("KV is down (injected)"));
}

afterEach(() => vi.restoreAllMocks());

describe("KV failures", () => {
  it("status answers 503 storage_unavailable when KV reads fail", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    failKv("get");
    const response = await call("/status", { tenant: "kv-read" });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: "storage_unavailable" });
  });

  it("saving answers 503 and changes nothing when KV writes fail", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    await putCredentials(CREDS, { tenant: "kv-write" });
    const before = await kvSnapshot();
    const savedStatus = (await status("kv-write")).body;

    failKv("put");
    const response = await putCredentials({ region: "us", clientId: "other", clientSecret: "other-secret-0000" }, { tenant: "kv-write" });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: "storage_unavailable" });
    vi.restoreAllMocks();

    expect(await kvSnapshot()).toEqual(before);
    expect((await status("kv-write")).body).toEqual(savedStatus);
    // The tenant's vault kept its old record too: saving the same app without a secret still works.
    const again = await putCredentials({ region: "eu", clientId: CREDS.clientId }, { tenant: "kv-write" });
    expect(again.status).toBe(200);
  });

  it("disconnect answers 503 and keeps the credentials when KV deletes fail", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    await putCredentials(CREDS, { tenant: "kv-delete" });
    failKv("delete");
    const response = await call("/disconnect", { method: "POST", tenant: "kv-delete" });
    expect(response.status).toBe(503);
    vi.restoreAllMocks();
    expect((await status("kv-delete")).body.credentials).toMatchObject({ clientId: CREDS.clientId });
  });
});

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

describe("KV failures during the OAuth flow", () => {
  it("connect: a failed read or write ends on a page, records nothing, and the user can retry", async () => {
    const { useStandIns, postConnect, saveStandInCredentials } = await import("./oauth-helpers");
    useStandIns();
    vi.spyOn(console, "error").mockImplementation(() => {});
    await saveStandInCredentials("kv-connect");
    for (const method of ["get", "put"] as const) {
      const spy = failKv(method);
      const response = await postConnect({ tenant: "kv-connect" });
      expect(response.status, method).toBe(503);
      expect(response.headers.get("Location")).toBeNull();
      expect(await response.text()).toMatch(/could not be saved/);
      spy.mockRestore();
    }
    expect(Object.keys(await kvSnapshot()).filter((key) => key.startsWith("v1:flow:"))).toEqual([]);
    expect((await postConnect({ tenant: "kv-connect" })).status).toBe(303);
  });

  it("callback: a failed read keeps the flow for a retry; a failed save reports storage_unavailable and keeps the old state", async () => {
    const { useStandIns, authorize, callback, saveStandInCredentials } = await import("./oauth-helpers");
    const { local } = useStandIns();
    vi.spyOn(console, "error").mockImplementation(() => {});
    await saveStandInCredentials("kv-callback");
    const flow = await authorize(local, "approve", { tenant: "kv-callback", mode: "redirect" });

    const reading = failKv("get");
    expect((await callback(flow.callbackUrl, flow.cookie)).status).toBe(503);
    reading.mockRestore();

    const writing = failKv("put");
    const failed = await callback(flow.callbackUrl, flow.cookie);
    writing.mockRestore();
    expect(new URL(failed.headers.get("Location")!).searchParams.get("ninjaone_error")).toBe("storage_unavailable");
    expect((await status("kv-callback")).body.connection).toEqual({ status: "not_connected" });

    // A new attempt works.
    const again = await authorize(local, "approve", { tenant: "kv-callback", mode: "redirect" });
    const landed = await callback(again.callbackUrl, again.cookie);
    expect(new URL(landed.headers.get("Location")!).searchParams.get("ninjaone")).toBe("connected");
  });

  it("token: a failed KV write after a refresh still hands out the new token and keeps it", async () => {
    const { useStandIns, connectTenant, apiToken, storedTokens } = await import("./oauth-helpers");
    const { local } = useStandIns();
    vi.spyOn(console, "error").mockImplementation(() => {});
    await connectTenant(local, "kv-token");
    const old = (await storedTokens("kv-token"))!;
    vi.useFakeTimers({ toFake: ["Date"], now: old.expiresAt - 60_000 });
    failKv("put");
    const response = await apiToken("kv-token");
    expect(response.status).toBe(200);
    const { accessToken } = (await response.json()) as { accessToken: string };
    vi.restoreAllMocks();
    vi.useRealTimers();
    expect(local.isAccessTokenValid(accessToken)).toBe(true);
    expect((await storedTokens("kv-token"))!.accessToken).toBe(accessToken);
  });
});

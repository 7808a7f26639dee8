import { runInDurableObject } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fromBase64Url, importKeyring, open, seal, type Keyring, type Sealed } from "../../worker/crypto";
import type { TenantRecord } from "../../worker/store";
import { BASE, mintToken } from "./helpers";
import { apiToken, connectTenant, useStandIns } from "./oauth-helpers";

afterEach(() => vi.restoreAllMocks());

const keys = JSON.parse(env.ENCRYPTION_KEYS) as Record<string, string>;
const keyring = (ids: string[], currentId: string): Promise<Keyring> =>
  importKeyring(new Map(ids.map((id) => [id, fromBase64Url(keys[id]!.replace(/=+$/, ""))])), currentId);
const vault = (tenant: string) => env.TENANT_VAULT.get(env.TENANT_VAULT.idFromName(tenant));

/** Rewrites a connected tenant's stored secrets as if they had been sealed under the old key k0. */
async function ageUnderOldKey(tenant: string) {
  const both = await keyring(["k0", "k1"], "k1");
  const old = await keyring(["k0", "k1"], "k0");
  await runInDurableObject(vault(tenant), async (instance, state) => {
    const record = (await state.storage.get<TenantRecord>("record"))!;
    const secret = await open(both, record.credentials!.secret, tenant, "client-secret");
    const aged: TenantRecord = { ...record, credentials: { ...record.credentials!, secret: await seal(old, secret, tenant, "client-secret") } };
    const tokens = await open(both, (await state.storage.get<Sealed>("tokens"))!, tenant, "tokens");
    await state.storage.put("record", aged);
    await state.storage.put("tokens", await seal(old, tokens, tenant, "tokens"));
    await env.NINJAONE_KV.put(`v1:tenant:${tenant}`, JSON.stringify(aged));
    // Forget the in-memory copy, as a restarted object would.
    (instance as unknown as { record: unknown }).record = undefined;
  });
}

async function reseal(tenant: string) {
  const token = await mintToken({ tenant, aud: "ninjaone-api" });
  return exports.default.fetch(new Request(`${BASE}/reseal`, { method: "POST", headers: { Authorization: `Bearer ${token}` } }));
}

describe("key rotation (POST /reseal)", () => {
  it("re-seals every stored secret under the current key, so the old key can be removed", async () => {
    const { local } = useStandIns();
    await connectTenant(local, "rotating");
    await ageUnderOldKey("rotating");

    const response = await reseal("rotating");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ resealed: 2, keyId: "k1" });

    // Everything opens with the current key alone.
    const onlyCurrent = await keyring(["k1"], "k1");
    const kvRecord = JSON.parse((await env.NINJAONE_KV.get("v1:tenant:rotating"))!) as TenantRecord;
    expect(kvRecord.credentials!.secret.kid).toBe("k1");
    expect(await open(onlyCurrent, kvRecord.credentials!.secret, "rotating", "client-secret")).toBe("acme-app-secret-value-0042");
    await runInDurableObject(vault("rotating"), async (_instance, state) => {
      const record = (await state.storage.get<TenantRecord>("record"))!;
      expect(await open(onlyCurrent, record.credentials!.secret, "rotating", "client-secret")).toBe("acme-app-secret-value-0042");
      const tokens = JSON.parse(await open(onlyCurrent, (await state.storage.get<Sealed>("tokens"))!, "rotating", "tokens"));
      expect(tokens.refreshToken).toEqual(expect.any(String));
    });
    // The connection still works.
    expect((await apiToken("rotating")).status).toBe(200);

    // Running it again has nothing left to do.
    expect(await (await reseal("rotating")).json()).toEqual({ resealed: 0, keyId: "k1" });
  });

  it("a value sealed under a key that was removed answers 503 misconfigured and names the key id in the log", async () => {
    const { local } = useStandIns();
    await connectTenant(local, "orphaned");
    const removed = await importKeyring(new Map([["k9", crypto.getRandomValues(new Uint8Array(32))]]), "k9");
    await runInDurableObject(vault("orphaned"), async (_instance, state) => {
      await state.storage.put("tokens", await seal(removed, JSON.stringify({ accessToken: "x", refreshToken: "y", expiresAt: 0, scopes: [] }), "orphaned", "tokens"));
    });
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    const response = await apiToken("orphaned");
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: "misconfigured" });
    expect(logged.mock.calls.flat().join(" ")).toContain('no key with id "k9"');
  });

  it("is harmless for a tenant with nothing stored, and needs an api token", async () => {
    expect(await (await reseal("nobody-here")).json()).toEqual({ resealed: 0, keyId: "k1" });
    const widgetToken = await mintToken({ tenant: "nobody-here" });
    const refused = await exports.default.fetch(new Request(`${BASE}/reseal`, { method: "POST", headers: { Authorization: `Bearer ${widgetToken}` } }));
    expect(refused.status).toBe(401);
  });
});

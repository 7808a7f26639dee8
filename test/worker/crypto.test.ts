import { describe, expect, it } from "vitest";
import { DecryptError, importKeyring, open, seal } from "../../worker/crypto";

const rawKey = () => crypto.getRandomValues(new Uint8Array(32));

describe("sealed envelope", () => {
  it("round-trips, with a fresh IV per write and the key id stored", async () => {
    const keyring = await importKeyring(new Map([["k1", rawKey()]]), "k1");
    const first = await seal(keyring, "the secret", "acme", "client-secret");
    const second = await seal(keyring, "the secret", "acme", "client-secret");
    expect(first.kid).toBe("k1");
    expect(first.iv).not.toBe(second.iv);
    expect(first.ct).not.toBe(second.ct);
    expect(JSON.stringify(first)).not.toContain("the secret");
    expect(await open(keyring, first, "acme", "client-secret")).toBe("the secret");
  });

  it("fails to open for another tenant or another kind of record", async () => {
    const keyring = await importKeyring(new Map([["k1", rawKey()]]), "k1");
    const sealed = await seal(keyring, "the secret", "tenant-a", "client-secret");
    await expect(open(keyring, sealed, "tenant-b", "client-secret")).rejects.toBeInstanceOf(DecryptError);
    await expect(open(keyring, sealed, "tenant-a", "tokens")).rejects.toBeInstanceOf(DecryptError);
  });

  it("fails when the stored key id is changed to another key", async () => {
    const keyring = await importKeyring(new Map([["k0", rawKey()], ["k1", rawKey()]]), "k1");
    const sealed = await seal(keyring, "the secret", "acme", "client-secret");
    await expect(open(keyring, { ...sealed, kid: "k0" }, "acme", "client-secret")).rejects.toBeInstanceOf(DecryptError);
    await expect(open(keyring, { ...sealed, kid: "gone" }, "acme", "client-secret")).rejects.toThrow(/no key/);
  });

  it("still opens records written under an older key after the current key id changes", async () => {
    const k0 = rawKey();
    const k1 = rawKey();
    const before = await importKeyring(new Map([["k0", k0]]), "k0");
    const sealed = await seal(before, "old secret", "acme", "client-secret");
    const after = await importKeyring(new Map([["k0", k0], ["k1", k1]]), "k1");
    expect(await open(after, sealed, "acme", "client-secret")).toBe("old secret");
    expect((await seal(after, "new", "acme", "client-secret")).kid).toBe("k1");
  });

  it("detects a tampered ciphertext", async () => {
    const keyring = await importKeyring(new Map([["k1", rawKey()]]), "k1");
    const sealed = await seal(keyring, "the secret", "acme", "client-secret");
    const flipped = (sealed.ct[0] === "A" ? "B" : "A") + sealed.ct.slice(1);
    await expect(open(keyring, { ...sealed, ct: flipped }, "acme", "client-secret")).rejects.toBeInstanceOf(DecryptError);
  });
});

import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { status } from "./helpers";
import { authorize, callback, saveStandInCredentials, useStandInsPerTest } from "./oauth-helpers";

const stand = useStandInsPerTest();
const landing = (response: Response) => new URL(response.headers.get("Location")!).searchParams;

describe("GET /callback", () => {
  it("ignores parameters it does not read (RFC 6749 §4.1.2), such as session_state", async () => {
    await saveStandInCredentials("extra-params");
    const flow = await authorize(stand.local, "approve", { tenant: "extra-params", mode: "redirect" });
    const url = new URL(flow.callbackUrl);
    url.searchParams.set("session_state", "abc.123");
    url.searchParams.set("foo", "bar");
    const landed = await callback(url.toString(), flow.cookie);
    expect(landing(landed).get("ninjaone")).toBe("connected");
    expect((await status("extra-params")).body.connection.status).toBe("connected");
  });

  it("still refuses a duplicate of a parameter it reads", async () => {
    for (const duplicate of ["code", "state", "iss", "error"]) {
      await saveStandInCredentials(`dup-${duplicate}`);
      const flow = await authorize(stand.local, "approve", { tenant: `dup-${duplicate}`, mode: "redirect" });
      const url = new URL(flow.callbackUrl);
      const value = url.searchParams.get(duplicate) ?? "x";
      url.searchParams.append(duplicate, value);
      const landed = await callback(url.toString(), flow.cookie);
      if (duplicate === "state") expect(landed.status, duplicate).toBe(400); // no flow is found for a doubled state
      else expect(landing(landed).get("ninjaone_error"), duplicate).toBe("ninjaone_error");
      expect((await status(`dup-${duplicate}`)).body.connection.status, duplicate).toBe("not_connected");
    }
  });

  it("accepts an iss with a trailing slash as its region, and refuses another region's", async () => {
    await saveStandInCredentials("iss-slash");
    const flow = await authorize(stand.local, "approve", { tenant: "iss-slash", mode: "redirect" });
    const url = new URL(flow.callbackUrl);
    url.searchParams.set("iss", "https://stand-in.test/");
    expect(landing(await callback(url.toString(), flow.cookie)).get("ninjaone")).toBe("connected");

    await saveStandInCredentials("iss-other");
    const other = await authorize(stand.local, "approve", { tenant: "iss-other", mode: "redirect" });
    const mixed = new URL(other.callbackUrl);
    mixed.searchParams.set("iss", "https://other-stand-in.test/");
    expect(landing(await callback(mixed.toString(), other.cookie)).get("ninjaone_error")).toBe("ninjaone_error");
  });

  it("two callbacks for the same state at the same time lead to exactly one code exchange", async () => {
    await saveStandInCredentials("double");
    const flow = await authorize(stand.local, "approve", { tenant: "double", mode: "redirect" });
    const before = stand.local.stats().tokenRequests;
    const [a, b] = await Promise.all([callback(flow.callbackUrl, flow.cookie), callback(flow.callbackUrl, flow.cookie)]);
    expect(stand.local.stats().tokenRequests - before).toBe(1);
    const outcomes = [a, b].map((r) => (r.status === 303 ? (landing(r).get("ninjaone") ?? landing(r).get("ninjaone_error")) : `page ${r.status}`)).sort();
    expect(outcomes[0]).toBe("connected");
    expect(outcomes[1]).not.toBe("connected");
  });
});

describe("single-use claims (TenantVault.claimOnce)", () => {
  const vault = () => env.TENANT_VAULT.get(env.TENANT_VAULT.idFromName("claims"));

  it("claims once, keeps claims that have not expired when sweeping, and drops expired ones", async () => {
    const future = Date.now() + 60_000;
    expect(await vault().claimOnce("state:a", future)).toEqual({ ok: true, value: true });
    expect(await vault().claimOnce("state:old", Date.now() - 1)).toEqual({ ok: true, value: true });
    // claiming another value sweeps: the unexpired claim stays, the expired one goes
    expect(await vault().claimOnce("state:b", future)).toEqual({ ok: true, value: true });
    expect(await vault().claimOnce("state:a", future)).toEqual({ ok: true, value: false });
    const { runInDurableObject } = await import("cloudflare:test");
    const keys = await runInDurableObject(vault(), async (_i, state) => [...(await state.storage.list({ prefix: "claimed:" })).keys()]);
    expect(keys.sort()).toEqual(["claimed:state:a", "claimed:state:b"]);
  });
});

void exports;

// A bounded load test against the real worker under `wrangler dev` (loopback
// only, a few seconds): many tenants saving, reading and starting connections at
// once. No 5xx, no tenant ever sees another's value, and each tenant ends with
// its own last write.
import { sign } from "hono/jwt";
import { describe, expect, inject, it } from "vitest";
import { addStandInClient } from "./helpers";

const TENANTS = 24;
const ROUNDS = 6;
const API = `${inject("workerUrl")}/api/integrations/ninjaone`;
const hostOrigin = new URL(inject("hostUrl")).origin;

async function token(tenant: string): Promise<string> {
  const iat = Math.floor(Date.now() / 1000);
  return sign({ tenant, aud: "ninjaone-settings", iat, exp: iat + 600 }, inject("tenantTokenSecret"), "HS256");
}

describe("many tenants at once", () => {
  it("never answers 5xx, never crosses tenants, and keeps each tenant's last write", async () => {
    const statuses: number[] = [];
    const crossings: string[] = [];
    // Every client app the tenants will save exists on the stand-in: saving checks it with NinjaOne.
    for (let t = 0; t < TENANTS; t++) {
      for (let round = 0; round < ROUNDS; round++) await addStandInClient(`load-${t}-${round}`, `secret-load-${t}-${round}`);
    }
    const started = Date.now();

    await Promise.all(
      Array.from({ length: TENANTS }, async (_, t) => {
        const tenant = `load-${t}`;
        const auth = { Authorization: `Bearer ${await token(tenant)}` };
        const mine = (clientId: unknown) => typeof clientId === "string" && clientId.startsWith(`${tenant}-`);
        for (let round = 0; round < ROUNDS; round++) {
          const clientId = `${tenant}-${round}`;
          const saved = await fetch(`${API}/credentials`, {
            method: "PUT",
            headers: { ...auth, "Content-Type": "application/json" },
            body: JSON.stringify({ region: "local", clientId, clientSecret: `secret-${tenant}-${round}` }),
          });
          statuses.push(saved.status);
          const savedBody = (await saved.json()) as any;
          if (!mine(savedBody.credentials?.clientId)) crossings.push(`${tenant} saved and got ${savedBody.credentials?.clientId}`);

          const read = await fetch(`${API}/status`, { headers: auth });
          statuses.push(read.status);
          const readBody = (await read.json()) as any;
          if (!mine(readBody.credentials?.clientId)) crossings.push(`${tenant} read ${readBody.credentials?.clientId}`);

          const connect = await fetch(`${API}/connect`, {
            method: "POST",
            redirect: "manual",
            headers: { Origin: hostOrigin, "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams({ token: auth.Authorization.slice(7), return_to: `${hostOrigin}/?tenant=${tenant}`, mode: "redirect" }),
          });
          statuses.push(connect.status);
          await connect.body?.cancel();
          const authorizeClient = new URL(connect.headers.get("Location") ?? "http://invalid/").searchParams.get("client_id");
          if (!mine(authorizeClient)) crossings.push(`${tenant} connected as ${authorizeClient}`);
        }
      }),
    );

    const seconds = (Date.now() - started) / 1000;
    expect(statuses.length).toBe(TENANTS * ROUNDS * 3);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(new Set(statuses)).toEqual(new Set([200, 303]));
    expect(crossings).toEqual([]);
    for (let t = 0; t < TENANTS; t++) {
      const body = (await (await fetch(`${API}/status`, { headers: { Authorization: `Bearer ${await token(`load-${t}`)}` } })).json()) as any;
      expect(body.credentials.clientId).toBe(`load-${t}-${ROUNDS - 1}`);
    }
    console.log(`load: ${statuses.length} requests from ${TENANTS} tenants in ${seconds.toFixed(1)} s`);
  });
});

// Operations against a worker process of its own (its own ports, keys and KV
// directory), restarted between steps:
// - `npm run rotate-keys` for real: tenants connected under key k1; the worker
//   restarted with k1 and k2 (k2 current); the command re-seals every tenant;
//   restarted with k2 alone it still hands out tokens and reconnects — so both
//   the sealed tokens and the sealed client secrets open under the new key.
// - a worker restart between connect and callback loses nothing.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sign } from "hono/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consent } from "../ninjaone-stand-in/stand-in";
// @ts-expect-error plain ESM without types
import { DEMO_CLIENT, endGroup, launch, waitForHttp } from "../../scripts/stack.mjs";

const dir = mkdtempSync(join(tmpdir(), "ninjaone-rotate-"));
const secret = randomBytes(48).toString("base64url");
const k1 = randomBytes(32).toString("base64");
const k2 = randomBytes(32).toString("base64");
// Ports of their own, away from the shared e2e stack.
const WORKER = 18_797;
const STAND_IN = 18_798;
const workerUrl = `http://127.0.0.1:${WORKER}`;
const api = `${workerUrl}/api/integrations/ninjaone`;
const hostOrigin = "http://localhost:18799";
const TENANTS = ["rot-a", "rot-b"];

let standIn: { pid: number } | undefined;

/** Refuses to start when something already answers on the port: it would be tested instead. */
async function assertPortFree(port: number) {
  const answered = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
  if (answered) throw new Error(`port ${port} is already in use`);
}

/** Runs `phase` against a worker started with these keys, and always stops the worker. */
async function withWorker(keys: Record<string, string>, current: string, phase: () => Promise<void>, state = "state") {
  await assertPortFree(WORKER);
  const worker = await startWorker(keys, current, state);
  try {
    await phase();
  } finally {
    await endGroup(worker.pid);
  }
}

function startWorker(keys: Record<string, string>, current: string, state: string) {
  const envFile = join(dir, `${current}-${Object.keys(keys).join("")}.vars`);
  writeFileSync(envFile, `TENANT_TOKEN_SECRET='${secret}'\nENCRYPTION_KEYS='${JSON.stringify(keys)}'\nENCRYPTION_KEY_ID='${current}'\n`);
  const child = launch("worker", "npx", [
    "wrangler", "dev", "-c", "wrangler.toml", "--ip", "127.0.0.1", "--port", String(WORKER), "--inspector-port", "19797",
    "--show-interactive-dev-session=false", "--env-file", envFile, "--persist-to", join(dir, state),
    "--var", `ALLOWED_ORIGINS:${hostOrigin}`, "--var", `APP_BASE_URL:${workerUrl}`,
    "--var", `NINJAONE_REGIONS:${JSON.stringify({ local: `http://127.0.0.1:${STAND_IN}` })}`,
  ]);
  return waitForHttp(`${api}/status`, child, "the worker").then(() => child);
}

async function jwt(tenant: string, aud: string) {
  const iat = Math.floor(Date.now() / 1000);
  return sign({ tenant, aud, iat, exp: iat + 600 }, secret, "HS256");
}

/** The browser's part of a connection up to NinjaOne's redirect back: connect, then consent. */
async function startConnect(tenant: string): Promise<{ callbackUrl: string; cookie: string }> {
  const started = await fetch(`${api}/connect`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: hostOrigin, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: await jwt(tenant, "ninjaone-settings"), return_to: `${hostOrigin}/`, mode: "redirect" }),
  });
  const cookie = started.headers.get("Set-Cookie")!.split(";")[0]!;
  // The stand-in's consent steps, over real HTTP (redirects not followed: the browser would carry the cookie).
  const decided = await consent({ fetch: (request: Request) => fetch(new Request(request, { redirect: "manual" })) }, started.headers.get("Location")!, "approve");
  return { callbackUrl: decided.headers.get("Location")!, cookie };
}

/** The callback, as the browser follows NinjaOne's redirect: the outcome added to the return URL. */
async function finishConnect({ callbackUrl, cookie }: { callbackUrl: string; cookie: string }): Promise<string | null> {
  const landed = await fetch(callbackUrl, { redirect: "manual", headers: { Cookie: cookie } });
  return new URL(landed.headers.get("Location")!).searchParams.get("ninjaone");
}

const connect = async (tenant: string) => finishConnect(await startConnect(tenant));

async function accessToken(tenant: string): Promise<number> {
  const response = await fetch(`${api}/token`, { method: "POST", headers: { Authorization: `Bearer ${await jwt(tenant, "ninjaone-api")}` } });
  await response.body?.cancel();
  return response.status;
}

beforeAll(async () => {
  const clients = [{ ...DEMO_CLIENT, redirectUris: [`${api}/callback`], scopes: ["monitoring", "management", "offline_access"] }];
  const child = launch("stand-in", "npx", [
    "wrangler", "dev", "-c", "test/ninjaone-stand-in/wrangler.toml", "--ip", "127.0.0.1", "--port", String(STAND_IN),
    "--inspector-port", "19798", "--show-interactive-dev-session=false", "--var", `STAND_IN_CLIENTS:${JSON.stringify(clients)}`,
  ]);
  standIn = child;
  await waitForHttp(`http://127.0.0.1:${STAND_IN}/`, child, "the stand-in");
}, 120_000);

afterAll(async () => {
  if (standIn) await endGroup(standIn.pid);
  rmSync(dir, { recursive: true, force: true });
});

describe("a worker restart", () => {
  it("between connect and callback loses nothing: the flow lives in KV, not in memory", async () => {
    let pending: { callbackUrl: string; cookie: string } | undefined;
    await withWorker({ k1 }, "k1", async () => {
      const saved = await fetch(`${api}/credentials`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${await jwt("restart", "ninjaone-settings")}`, "Content-Type": "application/json" },
        body: JSON.stringify({ region: "local", ...DEMO_CLIENT }),
      });
      expect(saved.status).toBe(200);
      pending = await startConnect("restart");
    }, "restart-state");
    await withWorker({ k1 }, "k1", async () => {
      expect(await finishConnect(pending!)).toBe("connected");
      expect(await accessToken("restart")).toBe(200);
    }, "restart-state");
  }, 120_000);
});

describe("npm run rotate-keys", () => {
  it("re-seals every tenant under the new key; with the old key removed, every tenant still works", async () => {
    // Under k1: save credentials and connect.
    await withWorker({ k1 }, "k1", async () => {
      for (const tenant of TENANTS) {
        const saved = await fetch(`${api}/credentials`, {
          method: "PUT",
          headers: { Authorization: `Bearer ${await jwt(tenant, "ninjaone-settings")}`, "Content-Type": "application/json" },
          body: JSON.stringify({ region: "local", ...DEMO_CLIENT }),
        });
        expect(saved.status).toBe(200);
        expect(await connect(tenant)).toBe("connected");
      }
    });

    const rotate = () =>
      // --page-size 1: KV lists a page at a time; every page must be followed (a local listing used to stop at the first).
      spawnSync("node", ["scripts/rotate-keys.mjs", "--url", workerUrl, "--persist-to", join(dir, "state"), "--page-size", "1"], {
        encoding: "utf8",
        env: { ...process.env, TENANT_TOKEN_SECRET: secret },
      });

    // Too early: the worker no longer has k1, so nothing can be resealed — and the command says so.
    await withWorker({ k2 }, "k2", async () => {
      const failed = rotate();
      expect(failed.status).toBe(1);
      expect(failed.stdout).toContain("2 tenants in KV");
      expect(failed.stderr).toContain("2 of 2 tenant(s) could not be re-sealed");
      expect(failed.stdout).not.toContain("every tenant is sealed");
    });

    // k2 becomes current, k1 still known: rotate.
    await withWorker({ k1, k2 }, "k2", async () => {
      const rotated = rotate();
      expect(rotated.status, rotated.stderr).toBe(0);
      expect(rotated.stdout).toContain("2 tenants in KV");
      for (const tenant of TENANTS) expect(rotated.stdout).toContain(`${tenant}: 2 values re-sealed`);
      expect(rotated.stdout).toContain('every tenant is sealed under key "k2"');
    });

    // k1 removed: tokens and client secrets still open.
    await withWorker({ k2 }, "k2", async () => {
      for (const tenant of TENANTS) {
        expect(await accessToken(tenant)).toBe(200);
        expect(await connect(tenant)).toBe("connected"); // the code exchange needs the client secret
      }
    });
  }, 180_000);
});

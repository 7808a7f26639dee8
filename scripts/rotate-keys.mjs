// `npm run rotate-keys`: re-encrypts every tenant's stored secrets under the
// current ENCRYPTION_KEY_ID, so an old key can be removed from ENCRYPTION_KEYS.
//
//   npm run rotate-keys                                  # local: wrangler dev at http://127.0.0.1:8787, KV in .wrangler/state
//   npm run rotate-keys -- --remote --url https://ninjaone.example.com
//
// It lists the tenants in KV with wrangler, then calls POST /reseal for each
// with an api token it mints from TENANT_TOKEN_SECRET (environment, else .dev.vars).
// The worker must already run with the new ENCRYPTION_KEY_ID (and still hold the old key).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sign } from "hono/jwt";
import { parseDotenv } from "./lib/dev-vars.mjs";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8787" },
    remote: { type: "boolean", default: false },
    "persist-to": { type: "string" },
    // KV's own limit per page; smaller only to prove the paging (tests).
    "page-size": { type: "string", default: "1000" },
  },
});

const secret = process.env.TENANT_TOKEN_SECRET ?? (existsSync(".dev.vars") ? parseDotenv(readFileSync(".dev.vars", "utf8")).TENANT_TOKEN_SECRET : undefined);
if (!secret) {
  console.error("TENANT_TOKEN_SECRET is not set (environment or .dev.vars).");
  process.exit(2);
}

/**
 * Every tenant id in KV, page by page (KV lists at most 1,000 keys at a time). Remote: wrangler's
 * `kv key list --remote` pages itself. Local: wrangler's `--local` listing stops after one page,
 * so the local namespace is read through wrangler's platform proxy, following the cursor.
 */
async function listTenants() {
  const prefix = "v1:tenant:";
  if (values.remote) {
    const list = spawnSync("npx", ["wrangler", "kv", "key", "list", "--binding", "NINJAONE_KV", "--prefix", prefix, "--remote"], {
      encoding: "utf8",
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });
    if (list.status !== 0) throw new Error(`Listing KV failed:\n${list.stderr}`);
    return JSON.parse(list.stdout.slice(list.stdout.indexOf("["))).map((key) => key.name.slice(prefix.length));
  }
  const { getPlatformProxy } = await import("wrangler");
  const proxy = await getPlatformProxy({ configPath: "wrangler.toml", persist: { path: join(values["persist-to"] ?? ".wrangler/state", "v3") } });
  try {
    const tenants = [];
    let cursor;
    do {
      const page = await proxy.env.NINJAONE_KV.list({ prefix, cursor, limit: Number(values["page-size"]) });
      tenants.push(...page.keys.map((key) => key.name.slice(prefix.length)));
      cursor = page.list_complete ? undefined : page.cursor;
    } while (cursor);
    return tenants;
  } finally {
    await proxy.dispose();
  }
}

let tenants;
try {
  tenants = await listTenants();
} catch (error) {
  console.error(String(error.message ?? error));
  process.exit(1);
}
console.log(`${tenants.length} tenant${tenants.length === 1 ? "" : "s"} in KV`);

let failed = 0;
let keyId;
for (const tenant of tenants) {
  const iat = Math.floor(Date.now() / 1000);
  const token = await sign({ tenant, aud: "ninjaone-api", iat, exp: iat + 300 }, secret, "HS256");
  let response;
  try {
    response = await fetch(`${values.url.replace(/\/$/, "")}/api/integrations/ninjaone/reseal`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
  } catch (error) {
    failed += 1;
    console.error(`  ${tenant}: failed (the worker at ${values.url} did not answer: ${error.cause?.code ?? error.name})`);
    continue;
  }
  const body = await response.json().catch(() => ({}));
  if (response.ok) {
    keyId = body.keyId;
    console.log(`  ${tenant}: ${body.resealed} value${body.resealed === 1 ? "" : "s"} re-sealed`);
  } else {
    failed += 1;
    console.error(`  ${tenant}: failed (${response.status} ${body.error ?? ""})`);
  }
}
if (failed > 0) {
  console.error(`${failed} of ${tenants.length} tenant(s) could not be re-sealed and still need the old key: keep it, fix the cause above, and run this again.`);
} else {
  console.log(`Done: every tenant is sealed under key "${keyId ?? "(none)"}".`);
}
console.log("Pending OAuth flows (10 minutes at most) are not re-sealed: wait 10 minutes before removing the old key.");
process.exit(failed === 0 ? 0 : 1);

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
import { parseArgs } from "node:util";
import { sign } from "hono/jwt";
import { parseDotenv } from "./lib/dev-vars.mjs";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8787" },
    remote: { type: "boolean", default: false },
    "persist-to": { type: "string" },
  },
});

const secret = process.env.TENANT_TOKEN_SECRET ?? (existsSync(".dev.vars") ? parseDotenv(readFileSync(".dev.vars", "utf8")).TENANT_TOKEN_SECRET : undefined);
if (!secret) {
  console.error("TENANT_TOKEN_SECRET is not set (environment or .dev.vars).");
  process.exit(2);
}

const list = spawnSync(
  "npx",
  ["wrangler", "kv", "key", "list", "--binding", "NINJAONE_KV", "--prefix", "v1:tenant:", values.remote ? "--remote" : "--local",
    ...(values["persist-to"] ? ["--persist-to", values["persist-to"]] : [])],
  { encoding: "utf8", env: { ...process.env, WRANGLER_SEND_METRICS: "false" } },
);
if (list.status !== 0) {
  console.error(`Listing KV failed:\n${list.stderr}`);
  process.exit(1);
}
const tenants = JSON.parse(list.stdout.slice(list.stdout.indexOf("["))).map((key) => key.name.slice("v1:tenant:".length));
console.log(`${tenants.length} tenant${tenants.length === 1 ? "" : "s"} in KV`);

let failed = 0;
let keyId;
for (const tenant of tenants) {
  const iat = Math.floor(Date.now() / 1000);
  const token = await sign({ tenant, aud: "ninjaone-api", iat, exp: iat + 300 }, secret, "HS256");
  const response = await fetch(`${values.url.replace(/\/$/, "")}/api/integrations/ninjaone/reseal`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
  const body = await response.json().catch(() => ({}));
  if (response.ok) {
    keyId = body.keyId;
    console.log(`  ${tenant}: ${body.resealed} value${body.resealed === 1 ? "" : "s"} re-sealed`);
  } else {
    failed += 1;
    console.error(`  ${tenant}: failed (${response.status} ${body.error ?? ""})`);
  }
}
console.log(failed === 0 ? `Done: every tenant is sealed under key "${keyId ?? "(none)"}".` : `${failed} tenant(s) failed; run it again.`);
console.log("Pending OAuth flows (10 minutes at most) are not re-sealed: wait 10 minutes before removing the old key.");
process.exit(failed === 0 ? 0 : 1);

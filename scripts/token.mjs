// Mints a tenant token the way a host backend does, for trying the API locally:
//   npm run token -- --tenant acme [--aud ninjaone-api] [--sub alice@acme] [--ttl 600]
// The secret comes from TENANT_TOKEN_SECRET in the environment, else .dev.vars.
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { sign } from "hono/jwt";
import { parseDotenv } from "./lib/dev-vars.mjs";

const { values } = parseArgs({
  options: {
    tenant: { type: "string" },
    aud: { type: "string", default: "ninjaone-settings" },
    sub: { type: "string" },
    ttl: { type: "string", default: "600" },
  },
});
if (!values.tenant) {
  console.error("usage: npm run token -- --tenant <id> [--aud ninjaone-settings|ninjaone-api] [--sub <user>] [--ttl <seconds, max 3600>]");
  process.exit(2);
}
const secret = process.env.TENANT_TOKEN_SECRET ?? (existsSync(".dev.vars") ? parseDotenv(readFileSync(".dev.vars", "utf8")).TENANT_TOKEN_SECRET : undefined);
if (!secret) {
  console.error("No TENANT_TOKEN_SECRET: run `npm start` once (it writes .dev.vars) or set it in the environment.");
  process.exit(1);
}
const iat = Math.floor(Date.now() / 1000);
const payload = { tenant: values.tenant, aud: values.aud, iat, exp: iat + Math.min(Number(values.ttl), 3600) };
if (values.sub) payload.sub = values.sub;
console.log(await sign(payload, secret, "HS256"));

// Mints a tenant token the way a host backend does, for trying the API locally:
//   npm run token -- --tenant acme [--aud ninjaone-api] [--sub alice@acme] [--perm read] [--ttl 600]
// The secret comes from TENANT_TOKEN_SECRET in the environment, else .dev.vars.
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { sign } from "hono/jwt";
import { parseDotenv } from "./lib/dev-vars.mjs";

const USAGE =
  "usage: npm run token -- --tenant <id> [--aud ninjaone-settings|ninjaone-api] [--sub <user>] [--perm manage|read] [--ttl <seconds>]";
const fail = (message) => {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
};

let values;
try {
  ({ values } = parseArgs({
    options: {
      tenant: { type: "string" },
      aud: { type: "string", default: "ninjaone-settings" },
      sub: { type: "string" },
      perm: { type: "string" },
      ttl: { type: "string", default: "600" },
    },
  }));
} catch (error) {
  fail(error.message); // parseArgs' own words ("Unknown option '--x'") without its stack
}
if (!values.tenant) fail("--tenant is required");
if (values.perm !== undefined && values.perm !== "manage" && values.perm !== "read") fail(`--perm must be manage or read (got ${JSON.stringify(values.perm)})`);
if (!/^\d+$/.test(values.ttl) || Number(values.ttl) < 1) fail(`--ttl must be a whole number of seconds, at least 1 (got ${JSON.stringify(values.ttl)})`);
const ttl = Number(values.ttl);
// Not capped: a token living longer is how to see the worker refuse one.
if (ttl > 3600) console.error(`note: the worker refuses tokens that live longer than 3600 s; this one lives ${ttl} s`);

const secret = process.env.TENANT_TOKEN_SECRET ?? (existsSync(".dev.vars") ? parseDotenv(readFileSync(".dev.vars", "utf8")).TENANT_TOKEN_SECRET : undefined);
if (!secret) {
  console.error("No TENANT_TOKEN_SECRET: run `npm start` once (it writes .dev.vars) or set it in the environment.");
  process.exit(1);
}
const iat = Math.floor(Date.now() / 1000);
const payload = { tenant: values.tenant, aud: values.aud, iat, exp: iat + ttl };
if (values.sub) payload.sub = values.sub;
if (values.perm) payload.perm = values.perm;
console.log(await sign(payload, secret, "HS256"));

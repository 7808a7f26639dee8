// `npm run token` (scripts/token.mjs): the tokens the README has you mint, and clear errors
// (no stack trace) for what it cannot mint.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const SECRET = "t".repeat(40);
function token(...args: string[]) {
  const run = spawnSync(process.execPath, ["scripts/token.mjs", ...args], { env: { ...process.env, TENANT_TOKEN_SECRET: SECRET }, encoding: "utf8" });
  const claims = run.status === 0 ? JSON.parse(Buffer.from(run.stdout.trim().split(".")[1]!, "base64url").toString()) : undefined;
  return { status: run.status, claims, stderr: run.stderr };
}

describe("npm run token", () => {
  it("mints the claims asked for: tenant, audience, sub, perm, lifetime", () => {
    const { status, claims } = token("--tenant", "acme", "--aud", "ninjaone-api", "--sub", "alice@acme", "--perm", "read", "--ttl", "120");
    expect(status).toBe(0);
    expect(claims).toMatchObject({ tenant: "acme", aud: "ninjaone-api", sub: "alice@acme", perm: "read" });
    expect(claims.exp - claims.iat).toBe(120);
    expect(token("--tenant", "acme").claims).toMatchObject({ aud: "ninjaone-settings", exp: expect.any(Number) });
    expect(token("--tenant", "acme").claims.perm).toBeUndefined();
  });

  it("mints a token longer than the worker accepts, saying so (to try that refusal)", () => {
    const { status, claims, stderr } = token("--tenant", "acme", "--ttl", "7200");
    expect(status).toBe(0);
    expect(claims.exp - claims.iat).toBe(7200);
    expect(stderr).toMatch(/refuses tokens that live longer than 3600 s/);
  });

  for (const [args, message] of [
    [["--tenant", "acme", "--perm", "admin"], /--perm must be manage or read/],
    [["--tenant", "acme", "--ttl", "-100"], /ttl/],
    [["--tenant", "acme", "--ttl", "abc"], /--ttl must be a whole number/],
    [["--aud", "ninjaone-api"], /--tenant is required/],
    [["--tenant", "acme", "--bogus"], /Unknown option '--bogus'/],
  ] as const) {
    it(`refuses ${args.join(" ")} with a message and the usage, not a stack trace`, () => {
      const { status, stderr } = token(...args);
      expect(status).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr).toMatch(/^usage: npm run token/m);
      expect(stderr).not.toMatch(/\n\s+at /);
    });
  }
});

import { randomBytes } from "node:crypto";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Fresh secrets for every run: tests mint tokens from env.TENANT_TOKEN_SECRET
// and never depend on a fixed key.
const key = () => randomBytes(32).toString("base64");

/** The worker suites' config: the real worker (wrangler.toml) in workerd, with test bindings. */
export function workerSuite(options: { include: string[]; exclude?: string[]; bindings?: Record<string, string> }) {
  return defineConfig({
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TENANT_TOKEN_SECRET: randomBytes(48).toString("base64url"),
            ENCRYPTION_KEYS: JSON.stringify({ k0: key(), k1: key() }),
            ENCRYPTION_KEY_ID: "k1",
            ALLOWED_ORIGINS: "https://host.example,https://other-host.example",
            APP_BASE_URL: "https://worker.example",
            // Events go through the real queue (wrangler.toml) to a receiver the tests play (oauth-helpers.ts).
            EVENTS_URL: "https://events.test/ninjaone-events",
            EVENTS_SIGNING_SECRET: randomBytes(32).toString("base64url"),
            EVENTS_RETRY_DELAY_SECONDS: "1",
            // The stand-ins answer in this isolate within milliseconds: a short wait keeps the
            // tests of a NinjaOne that does not answer quick (through the vault, as in production).
            NINJAONE_TIMEOUT_MS: "1000",
            NINJAONE_REGIONS: JSON.stringify({
              us: "https://app.ninjarmm.com",
              eu: "https://eu.ninjarmm.com",
              local: "https://stand-in.test",
              other: "https://other-stand-in.test",
            }),
            ...options.bindings,
          },
        },
      }),
    ],
    test: {
      root: new URL("../..", import.meta.url).pathname,
      include: options.include,
      exclude: options.exclude ?? [],
      setupFiles: ["test/worker/setup.ts"],
    },
  });
}

// Starts the worker, the NinjaOne stand-in and the demo host once for the whole
// e2e run, on free ports, with throw-away secrets and KV in a temp directory
// (the repo's .dev.vars and .wrangler/state are never touched).
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
// @ts-expect-error plain ESM without types
import { startStack } from "../../scripts/stack.mjs";
// @ts-expect-error plain ESM without types
import { freshSecrets } from "../../scripts/lib/dev-vars.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    workerUrl: string;
    standInUrl: string;
    hostUrl: string;
    redirectUri: string;
    /** throw-away, for minting `ninjaone-api` tokens as the host backend would */
    tenantTokenSecret: string;
    /** A file with everything the stack's processes print (the worker's log lines included). */
    stackLog: string;
  }
}

/** A port that was free a moment ago (bind port 0, read it, release it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const isFree = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });

/** Two consecutive free ports: the worker's inspector and the stand-in's (inspectorPort + 1). */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await freePort();
    if (port < 65535 && (await isFree(port + 1))) return port;
  }
  throw new Error("no two consecutive free ports");
}

/**
 * `npm start`'s ports when they are all free, so the screenshots in docs/images show the
 * URLs the README names; otherwise any free ones (e.g. while `npm start` runs).
 */
async function choosePorts() {
  const defaults = { workerPort: 8787, standInPort: 8788, hostPort: 8789, inspectorPort: 9229 };
  const all = (await Promise.all([8787, 8788, 8789, 9229, 9230].map(isFree))).every(Boolean);
  if (all) return defaults;
  const taken = new Set<number>();
  const take = async (get: () => Promise<number>) => {
    for (;;) {
      const port = await get();
      if (!taken.has(port) && !taken.has(port + 1)) return taken.add(port), port;
    }
  };
  const inspectorPort = await take(freePortPair);
  taken.add(inspectorPort + 1);
  return { inspectorPort, workerPort: await take(freePort), standInPort: await take(freePort), hostPort: await take(freePort) };
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "ninjaone-e2e-"));
  const secrets = freshSecrets();
  const envFile = join(dir, "e2e.vars");
  writeFileSync(envFile, Object.entries(secrets).map(([k, v]) => `${k}='${v}'\n`).join(""), { mode: 0o600 });
  const persistTo = join(dir, "state");

  const { workerPort, standInPort, hostPort, inspectorPort } = await choosePorts();
  let log = "";
  const stackLog = join(dir, "stack.log");
  writeFileSync(stackLog, "");
  const stack = await startStack({
    workerPort, standInPort, hostPort, inspectorPort, envFile, secrets, persistTo,
    // Failed event deliveries retry at once, so the dead-letter test ends in seconds.
    eventsRetryDelaySeconds: 0,
    onOutput: (name: string, text: string) => {
      appendFileSync(stackLog, text.replace(/^/gm, `[${name}] `));
      log = (log + text.replace(/^/gm, `[${name}] `)).slice(-20_000);
      if (process.env.E2E_VERBOSE) process.stderr.write(text.replace(/^/gm, `[${name}] `));
    },
  }).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    console.error(log.slice(-4000));
    throw error;
  });

  project.provide("workerUrl", stack.workerUrl);
  project.provide("standInUrl", stack.standInUrl);
  project.provide("hostUrl", stack.hostUrl);
  project.provide("redirectUri", stack.redirectUri);
  project.provide("tenantTokenSecret", secrets.TENANT_TOKEN_SECRET);
  project.provide("stackLog", stackLog);

  return async () => {
    await stack.stop();
    // stop() waits for wrangler itself; its workerd children may take a moment longer to let go
    const ports = [workerPort, standInPort, hostPort, inspectorPort, inspectorPort + 1];
    for (let i = 0; i < 50 && !(await Promise.all(ports.map(isFree))).every(Boolean); i++) await new Promise((r) => setTimeout(r, 200));
    rmSync(dir, { recursive: true, force: true });
  };
}

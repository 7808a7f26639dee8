// The whole product on one machine: the worker (`wrangler dev`, KV on disk),
// the NinjaOne stand-in (`wrangler dev`) as region "local", and a demo host
// page with its own tiny backend on another origin. Used by `npm start` and by
// the end-to-end tests, which give it free ports and a scratch directory.
import { spawn } from "node:child_process";

// The client app registered on the local NinjaOne stand-in for the demo. A
// throwaway value printed by `npm start`: it works only against the stand-in.
export const DEMO_CLIENT = {
  clientId: "demo-client-id",
  clientSecret: "demo-client-secret-change-me",
};

const BUILT_IN_REGIONS = {
  us: "https://app.ninjarmm.com",
  us2: "https://us2.ninjarmm.com",
  eu: "https://eu.ninjarmm.com",
  ca: "https://ca.ninjarmm.com",
  oc: "https://oc.ninjarmm.com",
};

const WRANGLER_ENV = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", NO_COLOR: "1" };

/**
 * Starts every process in its own process group, so that stop() (or a crash of
 * the parent) can end wrangler and the workerd children it leaves behind.
 */
export function launch(name, command, args, { env = WRANGLER_ENV, onOutput } = {}) {
  const child = spawn(command, args, { env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const forward = (chunk) => onOutput?.(name, chunk.toString());
  child.stdout.on("data", forward);
  child.stderr.on("data", forward);
  return child;
}

const groupAlive = (pgid) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Ends a child's whole process group and waits until it is empty: wrangler's
 * workerd children can outlive it by a moment and would still hold the ports.
 */
export async function endGroup(pgid, timeoutMs = 10_000) {
  if (!groupAlive(pgid)) return;
  process.kill(-pgid, "SIGTERM");
  const deadline = Date.now() + timeoutMs;
  while (groupAlive(pgid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  if (groupAlive(pgid)) process.kill(-pgid, "SIGKILL");
}

export async function waitForHttp(url, child, name, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before it was ready`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`${name} did not answer at ${url} within ${timeoutMs / 1000} s`);
}

/**
 * @param {object} options
 * @param {number} [options.workerPort] @param {number} [options.standInPort] @param {number} [options.hostPort]
 * @param {number} [options.inspectorPort] first of two inspector ports
 * @param {string} options.envFile dotenv file with the worker's secrets
 * @param {Record<string,string>} options.secrets the same secrets, for the demo backend
 * @param {string} [options.persistTo] KV directory
 * @param {string[]} [options.extraOrigins] more allowed origins (a host app of your own, e.g. http://localhost:5173)
 * @param {number} [options.eventsRetryDelaySeconds] first retry delay of a failed event delivery (default 2)
 * @param {(name: string, text: string) => void} [options.onOutput]
 */
export async function startStack(options) {
  const workerPort = options.workerPort ?? 8787;
  const standInPort = options.standInPort ?? 8788;
  const hostPort = options.hostPort ?? 8789;
  const inspectorPort = options.inspectorPort ?? 9229;
  const workerUrl = `http://127.0.0.1:${workerPort}`;
  const standInUrl = `http://127.0.0.1:${standInPort}`;
  // localhost, not 127.0.0.1: the host page lives on another origin and site than the worker, as it would in production.
  const hostUrl = `http://localhost:${hostPort}`;
  const redirectUri = `${workerUrl}/api/integrations/ninjaone/callback`;
  const eventsUrl = `http://127.0.0.1:${hostPort}/backend/events`;
  const children = [];
  const stop = () => Promise.all(children.map((child) => endGroup(child.pid)));

  try {
    const standInClients = [{ ...DEMO_CLIENT, name: "ninjaone-settings demo", redirectUris: [redirectUri], scopes: ["monitoring", "management", "offline_access"] }];
    const standIn = launch(
      "stand-in",
      "npx",
      ["wrangler", "dev", "-c", "test/ninjaone-stand-in/wrangler.toml", "--ip", "127.0.0.1", "--port", String(standInPort),
        "--inspector-port", String(inspectorPort + 1), "--show-interactive-dev-session=false",
        "--var", `STAND_IN_CLIENTS:${JSON.stringify(standInClients)}`],
      options,
    );
    children.push(standIn);

    const worker = launch(
      "worker",
      "npx",
      ["wrangler", "dev", "-c", "wrangler.toml", "--ip", "127.0.0.1", "--port", String(workerPort),
        "--inspector-port", String(inspectorPort), "--show-interactive-dev-session=false",
        "--env-file", options.envFile, ...(options.persistTo ? ["--persist-to", options.persistTo] : []),
        "--var", `ALLOWED_ORIGINS:${[hostUrl, ...(options.extraOrigins ?? [])].join(",")}`,
        "--var", `APP_BASE_URL:${workerUrl}`,
        "--var", `NINJAONE_REGIONS:${JSON.stringify({ local: standInUrl, ...BUILT_IN_REGIONS })}`,
        // The demo backend receives the signed events; the stand-in delivers webhooks to the worker.
        "--var", `EVENTS_URL:${eventsUrl}`,
        "--var", `EVENTS_RETRY_DELAY_SECONDS:${options.eventsRetryDelaySeconds ?? 2}`,
        "--var", "NINJAONE_WEBHOOKS:on"],
      options,
    );
    children.push(worker);

    const host = launch("host", process.execPath, ["demo/server.mjs"], {
      ...options,
      env: {
        ...process.env,
        PORT: String(hostPort),
        WORKER_URL: workerUrl,
        TENANT_TOKEN_SECRET: options.secrets.TENANT_TOKEN_SECRET,
        EVENTS_SIGNING_SECRET: options.secrets.EVENTS_SIGNING_SECRET,
      },
    });
    children.push(host);

    await Promise.all([
      waitForHttp(`${standInUrl}/`, standIn, "the NinjaOne stand-in"),
      waitForHttp(`${workerUrl}/api/integrations/ninjaone/status`, worker, "the worker"),
      waitForHttp(`${hostUrl}/`, host, "the demo host"),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { workerUrl, standInUrl, hostUrl, redirectUri, eventsUrl, stop, pids: children.map((child) => child.pid) };
}

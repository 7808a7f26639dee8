// `npm start`: builds the widget, then runs the worker, the NinjaOne stand-in
// and the demo host page until Ctrl-C, which stops every process it started.
//
//   npm start -- --port 8787 --allowed-origin http://localhost:5173 [--allowed-origin …] [--verbose]
//
// --port is the worker's port (the stand-in and the demo host take the next two, the
// inspectors 9229/9230 shifted by as much: scripts/lib/start-options.mjs); --allowed-origin
// (repeatable, or comma-separated) adds an origin of your own app to ALLOWED_ORIGINS. The
// environment variables NINJAONE_PORT and NINJAONE_ALLOWED_ORIGINS (comma-separated) do the
// same; a flag overrides its variable.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { ensureDevVars } from "./lib/dev-vars.mjs";
import { lineToShow, parseStartOptions } from "./lib/start-options.mjs";
import { DEMO_CLIENT, endGroup, startStack } from "./stack.mjs";

let options;
try {
  options = parseStartOptions(process.argv.slice(2), process.env);
} catch (error) {
  console.error(error.message);
  process.exit(2);
}
const { extraOrigins, verbose, ...ports } = options;

const build = spawnSync("npx", ["vite", "build", "--config", "widget/vite.config.ts", "--logLevel", "warn"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

// A previous run that was killed hard (no Ctrl-C) leaves its process groups
// holding the ports; they are recorded here and ended before starting again.
const PID_FILE = ".wrangler/npm-start.pids";
async function endPreviousRun() {
  if (!existsSync(PID_FILE)) return;
  for (const pid of JSON.parse(readFileSync(PID_FILE, "utf8"))) await endGroup(pid);
  rmSync(PID_FILE, { force: true });
}
await endPreviousRun();

const { values: secrets, created } = ensureDevVars(".dev.vars");
if (created) console.log("Wrote .dev.vars with fresh random TENANT_TOKEN_SECRET and ENCRYPTION_KEYS (git-ignored).");

const onOutput = (name, text) => {
  for (const line of text.split("\n")) {
    // wrangler's banner and request lines are noise here; errors and refused origins are not.
    const shown = lineToShow(line, verbose);
    if (shown !== undefined) console.log(`[${name}] ${shown}`);
  }
};

console.log("Starting the worker, the NinjaOne stand-in and the demo host...");
let stack;
try {
  stack = await startStack({ envFile: ".dev.vars", secrets, onOutput, extraOrigins, ...ports });
} catch (error) {
  console.error(String(error.message ?? error));
  console.error(`Is another \`npm start\` still running? Ports ${ports.workerPort}-${ports.hostPort} and ${ports.inspectorPort}-${ports.inspectorPort + 1} must be free (choose others with --port).`);
  process.exit(1);
}

// Rebuild the widget when its sources change; wrangler serves the new file.
const watcher = spawn("npx", ["vite", "build", "--watch", "--config", "widget/vite.config.ts", "--logLevel", "warn"], {
  stdio: ["ignore", "inherit", "inherit"],
  detached: true,
});
mkdirSync(".wrangler", { recursive: true });
writeFileSync(PID_FILE, JSON.stringify([...stack.pids, watcher.pid]));

console.log(`
  Demo host page      ${stack.hostUrl}   (tenants: ?tenant=acme, ?tenant=globex)
  Worker              ${stack.workerUrl}
  NinjaOne stand-in   ${stack.standInUrl}   (region "local"; failure states: ${stack.standInUrl}/__stand-in/)
  Allowed origins     ${[stack.hostUrl, ...extraOrigins].join(", ")}
  Events (EVENTS_URL) ${stack.eventsUrl}   (the demo backend verifies and shows them)

  In the widget choose region "LOCAL (127.0.0.1:${new URL(stack.standInUrl).port})" and paste:
    Client ID       ${DEMO_CLIENT.clientId}
    Client Secret   ${DEMO_CLIENT.clientSecret}

  For your own app: <ninjaone-settings api-base="${stack.workerUrl}" …> on an allowed origin
  (add yours with --allowed-origin), tokens signed with TENANT_TOKEN_SECRET from .dev.vars.

  Try the API with curl:
    TOKEN=$(npm run --silent token -- --tenant acme)
    curl -H "Authorization: Bearer $TOKEN" ${stack.workerUrl}/api/integrations/ninjaone/status

  Ctrl-C stops everything.`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping...");
  await Promise.all([endGroup(watcher.pid), stack.stop()]);
  rmSync(PID_FILE, { force: true });
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

// `npm start`'s options, from its arguments and the environment, without side effects (so that
// test/node/start-options.test.ts can check them): scripts/start.mjs prints the error and exits.
import { parseArgs } from "node:util";

export const DEFAULT_PORT = 8787;
export const MIN_PORT = 1024;
export const MAX_PORT = 65_000;
// wrangler's default inspector port, kept for the default --port so that a debugger finds it
const DEFAULT_INSPECTOR_PORT = 9229;

/**
 * Every port `npm start` listens on, for a worker on `workerPort`: the stand-in and the demo host
 * take the next two, the two inspectors (worker, stand-in) 9229/9230 shifted by as much as the
 * worker's port. A shift (not a multiple of it) stays a valid port for every accepted --port
 * (1024 → 1466, 65000 → 65443) and never meets the three ports before it.
 */
export function portsFor(workerPort) {
  const inspectorPort = DEFAULT_INSPECTOR_PORT + (workerPort - DEFAULT_PORT);
  return { workerPort, standInPort: workerPort + 1, hostPort: workerPort + 2, inspectorPort };
}

/** Origins from a list of (comma-separated) values: trimmed, without a trailing slash, each checked, no repeats. */
function origins(values, source) {
  const result = [];
  for (const value of values.flatMap((v) => v.split(","))) {
    const origin = value.trim().replace(/\/$/, "");
    if (!origin) continue;
    let valid = false;
    try {
      valid = new URL(origin).origin === origin;
    } catch {}
    if (!valid) throw new Error(`${source} ${JSON.stringify(origin)} is not an origin (scheme://host[:port], no path)`);
    if (!result.includes(origin)) result.push(origin);
  }
  return result;
}

/**
 * @param {string[]} argv the arguments after `npm start --`
 * @param {Record<string, string | undefined>} env NINJAONE_PORT, NINJAONE_ALLOWED_ORIGINS (comma-separated)
 * @returns the ports (see portsFor; `inspectorPort` is the first of two), `extraOrigins` and `verbose`; throws an Error whose message says what is wrong
 */
export function parseStartOptions(argv, env = {}) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: "string" },
        "allowed-origin": { type: "string", multiple: true },
        verbose: { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    // parseArgs' own message ("Unknown option '--x'…") is clear; only its stack is noise
    throw new Error(error.message);
  }
  // a flag overrides its environment variable (for origins: all of them, not in addition)
  const [portText, portSource] = values.port !== undefined ? [values.port, "--port"] : env.NINJAONE_PORT ? [env.NINJAONE_PORT, "NINJAONE_PORT"] : [String(DEFAULT_PORT), "--port"];
  const workerPort = /^\d+$/.test(portText.trim()) ? Number(portText) : NaN;
  if (!(workerPort >= MIN_PORT && workerPort <= MAX_PORT)) {
    throw new Error(`${portSource} must be a port number from ${MIN_PORT} to ${MAX_PORT} (got ${JSON.stringify(portText)})`);
  }
  const extraOrigins =
    values["allowed-origin"] !== undefined
      ? origins(values["allowed-origin"], "--allowed-origin")
      : origins([env.NINJAONE_ALLOWED_ORIGINS ?? ""], "NINJAONE_ALLOWED_ORIGINS:");
  return { ...portsFor(workerPort), extraOrigins, verbose: values.verbose };
}

/**
 * Whether `npm start` shows a line of wrangler's output (all with --verbose): errors, and the
 * worker's warning about a page on an origin missing from ALLOWED_ORIGINS — the browser shows
 * that page only a failed request, so this line is the one place that says why. Not shown:
 * request log lines (an injected NinjaOne 500 is no error of ours) and workerd's "Broken pipe"
 * when a client hangs up. Colour codes are dropped (`npm start` sets NO_COLOR, not every tool honours it).
 */
export function lineToShow(line, verbose) {
  const plain = line.replace(/\x1b\[[0-9;]*m/g, "");
  if (!plain.trim()) return undefined;
  if (verbose) return plain;
  if (/not in ALLOWED_ORIGINS/.test(plain)) return plain;
  if (/\[wrangler:info\]|Broken pipe/i.test(plain)) return undefined;
  return /error|✘|exception/i.test(plain) ? plain : undefined;
}

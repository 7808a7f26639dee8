// Pieces shared by `npm run bench` (scripts/bench.mjs) and the /status profile
// (bench/profile-status.mjs): wrangler dev processes in their own process groups,
// a tenant connected for real through the NinjaOne stand-in, and load rounds.
import { readdirSync, readFileSync } from "node:fs";
import autocannon from "autocannon";
import { sign } from "hono/jwt";
import { DEMO_CLIENT, endGroup, launch, waitForHttp } from "../scripts/stack.mjs";

export { DEMO_CLIENT, endGroup };

export const API_PATH = "/api/integrations/ninjaone";
/** ALLOWED_ORIGINS of every worker the bench starts: the connect form comes "from" it. */
export const HOST_ORIGIN = "https://app.example.com";

/**
 * Starts `wrangler dev` on loopback in its own process group (stop it with endGroup(child.pid)).
 * Its output is kept, and shown when it does not come up.
 */
export async function startWrangler(name, args, port, inspectorPort, readyPath = "/", attempts = 2) {
  try {
    return await startOnce(name, args, port, inspectorPort, readyPath);
  } catch (error) {
    // workerd now and then fails to start when many start at once on a busy machine: once more.
    if (attempts <= 1) throw error;
    console.warn(`${name} did not start; trying once more`);
    return startWrangler(name, args, port, inspectorPort, readyPath, attempts - 1);
  }
}

async function startOnce(name, args, port, inspectorPort, readyPath) {
  let output = "";
  const child = launch(
    name,
    "npx",
    ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort), "--show-interactive-dev-session=false", ...args],
    { onOutput: (_, text) => (output = (output + text).slice(-4000)) },
  );
  try {
    await waitForHttp(`http://127.0.0.1:${port}${readyPath}`, child, name, 120_000);
  } catch (error) {
    await endGroup(child.pid);
    throw new Error(`${error.message}\n--- ${name} output ---\n${output}`);
  }
  return child;
}

export async function tenantToken(secret, tenant, aud) {
  const iat = Math.floor(Date.now() / 1000);
  return sign({ tenant, aud, iat, exp: iat + 3600 }, secret, "HS256");
}

const decodeEntities = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");

/** What a browser does on the stand-in's consent page (as consent() in test/ninjaone-stand-in/stand-in.ts). */
async function consent(authorizeUrl) {
  const shown = await fetch(authorizeUrl, { redirect: "manual" });
  if (shown.status !== 200) throw new Error(`the stand-in's authorize page answered ${shown.status}`);
  const body = await shown.text();
  const action = /<form[^>]*\saction="([^"]+)"/.exec(body)?.[1];
  const requestId = /name="request_id" value="([^"]+)"/.exec(body)?.[1];
  if (!action || !requestId) throw new Error("the stand-in's consent page has no decision form");
  return fetch(new URL(decodeEntities(action), authorizeUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ request_id: decodeEntities(requestId), decision: "approve" }),
  });
}

/**
 * Saves the stand-in's demo client as the tenant's credentials (region "local") and connects it
 * through the stand-in's consent, over plain HTTP as the e2e suite does (redirects not followed;
 * the flow cookie carried by hand).
 */
export async function connectTenant(workerUrl, secret, tenant) {
  const api = `${workerUrl}${API_PATH}`;
  const widget = await tenantToken(secret, tenant, "ninjaone-settings");
  const saved = await fetch(`${api}/credentials`, {
    method: "PUT",
    headers: { Authorization: `Bearer ${widget}`, "Content-Type": "application/json" },
    body: JSON.stringify({ region: "local", ...DEMO_CLIENT }),
  });
  if (!saved.ok) throw new Error(`could not save credentials: ${saved.status} ${await saved.text()}`);
  const started = await fetch(`${api}/connect`, {
    method: "POST",
    redirect: "manual",
    headers: { Origin: HOST_ORIGIN, "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: widget, return_to: `${HOST_ORIGIN}/`, mode: "redirect" }),
  });
  const cookie = started.headers.get("Set-Cookie")?.split(";")[0];
  if (started.status !== 303 && started.status !== 302) throw new Error(`POST /connect answered ${started.status}`);
  const decided = await consent(started.headers.get("Location"));
  const landed = await fetch(decided.headers.get("Location"), { redirect: "manual", headers: { Cookie: cookie } });
  const outcome = new URL(landed.headers.get("Location")).searchParams.get("ninjaone");
  if (outcome !== "connected") throw new Error(`the connection ended as ${outcome}`);
}

/**
 * CPU time (user + system, ms) used so far by every process of the given process groups — a
 * `wrangler dev` and the workerd processes it runs. Other load on the machine slows a server
 * down but barely changes what it spends per request, so this is the steadier measure.
 */
export function groupCpuMs(pgids) {
  let ticks = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // ended meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (pgids.includes(Number(fields[2]))) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

/**
 * One autocannon load: `duration` seconds, 10 connections. With `pgids`, also the server's CPU
 * per request (µs) over the load.
 */
export async function load(url, headers = {}, duration = 4, pgids = undefined) {
  const cpuBefore = pgids && groupCpuMs(pgids);
  const result = await new Promise((resolve, reject) =>
    autocannon({ url, headers, connections: 10, duration }, (error, result) => (error ? reject(error) : resolve(result))),
  );
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors under load`);
  const cpu = pgids ? ((groupCpuMs(pgids) - cpuBefore) * 1000) / result.requests.total : undefined;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, cpu, total: result.requests.total };
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Alternating rounds: every round loads each target once, in turn (the order rotating from
 * round to round so no target always runs right after another), so drift on a shared machine
 * hits all of them alike. Returns each target's runs.
 */
export async function alternate(targets, { rounds = 3, duration = 4, log = () => {} } = {}) {
  const runs = Object.fromEntries(Object.keys(targets).map((name) => [name, []]));
  const names = Object.keys(targets);
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const { url, headers, pgids } = targets[name];
      runs[name].push(await load(url, headers, duration, pgids));
    }
    log(`round ${round + 1}/${rounds}: ${names.map((n) => `${n} ${runs[n][round].rps.toFixed(0)}/s`).join(", ")}`);
  }
  return runs;
}

/**
 * The median over rounds of ours/baseline, each round's pair measured back to back; and the
 * median absolute figures. `higher` ratios are better for rps, lower for latency.
 */
export function compare(runs, ours, baseline) {
  const a = runs[ours];
  const b = runs[baseline];
  const ratio = (key) => median(a.map((run, i) => run[key] / Math.max(b[i][key], 1)));
  const abs = (list, key) => median(list.map((run) => run[key]));
  const cpu = a[0].cpu !== undefined && b[0].cpu !== undefined;
  return {
    rps: ratio("rps"),
    p50: ratio("p50"),
    p99: ratio("p99"),
    cpu: cpu ? ratio("cpu") : undefined,
    ours: { rps: abs(a, "rps"), p50: abs(a, "p50"), p99: abs(a, "p99"), cpu: cpu ? abs(a, "cpu") : undefined },
    baseline: { rps: abs(b, "rps"), p50: abs(b, "p50"), p99: abs(b, "p99"), cpu: cpu ? abs(b, "cpu") : undefined },
  };
}

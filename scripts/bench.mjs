// `npm run bench`: every figure next to a baseline built and measured in the
// same run, printed and written to docs/benchmarks.md. Ratios, not absolute
// times, so the numbers mean something on any machine.
//
// Run it alone on the machine: `flock /tmp/ninjaone-suite.lock npm run bench`.
// Ports 18877–18881 (inspectors 19877–19881), loopback only.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "vite";
import { API_PATH, DEMO_CLIENT, alternate, compare, connectTenant, endGroup, load, startWrangler, tenantToken } from "../bench/lib.mjs";
import { freshSecrets } from "./lib/dev-vars.mjs";

const started = Date.now();
const scratch = mkdtempSync(join(tmpdir(), "ninjaone-bench-"));
const gzipSize = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const rows = [];
const row = (what, ours, baseline, ratio, target, met) => rows.push({ what, ours, baseline, ratio, target, met });
const wranglerEnv = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };
// Seven: on these shared machines a round's ratio moves by ±15 %; the median of seven holds still better than of five.
const ROUNDS = 7;
const SECONDS = 3;

// 1. Widget: the ES module next to a minimal Lit element built by the same Vite config.
console.log("Building the widget and the minimal Lit element...");
const quiet = { logLevel: "warn" };
await build({ configFile: "widget/vite.config.ts", ...quiet });
const widget = gzipSize("dist/widget/ninjaone-settings.js");
await build({
  configFile: "widget/vite.config.ts",
  ...quiet,
  build: { outDir: join(scratch, "minimal"), emptyOutDir: true, lib: { entry: "bench/minimal-element.ts", formats: ["es"], fileName: () => "minimal.js" } },
});
const minimal = gzipSize(join(scratch, "minimal", "minimal.js"));
row("widget ES module, min+gzip", kb(widget), kb(minimal), widget / minimal, "≤ 2×", widget / minimal <= 2);

// The sizes scripts/widget-size.mjs measures, against issue 12's budgets (the build itself
// asserts the looser ceilings of widget-size.mjs, so that growth fails it).
const ISSUE_BUDGETS_KB = { "script-tag ES module": 15, "bundler entry": 9 };
const sizes = spawnSync(process.execPath, ["scripts/widget-size.mjs"], { encoding: "utf8" });
const sizeLine = (label) => new RegExp(`^${label}[^\\n]*?([\\d.]+) KiB of [\\d.]+ KiB`, "m").exec(sizes.stdout);
for (const [what, label] of [["widget, script-tag ES module (Lit inlined), gzip", "script-tag ES module"], ["widget, bundler entry (Lit external), gzip", "bundler entry"]]) {
  const match = sizeLine(label);
  if (!match) continue;
  const size = Number(match[1]);
  row(what, `${size.toFixed(1)} KB`, "—", undefined, `≤ ${ISSUE_BUDGETS_KB[label]} KB`, size <= ISSUE_BUDGETS_KB[label]);
}

// 2. Worker: `wrangler deploy --dry-run --minify` next to a bare Hono worker.
console.log("Bundling the worker and a bare Hono worker...");
const bundle = (args, outdir) => {
  const result = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--minify", "--outdir", outdir, ...args], { env: wranglerEnv, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${result.stderr}`);
};
bundle([], join(scratch, "worker"));
bundle(["-c", "bench/wrangler.toml"], join(scratch, "bare"));
// The worker's code on its own: the same bundle with the widget files it serves left out.
const widgetFiles = "dist/worker/widget-files.json";
const builtFiles = readFileSync(widgetFiles);
try {
  writeFileSync(widgetFiles, "{}");
  bundle([], join(scratch, "worker-code"));
} finally {
  writeFileSync(widgetFiles, builtFiles);
}
const worker = gzipSize(join(scratch, "worker-code", "index.js"));
const withWidget = gzipSize(join(scratch, "worker", "index.js"));
const bare = gzipSize(join(scratch, "bare", "bare-worker.js"));
row("worker bundle (its code, without the widget files it serves), min+gzip", kb(worker), kb(bare), worker / bare, "≤ 2.5×", worker / bare <= 2.5);
row("worker bundle with the widget files, min+gzip", kb(withWidget), kb(bare), withWidget / bare, "(context)", undefined);

// 3. Throughput under wrangler dev, everything in the same run:
//    - the worker as deployed (the widget files in its module), a tenant connected for real through the NinjaOne stand-in;
//    - the hand-written minimum of /status (bench/minimal-status-worker.ts), reading the very same KV record:
//      it shares the worker's --persist-to directory, secrets and regions;
//    - the same minimum answering the worker's own response headers: the floor of a /status that
//      sends these headers (context);
//    - the bare Hono worker (bench/bare-worker.ts);
//    - the stand-in itself, for the proxy's direct call.
const PORTS = { worker: 18877, bare: 18878, minimal: 18879, standIn: 18880, floor: 18881 };
const url = (port) => `http://127.0.0.1:${port}`;
const secrets = freshSecrets();
const envFile = join(scratch, ".dev.vars");
writeFileSync(envFile, Object.entries(secrets).map(([k, v]) => `${k}='${v}'`).join("\n"));
const persist = join(scratch, "state");
const regions = JSON.stringify({ local: url(PORTS.standIn), us: "https://app.ninjarmm.com", us2: "https://us2.ninjarmm.com", eu: "https://eu.ninjarmm.com", ca: "https://ca.ninjarmm.com", oc: "https://oc.ninjarmm.com" });
const shared = ["--env-file", envFile, "--persist-to", persist, "--var", `NINJAONE_REGIONS:${regions}`, "--log-level", "error"];
const standInClients = [{ ...DEMO_CLIENT, name: "bench", redirectUris: [`${url(PORTS.worker)}${API_PATH}/callback`], scopes: ["monitoring", "management", "offline_access"] }];
const children = {};
const stopAll = () => Promise.all(Object.values(children).map((child) => endGroup(child.pid)));
process.on("exit", () => {
  for (const child of Object.values(children)) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }
});

try {
  console.log("Starting the worker, the NinjaOne stand-in, the minimum and the bare worker under wrangler dev...");
  const starts = {
    worker: () => startWrangler("worker", ["-c", "wrangler.toml", ...shared], PORTS.worker, PORTS.worker + 1000, `${API_PATH}/status`),
    standIn: () => startWrangler("stand-in", ["-c", "test/ninjaone-stand-in/wrangler.toml", "--var", `STAND_IN_CLIENTS:${JSON.stringify(standInClients)}`, "--log-level", "error"], PORTS.standIn, PORTS.standIn + 1000),
    minimal: () => startWrangler("minimal", ["-c", "bench/minimal-status.wrangler.toml", ...shared], PORTS.minimal, PORTS.minimal + 1000),
    bare: () => startWrangler("bare", ["-c", "bench/wrangler.toml"], PORTS.bare, PORTS.bare + 1000, "/status"),
  };
  const launched = await Promise.allSettled(Object.entries(starts).map(async ([name, start]) => (children[name] = await start())));
  const failed = launched.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;

  await connectTenant(url(PORTS.worker), secrets.TENANT_TOKEN_SECRET, "bench");
  const widgetAuth = { Authorization: `Bearer ${await tenantToken(secrets.TENANT_TOKEN_SECRET, "bench", "ninjaone-settings")}` };
  const apiAuth = { Authorization: `Bearer ${await tenantToken(secrets.TENANT_TOKEN_SECRET, "bench", "ninjaone-api")}` };
  const statusOf = async (port) => {
    const response = await fetch(`${url(port)}${API_PATH}/status`, { headers: widgetAuth });
    if (response.status !== 200) throw new Error(`GET /status on port ${port} answered ${response.status}`);
    // The redirect URI names the port that answered.
    return { text: (await response.text()).replaceAll(url(port), "ORIGIN"), headers: response.headers };
  };
  const ours = await statusOf(PORTS.worker);
  // The floor answers the worker's own headers (all but the ones any JSON answer has).
  const extraHeaders = Object.fromEntries([...ours.headers].filter(([name]) => !["content-type", "content-length", "cache-control", "content-encoding", "transfer-encoding", "date"].includes(name)));
  children.floor = await startWrangler("floor", ["-c", "bench/minimal-status-headers.wrangler.toml", ...shared, "--var", `EXTRA_HEADERS:${JSON.stringify(extraHeaders)}`], PORTS.floor, PORTS.floor + 1000);
  for (const port of [PORTS.minimal, PORTS.floor]) {
    const theirs = await statusOf(port);
    if (theirs.text !== ours.text) {
      throw new Error(`the minimum (port ${port}) answers other JSON than the worker's /status: make bench/minimal-status-worker.ts answer what toStatus() in worker/status.ts does\n  minimum: ${theirs.text}\n  worker:  ${ours.text}`);
    }
  }
  const token = await fetch(`${url(PORTS.worker)}${API_PATH}/token`, { method: "POST", headers: apiAuth });
  if (token.status !== 200) throw new Error(`POST /token answered ${token.status}`);
  const { accessToken } = await token.json();

  const pgid = (name) => [children[name].pid];
  const targets = {
    minimal: { url: `${url(PORTS.minimal)}${API_PATH}/status`, headers: widgetAuth, pgids: pgid("minimal") },
    status: { url: `${url(PORTS.worker)}${API_PATH}/status`, headers: widgetAuth, pgids: pgid("worker") },
    floor: { url: `${url(PORTS.floor)}${API_PATH}/status`, headers: widgetAuth, pgids: pgid("floor") },
    bare: { url: `${url(PORTS.bare)}/status`, headers: {}, pgids: pgid("bare") },
    bareKv: { url: `${url(PORTS.bare)}/kv`, headers: {}, pgids: pgid("bare") },
    proxy: { url: `${url(PORTS.worker)}${API_PATH}/proxy/v2/organizations`, headers: apiAuth },
    direct: { url: `${url(PORTS.standIn)}/v2/organizations`, headers: { Authorization: `Bearer ${accessToken}` } },
  };
  console.log(`Measuring: ${ROUNDS} alternating rounds, ${SECONDS} s per target, 10 connections, after a warm-up...`);
  for (const { url: target, headers } of Object.values(targets)) await load(target, headers, 1);
  const runs = await alternate(targets, { rounds: ROUNDS, duration: SECONDS, log: (line) => console.log(`  ${line}`) });

  const rps = (r) => r.rps.toFixed(0);
  const vsMinimal = compare(runs, "status", "minimal");
  row("GET /status vs the hand-written minimum, requests/s", rps(vsMinimal.ours), rps(vsMinimal.baseline), vsMinimal.rps, "≥ 0.9×", vsMinimal.rps >= 0.9);
  row("GET /status vs the minimum, p50 latency", `${vsMinimal.ours.p50} ms`, `${vsMinimal.baseline.p50} ms`, vsMinimal.p50, "—", undefined);
  row("GET /status vs the minimum, p99 latency", `${vsMinimal.ours.p99} ms`, `${vsMinimal.baseline.p99} ms`, vsMinimal.p99, "—", undefined);
  row("GET /status vs the minimum, server CPU per request", `${vsMinimal.ours.cpu.toFixed(0)} µs`, `${vsMinimal.baseline.cpu.toFixed(0)} µs`, vsMinimal.cpu, "(context)", undefined);
  const vsFloor = compare(runs, "status", "floor");
  const floorVsMinimal = compare(runs, "floor", "minimal");
  row("the minimum with the worker's response headers, vs the minimum, requests/s", rps(floorVsMinimal.ours), rps(floorVsMinimal.baseline), floorVsMinimal.rps, "(context)", undefined);
  row("GET /status vs that floor, requests/s", rps(vsFloor.ours), rps(vsFloor.baseline), vsFloor.rps, "(context)", undefined);
  const vsBare = compare(runs, "status", "bare");
  row("GET /status vs a bare Hono route, requests/s", rps(vsBare.ours), rps(vsBare.baseline), vsBare.rps, "≥ 0.6×", vsBare.rps >= 0.6);
  const vsBareKv = compare(runs, "status", "bareKv");
  row("GET /status vs a bare Hono route with one KV read, requests/s", rps(vsBareKv.ours), rps(vsBareKv.baseline), vsBareKv.rps, "(context)", undefined);
  row("GET /status vs the bare route, p50 latency", `${vsBare.ours.p50} ms`, `${vsBare.baseline.p50} ms`, vsBare.p50, "—", undefined);
  row("GET /status vs the bare route, p99 latency", `${vsBare.ours.p99} ms`, `${vsBare.baseline.p99} ms`, vsBare.p99, "—", undefined);
  const proxy = compare(runs, "proxy", "direct");
  row("proxied GET /v2/organizations vs the same call made directly to the stand-in, requests/s", rps(proxy.ours), rps(proxy.baseline), proxy.rps, "(context)", undefined);
  row("proxied vs direct, p50 latency", `${proxy.ours.p50} ms`, `${proxy.baseline.p50} ms`, proxy.p50, "—", undefined);
} finally {
  await stopAll();
}

// 4. KV operations per request, counted through an instrumented binding (test/worker/kv-ops.test.ts).
console.log("Counting KV operations per request...");
const counted = spawnSync("npx", ["vitest", "run", "--config", "test/worker/vitest.config.ts", "test/worker/kv-ops.test.ts"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
const line = /kv-ops: (\{.*\})/.exec(counted.stdout + counted.stderr);
if (counted.status !== 0 || !line) throw new Error("the KV operation count failed (see npx vitest run test/worker/kv-ops.test.ts)");
const ops = JSON.parse(line[1]);
const describeOps = ({ reads, writes, deletes, ninjaoneCalls }) =>
  [`${reads} read${reads === 1 ? "" : "s"}`, `${writes} write${writes === 1 ? "" : "s"}`, deletes ? `${deletes} delete${deletes === 1 ? "" : "s"}` : "", ninjaoneCalls !== undefined ? `${ninjaoneCalls} NinjaOne call${ninjaoneCalls === 1 ? "" : "s"}` : ""].filter(Boolean).join(", ");
const kvTargets = {
  status: ["GET /status", "1 read", (o) => o.reads === 1 && o.writes === 0 && o.deletes === 0],
  save: ["PUT /credentials", "≤ 1 read + 1 write", (o) => o.reads <= 1 && o.writes <= 1 && o.deletes === 0],
  connect: ["POST /connect", "≤ 1 read + 1 write", (o) => o.reads <= 1 && o.writes <= 1 && o.deletes === 0],
  callback: ["GET /callback", "≤ 3 reads/deletes + 1 write", (o) => o.reads + o.deletes <= 3 && o.writes <= 1],
  token: ["POST /token, fresh token", "≤ 1 read, no NinjaOne call", (o) => o.reads <= 1 && o.writes === 0 && o.ninjaoneCalls === 0],
  refresh: ["a routine refresh (POST /token, expiring token)", "0 writes", (o) => o.writes === 0 && o.deletes === 0],
  keepAliveDay: ["an idle day (one keep-alive alarm)", "0 KV writes, ≤ 1 NinjaOne call", (o) => o.writes === 0 && o.deletes === 0 && (o.ninjaoneCalls ?? 0) <= 1],
  check: ["a state change: POST /check records a result", "1 write", (o) => o.writes === 1],
  reconnectRequired: ["a state change: a refresh NinjaOne refuses → reconnect_required", "1 write", (o) => o.writes === 1],
};
for (const [name, [label, target, check]] of Object.entries(kvTargets)) {
  if (!ops[name]) {
    row(`KV ops: ${label}`, "not measured", "—", undefined, target, false);
    continue;
  }
  row(`KV ops: ${label}`, describeOps(ops[name]), "—", undefined, target, check(ops[name]));
}

// The table.
const fmt = (r) => `| ${r.what} | ${r.ours} | ${r.baseline} | ${r.ratio === undefined ? "—" : `${r.ratio.toFixed(2)}×`} | ${r.target} | ${r.met === undefined ? "—" : r.met ? "met" : "**missed**"} |`;
const table = ["| measure | ninjaone-settings | baseline | ratio | target | |", "|---|---|---|---|---|---|", ...rows.map(fmt)].join("\n");
console.log(`\n${table}\n`);
const previous = readFileSync("docs/benchmarks.md", "utf8");
const stamp = `_Last run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores; throughput: median of ${ROUNDS} alternating rounds of ${SECONDS} s per target._`;
const updated = previous.replace(/<!-- bench:start -->[^]*<!-- bench:end -->/, `<!-- bench:start -->\n${stamp}\n\n${table}\n<!-- bench:end -->`);
writeFileSync("docs/benchmarks.md", updated);
rmSync(scratch, { recursive: true, force: true });
console.log(`Written to docs/benchmarks.md (${Math.round((Date.now() - started) / 1000)} s)`);
process.exit(0);

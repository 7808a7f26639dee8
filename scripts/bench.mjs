// `npm run bench`: every figure next to a baseline built and measured in the
// same run, printed and written to docs/benchmarks.md. Ratios, not absolute
// times, so the numbers mean something on any machine.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import autocannon from "autocannon";
import { sign } from "hono/jwt";
import { build } from "vite";
import { freshSecrets } from "./lib/dev-vars.mjs";

const scratch = mkdtempSync(join(tmpdir(), "ninjaone-bench-"));
const gzipSize = (file) => gzipSync(readFileSync(file), { level: 9 }).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const rows = [];
const row = (what, ours, baseline, ratio, target, met) => rows.push({ what, ours, baseline, ratio, target, met });
const wranglerEnv = { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

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

// 2. Worker: `wrangler deploy --dry-run --minify` next to a bare Hono worker.
console.log("Bundling the worker and a bare Hono worker...");
const bundle = (args, outdir) => {
  const result = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--minify", "--outdir", outdir, ...args], { env: wranglerEnv, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`wrangler deploy --dry-run failed:\n${result.stderr}`);
};
bundle([], join(scratch, "worker"));
bundle(["-c", "bench/wrangler.toml"], join(scratch, "bare"));
const worker = gzipSize(join(scratch, "worker", "index.js"));
const bare = gzipSize(join(scratch, "bare", "bare-worker.js"));
row("worker bundle, min+gzip", kb(worker), kb(bare), worker / bare, "≤ 2.5×", worker / bare <= 2.5);

// 3. Throughput of GET /status under wrangler dev, next to a bare Hono route in the same runtime.
function startWrangler(args, port, inspectorPort) {
  const child = spawn("npx", ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(port), "--inspector-port", String(inspectorPort), "--show-interactive-dev-session=false", "--log-level", "error", ...args], {
    env: wranglerEnv,
    detached: true,
    stdio: "ignore",
  });
  return child;
}
async function waitFor(url) {
  for (let i = 0; i < 240; i++) {
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`${url} never answered`);
}
const load = (url, headers) =>
  new Promise((resolve, reject) =>
    autocannon({ url, headers, connections: 10, duration: 5 }, (error, result) => (error ? reject(error) : resolve(result))),
  );

console.log("Starting the worker and the bare worker under wrangler dev...");
const secrets = freshSecrets();
const envFile = join(scratch, ".dev.vars");
writeFileSync(envFile, Object.entries(secrets).map(([k, v]) => `${k}='${v}'`).join("\n"));
const ours = startWrangler(["-c", "wrangler.toml", "--env-file", envFile, "--persist-to", join(scratch, "state")], 18877, 19877);
const baseline = startWrangler(["-c", "bench/wrangler.toml"], 18878, 19878);
const stopAll = () => {
  for (const child of [ours, baseline]) {
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {}
  }
};
process.on("exit", stopAll);
try {
  const api = "http://127.0.0.1:18877/api/integrations/ninjaone";
  await Promise.all([waitFor(`${api}/status`), waitFor("http://127.0.0.1:18878/status")]);
  const iat = Math.floor(Date.now() / 1000);
  const token = await sign({ tenant: "bench", aud: "ninjaone-settings", iat, exp: iat + 3600 }, secrets.TENANT_TOKEN_SECRET, "HS256");
  const headers = { Authorization: `Bearer ${token}` };
  const saved = await fetch(`${api}/credentials`, {
    method: "PUT",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify({ region: "eu", clientId: "bench-client", clientSecret: "bench-secret-value" }),
  });
  if (!saved.ok) throw new Error(`could not save credentials: ${saved.status}`);
  console.log("Measuring (5 s each, 10 connections, after a 2 s warm-up)...");
  await load("http://127.0.0.1:18878/status", {}).then(() => load(`${api}/status`, headers)); // warm-up both
  const bareRun = await load("http://127.0.0.1:18878/status", {});
  const bareKvRun = await load("http://127.0.0.1:18878/kv", {});
  const ourRun = await load(`${api}/status`, headers);
  if (ourRun.non2xx > 0 || bareRun.non2xx > 0 || bareKvRun.non2xx > 0) throw new Error("non-2xx answers during the load");
  const ratio = ourRun.requests.average / bareRun.requests.average;
  row("GET /status, requests/s", ourRun.requests.average.toFixed(0), bareRun.requests.average.toFixed(0), ratio, "≥ 0.6×", ratio >= 0.6);
  const kvRatio = ourRun.requests.average / bareKvRun.requests.average;
  row("GET /status vs a bare route with one KV read, requests/s", ourRun.requests.average.toFixed(0), bareKvRun.requests.average.toFixed(0), kvRatio, "(context)", undefined);
  row("GET /status, p50 latency", `${ourRun.latency.p50} ms`, `${bareRun.latency.p50} ms`, ourRun.latency.p50 / Math.max(bareRun.latency.p50, 1), "—", undefined);
  row("GET /status, p99 latency", `${ourRun.latency.p99} ms`, `${bareRun.latency.p99} ms`, ourRun.latency.p99 / Math.max(bareRun.latency.p99, 1), "—", undefined);
} finally {
  stopAll();
}

// 4. KV operations per request, counted through an instrumented binding (test/worker/kv-ops.test.ts).
console.log("Counting KV operations per request...");
const counted = spawnSync("npx", ["vitest", "run", "--config", "test/worker/vitest.config.ts", "test/worker/kv-ops.test.ts"], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
const line = /kv-ops: (\{.*\})/.exec(counted.stdout + counted.stderr);
if (counted.status !== 0 || !line) throw new Error("the KV operation count failed (see npx vitest run test/worker/kv-ops.test.ts)");
const ops = JSON.parse(line[1]);
const describeOps = ({ reads, writes, deletes, ninjaoneCalls }) =>
  [`${reads} read${reads === 1 ? "" : "s"}`, `${writes} write${writes === 1 ? "" : "s"}`, deletes ? `${deletes} delete${deletes === 1 ? "" : "s"}` : "", ninjaoneCalls !== undefined ? `${ninjaoneCalls} NinjaOne calls` : ""].filter(Boolean).join(", ");
const kvTargets = {
  status: ["1 read", (o) => o.reads === 1 && o.writes === 0 && o.deletes === 0],
  save: ["≤ 1 read + 1 write", (o) => o.reads <= 1 && o.writes <= 1 && o.deletes === 0],
  connect: ["≤ 1 read + 1 write", (o) => o.reads <= 1 && o.writes <= 1 && o.deletes === 0],
  callback: ["≤ 3 reads/deletes + 1 write", (o) => o.reads + o.deletes <= 3 && o.writes <= 1],
  token: ["≤ 1 read, no NinjaOne call (fresh token)", (o) => o.reads <= 1 && o.writes === 0 && o.ninjaoneCalls === 0],
};
for (const [name, [target, check]] of Object.entries(kvTargets)) {
  row(`KV ops: ${name}`, describeOps(ops[name]), "—", undefined, target, check(ops[name]));
}

// The table.
const fmt = (r) => `| ${r.what} | ${r.ours} | ${r.baseline} | ${r.ratio === undefined ? "—" : `${r.ratio.toFixed(2)}×`} | ${r.target} | ${r.met === undefined ? "—" : r.met ? "met" : "**missed**"} |`;
const table = ["| measure | ninjaone-settings | baseline | ratio | target | |", "|---|---|---|---|---|---|", ...rows.map(fmt)].join("\n");
console.log(`\n${table}\n`);
const previous = readFileSync("docs/benchmarks.md", "utf8");
const updated = previous.replace(/<!-- bench:start -->[^]*<!-- bench:end -->/, `<!-- bench:start -->\n_Last run: ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${(await import("node:os")).cpus().length} cores._\n\n${table}\n<!-- bench:end -->`);
writeFileSync("docs/benchmarks.md", updated);
console.log("Written to docs/benchmarks.md");
process.exit(0);

// Where the time of `GET /status` goes, next to the hand-written minimum
// (bench/minimal-status-worker.ts): the same measure with one piece removed at a time.
//
//   flock /tmp/ninjaone-suite.lock node bench/profile-status.mjs
//   (env: ROUNDS=3 DURATION=3 CPU_ROUNDS=5, ONLY=0,2 for a subset of the variants,
//    BEFORE=<dir with worker/ contract/ server/> to add that copy as a variant, KEEP=1)
//
// Every variant is a scratch copy of worker/, contract/ and server/ in a temporary directory,
// patched there (the patches below); nothing of it reaches the deployed code. The minimum runs
// plain, behind a static-assets router (as the worker was until it carried the widget files in
// its module), with the worker's response headers, and with both. Everything runs under `wrangler dev` at once (ports 18883–18899,
// inspectors 19883–19899), shares one --persist-to directory (so all read the very KV record the
// worker wrote for a tenant connected through the NinjaOne stand-in), and is measured thus:
//   - HTTP: requests/s and p50 of GET /status under autocannon in alternating rounds, as the
//     median ratio to the minimum; and the server's CPU per request (user + system time of the
//     wrangler process group over the load), which other load on the machine disturbs less;
//   - isolate: the CPU time per request of the variant's own code — a loop route put in front
//     of the copy runs its fetch() 5000 times on the same request, the KV read answered from
//     memory, without the runtime's layers around it;
//   - V8 CPU profiles (through wrangler's inspector) of the minimum, the floor and the worker
//     under HTTP load: where the JavaScript time goes (the profiler slows the isolate down, so
//     its per-request figures are for comparing with each other only).
// Prints markdown (pasted into docs/benchmarks.md by hand). Takes about 5 minutes.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import WebSocket from "ws";
import { freshSecrets } from "../scripts/lib/dev-vars.mjs";
import { API_PATH, DEMO_CLIENT, alternate, compare, connectTenant, endGroup, groupCpuMs, load, startWrangler, tenantToken } from "./lib.mjs";

const ROOT = resolve(import.meta.dirname, "..");
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const DURATION = Number(process.env.DURATION ?? 3);
const LOOP = 5000;
const CPU_ROUNDS = Number(process.env.CPU_ROUNDS ?? 5);

/** A patch: in `file`, `from` (which must occur) becomes `to`. */
const p = (file, from, to) => ({ file, from, to });
const HAND_JWT = p(
  "worker/auth.ts",
  `    payload = await verify(token, key, { alg: "HS256", exp: false, iat: false, nbf: false });`,
  `    const [h, b, s] = token.split(".");
    const bytes = (x: string) => Uint8Array.from(atob(x.replace(/-/g, "+").replace(/_/g, "/")), (ch) => ch.charCodeAt(0));
    if (JSON.parse(new TextDecoder().decode(bytes(h!))).alg !== "HS256") throw new Error();
    if (!(await crypto.subtle.verify("HMAC", key, bytes(s!), new TextEncoder().encode(\`\${h}.\${b}\`)))) throw new Error();
    payload = JSON.parse(new TextDecoder().decode(bytes(b!)));
    const q = payload as { tenant: string; aud: string; exp: number; sub?: string; perm?: "read" | "manage" };
    if (!accepted.includes(q.aud) || q.exp < nowSeconds) throw new TokenRejected("expired");
    return { tenant: q.tenant, actor: q.sub, perm: q.perm ?? "manage" };`,
);
const NO_REGIONS = p("worker/status.ts", "    regions: config.regions,", "    regions: [],");
const NO_SECURE_HEADERS = p("worker/index.ts", /app\.use\(\n  `\$\{API_BASE_PATH\}\/\*`,\n  secureHeaders\(\{[^]*?\}\),\n\);/, "");
const NO_CSP = p("worker/index.ts", /app\.use\(`\$\{API_BASE_PATH\}\/\*`, async \(c, next\) => \{\n  await next\(\);\n  if \(!c\.res\.headers\.has\("Content-Security-Policy"\)\) \{[^]*?\n\}\);/, "");
const NO_CORS = p("worker/index.ts", /api\.use\(async \(c, next\) => \{\n  const origin = allowOrigin[^]*?\n\}\);/, "");
const NO_STORE = p("worker/index.ts", /api\.use\(async \(c, next\) => \{\n  await next\(\);\n(?:  \/\/[^\n]*\n)?  c\.header\("Cache-Control", "no-store"\);\n\}\);/, "");
const NO_BODY_LIMIT = p("worker/index.ts", /api\.use\(\(c, next\) => \([^\n]*smallBodies\(c, next\)\)\);\n/, "");
const ALL_MIDDLEWARE = [NO_SECURE_HEADERS, NO_CSP, NO_CORS, NO_STORE, NO_BODY_LIMIT];

const ALL_VARIANTS = {
  "the worker as it is": { patches: [] },
  // BEFORE=<dir holding worker/, contract/, server/>: the worker as it was, unpatched.
  ...(process.env.BEFORE ? { "the worker before issue 13's changes": { patches: [], from: process.env.BEFORE } } : {}),
  // The layout before: the widget as Cloudflare static assets, the router in front of every request.
  "behind the static-assets router (the widget as [assets], as before)": { patches: [], assets: true },
  "without secureHeaders": { patches: [NO_SECURE_HEADERS] },
  "without the CSP pass": { patches: [NO_CSP] },
  "without CORS": { patches: [NO_CORS] },
  "without the no-store pass": { patches: [NO_STORE] },
  "without the body limit": { patches: [NO_BODY_LIMIT] },
  "without all five middleware": { patches: ALL_MIDDLEWARE },
  "a hand-written JWT check instead of hono/jwt + zod": { patches: [HAND_JWT] },
  "without the region table in the answer": { patches: [NO_REGIONS] },
  "without all of the above": { patches: [...ALL_MIDDLEWARE, HAND_JWT, NO_REGIONS] },
};

// ONLY=1,2 (indices into ALL_VARIANTS) runs a subset; the first one listed connects the tenant.
const VARIANTS = process.env.ONLY
  ? Object.fromEntries(process.env.ONLY.split(",").map((i) => Object.entries(ALL_VARIANTS)[Number(i)]))
  : ALL_VARIANTS;

function applyPatch(dir, { file, from, to }) {
  const path = join(dir, file);
  const text = readFileSync(path, "utf8");
  const found = typeof from === "string" ? text.includes(from) : from.test(text);
  if (!found) throw new Error(`profile patch no longer applies to ${file}: ${String(from).slice(0, 80)}…`);
  writeFileSync(path, text.replace(from, () => to));
}

/** The loop route, put in front of a copy's own entry: `GET /__loop?n=` runs fetch() n times on /status. */
const loopEntry = (entry) => `import worker from "${entry}";
export * from "${entry}";
let stubEnv: any;
export default {
  ...worker,
  async fetch(request: Request, env: any, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname !== "/__loop") return worker.fetch!(request as any, env, ctx);
    if (!stubEnv) {
      const key = url.searchParams.get("key")!;
      const text = await env.NINJAONE_KV.get(key);
      stubEnv = { ...env, NINJAONE_KV: { get: async (_: string, type?: string) => (type === "json" ? JSON.parse(text) : text) } };
    }
    const n = Number(url.searchParams.get("n"));
    const target = new URL("${API_PATH}/status", url).href;
    const headers = { Authorization: request.headers.get("Authorization")! };
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const response = await worker.fetch!(new Request(target, { headers }) as any, stubEnv, ctx);
      if (response.status !== 200) return new Response(String(response.status), { status: 500 });
      bytes += (await response.text()).length;
    }
    return new Response(String(bytes));
  },
};
`;

/**
 * A V8 CPU profile (through wrangler's inspector port) of `run`; answers the functions with
 * the most self time, as a share of the samples, by function name and the module esbuild's
 * bundle comments name (hono/…, worker/…).
 */
async function cpuProfile(inspectorPort, run, dir) {
  // esbuild marks each module of the bundle with a `// path` comment: map bundle lines to modules.
  const bundles = readdirSync(join(dir, ".wrangler/tmp"), { recursive: true }).filter((f) => f.endsWith("entry.js"));
  const lines = readFileSync(join(dir, ".wrangler/tmp", bundles[0]), "utf8").split("\n");
  const moduleAt = [];
  let current = "";
  for (const line of lines) {
    const marker = /^\/\/ (\S+\.(?:js|mjs|ts))$/.exec(line);
    if (marker) current = marker[1].replace(/^.*node_modules\//, "").replace(/^\.\.\//, "");
    moduleAt.push(current);
  }
  const list = await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json();
  const ws = new WebSocket(list[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => (ws.once("open", resolve), ws.once("error", reject)));
  let id = 0;
  const pending = new Map();
  ws.on("message", (data) => {
    const message = JSON.parse(data.toString());
    if (message.id && pending.has(message.id)) pending.get(message.id)(message.result), pending.delete(message.id);
  });
  const send = (method, params = {}) => new Promise((resolve) => (pending.set(++id, resolve), ws.send(JSON.stringify({ id, method, params }))));
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: 50 });
  await send("Profiler.start");
  await run();
  const { profile } = await send("Profiler.stop");
  ws.close();
  // Each sample stands for the time until the next one (timeDeltas, µs).
  const self = new Map();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  let busy = 0;
  let program = 0;
  profile.samples.forEach((nodeId, i) => {
    const spent = profile.timeDeltas[i + 1] ?? 0;
    const { functionName, url, lineNumber } = byId.get(nodeId).callFrame;
    if (functionName === "(idle)") return;
    if (functionName === "(program)") return void (program += spent);
    const key = `${functionName || "(anonymous)"} ${url ? `(${moduleAt[lineNumber] || "entry"})` : "(native)"}`;
    self.set(key, (self.get(key) ?? 0) + spent);
    busy += spent;
  });
  const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 30).map(([key, spent]) => `  ${((100 * spent) / busy).toFixed(1).padStart(5)}%  ${key}`).join("\n");
  return { top, busyUs: busy, programUs: program };
}

function scratchCopy(base, name, { patches, assets = false, from = ROOT }, index) {
  const dir = join(base, `v${index}`);
  mkdirSync(dir);
  cpSync(join(from, "worker"), join(dir, "worker"), { recursive: true });
  cpSync(join(from, "contract"), join(dir, "contract"), { recursive: true });
  cpSync(join(from, "server"), join(dir, "server"), { recursive: true }); // worker/events-delivery.ts signs with it
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  symlinkSync(join(ROOT, "dist"), join(dir, "dist")); // the widget files worker/routes/assets.ts imports
  for (const patch of patches) applyPatch(dir, patch);
  writeFileSync(join(dir, "entry.ts"), loopEntry("./worker/index.ts"));
  let toml = readFileSync(join(ROOT, "wrangler.toml"), "utf8").replace('main = "worker/index.ts"', 'main = "entry.ts"');
  if (assets) toml += `\n[assets]\ndirectory = "${join(ROOT, "dist/widget")}"\nbinding = "ASSETS"\nrun_worker_first = true\n`;
  writeFileSync(join(dir, "wrangler.toml"), toml);
  return join(dir, "wrangler.toml");
}

/** The 13 headers the worker sends with a /status answer (to a request without Origin) besides Content-Type and Cache-Control. */
const WORKER_HEADERS = {
  "Access-Control-Expose-Headers": "WWW-Authenticate,Retry-After",
  "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Origin-Agent-Cluster": "?1",
  "Referrer-Policy": "no-referrer",
  "Strict-Transport-Security": "max-age=15552000; includeSubDomains",
  Vary: "Origin",
  "X-Content-Type-Options": "nosniff",
  "X-DNS-Prefetch-Control": "off",
  "X-Download-Options": "noopen",
  "X-Frame-Options": "SAMEORIGIN",
  "X-Permitted-Cross-Domain-Policies": "none",
  "X-XSS-Protection": "0",
};

/**
 * The minimum; with `assets`, behind a static-assets router (as the worker was before)
 * (run_worker_first); with `headers`, answering the worker's 13 extra response headers (EXTRA_HEADERS).
 */
function minimalCopy(base, name, { assets = false, headers = false } = {}) {
  const dir = join(base, name);
  mkdirSync(dir);
  cpSync(join(ROOT, "bench/minimal-status-worker.ts"), join(dir, "minimal-status-worker.ts"));
  writeFileSync(join(dir, "entry.ts"), loopEntry("./minimal-status-worker.ts"));
  let toml = readFileSync(join(ROOT, "bench/minimal-status.wrangler.toml"), "utf8").replace('main = "minimal-status-worker.ts"', 'main = "entry.ts"');
  if (assets) toml += `\n[assets]\ndirectory = "${join(ROOT, "dist/widget")}"\nbinding = "ASSETS"\nrun_worker_first = true\n`;
  if (headers) toml += `\n[vars]\nEXTRA_HEADERS = ${JSON.stringify(JSON.stringify(WORKER_HEADERS))}\n`; // a TOML basic string
  writeFileSync(join(dir, "wrangler.toml"), toml);
  return join(dir, "wrangler.toml");
}

const MINIMA = {
  "the minimum behind a static-assets router": { assets: true },
  "the minimum with the worker's 13 extra headers": { headers: true },
  "the minimum behind the router, with those headers": { assets: true, headers: true },
};

const base = mkdtempSync(join(tmpdir(), "ninjaone-profile-"));
const secrets = freshSecrets();
const envFile = join(base, ".dev.vars");
writeFileSync(envFile, Object.entries(secrets).map(([k, v]) => `${k}='${v}'`).join("\n"));
const persist = join(base, "state");
const STAND_IN_PORT = 18883;
const MINIMAL_PORT = 18884;
const minimaPort = 18885;
const firstPort = minimaPort + Object.keys(MINIMA).length;
const standInUrl = `http://127.0.0.1:${STAND_IN_PORT}`;
const regions = JSON.stringify({ local: standInUrl, us: "https://app.ninjarmm.com", us2: "https://us2.ninjarmm.com", eu: "https://eu.ninjarmm.com", ca: "https://ca.ninjarmm.com", oc: "https://oc.ninjarmm.com" });
const names = Object.keys(VARIANTS);
if (firstPort + names.length > 18900) throw new Error("too many variants for the port range");
const urlOf = (port) => `http://127.0.0.1:${port}`;
const children = [];
try {
  const configs = names.map((name, i) => scratchCopy(base, name, VARIANTS[name], i));
  const minimalConfig = minimalCopy(base, "minimal");
  const minimaNames = Object.keys(MINIMA);
  const minimaConfigs = minimaNames.map((name, i) => minimalCopy(base, `minimal-${i}`, MINIMA[name]));
  const clients = [{ ...DEMO_CLIENT, name: "bench", redirectUris: [`${urlOf(firstPort)}${API_PATH}/callback`], scopes: ["monitoring", "management", "offline_access"] }];
  const common = ["--env-file", envFile, "--persist-to", persist, "--var", `NINJAONE_REGIONS:${regions}`, "--log-level", "error"];
  console.log(`Starting the stand-in, the minimum and ${names.length} variants under wrangler dev...`);
  const started = [
    startWrangler("stand-in", ["-c", "test/ninjaone-stand-in/wrangler.toml", "--var", `STAND_IN_CLIENTS:${JSON.stringify(clients)}`], STAND_IN_PORT, STAND_IN_PORT + 1000),
    startWrangler("minimal", ["-c", minimalConfig, ...common], MINIMAL_PORT, MINIMAL_PORT + 1000),
    ...minimaConfigs.map((config, i) => startWrangler(minimaNames[i], ["-c", config, ...common], minimaPort + i, minimaPort + i + 1000)),
    ...configs.map((config, i) => startWrangler(names[i], ["-c", config, ...common], firstPort + i, firstPort + i + 1000, `${API_PATH}/status`)),
  ];
  const startedNames = ["stand-in", "minimal", ...minimaNames, ...names];
  const settled = await Promise.allSettled(started);
  const pgidOf = {};
  settled.forEach((result, i) => {
    if (result.status === "fulfilled") children.push(result.value), (pgidOf[startedNames[i]] = result.value.pid);
  });
  const failed = settled.find((result) => result.status === "rejected");
  if (failed) throw failed.reason;

  await connectTenant(urlOf(firstPort), secrets.TENANT_TOKEN_SECRET, "bench");
  const headers = { Authorization: `Bearer ${await tenantToken(secrets.TENANT_TOKEN_SECRET, "bench", "ninjaone-settings")}` };
  const targets = {
    minimal: { url: `${urlOf(MINIMAL_PORT)}${API_PATH}/status`, headers },
  };
  minimaNames.forEach((name, i) => (targets[name] = { url: `${urlOf(minimaPort + i)}${API_PATH}/status`, headers }));
  names.forEach((name, i) => (targets[name] = { url: `${urlOf(firstPort + i)}${API_PATH}/status`, headers }));
  // Every variant answers 200 with the JSON of the minimum (the region table aside).
  const expected = await (await fetch(targets.minimal.url, { headers })).json();
  for (const name of names) {
    const response = await fetch(targets[name].url, { headers });
    const body = await response.json();
    if (response.status !== 200) throw new Error(`${name}: ${response.status}`);
    if (JSON.stringify({ ...body, redirectUri: "", regions: [] }) !== JSON.stringify({ ...expected, redirectUri: "", regions: [] })) throw new Error(`${name} answers other JSON`);
  }

  for (const [name, target] of Object.entries(targets)) target.pgids = [pgidOf[name]];
  console.log("CPU per request inside each isolate (loop of", LOOP, "with KV answered from memory)...");
  const loopTime = async (url, n) => {
    const t0 = performance.now();
    const response = await fetch(`${url}/__loop?n=${n}&key=v1:tenant:bench`, { headers });
    if (!response.ok) throw new Error(`${url}/__loop: ${response.status} ${await response.text()}`);
    await response.text();
    return performance.now() - t0;
  };
  // The CPU time the variant's processes spend on the loop (not its wall time, which waits for
  // whatever else runs on the machine), the least of CPU_ROUNDS rounds taken in turn across variants.
  const loopCpu = async (name, n) => {
    const before = groupCpuMs(targets[name].pgids);
    await loopTime(new URL(targets[name].url).origin, n);
    return groupCpuMs(targets[name].pgids) - before;
  };
  const cpu = {};
  for (const name of Object.keys(targets)) await loopTime(new URL(targets[name].url).origin, 500); // warm-up (JIT)
  for (let round = 0; round < CPU_ROUNDS; round++) {
    for (const name of Object.keys(targets)) {
      const perRequest = (((await loopCpu(name, LOOP)) - (await loopCpu(name, 0))) * 1000) / LOOP; // µs
      cpu[name] = Math.min(cpu[name] ?? Infinity, perRequest);
    }
  }

  // V8 profiles of the user worker's isolate (wrangler's inspector attaches to it, not to the
  // router's) while it answers real HTTP load: JavaScript time per request, and where it goes.
  console.log("V8 CPU profiles under HTTP load (3 s each)...");
  const profiled = [
    ["minimal", MINIMAL_PORT, join(base, "minimal")],
    [minimaNames[2], minimaPort + 2, join(base, "minimal-2")],
    [names[0], firstPort, join(base, "v0")],
  ];
  const profiles = {};
  for (const [name, port, dir] of profiled) {
    let result;
    const { top, busyUs, programUs } = await cpuProfile(port + 1000, async () => (result = await load(targets[name].url, headers, 3)), dir);
    profiles[name] = `JavaScript ${(busyUs / result.total).toFixed(0)} µs and V8 "(program)" ${(programUs / result.total).toFixed(0)} µs per request (${result.total} requests); self time:\n${top}`;
  }

  console.log(`HTTP: ${ROUNDS} alternating rounds of ${DURATION} s per target...`);
  for (const { url } of Object.values(targets)) await fetch(url, { headers }).then((r) => r.text());
  const runs = ROUNDS === 0 ? Object.fromEntries(Object.keys(targets).map((name) => [name, [{ rps: 0, p50: 0, p99: 0 }]])) : await alternate(targets, { rounds: ROUNDS, duration: DURATION, log: console.log });
  if (ROUNDS) for (const name of Object.keys(targets)) console.log(`${name}: CPU/request ${runs[name].map((r) => r.cpu.toFixed(0)).join(", ")} µs`);

  const full = compare(runs, names[0], "minimal");
  const lines = [
    "| variant | requests/s | ratio to the minimum | p50 | server CPU per request (ratio) | CPU per request in the isolate |",
    "|---|---|---|---|---|---|",
    `| the hand-written minimum | ${full.baseline.rps.toFixed(0)} | 1.00× | ${full.baseline.p50} ms | ${full.baseline.cpu?.toFixed(0)} µs (1.00×) | ${cpu.minimal.toFixed(0)} µs |`,
    ...[...minimaNames, ...names].map((name) => {
      const c = compare(runs, name, "minimal");
      return `| ${name} | ${c.ours.rps.toFixed(0)} | ${c.rps.toFixed(2)}× | ${c.ours.p50} ms | ${c.ours.cpu?.toFixed(0)} µs (${c.cpu?.toFixed(2)}×) | ${cpu[name].toFixed(0)} µs |`;
    }),
  ];
  console.log(`\n${lines.join("\n")}\n`);
  for (const [name, top] of Object.entries(profiles)) console.log(`Under load, ${name}: ${top}\n`);
} finally {
  for (const child of children) await endGroup(child.pid);
  if (!process.env.KEEP) rmSync(base, { recursive: true, force: true });
}
process.exit(0);

// `npm test`: type-check, then run every test suite in turn (worker in workerd,
// widget in Chromium, end-to-end against the real processes), and close with
// one plain "N passed, N failed" line that CI reads. A suite that crashes
// before reporting counts as one failure, so a broken setup can't pass silently.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { runWithTimeout } from "./lib/run-with-timeout.mjs";

// Each suite gets a time limit: a run that hangs (a retry loop, a browser that never closes)
// fails with a clear line instead of running until CI's own limit.
const MINUTE = 60_000;
const suites = [
  // node: the package test packs the tarball and installs it into a scratch project (npm, tsc, Vite)
  { name: "node", config: "test/node/vitest.config.ts", timeoutMs: 5 * MINUTE },
  { name: "worker", config: "test/worker/vitest.config.ts", timeoutMs: 8 * MINUTE },
  { name: "webhooks", config: "test/worker/vitest.webhooks.config.ts", timeoutMs: 4 * MINUTE },
  { name: "widget", config: "test/widget/vitest.config.ts", timeoutMs: 8 * MINUTE },
  { name: "e2e", config: "test/e2e/vitest.config.ts", timeoutMs: 15 * MINUTE },
];
const only = process.argv.slice(2);
const resultsDir = ".test-results";
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

let passed = 0;
let failed = 0;
async function run(command, args, { timeoutMs = 10 * MINUTE, name = command } = {}) {
  const result = await runWithTimeout(command, args, { timeoutMs });
  if (result.timedOut) console.error(`${name}: timed out after ${timeoutMs / 1000} s and was stopped`);
  return result.ok;
}
if (only.length === 0) {
  // The type-check and the build are not tests: they add a failure when they fail, nothing when they pass.
  const projects = ["tsconfig.json", "widget/tsconfig.json", "test/e2e/tsconfig.json", "server/tsconfig.json"];
  let typesOk = true;
  for (const project of projects) typesOk = (await run("npx", ["tsc", "-p", project], { name: `tsc -p ${project}` })) && typesOk;
  if (!typesOk) {
    console.error("typecheck failed");
    failed += 1;
  }
}

// The worker serves the built widget (dist/worker/widget-files.json); every suite needs a fresh build.
if (!(await run("npm", ["run", "build", "--silent"], { name: "build" }))) {
  console.error("widget build failed");
  failed += 1;
}

for (const suite of suites) {
  if (only.length > 0 && !only.includes(suite.name)) continue;
  if (!existsSync(suite.config)) {
    console.error(`${suite.name}: ${suite.config} is missing`);
    failed += 1;
    continue;
  }
  const report = `${resultsDir}/${suite.name}.json`;
  const ok = await run("npx", ["vitest", "run", "--config", suite.config, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`], suite);
  if (!existsSync(report)) {
    console.error(`${suite.name}: the suite produced no report`);
    failed += 1;
    continue;
  }
  const { numPassedTests, numFailedTests } = JSON.parse(readFileSync(report, "utf8"));
  passed += numPassedTests;
  failed += numFailedTests;
  if (!ok && numFailedTests === 0) failed += 1; // e.g. an error outside any test
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);

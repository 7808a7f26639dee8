// `npm test`: type-check, then run every test suite in turn (worker in workerd,
// widget in Chromium, end-to-end against the real processes), and close with
// one plain "N passed, N failed" line that CI reads. A suite that crashes
// before reporting counts as one failure, so a broken setup can't pass silently.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";

const suites = [
  { name: "worker", config: "test/worker/vitest.config.ts" },
  { name: "widget", config: "test/widget/vitest.config.ts" },
  { name: "e2e", config: "test/e2e/vitest.config.ts" },
];
const only = process.argv.slice(2);
const resultsDir = ".test-results";
rmSync(resultsDir, { recursive: true, force: true });
mkdirSync(resultsDir, { recursive: true });

let passed = 0;
let failed = 0;
const run = (command, args) => spawnSync(command, args, { stdio: "inherit" }).status === 0;

if (only.length === 0) {
  // The type-check and the build are not tests: they add a failure when they fail, nothing when they pass.
  const projects = ["tsconfig.json", "widget/tsconfig.json", "test/e2e/tsconfig.json"];
  if (!projects.every((project) => run("npx", ["tsc", "-p", project]))) {
    console.error("typecheck failed");
    failed += 1;
  }
}

// The worker serves dist/widget (wrangler.toml [assets]); every suite needs a fresh build.
if (!run("npm", ["run", "build", "--silent"])) {
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
  const ok = run("npx", ["vitest", "run", "--config", suite.config, "--reporter=default", "--reporter=json", `--outputFile.json=${report}`]);
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

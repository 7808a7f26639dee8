import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM without types
import { runWithTimeout } from "../../scripts/lib/run-with-timeout.mjs";

import { readFileSync } from "node:fs";

/** Running, as opposed to gone or a zombie waiting for a parent that is gone too. */
const running = (pid: number) => {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    return state !== undefined && state !== "Z" && state !== "X";
  } catch {
    return false;
  }
};

describe("npm test's suite time limit", () => {
  it("stops a suite that never ends, with its children, and reports it as timed out", async () => {
    // A shell that starts a child which would run forever, and prints the child's pid.
    const script = "sleep 600 & echo $! > \"$PIDFILE\"; wait";
    const pidFile = `/tmp/run-with-timeout-${process.pid}.pid`;
    process.env.PIDFILE = pidFile;
    const started = Date.now();
    const result = await runWithTimeout("sh", ["-c", script], { timeoutMs: 800, stdio: "ignore" });
    expect(result).toMatchObject({ ok: false, timedOut: true });
    expect(Date.now() - started).toBeLessThan(10_000);
    const child = Number(readFileSync(pidFile, "utf8").trim());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(running(child)).toBe(false);
  });

  it("passes a suite that ends in time, and fails one that exits non-zero", async () => {
    expect(await runWithTimeout("sh", ["-c", "exit 0"], { timeoutMs: 5000, stdio: "ignore" })).toMatchObject({ ok: true, timedOut: false });
    expect(await runWithTimeout("sh", ["-c", "exit 3"], { timeoutMs: 5000, stdio: "ignore" })).toMatchObject({ ok: false, timedOut: false, code: 3 });
  });
});

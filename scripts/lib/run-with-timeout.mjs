// Runs a command in its own process group and waits for it. Past `timeoutMs` the whole group is
// killed (vitest and whatever it started: Chromium, wrangler, workerd), so a hung suite cannot
// outlive its limit, and the caller hears `{ ok: false, timedOut: true }`.
import { spawn } from "node:child_process";

/**
 * @param {string} command
 * @param {string[]} args
 * @param {{ timeoutMs: number, stdio?: import("node:child_process").StdioOptions }} options
 * @returns {Promise<{ ok: boolean, timedOut: boolean, code: number | null }>}
 */
export function runWithTimeout(command, args, { timeoutMs, stdio = "inherit" }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio, detached: true });
    let timedOut = false;
    const killGroup = () => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    // Ctrl-C on `npm test` must not leave the group running.
    process.once("exit", killGroup);
    child.on("error", () => {
      clearTimeout(timer);
      resolve({ ok: false, timedOut, code: null });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      process.removeListener("exit", killGroup);
      if (!timedOut) killGroup(); // children the command left behind
      resolve({ ok: !timedOut && code === 0, timedOut, code });
    });
  });
}

// Browser tests for <ninjaone-settings>: vitest browser mode driving Debian's
// Chromium through Playwright (never a downloaded browser).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { defineConfig, type Plugin } from "vitest/config";
import type { BrowserCommand } from "vitest/node";
import { playwright } from "@vitest/browser-playwright";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Browser command (runs in Node): the size of a built file, gzipped with zlib level 9 (as
 * `gzip -9` and scripts/widget-size.mjs), for the bundle-size test. `path` is relative to the
 * repository root; a missing file fails the test.
 */
const gzipSize: BrowserCommand<[path: string]> = (_context, path) =>
  gzipSync(readFileSync(root + path), { level: 9 }).length;

/** Browser command: emulate `prefers-color-scheme` (light or dark) for the test page. */
const colorScheme: BrowserCommand<[scheme: "light" | "dark"]> = async (context, scheme) => {
  if (!("page" in context)) throw new Error("colorScheme needs the playwright provider");
  await (context.page as { emulateMedia(options: { colorScheme: "light" | "dark" }): Promise<void> }).emulateMedia({ colorScheme: scheme });
};

// STACK.md gotcha 1: @open-wc/testing pulls in web-test-runner's session helper,
// which imports `/__web-dev-server__web-socket.js` — a file only web-dev-server
// serves. Resolve it to a stub so Vite's import analysis is happy.
const WDS_SOCKET = "\0wds-web-socket-stub";
const webDevServerSocketStub: Plugin = {
  name: "web-dev-server-socket-stub",
  enforce: "pre",
  resolveId(id) {
    return id.endsWith("__web-dev-server__web-socket.js") ? WDS_SOCKET : null;
  },
  load(id) {
    return id === WDS_SOCKET
      ? "export const sendMessage = undefined;\nexport const sendMessageWaitForResponse = undefined;\n"
      : null;
  },
};

export default defineConfig({
  plugins: [webDevServerSocketStub],
  optimizeDeps: {
    // pre-bundling would resolve the socket import outside the plugin above
    exclude: ["@open-wc/testing"],
    // React ships CommonJS: pre-bundle it (and the wrapper library) up front, so that the first
    // test importing it does not make Vite optimize it mid-run and reload the page
    include: ["react", "react-dom", "react-dom/client", "@lit/react"],
  },
  test: {
    include: ["test/widget/**/*.test.ts"],
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath: "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
          ],
        },
      }),
      instances: [{ browser: "chromium" }],
      commands: { gzipSize, colorScheme },
    },
  },
});

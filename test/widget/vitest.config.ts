// Browser tests for <ninjaone-settings>: vitest browser mode driving Debian's
// Chromium through Playwright (never a downloaded browser).
import { defineConfig, type Plugin } from "vitest/config";
import { playwright } from "@vitest/browser-playwright";

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
    },
  },
});

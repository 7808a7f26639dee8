import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const get = (path: string, headers: HeadersInit = {}) => exports.default.fetch(new Request(`https://worker.example${path}`, { headers }));

describe("the widget files", () => {
  it("are served cross-origin: CORS for module scripts and CORP cross-origin", async () => {
    for (const path of ["/ninjaone-settings.js", "/ninjaone-settings.iife.js"]) {
      const response = await get(path, { Origin: "https://any-host.example", "Accept-Encoding": "gzip" });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("Content-Type")).toMatch(/javascript/);
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(response.headers.get("Cross-Origin-Resource-Policy")).toBe("cross-origin");
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(await response.text()).toContain("ninjaone-settings");
    }
  });

  it("revalidate with their ETag", async () => {
    const first = await get("/ninjaone-settings.js");
    const etag = first.headers.get("ETag");
    expect(etag).toBeTruthy();
    await first.body?.cancel();
    const again = await get("/ninjaone-settings.js", { "If-None-Match": etag! });
    expect(again.status).toBe(304);
  });

  it("are the only files served: nothing else leaks out of the build folder", async () => {
    for (const path of ["/ninjaone-settings.d.ts", "/strings.d.ts", "/", "/index.html", "/.dev.vars"]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      await response.body?.cancel();
    }
  });
});

import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

const LOCALES = ["de", "fr"];

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

  it("include the locales, /locales/de.js and /locales/fr.js, with the same headers", async () => {
    const bodies: string[] = [];
    for (const lang of LOCALES) {
      const path = `/locales/${lang}.js`;
      const response = await get(path, { Origin: "https://any-host.example", "Accept-Encoding": "gzip" });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("Content-Type"), path).toMatch(/javascript/);
      expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
      expect(response.headers.get("Cross-Origin-Resource-Policy")).toBe("cross-origin");
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("ETag"), path).toBeTruthy();
      const body = await response.text();
      // the locale registers itself with the element, whichever of the two loads first ...
      expect(body, path).toContain("whenDefined");
      expect(body, path).toContain("ninjaone-settings");
      // ... and is a small module of its own: no Lit, no element inside
      expect(body, path).not.toContain("litElementVersions");
      bodies.push(body);
    }
    expect(bodies[0]).not.toBe(bodies[1]);
  });

  it("revalidate with their ETag", async () => {
    const first = await get("/ninjaone-settings.js");
    const etag = first.headers.get("ETag");
    expect(etag).toBeTruthy();
    await first.body?.cancel();
    const again = await get("/ninjaone-settings.js", { "If-None-Match": etag!, Origin: "https://any-host.example" });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    // the browser checks CORS on the revalidated answer too
    expect(again.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(again.headers.get("Cross-Origin-Resource-Policy")).toBe("cross-origin");
    // a changed file (another ETag) is sent whole
    const changed = await get("/ninjaone-settings.js", { "If-None-Match": '"an-older-build"' });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain("ninjaone-settings");
  });

  it("are the only files served: nothing else leaks out of the build folder", async () => {
    for (const path of ["/ninjaone-settings.d.ts", "/strings.d.ts", "/", "/index.html", "/.dev.vars", "/locales/es.js", "/locales/register.js", "/locales/", "/locales/de.ts"]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      await response.body?.cancel();
    }
  });
});

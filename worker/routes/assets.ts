import { Hono } from "hono/tiny";
import type { AppEnv } from "../app-env";

/** The languages that ship besides English (widget/locales/<lang>.ts, built to dist/widget/locales/<lang>.js). */
export const LOCALES = ["de", "fr"];

/**
 * The built widget, served from the worker's origin through the ASSETS
 * binding: the element (module and classic script), its manifest, and the
 * locales a script-tag host adds with
 * `<script type="module" src="https://<worker>/locales/de.js">`. Every host
 * page loads them cross-origin: a module script is a CORS request, and
 * Cross-Origin-Resource-Policy must not be same-origin. The stable names
 * revalidate with their ETag.
 *
 * These headers are set here rather than in a `_headers` file because the
 * local asset server drops `_headers` from gzip-encoded responses — which is
 * every browser request.
 */
export const WIDGET_FILES = [
  "/ninjaone-settings.js",
  "/ninjaone-settings.iife.js",
  "/custom-elements.json",
  ...LOCALES.map((lang) => `/locales/${lang}.js`),
];

export const assetsRoute = new Hono<AppEnv>().on(["GET", "HEAD"], WIDGET_FILES, async (c) => {
  if (!c.env.ASSETS) return c.text("Not found", 404);
  const asset = await c.env.ASSETS.fetch(c.req.raw);
  const response = new Response(asset.body, asset);
  response.headers.set("Access-Control-Allow-Origin", "*");
  response.headers.set("Cross-Origin-Resource-Policy", "cross-origin");
  response.headers.set("X-Content-Type-Options", "nosniff");
  return response;
});

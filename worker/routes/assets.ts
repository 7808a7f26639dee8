import { Hono } from "hono/tiny";
import { etag, RETAINED_304_HEADERS } from "hono/etag";
import type { AppEnv } from "../app-env";
import builtFiles from "../../dist/worker/widget-files.json";

const widgetFiles: Record<string, { body: string; type: string; etag: string }> = builtFiles;

const CROSS_ORIGIN_HEADERS = {
  "Access-Control-Allow-Origin": "*",
  "Cross-Origin-Resource-Policy": "cross-origin",
  "X-Content-Type-Options": "nosniff",
};

/**
 * The built widget, served from the worker's origin: the element (module and classic script), its
 * manifest, and the locales a script-tag host adds with
 * `<script type="module" src="https://<worker>/locales/de.js">`. Only the files the build lists in
 * dist/worker/widget-files.json exist; every other path falls through to a 404.
 *
 * They are part of the worker's module, not Cloudflare static assets: the worker would have to run
 * first for every request anyway (to set the headers below and keep the rest of the build folder
 * private), and the assets router in front of it cost every API request a hop — about a fifth of
 * `/status`'s throughput (docs/benchmarks.md).
 *
 * Every host page loads them cross-origin: a module script is a CORS request, and
 * Cross-Origin-Resource-Policy must not be same-origin. The names are stable, so they revalidate
 * with the ETag the build computed (304s keep the cross-origin headers); Cloudflare compresses them
 * on the way out.
 */
export const assetsRoute = new Hono<AppEnv>().on(
  ["GET", "HEAD"],
  Object.keys(widgetFiles),
  etag({ retainedHeaders: [...RETAINED_304_HEADERS, ...Object.keys(CROSS_ORIGIN_HEADERS)] }),
  (c) => {
    const file = widgetFiles[c.req.path]!;
    return c.body(file.body, 200, {
      ...CROSS_ORIGIN_HEADERS,
      "Content-Type": file.type,
      ETag: file.etag,
      "Cache-Control": "public, max-age=0, must-revalidate",
    });
  },
);

/**
 * dist/worker/widget-files.json, written by the widget build (widget/vite.config.ts): every file the
 * worker serves, by URL path. Declared here so that the type-check does not need a build first.
 */
declare module "*/widget-files.json" {
  const files: Record<string, { body: string; type: string; etag: string }>;
  export default files;
}

/**
 * The script-tag builds the worker serves (`/ninjaone-settings.js`, a module, and
 * `/ninjaone-settings.iife.js`, a classic script), Lit inlined. The one difference from the bundler
 * entry (index.ts): `api-base` defaults to the origin this script was loaded from, which is the
 * worker's.
 */
import { NinjaOneSettings } from "./ninjaone-settings.js";

export * from "./ninjaone-settings.js";

/** Where this script was loaded from: the worker that serves it. */
function scriptOrigin(): string | undefined {
  try {
    // The classic script (IIFE) runs while `document.currentScript` is its <script>; in the module,
    // `currentScript` is null and `import.meta.url` is the module's URL.
    return new URL((document.currentScript as HTMLScriptElement | null)?.src || import.meta.url).origin;
  } catch {
    return undefined;
  }
}

// Set in the same synchronous run as the definition (importing the element defines it), before any
// element's first update (a microtask later), so that elements already in the page use it too.
NinjaOneSettings.defaultApiBase = scriptOrigin();

/**
 * `ninjaone-settings`: the element for hosts that bundle (Vite, webpack, esbuild, …). Lit is a
 * dependency of the package, not inlined, so the host's bundler shares one copy of it.
 *
 * There is no default `api-base` here: a bundled element cannot know where the worker runs (the
 * script-tag build served by the worker defaults to its own origin, see script-entry.ts). Without
 * `api-base` the element tells the developer to set it.
 *
 * @example
 * ```ts
 * import "ninjaone-settings";
 * // <ninjaone-settings api-base="https://ninjaone.example.com" session-token="eyJ..."></ninjaone-settings>
 * ```
 * @module
 */
export * from "./ninjaone-settings.js"; // which defines the element

import { unsafeCSS } from "lit";

/*
 * Written compactly on purpose (one rule per line): the text ships as-is in the bundle.
 * `unsafeCSS` of this constant, not the `css` tag: the tag's code (it checks interpolated values,
 * and there are none) costs ~150 bytes gzipped; "unsafe" is about untrusted input, and this is
 * a literal.
 *
 * Palette: every color is a `--ninjaone-*` custom property. Text, background, accent and the
 * three status colors have a light and a dark default; muted text, surfaces and borders are mixed
 * from text and background, so they follow a host's own text/background colors too.
 * Light/dark: `color-scheme: light dark` with `light-dark()` follows `prefers-color-scheme`, and a
 * host can pin either (`ninjaone-settings { color-scheme: light }`). `light-dark()` is Baseline
 * 2024; older browsers fall back to the page's own colors (still usable, not themed).
 * Layout: a container query stacks label/value pairs and widens buttons below 480 px.
 * Disabled buttons, and buttons inert while an action runs (`aria-disabled`): muted text on the
 * surface color with a dashed border, never the accent, so neither can pass for an enabled one in
 * either scheme.
 */
export const styles = unsafeCSS(`
:host{display:block;color-scheme:light dark;container-type:inline-size;font:var(--ninjaone-font-size,.9375rem)/1.5 var(--ninjaone-font-family,inherit);
--_text:var(--ninjaone-color-text,light-dark(#1f2328,#e6edf3));
--_bg:var(--ninjaone-color-background,light-dark(#fff,#161b22));
--_muted:var(--ninjaone-color-muted,color-mix(in srgb,var(--_text) 72%,var(--_bg)));
--_surface:var(--ninjaone-color-surface,color-mix(in srgb,var(--_text) 4%,var(--_bg)));
--_border:var(--ninjaone-color-border,color-mix(in srgb,var(--_text) 22%,var(--_bg)));
--_accent:var(--ninjaone-color-accent,light-dark(#0b5cd5,#4c9bff));
--_success:var(--ninjaone-color-success,light-dark(#1a7f37,#3fb950));
--_warning:var(--ninjaone-color-warning,light-dark(#8a5a00,#d29922));
--_danger:var(--ninjaone-color-danger,light-dark(#c21f2c,#ff7b72));
color:var(--_text)}
:host([hidden]){display:none}
*{box-sizing:border-box;margin:0}
.card{max-width:var(--ninjaone-max-width,720px);padding:20px 24px;background:var(--_bg);border:1px solid var(--_border);border-radius:var(--ninjaone-radius,12px);box-shadow:var(--ninjaone-shadow,0 1px 3px #0002)}
.card,.body,form,.field,ol,dl,.summary,.confirm{display:grid;gap:16px}
.field,dl{gap:4px}
ol{gap:8px;padding-left:1.3em}
h2{font-size:1.2em}
h3{display:flex;align-items:center;gap:10px}
h3,summary{font-size:1.05em}
h3,summary,label,.badge,#state,.field-error,button,a{font-weight:600}
summary{cursor:pointer}
.hint,dt,.info,.badge{color:var(--_muted)}
.mono,code{font-family:ui-monospace,monospace}
code,dd,.notice{overflow-wrap:anywhere}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.header,.uri,.secret,.actions{display:flex;align-items:center;gap:10px}
.header,.actions{flex-wrap:wrap}
.header{justify-content:space-between}
.badge{padding:0 10px;border:1px solid;border-radius:99px;font-size:.85em}
[part~=badge-connected],.ok,.success{color:var(--_success)}
[part~=badge-reconnect],[part~=badge-credentials-rejected],.warn{color:var(--_warning)}
.error,.field-error,.danger-text{color:var(--_danger)}
.notice,.confirm{padding:12px 14px;border:1px solid;border-left-width:4px;border-radius:8px;background:color-mix(in srgb,currentColor 8%,var(--_bg))}
.notice p,.confirm>*{color:var(--_text)}
.notice strong{display:block}
.section{padding-top:16px;border-top:1px solid var(--_border)}
.step{display:inline-grid;place-items:center;width:24px;height:24px;border-radius:50%;font-size:.8em}
.body{padding-top:12px}
:has(.step)>.body{padding-left:34px}
a{color:var(--_accent)}
.uri,input,select{background:var(--_surface);border:1px solid var(--_border);border-radius:8px}
.uri{margin:6px 0;padding:4px 4px 4px 12px}
.uri code{flex:1}
.hint,.field-error{font-size:.875em}
.confirm{gap:8px;color:var(--_danger)}
dl>div{display:grid;grid-template-columns:minmax(8em,34%) 1fr;gap:10px}
input,select,button{min-height:38px;padding:6px 10px;font:inherit;color:var(--_text);border-radius:8px}
input,select{width:100%}
[aria-invalid=true]{border-color:var(--_danger)}
button{padding:6px 16px;border:1px solid var(--_border);background:var(--_bg);cursor:pointer}
.step,.primary,.danger{color:var(--ninjaone-color-accent-text,var(--_bg));background:var(--_accent);border-color:transparent}
.danger{color:var(--_bg);background:var(--_danger)}
button:disabled,[aria-disabled=true]{color:var(--_muted);background:var(--_surface);border:1px dashed var(--_border);cursor:not-allowed}
:focus-visible{outline:2px solid var(--ninjaone-color-focus,var(--_accent));outline-offset:2px}
@container (max-width:480px){.card{padding:16px}:has(.step)>.body{padding-left:0}dl>div{grid-template-columns:1fr;gap:0}.actions button{flex:1 1 100%}}
`);

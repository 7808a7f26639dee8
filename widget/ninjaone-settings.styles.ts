import { css } from "lit";

/*
 * Palette: every color is a `--ninjaone-*` custom property with a light and a dark default.
 * Light/dark: `color-scheme: light dark` with `light-dark()` follows `prefers-color-scheme`, and a
 * host can pin either (`ninjaone-settings { color-scheme: light }`). `light-dark()` is Baseline
 * 2024; older browsers fall back to the page's own colors (still usable, not themed).
 */
export const styles = css`
  :host {
    display: block;
    color-scheme: light dark;
    container-type: inline-size;
    --_text: var(--ninjaone-color-text, light-dark(#1f2328, #e6edf3));
    --_muted: var(--ninjaone-color-muted, light-dark(#57606a, #9da7b3));
    --_bg: var(--ninjaone-color-background, light-dark(#fff, #161b22));
    --_surface: var(--ninjaone-color-surface, light-dark(#f6f8fa, #0d1117));
    --_border: var(--ninjaone-color-border, light-dark(#d0d7de, #3d444d));
    --_accent: var(--ninjaone-color-accent, light-dark(#0b5cd5, #4c9bff));
    --_on-accent: var(--ninjaone-color-accent-text, light-dark(#fff, #0d1117));
    --_success: var(--ninjaone-color-success, light-dark(#1a7f37, #3fb950));
    --_warning: var(--ninjaone-color-warning, light-dark(#8a5a00, #d29922));
    --_danger: var(--ninjaone-color-danger, light-dark(#c21f2c, #ff7b72));
    --_focus: var(--ninjaone-color-focus, light-dark(#0b5cd5, #4c9bff));
    font: var(--ninjaone-font-size, 0.9375rem) / 1.5 var(--ninjaone-font-family, inherit);
    color: var(--_text);
  }
  :host([hidden]) {
    display: none;
  }
  * {
    box-sizing: border-box;
  }
  .card {
    max-width: var(--ninjaone-max-width, 720px);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--ninjaone-radius, 12px);
    box-shadow: var(--ninjaone-shadow, 0 1px 3px #0002);
    padding: 20px 24px;
  }
  h2,
  h3,
  h4,
  p {
    margin: 0;
    font-size: 1em;
  }
  h2 {
    font-size: 1.2em;
  }
  h3,
  summary {
    display: flex;
    align-items: center;
    gap: 10px;
    font-weight: 600;
    font-size: 1.05em;
  }
  [tabindex="-1"] {
    outline: 0;
  }
  .muted,
  dt,
  .hint {
    color: var(--_muted);
  }
  .mono,
  code {
    font-family: ui-monospace, Menlo, Consolas, monospace;
    overflow-wrap: anywhere;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .header,
  .notice,
  .uri,
  .secret,
  .actions,
  .loading {
    display: flex;
    gap: 10px;
    align-items: center;
  }
  .header {
    justify-content: space-between;
    flex-wrap: wrap;
    padding-bottom: 16px;
    border-bottom: 1px solid var(--_border);
  }
  .badge {
    padding: 2px 10px;
    border-radius: 99px;
    font-size: 0.85em;
    font-weight: 600;
    border: 1px solid;
    color: var(--_muted);
  }
  .badge::before {
    content: "● ";
  }
  .connected,
  .ok {
    color: var(--_success);
  }
  .reconnect,
  .warn {
    color: var(--_warning);
  }
  .spinner {
    display: inline-block;
    width: 1em;
    height: 1em;
    border: 2px solid;
    border-right-color: transparent;
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }
  @keyframes spin {
    to {
      transform: rotate(1turn);
    }
  }
  .loading {
    padding-top: 20px;
  }
  .actions {
    flex-wrap: wrap;
    margin-top: 14px;
  }
  .brand {
    flex: 1 1 240px;
  }
  a::after {
    content: " ↗";
  }
  .notice {
    margin-top: 16px;
    padding: 12px 14px;
    border-radius: 8px;
    border: 1px solid;
    border-left-width: 4px;
    background: color-mix(in srgb, currentColor 8%, var(--_bg));
  }
  .notice p {
    color: var(--_text);
    overflow-wrap: anywhere;
  }
  .notice strong {
    display: block;
  }
  .success {
    color: var(--_success);
  }
  .error,
  .field-error,
  .danger-text {
    color: var(--_danger);
  }
  .section {
    padding-top: 18px;
  }
  .section + .section {
    border-top: 1px solid var(--_border);
    margin-top: 16px;
  }
  summary {
    cursor: pointer;
    list-style: none;
  }
  summary::after {
    content: "▾";
    margin-left: auto;
    color: var(--_muted);
  }
  [open] > summary::after {
    content: "▴";
  }
  .step {
    display: inline-grid;
    place-items: center;
    width: 24px;
    height: 24px;
    border-radius: 50%;
    font-size: 0.8em;
    color: var(--_on-accent);
    background: var(--_accent);
  }
  .body {
    padding: 12px 0 0 34px;
  }
  ol {
    display: grid;
    gap: 10px;
    margin: 12px 0 0;
    padding-left: 1.3em;
  }
  a {
    color: var(--_accent);
    font-weight: 600;
  }
  .uri,
  .saved,
  .confirm,
  .chips li,
  input,
  select {
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: 8px;
  }
  .uri {
    margin: 8px 0 4px;
    padding: 6px 6px 6px 12px;
  }
  .uri code {
    flex: 1;
  }
  .hint,
  .field-error {
    font-size: 0.875em;
  }
  .saved,
  .confirm {
    margin-bottom: 16px;
    padding: 12px 14px;
  }
  .confirm {
    margin: 12px 0 0;
    border-color: var(--_danger);
  }
  dl,
  .form,
  .field {
    display: grid;
    gap: 6px;
    margin: 8px 0 0;
  }
  .form {
    gap: 14px;
  }
  dl > div {
    display: grid;
    grid-template-columns: minmax(8em, 34%) 1fr;
    gap: 12px;
  }
  dd {
    margin: 0;
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .chips li {
    padding: 0 8px;
  }
  label,
  .ok,
  .field-error,
  .btn {
    font-weight: 600;
  }
  input,
  select,
  .btn {
    min-height: 38px;
    padding: 7px 10px;
    font: inherit;
    color: var(--_text);
    border-radius: 6px;
  }
  input,
  select {
    width: 100%;
  }
  [aria-invalid="true"] {
    border-color: var(--_danger);
  }
  .btn {
    padding: 7px 16px;
    border: 1px solid var(--_border);
    background: var(--_bg);
    cursor: pointer;
    white-space: nowrap;
    display: inline-flex;
    align-items: center;
    gap: 8px;
  }
  .small {
    min-height: 32px;
    padding: 4px 12px;
  }
  .primary,
  .danger {
    color: var(--_on-accent);
    background: var(--_accent);
    border-color: transparent;
  }
  .danger {
    color: var(--_bg);
    background: var(--_danger);
  }
  .btn:hover {
    filter: brightness(0.95);
  }
  [aria-pressed="true"] {
    border-color: var(--_accent);
  }
  .btn:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  @container (max-width: 480px) {
    .card {
      padding: 16px;
    }
    .body {
      padding-left: 0;
    }
    dl > div {
      grid-template-columns: 1fr;
      gap: 0;
    }
    .actions .btn {
      flex: 1 1 100%;
      justify-content: center;
    }
  }
`;

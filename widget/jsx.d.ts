/**
 * `ninjaone-settings/jsx`: types for <ninjaone-settings> in React's JSX without the wrapper.
 * A types-only entry (it declares the tag in React's `JSX.IntrinsicElements`, React 19's
 * `React.JSX`), kept apart from the element's own types so that hosts without React's types are
 * not asked for them. Load it once, e.g. `import type {} from "ninjaone-settings/jsx";` or
 * `"types": ["ninjaone-settings/jsx"]` in tsconfig.json.
 *
 * Attributes are typed here; the element's object and function properties (`getSessionToken`,
 * `strings`) are not, on purpose: React 19 sets a prop as a property only when the element is
 * already defined, and otherwise drops a function and turns an object into the attribute
 * "[object Object]". Set those through a `ref` (the element picks them up when it is defined), or
 * use the wrapper `ninjaone-settings/react`.
 *
 * @example
 * ```tsx
 * import "ninjaone-settings";
 * import type {} from "ninjaone-settings/jsx";
 *
 * <ninjaone-settings
 *   api-base="https://ninjaone.example.com"
 *   session-token={token}
 *   ref={(el) => { if (el) el.getSessionToken = fetchToken; }}
 *   onninjaone-connected={(e) => console.log(e.detail.scopes)}
 * />
 * ```
 */
import type { DetailedHTMLProps, HTMLAttributes } from "react";
import type {
  NinjaOneConnectedEvent,
  NinjaOneCredentialsSavedEvent,
  NinjaOneDisconnectedEvent,
  NinjaOneErrorEvent,
  NinjaOneSettings,
  NinjaOneStatusEvent,
} from "./index.js";

/** The attributes of <ninjaone-settings>, and its events as React 19 `on<event name>` listeners. */
export interface NinjaOneSettingsAttributes extends HTMLAttributes<NinjaOneSettings> {
  /** The worker's origin. */
  "api-base"?: string;
  /** A widget token (JWT with `aud: ninjaone-settings`). */
  "session-token"?: string;
  /** How the NinjaOne sign-in opens: `popup` (default) or `redirect`. */
  mode?: "popup" | "redirect";
  "onninjaone-credentials-saved"?: (event: NinjaOneCredentialsSavedEvent) => void;
  "onninjaone-connected"?: (event: NinjaOneConnectedEvent) => void;
  "onninjaone-disconnected"?: (event: NinjaOneDisconnectedEvent) => void;
  "onninjaone-error"?: (event: NinjaOneErrorEvent) => void;
  "onninjaone-status"?: (event: NinjaOneStatusEvent) => void;
}

declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "ninjaone-settings": DetailedHTMLProps<NinjaOneSettingsAttributes, NinjaOneSettings>;
    }
  }
}

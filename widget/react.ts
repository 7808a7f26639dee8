/**
 * `ninjaone-settings/react`: <ninjaone-settings> as a React component, made with @lit/react's
 * `createComponent`. Importing it also defines the element (see index.ts).
 *
 * Props `apiBase`, `sessionToken`, `getSessionToken`, `strings` and `mode` are set on the element
 * as properties (so a function and an object arrive as they are); `lang`, `className`, `id`,
 * `style` and the other HTML attributes go through React; `onCredentialsSaved`, `onConnected`,
 * `onDisconnected`, `onError` and `onStatus` listen to the element's events.
 *
 * @example
 * ```tsx
 * import { NinjaOneSettings } from "ninjaone-settings/react";
 *
 * <NinjaOneSettings
 *   apiBase="https://ninjaone.example.com"
 *   getSessionToken={() => fetch("/api/ninjaone-session").then((r) => r.json()).then((b) => b.token)}
 *   onConnected={(e) => console.log("connected", e.detail.scopes)}
 * />
 * ```
 * @module
 */
import * as React from "react";
import { createComponent, type EventName } from "@lit/react";
// a value import, so that loading the wrapper also loads (and defines) the element
import {
  NinjaOneSettings as NinjaOneSettingsElement,
  type NinjaOneConnectedEvent,
  type NinjaOneCredentialsSavedEvent,
  type NinjaOneDisconnectedEvent,
  type NinjaOneErrorEvent,
  type NinjaOneStatusEvent,
} from "./index.js";

export type { NinjaOneSettingsElement };

/** The element's properties that the wrapper sets as properties. */
const PROPERTIES = ["apiBase", "sessionToken", "getSessionToken", "strings", "mode"] as const;

/** The element's properties, as props. */
export type NinjaOneSettingsProperties = Partial<Pick<NinjaOneSettingsElement, (typeof PROPERTIES)[number]>>;

/** The element's events, as props. */
export interface NinjaOneSettingsEventProps {
  /** `ninjaone-credentials-saved`: credentials were saved. */
  onCredentialsSaved?: (event: NinjaOneCredentialsSavedEvent) => void;
  /** `ninjaone-connected`: the NinjaOne account is connected. */
  onConnected?: (event: NinjaOneConnectedEvent) => void;
  /** `ninjaone-disconnected`: the connection and the saved credentials were removed. */
  onDisconnected?: (event: NinjaOneDisconnectedEvent) => void;
  /** `ninjaone-error`: something failed (the element shows it too). */
  onError?: (event: NinjaOneErrorEvent) => void;
  /** `ninjaone-status`: the connection's state, on load and after every change. */
  onStatus?: (event: NinjaOneStatusEvent) => void;
}

export type NinjaOneSettingsProps = Omit<
  React.HTMLAttributes<NinjaOneSettingsElement>,
  keyof NinjaOneSettingsProperties | keyof NinjaOneSettingsEventProps
> &
  NinjaOneSettingsProperties &
  NinjaOneSettingsEventProps &
  React.RefAttributes<NinjaOneSettingsElement>;

const events = {
  onCredentialsSaved: "ninjaone-credentials-saved" as EventName<NinjaOneCredentialsSavedEvent>,
  onConnected: "ninjaone-connected" as EventName<NinjaOneConnectedEvent>,
  onDisconnected: "ninjaone-disconnected" as EventName<NinjaOneDisconnectedEvent>,
  onError: "ninjaone-error" as EventName<NinjaOneErrorEvent>,
  onStatus: "ninjaone-status" as EventName<NinjaOneStatusEvent>,
} satisfies Record<keyof NinjaOneSettingsEventProps, string>;

/**
 * What @lit/react is told the element's class is. It sets a prop on the element as a property when
 * the prop's name is `in elementClass.prototype`, and hands every other prop to React. Lit adds its
 * property accessors to the prototype only when the class is defined, so with the real class a
 * wrapper rendered before `customElements.define` ran (the element's script still loading, or
 * another copy of the element defined first) would hand `getSessionToken` and `strings` to React,
 * which drops a function and sets an object as the attribute "[object Object]". Naming the
 * properties here routes them the same way whenever, and by whichever copy, the element is defined;
 * the element takes the values set on it before it was upgraded.
 */
const routing = {
  name: "NinjaOneSettings",
  prototype: Object.fromEntries(PROPERTIES.map((name) => [name, undefined])),
} as unknown as typeof NinjaOneSettingsElement;

/** <ninjaone-settings> for React. The `ref` is the element. */
export const NinjaOneSettings: React.ForwardRefExoticComponent<NinjaOneSettingsProps> = createComponent({
  react: React,
  tagName: "ninjaone-settings",
  elementClass: routing,
  events,
  displayName: "NinjaOneSettings",
}) as unknown as React.ForwardRefExoticComponent<NinjaOneSettingsProps>;

/**
 * The events <ninjaone-settings> dispatches. All bubble and are composed (they cross shadow
 * roots), and none ever carries the client secret, a token or a `secretLast4`.
 */
import type { LastCheck } from "../contract/index.js";
import type { ErrorCode } from "./strings.js";

/** The connection's state as `ninjaone-status` reports it (and as the badge shows it). */
export type NinjaOneState = "not-configured" | "saved" | "connected" | "reconnect-required" | "credentials-rejected";

export interface StatusDetail {
  state: NinjaOneState;
  /** The saved credentials' region id; absent while nothing is saved. */
  region?: string;
  /** The last connection check, once there is one. */
  lastCheck?: LastCheck;
}

export interface CredentialsSavedDetail {
  region: string;
  clientId: string;
  updatedAt: string;
}

export interface ConnectedDetail {
  region: string | null;
  connectedAt: string | null;
  scopes: string[];
}

export interface ErrorDetail {
  /** One of the worker's fixed codes (the README's "HTTP API"), or the widget's own (`network_error`, `popup_closed`, `api_base_missing`, `unknown`). */
  code: ErrorCode;
  /** The widget's fixed text for that code (never text received from a URL). */
  message: string;
}

const init = <T>(detail: T): CustomEventInit<T> => ({ detail, bubbles: true, composed: true });

/** Credentials were saved (`ninjaone-credentials-saved`). */
export class NinjaOneCredentialsSavedEvent extends CustomEvent<CredentialsSavedDetail> {
  static readonly eventName = "ninjaone-credentials-saved";
  constructor(detail: CredentialsSavedDetail) {
    super(NinjaOneCredentialsSavedEvent.eventName, init(detail));
  }
}

/** The tenant's NinjaOne account is now connected (`ninjaone-connected`). */
export class NinjaOneConnectedEvent extends CustomEvent<ConnectedDetail> {
  static readonly eventName = "ninjaone-connected";
  constructor(detail: ConnectedDetail) {
    super(NinjaOneConnectedEvent.eventName, init(detail));
  }
}

/** The connection and the saved credentials were removed (`ninjaone-disconnected`). */
export class NinjaOneDisconnectedEvent extends CustomEvent<Record<string, never>> {
  static readonly eventName = "ninjaone-disconnected";
  constructor() {
    super(NinjaOneDisconnectedEvent.eventName, init({}));
  }
}

/** Something failed; the widget also shows it (`ninjaone-error`). */
export class NinjaOneErrorEvent extends CustomEvent<ErrorDetail> {
  static readonly eventName = "ninjaone-error";
  constructor(detail: ErrorDetail) {
    super(NinjaOneErrorEvent.eventName, init(detail));
  }
}

/**
 * The state as loaded, and again whenever the state, the region or the last check changes
 * (`ninjaone-status`): a host can show "NinjaOne needs attention" elsewhere.
 */
export class NinjaOneStatusEvent extends CustomEvent<StatusDetail> {
  static readonly eventName = "ninjaone-status";
  constructor(detail: StatusDetail) {
    super(NinjaOneStatusEvent.eventName, init(detail));
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    "ninjaone-credentials-saved": NinjaOneCredentialsSavedEvent;
    "ninjaone-connected": NinjaOneConnectedEvent;
    "ninjaone-disconnected": NinjaOneDisconnectedEvent;
    "ninjaone-error": NinjaOneErrorEvent;
    "ninjaone-status": NinjaOneStatusEvent;
  }
}

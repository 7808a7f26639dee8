/**
 * Every user-facing text of <ninjaone-settings>, in English.
 *
 * Hosts change wording or translate in two ways:
 * - per element: `el.strings = { connect: "Verbinden", errors: { access_denied: { message: "…" } } }`
 *   (a partial object; `errors` entries are merged per code);
 * - per language: `customElements.get("ninjaone-settings").translations.de = { … }` (what
 *   widget/locales/de.ts and fr.ts do when imported), selected by the element's `lang` attribute
 *   (or the nearest `lang` of its ancestors / the document), falling back to the base language
 *   (`de-CH` → `de`) and then to English.
 *
 * `{name}` placeholders are filled in by the element; a missing value leaves the placeholder empty.
 */

import type { ApiErrorCode, FlowErrorCode } from "../contract/index.js";

/** The fixed error codes the widget knows: the worker's (the README's "HTTP API") and the widget's own. */
export type ErrorCode = ApiErrorCode | FlowErrorCode | "network_error" | "popup_closed" | "api_base_missing" | "unknown";

export interface ErrorText {
  /** What happened, in plain language. */
  message: string;
  /** What to do about it. */
  action: string;
}

export const en = {
  title: "NinjaOne RMM",
  loading: "Loading NinjaOne settings…",
  retry: "Try again",

  badgeNotConfigured: "Not set up",
  badgeSaved: "Not connected",
  badgeConnected: "Connected",
  badgeReconnect: "Reconnect required",
  badgeCredentialsRejected: "Secret rejected",

  setupHeading: "Create a client app in NinjaOne",
  setupStep1: "As a NinjaOne system administrator, open Administration → Apps → API → Client app IDs.",
  setupOpenLink: "Open the NinjaOne API settings ({region})",
  newTab: "(new tab)",
  setupStep2: "Click “Add client app”. Platform: “Web (PHP, Java, .Net Core, etc.)”.",
  setupStep3: "Name: shown to your users when they allow access.",
  setupStep4: "Redirect URIs: paste this address and press Enter.",
  setupStep5: "Scopes: Monitoring (and Management if needed). Grant types: Authorization code and Refresh token.",
  setupStep6: "Click Add, then copy the Client ID and Client Secret. The secret is shown only once.",
  redirectUriNote: "It must match exactly (no trailing slash). NinjaOne may take up to an hour to pick up a change.",
  copy: "Copy",
  copyLabel: "Copy redirect URI",
  copied: "Copied",
  copiedAnnouncement: "Redirect URI copied.",
  copyFailed: "Couldn't copy: the address is selected, press Ctrl+C.",

  credentialsHeading: "Enter the credentials",
  regionLabel: "NinjaOne region",
  regionHint: "Where you sign in to NinjaOne.",
  clientIdLabel: "Client ID",
  clientSecretLabel: "Client Secret",
  clientSecretKeepHint: "Leave blank to keep the saved secret.",
  clientSecretRequiredForChange: "Enter the secret for the new Client ID or region.",
  clientSecretRejectedHint: "Required: NinjaOne rejected the saved secret. Enter the current one.",
  showSecret: "Show",
  hideSecret: "Hide",
  showSecretLabel: "Show client secret",
  hideSecretLabel: "Hide client secret",
  changeEndsConnection: "Saving another Client ID or region ends the current connection.",
  save: "Save credentials",
  saving: "Checking with NinjaOne…",
  savedAnnouncement: "Credentials saved.",

  savedSecretEnding: "ending in {last4}",
  savedUpdated: "Last saved",
  savedUpdatedBy: "{date} by {user}",

  connectionHeading: "Connect",
  notConfiguredText: "NinjaOne is not set up yet.",
  notConnectedText: "Sign in to NinjaOne and allow access.",
  connectNeedsCredentials: "Save your credentials first.",
  connect: "Connect to NinjaOne",
  connecting: "Connecting…",
  connectingHint: "Finish signing in to NinjaOne in the window that opened.",
  reconnect: "Reconnect",
  reconnectText: "NinjaOne no longer accepts this connection (access expired or was revoked). Reconnect: your saved credentials are reused.",
  credentialsRejectedText:
    "NinjaOne no longer accepts the saved Client Secret (it was changed or regenerated in NinjaOne). Enter the current Client Secret below and save: the connection resumes without signing in again.",
  connectedText: "Connected to NinjaOne.",
  connectedSince: "Connected since",
  scopes: "Granted scopes",
  connectedAnnouncement: "NinjaOne connected.",
  changeCredentials: "Change credentials",
  readOnly: "Ask an administrator of your account to change this.",

  testConnection: "Test connection",
  checking: "Testing…",
  lastCheck: "Last check",
  checkOk: "Checked {time}: NinjaOne answered.",
  checkUnauthorized: "Checked {time}: NinjaOne refused the connection's access. Reconnect.",
  checkScopeMissing: "Checked {time}: the client app lacks the Monitoring scope. Add it in NinjaOne, then reconnect.",
  checkUnreachable: "Checked {time}: NinjaOne could not be reached.",
  checkError: "Checked {time}: NinjaOne answered with an error.",

  webhooks: "NinjaOne webhooks",
  webhooksRegistered: "Registered {date}",
  webhooksPending: "Registering NinjaOne webhooks…",
  webhooksNotPermitted: "Webhooks need a NinjaOne system administrator: reconnect as one.",

  disconnect: "Disconnect",
  removeCredentials: "Remove credentials",
  confirmHeading: "Disconnect NinjaOne?",
  confirmText: "This also removes the saved Client ID and Client Secret.",
  confirmYes: "Disconnect and remove credentials",
  confirmNo: "Cancel",
  disconnecting: "Disconnecting…",
  disconnectedAnnouncement: "Disconnected; credentials removed.",

  errorPrefix: "Error:",
  errors: {
    credentials_not_configured: {
      message: "No credentials are saved.",
      action: "Save the Client ID and Client Secret, then connect.",
    },
    invalid_state: {
      message: "This sign-in could not be verified (already used, or from another browser).",
      action: "Connect again, in this browser.",
    },
    state_expired: {
      message: "The sign-in expired.",
      action: "Connect again and finish within 10 minutes.",
    },
    access_denied: {
      message: "Access was not granted in NinjaOne.",
      action: "Connect again and allow access.",
    },
    redirect_uri_mismatch: {
      message: "NinjaOne rejected the redirect URI.",
      action: "Set the client app's redirect URI to exactly {redirectUri}, save, and connect again. NinjaOne may take up to an hour to pick up a change.",
    },
    ninjaone_error: {
      message: "NinjaOne reported an error.",
      action: "Check that the client app is a “Web” app with the Authorization code and Refresh token grant types.",
    },
    token_exchange_failed: {
      message: "NinjaOne did not accept the Client ID and Client Secret.",
      action: "Check both values and the region, save, and connect again.",
    },
    ninjaone_unreachable: {
      message: "NinjaOne could not be reached.",
      action: "Try again in a few minutes.",
    },
    unauthorized: {
      message: "Your session has expired.",
      action: "Reload the page.",
    },
    forbidden: {
      message: "You may not change this integration.",
      action: "Ask an administrator of your account.",
    },
    invalid_request: {
      message: "Some values are not valid.",
      action: "Correct the highlighted fields.",
    },
    not_found: {
      message: "The integration service was not found.",
      action: "Contact support.",
    },
    payload_too_large: {
      message: "The values are too long.",
      action: "Paste only the Client ID and Client Secret.",
    },
    not_connected: {
      message: "NinjaOne is not connected.",
      action: "Connect to NinjaOne.",
    },
    reconnect_required: {
      message: "NinjaOne needs to be reconnected.",
      action: "Reconnect; your saved credentials are reused.",
    },
    credentials_rejected: {
      message: "NinjaOne rejected the saved Client Secret.",
      action: "Enter the current Client Secret and save; the connection resumes without signing in again.",
    },
    storage_unavailable: {
      message: "Settings storage is unavailable.",
      action: "Try again in a moment.",
    },
    misconfigured: {
      message: "The integration service is misconfigured.",
      action: "Contact support.",
    },
    internal: {
      message: "Something went wrong on our side.",
      action: "Try again later.",
    },
    network_error: {
      message: "The integration service could not be reached.",
      action: "Check your connection and try again.",
    },
    popup_closed: {
      message: "No result came back from the NinjaOne window.",
      action: "If NinjaOne said “Not found”, check the Client ID and the region. Still signing in? This updates when you finish.",
    },
    api_base_missing: {
      message: "Set api-base to your worker's URL.",
      action: "Bundled into this page, the widget cannot tell where the worker is: give it the attribute api-base, e.g. https://ninjaone.example.com.",
    },
    unknown: {
      message: "Something went wrong.",
      action: "Try again later.",
    },
  } satisfies Record<ErrorCode, ErrorText> as Record<ErrorCode, ErrorText>, // every code has a text
};

export type NinjaOneStrings = typeof en;

/** A partial override: any top-level text, and any part of any error's text. */
export type NinjaOneStringsOverride = Partial<Omit<NinjaOneStrings, "errors">> & {
  errors?: Partial<Record<ErrorCode, Partial<ErrorText>>>;
};

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(en.errors, value);
}

/** Layer overrides on top of a base, merging `errors` per code. */
export function mergeStrings(base: NinjaOneStrings, ...overrides: (NinjaOneStringsOverride | undefined)[]): NinjaOneStrings {
  const out: NinjaOneStrings = { ...base, errors: { ...base.errors } };
  for (const o of overrides) {
    if (!o) continue;
    const { errors, ...rest } = o;
    Object.assign(out, rest);
    for (const [code, text] of Object.entries(errors ?? {})) {
      out.errors[code as ErrorCode] = { ...out.errors[code as ErrorCode], ...text };
    }
  }
  return out;
}

/** Fill `{name}` placeholders. */
export function fill(template: string, values: Record<string, string | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");
}

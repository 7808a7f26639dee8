/**
 * `ninjaone-settings/server`: what a host's backend needs to work with the worker — tenant tokens
 * for the widget, a client for the server-to-server API, and verification of signed connection
 * events. No dependencies: WebCrypto and `fetch` only, so it runs in Node 20+, Deno, Bun and Workers.
 *
 * @example
 * ```ts
 * import { createTenantToken, NinjaOneSettingsClient, verifyEvent } from "ninjaone-settings/server";
 *
 * // For the widget's session-token:
 * const sessionToken = await createTenantToken({ secret, tenant: "acme", audience: "ninjaone-settings", user: "alice@acme" });
 *
 * const ninjaone = new NinjaOneSettingsClient({ workerUrl: "https://ninjaone.example.com", tenantTokenSecret: secret });
 * const organizations = await (await ninjaone.fetch("acme", "v2/organizations?pageSize=10")).json();
 *
 * // In your EVENTS_URL handler, with the body as received:
 * const event = await verifyEvent(rawBody, request.headers.get("NinjaOne-Settings-Signature"), eventsSecret);
 * ```
 * @module
 */
export { createTenantToken, type TenantTokenOptions } from "./tenant-token.js";
export {
  NinjaOneSettingsClient,
  type AccessTokenOptions,
  type EventsOptions,
  type FetchFunction,
  type NinjaOneSettingsClientOptions,
} from "./client.js";
export {
  NinjaOneConnectionError,
  NinjaOneSettingsError,
  NinjaOneUnavailableError,
  type ConnectionErrorCode,
  type SdkErrorCode,
} from "./errors.js";
export {
  EventVerificationError,
  signEvent,
  verifyEvent,
  type EventVerificationFailure,
  type RawBody,
  type VerifyEventOptions,
} from "./events.js";
export { SIGNATURE_HEADER } from "../contract/index.js";
export type {
  AccessTokenResponse,
  ApiErrorCode,
  Audience,
  ConnectionEvent,
  ConnectionStatus,
  EventsPage,
  EventType,
  Permission,
  Status,
} from "../contract/index.js";

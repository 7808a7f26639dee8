/**
 * The session of <ninjaone-settings> with the worker, as a Lit reactive controller: where the
 * worker is, which widget token to send (and a fresh one from `getSessionToken` after a 401), what
 * that token permits, loading the status, and telling the element when the user comes back to
 * the page (at most every 30 s), so that a widget left open shows Reconnect once the connection died.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { Status } from "../contract/index.js";
import { ApiError, API_BASE_PATH, request } from "./api.js";

/** Coming back to the page reloads the status at most this often. */
export const RELOAD_MS = 30_000;

/** What the controller reads from its element: its public properties. */
export interface SessionHost extends ReactiveControllerHost, HTMLElement {
  apiBase?: string;
  sessionToken?: string;
  getSessionToken?: () => Promise<string>;
}

/**
 * A widget token's claims, read without verifying them: it is the host's own token, and they only
 * decide what the card shows (which controls; whose status). The worker checks the signature, and
 * answers a read-only token's changes 403 whatever the widget shows.
 */
function claims(token: string | undefined): { perm?: unknown; tenant?: unknown } {
  try {
    return JSON.parse(atob(token!.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) ?? {};
  } catch {
    return {}; // not a JWT: the worker will say so
  }
}

/** Whether a widget token carries `perm: "read"`. */
export const isReadOnly = (token: string | undefined): boolean => claims(token).perm === "read";

export class StatusController implements ReactiveController {
  /** The last token `getSessionToken` gave; it wins over `session-token` until that changes. */
  #fresh: string | undefined;
  #seq = 0;
  #loadedAt = 0;
  /** The tenant of the token the last request carried. */
  #tenant: unknown;
  /** One more each time the token became another tenant's. */
  #generation = 0;

  /** `onReturn`: the user is back on the page and the status is older than RELOAD_MS. */
  constructor(
    private readonly host: SessionHost,
    private readonly onReturn: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    document.addEventListener("visibilitychange", this.#back);
    window.addEventListener("focus", this.#back);
  }

  hostDisconnected(): void {
    document.removeEventListener("visibilitychange", this.#back);
    window.removeEventListener("focus", this.#back);
  }

  /** The worker's base URL without a trailing slash: `api-base`, else the class's `defaultApiBase`. */
  base(): string | undefined {
    const { host } = this;
    return (host.apiBase || (host.constructor as { defaultApiBase?: string }).defaultApiBase)?.replace(/\/+$/, "");
  }

  /**
   * The host set another `session-token`: use it. True when it is another tenant's than the last
   * request's: what the card shows is then someone else's.
   */
  reset(): boolean {
    this.#fresh = undefined;
    const switched = this.#tenant !== undefined && claims(this.token()).tenant !== this.#tenant;
    if (switched) this.#generation++;
    return switched;
  }

  token(): string | undefined {
    return this.#fresh ?? (this.host.sessionToken || undefined);
  }

  /** A fresh token from `getSessionToken`, or undefined when there is none or it failed. */
  async refresh(): Promise<string | undefined> {
    const get = this.host.getSessionToken;
    try {
      return get ? (this.#fresh = await get()) : undefined;
    } catch {
      return undefined;
    }
  }

  readOnly(): boolean {
    return isReadOnly(this.token());
  }

  /**
   * A JSON request to a route of the worker, with the token and its one retry after a 401. The
   * answer to a request made for another tenant than the current token's never arrives: nothing
   * of it may reach this tenant's card.
   */
  async api<T = Status>(method: string, path: string, body?: object): Promise<T> {
    const generation = this.#generation;
    const current = () => generation === this.#generation;
    try {
      const answer = await request<T>(this.base() + API_BASE_PATH + path, method, this, body);
      if (current()) return answer;
    } catch (err) {
      if (current()) throw err;
    } finally {
      if (current()) this.#tenant = claims(this.token()).tenant;
    }
    return new Promise<T>(() => {});
  }

  /** A newer status came from an action (or a token for another tenant): a load still in flight would show an older one. */
  cancel(): void {
    this.#seq++;
  }

  /**
   * GET /status. Undefined when an action or a newer load overtook it; throws an ApiError
   * (`api_base_missing` when bundled without `api-base`: there is no script origin to fall back on).
   */
  async load(): Promise<Status | undefined> {
    const seq = ++this.#seq;
    this.#loadedAt = Date.now();
    try {
      if (!this.base()) throw new ApiError("api_base_missing");
      const status = await this.api("GET", "/status");
      return seq === this.#seq ? status : undefined;
    } catch (err) {
      if (seq === this.#seq) throw err;
    }
  }

  /** Tab shown again, or window focused. */
  #back = (): void => {
    if (document.visibilityState === "visible" && Date.now() - this.#loadedAt >= RELOAD_MS) this.onReturn();
  };
}

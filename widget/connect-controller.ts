/**
 * The connect flow of <ninjaone-settings>, as a Lit reactive controller: the popup and its launch
 * handshake, the ticket of redirect mode, the status poll while the popup is open, and the result
 * that comes back by `postMessage` or in the page URL. docs/security.md ("Starting a flow") says
 * why it works this way: no host's Referrer-Policy can break it, and no other page can use it.
 */
import type { LitElement, ReactiveController } from "lit";
import { FLOW_LIFETIME_MS, type LaunchTicket, type PopupMessage, type Status } from "../contract/index.js";
import { ApiError, API_BASE_PATH } from "./api.js";
import { isErrorCode, type ErrorCode } from "./strings.js";

/** The page-URL parameters a redirect-mode flow comes back with. */
const RETURN_PARAMS = ["ninjaone", "ninjaone_error"];

const toCode = (value: unknown): ErrorCode => (isErrorCode(value) ? value : "unknown");

/** How a flow ended: connected (with the status when it is already known), or an error code. */
export type FlowResult = { status?: Status } | { error: ErrorCode };

export interface ConnectOptions {
  /** The worker's base URL, without a trailing slash. */
  base(): string;
  mode(): "popup" | "redirect";
  /** A JSON request to a route of the worker, with the element's token (and its one retry after a 401). */
  api<T>(method: string, path: string, body?: object): Promise<T>;
  /** The widget token for the popup's launch page: a fresh one when the host gives fresh ones. */
  token(): Promise<string | undefined>;
  /** How often (ms) the status is polled while the popup is open. */
  pollInterval(): number;
  /** Called once per flow when it ends. */
  done(result: FlowResult): void;
}

export class ConnectController implements ReactiveController {
  #popup: Window | null = null;
  /**
   * The popup's window name, one per element: a second click reuses its own popup, but a page in
   * another tab (maybe for another tenant) never takes over this one's — whose opener, which the
   * launch page asks for the token, would still be this page. Uniqueness, not secrecy, is needed.
   */
  readonly #popupName = `ninjaone-connect-${Math.random().toString(36).slice(2)}`;
  #pollTimer: ReturnType<typeof setInterval> | undefined;
  #pendingUntil = 0;
  /** What a redirect-mode flow came back with: `true` for connected, else the error. */
  #returned: ErrorCode | true | undefined;

  constructor(
    private readonly host: LitElement,
    private readonly options: ConnectOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#readReturnParams();
    // Listening all the time keeps one rule in one place: see #onMessage.
    window.addEventListener("message", this.#onMessage);
    window.addEventListener("focus", this.#onWindowFocus);
  }

  hostDisconnected(): void {
    window.removeEventListener("message", this.#onMessage);
    window.removeEventListener("focus", this.#onWindowFocus);
    this.#stopWatching();
  }

  /**
   * Starts a flow. Call it from the click handler itself: the popup opens before any await,
   * otherwise browsers (Safari first) block it. A blocked popup falls back to redirect mode.
   */
  start(): void {
    const popup = this.options.mode() === "redirect" ? null : this.#openPopup();
    if (popup) this.#watch(popup);
    else void this.#redirect();
  }

  /** The result a redirect-mode flow came back with, once (a crafted URL alone claims nothing: the caller checks the status). */
  takeReturned(): ErrorCode | true | undefined {
    const returned = this.#returned;
    this.#returned = undefined;
    return returned;
  }

  /** Forget a flow that may still be pending, and stop watching its popup (after a disconnect, or for another tenant). */
  forget(): void {
    this.#stopWatching();
    this.#pendingUntil = 0;
  }

  /** The page URL without the redirect-mode result parameters: where a flow comes back to. */
  pageUrl(): string {
    const url = new URL(location.href);
    for (const name of RETURN_PARAMS) url.searchParams.delete(name);
    return url.href;
  }

  #workerOrigin(): string {
    return new URL(this.options.base(), location.href).origin;
  }

  /** Redirect mode came back: read `ninjaone` / `ninjaone_error`, then remove them from the URL. */
  #readReturnParams(): void {
    const params = new URLSearchParams(location.search);
    const ok = params.get("ninjaone");
    const error = params.get("ninjaone_error");
    if (ok === null && error === null) return;
    history.replaceState(history.state, "", this.pageUrl());
    // never shown as-is: only a known code picks one of the fixed messages
    this.#returned = error !== null ? toCode(error) : ok === "connected" || undefined;
  }

  // ---------------------------------------------------------------- popup mode

  #openPopup(): Window | null {
    const url = `${this.options.base()}${API_BASE_PATH}/launch?origin=${encodeURIComponent(location.origin)}`;
    const popup = window.open(url, this.#popupName, "popup,width=600,height=720");
    // Blockers answer null, or a window that is already closed.
    return popup && !popup.closed ? popup : null;
  }

  #watch(popup: Window): void {
    this.#popup = popup;
    this.#pendingUntil = Date.now() + FLOW_LIFETIME_MS;
    clearInterval(this.#pollTimer);
    this.#pollTimer = setInterval(() => void this.#check(), this.options.pollInterval());
  }

  #stopWatching(): void {
    this.#popup = null;
    clearInterval(this.#pollTimer);
  }

  /** `mayStillConnect`: the user may yet finish at NinjaOne, so returning to this window checks the status. */
  #end(result: FlowResult, mayStillConnect = false): void {
    this.#stopWatching();
    if (!mayStillConnect) this.#pendingUntil = 0;
    this.options.done(result);
  }

  /**
   * Only the popup of a pending flow, showing a page of the worker, may speak to us: its launch
   * page asks for the token, its result page says how the flow ended.
   */
  #onMessage = (event: MessageEvent): void => {
    const popup = this.#popup;
    if (!popup || event.source !== popup || event.origin !== this.#workerOrigin()) return;
    const data = event.data as { type?: unknown; ok?: unknown; error?: unknown } | null;
    if (data?.type === "ninjaone:launch-ready") void this.#sendToken(popup);
    else if (data?.type === "ninjaone:connect-result") this.#end(data.ok === true ? {} : { error: toCode(data.error) });
  };

  /** Answers the launch page: the token goes to the worker's origin only, in that one window. */
  async #sendToken(popup: Window): Promise<void> {
    const token = await this.options.token();
    if (this.#popup !== popup) return; // the flow ended meanwhile
    if (!token) {
      popup.close();
      this.#end({ error: "unauthorized" });
      return;
    }
    const message: PopupMessage = { type: "ninjaone:launch-token", token, returnTo: this.pageUrl() };
    popup.postMessage(message, this.#workerOrigin());
  }

  /** Polled while the popup is open, and on returning to this window while a flow may be pending. */
  async #check(): Promise<void> {
    const popup = this.#popup;
    const closed = popup?.closed;
    let status: Status | undefined;
    try {
      status = await this.options.api<Status>("GET", "/status");
    } catch {
      // keep polling; the popup's own result still counts
    }
    if (this.#popup !== popup) return; // a result arrived meanwhile
    if (status?.connection.status === "connected") this.#end({ status });
    // Closed without a result: NinjaOne's 404 for an unknown Client ID ends here, so say so.
    // NinjaOne may also have cut the opener link (then `closed` is true early), so returning
    // to this window checks the status again for a while and a later success replaces this.
    else if (closed) this.#end({ error: "popup_closed" }, true);
  }

  #onWindowFocus = (): void => {
    if (!this.#popup && this.#pendingUntil > Date.now()) void this.#check();
  };

  // ---------------------------------------------------------------- redirect mode

  /**
   * A ticket over CORS (which always carries a real Origin), then this tab goes to the worker's
   * launch page, where one click continues to NinjaOne.
   */
  async #redirect(): Promise<void> {
    let ticket: LaunchTicket;
    try {
      ticket = await this.options.api<LaunchTicket>("POST", "/launch-ticket", { returnTo: this.pageUrl() });
    } catch (err) {
      this.options.done({ error: err instanceof ApiError ? err.code : "unknown" });
      return;
    }
    // A form GET is a plain navigation to `/launch?ticket=…`, like following a link.
    const form = document.createElement("form");
    form.method = "GET";
    form.action = `${this.options.base()}${API_BASE_PATH}/launch`;
    form.hidden = true;
    form.append(Object.assign(document.createElement("input"), { type: "hidden", name: "ticket", value: ticket.ticket }));
    this.host.renderRoot.append(form);
    form.submit();
    form.remove();
  }
}

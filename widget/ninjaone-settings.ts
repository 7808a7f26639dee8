import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { ApiClient, ApiError, type CredentialsInput, type Region, type Status } from "./api.js";
import {
  NinjaOneConnectedEvent,
  NinjaOneCredentialsSavedEvent,
  NinjaOneDisconnectedEvent,
  NinjaOneErrorEvent,
} from "./events.js";
import { styles } from "./ninjaone-settings.styles.js";
import { en, fill, isErrorCode, mergeStrings, type ErrorCode, type NinjaOneStrings, type NinjaOneStringsOverride } from "./strings.js";

export * from "./events.js";
export * from "./strings.js";
export type { Connection, CredentialsInput, Region, SavedCredentials, Status } from "./api.js";
export { ApiError } from "./api.js";

/** Where the script was loaded from: the default `apiBase`. */
const SCRIPT_ORIGIN: string = (() => {
  try {
    // a classic script (the IIFE build) has `document.currentScript`; a module has import.meta.url
    const script = document.currentScript as HTMLScriptElement | null;
    return new URL(script?.src || import.meta.url).origin;
  } catch {
    return location.origin;
  }
})();

const RESULT_TYPE = "ninjaone:connect-result";
const POPUP_NAME = "ninjaone-connect";
const PENDING_MS = 10 * 60 * 1000; // a connect flow lives 10 minutes on the worker
const MASK = "••••••••••••";

type Busy = "saving" | "connecting" | "disconnecting" | null;
interface Notice {
  kind: "success" | "error";
  text?: string;
  code?: ErrorCode;
}

/**
 * Lets a tenant connect its own NinjaOne RMM account: setup instructions, the redirect URI to
 * register, client-app credentials, and connect / reconnect / disconnect through OAuth in a popup.
 *
 * @summary NinjaOne RMM connection settings for one tenant, embeddable in any page.
 *
 * @event ninjaone-credentials-saved - Credentials were saved. `detail: {region, clientId, updatedAt}`.
 * @event ninjaone-connected - The NinjaOne account is connected. `detail: {region, connectedAt, expiresAt, scopes}`.
 * @event ninjaone-disconnected - The connection and the saved credentials were removed. `detail: {}`.
 * @event ninjaone-error - Something failed (also shown in the widget). `detail: {code, message}`.
 *
 * @csspart card - The outer card.
 * @csspart header - The card header with the title and the status badge.
 * @csspart title - The card title.
 * @csspart badge - The status badge (also has `badge-connected`, `badge-reconnect`, `badge-saved` or `badge-not-configured`).
 * @csspart notice - The success or error message box (also has `notice-success` or `notice-error`).
 * @csspart section - Each of the three steps (also has `instructions`, `credentials` or `connection`).
 * @csspart step - The number of a step.
 * @csspart setup-link - The link to the API settings page of the selected region.
 * @csspart redirect-uri - The box showing the redirect URI.
 * @csspart copy-button - The button that copies the redirect URI.
 * @csspart label - Field labels.
 * @csspart input - The Client ID and Client Secret inputs.
 * @csspart select - The region select.
 * @csspart secret-toggle - The show/hide button of the Client Secret.
 * @csspart hint - Hints under fields.
 * @csspart field-error - Field error messages.
 * @csspart saved - The summary of the saved credentials.
 * @csspart details - The connection details (connected since, expiry, scopes).
 * @csspart button - Every button (also has `primary-button`, `secondary-button` or `danger-button`).
 * @csspart confirm - The disconnect confirmation.
 *
 * @cssproperty --ninjaone-font-family - Font family. Default: inherited from the page.
 * @cssproperty --ninjaone-font-size - Base font size. Default: 0.9375rem.
 * @cssproperty --ninjaone-color-text - Text color.
 * @cssproperty --ninjaone-color-muted - Secondary text color.
 * @cssproperty --ninjaone-color-background - Card background.
 * @cssproperty --ninjaone-color-surface - Background of inset boxes and inputs.
 * @cssproperty --ninjaone-color-border - Borders.
 * @cssproperty --ninjaone-color-accent - Primary buttons, links, focus accents.
 * @cssproperty --ninjaone-color-accent-text - Text on primary buttons.
 * @cssproperty --ninjaone-color-success - Connected badge and success messages.
 * @cssproperty --ninjaone-color-warning - Reconnect-required badge.
 * @cssproperty --ninjaone-color-danger - Errors and the disconnect button.
 * @cssproperty --ninjaone-color-focus - Focus ring.
 * @cssproperty --ninjaone-radius - Corner radius of the card (controls use a smaller one). Default: 12px.
 * @cssproperty --ninjaone-shadow - Card shadow.
 * @cssproperty --ninjaone-max-width - Maximum width of the card. Default: 720px.
 */
export class NinjaOneSettings extends LitElement {
  static override styles = styles;

  static override properties = {
    apiBase: { attribute: "api-base" },
    sessionToken: { attribute: "session-token" },
    getSessionToken: { attribute: false },
    mode: {},
    lang: { reflect: true },
    strings: { attribute: false },
    _status: { state: true },
    _loadError: { state: true },
    _notice: { state: true },
    _announcement: { state: true },
    _region: { state: true },
    _clientId: { state: true },
    _clientSecret: { state: true },
    _showSecret: { state: true },
    _fieldErrors: { state: true },
    _busy: { state: true },
    _confirming: { state: true },
    _copied: { state: true },
    _setupOpen: { state: true },
  };

  /**
   * Extra languages, selected by `lang`: `NinjaOneSettings.translations.de = {...}`.
   * Each is a partial override of the English strings.
   */
  static translations: Record<string, NinjaOneStringsOverride> = {};

  /** How often (ms) the status is polled while the NinjaOne popup is open. */
  static pollInterval = 2000;

  /** Origin of the worker. Default: the origin this script was loaded from. */
  declare apiBase: string | undefined;
  /** A widget token (JWT with `aud: ninjaone-settings`). Not reflected to the attribute. */
  declare sessionToken: string | undefined;
  /** Called for a fresh widget token: before connecting, and once after a 401. */
  declare getSessionToken: (() => Promise<string>) | undefined;
  /** `popup` (default) or `redirect`: how the NinjaOne sign-in is opened. */
  declare mode: "popup" | "redirect";
  /** Overrides of any user-facing text (see `NinjaOneStringsOverride`). */
  declare strings: NinjaOneStringsOverride | undefined;

  declare private _status: Status | null;
  declare private _loadError: ErrorCode | null;
  declare private _notice: Notice | null;
  declare private _announcement: string;
  declare private _region: string;
  declare private _clientId: string;
  declare private _clientSecret: string;
  declare private _showSecret: boolean;
  declare private _fieldErrors: Record<string, string>;
  declare private _busy: Busy;
  declare private _confirming: boolean;
  declare private _copied: boolean;
  declare private _setupOpen: boolean | null;

  private _freshToken: string | undefined;
  private _popup: Window | null = null;
  private _pollTimer: ReturnType<typeof setInterval> | undefined;
  private _copiedTimer: ReturnType<typeof setTimeout> | undefined;
  private _pendingUntil = 0;
  private _returned: Notice | null = null;
  private _loadSeq = 0;

  private readonly _api = new ApiClient(() => this._base(), {
    token: () => this._freshToken ?? (this.sessionToken || undefined),
    refresh: async () => (this.getSessionToken ? (this._freshToken = await this.getSessionToken()) : undefined),
  });

  constructor() {
    super();
    this.mode = "popup";
    this._status = null;
    this._loadError = null;
    this._notice = null;
    this._announcement = "";
    this._region = "";
    this._clientId = "";
    this._clientSecret = "";
    this._showSecret = false;
    this._fieldErrors = {};
    this._busy = null;
    this._confirming = false;
    this._copied = false;
    this._setupOpen = null;
  }

  // ---------------------------------------------------------------- lifecycle

  override connectedCallback(): void {
    super.connectedCallback();
    this._readReturnParams();
    window.addEventListener("focus", this._onWindowFocus);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener("focus", this._onWindowFocus);
    this._stopWatching();
    clearTimeout(this._copiedTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("sessionToken")) this._freshToken = undefined;
    if (this.hasUpdated && (changed.has("apiBase") || (changed.has("sessionToken") && this._loadError))) {
      void this._load();
    }
  }

  protected override firstUpdated(): void {
    void this._load();
  }

  // ---------------------------------------------------------------- helpers

  private _base(): string {
    return (this.apiBase || SCRIPT_ORIGIN).replace(/\/+$/, "");
  }

  private _lang(): string {
    return this.lang || this.closest("[lang]")?.getAttribute("lang") || document.documentElement.lang || "en";
  }

  private _strings(): NinjaOneStrings {
    const lang = this._lang().toLowerCase();
    const t = NinjaOneSettings.translations;
    return mergeStrings(en, t[lang.split("-")[0]!], t[lang], this.strings);
  }

  private _date(iso: string | undefined): string {
    if (!iso) return "";
    const d = new Date(iso);
    if (isNaN(d.getTime())) return iso;
    try {
      return new Intl.DateTimeFormat(this._lang(), { dateStyle: "medium", timeStyle: "short" }).format(d);
    } catch {
      return d.toLocaleString();
    }
  }

  private _regionOf(id: string | undefined): Region | undefined {
    return this._status?.regions.find((r) => r.id === id);
  }

  private _announce(text: string): void {
    // a no-break space makes a repeated message a change the screen reader announces again
    this._announcement = text === this._announcement ? text + "\u00a0" : text;
  }

  private async _focus(selector: string): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  private _fail(code: ErrorCode): void {
    const s = this._strings();
    this._notice = { kind: "error", code };
    this._announce(`${s.errorPrefix} ${s.errors[code].message}`);
    this.dispatchEvent(new NinjaOneErrorEvent({ code, message: s.errors[code].message }));
  }

  private _succeed(text: string): void {
    this._notice = { kind: "success", text };
    this._announce(text);
  }

  private _applyStatus(status: Status): void {
    const prev = this._status?.credentials;
    const creds = status.credentials;
    const first = !this._status;
    this._status = status;
    this._loadError = null;
    // refill the form only when the saved credentials changed: a status poll keeps what is typed
    if (first || prev?.updatedAt !== creds?.updatedAt || prev?.clientId !== creds?.clientId || prev?.region !== creds?.region) {
      this._region = creds?.region ?? (this._regionOf(this._region) ? this._region : status.regions[0]?.id ?? "");
      this._clientId = creds?.clientId ?? "";
      this._clientSecret = "";
      this._fieldErrors = {};
    }
  }

  private _connectedDetail() {
    const st = this._status;
    return {
      region: st?.credentials?.region ?? null,
      connectedAt: st?.connection.connectedAt ?? null,
      expiresAt: st?.connection.expiresAt ?? null,
      scopes: st?.connection.scopes ?? [],
    };
  }

  private _code(err: unknown): ErrorCode {
    return err instanceof ApiError ? err.code : "unknown";
  }

  // ---------------------------------------------------------------- loading

  private async _load(): Promise<void> {
    const seq = ++this._loadSeq;
    this._loadError = null;
    try {
      const status = await this._api.status();
      if (seq !== this._loadSeq) return;
      this._applyStatus(status);
      this._handleReturn();
    } catch (err) {
      if (seq !== this._loadSeq) return;
      this._loadError = this._code(err);
      this._fail(this._loadError);
    }
  }

  /** Redirect mode came back: read `ninjaone` / `ninjaone_error`, then remove them from the URL. */
  private _readReturnParams(): void {
    const url = new URL(location.href);
    const ok = url.searchParams.get("ninjaone");
    const error = url.searchParams.get("ninjaone_error");
    if (ok === null && error === null) return;
    url.searchParams.delete("ninjaone");
    url.searchParams.delete("ninjaone_error");
    history.replaceState(history.state, "", url.href);
    // never shown as-is: only a known code picks one of the fixed messages
    if (error !== null) this._returned = { kind: "error", code: isErrorCode(error) ? error : "unknown" };
    else if (ok === "connected") this._returned = { kind: "success" };
  }

  private _handleReturn(): void {
    const returned = this._returned;
    this._returned = null;
    if (!returned) return;
    if (returned.kind === "error") {
      this._fail(returned.code!);
      if (returned.code === "redirect_uri_mismatch") this._setupOpen = true;
    } else if (this._status?.connection.status === "connected") {
      // a crafted `?ninjaone=connected` alone claims nothing: the status must agree
      this._succeed(this._strings().connectedAnnouncement);
      this.dispatchEvent(new NinjaOneConnectedEvent(this._connectedDetail()));
    }
  }

  // ---------------------------------------------------------------- credentials

  private _validity() {
    const creds = this._status?.credentials;
    const clientId = this._clientId.trim();
    const secret = this._clientSecret.trim();
    const sameApp = !!creds && creds.region === this._region && creds.clientId === clientId;
    const needsSecret = !sameApp && !secret;
    const valid = !!this._regionOf(this._region) && !!clientId && !needsSecret && (!sameApp || !!secret);
    return { clientId, secret, sameApp, needsSecret, valid };
  }

  private async _save(e: Event): Promise<void> {
    e.preventDefault();
    const v = this._validity();
    if (!v.valid || this._busy) return;
    this._busy = "saving";
    this._notice = null;
    this._fieldErrors = {};
    const body: CredentialsInput = { region: this._region, clientId: v.clientId };
    if (v.secret) body.clientSecret = v.secret;
    try {
      const status = await this._api.saveCredentials(body);
      this._applyStatus(status);
      this._clientSecret = "";
      this._fieldErrors = {};
      this._showSecret = false;
      this._succeed(this._strings().savedAnnouncement);
      const c = status.credentials;
      this.dispatchEvent(
        new NinjaOneCredentialsSavedEvent({
          region: c?.region ?? body.region,
          clientId: c?.clientId ?? body.clientId,
          updatedAt: c?.updatedAt ?? new Date().toISOString(),
        }),
      );
      this._busy = null;
      await this._focus(status.connection.status === "connected" ? "#saved-heading" : "#connect");
    } catch (err) {
      this._busy = null;
      if (err instanceof ApiError) this._fieldErrors = err.fields;
      this._fail(this._code(err));
      const first = ["region", "clientId", "clientSecret"].find((f) => this._fieldErrors[f]);
      if (first) await this._focus(`#${first}`);
    }
  }

  private async _copy(): Promise<void> {
    const s = this._strings();
    try {
      await navigator.clipboard.writeText(this._status?.redirectUri ?? "");
      this._copied = true;
      this._announce(s.copiedAnnouncement);
      clearTimeout(this._copiedTimer);
      this._copiedTimer = setTimeout(() => (this._copied = false), 2500);
    } catch {
      const code = this.renderRoot.querySelector("#redirect-uri");
      const selection = getSelection();
      if (code && selection) {
        const range = document.createRange();
        range.selectNodeContents(code);
        selection.removeAllRanges();
        selection.addRange(range);
      }
      this._announce(s.copyFailed);
    }
  }

  // ---------------------------------------------------------------- connecting

  private _connect(): void {
    if (this._busy === "connecting" && this._popup && !this._popup.closed) {
      this._popup.focus();
      return;
    }
    if (!this._status?.credentials || this._busy) return;
    this._notice = null;
    let popup: Window | null = null;
    if (this.mode !== "redirect") {
      // opened synchronously, before any await: otherwise browsers (Safari first) block it
      popup = window.open("", POPUP_NAME, "popup,width=600,height=720");
      if (popup?.closed) popup = null; // blocked: fall back to redirect mode
    }
    this._busy = "connecting";
    if (popup) this._watch(popup);
    void this._postConnect(popup);
  }

  private async _postConnect(popup: Window | null): Promise<void> {
    let token: string | undefined;
    try {
      token = this.getSessionToken ? (this._freshToken = await this.getSessionToken()) : this.sessionToken;
    } catch {
      token = undefined;
    }
    if (!token) {
      popup?.close();
      this._stopWatching();
      this._busy = null;
      this._fail("unauthorized");
      return;
    }
    const returnTo = new URL(location.href);
    returnTo.searchParams.delete("ninjaone");
    returnTo.searchParams.delete("ninjaone_error");
    const form = document.createElement("form");
    form.method = "POST";
    form.action = this._api.connectUrl();
    form.target = popup ? POPUP_NAME : "_self";
    form.hidden = true;
    const fields = { token, return_to: returnTo.href, mode: popup ? "popup" : "redirect" };
    for (const [name, value] of Object.entries(fields)) {
      const input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = value;
      form.append(input);
    }
    this.renderRoot.append(form);
    form.submit();
    form.remove();
  }

  private _watch(popup: Window): void {
    this._popup = popup;
    this._pendingUntil = Date.now() + PENDING_MS;
    window.addEventListener("message", this._onMessage);
    clearInterval(this._pollTimer);
    this._pollTimer = setInterval(() => void this._check(), NinjaOneSettings.pollInterval);
  }

  private _stopWatching(): void {
    this._popup = null;
    clearInterval(this._pollTimer);
    window.removeEventListener("message", this._onMessage);
  }

  private _onMessage = (event: MessageEvent): void => {
    // only the worker's result page may tell us how the flow ended
    let origin: string;
    try {
      origin = new URL(this._base()).origin;
    } catch {
      return;
    }
    const data = event.data as { type?: unknown; ok?: unknown; error?: unknown } | null;
    if (event.origin !== origin || !this._popup || !data || data.type !== RESULT_TYPE) return;
    this._stopWatching();
    this._pendingUntil = 0;
    if (data.ok === true) void this._connected();
    else {
      this._busy = null;
      this._fail(isErrorCode(data.error) ? data.error : "unknown");
      if (data.error === "redirect_uri_mismatch") this._setupOpen = true;
      void this._focus("#connect");
    }
  };

  /** Polled while the popup is open, and on returning to this window while a flow may be pending. */
  private async _check(): Promise<void> {
    const popup = this._popup;
    const closed = popup?.closed;
    let status: Status | undefined;
    try {
      status = await this._api.status();
    } catch {
      // keep polling; the popup's own result still counts
    }
    if (this._popup !== popup) return; // a result arrived meanwhile
    if (status?.connection.status === "connected") {
      this._stopWatching();
      this._pendingUntil = 0;
      void this._connected(status);
    } else if (closed) {
      // closed without a result. NinjaOne may also have cut the opener link (then `closed` is
      // true early), so returning to this window checks the status again for a while.
      this._stopWatching();
      this._busy = null;
    }
  }

  private _onWindowFocus = (): void => {
    if (!this._popup && !this._busy && this._pendingUntil > Date.now()) void this._check();
  };

  private async _connected(status?: Status): Promise<void> {
    this._busy = "connecting";
    try {
      this._applyStatus(status ?? (await this._api.status()));
    } catch (err) {
      this._busy = null;
      this._fail(this._code(err));
      return;
    }
    this._busy = null;
    this._confirming = false;
    this._succeed(this._strings().connectedAnnouncement);
    this.dispatchEvent(new NinjaOneConnectedEvent(this._connectedDetail()));
    await this._focus("#connection-heading");
  }

  // ---------------------------------------------------------------- disconnecting

  private async _askDisconnect(): Promise<void> {
    this._confirming = true;
    await this._focus("#confirm-no");
  }

  private async _cancelDisconnect(): Promise<void> {
    this._confirming = false;
    await this._focus("#disconnect");
  }

  private async _disconnect(): Promise<void> {
    if (this._busy) return;
    this._busy = "disconnecting";
    this._notice = null;
    try {
      const status = await this._api.disconnect();
      this._busy = null;
      this._confirming = false;
      this._pendingUntil = 0;
      this._applyStatus(status);
      this._succeed(this._strings().disconnectedAnnouncement);
      this.dispatchEvent(new NinjaOneDisconnectedEvent());
      await this._focus("#clientId");
    } catch (err) {
      this._busy = null;
      this._fail(this._code(err));
      await this._focus("#confirm-no");
    }
  }

  // ---------------------------------------------------------------- rendering

  protected override render(): TemplateResult {
    const s = this._strings();
    const st = this._status;
    if (!st) {
      return html`<section part="card" class="card" aria-labelledby="title" aria-busy=${this._loadError ? "false" : "true"}>
        ${this._header(s, null)} ${this._live()}
        ${this._loadError
          ? html`${this._noticeBox(s)}
              <div class="actions">
                <button part="button secondary-button" class="btn" @click=${() => this._load()}>${s.retry}</button>
              </div>`
          : html`<p class="loading"><span class="spinner" aria-hidden="true"></span>${s.loading}</p>`}
      </section>`;
    }
    const state = !st.credentials
      ? "not-configured"
      : st.connection.status === "connected"
        ? "connected"
        : st.connection.status === "reconnect_required"
          ? "reconnect"
          : "saved";
    return html`<section part="card" class="card" aria-labelledby="title">
      ${this._header(s, state)} ${this._live()} ${this._noticeBox(s)}
      ${this._instructions(s, st)} ${this._credentials(s, st)} ${this._connection(s, st)}
    </section>`;
  }

  private _header(s: NinjaOneStrings, state: string | null): TemplateResult {
    const badge =
      state === "connected" ? s.badgeConnected
      : state === "reconnect" ? s.badgeReconnect
      : state === "saved" ? s.badgeSaved
      : s.badgeNotConfigured;
    return html`<header part="header" class="header">
      <div class="brand">
        <h2 id="title" part="title">${s.title}</h2>
        <p class="muted">${s.subtitle}</p>
      </div>
      ${state ? html`<span part="badge badge-${state}" class="badge ${state}">${badge}</span>` : nothing}
    </header>`;
  }

  private _live(): TemplateResult {
    return html`<div class="sr-only" role="status">${this._announcement}</div>`;
  }

  private _noticeBox(s: NinjaOneStrings): TemplateResult | typeof nothing {
    const n = this._notice;
    if (!n) return nothing;
    if (n.kind === "success") {
      return html`<div part="notice notice-success" class="notice success"><p><strong>${n.text}</strong></p></div>`;
    }
    const text = s.errors[n.code ?? "unknown"];
    return html`<div part="notice notice-error" class="notice error">
      <p>
        <strong><span class="sr-only">${s.errorPrefix} </span>${text.message}</strong>
        ${fill(text.action, { redirectUri: this._status?.redirectUri })}
      </p>
    </div>`;
  }

  private _instructions(s: NinjaOneStrings, st: Status): TemplateResult {
    const region = this._regionOf(this._region) ?? st.regions[0];
    const link = region && /^https?:\/\//.test(region.baseUrl)
      ? region.baseUrl.replace(/\/+$/, "") + "/#/administration/apps/api/client"
      : null;
    const open = this._setupOpen ?? !st.credentials;
    return html`<details
      part="section instructions"
      class="section"
      ?open=${open}
      @toggle=${(e: Event) => (this._setupOpen = (e.target as HTMLDetailsElement).open)}
    >
      <summary><span part="step" class="step" aria-hidden="true">1</span><span class="h3">${s.setupHeading}</span></summary>
      <div class="body">
        <p class="muted">${s.setupIntro}</p>
        <ol>
          <li>
            ${s.setupStep1}
            ${link
              ? html`<br /><a part="setup-link" href=${link} target="_blank" rel="noopener noreferrer"
                    >${fill(s.setupOpenLink, { region: region!.label })}<span class="sr-only"> ${s.newTab}</span></a
                  >`
              : nothing}
          </li>
          <li>${s.setupStep2}</li>
          <li>${s.setupStep3}</li>
          <li>
            ${s.setupStep4}
            <div part="redirect-uri" class="uri">
              <code id="redirect-uri">${st.redirectUri}</code>
              <button
                part="button secondary-button copy-button"
                class="btn small"
                aria-label=${s.copyLabel}
                @click=${this._copy}
              >
                ${this._copied ? s.copied : s.copy}
              </button>
            </div>
            <p part="hint" class="hint">${s.redirectUriNote}</p>
          </li>
          <li>${s.setupStep5}</li>
          <li>${s.setupStep6}</li>
        </ol>
      </div>
    </details>`;
  }

  private _credentials(s: NinjaOneStrings, st: Status): TemplateResult {
    const creds = st.credentials;
    const v = this._validity();
    const errs = this._fieldErrors;
    const busy = this._busy === "saving";
    const connected = st.connection.status !== "not_connected";
    const secretHint = v.needsSecret && creds && v.clientId
      ? s.clientSecretRequiredForChange
      : creds
        ? s.clientSecretKeepHint
        : s.clientSecretNewHint;
    const describedBy = (id: string, hint?: boolean) =>
      [hint ? `${id}-hint` : "", errs[id] ? `${id}-error` : ""].filter(Boolean).join(" ") || nothing;
    const fieldError = (id: string) =>
      errs[id] ? html`<p part="field-error" class="field-error" id="${id}-error">${errs[id]}</p>` : nothing;
    return html`<section part="section credentials" class="section" aria-labelledby="credentials-heading">
      <h3 id="credentials-heading"><span part="step" class="step" aria-hidden="true">2</span>${s.credentialsHeading}</h3>
      <div class="body">
        ${creds
          ? html`<div part="saved" class="saved">
              <h4 id="saved-heading" tabindex="-1">${s.savedHeading}</h4>
              <dl>
                <div><dt>${s.savedRegion}</dt><dd>${this._regionOf(creds.region)?.label ?? creds.region}</dd></div>
                <div><dt>${s.savedClientId}</dt><dd class="mono">${creds.clientId}</dd></div>
                <div>
                  <dt>${s.savedSecret}</dt>
                  <dd class="mono">
                    <span aria-hidden="true">${MASK}${creds.secretLast4}</span
                    ><span class="sr-only">${fill(s.savedSecretEnding, { last4: creds.secretLast4 })}</span>
                  </dd>
                </div>
                <div>
                  <dt>${s.savedUpdated}</dt>
                  <dd>
                    ${creds.updatedBy
                      ? fill(s.savedUpdatedBy, { date: this._date(creds.updatedAt), user: creds.updatedBy })
                      : this._date(creds.updatedAt)}
                  </dd>
                </div>
              </dl>
            </div>`
          : nothing}
        <form class="form" novalidate @submit=${this._save}>
          <div class="field">
            <label part="label" for="region">${s.regionLabel}</label>
            <select
              part="select"
              id="region"
              aria-invalid=${errs.region ? "true" : "false"}
              aria-describedby=${describedBy("region", true)}
              @change=${(e: Event) => (this._region = (e.target as HTMLSelectElement).value)}
            >
              ${st.regions.map((r) => html`<option value=${r.id} ?selected=${r.id === this._region}>${r.label}</option>`)}
            </select>
            <p part="hint" class="hint" id="region-hint">${s.regionHint}</p>
            ${fieldError("region")}
          </div>
          <div class="field">
            <label part="label" for="clientId">${s.clientIdLabel}</label>
            <input
              part="input"
              id="clientId"
              class="mono"
              autocomplete="off"
              spellcheck="false"
              required
              .value=${this._clientId}
              aria-invalid=${errs.clientId ? "true" : "false"}
              aria-describedby=${describedBy("clientId")}
              @input=${(e: Event) => (this._clientId = (e.target as HTMLInputElement).value)}
            />
            ${fieldError("clientId")}
          </div>
          <div class="field">
            <label part="label" for="clientSecret">${s.clientSecretLabel}</label>
            <div class="secret">
              <input
                part="input"
                id="clientSecret"
                class="mono"
                type=${this._showSecret ? "text" : "password"}
                autocomplete="off"
                spellcheck="false"
                ?required=${!creds}
                .value=${this._clientSecret}
                aria-invalid=${errs.clientSecret ? "true" : "false"}
                aria-describedby=${describedBy("clientSecret", true)}
                @input=${(e: Event) => (this._clientSecret = (e.target as HTMLInputElement).value)}
              />
              <button
                type="button"
                part="button secondary-button secret-toggle"
                class="btn"
                aria-label=${s.showSecretLabel}
                aria-pressed=${this._showSecret ? "true" : "false"}
                @click=${() => (this._showSecret = !this._showSecret)}
              >
                ${s.showSecret}
              </button>
            </div>
            <p part="hint" class="hint" id="clientSecret-hint">${secretHint}</p>
            ${fieldError("clientSecret")}
          </div>
          ${creds && connected && !v.sameApp
            ? html`<p part="hint" class="hint warn">${s.changeEndsConnection}</p>`
            : nothing}
          <div class="actions">
            <button
              type="submit"
              id="save"
              part="button primary-button"
              class="btn primary"
              ?disabled=${!v.valid && !busy}
              aria-disabled=${busy ? "true" : "false"}
            >
              ${busy ? html`<span class="spinner" aria-hidden="true"></span>${s.saving}` : s.save}
            </button>
          </div>
        </form>
      </div>
    </section>`;
  }

  private _connection(s: NinjaOneStrings, st: Status): TemplateResult {
    const c = st.connection;
    const hasCreds = !!st.credentials;
    const connecting = this._busy === "connecting";
    const connectLabel = connecting ? s.connecting : c.status === "reconnect_required" ? s.reconnect : s.connect;
    const connectButton = html`<button
      id="connect"
      part="button primary-button"
      class="btn primary"
      ?disabled=${!hasCreds}
      aria-disabled=${connecting ? "true" : "false"}
      aria-describedby=${hasCreds ? (connecting ? "connect-hint" : nothing) : "connect-hint"}
      @click=${this._connect}
    >
      ${connecting ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}${connectLabel}
    </button>`;
    const hint = !hasCreds ? s.connectNeedsCredentials : connecting ? s.connectingHint : "";
    let body: TemplateResult;
    if (c.status === "connected") {
      body = html`<p class="ok">${s.connectedText}</p>
        <dl part="details">
          <div><dt>${s.connectedSince}</dt><dd>${this._date(c.connectedAt)}</dd></div>
          <div><dt>${s.tokenExpires}</dt><dd>${this._date(c.expiresAt)} <span class="muted">(${s.tokenExpiresNote})</span></dd></div>
          <div>
            <dt>${s.scopes}</dt>
            <dd><ul class="chips">${(c.scopes ?? []).map((x) => html`<li>${x}</li>`)}</ul></dd>
          </div>
        </dl>`;
    } else if (c.status === "reconnect_required") {
      body = html`<p class="warn">${s.reconnectText}</p>`;
    } else {
      body = html`<p>${s.notConnectedText}</p>`;
    }
    const disconnectLabel = c.status === "not_connected" ? s.removeCredentials : s.disconnect;
    return html`<section part="section connection" class="section" aria-labelledby="connection-heading">
      <h3 id="connection-heading" tabindex="-1"><span part="step" class="step" aria-hidden="true">3</span>${s.connectionHeading}</h3>
      <div class="body">
        ${body}
        ${this._confirming
          ? html`<div part="confirm" class="confirm" role="group" aria-labelledby="confirm-heading" aria-describedby="confirm-text">
              <h4 id="confirm-heading">${s.confirmHeading}</h4>
              <p id="confirm-text">${c.status === "not_connected" ? s.confirmRemoveText : s.confirmText}</p>
              <div class="actions">
                <button
                  id="confirm-yes"
                  part="button danger-button"
                  class="btn danger"
                  aria-disabled=${this._busy === "disconnecting" ? "true" : "false"}
                  @click=${this._disconnect}
                >
                  ${this._busy === "disconnecting" ? html`<span class="spinner" aria-hidden="true"></span>${s.disconnecting}` : s.confirmYes}
                </button>
                <button id="confirm-no" part="button secondary-button" class="btn" @click=${this._cancelDisconnect}>
                  ${s.confirmNo}
                </button>
              </div>
            </div>`
          : html`<div class="actions">
              ${c.status === "connected" ? nothing : connectButton}
              ${hasCreds
                ? html`<button id="disconnect" part="button secondary-button" class="btn danger-text" @click=${this._askDisconnect}>
                    ${disconnectLabel}
                  </button>`
                : nothing}
            </div>
            ${hint ? html`<p part="hint" class="hint" id="connect-hint">${hint}</p>` : nothing}`}
      </div>
    </section>`;
  }
}

if (!customElements.get("ninjaone-settings")) {
  customElements.define("ninjaone-settings", NinjaOneSettings);
}

declare global {
  interface HTMLElementTagNameMap {
    "ninjaone-settings": NinjaOneSettings;
  }
}

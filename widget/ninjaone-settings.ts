import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { ApiError, API_PATH, request, type Region, type Status } from "./api.js";
import { ConnectController, type FlowResult } from "./connect-controller.js";
import {
  NinjaOneConnectedEvent,
  NinjaOneCredentialsSavedEvent,
  NinjaOneDisconnectedEvent,
  NinjaOneErrorEvent,
} from "./events.js";
import { styles } from "./ninjaone-settings.styles.js";
import { en, fill, mergeStrings, type ErrorCode, type NinjaOneStrings, type NinjaOneStringsOverride } from "./strings.js";

export * from "./events.js";
export { en } from "./strings.js";
export type { ErrorCode, ErrorText, NinjaOneStrings, NinjaOneStringsOverride } from "./strings.js";
export type { Connection, CredentialsInput, Region, SavedCredentials, Status } from "./api.js";
export { ApiError } from "./api.js";

/** Where the script was loaded from: the default `apiBase`. */
const SCRIPT_ORIGIN: string = (() => {
  try {
    // a classic script (the IIFE build) has `document.currentScript`; a module has import.meta.url
    return new URL((document.currentScript as HTMLScriptElement | null)?.src || import.meta.url).origin;
  } catch {
    return location.origin;
  }
})();

const MASK = "••••••••••••";

type Busy = "saving" | "connecting" | "disconnecting" | null;
/** A success text, or an error code whose fixed message is shown. */
type Notice = { text?: string; code?: ErrorCode };

const codeOf = (err: unknown): ErrorCode => (err instanceof ApiError ? err.code : "unknown");
const row = (term: string, value: unknown) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`;

/**
 * Lets a tenant connect its own NinjaOne RMM account: setup instructions, the redirect URI to
 * register, client-app credentials, and connect / reconnect / disconnect through OAuth in a popup.
 *
 * @summary NinjaOne RMM connection settings for one tenant, embeddable in any page.
 *
 * @event ninjaone-credentials-saved - Credentials were saved. `detail: {region, clientId, updatedAt}`.
 * @event ninjaone-connected - The NinjaOne account is connected. `detail: {region, connectedAt, scopes}`.
 * @event ninjaone-disconnected - The connection and the saved credentials were removed. `detail: {}`.
 * @event ninjaone-error - Something failed (also shown in the widget). `detail: {code, message}`.
 *
 * @csspart card - The outer card.
 * @csspart header - The card header with the title and the status badge.
 * @csspart title - The card title.
 * @csspart badge - The status badge (also has `badge-connected`, `badge-reconnect`, `badge-credentials-rejected`, `badge-saved` or `badge-not-configured`).
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
 * @cssproperty --ninjaone-color-warning - Reconnect-required and credentials-rejected badges.
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
  mode: "popup" | "redirect" = "popup";
  /** Overrides of any user-facing text (see `NinjaOneStringsOverride`). */
  declare strings: NinjaOneStringsOverride | undefined;

  // reactive state (Lit needs named properties for these; the rest is `#private`). Until the
  // status has loaded most are undefined: the form renders only once it has.
  declare private _status?: Status;
  declare private _notice?: Notice;
  /** The text of the `role="status"` live region. */
  declare private _announcement?: string;
  declare private _region: string;
  declare private _clientId: string;
  declare private _clientSecret: string;
  declare private _showSecret?: boolean;
  declare private _fieldErrors: Record<string, string>;
  declare private _busy?: Busy;
  declare private _confirming?: boolean;
  declare private _copied?: boolean;
  /** Whether the setup instructions are open; undefined: open until credentials are saved. */
  declare private _setupOpen?: boolean;

  #freshToken: string | undefined;
  #copiedTimer: ReturnType<typeof setTimeout> | undefined;
  #loadSeq = 0;
  /** The connect flow: popup or redirect, its handshake with the worker's pages, and its result. */
  #flow = new ConnectController(this, {
    base: () => this.#base(),
    mode: () => this.mode,
    api: (method, path, body) => this.#api(method, path, body),
    token: async () => (this.getSessionToken ? this.#refreshToken() : this.sessionToken || undefined),
    pollInterval: () => NinjaOneSettings.pollInterval,
    done: (result) => this.#flowEnded(result),
  });

  // ---------------------------------------------------------------- lifecycle

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#copiedTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has("sessionToken")) this.#freshToken = undefined;
    if (this.hasUpdated && (changed.has("apiBase") || (changed.has("sessionToken") && !this._status))) {
      void this.#load();
    }
  }

  protected override firstUpdated(): void {
    void this.#load();
  }

  // ---------------------------------------------------------------- helpers

  #base(): string {
    return (this.apiBase || SCRIPT_ORIGIN).replace(/\/+$/, "");
  }

  #api<T = Status>(method: string, path: string, body?: object): Promise<T> {
    return request<T>(this.#base() + API_PATH + path, method, {
      token: () => this.#freshToken ?? (this.sessionToken || undefined),
      refresh: () => this.#refreshToken(),
    }, body);
  }

  /** A fresh token from `getSessionToken`, or undefined when there is none or it failed. */
  async #refreshToken(): Promise<string | undefined> {
    try {
      return this.getSessionToken ? (this.#freshToken = await this.getSessionToken()) : undefined;
    } catch {
      return undefined;
    }
  }

  #lang(): string {
    return this.lang || this.closest("[lang]")?.getAttribute("lang") || document.documentElement.lang || "en";
  }

  #strings(): NinjaOneStrings {
    const lang = this.#lang().toLowerCase();
    const t = NinjaOneSettings.translations;
    return mergeStrings(en, t[lang.split("-")[0]!], t[lang], this.strings);
  }

  #date(iso: string | undefined): string | undefined {
    try {
      return new Date(iso!).toLocaleString(this.#lang(), { dateStyle: "medium", timeStyle: "short" });
    } catch {
      return iso; // `lang` is not a valid language tag
    }
  }

  #regionOf(id: string | undefined): Region | undefined {
    return this._status?.regions.find((r) => r.id === id);
  }

  #announce(text: string): void {
    // a no-break space makes a repeated message a change the screen reader announces again
    this._announcement = text === this._announcement ? text + "\u00a0" : text;
  }

  async #focus(selector: string): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  #fail(code: ErrorCode): void {
    const s = this.#strings();
    const { message } = s.errors[code];
    this._notice = { code };
    this.#announce(`${s.errorPrefix} ${message}`);
    this.dispatchEvent(new NinjaOneErrorEvent({ code, message }));
    if (code === "redirect_uri_mismatch") this._setupOpen = true; // it shows the URI to register
  }

  #succeed(text: string): void {
    this._notice = { text };
    this.#announce(text);
  }

  #applyStatus(status: Status): void {
    const prev = this._status;
    const creds = status.credentials;
    this._status = status;
    // refill the form only when the saved credentials changed (every save changes `updatedAt`):
    // a status poll keeps what is typed
    if (!prev || prev.credentials?.updatedAt !== creds?.updatedAt) {
      this._region = creds?.region ?? (this.#regionOf(this._region) ? this._region : (status.regions[0]?.id ?? ""));
      this._clientId = creds?.clientId ?? "";
      this._clientSecret = "";
      this._fieldErrors = {};
    }
  }

  /** Announces the connection and fires `ninjaone-connected`. */
  #announceConnected(): void {
    const { credentials, connection: c } = this._status!;
    this.#succeed(this.#strings().connectedAnnouncement);
    this.dispatchEvent(
      new NinjaOneConnectedEvent({
        region: credentials?.region ?? null,
        connectedAt: c.connectedAt ?? null,
        scopes: c.scopes ?? [],
      }),
    );
  }

  // ---------------------------------------------------------------- loading

  async #load(): Promise<void> {
    const seq = ++this.#loadSeq;
    this._notice = undefined;
    try {
      const status = await this.#api("GET", "/status");
      if (seq !== this.#loadSeq) return;
      this.#applyStatus(status);
      // back from a redirect-mode flow: a crafted `?ninjaone=connected` alone claims nothing
      const returned = this.#flow.takeReturned();
      if (returned === true) {
        if (status.connection.status === "connected") this.#announceConnected();
      } else if (returned) this.#fail(returned);
    } catch (err) {
      if (seq !== this.#loadSeq) return;
      this.#fail(codeOf(err));
    }
  }

  // ---------------------------------------------------------------- credentials

  /** The form's values and whether they can be saved. */
  #input() {
    const creds = this._status?.credentials;
    const clientId = this._clientId.trim();
    const clientSecret = this._clientSecret.trim();
    const sameApp = creds?.region === this._region && creds.clientId === clientId;
    // blank keeps the saved secret, but with the same region and client id nothing else could change
    const valid = !!this.#regionOf(this._region) && !!clientId && !!clientSecret;
    return { clientId, clientSecret, sameApp, valid };
  }

  async #save(e: Event): Promise<void> {
    e.preventDefault();
    const { clientId, clientSecret, valid } = this.#input();
    if (!valid || this._busy) return;
    this._busy = "saving";
    this._notice = undefined;
    this._fieldErrors = {};
    const body = { region: this._region, clientId, clientSecret };
    try {
      const status = await this.#api("PUT", "/credentials", body);
      this.#applyStatus(status);
      this._clientSecret = "";
      this._fieldErrors = {};
      this._showSecret = false;
      this.#succeed(this.#strings().savedAnnouncement);
      const { region, clientId: savedId, updatedAt } = status.credentials!; // the worker answers the new status
      this.dispatchEvent(new NinjaOneCredentialsSavedEvent({ region, clientId: savedId, updatedAt }));
      this._busy = null;
      await this.#focus(status.connection.status === "connected" ? "#saved-heading" : "#connect");
    } catch (err) {
      this._busy = null;
      if (err instanceof ApiError) this._fieldErrors = err.fields;
      this.#fail(codeOf(err));
      const first = ["region", "clientId", "clientSecret"].find((f) => this._fieldErrors[f]);
      if (first) await this.#focus(`#${first}`);
    }
  }

  async #copy(): Promise<void> {
    const s = this.#strings();
    try {
      await navigator.clipboard.writeText(this._status?.redirectUri ?? "");
      this._copied = true;
      this.#announce(s.copiedAnnouncement);
      clearTimeout(this.#copiedTimer);
      this.#copiedTimer = setTimeout(() => (this._copied = false), 2500);
    } catch {
      // select the address so that Ctrl+C copies it
      const code = this.renderRoot.querySelector("#redirect-uri");
      if (code) getSelection()?.selectAllChildren(code);
      this.#announce(s.copyFailed);
    }
  }

  // ---------------------------------------------------------------- connecting

  #connect(): void {
    if (!this._status?.credentials || this._busy) return;
    this._notice = undefined;
    this._busy = "connecting";
    this.#flow.start(); // synchronously, in the click: it may open a popup
  }

  #flowEnded(result: FlowResult): void {
    if ("error" in result) {
      this._busy = null;
      this.#fail(result.error);
      void this.#focus("#connect");
    } else void this.#connected(result.status);
  }

  async #connected(status?: Status): Promise<void> {
    this._busy = "connecting";
    try {
      this.#applyStatus(status ?? (await this.#api("GET", "/status")));
    } catch (err) {
      this._busy = null;
      this.#fail(codeOf(err));
      return;
    }
    this._busy = null;
    this._confirming = false;
    this.#announceConnected();
    await this.#focus("#connection-heading");
  }

  // ---------------------------------------------------------------- disconnecting

  async #confirm(open: boolean): Promise<void> {
    this._confirming = open;
    await this.#focus(open ? "#confirm-no" : "#disconnect");
  }

  async #disconnect(): Promise<void> {
    if (this._busy) return;
    this._busy = "disconnecting";
    this._notice = undefined;
    try {
      const status = await this.#api("POST", "/disconnect");
      this._busy = null;
      this._confirming = false;
      this.#flow.forget();
      this.#applyStatus(status);
      this.#succeed(this.#strings().disconnectedAnnouncement);
      this.dispatchEvent(new NinjaOneDisconnectedEvent());
      await this.#focus("#clientId");
    } catch (err) {
      this._busy = null;
      this.#fail(codeOf(err));
      await this.#focus("#confirm-no");
    }
  }

  // ---------------------------------------------------------------- rendering

  protected override render(): TemplateResult {
    const s = this.#strings();
    const st = this._status;
    const c = st?.connection.status;
    const state = !st ? null
      : !st.credentials ? "not-configured"
      : c === "connected" ? "connected"
      : c === "reconnect_required" ? "reconnect"
      : c === "credentials_rejected" ? "credentials-rejected"
      : "saved";
    const badges = {
      "not-configured": s.badgeNotConfigured, saved: s.badgeSaved, connected: s.badgeConnected, reconnect: s.badgeReconnect,
      "credentials-rejected": s.badgeCredentialsRejected,
    };
    const n = this._notice;
    const error = n?.code && s.errors[n.code];
    return html`<section part="card" class="card" aria-labelledby="title" aria-busy=${!st && !n}>
<header part="header" class="header">
  <h2 id="title" part="title">${s.title}</h2>
  ${state && html`<span part="badge badge-${state}" class="badge">${badges[state]}</span>`}
</header>
<div class="sr-only" role="status">${this._announcement}</div>
${n && html`<div part="notice notice-${error ? "error" : "success"}" class="notice ${error ? "error" : "success"}"><p>
  <strong>${error ? html`<span class="sr-only">${s.errorPrefix} </span>${error.message}` : n.text}</strong>
  ${error && fill(error.action, { redirectUri: st?.redirectUri })}
</p></div>`}
${st ? [this.#instructions(s, st), this.#credentials(s, st), this.#connection(s, st)]
  : n ? html`<div class="actions"><button part="button secondary-button" class="btn" @click=${this.#load}>${s.retry}</button></div>`
  : html`<p>${s.loading}</p>`}
</section>`;
  }

  #instructions(s: NinjaOneStrings, st: Status): TemplateResult {
    const region = this.#regionOf(this._region) ?? st.regions[0];
    const link = region && /^https?:\/\//.test(region.baseUrl)
      ? region.baseUrl.replace(/\/+$/, "") + "/#/administration/apps/api/client"
      : null;
    return html`<details part="section instructions" class="section" ?open=${this._setupOpen ?? !st.credentials}
  @toggle=${(e: Event) => this.#onSetupToggle(e, st)}>
<summary><span part="step" class="step" aria-hidden="true">1</span>${s.setupHeading}</summary>
<div class="body"><ol>
  <li>${s.setupStep1}
    ${link && html`<br><a part="setup-link" href=${link} target="_blank" rel="noopener noreferrer">${fill(s.setupOpenLink, { region: region!.label.replace(/\s*\(.*$/, "") })}<span class="sr-only"> ${s.newTab}</span></a>`}</li>
  <li>${s.setupStep2}</li>
  <li>${s.setupStep3}</li>
  <li>${s.setupStep4}
    <div part="redirect-uri" class="uri"><code id="redirect-uri">${st.redirectUri}</code
      ><button part="button secondary-button copy-button" class="btn" aria-label=${s.copyLabel} @click=${this.#copy}>${this._copied ? s.copied : s.copy}</button></div>
    <p part="hint" class="hint">${s.redirectUriNote}</p></li>
  <li>${s.setupStep5}</li>
  <li>${s.setupStep6}</li>
</ol></div>
</details>`;
  }

  /** Only the user's own toggles stick: Lit setting `open` fires `toggle` too. */
  #onSetupToggle(e: Event, st: Status): void {
    const open = (e.target as HTMLDetailsElement).open;
    if (open !== (this._setupOpen ?? !st.credentials)) this._setupOpen = open;
  }

  #credentials(s: NinjaOneStrings, st: Status): TemplateResult {
    const creds = st.credentials;
    const { clientId, clientSecret, sameApp, valid } = this.#input();
    const errs = this._fieldErrors;
    const busy = this._busy === "saving";
    // NinjaOne refused the saved secret: only the current one resumes the connection
    const rejected = st.connection.status === "credentials_rejected";
    const secretHint = !creds ? undefined
      : clientId && !sameApp && !clientSecret ? s.clientSecretRequiredForChange
      : rejected ? s.clientSecretRejectedHint
      : s.clientSecretKeepHint;
    // a field: label, control, hint and the worker's error for it, tied to the control
    const describedBy = (id: string, hint?: boolean) =>
      [hint && `${id}-hint`, errs[id] && `${id}-error`].filter(Boolean).join(" ") || nothing;
    const field = (id: string, label: string, control: TemplateResult, hint?: string) => html`<div class="field">
  <label part="label" for=${id}>${label}</label>${control}
  ${hint && html`<p part="hint" class="hint" id="${id}-hint">${hint}</p>`}
  ${errs[id] && html`<p part="field-error" class="field-error" id="${id}-error">${errs[id]}</p>`}
</div>`;
    return html`<section part="section credentials" class="section" aria-labelledby="credentials-heading">
<h3 id="credentials-heading"><span part="step" class="step" aria-hidden="true">2</span>${s.credentialsHeading}</h3>
<div class="body">
${creds && html`<div part="saved" class="saved">
  <h4 id="saved-heading" tabindex="-1">${s.savedHeading}</h4>
  <dl>
    ${row(s.regionLabel, this.#regionOf(creds.region)?.label ?? creds.region)}
    ${row(s.clientIdLabel, html`<span class="mono">${creds.clientId}</span>`)}
    ${row(s.clientSecretLabel, html`<span class="mono" aria-hidden="true">${MASK}${creds.secretLast4}</span><span class="sr-only">${fill(s.savedSecretEnding, { last4: creds.secretLast4 })}</span>`)}
    ${row(s.savedUpdated, fill(creds.updatedBy ? s.savedUpdatedBy : "{date}", { date: this.#date(creds.updatedAt), user: creds.updatedBy }))}
  </dl>
</div>`}
<form class="form" novalidate @submit=${this.#save}>
  ${field("region", s.regionLabel, html`<select part="select" id="region" aria-invalid=${!!errs.region} aria-describedby=${describedBy("region", true)}
    @change=${(e: Event) => (this._region = (e.target as HTMLSelectElement).value)}>
    ${st.regions.map((r) => html`<option value=${r.id} ?selected=${r.id === this._region}>${r.label}</option>`)}
  </select>`, s.regionHint)}
  ${field("clientId", s.clientIdLabel, html`<input part="input" id="clientId" class="mono" autocomplete="off" spellcheck="false" required
    .value=${this._clientId} aria-invalid=${!!errs.clientId} aria-describedby=${describedBy("clientId")}
    @input=${(e: Event) => (this._clientId = (e.target as HTMLInputElement).value)}>`)}
  ${field("clientSecret", s.clientSecretLabel, html`<div class="secret">
    <input part="input" id="clientSecret" class="mono" type=${this._showSecret ? "text" : "password"} autocomplete="off" spellcheck="false" ?required=${!creds || rejected}
      .value=${this._clientSecret} aria-invalid=${!!errs.clientSecret} aria-describedby=${describedBy("clientSecret", !!creds)}
      @input=${(e: Event) => (this._clientSecret = (e.target as HTMLInputElement).value)}>
    <button type="button" part="button secondary-button secret-toggle" class="btn" aria-label=${s.showSecretLabel} aria-pressed=${!!this._showSecret}
      @click=${() => (this._showSecret = !this._showSecret)}>${s.showSecret}</button>
  </div>`, secretHint)}
  ${creds && st.connection.status !== "not_connected" && !sameApp ? html`<p part="hint" class="hint warn">${s.changeEndsConnection}</p>` : nothing}
  <div class="actions"><button type="submit" id="save" part="button primary-button" class="btn primary" ?disabled=${!valid && !busy} aria-disabled=${busy}>${busy ? s.saving : s.save}</button></div>
</form>
</div>
</section>`;
  }

  #connection(s: NinjaOneStrings, st: Status): TemplateResult {
    const c = st.connection;
    const hasCreds = !!st.credentials;
    const connecting = this._busy === "connecting";
    const disconnecting = this._busy === "disconnecting";
    const hint = !hasCreds ? s.connectNeedsCredentials : connecting ? s.connectingHint : "";
    return html`<section part="section connection" class="section" aria-labelledby="connection-heading">
<h3 id="connection-heading" tabindex="-1"><span part="step" class="step" aria-hidden="true">3</span>${s.connectionHeading}</h3>
<div class="body">
${c.status === "connected" ? html`<p class="ok">${s.connectedText}</p>
  <dl part="details">
    ${row(s.connectedSince, this.#date(c.connectedAt))}
    ${row(s.scopes, html`<ul class="chips">${(c.scopes ?? []).map((x) => html`<li>${x}</li>`)}</ul>`)}
  </dl>`
  : c.status === "reconnect_required" ? html`<p class="warn">${s.reconnectText}</p>`
  : c.status === "credentials_rejected" ? html`<p class="warn">${s.credentialsRejectedText}</p>`
  : html`<p>${s.notConnectedText}</p>`}
${this._confirming ? html`<div part="confirm" class="confirm" role="group" aria-labelledby="confirm-heading" aria-describedby="confirm-text">
  <h4 id="confirm-heading">${s.confirmHeading}</h4>
  <p id="confirm-text">${s.confirmText}</p>
  <div class="actions">
    <button id="confirm-yes" part="button danger-button" class="btn danger" aria-disabled=${disconnecting} @click=${this.#disconnect}>${disconnecting ? s.disconnecting : s.confirmYes}</button>
    <button id="confirm-no" part="button secondary-button" class="btn" @click=${() => this.#confirm(false)}>${s.confirmNo}</button>
  </div>
</div>`
  : html`<div class="actions">
  ${c.status === "connected" || c.status === "credentials_rejected" ? nothing : html`<button id="connect" part="button primary-button" class="btn primary" ?disabled=${!hasCreds} aria-disabled=${connecting}
    aria-describedby=${hint ? "connect-hint" : nothing} @click=${this.#connect}>${connecting ? s.connecting : c.status === "reconnect_required" ? s.reconnect : s.connect}</button>`}
  ${st.credentials && html`<button id="disconnect" part="button secondary-button" class="btn danger-text" @click=${() => this.#confirm(true)}>${c.status === "not_connected" ? s.removeCredentials : s.disconnect}</button>`}
</div>
${hint && html`<p part="hint" class="hint" id="connect-hint">${hint}</p>`}`}
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

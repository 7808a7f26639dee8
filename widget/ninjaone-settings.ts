import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { ApiError, type Status } from "./api.js";
import { ConnectController, type FlowResult } from "./connect-controller.js";
import {
  NinjaOneConnectedEvent,
  NinjaOneCredentialsSavedEvent,
  NinjaOneDisconnectedEvent,
  NinjaOneErrorEvent,
  NinjaOneStatusEvent,
  type NinjaOneState,
  type StatusDetail,
} from "./events.js";
import { styles } from "./ninjaone-settings.styles.js";
import { StatusController } from "./status-controller.js";
import { en, mergeStrings, type ErrorCode, type NinjaOneStrings, type NinjaOneStringsOverride } from "./strings.js";
import { badge, connectStep, form, lastCheckText, notice, noticeKind, setup, summary, type Activity, type Form, type Notice, type View } from "./templates.js";

export * from "./events.js";
export { en } from "./strings.js";
export type { ErrorCode, ErrorText, NinjaOneStrings, NinjaOneStringsOverride } from "./strings.js";
export type { Connection, CredentialsInput, LastCheck, Region, SavedCredentials, Status } from "./api.js";
export { ApiError } from "./api.js";

/** The contract's states are the connection statuses with a hyphen, and `saved` for credentials without a connection. */
const stateOf = ({ credentials, connection: { status } }: Status): NinjaOneState =>
  !credentials ? "not-configured" : status === "not_connected" ? "saved" : (status.replace("_", "-") as NinjaOneState);
/** Actions that wait for the worker: nothing else starts meanwhile. */
const BUSY: Activity[] = ["saving", "checking", "connecting", "disconnecting"];
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [["day", 86400], ["hour", 3600], ["minute", 60], ["second", 1]];

const codeOf = (err: unknown): ErrorCode => (err instanceof ApiError ? err.code : "unknown");

/** The connected elements: a translation registered later re-renders them. */
const live = new Set<NinjaOneSettings>();

/**
 * Lets a tenant connect its own NinjaOne RMM account: setup instructions, the redirect URI to
 * register, client-app credentials, and connect / reconnect / test / disconnect through OAuth in a
 * popup. Once anything is saved, the connection's state leads the card.
 *
 * @summary NinjaOne RMM connection settings for one tenant, embeddable in any page.
 *
 * @event {NinjaOneStatusEvent} ninjaone-status - The state, on load and whenever the state, region or last check changes. `detail: {state, region?, lastCheck?}`, `state` one of `not-configured`, `saved`, `connected`, `reconnect-required`, `credentials-rejected`.
 * @event {NinjaOneCredentialsSavedEvent} ninjaone-credentials-saved - Credentials were saved. `detail: {region, clientId, updatedAt}`.
 * @event {NinjaOneConnectedEvent} ninjaone-connected - The NinjaOne account is connected. `detail: {region, connectedAt, scopes}`.
 * @event {NinjaOneDisconnectedEvent} ninjaone-disconnected - The connection and the saved credentials were removed. `detail: {}`.
 * @event {NinjaOneErrorEvent} ninjaone-error - Something failed (also shown in the widget). `detail: {code, message}`.
 *
 * @csspart card - The outer card.
 * @csspart header - The card header with the title and the status badge.
 * @csspart title - The card title.
 * @csspart badge - The status badge (also has `badge-connected`, `badge-reconnect`, `badge-credentials-rejected`, `badge-saved` or `badge-not-configured`).
 * @csspart notice - The message box (also has `notice-success`, `notice-error`, or `notice-info` for a sign-in window closed without a result).
 * @csspart section - Each part of the card (also has `instructions`, `credentials` or `connection`; once anything is saved, `connection` is the summary at the top).
 * @csspart step - The number of a step (while nothing is saved).
 * @csspart setup-link - The link to the API settings page of the selected region.
 * @csspart redirect-uri - The box showing the redirect URI.
 * @csspart copy-button - The button that copies the redirect URI.
 * @csspart label - Field labels.
 * @csspart input - The Client ID and Client Secret inputs.
 * @csspart select - The region select.
 * @csspart secret-toggle - The Show/Hide button of the Client Secret.
 * @csspart hint - Hints under fields and actions (also the read-only note).
 * @csspart field-error - Field error messages.
 * @csspart saved - The saved credentials in the summary (region, Client ID, masked secret, last saved).
 * @csspart details - The connection's details in the summary (connected since, last check, webhooks, scopes).
 * @csspart button - Every button (also has `primary-button`, `secondary-button` or `danger-button`).
 * @csspart confirm - The disconnect confirmation.
 *
 * @cssproperty --ninjaone-font-family - Font family. Default: inherited from the page.
 * @cssproperty --ninjaone-font-size - Base font size. Default: 0.9375rem.
 * @cssproperty --ninjaone-color-text - Text color.
 * @cssproperty --ninjaone-color-muted - Secondary text color (also disabled buttons).
 * @cssproperty --ninjaone-color-background - Card background.
 * @cssproperty --ninjaone-color-surface - Background of inset boxes, inputs and disabled buttons.
 * @cssproperty --ninjaone-color-border - Borders.
 * @cssproperty --ninjaone-color-accent - Primary buttons, links, focus accents.
 * @cssproperty --ninjaone-color-accent-text - Text on primary buttons.
 * @cssproperty --ninjaone-color-success - Connected badge and success messages.
 * @cssproperty --ninjaone-color-warning - Reconnect-required and credentials-rejected badges, failed checks.
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
    // reactive only so that a value set before the element is defined survives its upgrade
    pollInterval: { attribute: false },
    _status: { state: true },
    _activity: { state: true },
    _notice: { state: true },
    _announcement: { state: true },
    _form: { state: true },
    _copied: { state: true },
    _setupOpen: { state: true },
  };

  /**
   * The language registry, selected by `lang`: `customElements.get("ninjaone-settings").translations.de = {...}`
   * (widget/locales/de.ts and fr.ts register themselves so). Each entry is a partial override of
   * the English strings; elements already on the page re-render when one is added.
   */
  static readonly translations: Record<string, NinjaOneStringsOverride> = new Proxy({} as Record<string, NinjaOneStringsOverride>, {
    set(registry, lang: string, strings: NinjaOneStringsOverride) {
      registry[lang] = strings;
      for (const el of live) el.requestUpdate();
      return true;
    },
  });

  /**
   * The worker origin of elements without `api-base`. The script-tag builds set it to the origin
   * they were loaded from (widget/script-entry.ts); bundled (widget/index.ts) there is none, and the element asks
   * for `api-base`.
   */
  static defaultApiBase: string | undefined;


  /** Origin of the worker. Default: `NinjaOneSettings.defaultApiBase` (the script-tag builds: the origin they were loaded from). */
  declare apiBase: string | undefined;
  /** A widget token (JWT with `aud: ninjaone-settings`). Not reflected to the attribute. A `perm: "read"` claim makes the card read-only. */
  declare sessionToken: string | undefined;
  /** Called for a fresh widget token: before connecting, and once after a 401. */
  declare getSessionToken: (() => Promise<string>) | undefined;
  /** `popup` (default) or `redirect`: how the NinjaOne sign-in is opened. */
  mode: "popup" | "redirect" = "popup";
  /** How often (ms) the status is polled while the NinjaOne popup is open. Property only. */
  pollInterval = 2000;
  /** Overrides of any user-facing text (see `NinjaOneStringsOverride`). */
  declare strings: NinjaOneStringsOverride | undefined;
  /**
   * The language of the card's texts, dates and times (a BCP 47 tag such as `de` or `fr-CA`).
   * Default: the nearest `lang` of an ancestor, else the document's. A tag without a registered
   * translation falls back to its base language (`de-CH` → `de`), then to English.
   */
  declare lang: string;

  // reactive state (Lit needs named properties for these; the rest is `#private`). Until the
  // status has loaded most are undefined: the card renders only once it has.
  declare private _status?: Status;
  private _activity: Activity = "idle";
  declare private _notice?: Notice;
  /** The text of the `role="status"` live region. */
  declare private _announcement?: string;
  declare private _form: Form;
  declare private _copied?: boolean;
  /** Whether the setup steps are open; undefined: open until credentials are saved. */
  declare private _setupOpen?: boolean;

  #copiedTimer: ReturnType<typeof setTimeout> | undefined;
  /** The last `ninjaone-status` detail sent, as JSON: the event fires when it changes. */
  #reported: string | undefined;
  #langObserver = new MutationObserver(() => this.requestUpdate());
  /** The worker, tokens and what they permit, loading the status; and the user coming back to the page. */
  #session = new StatusController(this, () => this.#busy() || this.#load(true));
  /** The connect flow: popup or redirect, its handshake with the worker's pages, and its result. */
  #flow = new ConnectController(this, {
    base: () => this.#session.base()!,
    mode: () => this.mode,
    api: (method, path, body) => this.#session.api(method, path, body),
    token: async () => (this.getSessionToken ? this.#session.refresh() : this.#session.token()),
    pollInterval: () => this.pollInterval,
    done: (result) => this.#flowEnded(result),
  });

  // ---------------------------------------------------------------- lifecycle

  override connectedCallback(): void {
    super.connectedCallback();
    live.add(this);
    // the language may come from an ancestor's or the document's `lang`, which a host changes
    // without telling us (only `lang` attributes are watched, so nothing else wakes this)
    this.#langObserver.observe(document.documentElement, { attributeFilter: ["lang"], subtree: true });
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    live.delete(this);
    this.#langObserver.disconnect();
    clearTimeout(this.#copiedTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A host that switches tenants (a single-page app, a React prop) hands over another tenant's
    // token: nothing the card shows or does for the previous tenant may stay.
    if (changed.has("sessionToken") && this.#session.reset()) this.#startOver();
    else if (this.hasUpdated && (changed.has("apiBase") || (changed.has("sessionToken") && !this._status))) void this.#load();
  }

  protected override firstUpdated(): void {
    void this.#load();
  }

  // ---------------------------------------------------------------- helpers

  /** The element's language: its own `lang`, an ancestor's, or the document's; English when it is no valid tag. */
  #lang(): string {
    try {
      return Intl.getCanonicalLocales(this.lang || this.closest("[lang]")?.getAttribute("lang") || document.documentElement.lang || "en")[0]!;
    } catch {
      return "en";
    }
  }

  /** English, under the base language's translation, under the exact tag's (`de`, then `de-CH`), under `strings`. */
  #strings(): NinjaOneStrings {
    const lang = this.#lang(); // canonical: "de-CH", as hosts and locales write the keys
    const t = NinjaOneSettings.translations;
    return mergeStrings(en, t[lang.split("-")[0]!], lang.includes("-") ? t[lang] : undefined, this.strings);
  }

  #date(iso: string | undefined): string {
    return new Date(iso!).toLocaleString(this.#lang(), { dateStyle: "medium", timeStyle: "short" });
  }

  /** "2 minutes ago" in the element's language: the largest whole unit. */
  #ago(iso: string): string {
    const seconds = Math.max(1, (Date.now() - Date.parse(iso)) / 1000);
    const [unit, size] = UNITS.find(([, size]) => seconds >= size)!;
    return new Intl.RelativeTimeFormat(this.#lang(), { numeric: "auto" }).format(-Math.floor(seconds / size), unit);
  }

  #busy(): boolean {
    return BUSY.includes(this._activity);
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
    this.#announce(noticeKind(this._notice) === "error" ? `${s.errorPrefix} ${message}` : message);
    this.dispatchEvent(new NinjaOneErrorEvent({ code, message }));
    if (code === "redirect_uri_mismatch") this._setupOpen = true; // it shows the URI to register
  }

  #succeed(text: string): void {
    this._notice = { text };
    this.#announce(text);
  }

  /** The form shows the saved credentials again, with an empty secret field. */
  #resetForm(status: Status): void {
    const creds = status.credentials;
    const region = this._form?.region;
    this._form = {
      region: creds?.region ?? (status.regions.some((r) => r.id === region) ? region! : (status.regions[0]?.id ?? "")),
      clientId: creds?.clientId ?? "",
      clientSecret: "",
      errors: {},
    };
  }

  #applyStatus(status: Status): void {
    this.#session.cancel(); // this status is newer than any load still in flight
    const prev = this._status;
    this._status = status;
    // refill the form only when the saved credentials changed (every save changes `updatedAt`):
    // a reload keeps what is typed
    if (!prev || prev.credentials?.updatedAt !== status.credentials?.updatedAt) this.#resetForm(status);
    const detail: StatusDetail = { state: stateOf(status) };
    if (status.credentials) detail.region = status.credentials.region;
    if (status.connection.lastCheck) detail.lastCheck = status.connection.lastCheck;
    const reported = JSON.stringify(detail);
    if (reported !== this.#reported) {
      this.#reported = reported;
      this.dispatchEvent(new NinjaOneStatusEvent(detail));
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

  /** The card as on first load: no status, notice, form, flow or busy action of the previous tenant. */
  #startOver(): void {
    this.#flow.forget();
    this._status = undefined;
    this._notice = undefined;
    this._activity = "idle";
    this._setupOpen = undefined; // the form is refilled from the new status: #applyStatus sees no previous one
    this.#reported = undefined; // the new tenant's state is reported, even when it is the same
    void this.#load();
  }

  /** `quiet`: the reload when the user comes back, which keeps the notice and shows no error. */
  async #load(quiet = false): Promise<void> {
    if (!quiet) this._notice = undefined;
    let status: Status | undefined;
    try {
      status = await this.#session.load();
    } catch (err) {
      if (!quiet) this.#fail(codeOf(err));
    }
    if (!status) return; // failed, or overtaken by something newer
    // A success notice about the state the user left ("NinjaOne connected.") is not true of a
    // new one; an error notice stays (it may be what found the change).
    if (quiet && this._notice?.text && this._status && stateOf(this._status) !== stateOf(status)) this._notice = undefined;
    this.#applyStatus(status);
    // back from a redirect-mode flow: a crafted `?ninjaone=connected` alone claims nothing
    const returned = this.#flow.takeReturned();
    if (returned === true) {
      if (status.connection.status === "connected") this.#announceConnected();
    } else if (returned) this.#fail(returned);
  }

  // ---------------------------------------------------------------- credentials

  /** The form's values and whether they can be saved. */
  #input() {
    const creds = this._status?.credentials;
    const { region } = this._form;
    const clientId = this._form.clientId.trim();
    const clientSecret = this._form.clientSecret.trim();
    const sameApp = creds?.region === region && creds.clientId === clientId;
    // blank keeps the saved secret, but with the same region and client id nothing else could change
    const valid = !!this._status?.regions.some((r) => r.id === region) && !!clientId && !!clientSecret;
    return { region, clientId, clientSecret, sameApp, valid };
  }

  /** The fields' `input` and `change`: each field's id is its name in the form state. */
  #onInput(e: Event): void {
    const { id, value } = e.target as HTMLInputElement;
    this._form = { ...this._form, [id]: value };
  }

  /** Switches what the card is doing, then moves the focus to where that starts; not while an action waits for the worker. */
  async #go(activity: Activity, focus: string): Promise<void> {
    if (this.#busy()) return;
    this._activity = activity;
    await this.#focus(focus);
  }

  async #save(e: Event): Promise<void> {
    e.preventDefault();
    const { region, clientId, clientSecret, valid } = this.#input();
    if (!valid || this.#busy() || this.#session.readOnly()) return;
    this._activity = "saving";
    this._notice = undefined;
    this._form = { ...this._form, errors: {} };
    try {
      // the worker checks the credentials with NinjaOne first: the button says so meanwhile
      const status = await this.#session.api("PUT", "/credentials", { region, clientId, clientSecret });
      this._activity = "idle";
      this.#applyStatus(status);
      this.#resetForm(status); // the secret goes, even when nothing else changed
      this.#succeed(this.#strings().savedAnnouncement);
      const saved = status.credentials!; // the worker answers the new status
      this.dispatchEvent(new NinjaOneCredentialsSavedEvent({ region: saved.region, clientId: saved.clientId, updatedAt: saved.updatedAt }));
      await this.#focus(status.connection.status === "connected" ? "#state" : "#connect");
    } catch (err) {
      this._activity = "editing";
      const errors = err instanceof ApiError ? err.fields : {};
      this._form = { ...this._form, errors };
      this.#fail(codeOf(err));
      const first = ["region", "clientId", "clientSecret"].find((f) => errors[f]);
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

  /** Only the user's own toggles stick: Lit setting `open` fires `toggle` too. */
  #onSetupToggle(e: Event): void {
    const open = (e.target as HTMLDetailsElement).open;
    if (open !== (this._setupOpen ?? !this._status?.credentials)) this._setupOpen = open;
  }

  // ---------------------------------------------------------------- connecting and checking

  #connect(): void {
    if (!this._status?.credentials || this.#busy() || this.#session.readOnly()) return;
    this._notice = undefined;
    this._activity = "connecting";
    this.#flow.start(); // synchronously, in the click: it may open a popup
  }

  #flowEnded(result: FlowResult): void {
    if ("error" in result) {
      this._activity = "idle";
      this.#fail(result.error);
      void this.#focus("#connect");
    } else void this.#connected(result.status);
  }

  async #connected(status?: Status): Promise<void> {
    this._activity = "connecting";
    try {
      this.#applyStatus(status ?? (await this.#session.api("GET", "/status")));
    } catch (err) {
      this._activity = "idle";
      this.#fail(codeOf(err));
      return;
    }
    this._activity = "idle";
    this.#announceConnected();
    await this.#focus("#state");
  }

  /** Test connection: the worker asks NinjaOne now and answers the status with the result. */
  async #check(): Promise<void> {
    if (this.#busy()) return;
    this._activity = "checking";
    this._notice = undefined;
    try {
      const status = await this.#session.api("POST", "/check");
      this._activity = "idle";
      this.#applyStatus(status);
      const check = status.connection.lastCheck;
      if (check) this.#announce(lastCheckText(this.#strings(), check, this.#ago(check.at)));
    } catch (err) {
      this._activity = "idle";
      this.#fail(codeOf(err));
      // a 409 says the connection is no longer what the card shows
      await this.#load(true);
    }
    await this.#focus(this._status?.connection.status === "connected" ? "#check" : "#state");
  }

  // ---------------------------------------------------------------- disconnecting

  /** Escape closes the disconnect confirmation, back to the button that opened it. */
  #onKeydown(e: KeyboardEvent): void {
    if (e.key === "Escape" && this._activity === "confirming") void this.#go("idle", "#disconnect");
  }

  async #disconnect(): Promise<void> {
    if (this.#busy() || this.#session.readOnly()) return;
    this._activity = "disconnecting";
    this._notice = undefined;
    try {
      const status = await this.#session.api("POST", "/disconnect");
      this._activity = "idle";
      this.#flow.forget();
      this.#applyStatus(status);
      this.#succeed(this.#strings().disconnectedAnnouncement);
      this.dispatchEvent(new NinjaOneDisconnectedEvent());
      await this.#focus("#clientId");
    } catch (err) {
      this._activity = "confirming";
      this.#fail(codeOf(err));
      await this.#focus("#confirm-no");
    }
  }

  // ---------------------------------------------------------------- rendering

  /** The card listens once for all its buttons and runs the action their id names. */
  #onClick(e: Event): void {
    switch ((e.target as Element).closest("button")?.id) {
      case "connect":
      case "try-again":
        return this.#connect();
      case "check":
        return void this.#check();
      case "edit":
        return void this.#go("editing", "#region");
      case "cancel-edit":
        this.#resetForm(this._status!); // what was typed goes
        return void this.#go("idle", "#edit");
      case "disconnect":
        return void this.#go("confirming", "#confirm-no");
      case "confirm-yes":
        return void this.#disconnect();
      case "confirm-no":
        return void this.#go("idle", "#disconnect");
      case "secret-toggle":
        this._form = { ...this._form, showSecret: !this._form.showSecret };
        return;
      case "copy":
        return void this.#copy();
      case "retry":
        return void this.#load();
    }
  }

  protected override render(): TemplateResult {
    const s = this.#strings();
    const st = this._status;
    const n = this._notice;
    const state = st && stateOf(st);
    return html`<section part="card" class="card" aria-labelledby="title" aria-busy=${!st && !n}
@click=${this.#onClick} @keydown=${this.#onKeydown} @input=${this.#onInput} @change=${this.#onInput} @submit=${this.#save}>
<header part="header" class="header">
<h2 id="title" part="title">${s.title}</h2>
${state ? badge(s, state) : nothing}
</header>
<div class="sr-only" role="status">${this._announcement}</div>
${n ? notice(s, n, st?.redirectUri) : nothing}
${st ? this.#body(s, st, state!)
  : n?.code === "api_base_missing" ? nothing // trying again would not help
  : n ? html`<div class="actions"><button type="button" id="retry" part="button secondary-button">${s.retry}</button></div>`
  : html`<p>${s.loading}</p>`}
</section>`;
  }

  /** The card below the header: the three steps while nothing is saved, else the summary first. */
  #body(s: NinjaOneStrings, st: Status, state: NinjaOneState): unknown {
    const a = this._activity;
    const readOnly = this.#session.readOnly();
    const v: View = {
      s, st, state, activity: a, readOnly,
      busy: this.#busy(),
      form: this._form,
      ...this.#input(),
      copied: this._copied,
      setupOpen: this._setupOpen ?? !st.credentials,
      date: (iso) => this.#date(iso),
      ago: (iso) => this.#ago(iso),
      setupToggle: (e) => this.#onSetupToggle(e),
    };
    // a read-only session sees the state and the last check, and no control that changes them
    if (readOnly) return summary(v, false);
    if (state === "not-configured") return [setup(v), form(v), connectStep(v)];
    return [summary(v, a === "editing" || a === "saving" || state === "credentials-rejected"), setup(v)];
  }
}

// A page may already have the element from the worker's script tag (or a second copy of the
// package): the first definition wins, and both copies take the same attributes and properties.
if (!customElements.get("ninjaone-settings")) {
  customElements.define("ninjaone-settings", NinjaOneSettings);
}

declare global {
  interface HTMLElementTagNameMap {
    "ninjaone-settings": NinjaOneSettings;
  }
}

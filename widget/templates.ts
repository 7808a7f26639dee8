/**
 * The templates of <ninjaone-settings>: one plain function per part of the card. They only read
 * the view the element hands them; every piece of state lives in the element.
 *
 * Buttons have no listeners of their own: the card listens once and acts on the button's id (see
 * the element's `#onClick`), and likewise for the fields' input and the form's submit. Ids are
 * therefore part of how the card works, not just of its tests.
 *
 * Not set up: setup steps (open), the form, and the Connect step, numbered 1–3.
 * Anything saved: the summary at the top (the state in words, its actions, the form only after
 * "Change credentials" — or just the secret field when NinjaOne rejected the saved secret — and
 * then the saved credentials and the connection's details), and the setup steps folded below.
 */
import { html, nothing, type TemplateResult } from "lit";
import type { CheckError, LastCheck, Status, WebhooksStatus } from "../contract/index.js";
import type { NinjaOneState } from "./events.js";
import { fill, type ErrorCode, type NinjaOneStrings } from "./strings.js";

/** What the card is doing: one value in place of a flag per action. */
export type Activity = "idle" | "editing" | "saving" | "checking" | "connecting" | "confirming" | "disconnecting";

/** A success text, or a code whose fixed message is shown. */
export interface Notice {
  text?: string;
  code?: ErrorCode;
}

/** The form as typed; each field's id is its name here. */
export interface Form {
  region: string;
  clientId: string;
  clientSecret: string;
  showSecret?: boolean;
  /** The worker's problem per field, from a 400. */
  errors: Record<string, string>;
}

export interface View {
  s: NinjaOneStrings;
  st: Status;
  state: NinjaOneState;
  activity: Activity;
  /** An action waits for the worker: every other action's button is inert meanwhile, and says so. */
  busy: boolean;
  readOnly: boolean;
  form: Form;
  /** The form's values trimmed, and what saving them would do (see the element's `#input`). */
  region: string;
  clientId: string;
  clientSecret: string;
  sameApp: boolean;
  valid: boolean;
  copied?: boolean;
  setupOpen: boolean;
  /** A date and time in the element's language. */
  date(iso: string | undefined): string;
  /** "2 minutes ago", in the element's language. */
  ago(iso: string): string;
  /** The setup steps were opened or closed (`toggle` does not bubble to the card's listeners). */
  setupToggle(e: Event): void;
}

const MASK = "••••••••••••";
/** Per state: the badge's text, the summary's words, and their color. */
const STATES = {
  "not-configured": ["badgeNotConfigured", "notConfiguredText", ""],
  saved: ["badgeSaved", "notConnectedText", ""],
  connected: ["badgeConnected", "connectedText", "ok"],
  "reconnect-required": ["badgeReconnect", "reconnectText", "warn"],
  "credentials-rejected": ["badgeCredentialsRejected", "credentialsRejectedText", "warn"],
} as const;
const CHECK_TEXTS: Record<CheckError, keyof NinjaOneStrings> = {
  unauthorized: "checkUnauthorized",
  scope_missing: "checkScopeMissing",
  ninjaone_unreachable: "checkUnreachable",
  ninjaone_error: "checkError",
};

const row = (term: string, value: unknown) => html`<div><dt>${term}</dt><dd>${value}</dd></div>`;
/** Step numbers only while the three steps are the whole card. */
const step = (v: View, n: number) => (v.state === "not-configured" ? html`<span part="step" class="step" aria-hidden="true">${n}</span>` : nothing);
/** A button; `inert` while an action runs (its own, or another: still focusable, unlike `disabled`). */
const button = (id: string, label: string, inert?: boolean, kind = "secondary") =>
  html`<button type="button" id=${id} part="button ${kind}-button" class=${kind} aria-disabled=${!!inert}>${label}</button>`;

/** The state's badge (its part keeps the first release's name `badge-reconnect`). */
export const badge = (s: NinjaOneStrings, state: NinjaOneState) =>
  html`<span part="badge badge-${state === "reconnect-required" ? "reconnect" : state}" class="badge">${s[STATES[state][0]]}</span>`;

/** The last check in words: "Checked 2 minutes ago: NinjaOne answered." */
export function lastCheckText(s: NinjaOneStrings, check: LastCheck, time: string): string {
  return fill(s[check.ok ? "checkOk" : (CHECK_TEXTS[check.error!] ?? "checkError")] as string, { time });
}

/** A sign-in window closed on purpose is not a failure: it gets a neutral notice. */
export const noticeKind = (n: Notice) => (!n.code ? "success" : n.code === "popup_closed" ? "info" : "error");

export function notice(s: NinjaOneStrings, n: Notice, redirectUri: string | undefined): TemplateResult {
  const kind = noticeKind(n);
  const error = n.code && s.errors[n.code];
  return html`<div part="notice notice-${kind}" class="notice ${kind}"><p>
<strong>${kind === "error" ? html`<span class="sr-only">${s.errorPrefix} </span>` : nothing}${error ? error.message : n.text}</strong>
${error && fill(error.action, { redirectUri })}</p>
${kind === "info" ? html`<div class="actions">${button("try-again", s.retry)}</div>` : nothing}</div>`;
}

export function setup(v: View): TemplateResult {
  const { s, st } = v;
  const region = st.regions.find((r) => r.id === v.region) ?? st.regions[0];
  const link = region && /^https?:\/\//.test(region.baseUrl) ? region.baseUrl.replace(/\/+$/, "") + "/#/administration/apps/api/client" : null;
  return html`<details part="section instructions" class="section" ?open=${v.setupOpen} @toggle=${v.setupToggle}>
<summary>${step(v, 1)}${s.setupHeading}</summary>
<div class="body"><ol>
<li>${s.setupStep1}
${link && html`<br><a part="setup-link" href=${link} target="_blank" rel="noopener noreferrer">${fill(s.setupOpenLink, { region: region!.label.replace(/\s*\(.*$/, "") })}<span class="sr-only"> ${s.newTab}</span></a>`}</li>
<li>${s.setupStep2}</li>
<li>${s.setupStep3}</li>
<li>${s.setupStep4}
<div part="redirect-uri" class="uri"><code id="redirect-uri">${st.redirectUri}</code
><button type="button" id="copy" part="button secondary-button copy-button" aria-label=${s.copyLabel}>${v.copied ? s.copied : s.copy}</button></div>
<p part="hint" class="hint">${s.redirectUriNote}</p></li>
<li>${s.setupStep5}</li>
<li>${s.setupStep6}</li>
</ol></div>
</details>`;
}

export function form(v: View): TemplateResult {
  const { s, st, form: f } = v;
  const { errors } = f;
  const creds = st.credentials;
  const saving = v.activity === "saving";
  // NinjaOne refused the saved secret: only the current one resumes the connection, so that is
  // all the form asks for until the user chooses "Change credentials"
  const rejected = v.state === "credentials-rejected";
  const secretOnly = rejected && v.activity !== "editing";
  const secretHint = !creds ? undefined
    : v.clientId && !v.sameApp && !v.clientSecret ? s.clientSecretRequiredForChange
    : rejected ? s.clientSecretRejectedHint
    : s.clientSecretKeepHint;
  // a field: label, control, hint and the worker's error for it, tied to the control
  const describedBy = (id: string, hint?: boolean) => [hint && `${id}-hint`, errors[id] && `${id}-error`].filter(Boolean).join(" ") || nothing;
  const field = (id: string, label: string, control: TemplateResult, hint?: string) => html`<div class="field">
<label part="label" for=${id}>${label}</label>${control}
${hint && html`<p part="hint" class="hint" id="${id}-hint">${hint}</p>`}
${errors[id] && html`<p part="field-error" class="field-error" id="${id}-error">${errors[id]}</p>`}
</div>`;
  const appFields = secretOnly ? nothing : [
    field("region", s.regionLabel, html`<select part="select" id="region" aria-invalid=${!!errors.region} aria-describedby=${describedBy("region", true)}>
${st.regions.map((r) => html`<option value=${r.id} ?selected=${r.id === f.region}>${r.label}</option>`)}
</select>`, s.regionHint),
    field("clientId", s.clientIdLabel, html`<input part="input" id="clientId" class="mono" autocomplete="off" spellcheck="false" required
.value=${f.clientId} aria-invalid=${!!errors.clientId} aria-describedby=${describedBy("clientId")}>`),
  ];
  return html`<section part="section credentials" class="section" aria-labelledby="credentials-heading">
<h3 id="credentials-heading">${step(v, 2)}${creds && !secretOnly ? s.changeCredentials : s.credentialsHeading}</h3>
<div class="body"><form novalidate>
${appFields}
${field("clientSecret", s.clientSecretLabel, html`<div class="secret">
<input part="input" id="clientSecret" class="mono" type=${f.showSecret ? "text" : "password"} autocomplete="off" spellcheck="false" ?required=${!creds || rejected}
.value=${f.clientSecret} aria-invalid=${!!errors.clientSecret} aria-describedby=${describedBy("clientSecret", !!creds)}>
<button type="button" id="secret-toggle" part="button secondary-button secret-toggle" aria-label=${f.showSecret ? s.hideSecretLabel : s.showSecretLabel}>${f.showSecret ? s.hideSecret : s.showSecret}</button>
</div>`, secretHint)}
${creds && st.connection.status !== "not_connected" && !v.sameApp ? html`<p part="hint" class="hint warn">${s.changeEndsConnection}</p>` : nothing}
<div class="actions"><button id="save" part="button primary-button" class="primary" ?disabled=${!v.valid && !saving} aria-disabled=${v.busy}>${saving ? s.saving : s.save}</button>
${creds && !secretOnly ? button("cancel-edit", s.confirmNo, v.busy) : nothing}</div>
</form></div>
</section>`;
}

/** Step 3 while nothing is saved: what connecting will do, and why it cannot yet. */
export function connectStep(v: View): TemplateResult {
  const { s } = v;
  return html`<section part="section connection" class="section" aria-labelledby="connection-heading">
<h3 id="connection-heading">${step(v, 3)}${s.connectionHeading}</h3>
<div class="body"><p>${s.notConnectedText}</p>
<div class="actions"><button id="connect" part="button primary-button" class="primary" disabled aria-describedby="connect-hint">${s.connect}</button></div>
<p part="hint" class="hint" id="connect-hint">${s.connectNeedsCredentials}</p></div>
</section>`;
}

/**
 * The top of the card once anything is saved: the state in words, what to do about it, the form
 * when it is open (right there, so that a small screen shows it without scrolling), and the details.
 */
export function summary(v: View, formOpen: boolean): TemplateResult {
  const { s, st, state, activity: a, readOnly } = v;
  const creds = st.credentials;
  const connecting = a === "connecting";
  return html`<div part="section connection" class="section summary">
<p id="state" class=${STATES[state][2]} tabindex="-1">${s[STATES[state][1]]}</p>
${a === "confirming" || a === "disconnecting" ? confirm(v) : html`<div class="actions">
${!readOnly && (state === "saved" || state === "reconnect-required") ? button("connect", connecting ? s.connecting : state === "saved" ? s.connect : s.reconnect, v.busy, "primary") : nothing}
${state === "connected" ? button("check", a === "checking" ? s.checking : s.testConnection, v.busy) : nothing}
${readOnly || !creds ? nothing : [
  a === "editing" || a === "saving" ? nothing : button("edit", s.changeCredentials, v.busy),
  html`<button type="button" id="disconnect" part="button secondary-button" class="danger-text" aria-disabled=${v.busy}>${st.connection.status === "not_connected" ? s.removeCredentials : s.disconnect}</button>`,
]}
</div>
${connecting ? html`<p part="hint" class="hint" id="connect-hint">${s.connectingHint}</p>` : nothing}`}
${readOnly ? html`<p part="hint" class="hint">${s.readOnly}</p>` : nothing}
${formOpen ? form(v) : nothing}
${creds ? details(v) : nothing}
</div>`;
}

function confirm(v: View): TemplateResult {
  const { s } = v;
  const busy = v.activity === "disconnecting";
  return html`<div part="confirm" class="confirm" role="group" aria-labelledby="confirm-heading" aria-describedby="confirm-text">
<h3 id="confirm-heading">${s.confirmHeading}</h3>
<p id="confirm-text">${s.confirmText}</p>
<div class="actions">${button("confirm-yes", busy ? s.disconnecting : s.confirmYes, busy, "danger")}${button("confirm-no", s.confirmNo, busy)}</div>
</div>`;
}

function details(v: View): TemplateResult {
  const { s, st } = v;
  const creds = st.credentials!;
  const c = st.connection;
  return html`<dl part="saved">
${row(s.regionLabel, st.regions.find((r) => r.id === creds.region)?.label ?? creds.region)}
${row(s.clientIdLabel, html`<span class="mono">${creds.clientId}</span>`)}
${row(s.clientSecretLabel, html`<span class="mono" aria-hidden="true">${MASK}${creds.secretLast4}</span><span class="sr-only">${fill(s.savedSecretEnding, { last4: creds.secretLast4 })}</span>`)}
${row(s.savedUpdated, fill(creds.updatedBy ? s.savedUpdatedBy : "{date}", { date: v.date(creds.updatedAt), user: creds.updatedBy }))}
</dl>
${c.status === "not_connected" ? nothing : html`<dl part="details">
${c.connectedAt ? row(s.connectedSince, v.date(c.connectedAt)) : nothing}
${c.lastCheck ? row(s.lastCheck, html`<span class=${c.lastCheck.ok ? "" : "warn"}>${lastCheckText(s, c.lastCheck, v.ago(c.lastCheck.at))}</span>`) : nothing}
${c.webhooks ? row(s.webhooks, webhooks(v, c.webhooks)) : nothing}
${c.scopes?.length ? row(s.scopes, html`<span class="mono">${c.scopes.join(", ")}</span>`) : nothing}
</dl>`}`;
}

function webhooks(v: View, w: WebhooksStatus): unknown {
  const { s } = v;
  return w.status === "registered" ? fill(s.webhooksRegistered, { date: v.date(w.at) }).trim()
    : w.status === "pending" ? s.webhooksPending
    : html`<span class="warn">${s.webhooksNotPermitted}</span>`;
}

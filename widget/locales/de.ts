/**
 * German texts of <ninjaone-settings>. Importing this module registers them for `lang="de"`
 * (and `de-*`): `import "ninjaone-settings/locales/de"`, or for script-tag hosts
 * `<script type="module" src="https://<worker>/locales/de.js">`.
 *
 * NinjaOne's menu, button and field names stay as NinjaOne shows them ("Administration → Apps →
 * API → Client app IDs", "Add client app", "Client ID", "Client Secret", "Monitoring", …), in
 * quotes where the prose is German: the admin looks for exactly those words on NinjaOne's pages.
 */
import type { NinjaOneStrings } from "../strings.js";
import { register } from "./register.js";

export const de: NinjaOneStrings = {
  title: "NinjaOne RMM",
  loading: "NinjaOne-Einstellungen werden geladen…",
  retry: "Erneut versuchen",

  badgeNotConfigured: "Nicht eingerichtet",
  badgeSaved: "Nicht verbunden",
  badgeConnected: "Verbunden",
  badgeReconnect: "Neu verbinden nötig",
  badgeCredentialsRejected: "Secret abgelehnt",

  setupHeading: "Client-App in NinjaOne anlegen",
  setupStep1: "Öffnen Sie als NinjaOne-Systemadministrator „Administration → Apps → API → Client app IDs“.",
  setupOpenLink: "NinjaOne-API-Einstellungen öffnen ({region})",
  newTab: "(neuer Tab)",
  setupStep2: "Klicken Sie auf „Add client app“. Plattform: „Web (PHP, Java, .Net Core, etc.)“.",
  setupStep3: "Name: wird Ihren Benutzern angezeigt, wenn sie den Zugriff erlauben.",
  setupStep4: "„Redirect URIs“: Fügen Sie diese Adresse ein und drücken Sie die Eingabetaste.",
  setupStep5: "„Scopes“: „Monitoring“ (und bei Bedarf „Management“). „Allowed grant types“: „Authorization code“ und „Refresh token“.",
  setupStep6: "Klicken Sie auf „Add“ und kopieren Sie dann Client ID und Client Secret. Das Secret wird nur einmal angezeigt.",
  redirectUriNote: "Sie muss exakt übereinstimmen (ohne abschließenden Schrägstrich). NinjaOne kann bis zu einer Stunde brauchen, bis eine Änderung wirkt.",
  copy: "Kopieren",
  copyLabel: "Redirect-URI kopieren",
  copied: "Kopiert",
  copiedAnnouncement: "Redirect-URI kopiert.",
  copyFailed: "Kopieren nicht möglich: Die Adresse ist markiert, drücken Sie Strg+C.",

  credentialsHeading: "Zugangsdaten eingeben",
  regionLabel: "NinjaOne-Region",
  regionHint: "Wo Sie sich bei NinjaOne anmelden.",
  clientIdLabel: "Client ID",
  clientSecretLabel: "Client Secret",
  clientSecretKeepHint: "Leer lassen, um das gespeicherte Secret zu behalten.",
  clientSecretRequiredForChange: "Geben Sie das Secret für die neue Client ID oder Region ein.",
  clientSecretRejectedHint: "Erforderlich: NinjaOne hat das gespeicherte Secret abgelehnt. Geben Sie das aktuelle ein.",
  showSecret: "Anzeigen",
  hideSecret: "Verbergen",
  showSecretLabel: "Client Secret anzeigen",
  hideSecretLabel: "Client Secret verbergen",
  changeEndsConnection: "Wenn Sie eine andere Client ID oder Region speichern, endet die bestehende Verbindung.",
  save: "Zugangsdaten speichern",
  saving: "Prüfung bei NinjaOne…",
  savedAnnouncement: "Zugangsdaten gespeichert.",

  savedSecretEnding: "endet auf {last4}",
  savedUpdated: "Zuletzt gespeichert",
  savedUpdatedBy: "{date} von {user}",

  connectionHeading: "Verbinden",
  notConfiguredText: "NinjaOne ist noch nicht eingerichtet.",
  notConnectedText: "Melden Sie sich bei NinjaOne an und erlauben Sie den Zugriff.",
  connectNeedsCredentials: "Speichern Sie zuerst Ihre Zugangsdaten.",
  connect: "Mit NinjaOne verbinden",
  connecting: "Verbindung wird hergestellt…",
  connectingHint: "Schließen Sie die Anmeldung bei NinjaOne im geöffneten Fenster ab.",
  reconnect: "Neu verbinden",
  reconnectText:
    "NinjaOne akzeptiert diese Verbindung nicht mehr (der Zugriff ist abgelaufen oder wurde widerrufen). Verbinden Sie neu: Ihre gespeicherten Zugangsdaten werden wiederverwendet.",
  credentialsRejectedText:
    "NinjaOne akzeptiert das gespeicherte Client Secret nicht mehr (es wurde in NinjaOne geändert oder neu erzeugt). Geben Sie unten das aktuelle Client Secret ein und speichern Sie: Die Verbindung läuft ohne erneute Anmeldung weiter.",
  connectedText: "Mit NinjaOne verbunden.",
  connectedSince: "Verbunden seit",
  scopes: "Gewährte Scopes",
  connectedAnnouncement: "NinjaOne verbunden.",
  changeCredentials: "Zugangsdaten ändern",
  readOnly: "Bitten Sie einen Administrator Ihres Kontos, dies zu ändern.",

  testConnection: "Verbindung testen",
  checking: "Wird getestet…",
  lastCheck: "Letzte Prüfung",
  checkOk: "Geprüft {time}: NinjaOne hat geantwortet.",
  checkUnauthorized: "Geprüft {time}: NinjaOne hat der Verbindung den Zugriff verweigert. Verbinden Sie neu.",
  checkScopeMissing: "Geprüft {time}: Der Client-App fehlt der Scope „Monitoring“. Fügen Sie ihn in NinjaOne hinzu und verbinden Sie neu.",
  checkUnreachable: "Geprüft {time}: NinjaOne war nicht erreichbar.",
  checkError: "Geprüft {time}: NinjaOne hat mit einem Fehler geantwortet.",

  webhooks: "NinjaOne-Webhooks",
  webhooksRegistered: "Registriert am {date}",
  webhooksPending: "NinjaOne-Webhooks werden registriert…",
  webhooksNotPermitted: "Webhooks erfordern einen NinjaOne-Systemadministrator: Verbinden Sie sich als solcher neu.",

  disconnect: "Trennen",
  removeCredentials: "Zugangsdaten entfernen",
  confirmHeading: "NinjaOne trennen?",
  confirmText: "Dabei werden auch die gespeicherte Client ID und das Client Secret entfernt.",
  confirmYes: "Trennen und Zugangsdaten entfernen",
  confirmNo: "Abbrechen",
  disconnecting: "Wird getrennt…",
  disconnectedAnnouncement: "Getrennt; Zugangsdaten entfernt.",

  errorPrefix: "Fehler:",
  errors: {
    credentials_not_configured: {
      message: "Es sind keine Zugangsdaten gespeichert.",
      action: "Speichern Sie Client ID und Client Secret und verbinden Sie dann.",
    },
    invalid_state: {
      message: "Diese Anmeldung konnte nicht überprüft werden (bereits verwendet oder aus einem anderen Browser).",
      action: "Verbinden Sie erneut, in diesem Browser.",
    },
    state_expired: {
      message: "Die Anmeldung ist abgelaufen.",
      action: "Verbinden Sie erneut und schließen Sie innerhalb von 10 Minuten ab.",
    },
    access_denied: {
      message: "Der Zugriff wurde in NinjaOne nicht gewährt.",
      action: "Verbinden Sie erneut und erlauben Sie den Zugriff.",
    },
    redirect_uri_mismatch: {
      message: "NinjaOne hat die Redirect-URI abgelehnt.",
      action:
        "Setzen Sie die Redirect-URI der Client-App auf genau {redirectUri}, speichern Sie und verbinden Sie erneut. NinjaOne kann bis zu einer Stunde brauchen, bis eine Änderung wirkt.",
    },
    ninjaone_error: {
      message: "NinjaOne hat einen Fehler gemeldet.",
      action: "Prüfen Sie, ob die Client-App eine „Web“-App mit den Grant types „Authorization code“ und „Refresh token“ ist.",
    },
    token_exchange_failed: {
      message: "NinjaOne hat Client ID und Client Secret nicht akzeptiert.",
      action: "Prüfen Sie beide Werte und die Region, speichern Sie und verbinden Sie erneut.",
    },
    ninjaone_unreachable: {
      message: "NinjaOne war nicht erreichbar.",
      action: "Versuchen Sie es in einigen Minuten erneut.",
    },
    unauthorized: {
      message: "Ihre Sitzung ist abgelaufen.",
      action: "Laden Sie die Seite neu.",
    },
    forbidden: {
      message: "Sie dürfen diese Integration nicht ändern.",
      action: "Wenden Sie sich an einen Administrator Ihres Kontos.",
    },
    invalid_request: {
      message: "Einige Werte sind ungültig.",
      action: "Korrigieren Sie die markierten Felder.",
    },
    not_found: {
      message: "Der Integrationsdienst wurde nicht gefunden.",
      action: "Wenden Sie sich an den Support.",
    },
    payload_too_large: {
      message: "Die Werte sind zu lang.",
      action: "Fügen Sie nur Client ID und Client Secret ein.",
    },
    not_connected: {
      message: "NinjaOne ist nicht verbunden.",
      action: "Verbinden Sie NinjaOne.",
    },
    reconnect_required: {
      message: "NinjaOne muss neu verbunden werden.",
      action: "Verbinden Sie neu; Ihre gespeicherten Zugangsdaten werden wiederverwendet.",
    },
    credentials_rejected: {
      message: "NinjaOne hat das gespeicherte Client Secret abgelehnt.",
      action: "Geben Sie das aktuelle Client Secret ein und speichern Sie; die Verbindung läuft ohne erneute Anmeldung weiter.",
    },
    storage_unavailable: {
      message: "Der Einstellungsspeicher ist nicht verfügbar.",
      action: "Versuchen Sie es gleich noch einmal.",
    },
    misconfigured: {
      message: "Der Integrationsdienst ist falsch konfiguriert.",
      action: "Wenden Sie sich an den Support.",
    },
    internal: {
      message: "Bei uns ist etwas schiefgelaufen.",
      action: "Versuchen Sie es später erneut.",
    },
    network_error: {
      message: "Der Integrationsdienst war nicht erreichbar.",
      action: "Prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.",
    },
    popup_closed: {
      message: "Aus dem NinjaOne-Fenster kam kein Ergebnis zurück.",
      action: "Wenn NinjaOne „Not found“ anzeigte, prüfen Sie Client ID und Region. Noch bei der Anmeldung? Diese Anzeige aktualisiert sich, sobald Sie fertig sind.",
    },
    api_base_missing: {
      message: "Setzen Sie api-base auf die URL Ihres Workers.",
      action: "In diese Seite eingebunden, kann das Widget nicht wissen, wo der Worker läuft: Geben Sie ihm das Attribut api-base, z. B. https://ninjaone.example.com.",
    },
    unknown: {
      message: "Etwas ist schiefgelaufen.",
      action: "Versuchen Sie es später erneut.",
    },
  },
};

register("de", de);

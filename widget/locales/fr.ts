/**
 * French texts of <ninjaone-settings>. Importing this module registers them for `lang="fr"`
 * (and `fr-*`): `import "ninjaone-settings/locales/fr"`, or for script-tag hosts
 * `<script type="module" src="https://<worker>/locales/fr.js">`.
 *
 * NinjaOne's menu, button and field names stay as NinjaOne shows them ("Administration → Apps →
 * API → Client app IDs", "Add client app", "Client ID", "Client Secret", "Monitoring", …), in
 * quotes where the prose is French: the admin looks for exactly those words on NinjaOne's pages.
 * French typography: a no-break space (U+00A0) inside « » and before : ; ? !
 */
import type { NinjaOneStrings } from "../strings.js";
import { register } from "./register.js";

export const fr: NinjaOneStrings = {
  title: "NinjaOne RMM",
  loading: "Chargement des paramètres NinjaOne…",
  retry: "Réessayer",

  badgeNotConfigured: "Non configuré",
  badgeSaved: "Non connecté",
  badgeConnected: "Connecté",
  badgeReconnect: "Reconnexion requise",
  badgeCredentialsRejected: "Secret refusé",

  setupHeading: "Créer une application client dans NinjaOne",
  setupStep1: "En tant qu’administrateur système NinjaOne, ouvrez « Administration → Apps → API → Client app IDs ».",
  setupOpenLink: "Ouvrir les paramètres API de NinjaOne ({region})",
  newTab: "(nouvel onglet)",
  setupStep2: "Cliquez sur « Add client app ». Plateforme : « Web (PHP, Java, .Net Core, etc.) ».",
  setupStep3: "Nom : affiché à vos utilisateurs lorsqu’ils autorisent l’accès.",
  setupStep4: "« Redirect URIs » : collez cette adresse et appuyez sur Entrée.",
  setupStep5: "« Scopes » : « Monitoring » (et « Management » si nécessaire). « Allowed grant types » : « Authorization code » et « Refresh token ».",
  setupStep6: "Cliquez sur « Add », puis copiez le Client ID et le Client Secret. Le secret n’est affiché qu’une seule fois.",
  redirectUriNote: "Elle doit correspondre exactement (sans barre oblique finale). NinjaOne peut mettre jusqu’à une heure pour prendre en compte une modification.",
  copy: "Copier",
  copyLabel: "Copier l’URI de redirection",
  copied: "Copié",
  copiedAnnouncement: "URI de redirection copiée.",
  copyFailed: "Copie impossible : l’adresse est sélectionnée, appuyez sur Ctrl+C.",

  credentialsHeading: "Saisir les identifiants",
  regionLabel: "Région NinjaOne",
  regionHint: "Là où vous vous connectez à NinjaOne.",
  clientIdLabel: "Client ID",
  clientSecretLabel: "Client Secret",
  clientSecretKeepHint: "Laissez vide pour conserver le secret enregistré.",
  clientSecretRequiredForChange: "Saisissez le secret du nouveau Client ID ou de la nouvelle région.",
  clientSecretRejectedHint: "Obligatoire : NinjaOne a refusé le secret enregistré. Saisissez le secret actuel.",
  showSecret: "Afficher",
  hideSecret: "Masquer",
  showSecretLabel: "Afficher le Client Secret",
  hideSecretLabel: "Masquer le Client Secret",
  changeEndsConnection: "Enregistrer un autre Client ID ou une autre région met fin à la connexion actuelle.",
  save: "Enregistrer les identifiants",
  saving: "Vérification auprès de NinjaOne…",
  savedAnnouncement: "Identifiants enregistrés.",

  savedSecretEnding: "se terminant par {last4}",
  savedUpdated: "Dernier enregistrement",
  savedUpdatedBy: "{date} par {user}",

  connectionHeading: "Connexion",
  notConfiguredText: "NinjaOne n’est pas encore configuré.",
  notConnectedText: "Connectez-vous à NinjaOne et autorisez l’accès.",
  connectNeedsCredentials: "Enregistrez d’abord vos identifiants.",
  connect: "Se connecter à NinjaOne",
  connecting: "Connexion en cours…",
  connectingHint: "Terminez la connexion à NinjaOne dans la fenêtre qui s’est ouverte.",
  reconnect: "Reconnecter",
  reconnectText:
    "NinjaOne n’accepte plus cette connexion (l’accès a expiré ou a été révoqué). Reconnectez-vous : vos identifiants enregistrés sont réutilisés.",
  credentialsRejectedText:
    "NinjaOne n’accepte plus le Client Secret enregistré (il a été modifié ou régénéré dans NinjaOne). Saisissez ci-dessous le Client Secret actuel et enregistrez : la connexion reprend sans nouvelle autorisation.",
  connectedText: "Connecté à NinjaOne.",
  connectedSince: "Connecté depuis",
  scopes: "Scopes accordés",
  connectedAnnouncement: "NinjaOne connecté.",
  changeCredentials: "Modifier les identifiants",
  readOnly: "Demandez à un administrateur de votre compte de modifier ce paramètre.",

  testConnection: "Tester la connexion",
  checking: "Test en cours…",
  lastCheck: "Dernière vérification",
  checkOk: "Vérifié {time} : NinjaOne a répondu.",
  checkUnauthorized: "Vérifié {time} : NinjaOne a refusé l’accès à la connexion. Reconnectez-vous.",
  checkScopeMissing: "Vérifié {time} : il manque le scope « Monitoring » à l’application client. Ajoutez-le dans NinjaOne, puis reconnectez-vous.",
  checkUnreachable: "Vérifié {time} : NinjaOne était injoignable.",
  checkError: "Vérifié {time} : NinjaOne a répondu par une erreur.",

  webhooks: "Webhooks NinjaOne",
  webhooksRegistered: "Enregistrés le {date}",
  webhooksPending: "Enregistrement des webhooks NinjaOne…",
  webhooksNotPermitted: "Les webhooks nécessitent un administrateur système NinjaOne : reconnectez-vous avec un tel compte.",

  disconnect: "Déconnecter",
  removeCredentials: "Supprimer les identifiants",
  confirmHeading: "Déconnecter NinjaOne ?",
  confirmText: "Cela supprime aussi le Client ID et le Client Secret enregistrés.",
  confirmYes: "Déconnecter et supprimer les identifiants",
  confirmNo: "Annuler",
  disconnecting: "Déconnexion…",
  disconnectedAnnouncement: "Déconnecté ; identifiants supprimés.",

  errorPrefix: "Erreur :",
  errors: {
    credentials_not_configured: {
      message: "Aucun identifiant n’est enregistré.",
      action: "Enregistrez le Client ID et le Client Secret, puis connectez-vous.",
    },
    invalid_state: {
      message: "Cette connexion n’a pas pu être vérifiée (déjà utilisée, ou ouverte dans un autre navigateur).",
      action: "Reconnectez-vous, dans ce navigateur.",
    },
    state_expired: {
      message: "La connexion a expiré.",
      action: "Reconnectez-vous et terminez en moins de 10 minutes.",
    },
    access_denied: {
      message: "L’accès n’a pas été accordé dans NinjaOne.",
      action: "Reconnectez-vous et autorisez l’accès.",
    },
    redirect_uri_mismatch: {
      message: "NinjaOne a refusé l’URI de redirection.",
      action:
        "Définissez l’URI de redirection de l’application client exactement sur {redirectUri}, enregistrez et reconnectez-vous. NinjaOne peut mettre jusqu’à une heure pour prendre en compte une modification.",
    },
    ninjaone_error: {
      message: "NinjaOne a signalé une erreur.",
      action: "Vérifiez que l’application client est une application « Web » avec les grant types « Authorization code » et « Refresh token ».",
    },
    token_exchange_failed: {
      message: "NinjaOne n’a pas accepté le Client ID et le Client Secret.",
      action: "Vérifiez les deux valeurs et la région, enregistrez et reconnectez-vous.",
    },
    ninjaone_unreachable: {
      message: "NinjaOne est injoignable.",
      action: "Réessayez dans quelques minutes.",
    },
    unauthorized: {
      message: "Votre session a expiré.",
      action: "Rechargez la page.",
    },
    forbidden: {
      message: "Vous n’êtes pas autorisé à modifier cette intégration.",
      action: "Adressez-vous à un administrateur de votre compte.",
    },
    invalid_request: {
      message: "Certaines valeurs ne sont pas valides.",
      action: "Corrigez les champs signalés.",
    },
    not_found: {
      message: "Le service d’intégration est introuvable.",
      action: "Contactez le support.",
    },
    payload_too_large: {
      message: "Les valeurs sont trop longues.",
      action: "Collez uniquement le Client ID et le Client Secret.",
    },
    not_connected: {
      message: "NinjaOne n’est pas connecté.",
      action: "Connectez-vous à NinjaOne.",
    },
    reconnect_required: {
      message: "NinjaOne doit être reconnecté.",
      action: "Reconnectez-vous ; vos identifiants enregistrés sont réutilisés.",
    },
    credentials_rejected: {
      message: "NinjaOne a refusé le Client Secret enregistré.",
      action: "Saisissez le Client Secret actuel et enregistrez ; la connexion reprend sans nouvelle autorisation.",
    },
    storage_unavailable: {
      message: "Le stockage des paramètres est indisponible.",
      action: "Réessayez dans un instant.",
    },
    misconfigured: {
      message: "Le service d’intégration est mal configuré.",
      action: "Contactez le support.",
    },
    internal: {
      message: "Un problème est survenu de notre côté.",
      action: "Réessayez plus tard.",
    },
    network_error: {
      message: "Le service d’intégration est injoignable.",
      action: "Vérifiez votre connexion Internet et réessayez.",
    },
    popup_closed: {
      message: "Aucun résultat n’est revenu de la fenêtre NinjaOne.",
      action: "Si NinjaOne a affiché « Not found », vérifiez le Client ID et la région. Connexion toujours en cours ? Cet affichage se met à jour dès que vous avez terminé.",
    },
    api_base_missing: {
      message: "Définissez api-base sur l’URL de votre worker.",
      action: "Intégré au bundle de cette page, le widget ne peut pas savoir où se trouve le worker : donnez-lui l’attribut api-base, par exemple https://ninjaone.example.com.",
    },
    unknown: {
      message: "Un problème est survenu.",
      action: "Réessayez plus tard.",
    },
  },
};

register("fr", fr);

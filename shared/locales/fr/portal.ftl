# Customer portal — French

email-button-set-password = Définir votre mot de passe
email-button-login = Se connecter au portail
email-link-fallback = Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :
email-username = Votre identifiant : { $email }
email-expiry = Le lien permettant de définir votre mot de passe est valable jusqu’au { $date }. Passé ce délai, demandez une nouvelle invitation à { $agency }.
email-footer = Vous recevez cet e-mail car { $agency } vous a ouvert un accès à son portail client. Si vous ne l’attendiez pas, vous pouvez simplement l’ignorer.
email-opens-area = Après la connexion, vous accéderez directement à la rubrique : { $area }
# A long date, e.g. "5 mars 2025": $day and $year in digits, $month 1 to 12.
date-long = { $day } { $month ->
        [1] janvier
        [2] février
        [3] mars
        [4] avril
        [5] mai
        [6] juin
        [7] juillet
        [8] août
        [9] septembre
        [10] octobre
        [11] novembre
       *[12] décembre
    } { $year }
area-start = Accueil
area-customer-data = Mes informations
area-files = Fichiers
area-wishes = Souhaits pour le site web
area-form-entries = Messages des formulaires
sample-company = Boulangerie Martin SARL
sample-contact = Claire Martin
sample-note = Nous nous réjouissons de travailler avec vous sur votre nouveau site web !
password-too-short = Votre mot de passe doit comporter au moins { $min ->
        [one] { $min } caractère
       *[other] { $min } caractères
    }. Une phrase de plusieurs mots est facile à retenir et difficile à deviner.
password-too-long = Votre mot de passe peut comporter au plus { $max ->
        [one] { $max } caractère
       *[other] { $max } caractères
    }.
password-common = Ce mot de passe fait partie des plus courants et il est essayé en premier lors des attaques. Choisissez-en un autre, par exemple une phrase de plusieurs mots.
password-contains-email = Votre mot de passe ne doit pas contenir votre adresse e-mail. Choisissez-en un autre.
# Server-rendered pages: login, password setup and reset, My details.
page-portal = Portail client
page-error-title = Une erreur s’est produite
page-error-text = Veuillez réessayer dans quelques minutes.
page-set-password-title = Définissez votre mot de passe
page-set-password-intro = Bienvenue ! Choisissez un mot de passe pour le portail client de { $agency }. Vous vous connecterez ensuite avec votre adresse e-mail et ce mot de passe.
page-reset-password-title = Choisissez un nouveau mot de passe
page-reset-password-intro = Choisissez un nouveau mot de passe pour le portail client de { $agency }. Votre ancien mot de passe ne fonctionnera plus.
page-label-company = Entreprise
page-label-username = Identifiant
page-label-new-password = Nouveau mot de passe
page-password-hint = Au moins { $min ->
        [one] { $min } caractère
       *[other] { $min } caractères
    }. Une phrase de plusieurs mots est facile à retenir.
page-set-password-submit = Enregistrer le mot de passe
page-link-problem-title = Ce lien ne fonctionne pas
page-link-expired-invitation = Ce lien a expiré. Demandez une nouvelle invitation à { $agency }.
page-link-expired-reset = Ce lien a expiré. Demandez un nouveau lien via « Mot de passe oublié ».
page-link-used = Ce lien a déjà été utilisé. Connectez-vous avec votre mot de passe, ou réinitialisez-le si vous l’avez oublié.
page-link-superseded-invitation = Une invitation plus récente a remplacé ce lien. Utilisez le lien du dernier e-mail ou SMS reçu.
page-link-superseded-reset = Vous avez demandé un lien plus récent, qui remplace celui-ci. Utilisez le lien du dernier e-mail reçu.
page-link-revoked-invitation = { $agency } a retiré cette invitation. Demandez-en une nouvelle à { $agency }.
page-link-revoked-reset = Ce lien a été retiré. Demandez un nouveau lien via « Mot de passe oublié » ou contactez { $agency }.
page-link-unknown = Ce lien n’est pas valide. Il est peut-être incomplet : copiez l’adresse entière depuis le message.
page-button-login = Aller à la connexion
page-button-forgot = Mot de passe oublié
page-login-title = Connexion
page-login-intro = Connectez-vous au portail client de { $agency } avec votre adresse e-mail et votre mot de passe.
page-label-email = Adresse e-mail
page-label-password = Mot de passe
page-login-submit = Se connecter
page-link-forgot = Mot de passe oublié ?
page-notice-password-set = Votre mot de passe est enregistré. Vous pouvez maintenant vous connecter.
page-notice-password-reset = Votre mot de passe a été modifié. Connectez-vous avec votre nouveau mot de passe.
page-notice-logged-out = Votre session est fermée.
page-forgot-title = Réinitialiser le mot de passe
page-forgot-intro = Saisissez l’adresse e-mail avec laquelle vous vous connectez. Nous vous enverrons un lien pour choisir un nouveau mot de passe.
page-forgot-submit = Envoyer le lien
page-forgot-sent = Si un compte existe pour cette adresse, nous vous avons envoyé un lien. Il est valable une heure.
page-forgot-sent-spam = Pas d’e-mail au bout de quelques minutes ? Vérifiez vos courriers indésirables ou demandez à { $agency } quelle adresse est associée à votre accès.
page-link-back-to-login = Retour à la connexion
page-my-data-title = Mes informations
page-my-data-intro = Merci de tenir vos informations à jour pour que { $agency } puisse vous joindre.
page-my-data-saved = Vos modifications ont été enregistrées.
page-my-data-errors = Vos modifications n’ont pas été enregistrées. Veuillez corriger les champs signalés.
page-section-address = Adresse
page-section-contact = Coordonnées
page-section-account = Votre accès
page-label-company-name = Nom de l’entreprise
page-label-owner = Dirigeant ou propriétaire
page-label-contact-person = Interlocuteur pour le site web
page-hint-contact-person = Seulement s’il s’agit d’une autre personne que le dirigeant.
page-label-street = Numéro et rue
page-label-postal-code = Code postal
page-label-city = Ville
page-label-region = Région ou département
page-label-country = Pays
page-hint-country = Code pays à deux lettres, par exemple FR, BE ou CH.
page-label-mobile = Téléphone portable
page-label-phone = Téléphone
page-label-fax = Fax
page-label-emails = Autres adresses e-mail
page-hint-emails = Par exemple pour les factures. Séparez plusieurs adresses par des virgules.
page-label-language = Langue du portail et des e-mails
page-label-login-email = Adresse e-mail de connexion
page-hint-login-email = Pour la modifier, contactez { $agency }.
page-label-status = État du projet
page-status-preparation = Préparation
page-status-design = Conception et réalisation
page-status-feedback = En attente de vos retours
page-status-launch = Préparation de la mise en ligne
page-status-online = En ligne
page-status-paused = En pause
page-my-data-submit = Enregistrer les modifications
page-change-password-title = Changer de mot de passe
page-label-current-password = Mot de passe actuel
page-change-password-submit = Enregistrer le nouveau mot de passe
page-password-changed = Votre mot de passe a été modifié.
page-logout = Se déconnecter
# Password reset email.
reset-subject = Réinitialisation de votre mot de passe pour le portail client de { $agency }
reset-greeting = Bonjour,
reset-intro = Une demande de réinitialisation du mot de passe a été faite pour { $email } sur le portail client de { $agency }. Vous pouvez choisir un nouveau mot de passe à l’aide du bouton ci-dessous.
reset-button = Choisir un nouveau mot de passe
reset-expiry = Le lien est valable { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    } et ne peut être utilisé qu’une seule fois.
reset-ignore = Si vous n’êtes pas à l’origine de cette demande, ignorez simplement cet e-mail : votre mot de passe reste inchangé.
reset-signoff = Cordialement,
reset-footer = Cet e-mail a été envoyé automatiquement par le portail client de { $agency }. { $agency } ne vous demandera jamais votre mot de passe.
login-invalid = L'adresse e-mail ou le mot de passe est incorrect. Veuillez réessayer.
login-locked = Trop de tentatives échouées. Patientez { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    } puis réessayez, ou réinitialisez votre mot de passe.
password-current-wrong = Votre mot de passe actuel est incorrect. Votre mot de passe n'a pas été modifié.
page-login-intro-generic = Connectez-vous au portail client avec votre adresse e-mail et votre mot de passe.
page-forgot-sent-spam-generic = Pas d'e-mail après quelques minutes ? Vérifiez vos courriers indésirables ou demandez à votre agence quelle adresse votre accès utilise.
# Comptes du personnel : l’e-mail d’invitation et la page du compte.
staff-invite-subject = Votre compte collaborateur pour le portail client de { $agency }
staff-invite-greeting = Bonjour { $name },
staff-invite-intro = { $agency } a créé pour vous un compte collaborateur dans son portail client. Vous vous connecterez avec { $email }. Choisissez votre mot de passe avec le bouton ci-dessous.
staff-invite-button = Définir votre mot de passe
staff-invite-expiry = Le lien est valable { $days ->
        [one] { $days } jour
       *[other] { $days } jours
    } et ne fonctionne qu’une fois. Ensuite, demandez à un collègue de vous inviter à nouveau.
staff-invite-ignore = Si vous ne vous attendiez pas à cet e-mail, vous pouvez l’ignorer. Aucun compte n’est actif tant qu’aucun mot de passe n’est défini.
staff-invite-signoff = Cordialement,
staff-invite-footer = Cet e-mail a été envoyé automatiquement par le portail client de { $agency }. Personne ne vous demandera jamais votre mot de passe.
page-staff-set-password-intro = Bienvenue ! Choisissez un mot de passe pour votre compte collaborateur dans le portail client de { $agency }. Vous vous connecterez avec votre adresse e-mail et ce mot de passe.
page-staff-title = Mon compte collaborateur
page-staff-intro = Vous êtes connecté en tant que collaborateur de { $agency }. Avec cette session, vous pouvez faire tout ce que permettent les clés d’API de l’agence.
page-label-name = Nom
page-staff-hint-email = Pour utiliser une autre adresse e-mail, demandez à un collègue de l’inviter comme nouveau compte collaborateur.

files-notice-subject = { $count ->
    [one] Un nouveau fichier dans le portail client de { $agency }
   *[other] { $count } nouveaux fichiers dans le portail client de { $agency }
}
files-notice-greeting = Bonjour,
files-notice-intro = { $count ->
    [one] Un nouveau fichier vous attend dans le portail client de { $agency } : { $names }
   *[other] { $count } nouveaux fichiers vous attendent dans le portail client de { $agency } : { $names }
}
files-notice-button = Ouvrir les fichiers
files-notice-expiry = Connectez-vous pour les télécharger.
files-notice-ignore = Les fichiers sont partagés uniquement via le portail, jamais en pièce jointe.
files-notice-signoff = Cordialement,
files-notice-footer = Cet e-mail a été envoyé automatiquement par le portail client de { $agency }.

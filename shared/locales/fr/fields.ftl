# Erreurs de saisie : affichées sous le libellé du champ concerné.

field-invalid = Cette valeur n’est pas valide.
field-required = Ce champ est obligatoire.
field-empty = Ne doit pas être vide.
field-listed-twice = Cette adresse figure déjà dans la liste.
field-too-many-emails = { $max ->
    [one] { $max } adresse au maximum.
   *[other] { $max } adresses au maximum.
}
field-country-required = Indiquez le pays lorsqu’une adresse est saisie.
field-agency-only = Seule votre agence peut modifier ce champ.
field-ask-a-colleague = Ne peut pas être modifié ; demandez à un collègue d’inviter la nouvelle adresse.
field-too-long = { $max ->
    [one] { $max } caractère au maximum.
   *[other] { $max } caractères au maximum.
}
field-control-character = Ne doit pas contenir de caractères de contrôle.
field-single-line = Doit tenir sur une seule ligne.
field-email-too-long = 254 caractères au maximum.
field-email-invalid = Adresse e-mail non valide.
field-email-no-domain-dot = Il manque le domaine complet après le @ (par exemple nom@example.com).
field-url-invalid = Saisissez une adresse complète comme https://portail.agence.example.
field-url-not-https = Doit utiliser https (http n’est permis que pour localhost et 127.0.0.1).
field-url-extra = Ne doit contenir ni identifiants, ni requête, ni fragment.
field-tier-unknown = Valeurs possibles : starter, professional, enterprise.
field-area-unknown = Valeurs possibles : start, customer-data, files, wishes, form-entries.
field-phone-needs-country = Indiquez l’indicatif international (par exemple +33 1 23 45 67 89) ou un pays dans l’adresse.
field-phone-invalid = Numéro de téléphone non valide.
field-phone-not-mobile = C’est un numéro de ligne fixe ; il faut un numéro de mobile pour recevoir des SMS.
field-country-unknown = Indiquez un code pays à deux lettres, par exemple FR, BE, CH ou DE.
field-language-unknown = Valeurs possibles : de, en, fr, es, nl, sv.
field-status-unknown = Valeurs possibles : preparation, design, feedback, launch, online, paused.
field-status-own-route = Le statut se change par sa propre route de statut, qui en garde l’historique.
field-logo-not-your-image = Choisissez l’un de vos fichiers qui est une image prête à être téléchargée.

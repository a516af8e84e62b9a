# The email the agency gets when a customer submits their wishes.
wishes-submitted-subject = { $company } a envoyé ses souhaits pour le site web
wishes-submitted-greeting = Bonjour,
wishes-submitted-intro = { $company } a envoyé ses souhaits (version { $number }) dans le portail client de { $agency }. Modifié depuis le dernier envoi : { $changes }.
wishes-submitted-button = Lire les souhaits
wishes-submitted-signoff = Cordialement,
wishes-submitted-footer = Cet e-mail a été envoyé automatiquement par le portail client de { $agency }.
wishes-submitted-first = tout (premier envoi)
wishes-section-pages = pages
wishes-section-logo = logo
wishes-section-colours = couleurs
wishes-section-fonts = polices
wishes-section-tone = ton
wishes-section-examples = sites d’exemple
wishes-section-audience = public cible
wishes-section-competitors = concurrents
wishes-section-other = autres remarques

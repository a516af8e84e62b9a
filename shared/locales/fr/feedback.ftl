# Retours sur le site en préparation : problèmes de l'API, e-mail groupé, textes de la surcouche.
feedback-not-open-title = Les retours ne sont pas ouverts pour ce projet
feedback-not-open-detail = Votre agence recueille vos retours sur le site dès que l'aperçu est prêt. D'ici là, il n'y a rien à commenter ici.
feedback-token-expired-title = Cette session de retours a expiré
feedback-token-expired-detail = Pour votre sécurité, une session de retours dure deux heures. Rouvrez le site depuis votre portail client avec « Donner un retour ».
feedback-token-revoked-title = Cette session de retours a été fermée
feedback-token-revoked-detail = Cette session de retours ne fonctionne plus. Rouvrez le site depuis votre portail client avec « Donner un retour ».
feedback-token-invalid-title = Aucune session de retours valide
feedback-token-invalid-detail = Ouvrez le site depuis votre portail client avec « Donner un retour » pour le commenter.

feedback-state-open = ouvert
feedback-state-in-progress = en cours
feedback-state-resolved = résolu
feedback-state-wont-fix = ne sera pas modifié

feedback-notice-subject = { $count ->
    [one] Du nouveau sur les retours du site dans le portail client de { $agency }
   *[other] { $count } nouveautés sur les retours du site dans le portail client de { $agency }
}
feedback-notice-greeting = Bonjour,
feedback-notice-intro = { $count ->
    [one] Du nouveau sur les retours du site pour { $company } : { $items }
   *[other] { $count } nouveautés sur les retours du site pour { $company } : { $items }
}
feedback-notice-new = nouveau point n° { $number } sur { $page } : « { $text } »
feedback-notice-reply = réponse au n° { $number } ({ $page }) : « { $text } »
feedback-notice-state = n° { $number } ({ $page }) est maintenant { $state }
feedback-notice-button = Ouvrir les retours
feedback-notice-signoff = Cordialement,
feedback-notice-footer = Cet e-mail a été envoyé automatiquement par le portail client de { $agency }.

overlay-comment-mode = Commenter
overlay-hint = Cliquez sur la partie de la page que vous souhaitez commenter.
overlay-comment-label = Votre commentaire
overlay-send = Envoyer
overlay-cancel = Annuler
overlay-close = Fermer
overlay-sent = Merci ! Votre commentaire a été envoyé.
overlay-failed = Votre commentaire n'a pas pu être envoyé. Veuillez réessayer.
overlay-attach = Joindre des fichiers de votre espace fichiers
overlay-not-found = Le point n° { $number } est introuvable sur cette page : elle a peut-être changé.
overlay-replies = { $count ->
    [one] 1 réponse
   *[other] { $count } réponses
}

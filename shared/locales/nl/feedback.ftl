# Feedback op de conceptwebsite: problemen van de API, de gebundelde e-mail, de teksten van de overlay.
feedback-not-open-title = Feedback is niet geopend voor dit project
feedback-not-open-detail = Uw bureau neemt feedback op de website aan zodra de preview klaar is. Tot dan is hier niets te becommentariëren.
feedback-token-expired-title = Deze feedbacksessie is verlopen
feedback-token-expired-detail = Voor uw veiligheid duurt een feedbacksessie twee uur. Open de website opnieuw vanuit uw klantenportaal met "Feedback geven".
feedback-token-revoked-title = Deze feedbacksessie is beëindigd
feedback-token-revoked-detail = Deze feedbacksessie werkt niet meer. Open de website opnieuw vanuit uw klantenportaal met "Feedback geven".
feedback-token-invalid-title = Geen geldige feedbacksessie
feedback-token-invalid-detail = Open de website vanuit uw klantenportaal met "Feedback geven" om er commentaar op te geven.

feedback-state-open = open
feedback-state-in-progress = in behandeling
feedback-state-resolved = opgelost
feedback-state-wont-fix = wordt niet gewijzigd

feedback-notice-subject = { $count ->
    [one] Nieuws over de websitefeedback in het klantenportaal van { $agency }
   *[other] { $count } updates over de websitefeedback in het klantenportaal van { $agency }
}
feedback-notice-greeting = Hallo,
feedback-notice-intro = { $count ->
    [one] Er is nieuws over de websitefeedback voor { $company }: { $items }
   *[other] Er zijn { $count } updates over de websitefeedback voor { $company }: { $items }
}
feedback-notice-new = nieuw punt #{ $number } op { $page }: "{ $text }"
feedback-notice-reply = antwoord op #{ $number } ({ $page }): "{ $text }"
feedback-notice-state = #{ $number } ({ $page }) is nu { $state }
feedback-notice-button = Feedback openen
feedback-notice-signoff = Met vriendelijke groet,
feedback-notice-footer = Deze e-mail is automatisch verzonden door het klantenportaal van { $agency }.

overlay-comment-mode = Commentaar
overlay-hint = Klik op het deel van de pagina waarop u commentaar wilt geven.
overlay-comment-label = Uw commentaar
overlay-send = Versturen
overlay-cancel = Annuleren
overlay-close = Sluiten
overlay-sent = Bedankt! Uw commentaar is verstuurd.
overlay-failed = Uw commentaar kon niet worden verstuurd. Probeer het opnieuw.
overlay-attach = Bestanden uit uw bestandsomgeving bijvoegen
overlay-not-found = Punt #{ $number } is niet meer te vinden op deze pagina: de pagina is mogelijk gewijzigd.
overlay-replies = { $count ->
    [one] 1 antwoord
   *[other] { $count } antwoorden
}

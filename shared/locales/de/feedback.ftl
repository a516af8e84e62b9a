# Feedback auf der Entwurfs-Website: Probleme der API, die gesammelte E-Mail, die Texte des Overlays.
feedback-not-open-title = Feedback ist für dieses Projekt nicht geöffnet
feedback-not-open-detail = Ihre Agentur nimmt Feedback zur Website entgegen, sobald die Vorschau bereit ist. Bis dahin gibt es hier nichts zu kommentieren.
feedback-token-expired-title = Diese Feedback-Sitzung ist abgelaufen
feedback-token-expired-detail = Zu Ihrer Sicherheit gilt eine Feedback-Sitzung zwei Stunden. Öffnen Sie die Website erneut aus Ihrem Kundenportal mit „Feedback geben“.
feedback-token-revoked-title = Diese Feedback-Sitzung wurde beendet
feedback-token-revoked-detail = Diese Feedback-Sitzung gilt nicht mehr. Öffnen Sie die Website erneut aus Ihrem Kundenportal mit „Feedback geben“.
feedback-token-invalid-title = Keine gültige Feedback-Sitzung
feedback-token-invalid-detail = Öffnen Sie die Website aus Ihrem Kundenportal mit „Feedback geben“, um sie zu kommentieren.

feedback-state-open = offen
feedback-state-in-progress = in Arbeit
feedback-state-resolved = erledigt
feedback-state-wont-fix = wird nicht geändert

feedback-notice-subject = { $count ->
    [one] Neues zum Website-Feedback im Kundenportal von { $agency }
   *[other] { $count } Neuigkeiten zum Website-Feedback im Kundenportal von { $agency }
}
feedback-notice-greeting = Guten Tag,
feedback-notice-intro = { $count ->
    [one] Es gibt Neues zum Website-Feedback für { $company }: { $items }
   *[other] Es gibt { $count } Neuigkeiten zum Website-Feedback für { $company }: { $items }
}
feedback-notice-new = neuer Punkt #{ $number } auf { $page }: „{ $text }“
feedback-notice-reply = Antwort zu #{ $number } ({ $page }): „{ $text }“
feedback-notice-state = #{ $number } ({ $page }) ist jetzt { $state }
feedback-notice-button = Feedback öffnen
feedback-notice-signoff = Freundliche Grüße
feedback-notice-footer = Diese E-Mail wurde automatisch vom Kundenportal von { $agency } versendet.

overlay-comment-mode = Kommentieren
overlay-hint = Klicken Sie auf die Stelle der Seite, die Sie kommentieren möchten.
overlay-comment-label = Ihr Kommentar
overlay-send = Senden
overlay-cancel = Abbrechen
overlay-close = Schließen
overlay-sent = Danke! Ihr Kommentar wurde gesendet.
overlay-failed = Ihr Kommentar konnte nicht gesendet werden. Bitte versuchen Sie es erneut.
overlay-attach = Dateien aus Ihrem Dateibereich anhängen
overlay-not-found = Punkt #{ $number } ist auf dieser Seite nicht mehr zu finden: Die Seite hat sich wohl geändert.
overlay-replies = { $count ->
    [one] 1 Antwort
   *[other] { $count } Antworten
}

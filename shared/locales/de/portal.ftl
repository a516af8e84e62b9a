# Customer portal — German

email-button-set-password = Passwort festlegen
email-button-login = Im Kundenportal anmelden
email-link-fallback = Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:
email-username = Ihr Benutzername: { $email }
email-expiry = Der Link zum Festlegen Ihres Passworts ist bis zum { $date } gültig. Danach können Sie bei { $agency } eine neue Einladung anfordern.
email-footer = Sie erhalten diese E-Mail, weil { $agency } Sie zum Kundenportal eingeladen hat. Falls Sie diese E-Mail nicht erwartet haben, können Sie sie einfach ignorieren.
email-opens-area = Nach der Anmeldung gelangen Sie direkt zu: { $area }
# A long date, e.g. "5. März 2025": $day and $year in digits, $month 1 to 12.
date-long = { $day }. { $month ->
        [1] Januar
        [2] Februar
        [3] März
        [4] April
        [5] Mai
        [6] Juni
        [7] Juli
        [8] August
        [9] September
        [10] Oktober
        [11] November
       *[12] Dezember
    } { $year }
area-start = Startseite
area-customer-data = Meine Daten
area-files = Dateien
area-wishes = Wünsche für die Website
area-form-entries = Formulareinträge
sample-company = Bäckerei Schmidt GmbH
sample-contact = Anna Schmidt
sample-note = Wir freuen uns darauf, gemeinsam mit Ihnen Ihre neue Website zu gestalten!
password-too-short = Ihr Passwort braucht mindestens { $min ->
        [one] { $min } Zeichen
       *[other] { $min } Zeichen
    }. Ein Satz aus mehreren Wörtern ist leicht zu merken und schwer zu erraten.
password-too-long = Ihr Passwort darf höchstens { $max ->
        [one] { $max } Zeichen
       *[other] { $max } Zeichen
    } haben.
password-common = Dieses Passwort gehört zu den häufigsten und wird bei Angriffen zuerst ausprobiert. Bitte wählen Sie ein anderes, zum Beispiel einen Satz aus mehreren Wörtern.
password-contains-email = Ihr Passwort darf Ihre E-Mail-Adresse nicht enthalten. Bitte wählen Sie ein anderes.
# Server-rendered pages: login, password setup and reset, My details.
page-portal = Kundenportal
page-error-title = Etwas ist schiefgelaufen
page-error-text = Bitte versuchen Sie es in ein paar Minuten erneut.
page-set-password-title = Passwort festlegen
page-set-password-intro = Willkommen! Legen Sie ein Passwort für das Kundenportal von { $agency } fest. Sie melden sich künftig mit Ihrer E-Mail-Adresse und diesem Passwort an.
page-reset-password-title = Neues Passwort wählen
page-reset-password-intro = Wählen Sie ein neues Passwort für das Kundenportal von { $agency }. Ihr bisheriges Passwort gilt danach nicht mehr.
page-label-company = Unternehmen
page-label-username = Benutzername
page-label-new-password = Neues Passwort
page-password-hint = Mindestens { $min ->
        [one] { $min } Zeichen
       *[other] { $min } Zeichen
    }. Ein Satz aus mehreren Wörtern ist leicht zu merken.
page-set-password-submit = Passwort speichern
page-link-problem-title = Dieser Link funktioniert nicht
page-link-expired-invitation = Dieser Link ist abgelaufen. Bitten Sie { $agency } um eine neue Einladung.
page-link-expired-reset = Dieser Link ist abgelaufen. Fordern Sie unter „Passwort vergessen“ einen neuen Link an.
page-link-used = Dieser Link wurde bereits verwendet. Melden Sie sich mit Ihrem Passwort an oder setzen Sie es zurück, falls Sie es vergessen haben.
page-link-superseded-invitation = Dieser Link wurde durch eine neuere Einladung ersetzt. Verwenden Sie den Link aus der neuesten E-Mail oder SMS.
page-link-superseded-reset = Sie haben inzwischen einen neueren Link angefordert, der diesen ersetzt. Verwenden Sie den Link aus der neuesten E-Mail.
page-link-revoked-invitation = { $agency } hat diese Einladung zurückgezogen. Bitten Sie { $agency } um eine neue.
page-link-revoked-reset = Dieser Link wurde zurückgezogen. Fordern Sie unter „Passwort vergessen“ einen neuen Link an oder wenden Sie sich an { $agency }.
page-link-unknown = Dieser Link ist ungültig. Vielleicht ist er unvollständig – kopieren Sie die ganze Adresse aus der Nachricht.
page-button-login = Zur Anmeldung
page-button-forgot = Passwort vergessen
page-login-title = Anmelden
page-login-intro = Melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem Passwort im Kundenportal von { $agency } an.
page-label-email = E-Mail-Adresse
page-label-password = Passwort
page-login-submit = Anmelden
page-link-forgot = Passwort vergessen?
page-notice-password-set = Ihr Passwort ist festgelegt. Sie können sich jetzt anmelden.
page-notice-password-reset = Ihr Passwort wurde geändert. Melden Sie sich mit Ihrem neuen Passwort an.
page-notice-logged-out = Sie wurden abgemeldet.
page-forgot-title = Passwort zurücksetzen
page-forgot-intro = Geben Sie die E-Mail-Adresse ein, mit der Sie sich anmelden. Wir senden Ihnen einen Link, mit dem Sie ein neues Passwort wählen können.
page-forgot-submit = Link senden
page-forgot-sent = Falls zu dieser Adresse ein Zugang besteht, haben wir Ihnen einen Link gesendet. Er ist eine Stunde lang gültig.
page-forgot-sent-spam = Nach ein paar Minuten noch keine E-Mail? Sehen Sie im Spam-Ordner nach oder fragen Sie { $agency }, mit welcher Adresse Ihr Zugang angelegt ist.
page-link-back-to-login = Zurück zur Anmeldung
page-my-data-title = Meine Daten
page-my-data-intro = Bitte halten Sie Ihre Daten aktuell, damit { $agency } Sie erreichen kann.
page-my-data-saved = Ihre Änderungen wurden gespeichert.
page-my-data-errors = Ihre Änderungen wurden nicht gespeichert. Bitte korrigieren Sie die markierten Felder.
page-section-address = Anschrift
page-section-contact = Kontaktdaten
page-section-account = Ihr Zugang
page-label-company-name = Firmenname
page-label-owner = Inhaber oder Geschäftsführung
page-label-contact-person = Ansprechpartner für die Website
page-hint-contact-person = Nur angeben, wenn es jemand anderes als der Inhaber ist.
page-label-street = Straße und Hausnummer
page-label-postal-code = Postleitzahl
page-label-city = Ort
page-label-region = Bundesland oder Region
page-label-country = Land
page-hint-country = Zweistelliger Ländercode, zum Beispiel DE, AT oder CH.
page-label-mobile = Mobilnummer
page-label-phone = Telefon
page-label-fax = Fax
page-label-emails = Weitere E-Mail-Adressen
page-hint-emails = Zum Beispiel für Rechnungen. Mehrere Adressen trennen Sie mit Kommas.
page-label-language = Sprache für Portal und E-Mails
page-label-login-email = E-Mail-Adresse für die Anmeldung
page-hint-login-email = Wenn Sie sie ändern möchten, wenden Sie sich bitte an { $agency }.
page-label-status = Projektstatus
page-status-preparation = Vorbereitung
page-status-design = Gestaltung und Umsetzung
page-status-feedback = Wartet auf Ihr Feedback
page-status-launch = Vorbereitung auf den Livegang
page-status-online = Online
page-status-paused = Pausiert
page-my-data-submit = Änderungen speichern
page-change-password-title = Passwort ändern
page-label-current-password = Aktuelles Passwort
page-change-password-submit = Neues Passwort speichern
page-password-changed = Ihr Passwort wurde geändert.
page-logout = Abmelden
# Password reset email.
reset-subject = Passwort für das Kundenportal von { $agency } zurücksetzen
reset-greeting = Guten Tag,
reset-intro = Für { $email } wurde im Kundenportal von { $agency } das Zurücksetzen des Passworts angefordert. Über die Schaltfläche unten können Sie ein neues Passwort wählen.
reset-button = Neues Passwort wählen
reset-expiry = Der Link ist { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    } lang gültig und funktioniert nur einmal.
reset-ignore = Falls Sie das nicht waren, können Sie diese E-Mail einfach ignorieren. Ihr Passwort bleibt unverändert.
reset-signoff = Freundliche Grüße
reset-footer = Diese E-Mail wurde automatisch vom Kundenportal von { $agency } versendet. { $agency } wird Sie niemals nach Ihrem Passwort fragen.
login-invalid = Die E-Mail-Adresse oder das Passwort stimmt nicht. Bitte versuchen Sie es noch einmal.
login-locked = Zu viele fehlgeschlagene Versuche. Bitte warten Sie { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    } und versuchen Sie es dann noch einmal, oder setzen Sie Ihr Passwort zurück.
password-current-wrong = Ihr aktuelles Passwort stimmt nicht. Ihr Passwort wurde nicht geändert.
page-login-intro-generic = Melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem Passwort im Kundenportal an.
page-forgot-sent-spam-generic = Keine E-Mail nach ein paar Minuten? Sehen Sie im Spam-Ordner nach, oder fragen Sie Ihre Agentur, welche Adresse Ihr Zugang verwendet.
# Konten für Mitarbeitende: die Einladungs-E-Mail und die eigene Seite.
staff-invite-subject = Ihr Mitarbeiterkonto für das Kundenportal von { $agency }
staff-invite-greeting = Hallo { $name },
staff-invite-intro = { $agency } hat für Sie ein Mitarbeiterkonto im Kundenportal angelegt. Sie melden sich mit { $email } an. Wählen Sie Ihr Passwort über die Schaltfläche unten.
staff-invite-button = Passwort festlegen
staff-invite-expiry = Der Link ist { $days ->
        [one] { $days } Tag
       *[other] { $days } Tage
    } lang gültig und funktioniert nur einmal. Danach bitten Sie eine Kollegin oder einen Kollegen um eine neue Einladung.
staff-invite-ignore = Falls Sie diese E-Mail nicht erwartet haben, können Sie sie ignorieren. Das Konto ist erst aktiv, wenn ein Passwort festgelegt wurde.
staff-invite-signoff = Freundliche Grüße
staff-invite-footer = Diese E-Mail wurde automatisch vom Kundenportal von { $agency } versendet. Niemand wird Sie jemals nach Ihrem Passwort fragen.
page-staff-set-password-intro = Willkommen! Wählen Sie ein Passwort für Ihr Mitarbeiterkonto im Kundenportal von { $agency }. Sie melden sich mit Ihrer E-Mail-Adresse und diesem Passwort an.
page-staff-title = Mein Mitarbeiterkonto
page-staff-intro = Sie sind als Mitarbeiterin oder Mitarbeiter von { $agency } angemeldet. Mit dieser Sitzung können Sie alles nutzen, was die API-Schlüssel der Agentur dürfen.
page-label-name = Name
page-staff-hint-email = Für eine andere E-Mail-Adresse lassen Sie diese bitte von einer Kollegin oder einem Kollegen als neues Mitarbeiterkonto einladen.

files-notice-subject = { $count ->
    [one] Eine neue Datei im Kundenportal von { $agency }
   *[other] { $count } neue Dateien im Kundenportal von { $agency }
}
files-notice-greeting = Guten Tag,
files-notice-intro = { $count ->
    [one] Im Kundenportal von { $agency } liegt eine neue Datei für Sie bereit: { $names }
   *[other] Im Kundenportal von { $agency } liegen { $count } neue Dateien für Sie bereit: { $names }
}
files-notice-button = Dateien öffnen
files-notice-expiry = Melden Sie sich an, um sie herunterzuladen.
files-notice-ignore = Dateien werden nur über das Portal geteilt, nie als E-Mail-Anhang.
files-notice-signoff = Freundliche Grüße
files-notice-footer = Diese E-Mail wurde automatisch vom Kundenportal von { $agency } versendet.

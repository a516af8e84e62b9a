# Customer portal — German

email-button-set-password = Passwort festlegen
email-button-login = Im Kundenportal anmelden
email-link-fallback = Falls die Schaltfläche nicht funktioniert, kopieren Sie diese Adresse in Ihren Browser:
email-username = Ihr Benutzername: { $email }
email-expiry = Der Link zum Festlegen Ihres Passworts ist bis zum { $date } gültig. Danach können Sie bei { $agency } eine neue Einladung anfordern.
email-footer = Sie erhalten diese E-Mail, weil { $agency } Sie zum Kundenportal eingeladen hat. Falls Sie diese E-Mail nicht erwartet haben, können Sie sie einfach ignorieren.
email-opens-area = Nach der Anmeldung gelangen Sie direkt zu: { $area }
# Long date format (chrono strftime syntax), e.g. "5. März 2025".
date-format = %-d. %B %Y
area-start = Startseite
area-customer-data = Meine Daten
area-files = Dateien
area-wishes = Wünsche für die Website
area-form-entries = Formulareinträge
sample-company = Bäckerei Schmidt GmbH
sample-contact = Anna Schmidt
sample-note = Wir freuen uns darauf, gemeinsam mit Ihnen Ihre neue Website zu gestalten!
password-too-short = Ihr Passwort braucht mindestens { $min } Zeichen. Ein Satz aus mehreren Wörtern ist leicht zu merken und schwer zu erraten.
password-too-long = Ihr Passwort darf höchstens { $max } Zeichen haben.
password-common = Dieses Passwort gehört zu den häufigsten und wird bei Angriffen zuerst ausprobiert. Bitte wählen Sie ein anderes, zum Beispiel einen Satz aus mehreren Wörtern.
password-contains-email = Ihr Passwort darf Ihre E-Mail-Adresse nicht enthalten. Bitte wählen Sie ein anderes.

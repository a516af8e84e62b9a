# Customer portal — Dutch

email-button-set-password = Wachtwoord instellen
email-button-login = Inloggen op het portaal
email-link-fallback = Werkt de knop niet? Kopieer dan dit adres naar uw browser:
email-username = Uw gebruikersnaam: { $email }
email-expiry = De link om uw wachtwoord in te stellen is geldig tot { $date }. Daarna kunt u { $agency } om een nieuwe uitnodiging vragen.
email-footer = U ontvangt deze e-mail omdat { $agency } u heeft uitgenodigd voor het klantenportaal. Had u deze e-mail niet verwacht? Dan kunt u deze negeren.
email-opens-area = Na het inloggen gaat u direct naar: { $area }
# A long date, e.g. "5 maart 2025": $day and $year in digits, $month 1 to 12.
date-long = { $day } { $month ->
        [1] januari
        [2] februari
        [3] maart
        [4] april
        [5] mei
        [6] juni
        [7] juli
        [8] augustus
        [9] september
        [10] oktober
        [11] november
       *[12] december
    } { $year }
area-start = Startpagina
area-customer-data = Mijn gegevens
area-files = Bestanden
area-wishes = Wensen voor de website
area-form-entries = Formulierinzendingen
sample-company = Bakkerij De Vries B.V.
sample-contact = Anna de Vries
sample-note = We kijken ernaar uit om samen met u aan uw nieuwe website te werken!
password-too-short = Uw wachtwoord moet minstens { $min ->
        [one] { $min } teken
       *[other] { $min } tekens
    } hebben. Een zin van een paar woorden is makkelijk te onthouden en moeilijk te raden.
password-too-long = Uw wachtwoord mag hoogstens { $max ->
        [one] { $max } teken
       *[other] { $max } tekens
    } hebben.
password-common = Dit wachtwoord is een van de meest gebruikte en wordt bij aanvallen als eerste geprobeerd. Kies een ander, bijvoorbeeld een zin van een paar woorden.
password-contains-email = Uw wachtwoord mag uw e-mailadres niet bevatten. Kies een ander.
# Server-rendered pages: login, password setup and reset, My details.
page-portal = Klantenportaal
page-error-title = Er is iets misgegaan
page-error-text = Probeer het over een paar minuten opnieuw.
page-set-password-title = Stel uw wachtwoord in
page-set-password-intro = Welkom! Kies een wachtwoord voor het klantenportaal van { $agency }. U logt voortaan in met uw e-mailadres en dit wachtwoord.
page-reset-password-title = Kies een nieuw wachtwoord
page-reset-password-intro = Kies een nieuw wachtwoord voor het klantenportaal van { $agency }. Uw oude wachtwoord werkt daarna niet meer.
page-label-company = Bedrijf
page-label-username = Gebruikersnaam
page-label-new-password = Nieuw wachtwoord
page-password-hint = Minstens { $min ->
        [one] { $min } teken
       *[other] { $min } tekens
    }. Een zin van een paar woorden is makkelijk te onthouden.
page-set-password-submit = Wachtwoord opslaan
page-link-problem-title = Deze link werkt niet
page-link-expired-invitation = Deze link is verlopen. Vraag { $agency } om een nieuwe uitnodiging.
page-link-expired-reset = Deze link is verlopen. Vraag een nieuwe link aan via ‘Wachtwoord vergeten’.
page-link-used = Deze link is al gebruikt. Log in met uw wachtwoord, of stel het opnieuw in als u het bent vergeten.
page-link-superseded-invitation = Een nieuwere uitnodiging heeft deze link vervangen. Gebruik de link uit de meest recente e-mail of sms.
page-link-superseded-reset = U heeft een nieuwere link aangevraagd, die deze link vervangt. Gebruik de link uit de meest recente e-mail.
page-link-revoked-invitation = { $agency } heeft deze uitnodiging ingetrokken. Vraag { $agency } om een nieuwe.
page-link-revoked-reset = Deze link is ingetrokken. Vraag een nieuwe link aan via ‘Wachtwoord vergeten’ of neem contact op met { $agency }.
page-link-unknown = Deze link is ongeldig. Misschien is hij onvolledig — kopieer het volledige adres uit het bericht.
page-button-login = Naar de inlogpagina
page-button-forgot = Wachtwoord vergeten
page-login-title = Inloggen
page-login-intro = Log in op het klantenportaal van { $agency } met uw e-mailadres en wachtwoord.
page-label-email = E-mailadres
page-label-password = Wachtwoord
page-login-submit = Inloggen
page-link-forgot = Wachtwoord vergeten?
page-notice-password-set = Uw wachtwoord is ingesteld. U kunt nu inloggen.
page-notice-password-reset = Uw wachtwoord is gewijzigd. Log in met uw nieuwe wachtwoord.
page-notice-logged-out = U bent uitgelogd.
page-forgot-title = Wachtwoord opnieuw instellen
page-forgot-intro = Vul het e-mailadres in waarmee u inlogt. We sturen u een link waarmee u een nieuw wachtwoord kunt kiezen.
page-forgot-submit = Link versturen
page-forgot-sent = Als er een account bij dit adres hoort, hebben we een link gestuurd. Die is een uur geldig.
page-forgot-sent-spam = Na een paar minuten nog geen e-mail? Kijk in uw spammap of vraag { $agency } met welk adres uw account is aangemaakt.
page-link-back-to-login = Terug naar inloggen
page-my-data-title = Mijn gegevens
page-my-data-intro = Houd uw gegevens up-to-date, zodat { $agency } u kan bereiken.
page-my-data-saved = Uw wijzigingen zijn opgeslagen.
page-my-data-errors = Uw wijzigingen zijn niet opgeslagen. Corrigeer de gemarkeerde velden.
page-section-address = Adres
page-section-contact = Contactgegevens
page-section-account = Uw toegang
page-label-company-name = Bedrijfsnaam
page-label-owner = Eigenaar of directeur
page-label-contact-person = Contactpersoon voor de website
page-hint-contact-person = Alleen als dit iemand anders is dan de eigenaar.
page-label-street = Straat en huisnummer
page-label-postal-code = Postcode
page-label-city = Plaats
page-label-region = Provincie of regio
page-label-country = Land
page-hint-country = Landcode van twee letters, bijvoorbeeld NL of BE.
page-label-mobile = Mobiel nummer
page-label-phone = Telefoon
page-label-fax = Fax
page-label-emails = Andere e-mailadressen
page-hint-emails = Bijvoorbeeld voor facturen. Scheid meerdere adressen met komma’s.
page-label-language = Taal van het portaal en de e-mails
page-label-login-email = E-mailadres om in te loggen
page-hint-login-email = Wilt u dit wijzigen? Neem dan contact op met { $agency }.
page-label-status = Projectstatus
page-status-preparation = Voorbereiding
page-status-design = Ontwerp en bouw
page-status-feedback = Wacht op uw feedback
page-status-launch = Voorbereiding livegang
page-status-online = Online
page-status-paused = Gepauzeerd
page-my-data-submit = Wijzigingen opslaan
page-change-password-title = Wachtwoord wijzigen
page-label-current-password = Huidig wachtwoord
page-change-password-submit = Nieuw wachtwoord opslaan
page-password-changed = Uw wachtwoord is gewijzigd.
page-logout = Uitloggen
# Password reset email.
reset-subject = Uw wachtwoord voor het klantenportaal van { $agency } opnieuw instellen
reset-greeting = Beste klant,
reset-intro = Er is gevraagd om het wachtwoord van { $email } voor het klantenportaal van { $agency } opnieuw in te stellen. Via de knop hieronder kunt u een nieuw wachtwoord kiezen.
reset-button = Nieuw wachtwoord kiezen
reset-expiry = De link is { $minutes ->
        [one] { $minutes } minuut
       *[other] { $minutes } minuten
    } geldig en werkt maar één keer.
reset-ignore = Heeft u dit niet zelf aangevraagd? Dan kunt u deze e-mail negeren. Uw wachtwoord blijft ongewijzigd.
reset-signoff = Met vriendelijke groet,
reset-footer = Deze e-mail is automatisch verstuurd door het klantenportaal van { $agency }. { $agency } zal u nooit om uw wachtwoord vragen.
login-invalid = Het e-mailadres of wachtwoord klopt niet. Probeer het opnieuw.
login-locked = Te veel mislukte pogingen. Wacht { $minutes ->
        [one] { $minutes } minuut
       *[other] { $minutes } minuten
    } en probeer het dan opnieuw, of stel uw wachtwoord opnieuw in.
password-current-wrong = Uw huidige wachtwoord klopt niet. Uw wachtwoord is niet gewijzigd.
page-login-intro-generic = Log in op het klantenportaal met uw e-mailadres en wachtwoord.
page-forgot-sent-spam-generic = Na een paar minuten nog geen e-mail? Kijk in uw spammap, of vraag uw bureau welk adres uw toegang gebruikt.
# Medewerkersaccounts: de uitnodigingsmail en de eigen pagina.
staff-invite-subject = Uw medewerkersaccount voor het klantenportaal van { $agency }
staff-invite-greeting = Hallo { $name },
staff-invite-intro = { $agency } heeft een medewerkersaccount voor u aangemaakt in het klantenportaal. U logt in met { $email }. Kies uw wachtwoord via de knop hieronder.
staff-invite-button = Wachtwoord instellen
staff-invite-expiry = De link is { $days ->
        [one] { $days } dag
       *[other] { $days } dagen
    } geldig en werkt maar één keer. Vraag daarna een collega om u opnieuw uit te nodigen.
staff-invite-ignore = Had u deze e-mail niet verwacht, dan kunt u hem negeren. Het account is pas actief als er een wachtwoord is ingesteld.
staff-invite-signoff = Met vriendelijke groet,
staff-invite-footer = Deze e-mail is automatisch verstuurd door het klantenportaal van { $agency }. Niemand zal u ooit om uw wachtwoord vragen.
page-staff-set-password-intro = Welkom! Kies een wachtwoord voor uw medewerkersaccount in het klantenportaal van { $agency }. U logt in met uw e-mailadres en dit wachtwoord.
page-staff-title = Mijn medewerkersaccount
page-staff-intro = U bent ingelogd als medewerker van { $agency }. Met deze sessie kunt u alles wat de API-sleutels van het bureau mogen.
page-label-name = Naam
page-staff-hint-email = Wilt u een ander e-mailadres gebruiken, vraag dan een collega om dat als nieuw medewerkersaccount uit te nodigen.

files-notice-subject = { $count ->
    [one] Een nieuw bestand in het klantenportaal van { $agency }
   *[other] { $count } nieuwe bestanden in het klantenportaal van { $agency }
}
files-notice-greeting = Hallo,
files-notice-intro = { $count ->
    [one] Er staat een nieuw bestand voor u klaar in het klantenportaal van { $agency }: { $names }
   *[other] Er staan { $count } nieuwe bestanden voor u klaar in het klantenportaal van { $agency }: { $names }
}
files-notice-button = Bestanden openen
files-notice-expiry = Log in om ze te downloaden.
files-notice-ignore = Bestanden worden alleen via het portaal gedeeld, nooit als bijlage.
files-notice-signoff = Met vriendelijke groet,
files-notice-footer = Deze e-mail is automatisch verstuurd door het klantenportaal van { $agency }.

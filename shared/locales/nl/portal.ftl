# Customer portal — Dutch

email-button-set-password = Wachtwoord instellen
email-button-login = Inloggen op het portaal
email-link-fallback = Werkt de knop niet? Kopieer dan dit adres naar uw browser:
email-username = Uw gebruikersnaam: { $email }
email-expiry = De link om uw wachtwoord in te stellen is geldig tot { $date }. Daarna kunt u { $agency } om een nieuwe uitnodiging vragen.
email-footer = U ontvangt deze e-mail omdat { $agency } u heeft uitgenodigd voor het klantenportaal. Had u deze e-mail niet verwacht? Dan kunt u deze negeren.
email-opens-area = Na het inloggen gaat u direct naar: { $area }
# Long date format (chrono strftime syntax), e.g. "5 maart 2025".
date-format = %-d %B %Y
area-start = Startpagina
area-customer-data = Mijn gegevens
area-files = Bestanden
area-wishes = Wensen voor de website
area-form-entries = Formulierinzendingen
sample-company = Bakkerij De Vries B.V.
sample-contact = Anna de Vries
sample-note = We kijken ernaar uit om samen met u aan uw nieuwe website te werken!
password-too-short = Uw wachtwoord moet minstens { $min } tekens hebben. Een zin van een paar woorden is makkelijk te onthouden en moeilijk te raden.
password-too-long = Uw wachtwoord mag hoogstens { $max } tekens hebben.
password-common = Dit wachtwoord is een van de meest gebruikte en wordt bij aanvallen als eerste geprobeerd. Kies een ander, bijvoorbeeld een zin van een paar woorden.
password-contains-email = Uw wachtwoord mag uw e-mailadres niet bevatten. Kies een ander.

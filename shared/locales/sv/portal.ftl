# Customer portal — Swedish

email-button-set-password = Skapa lösenord
email-button-login = Logga in i portalen
email-link-fallback = Om knappen inte fungerar kan du kopiera den här adressen till din webbläsare:
email-username = Ditt användarnamn: { $email }
email-expiry = Länken för att skapa ditt lösenord gäller till den { $date }. Därefter kan du be { $agency } om en ny inbjudan.
email-footer = Du får det här mejlet eftersom { $agency } har bjudit in dig till sin kundportal. Om du inte väntade dig mejlet kan du bortse från det.
email-opens-area = När du har loggat in kommer du direkt till: { $area }
# A long date, e.g. "5 mars 2025": $day and $year in digits, $month 1 to 12.
date-long = { $day } { $month ->
        [1] januari
        [2] februari
        [3] mars
        [4] april
        [5] maj
        [6] juni
        [7] juli
        [8] augusti
        [9] september
        [10] oktober
        [11] november
       *[12] december
    } { $year }
area-start = Startsida
area-customer-data = Mina uppgifter
area-files = Filer
area-wishes = Önskemål för webbplatsen
area-form-entries = Formulärsvar
sample-company = Bageri Lindqvist AB
sample-contact = Anna Lindqvist
sample-note = Vi ser fram emot att ta fram din nya webbplats tillsammans med dig!
password-too-short = Ditt lösenord behöver minst { $min ->
        [one] { $min } tecken
       *[other] { $min } tecken
    }. En mening med flera ord är lätt att komma ihåg och svår att gissa.
password-too-long = Ditt lösenord får ha högst { $max ->
        [one] { $max } tecken
       *[other] { $max } tecken
    }.
password-common = Det här lösenordet är ett av de vanligaste och prövas först vid attacker. Välj ett annat, till exempel en mening med flera ord.
password-contains-email = Ditt lösenord får inte innehålla din e-postadress. Välj ett annat.
# Server-rendered pages: login, password setup and reset, My details.
page-portal = Kundportal
page-error-title = Något gick fel
page-error-text = Försök igen om några minuter.
page-set-password-title = Skapa ditt lösenord
page-set-password-intro = Välkommen! Välj ett lösenord för kundportalen hos { $agency }. Du loggar sedan in med din e-postadress och det här lösenordet.
page-reset-password-title = Välj ett nytt lösenord
page-reset-password-intro = Välj ett nytt lösenord för kundportalen hos { $agency }. Ditt gamla lösenord slutar då att fungera.
page-label-company = Företag
page-label-username = Användarnamn
page-label-new-password = Nytt lösenord
page-password-hint = Minst { $min ->
        [one] { $min } tecken
       *[other] { $min } tecken
    }. En mening med flera ord är lätt att komma ihåg.
page-set-password-submit = Spara lösenord
page-link-problem-title = Länken fungerar inte
page-link-expired-invitation = Länken har slutat gälla. Be { $agency } om en ny inbjudan.
page-link-expired-reset = Länken har slutat gälla. Begär en ny länk under ”Glömt lösenordet”.
page-link-used = Länken har redan använts. Logga in med ditt lösenord, eller återställ det om du har glömt det.
page-link-superseded-invitation = En nyare inbjudan har ersatt den här länken. Använd länken i det senaste mejlet eller sms:et.
page-link-superseded-reset = Du har begärt en nyare länk som ersätter den här. Använd länken i det senaste mejlet.
page-link-revoked-invitation = { $agency } har dragit tillbaka inbjudan. Be { $agency } om en ny.
page-link-revoked-reset = Länken har dragits tillbaka. Begär en ny länk under ”Glömt lösenordet” eller kontakta { $agency }.
page-link-unknown = Länken är ogiltig. Den kan vara ofullständig – kopiera hela adressen från meddelandet.
page-button-login = Gå till inloggningen
page-button-forgot = Glömt lösenordet
page-login-title = Logga in
page-login-intro = Logga in i kundportalen hos { $agency } med din e-postadress och ditt lösenord.
page-label-email = E-postadress
page-label-password = Lösenord
page-login-submit = Logga in
page-link-forgot = Glömt ditt lösenord?
page-notice-password-set = Ditt lösenord är sparat. Nu kan du logga in.
page-notice-password-reset = Ditt lösenord har ändrats. Logga in med ditt nya lösenord.
page-notice-logged-out = Du har loggats ut.
page-forgot-title = Återställ lösenordet
page-forgot-intro = Ange e-postadressen som du loggar in med. Vi skickar en länk där du kan välja ett nytt lösenord.
page-forgot-submit = Skicka länk
page-forgot-sent = Om det finns ett konto för den här adressen har vi skickat en länk. Den gäller i en timme.
page-forgot-sent-spam = Har inget mejl kommit efter några minuter? Titta i skräpposten eller fråga { $agency } vilken adress ditt konto har.
page-link-back-to-login = Tillbaka till inloggningen
page-my-data-title = Mina uppgifter
page-my-data-intro = Håll dina uppgifter uppdaterade så att { $agency } kan nå dig.
page-my-data-saved = Dina ändringar har sparats.
page-my-data-errors = Dina ändringar sparades inte. Rätta de markerade fälten.
page-section-address = Adress
page-section-contact = Kontaktuppgifter
page-section-account = Din åtkomst
page-label-company-name = Företagsnamn
page-label-owner = Ägare eller chef
page-label-contact-person = Kontaktperson för webbplatsen
page-hint-contact-person = Bara om det är någon annan än ägaren.
page-label-street = Gatuadress
page-label-postal-code = Postnummer
page-label-city = Ort
page-label-region = Län eller region
page-label-country = Land
page-hint-country = Landskod med två bokstäver, till exempel SE, FI eller NO.
page-label-mobile = Mobilnummer
page-label-phone = Telefon
page-label-fax = Fax
page-label-emails = Fler e-postadresser
page-hint-emails = Till exempel för fakturor. Skilj flera adresser åt med kommatecken.
page-label-language = Språk för portalen och mejl
page-label-login-email = E-postadress för inloggning
page-hint-login-email = Kontakta { $agency } om du vill ändra den.
page-label-status = Projektstatus
page-status-preparation = Förberedelse
page-status-design = Design och utveckling
page-status-feedback = Väntar på din återkoppling
page-status-launch = Förberedelser inför lansering
page-status-online = Publicerad
page-status-paused = Pausad
page-my-data-submit = Spara ändringar
page-change-password-title = Byt lösenord
page-label-current-password = Nuvarande lösenord
page-change-password-submit = Spara nytt lösenord
page-password-changed = Ditt lösenord har ändrats.
page-logout = Logga ut
# Password reset email.
reset-subject = Återställ ditt lösenord till kundportalen hos { $agency }
reset-greeting = Hej!
reset-intro = Någon har bett om att återställa lösenordet för { $email } i kundportalen hos { $agency }. Du kan välja ett nytt lösenord med knappen nedan.
reset-button = Välj ett nytt lösenord
reset-expiry = Länken gäller i { $minutes ->
        [one] { $minutes } minut
       *[other] { $minutes } minuter
    } och fungerar bara en gång.
reset-ignore = Om det inte var du kan du bortse från det här mejlet. Ditt lösenord förblir oförändrat.
reset-signoff = Vänliga hälsningar
reset-footer = Det här mejlet skickades automatiskt från kundportalen hos { $agency }. { $agency } kommer aldrig att be dig om ditt lösenord.
login-invalid = E-postadressen eller lösenordet stämmer inte. Försök igen.
login-locked = För många misslyckade försök. Vänta { $minutes ->
        [one] { $minutes } minut
       *[other] { $minutes } minuter
    } och försök igen, eller återställ ditt lösenord.
password-current-wrong = Ditt nuvarande lösenord stämmer inte. Ditt lösenord har inte ändrats.
page-login-intro-generic = Logga in i kundportalen med din e-postadress och ditt lösenord.
page-forgot-sent-spam-generic = Inget mejl efter några minuter? Titta i skräpposten, eller fråga din byrå vilken adress din inloggning använder.
# Personalkonton: inbjudningsmejlet och den egna sidan.
staff-invite-subject = Ditt personalkonto för kundportalen hos { $agency }
staff-invite-greeting = Hej { $name },
staff-invite-intro = { $agency } har skapat ett personalkonto åt dig i sin kundportal. Du loggar in med { $email }. Välj ditt lösenord med knappen nedan.
staff-invite-button = Välj ditt lösenord
staff-invite-expiry = Länken gäller i { $days ->
        [one] { $days } dag
       *[other] { $days } dagar
    } och fungerar bara en gång. Be sedan en kollega att bjuda in dig igen.
staff-invite-ignore = Om du inte väntade dig det här mejlet kan du bortse från det. Kontot är inte aktivt förrän ett lösenord har valts.
staff-invite-signoff = Vänliga hälsningar,
staff-invite-footer = Det här mejlet skickades automatiskt av kundportalen hos { $agency }. Ingen kommer någonsin att be dig om ditt lösenord.
page-staff-set-password-intro = Välkommen! Välj ett lösenord för ditt personalkonto i kundportalen hos { $agency }. Du loggar in med din e-postadress och det här lösenordet.
page-staff-title = Mitt personalkonto
page-staff-intro = Du är inloggad som personal hos { $agency }. Med den här sessionen kan du göra allt som byråns API-nycklar får göra.
page-label-name = Namn
page-staff-hint-email = Om du vill använda en annan e-postadress, be en kollega att bjuda in den som ett nytt personalkonto.

files-notice-subject = { $count ->
    [one] En ny fil i kundportalen hos { $agency }
   *[other] { $count } nya filer i kundportalen hos { $agency }
}
files-notice-greeting = Hej,
files-notice-intro = { $count ->
    [one] En ny fil väntar på dig i kundportalen hos { $agency }: { $names }
   *[other] { $count } nya filer väntar på dig i kundportalen hos { $agency }: { $names }
}
files-notice-button = Öppna filerna
files-notice-expiry = Logga in för att ladda ner dem.
files-notice-ignore = Filer delas bara via portalen, aldrig som e-postbilagor.
files-notice-signoff = Vänliga hälsningar,
files-notice-footer = Det här e-postmeddelandet skickades automatiskt av kundportalen hos { $agency }.

# Customer portal — Swedish

email-button-set-password = Skapa lösenord
email-button-login = Logga in i portalen
email-link-fallback = Om knappen inte fungerar kan du kopiera den här adressen till din webbläsare:
email-username = Ditt användarnamn: { $email }
email-expiry = Länken för att skapa ditt lösenord gäller till den { $date }. Därefter kan du be { $agency } om en ny inbjudan.
email-footer = Du får det här mejlet eftersom { $agency } har bjudit in dig till sin kundportal. Om du inte väntade dig mejlet kan du bortse från det.
email-opens-area = När du har loggat in kommer du direkt till: { $area }
# Long date format (chrono strftime syntax), e.g. "5 mars 2025".
date-format = %-d %B %Y
area-start = Startsida
area-customer-data = Mina uppgifter
area-files = Filer
area-wishes = Önskemål för webbplatsen
area-form-entries = Formulärsvar
sample-company = Bageri Lindqvist AB
sample-contact = Anna Lindqvist
sample-note = Vi ser fram emot att ta fram din nya webbplats tillsammans med dig!
password-too-short = Ditt lösenord behöver minst { $min } tecken. En mening med flera ord är lätt att komma ihåg och svår att gissa.
password-too-long = Ditt lösenord får ha högst { $max } tecken.
password-common = Det här lösenordet är ett av de vanligaste och prövas först vid attacker. Välj ett annat, till exempel en mening med flera ord.
password-contains-email = Ditt lösenord får inte innehålla din e-postadress. Välj ett annat.

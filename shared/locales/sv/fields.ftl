# Fel i inmatningsfält: visas under fältets etikett.

field-invalid = Värdet är ogiltigt.
field-required = Fältet måste fyllas i.
field-empty = Får inte vara tomt.
field-listed-twice = Adressen finns redan i listan.
field-too-many-emails = { $max ->
    [one] Högst { $max } adress.
   *[other] Högst { $max } adresser.
}
field-country-required = Ange land när du anger en adress.
field-agency-only = Kan bara ändras av din byrå.
field-ask-a-colleague = Kan inte ändras; be en kollega att bjuda in den nya adressen.
field-too-long = { $max ->
    [one] Högst { $max } tecken.
   *[other] Högst { $max } tecken.
}
field-control-character = Får inte innehålla styrtecken.
field-single-line = Måste stå på en rad.
field-email-too-long = Högst 254 tecken.
field-email-invalid = Ingen giltig e-postadress.
field-email-no-domain-dot = Den fullständiga domänen efter @ saknas (till exempel namn@example.com).
field-url-invalid = Ange en fullständig adress som https://portal.byra.example.
field-url-not-https = Måste använda https (http bara för localhost och 127.0.0.1).
field-url-extra = Får inte innehålla inloggningsuppgifter, fråga eller fragment.
field-tier-unknown = Möjliga värden: starter, professional, enterprise.
field-area-unknown = Möjliga värden: start, customer-data, files, wishes, form-entries.
field-phone-needs-country = Ange landsnummer (till exempel +46 8 123 456 78) eller välj ett land i adressen.
field-phone-invalid = Inget giltigt telefonnummer.
field-phone-not-mobile = Det är ett fast nummer; för sms behövs ett mobilnummer.
field-country-unknown = Ange en landskod med två bokstäver, till exempel SE, FI, DE eller NO.
field-language-unknown = Möjliga värden: de, en, fr, es, nl, sv.
field-status-unknown = Möjliga värden: preparation, design, feedback, launch, online, paused.
field-status-own-route = Statusen ändras via den egna statusvägen, som sparar historiken.
field-logo-not-your-image = Välj en av dina filer som är en bild och redo att laddas ner.

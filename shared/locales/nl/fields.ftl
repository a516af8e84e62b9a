# Fouten bij invoervelden: getoond onder het label van het veld.

field-invalid = Deze waarde is ongeldig.
field-required = Dit veld is verplicht.
field-empty = Mag niet leeg zijn.
field-listed-twice = Dit adres staat al in de lijst.
field-too-many-emails = { $max ->
    [one] Maximaal { $max } adres.
   *[other] Maximaal { $max } adressen.
}
field-country-required = Vul het land in als u een adres opgeeft.
field-agency-only = Alleen uw bureau kan dit wijzigen.
field-ask-a-colleague = Kan niet worden gewijzigd; vraag een collega het nieuwe adres uit te nodigen.
field-too-long = { $max ->
    [one] Maximaal { $max } teken.
   *[other] Maximaal { $max } tekens.
}
field-control-character = Mag geen stuurtekens bevatten.
field-single-line = Moet op één regel staan.
field-email-too-long = Maximaal 254 tekens.
field-email-invalid = Geen geldig e-mailadres.
field-email-no-domain-dot = Na de @ ontbreekt het volledige domein (bijvoorbeeld naam@example.com).
field-url-invalid = Vul een volledig adres in zoals https://portaal.bureau.example.
field-url-not-https = Moet https gebruiken (http alleen voor localhost en 127.0.0.1).
field-url-extra = Mag geen inloggegevens, query of fragment bevatten.
field-tier-unknown = Mogelijke waarden: starter, professional, enterprise.
field-area-unknown = Mogelijke waarden: start, customer-data, files, wishes, form-entries.
field-phone-needs-country = Vul het landnummer in (bijvoorbeeld +31 20 123 4567) of kies een land in het adres.
field-phone-invalid = Geen geldig telefoonnummer.
field-phone-not-mobile = Dit is een vast nummer; voor sms is een mobiel nummer nodig.
field-country-unknown = Vul een landcode van twee letters in, bijvoorbeeld NL, BE, DE of SE.
field-language-unknown = Mogelijke waarden: de, en, fr, es, nl, sv.
field-status-unknown = Mogelijke waarden: preparation, design, feedback, launch, online, paused.
field-status-own-route = De status wordt gewijzigd via de eigen statusroute, die de geschiedenis bijhoudt.
field-logo-not-your-image = Kies een van uw bestanden dat een afbeelding is en klaarstaat om te downloaden.

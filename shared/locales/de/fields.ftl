# Fehler an Eingabefeldern: unter der Beschriftung des Feldes angezeigt.

field-invalid = Dieser Wert ist ungültig.
field-required = Bitte ausfüllen.
field-empty = Darf nicht leer sein.
field-listed-twice = Diese Adresse steht schon in der Liste.
field-too-many-emails = { $max ->
    [one] Höchstens { $max } Adresse möglich.
   *[other] Höchstens { $max } Adressen möglich.
}
field-country-required = Bitte das Land angeben, wenn eine Adresse angegeben ist.
field-agency-only = Kann nur Ihre Agentur ändern.
field-ask-a-colleague = Kann nicht geändert werden; bitten Sie eine Kollegin oder einen Kollegen, die neue Adresse einzuladen.
field-too-long = { $max ->
    [one] Höchstens { $max } Zeichen.
   *[other] Höchstens { $max } Zeichen.
}
field-control-character = Darf keine Steuerzeichen enthalten.
field-single-line = Muss in einer Zeile stehen.
field-email-too-long = Höchstens 254 Zeichen.
field-email-invalid = Keine gültige E-Mail-Adresse.
field-email-no-domain-dot = Nach dem @ fehlt die vollständige Domain (zum Beispiel name@example.com).
field-url-invalid = Keine vollständige Adresse wie https://portal.agentur.example.
field-url-not-https = Muss https verwenden (http nur für localhost und 127.0.0.1).
field-url-extra = Darf keine Zugangsdaten, keine Abfrage und kein Fragment enthalten.
field-tier-unknown = Erlaubt sind starter, professional und enterprise.
field-area-unknown = Erlaubt sind start, customer-data, files, wishes und form-entries.
field-phone-needs-country = Bitte mit Ländervorwahl angeben (zum Beispiel +49 30 1234567) oder ein Land in der Adresse wählen.
field-phone-invalid = Keine gültige Telefonnummer.
field-phone-not-mobile = Das ist eine Festnetznummer; für SMS wird eine Mobilnummer gebraucht.
field-country-unknown = Bitte einen Ländercode aus zwei Buchstaben angeben, zum Beispiel DE, AT, CH oder SE.
field-language-unknown = Erlaubt sind de, en, fr, es, nl und sv.
field-status-unknown = Erlaubt sind preparation, design, feedback, launch, online und paused.
field-status-own-route = Der Status wird über die eigene Status-Route geändert, die den Verlauf festhält.
field-logo-not-your-image = Bitte eine Ihrer Dateien wählen, die ein Bild ist und bereitsteht.

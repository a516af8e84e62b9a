# Messages about a request's form rather than its meaning: parameters, bodies, text rules.
http-not-utf8 = is geen geldige UTF-8-tekst
http-given-twice = mag maar één keer worden opgegeven
http-unknown-parameter = is geen bekende parameter
http-unknown-field = is geen bekend veld
http-required = is verplicht
http-malformed = heeft niet de juiste vorm
http-single-line = moet op één regel staan
http-form-required-title = De inhoud van het verzoek moet een formulier zijn
http-form-required-detail = Stuur de inhoud met Content-Type: application/x-www-form-urlencoded.
http-json-object = moet een JSON-object zijn

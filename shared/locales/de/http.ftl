# Messages about a request's form rather than its meaning: parameters, bodies, text rules.
http-not-utf8 = ist kein gültiger UTF-8-Text
http-given-twice = darf nur einmal angegeben werden
http-unknown-parameter = ist kein bekannter Parameter
http-unknown-field = ist kein bekanntes Feld
http-required = ist erforderlich
http-malformed = hat das falsche Format
http-single-line = muss in einer Zeile stehen
http-form-required-title = Der Inhalt der Anfrage muss ein Formular sein
http-form-required-detail = Senden Sie den Inhalt mit Content-Type: application/x-www-form-urlencoded.
http-json-object = muss ein JSON-Objekt sein

# Messages about a request's form rather than its meaning: parameters, bodies, text rules.
http-not-utf8 = är inte giltig UTF-8-text
http-given-twice = får bara anges en gång
http-unknown-parameter = är ingen känd parameter
http-unknown-field = är inget känt fält
http-required = är obligatoriskt
http-malformed = har fel format
http-single-line = måste stå på en rad
http-form-required-title = Förfrågans innehåll måste vara ett formulär
http-form-required-detail = Skicka innehållet med Content-Type: application/x-www-form-urlencoded.
http-json-object = måste vara ett JSON-objekt

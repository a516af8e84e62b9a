# Messages about a request's form rather than its meaning: parameters, bodies, text rules.
http-not-utf8 = no es un texto UTF-8 válido
http-given-twice = solo puede indicarse una vez
http-unknown-parameter = no es un parámetro conocido
http-unknown-field = no es un campo conocido
http-required = es obligatorio
http-malformed = no tiene el formato correcto
http-single-line = debe ocupar una sola línea
http-form-required-title = El cuerpo de la solicitud debe ser un formulario
http-form-required-detail = Envíe el cuerpo con Content-Type: application/x-www-form-urlencoded.
http-json-object = debe ser un objeto JSON

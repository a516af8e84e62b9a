# Messages about a request's form rather than its meaning: parameters, bodies, text rules.
http-not-utf8 = n’est pas un texte UTF-8 valide
http-given-twice = ne doit être indiqué qu’une fois
http-unknown-parameter = n’est pas un paramètre connu
http-unknown-field = n’est pas un champ connu
http-required = est obligatoire
http-malformed = n’a pas le bon format
http-single-line = doit tenir sur une seule ligne
http-form-required-title = Le corps de la requête doit être un formulaire
http-form-required-detail = Envoyez le corps avec Content-Type: application/x-www-form-urlencoded.
http-json-object = doit être un objet JSON

# Messages about a request's form rather than its meaning: parameters, bodies, text rules.
http-not-utf8 = is not valid UTF-8 text
http-given-twice = must be given only once
http-unknown-parameter = is not a known parameter
http-unknown-field = is not a known field
http-required = is required
http-malformed = has the wrong format
http-single-line = must be a single line
http-form-required-title = The request body must be a form
http-form-required-detail = Send the body with Content-Type: application/x-www-form-urlencoded.
http-json-object = must be a JSON object

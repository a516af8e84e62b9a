# Field errors: shown next to the field they concern, under its label. The key is
# `field-` and the error's stable `code`. The English text is also the API's `message`.

field-invalid = is not valid
field-required = is required
field-empty = must not be empty
field-listed-twice = is listed twice
field-too-many-emails = { $max ->
    [one] must list at most { $max } address
   *[other] must list at most { $max } addresses
}
field-country-required = is required when an address is given
field-agency-only = can only be changed by your agency
field-ask-a-colleague = can't be changed; ask a colleague to invite the new address
field-too-long = { $max ->
    [one] must be at most { $max } character long
   *[other] must be at most { $max } characters long
}
field-control-character = must not contain control characters
field-single-line = must be a single line
field-email-too-long = must be at most 254 characters long
field-email-invalid = is not a valid email address
field-email-no-domain-dot = needs a full domain after the @ (for example name@example.com)
field-url-invalid = is not an absolute URL such as https://portal.agency.example
field-url-not-https = must use https (http is allowed only for localhost and 127.0.0.1)
field-url-extra = must not contain credentials, a query or a fragment
field-tier-unknown = must be one of starter, professional, enterprise
field-area-unknown = must be one of start, customer-data, files, wishes, form-entries
field-phone-needs-country = needs the international prefix (for example +49 30 1234567), or a country in the address
field-phone-invalid = is not a valid phone number
field-phone-not-mobile = is a landline number; a mobile number is needed to receive text messages
field-country-unknown = must be an ISO 3166-1 alpha-2 country code such as DE, AT, CH or SE
field-language-unknown = must be one of de, en, fr, es, nl, sv
field-status-unknown = must be one of preparation, design, feedback, launch, online, paused
field-status-own-route = is changed through the status route, which keeps its history
field-logo-not-your-image = must be one of your files that is an image and ready to download

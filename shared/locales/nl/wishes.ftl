# The email the agency gets when a customer submits their wishes.
wishes-submitted-subject = { $company } heeft de wensen voor de website ingediend
wishes-submitted-greeting = Hallo,
wishes-submitted-intro = { $company } heeft de wensen ingediend (versie { $number }) in het klantenportaal van { $agency }. Gewijzigd sinds de vorige indiening: { $changes }.
wishes-submitted-button = Wensen lezen
wishes-submitted-signoff = Met vriendelijke groet,
wishes-submitted-footer = Deze e-mail is automatisch verstuurd door het klantenportaal van { $agency }.
wishes-submitted-first = alles (eerste indiening)
wishes-section-pages = pagina’s
wishes-section-logo = logo
wishes-section-colours = kleuren
wishes-section-fonts = lettertypen
wishes-section-tone = tone of voice
wishes-section-examples = voorbeeldwebsites
wishes-section-audience = doelgroep
wishes-section-competitors = concurrenten
wishes-section-other = overig

# The email the agency gets when a customer submits their wishes.
wishes-submitted-subject = { $company } has submitted their wishes for the website
wishes-submitted-greeting = Hello,
wishes-submitted-intro = { $company } has submitted their wishes (version { $number }) in the { $agency } customer portal. Changed since the last submission: { $changes }.
wishes-submitted-button = Read the wishes
wishes-submitted-signoff = Kind regards,
wishes-submitted-footer = This email was sent automatically by the { $agency } customer portal.
wishes-submitted-first = everything (first submission)
wishes-section-pages = pages
wishes-section-logo = logo
wishes-section-colours = colours
wishes-section-fonts = fonts
wishes-section-tone = tone of voice
wishes-section-examples = example websites
wishes-section-audience = target audience
wishes-section-competitors = competitors
wishes-section-other = anything else

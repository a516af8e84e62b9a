# The email the agency gets when a customer submits their wishes.
wishes-submitted-subject = { $company } hat die Wünsche für die Website eingereicht
wishes-submitted-greeting = Hallo,
wishes-submitted-intro = { $company } hat im Kundenportal von { $agency } die Wünsche eingereicht (Fassung { $number }). Geändert seit der letzten Einreichung: { $changes }.
wishes-submitted-button = Wünsche lesen
wishes-submitted-signoff = Freundliche Grüße
wishes-submitted-footer = Diese E-Mail wurde automatisch vom Kundenportal von { $agency } versendet.
wishes-submitted-first = alles (erste Einreichung)
wishes-section-pages = Seiten
wishes-section-logo = Logo
wishes-section-colours = Farben
wishes-section-fonts = Schriften
wishes-section-tone = Tonalität
wishes-section-examples = Beispiel-Websites
wishes-section-audience = Zielgruppe
wishes-section-competitors = Mitbewerber
wishes-section-other = Sonstiges

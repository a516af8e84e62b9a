# The email the agency gets when a customer submits their wishes.
wishes-submitted-subject = { $company } har skickat in sina önskemål för webbplatsen
wishes-submitted-greeting = Hej!
wishes-submitted-intro = { $company } har skickat in sina önskemål (version { $number }) i kundportalen hos { $agency }. Ändrat sedan förra inskickningen: { $changes }.
wishes-submitted-button = Läs önskemålen
wishes-submitted-signoff = Vänliga hälsningar
wishes-submitted-footer = Det här mejlet skickades automatiskt från kundportalen hos { $agency }.
wishes-submitted-first = allt (första inskickningen)
wishes-section-pages = sidor
wishes-section-logo = logotyp
wishes-section-colours = färger
wishes-section-fonts = typsnitt
wishes-section-tone = tonläge
wishes-section-examples = exempelwebbplatser
wishes-section-audience = målgrupp
wishes-section-competitors = konkurrenter
wishes-section-other = övrigt

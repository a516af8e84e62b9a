# The email a customer gets when their project moves to feedback or online.
status-feedback-subject = Een voorvertoning van uw website wacht op uw feedback
status-feedback-greeting = Beste klant,
status-feedback-intro = { $agency } heeft een voorvertoning van de website voor { $company } klaargezet. Bekijk hem en laat ons weten wat u ervan vindt: uw feedback geeft u direct in het klantenportaal.
status-feedback-button = Feedback geven
status-feedback-signoff = Met vriendelijke groet,
status-feedback-footer = Deze e-mail is automatisch verstuurd door het klantenportaal van { $agency } omdat de stand van uw websiteproject is gewijzigd.
status-online-subject = Uw website is online
status-online-greeting = Beste klant,
status-online-intro = Goed nieuws: de website voor { $company } staat nu online. In het klantenportaal vindt u de berichten uit de formulieren van uw website en alles verder over uw site.
status-online-button = Klantenportaal openen
status-online-signoff = Met vriendelijke groet,
status-online-footer = Deze e-mail is automatisch verstuurd door het klantenportaal van { $agency } omdat de stand van uw websiteproject is gewijzigd.

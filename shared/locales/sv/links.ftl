# Länkar som slutat fungera eftersom kontot ändrades efter att de skickades.
page-link-login-email-changed-invitation = Länken skickades till en adress som inte längre är kontots inloggningsmejl och fungerar därför inte längre. Be { $agency } om en ny inbjudan.
page-link-login-email-changed-reset = Kontots inloggningsmejl ändrades efter att länken skickades, så den fungerar inte längre. Begär en ny länk under ”Glömt lösenordet” med det nuvarande inloggningsmejlet.
page-link-password-changed = Kontots lösenord har angetts, ändrats eller återställts efter att länken skickades, så den fungerar inte längre. Logga in med det nuvarande lösenordet eller begär en ny länk under ”Glömt lösenordet”.

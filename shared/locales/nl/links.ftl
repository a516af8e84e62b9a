# Links die niet meer werken omdat het account na het versturen is gewijzigd.
page-link-login-email-changed-invitation = Deze link is verstuurd naar een adres dat niet meer het inlog-e-mailadres van dit account is en werkt daarom niet meer. Vraag { $agency } om een nieuwe uitnodiging.
page-link-login-email-changed-reset = Het inlog-e-mailadres van dit account is gewijzigd nadat deze link is verstuurd; de link werkt daarom niet meer. Vraag via ‘Wachtwoord vergeten’ een nieuwe link aan met het huidige inlog-e-mailadres.
page-link-password-changed = Het wachtwoord van dit account is ingesteld, gewijzigd of opnieuw ingesteld nadat deze link is verstuurd; de link werkt daarom niet meer. Log in met het huidige wachtwoord of vraag via ‘Wachtwoord vergeten’ een nieuwe link aan.

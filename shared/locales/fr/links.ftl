# Liens qui ne fonctionnent plus parce que le compte a changé après leur envoi.
page-link-login-email-changed-invitation = Ce lien a été envoyé à une adresse qui n’est plus l’e-mail de connexion de ce compte ; il ne fonctionne donc plus. Demandez une nouvelle invitation à { $agency }.
page-link-login-email-changed-reset = L’e-mail de connexion de ce compte a changé après l’envoi de ce lien ; il ne fonctionne donc plus. Demandez un nouveau lien via « Mot de passe oublié » avec l’e-mail de connexion actuel.
page-link-password-changed = Le mot de passe de ce compte a été défini, modifié ou réinitialisé après l’envoi de ce lien ; il ne fonctionne donc plus. Connectez-vous avec le mot de passe actuel, ou demandez un nouveau lien via « Mot de passe oublié ».

# Customer portal — French

email-button-set-password = Définir votre mot de passe
email-button-login = Se connecter au portail
email-link-fallback = Si le bouton ne fonctionne pas, copiez cette adresse dans votre navigateur :
email-username = Votre identifiant : { $email }
email-expiry = Le lien permettant de définir votre mot de passe est valable jusqu’au { $date }. Passé ce délai, demandez une nouvelle invitation à { $agency }.
email-footer = Vous recevez cet e-mail car { $agency } vous a ouvert un accès à son portail client. Si vous ne l’attendiez pas, vous pouvez simplement l’ignorer.
email-opens-area = Après la connexion, vous accéderez directement à la rubrique : { $area }
# Long date format (chrono strftime syntax), e.g. "5 mars 2025".
date-format = %-d %B %Y
area-start = Accueil
area-customer-data = Mes informations
area-files = Fichiers
area-wishes = Souhaits pour le site web
area-form-entries = Messages des formulaires
sample-company = Boulangerie Martin SARL
sample-contact = Claire Martin
sample-note = Nous nous réjouissons de travailler avec vous sur votre nouveau site web !

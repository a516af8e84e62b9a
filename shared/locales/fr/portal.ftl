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
password-too-short = Votre mot de passe doit comporter au moins { $min } caractères. Une phrase de plusieurs mots est facile à retenir et difficile à deviner.
password-too-long = Votre mot de passe peut comporter au plus { $max } caractères.
password-common = Ce mot de passe fait partie des plus courants et il est essayé en premier lors des attaques. Choisissez-en un autre, par exemple une phrase de plusieurs mots.
password-contains-email = Votre mot de passe ne doit pas contenir votre adresse e-mail. Choisissez-en un autre.

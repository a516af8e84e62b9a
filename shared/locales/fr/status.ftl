# The email a customer gets when their project moves to feedback or online.
status-feedback-subject = Un aperçu de votre site web attend vos retours
status-feedback-greeting = Bonjour,
status-feedback-intro = { $agency } a préparé un aperçu du site web de { $company }. Merci d’y jeter un œil et de nous dire ce que vous en pensez : vous pouvez laisser vos retours directement dans le portail client.
status-feedback-button = Donner mon avis
status-feedback-signoff = Cordialement,
status-feedback-footer = Cet e-mail a été envoyé automatiquement par le portail client de { $agency } parce que l’état de votre projet de site web a changé.
status-online-subject = Votre site web est en ligne
status-online-greeting = Bonjour,
status-online-intro = Bonne nouvelle : le site web de { $company } est maintenant en ligne. Dans le portail client, vous trouverez les messages envoyés par les formulaires de votre site et tout ce qui concerne votre site.
status-online-button = Ouvrir le portail client
status-online-signoff = Cordialement,
status-online-footer = Cet e-mail a été envoyé automatiquement par le portail client de { $agency } parce que l’état de votre projet de site web a changé.

# Pourquoi un modèle d'invitation de l'agence est refusé (les messages suivent le nom du champ).
template-empty = ne doit pas être vide
template-source-too-long = doit compter au plus { $max } caractères
template-syntax = n'est pas un modèle valide : { $detail }
template-syntax-line = n'est pas un modèle valide : { $detail } (ligne { $line })
template-unknown-variables = utilise des noms inconnus : { $names } ; disponibles : { $available }
template-missing-variable = doit contenir { $name }
template-too-much-work = demande trop de travail au rendu : une boucle ou une répétition est trop grande
template-failed = ne peut pas être rendu : { $detail }
template-renders-empty = produit un texte vide
template-subject-too-long = produit plus de { $max } caractères sur une ligne
template-body-too-long = produit plus de { $max } caractères
template-too-many-lines = produit plus de { $max } lignes
template-too-many-segments = produit plus de { $max } segments SMS
template-unusable-title = Le modèle d'invitation de l'agence est inutilisable
template-unusable-detail = Modèle { $channel } pour { $language } : le champ « { $field } » { $reason }. Corrigez-le, ou supprimez-le pour utiliser le texte par défaut ; rien n'a été envoyé ni enregistré.

# Warum eine Einladungsvorlage der Agentur abgelehnt wird (Feldmeldungen folgen dem Feldnamen).
template-empty = darf nicht leer sein
template-source-too-long = darf höchstens { $max } Zeichen lang sein
template-syntax = ist keine gültige Vorlage: { $detail }
template-syntax-line = ist keine gültige Vorlage: { $detail } (Zeile { $line })
template-unknown-variables = verwendet unbekannte Namen: { $names }; verfügbar sind { $available }
template-missing-variable = muss { $name } enthalten
template-too-much-work = ist zu aufwendig zu erzeugen: eine Schleife oder Wiederholung ist zu groß
template-failed = lässt sich nicht erzeugen: { $detail }
template-renders-empty = ergibt einen leeren Text
template-subject-too-long = ergibt mehr als { $max } Zeichen in einer Zeile
template-body-too-long = ergibt mehr als { $max } Zeichen
template-too-many-lines = ergibt mehr als { $max } Zeilen
template-too-many-segments = ergibt mehr als { $max } SMS-Teile
template-unusable-title = Die Einladungsvorlage der Agentur ist nicht verwendbar
template-unusable-detail = Vorlage { $channel } für { $language }: das Feld „{ $field }“ { $reason }. Korrigieren Sie die Vorlage oder löschen Sie sie, um den mitgelieferten Text zu verwenden; es wurde nichts gesendet oder gespeichert.

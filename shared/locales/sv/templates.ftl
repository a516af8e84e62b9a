# Varför en av byråns inbjudningsmallar avvisas (meddelandena följer fältnamnet).
template-empty = får inte vara tom
template-source-too-long = får vara högst { $max } tecken lång
template-syntax = är ingen giltig mall: { $detail }
template-syntax-line = är ingen giltig mall: { $detail } (rad { $line })
template-unknown-variables = använder okända namn: { $names }; tillgängliga är { $available }
template-missing-variable = måste innehålla { $name }
template-too-much-work = kräver för mycket arbete att skapa: en slinga eller upprepning är för stor
template-failed = kan inte skapas: { $detail }
template-renders-empty = ger en tom text
template-subject-too-long = ger mer än { $max } tecken på en rad
template-body-too-long = ger mer än { $max } tecken
template-too-many-lines = ger mer än { $max } rader
template-too-many-segments = ger mer än { $max } sms-delar
template-unusable-title = Byråns inbjudningsmall kan inte användas
template-unusable-detail = Mallen { $channel } för { $language }: fältet ”{ $field }” { $reason }. Rätta mallen, eller ta bort den för att använda standardtexten; inget har skickats eller sparats.

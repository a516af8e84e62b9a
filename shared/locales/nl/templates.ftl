# Waarom een uitnodigingssjabloon van het bureau wordt geweigerd (meldingen volgen de veldnaam).
template-empty = mag niet leeg zijn
template-source-too-long = mag hoogstens { $max } tekens lang zijn
template-syntax = is geen geldige sjabloon: { $detail }
template-syntax-line = is geen geldige sjabloon: { $detail } (regel { $line })
template-unknown-variables = gebruikt onbekende namen: { $names }; beschikbaar zijn { $available }
template-missing-variable = moet { $name } bevatten
template-too-much-work = kost te veel werk om te maken: een lus of herhaling is te groot
template-failed = kan niet worden gemaakt: { $detail }
template-renders-empty = levert een lege tekst op
template-subject-too-long = levert meer dan { $max } tekens op één regel op
template-body-too-long = levert meer dan { $max } tekens op
template-too-many-lines = levert meer dan { $max } regels op
template-too-many-segments = levert meer dan { $max } sms-delen op
template-unusable-title = De uitnodigingssjabloon van het bureau is onbruikbaar
template-unusable-detail = Sjabloon { $channel } voor { $language }: het veld '{ $field }' { $reason }. Verbeter de sjabloon, of verwijder hem om de standaardtekst te gebruiken; er is niets verzonden of opgeslagen.

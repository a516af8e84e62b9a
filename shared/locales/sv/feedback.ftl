# Feedback på utkastwebbplatsen: API:ets problem, det samlade mejlet, överlagrets texter.
feedback-not-open-title = Feedback är inte öppen för det här projektet
feedback-not-open-detail = Er byrå tar emot feedback på webbplatsen så snart förhandsvisningen är klar. Fram till dess finns det inget att kommentera här.
feedback-token-expired-title = Den här feedbacksessionen har gått ut
feedback-token-expired-detail = För din säkerhet gäller en feedbacksession i två timmar. Öppna webbplatsen igen från kundportalen med ”Ge feedback”.
feedback-token-revoked-title = Den här feedbacksessionen har avslutats
feedback-token-revoked-detail = Den här feedbacksessionen fungerar inte längre. Öppna webbplatsen igen från kundportalen med ”Ge feedback”.
feedback-token-invalid-title = Ingen giltig feedbacksession
feedback-token-invalid-detail = Öppna webbplatsen från kundportalen med ”Ge feedback” för att kommentera den.

feedback-state-open = öppen
feedback-state-in-progress = pågår
feedback-state-resolved = löst
feedback-state-wont-fix = ändras inte

feedback-notice-subject = { $count ->
    [one] Nytt om webbplatsfeedbacken i kundportalen hos { $agency }
   *[other] { $count } nyheter om webbplatsfeedbacken i kundportalen hos { $agency }
}
feedback-notice-greeting = Hej,
feedback-notice-intro = { $count ->
    [one] Det finns nytt om webbplatsfeedbacken för { $company }: { $items }
   *[other] Det finns { $count } nyheter om webbplatsfeedbacken för { $company }: { $items }
}
feedback-notice-new = ny punkt #{ $number } på { $page }: ”{ $text }”
feedback-notice-reply = svar på #{ $number } ({ $page }): ”{ $text }”
feedback-notice-state = #{ $number } ({ $page }) är nu { $state }
feedback-notice-button = Öppna feedbacken
feedback-notice-signoff = Vänliga hälsningar
feedback-notice-footer = Det här mejlet skickades automatiskt från kundportalen hos { $agency }.

overlay-comment-mode = Kommentera
overlay-hint = Klicka på den del av sidan du vill kommentera.
overlay-comment-label = Din kommentar
overlay-send = Skicka
overlay-cancel = Avbryt
overlay-close = Stäng
overlay-sent = Tack! Din kommentar har skickats.
overlay-failed = Din kommentar kunde inte skickas. Försök igen.
overlay-attach = Bifoga filer från ditt filområde
overlay-not-found = Punkt #{ $number } finns inte längre på den här sidan: sidan kan ha ändrats.
overlay-replies = { $count ->
    [one] 1 svar
   *[other] { $count } svar
}

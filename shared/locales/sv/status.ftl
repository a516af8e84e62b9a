# The email a customer gets when their project moves to feedback or online.
status-feedback-subject = En förhandsversion av din webbplats väntar på din feedback
status-feedback-greeting = Hej!
status-feedback-intro = { $agency } har tagit fram en förhandsversion av webbplatsen för { $company }. Titta gärna på den och berätta vad du tycker: du lämnar din feedback direkt i kundportalen.
status-feedback-button = Lämna feedback
status-feedback-signoff = Vänliga hälsningar
status-feedback-footer = Det här mejlet skickades automatiskt från kundportalen hos { $agency } eftersom läget i ditt webbplatsprojekt har ändrats.
status-online-subject = Din webbplats är publicerad
status-online-greeting = Hej!
status-online-intro = Goda nyheter: webbplatsen för { $company } är nu publicerad. I kundportalen hittar du meddelandena från webbplatsens formulär och allt annat om din webbplats.
status-online-button = Öppna kundportalen
status-online-signoff = Vänliga hälsningar
status-online-footer = Det här mejlet skickades automatiskt från kundportalen hos { $agency } eftersom läget i ditt webbplatsprojekt har ändrats.

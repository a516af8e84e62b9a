# The login's limits. A wrong current password when changing it counts like a failed login.
password-change-locked = Te vaak een verkeerd huidig wachtwoord. Wacht { $minutes ->
        [one] { $minutes } minuut
       *[other] { $minutes } minuten
    } en probeer het dan opnieuw.

# The login's limits. A wrong current password when changing it counts like a failed login.
password-change-locked = Zu viele falsche aktuelle Passwörter. Bitte warten Sie { $minutes ->
        [one] { $minutes } Minute
       *[other] { $minutes } Minuten
    } und versuchen Sie es dann noch einmal.

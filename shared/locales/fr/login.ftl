# The login's limits. A wrong current password when changing it counts like a failed login.
password-change-locked = Trop de mots de passe actuels erronés. Patientez { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    } puis réessayez.

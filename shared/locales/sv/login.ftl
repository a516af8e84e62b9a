# The login's limits. A wrong current password when changing it counts like a failed login.
password-change-locked = För många felaktiga nuvarande lösenord. Vänta { $minutes ->
        [one] { $minutes } minut
       *[other] { $minutes } minuter
    } och försök igen.

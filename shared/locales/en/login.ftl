# The login's limits. A wrong current password when changing it counts like a failed login.
password-change-locked = Too many wrong current passwords. Please wait { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    } and try again.

# The login's limits. A wrong current password when changing it counts like a failed login.
password-change-locked = Demasiadas contraseñas actuales incorrectas. Espere { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    } y vuelva a intentarlo.

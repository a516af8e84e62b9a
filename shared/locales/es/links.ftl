# Enlaces que dejaron de funcionar porque la cuenta cambió después de enviarlos.
page-link-login-email-changed-invitation = Este enlace se envió a una dirección que ya no es el correo de acceso de esta cuenta, por lo que ya no funciona. Solicite una nueva invitación a { $agency }.
page-link-login-email-changed-reset = El correo de acceso de esta cuenta cambió después de enviar este enlace, por lo que ya no funciona. Solicite un nuevo enlace en «He olvidado mi contraseña» con el correo de acceso actual.
page-link-password-changed = La contraseña de esta cuenta se estableció, cambió o restableció después de enviar este enlace, por lo que ya no funciona. Inicie sesión con la contraseña actual o solicite un nuevo enlace en «He olvidado mi contraseña».

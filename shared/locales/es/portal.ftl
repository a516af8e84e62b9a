# Customer portal — Spanish

email-button-set-password = Crear su contraseña
email-button-login = Acceder al portal
email-link-fallback = Si el botón no funciona, copie esta dirección en su navegador:
email-username = Su nombre de usuario: { $email }
email-expiry = El enlace para crear su contraseña es válido hasta el { $date }. Después de esa fecha, solicite una nueva invitación a { $agency }.
email-footer = Ha recibido este correo porque { $agency } le ha invitado a su portal de clientes. Si no lo esperaba, puede ignorarlo sin problema.
email-opens-area = Al iniciar sesión, accederá directamente a: { $area }
# Long date format (chrono strftime syntax), e.g. "5 de marzo de 2025".
date-format = %-d de %B de %Y
area-start = Inicio
area-customer-data = Mis datos
area-files = Archivos
area-wishes = Peticiones para la web
area-form-entries = Mensajes de formularios
sample-company = Panadería García S.L.
sample-contact = Ana García
sample-note = ¡Estamos deseando trabajar con usted en su nueva página web!
password-too-short = Su contraseña necesita al menos { $min } caracteres. Una frase de varias palabras es fácil de recordar y difícil de adivinar.
password-too-long = Su contraseña puede tener como máximo { $max } caracteres.
password-common = Esta contraseña es una de las más comunes y es la primera que se prueba en los ataques. Elija otra, por ejemplo una frase de varias palabras.
password-contains-email = Su contraseña no debe contener su dirección de correo electrónico. Elija otra.

# Customer portal — Spanish

email-button-set-password = Crear su contraseña
email-button-login = Acceder al portal
email-link-fallback = Si el botón no funciona, copie esta dirección en su navegador:
email-username = Su nombre de usuario: { $email }
email-expiry = El enlace para crear su contraseña es válido hasta el { $date }. Después de esa fecha, solicite una nueva invitación a { $agency }.
email-footer = Ha recibido este correo porque { $agency } le ha invitado a su portal de clientes. Si no lo esperaba, puede ignorarlo sin problema.
email-opens-area = Al iniciar sesión, accederá directamente a: { $area }
# A long date, e.g. "5 de marzo de 2025": $day and $year in digits, $month 1 to 12.
date-long = { $day } de { $month ->
        [1] enero
        [2] febrero
        [3] marzo
        [4] abril
        [5] mayo
        [6] junio
        [7] julio
        [8] agosto
        [9] septiembre
        [10] octubre
        [11] noviembre
       *[12] diciembre
    } de { $year }
area-start = Inicio
area-customer-data = Mis datos
area-files = Archivos
area-wishes = Peticiones para la web
area-form-entries = Mensajes de formularios
sample-company = Panadería García S.L.
sample-contact = Ana García
sample-note = ¡Estamos deseando trabajar con usted en su nueva página web!
password-too-short = Su contraseña necesita al menos { $min ->
        [one] { $min } carácter
       *[other] { $min } caracteres
    }. Una frase de varias palabras es fácil de recordar y difícil de adivinar.
password-too-long = Su contraseña puede tener como máximo { $max ->
        [one] { $max } carácter
       *[other] { $max } caracteres
    }.
password-common = Esta contraseña es una de las más comunes y es la primera que se prueba en los ataques. Elija otra, por ejemplo una frase de varias palabras.
password-contains-email = Su contraseña no debe contener su dirección de correo electrónico. Elija otra.
# Server-rendered pages: login, password setup and reset, My details.
page-portal = Portal de clientes
page-error-title = Se ha producido un error
page-error-text = Vuelva a intentarlo dentro de unos minutos.
page-set-password-title = Cree su contraseña
page-set-password-intro = Le damos la bienvenida. Elija una contraseña para el portal de clientes de { $agency }. Accederá con su dirección de correo electrónico y esta contraseña.
page-reset-password-title = Elija una nueva contraseña
page-reset-password-intro = Elija una nueva contraseña para el portal de clientes de { $agency }. Su contraseña anterior dejará de funcionar.
page-label-company = Empresa
page-label-username = Nombre de usuario
page-label-new-password = Nueva contraseña
page-password-hint = Al menos { $min ->
        [one] { $min } carácter
       *[other] { $min } caracteres
    }. Una frase de varias palabras es fácil de recordar.
page-set-password-submit = Guardar contraseña
page-link-problem-title = Este enlace no funciona
page-link-expired-invitation = Este enlace ha caducado. Solicite una nueva invitación a { $agency }.
page-link-expired-reset = Este enlace ha caducado. Solicite uno nuevo en «He olvidado mi contraseña».
page-link-used = Este enlace ya se ha utilizado. Inicie sesión con su contraseña o restablézcala si la ha olvidado.
page-link-superseded-invitation = Una invitación más reciente ha sustituido este enlace. Utilice el enlace del último correo o SMS que haya recibido.
page-link-superseded-reset = Ha solicitado un enlace más reciente que sustituye a este. Utilice el enlace del último correo que haya recibido.
page-link-revoked-invitation = { $agency } ha retirado esta invitación. Solicítele una nueva.
page-link-revoked-reset = Este enlace se ha anulado. Solicite uno nuevo en «He olvidado mi contraseña» o póngase en contacto con { $agency }.
page-link-unknown = Este enlace no es válido. Puede que esté incompleto: copie la dirección completa del mensaje.
page-button-login = Ir a iniciar sesión
page-button-forgot = He olvidado mi contraseña
page-login-title = Iniciar sesión
page-login-intro = Acceda al portal de clientes de { $agency } con su dirección de correo electrónico y su contraseña.
page-label-email = Correo electrónico
page-label-password = Contraseña
page-login-submit = Iniciar sesión
page-link-forgot = ¿Ha olvidado su contraseña?
page-notice-password-set = Su contraseña se ha guardado. Ya puede iniciar sesión.
page-notice-password-reset = Su contraseña se ha cambiado. Inicie sesión con su nueva contraseña.
page-notice-logged-out = Ha cerrado la sesión.
page-forgot-title = Restablecer la contraseña
page-forgot-intro = Introduzca la dirección de correo electrónico con la que inicia sesión. Le enviaremos un enlace para elegir una nueva contraseña.
page-forgot-submit = Enviar enlace
page-forgot-sent = Si existe una cuenta con esta dirección, le hemos enviado un enlace. Es válido durante una hora.
page-forgot-sent-spam = ¿No ha recibido nada al cabo de unos minutos? Revise la carpeta de correo no deseado o pregunte a { $agency } qué dirección tiene asociada su acceso.
page-link-back-to-login = Volver a iniciar sesión
page-my-data-title = Mis datos
page-my-data-intro = Mantenga sus datos actualizados para que { $agency } pueda ponerse en contacto con usted.
page-my-data-saved = Sus cambios se han guardado.
page-my-data-errors = Sus cambios no se han guardado. Corrija los campos marcados.
page-section-address = Dirección
page-section-contact = Datos de contacto
page-section-account = Su acceso
page-label-company-name = Nombre de la empresa
page-label-owner = Propietario o gerente
page-label-contact-person = Persona de contacto para la web
page-hint-contact-person = Solo si es una persona distinta del propietario.
page-label-street = Calle y número
page-label-postal-code = Código postal
page-label-city = Localidad
page-label-region = Provincia o región
page-label-country = País
page-hint-country = Código de país de dos letras, por ejemplo ES, MX o AR.
page-label-mobile = Teléfono móvil
page-label-phone = Teléfono
page-label-fax = Fax
page-label-emails = Otras direcciones de correo electrónico
page-hint-emails = Por ejemplo, para las facturas. Separe varias direcciones con comas.
page-label-language = Idioma del portal y de los correos
page-label-login-email = Correo electrónico de acceso
page-hint-login-email = Para cambiarlo, póngase en contacto con { $agency }.
page-label-status = Estado del proyecto
page-status-preparation = Preparación
page-status-design = Diseño y desarrollo
page-status-feedback = Pendiente de sus comentarios
page-status-launch = Preparando la publicación
page-status-online = En línea
page-status-paused = En pausa
page-my-data-submit = Guardar cambios
page-change-password-title = Cambiar la contraseña
page-label-current-password = Contraseña actual
page-change-password-submit = Guardar la nueva contraseña
page-password-changed = Su contraseña se ha cambiado.
page-logout = Cerrar sesión
# Password reset email.
reset-subject = Restablezca su contraseña del portal de clientes de { $agency }
reset-greeting = Buenos días:
reset-intro = Se ha solicitado restablecer la contraseña de { $email } en el portal de clientes de { $agency }. Puede elegir una nueva contraseña con el botón que encontrará más abajo.
reset-button = Elegir una nueva contraseña
reset-expiry = El enlace es válido durante { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    } y solo puede usarse una vez.
reset-ignore = Si no ha sido usted, puede ignorar este correo. Su contraseña no cambiará.
reset-signoff = Un cordial saludo,
reset-footer = Este correo se ha enviado automáticamente desde el portal de clientes de { $agency }. { $agency } nunca le pedirá su contraseña.
login-invalid = La dirección de correo electrónico o la contraseña no son correctas. Inténtelo de nuevo.
login-locked = Demasiados intentos fallidos. Espere { $minutes ->
        [one] { $minutes } minuto
       *[other] { $minutes } minutos
    } y vuelva a intentarlo, o restablezca su contraseña.
password-current-wrong = Su contraseña actual no es correcta. Su contraseña no se ha cambiado.
page-login-intro-generic = Inicie sesión en el portal de clientes con su dirección de correo electrónico y su contraseña.
page-forgot-sent-spam-generic = ¿No ha recibido el correo tras unos minutos? Revise la carpeta de correo no deseado o pregunte a su agencia qué dirección utiliza su acceso.
# Cuentas del personal: el correo de invitación y la página de la cuenta.
staff-invite-subject = Su cuenta de personal para el portal de clientes de { $agency }
staff-invite-greeting = Hola, { $name }:
staff-invite-intro = { $agency } le ha creado una cuenta de personal en su portal de clientes. Iniciará sesión con { $email }. Elija su contraseña con el botón de abajo.
staff-invite-button = Establecer su contraseña
staff-invite-expiry = El enlace es válido durante { $days ->
        [one] { $days } día
       *[other] { $days } días
    } y solo funciona una vez. Después, pida a un compañero que le invite de nuevo.
staff-invite-ignore = Si no esperaba este correo, puede ignorarlo. La cuenta no estará activa hasta que se establezca una contraseña.
staff-invite-signoff = Saludos cordiales,
staff-invite-footer = Este correo fue enviado automáticamente por el portal de clientes de { $agency }. Nadie le pedirá nunca su contraseña.
page-staff-set-password-intro = ¡Bienvenido! Elija una contraseña para su cuenta de personal en el portal de clientes de { $agency }. Iniciará sesión con su dirección de correo y esta contraseña.
page-staff-title = Mi cuenta de personal
page-staff-intro = Ha iniciado sesión como personal de { $agency }. Con esta sesión puede hacer todo lo que permiten las claves de API de la agencia.
page-label-name = Nombre
page-staff-hint-email = Para usar otra dirección de correo, pida a un compañero que la invite como nueva cuenta de personal.

files-notice-subject = { $count ->
    [one] Un archivo nuevo en el portal de clientes de { $agency }
   *[other] { $count } archivos nuevos en el portal de clientes de { $agency }
}
files-notice-greeting = Hola:
files-notice-intro = { $count ->
    [one] Tiene un archivo nuevo en el portal de clientes de { $agency }: { $names }
   *[other] Tiene { $count } archivos nuevos en el portal de clientes de { $agency }: { $names }
}
files-notice-button = Abrir los archivos
files-notice-expiry = Inicie sesión para descargarlos.
files-notice-ignore = Los archivos se comparten solo a través del portal, nunca como adjuntos.
files-notice-signoff = Saludos cordiales,
files-notice-footer = Este correo fue enviado automáticamente por el portal de clientes de { $agency }.

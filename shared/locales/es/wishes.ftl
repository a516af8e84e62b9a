# The email the agency gets when a customer submits their wishes.
wishes-submitted-subject = { $company } ha enviado sus deseos para el sitio web
wishes-submitted-greeting = Hola:
wishes-submitted-intro = { $company } ha enviado sus deseos (versión { $number }) en el portal de clientes de { $agency }. Cambios desde el último envío: { $changes }.
wishes-submitted-button = Leer los deseos
wishes-submitted-signoff = Un cordial saludo,
wishes-submitted-footer = Este correo se ha enviado automáticamente desde el portal de clientes de { $agency }.
wishes-submitted-first = todo (primer envío)
wishes-section-pages = páginas
wishes-section-logo = logotipo
wishes-section-colours = colores
wishes-section-fonts = tipografías
wishes-section-tone = tono
wishes-section-examples = sitios de ejemplo
wishes-section-audience = público objetivo
wishes-section-competitors = competidores
wishes-section-other = otros

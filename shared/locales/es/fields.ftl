# Errores de los campos: se muestran bajo la etiqueta del campo.

field-invalid = Este valor no es válido.
field-required = Este campo es obligatorio.
field-empty = No puede estar vacío.
field-listed-twice = Esta dirección ya está en la lista.
field-too-many-emails = { $max ->
    [one] Como máximo { $max } dirección.
   *[other] Como máximo { $max } direcciones.
}
field-country-required = Indique el país cuando dé una dirección.
field-agency-only = Solo su agencia puede cambiarlo.
field-ask-a-colleague = No se puede cambiar; pida a un compañero que invite la nueva dirección.
field-too-long = { $max ->
    [one] Como máximo { $max } carácter.
   *[other] Como máximo { $max } caracteres.
}
field-control-character = No puede contener caracteres de control.
field-single-line = Debe ocupar una sola línea.
field-email-too-long = Como máximo 254 caracteres.
field-email-invalid = No es una dirección de correo electrónico válida.
field-email-no-domain-dot = Falta el dominio completo después de la @ (por ejemplo nombre@example.com).
field-url-invalid = Indique una dirección completa como https://portal.agencia.example.
field-url-not-https = Debe usar https (http solo se permite para localhost y 127.0.0.1).
field-url-extra = No puede contener credenciales, consulta ni fragmento.
field-tier-unknown = Valores posibles: starter, professional, enterprise.
field-area-unknown = Valores posibles: start, customer-data, files, wishes, form-entries.
field-phone-needs-country = Indique el prefijo internacional (por ejemplo +34 912 345 678) o un país en la dirección.
field-phone-invalid = No es un número de teléfono válido.
field-phone-not-mobile = Es un número fijo; para recibir SMS hace falta un número móvil.
field-country-unknown = Indique un código de país de dos letras, por ejemplo ES, MX, DE o SE.
field-language-unknown = Valores posibles: de, en, fr, es, nl, sv.
field-status-unknown = Valores posibles: preparation, design, feedback, launch, online, paused.
field-status-own-route = El estado se cambia con su propia ruta de estado, que guarda el historial.
field-logo-not-your-image = Elija uno de sus archivos que sea una imagen lista para descargar.

# The email a customer gets when their project moves to feedback or online.
status-feedback-subject = Una vista previa de su sitio web espera sus comentarios
status-feedback-greeting = Buenos días:
status-feedback-intro = { $agency } ha preparado una vista previa del sitio web de { $company }. Échele un vistazo y díganos qué le parece: puede dejar sus comentarios directamente en el portal de clientes.
status-feedback-button = Dar mi opinión
status-feedback-signoff = Un cordial saludo,
status-feedback-footer = Este correo se ha enviado automáticamente desde el portal de clientes de { $agency } porque ha cambiado el estado de su proyecto web.
status-online-subject = Su sitio web ya está en línea
status-online-greeting = Buenos días:
status-online-intro = Buenas noticias: el sitio web de { $company } ya está publicado. En el portal de clientes encontrará los mensajes enviados desde los formularios de su sitio y todo lo demás sobre su web.
status-online-button = Abrir el portal de clientes
status-online-signoff = Un cordial saludo,
status-online-footer = Este correo se ha enviado automáticamente desde el portal de clientes de { $agency } porque ha cambiado el estado de su proyecto web.

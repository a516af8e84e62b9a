# Comentarios sobre el sitio en borrador: problemas de la API, el correo agrupado, los textos de la capa.
feedback-not-open-title = Los comentarios no están abiertos para este proyecto
feedback-not-open-detail = Su agencia recoge comentarios sobre el sitio web en cuanto la vista previa está lista. Hasta entonces no hay nada que comentar aquí.
feedback-token-expired-title = Esta sesión de comentarios ha caducado
feedback-token-expired-detail = Por su seguridad, una sesión de comentarios dura dos horas. Abra de nuevo el sitio desde su portal de cliente con «Dar mi opinión».
feedback-token-revoked-title = Esta sesión de comentarios se ha cerrado
feedback-token-revoked-detail = Esta sesión de comentarios ya no funciona. Abra de nuevo el sitio desde su portal de cliente con «Dar mi opinión».
feedback-token-invalid-title = No hay una sesión de comentarios válida
feedback-token-invalid-detail = Abra el sitio desde su portal de cliente con «Dar mi opinión» para comentarlo.

feedback-state-open = abierto
feedback-state-in-progress = en curso
feedback-state-resolved = resuelto
feedback-state-wont-fix = no se cambiará

feedback-notice-subject = { $count ->
    [one] Novedades sobre los comentarios del sitio en el portal de cliente de { $agency }
   *[other] { $count } novedades sobre los comentarios del sitio en el portal de cliente de { $agency }
}
feedback-notice-greeting = Hola:
feedback-notice-intro = { $count ->
    [one] Hay novedades sobre los comentarios del sitio de { $company }: { $items }
   *[other] Hay { $count } novedades sobre los comentarios del sitio de { $company }: { $items }
}
feedback-notice-new = nuevo punto n.º { $number } en { $page }: «{ $text }»
feedback-notice-reply = respuesta al n.º { $number } ({ $page }): «{ $text }»
feedback-notice-state = n.º { $number } ({ $page }) ahora está { $state }
feedback-notice-button = Abrir los comentarios
feedback-notice-signoff = Saludos cordiales,
feedback-notice-footer = Este correo se ha enviado automáticamente desde el portal de cliente de { $agency }.

overlay-comment-mode = Comentar
overlay-hint = Haga clic en la parte de la página que quiere comentar.
overlay-comment-label = Su comentario
overlay-send = Enviar
overlay-cancel = Cancelar
overlay-close = Cerrar
overlay-sent = ¡Gracias! Su comentario se ha enviado.
overlay-failed = No se ha podido enviar su comentario. Inténtelo de nuevo.
overlay-attach = Adjuntar archivos de su área de archivos
overlay-not-found = El punto n.º { $number } ya no se encuentra en esta página: puede que la página haya cambiado.
overlay-replies = { $count ->
    [one] 1 respuesta
   *[other] { $count } respuestas
}

# Por qué se rechaza una plantilla de invitación de la agencia (los mensajes siguen al nombre del campo).
template-empty = no puede estar vacío
template-source-too-long = debe tener como máximo { $max } caracteres
template-syntax = no es una plantilla válida: { $detail }
template-syntax-line = no es una plantilla válida: { $detail } (línea { $line })
template-unknown-variables = usa nombres desconocidos: { $names }; disponibles: { $available }
template-missing-variable = debe contener { $name }
template-too-much-work = requiere demasiado trabajo para generarse: un bucle o una repetición es demasiado grande
template-failed = no se puede generar: { $detail }
template-renders-empty = genera un texto vacío
template-subject-too-long = genera más de { $max } caracteres en una línea
template-body-too-long = genera más de { $max } caracteres
template-too-many-lines = genera más de { $max } líneas
template-too-many-segments = genera más de { $max } segmentos SMS
template-unusable-title = La plantilla de invitación de la agencia no se puede usar
template-unusable-detail = Plantilla { $channel } para { $language }: el campo «{ $field }» { $reason }. Corríjala, o elimínela para usar el texto predeterminado; no se ha enviado ni guardado nada.

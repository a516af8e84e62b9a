# The email a customer gets when their project moves to feedback or online.
status-feedback-subject = Eine Vorschau Ihrer Website wartet auf Ihr Feedback
status-feedback-greeting = Guten Tag,
status-feedback-intro = { $agency } hat eine Vorschau der Website für { $company } vorbereitet. Bitte schauen Sie sie sich an und sagen Sie uns, was Sie denken: Ihr Feedback geben Sie direkt im Kundenportal.
status-feedback-button = Feedback geben
status-feedback-signoff = Freundliche Grüße
status-feedback-footer = Diese E-Mail wurde automatisch vom Kundenportal von { $agency } versendet, weil sich der Stand Ihres Website-Projekts geändert hat.
status-online-subject = Ihre Website ist online
status-online-greeting = Guten Tag,
status-online-intro = Gute Nachrichten: Die Website für { $company } ist jetzt online. Im Kundenportal finden Sie die Nachrichten aus den Formularen Ihrer Website und alles Weitere zu Ihrer Seite.
status-online-button = Kundenportal öffnen
status-online-signoff = Freundliche Grüße
status-online-footer = Diese E-Mail wurde automatisch vom Kundenportal von { $agency } versendet, weil sich der Stand Ihres Website-Projekts geändert hat.

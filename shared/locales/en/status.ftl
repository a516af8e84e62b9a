# The email a customer gets when their project moves to feedback or online.
status-feedback-subject = A preview of your website is ready for your feedback
status-feedback-greeting = Hello,
status-feedback-intro = { $agency } has prepared a preview of the website for { $company }. Please take a look and tell us what you think: you can leave your feedback right in the customer portal.
status-feedback-button = Give feedback
status-feedback-signoff = Kind regards,
status-feedback-footer = This email was sent automatically by the { $agency } customer portal because the status of your website project changed.
status-online-subject = Your website is online
status-online-greeting = Hello,
status-online-intro = Good news: the website for { $company } is now live. In the customer portal you will find the messages sent through your website's forms and everything else about your site.
status-online-button = Open the customer portal
status-online-signoff = Kind regards,
status-online-footer = This email was sent automatically by the { $agency } customer portal because the status of your website project changed.

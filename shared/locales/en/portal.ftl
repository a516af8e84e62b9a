# Customer portal — English

email-button-set-password = Set your password
email-button-login = Log in to the portal
email-link-fallback = If the button does not work, copy this address into your browser:
email-username = Your username: { $email }
email-expiry = The link to set your password is valid until { $date }. After that, please ask { $agency } for a new invitation.
email-footer = You are receiving this email because { $agency } invited you to its customer portal. If you were not expecting it, you can safely ignore it.
email-opens-area = After logging in, you will be taken straight to: { $area }
# Long date format (chrono strftime syntax), e.g. "March 5, 2025".
date-format = %B %-d, %Y
area-start = Home
area-customer-data = My details
area-files = Files
area-wishes = Website wishes
area-form-entries = Form entries
sample-company = Miller's Bakery Ltd
sample-contact = Anna Miller
sample-note = We look forward to working with you on your new website!
password-too-short = Your password needs at least { $min } characters. A sentence of several words is easy to remember and hard to guess.
password-too-long = Your password can have at most { $max } characters.
password-common = This password is one of the most common ones and is tried first in attacks. Please choose another one, for example a sentence of several words.
password-contains-email = Your password must not contain your email address. Please choose another one.

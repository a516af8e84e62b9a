# Customer portal — English

email-button-set-password = Set your password
email-button-login = Log in to the portal
email-link-fallback = If the button does not work, copy this address into your browser:
email-username = Your username: { $email }
email-expiry = The link to set your password is valid until { $date }. After that, please ask { $agency } for a new invitation.
email-footer = You are receiving this email because { $agency } invited you to its customer portal. If you were not expecting it, you can safely ignore it.
email-opens-area = After logging in, you will be taken straight to: { $area }
# A long date, e.g. "March 5, 2025": $day and $year in digits, $month 1 to 12.
date-long = { $month ->
        [1] January
        [2] February
        [3] March
        [4] April
        [5] May
        [6] June
        [7] July
        [8] August
        [9] September
        [10] October
        [11] November
       *[12] December
    } { $day }, { $year }
area-start = Home
area-customer-data = My details
area-files = Files
area-wishes = Website wishes
area-form-entries = Form entries
sample-company = Miller's Bakery Ltd
sample-contact = Anna Miller
sample-note = We look forward to working with you on your new website!
password-too-short = Your password needs at least { $min ->
        [one] { $min } character
       *[other] { $min } characters
    }. A sentence of several words is easy to remember and hard to guess.
password-too-long = Your password can have at most { $max ->
        [one] { $max } character
       *[other] { $max } characters
    }.
password-common = This password is one of the most common ones and is tried first in attacks. Please choose another one, for example a sentence of several words.
password-contains-email = Your password must not contain your email address. Please choose another one.
# Server-rendered pages: login, password setup and reset, My details.
page-portal = Customer portal
page-error-title = Something went wrong
page-error-text = Please try again in a few minutes.
page-set-password-title = Set your password
page-set-password-intro = Welcome! Choose a password for the customer portal of { $agency }. You will log in with your email address and this password.
page-reset-password-title = Choose a new password
page-reset-password-intro = Choose a new password for the customer portal of { $agency }. Your old password will no longer work.
page-label-company = Company
page-label-username = Username
page-label-new-password = New password
page-password-hint = At least { $min ->
        [one] { $min } character
       *[other] { $min } characters
    }. A sentence of several words is easy to remember.
page-set-password-submit = Save password
page-link-problem-title = This link does not work
page-link-expired-invitation = This link has expired. Ask { $agency } for a new invitation.
page-link-expired-reset = This link has expired. Request a new link under “Forgot password”.
page-link-used = This link was already used. Log in with your password, or reset it if you forgot it.
page-link-superseded-invitation = A newer invitation replaced this link. Use the link in the most recent email or SMS.
page-link-superseded-reset = You requested a newer link, which replaced this one. Use the link in the most recent email.
page-link-revoked-invitation = { $agency } withdrew this invitation. Ask them for a new one.
page-link-revoked-reset = This link was withdrawn. Request a new link under “Forgot password”, or contact { $agency }.
page-link-unknown = This link is not valid. It may be incomplete — copy the whole address from the message.
page-button-login = Go to login
page-button-forgot = Forgot password
page-login-title = Log in
page-login-intro = Log in to the customer portal of { $agency } with your email address and password.
page-label-email = Email address
page-label-password = Password
page-login-submit = Log in
page-link-forgot = Forgot your password?
page-notice-password-set = Your password is set. You can log in now.
page-notice-password-reset = Your password has been changed. Log in with your new password.
page-notice-logged-out = You have been logged out.
page-forgot-title = Reset your password
page-forgot-intro = Enter the email address you use to log in. We will send you a link to choose a new password.
page-forgot-submit = Send link
page-forgot-sent = If an account exists for this address, we sent a link. It is valid for one hour.
page-forgot-sent-spam = No email after a few minutes? Check your spam folder, or ask { $agency } which address your access uses.
page-link-back-to-login = Back to login
page-my-data-title = My details
page-my-data-intro = Please keep your details up to date so that { $agency } can reach you.
page-my-data-saved = Your changes have been saved.
page-my-data-errors = Your changes were not saved. Please correct the marked fields.
page-section-address = Address
page-section-contact = Contact details
page-section-account = Your access
page-label-company-name = Company name
page-label-owner = Owner or manager
page-label-contact-person = Contact person for the website
page-hint-contact-person = Only if it is someone other than the owner.
page-label-street = Street and number
page-label-postal-code = Postal code
page-label-city = Town or city
page-label-region = Region or state
page-label-country = Country
page-hint-country = Two-letter code, for example GB, IE or US.
page-label-mobile = Mobile number
page-label-phone = Phone
page-label-fax = Fax
page-label-emails = Further email addresses
page-hint-emails = For example for invoices. Separate several addresses with commas.
page-label-language = Language for the portal and emails
page-label-login-email = Email address for logging in
page-hint-login-email = To change it, please contact { $agency }.
page-label-status = Project status
page-status-preparation = Preparation
page-status-design = Design and development
page-status-feedback = Waiting for your feedback
page-status-launch = Getting ready to go live
page-status-online = Online
page-status-paused = Paused
page-my-data-submit = Save changes
page-change-password-title = Change password
page-label-current-password = Current password
page-change-password-submit = Save new password
page-password-changed = Your password has been changed.
page-logout = Log out
# Password reset email.
reset-subject = Reset your password for the { $agency } customer portal
reset-greeting = Hello,
reset-intro = Someone asked to reset the password for { $email } in the { $agency } customer portal. You can choose a new password using the button below.
reset-button = Choose a new password
reset-expiry = The link is valid for { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    } and works only once.
reset-ignore = If this wasn’t you, you can ignore this email. Your password stays unchanged.
reset-signoff = Kind regards,
reset-footer = This email was sent automatically by the { $agency } customer portal. { $agency } will never ask you for your password.
login-invalid = The email address or password is wrong. Please try again.
login-locked = Too many failed attempts. Please wait { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    } and try again, or reset your password.
password-current-wrong = Your current password is wrong. Your password was not changed.
page-login-intro-generic = Log in to the customer portal with your email address and password.
page-forgot-sent-spam-generic = No email after a few minutes? Check your spam folder, or ask your agency which address your access uses.
# Staff accounts: the invitation email and the staff user's own page.
staff-invite-subject = Your staff account for the { $agency } customer portal
staff-invite-greeting = Hello { $name },
staff-invite-intro = { $agency } has created a staff account for you in its customer portal. You will log in with { $email }. Choose your password using the button below.
staff-invite-button = Set your password
staff-invite-expiry = The link is valid for { $days ->
        [one] { $days } day
       *[other] { $days } days
    } and works only once. After that, ask a colleague to invite you again.
staff-invite-ignore = If you were not expecting this, you can ignore this email. No account is active until a password is set.
staff-invite-signoff = Kind regards,
staff-invite-footer = This email was sent automatically by the { $agency } customer portal. Nobody will ever ask you for your password.
page-staff-set-password-intro = Welcome! Choose a password for your staff account in the customer portal of { $agency }. You will log in with your email address and this password.
page-staff-title = My staff account
page-staff-intro = You are logged in as staff of { $agency }. With this session you can use everything the agency's API keys can.
page-label-name = Name
page-staff-hint-email = To use another email address, ask a colleague to invite it as a new staff account.

files-notice-subject = { $count ->
    [one] A new file in the { $agency } customer portal
   *[other] { $count } new files in the { $agency } customer portal
}
files-notice-greeting = Hello,
files-notice-intro = { $count ->
    [one] A new file is waiting for you in the { $agency } customer portal: { $names }
   *[other] { $count } new files are waiting for you in the { $agency } customer portal: { $names }
}
files-notice-button = Open the files
files-notice-expiry = Log in to download them.
files-notice-ignore = Files are shared through the portal only, never as email attachments.
files-notice-signoff = Kind regards,
files-notice-footer = This email was sent automatically by the { $agency } customer portal.

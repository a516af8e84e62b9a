# Links that stopped working because the account changed after they were sent.
page-link-login-email-changed-invitation = This link was sent to an address that is no longer the login email of this account, so it no longer works. Ask { $agency } for a new invitation.
page-link-login-email-changed-reset = The login email of this account changed after this link was sent, so it no longer works. Request a new link under “Forgot password” with the current login email.
page-link-password-changed = The password of this account was set, changed or reset after this link was sent, so it no longer works. Log in with the current password, or request a new link under “Forgot password”.

//! The password policy, after NIST SP 800-63B rev. 4: long enough to be a passphrase, any
//! Unicode (normalized), no composition rules, not a common breached password, and not the
//! login email.

use std::{collections::HashSet, fmt, sync::LazyLock};

use secrecy::{ExposeSecret, SecretString};
use unicode_normalization::UnicodeNormalization;

use super::Email;

/// For a password used on its own (no second factor).
pub const MIN_CHARS: usize = 15;
/// Generous, so long passphrases and password managers always fit; bounds the hashing work.
pub const MAX_CHARS: usize = 128;

/// Loaded on first use only: no work at cold start for requests that never set a password.
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../../data/common-passwords.txt")
        .lines()
        .filter(|l| !l.is_empty())
        .collect()
});

/// Why a new password is refused. Each has a message in every language
/// (`password-too-short`, ... in the catalogue) that says what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    Common,
    ContainsEmail,
}

impl PasswordProblem {
    /// What to do about it, in `language`.
    pub fn message(self, language: super::Language) -> String {
        crate::i18n::t_args(
            language,
            self.message_key(),
            &[("min", MIN_CHARS.into()), ("max", MAX_CHARS.into())],
        )
    }

    /// The catalogue key of the message that explains it.
    pub fn message_key(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "password-too-short",
            PasswordProblem::TooLong => "password-too-long",
            PasswordProblem::Common => "password-common",
            PasswordProblem::ContainsEmail => "password-contains-email",
        }
    }
}

/// A password as typed, normalized (NFKC) so the same passphrase typed on another keyboard or
/// system still matches.
pub struct Password(SecretString);

impl Password {
    pub fn new(raw: &str) -> Self {
        Self(SecretString::from(raw.nfkc().collect::<String>()))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }

    /// Checks it as a new password for the account with `login_email`.
    pub fn check_new(&self, login_email: Option<&Email>) -> Result<(), PasswordProblem> {
        let password = self.expose();
        let chars = password.chars().count();
        if chars < MIN_CHARS {
            return Err(PasswordProblem::TooShort);
        }
        if chars > MAX_CHARS {
            return Err(PasswordProblem::TooLong);
        }
        let lower = password.to_lowercase();
        if COMMON.contains(lower.as_str()) {
            return Err(PasswordProblem::Common);
        }
        if let Some(email) = login_email {
            let email = email.normalized();
            let local = email.split('@').next().unwrap_or_default();
            if lower.contains(&email) || (local.chars().count() >= 4 && lower.contains(local)) {
                return Err(PasswordProblem::ContainsEmail);
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: &str) -> Result<(), PasswordProblem> {
        Password::new(raw).check_new(Some(
            &Email::parse("Anna.Schmidt@Baeckerei.example").unwrap(),
        ))
    }

    #[test]
    fn long_passphrases_in_any_script_are_accepted() {
        for ok in [
            "correct horse battery staple",
            "Brötchen backen um fünf Uhr",
            "水曜日の朝は早起きしてパンを焼きます",
            "ÅÄÖ åäö ÆØ æø ß und mehr",
            &"x".repeat(MAX_CHARS),
        ] {
            assert_eq!(check(ok), Ok(()), "{ok}");
        }
    }

    #[test]
    fn short_long_common_and_email_passwords_are_refused() {
        assert_eq!(
            check("Tr0ub4dor&3xyz"),
            Err(PasswordProblem::TooShort),
            "14 characters"
        );
        assert_eq!(
            check(&"x".repeat(MAX_CHARS + 1)),
            Err(PasswordProblem::TooLong)
        );
        assert_eq!(check("1q2w3e4r5t6y7u8i9o0p"), Err(PasswordProblem::Common));
        assert_eq!(check("123456789987654321"), Err(PasswordProblem::Common));
        assert_eq!(
            check("1Q2W3E4R5T6Y7U8I9O0P"),
            Err(PasswordProblem::Common),
            "case does not matter"
        );
        assert_eq!(
            check("anna.schmidt@baeckerei.example!"),
            Err(PasswordProblem::ContainsEmail)
        );
        assert_eq!(
            check("my name is ANNA.SCHMIDT, hi"),
            Err(PasswordProblem::ContainsEmail)
        );
    }

    #[test]
    fn every_problem_is_explained_in_every_language() {
        use crate::domain::Language;
        for problem in [
            PasswordProblem::TooShort,
            PasswordProblem::TooLong,
            PasswordProblem::Common,
            PasswordProblem::ContainsEmail,
        ] {
            let messages: HashSet<String> =
                Language::ALL.iter().map(|l| problem.message(*l)).collect();
            assert_eq!(
                messages.len(),
                6,
                "{problem:?} has six different translations"
            );
        }
        assert!(
            PasswordProblem::TooShort
                .message(crate::domain::Language::De)
                .contains("15 Zeichen")
        );
    }

    #[test]
    fn the_shipped_list_is_large_enough() {
        assert!(COMMON.len() >= 10_000, "{}", COMMON.len());
    }

    #[test]
    fn composed_and_decomposed_forms_are_the_same_password() {
        let composed = Password::new("Grüße aus der Backstube");
        let decomposed = Password::new("Gru\u{0308}ße aus der Backstube");
        assert_eq!(composed.expose(), decomposed.expose());
        assert_eq!(format!("{composed:?}"), "Password([REDACTED])");
    }
}

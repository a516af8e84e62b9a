//! Free-text fields: trimmed, length-checked, free of control characters.

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters long")]
    TooLong(usize),
    #[error("must not contain control characters")]
    ControlCharacter,
}

/// Trims `raw` and checks it. `multiline` allows line breaks and tabs (notes), nothing else.
pub fn clean(raw: &str, max_chars: usize, multiline: bool) -> Result<String, TextError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(TextError::Empty);
    }
    if s.chars().count() > max_chars {
        return Err(TextError::TooLong(max_chars));
    }
    let allowed = |c: char| multiline && matches!(c, '\n' | '\r' | '\t');
    if s.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(TextError::ControlCharacter);
    }
    Ok(s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_checked() {
        assert_eq!(clean("  Acme  ", 10, false).unwrap(), "Acme");
        assert_eq!(clean("   ", 10, false), Err(TextError::Empty));
        assert_eq!(clean("abcdef", 5, false), Err(TextError::TooLong(5)));
        assert_eq!(clean("a\u{0}b", 5, false), Err(TextError::ControlCharacter));
        assert_eq!(clean("a\nb", 5, false), Err(TextError::ControlCharacter));
        assert_eq!(clean("a\nb", 5, true).unwrap(), "a\nb");
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(clean("äöüßé", 5, false).is_ok());
    }
}

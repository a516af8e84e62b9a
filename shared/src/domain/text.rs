//! Free-text fields: trimmed, length-checked, free of control characters. Names, address
//! parts and other one-line values are [`SingleLine`]; notes may hold line breaks.

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum TextError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {0} characters long")]
    TooLong(usize),
    #[error("must not contain control characters")]
    ControlCharacter,
    #[error("must be a single line")]
    LineBreak,
}

/// One line of text: a name, an address part, a subject. Besides control characters it
/// refuses every character Unicode treats as a line break (U+2028 LINE SEPARATOR and U+2029
/// PARAGRAPH SEPARATOR, NEL, vertical tab, form feed): they would break a header, a CSV row,
/// an SMS or a JavaScript string somewhere downstream, and no name needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SingleLine(String);

impl SingleLine {
    /// Trims `raw` and checks it holds at most `max_chars` characters on one line.
    pub fn parse(raw: &str, max_chars: usize) -> Result<Self, TextError> {
        let s = checked_length(raw, max_chars)?;
        if s.chars().any(is_line_break) {
            return Err(TextError::LineBreak);
        }
        if s.chars().any(is_control) {
            return Err(TextError::ControlCharacter);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<SingleLine> for String {
    fn from(line: SingleLine) -> String {
        line.0
    }
}

/// A control character, or one of Unicode's explicit bidirectional embeddings, overrides
/// and isolates (U+202A–U+202E, U+2066–U+2069): invisible, they make a text read in another
/// order than it is stored ("Trojan Source"), e.g. a comment or a name that shows one thing
/// on the portal's page and says another in the agency's email or CSV. The implicit marks
/// (U+200E, U+200F) that right-to-left text needs stay allowed.
fn is_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{B}' | '\u{C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

fn checked_length(raw: &str, max_chars: usize) -> Result<&str, TextError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(TextError::Empty);
    }
    if s.chars().count() > max_chars {
        return Err(TextError::TooLong(max_chars));
    }
    Ok(s)
}

/// Trims `raw` and checks it. `multiline` allows line breaks and tabs (notes), nothing else;
/// otherwise it is a [`SingleLine`].
pub fn clean(raw: &str, max_chars: usize, multiline: bool) -> Result<String, TextError> {
    if !multiline {
        return SingleLine::parse(raw, max_chars).map(String::from);
    }
    let s = checked_length(raw, max_chars)?;
    let allowed = |c: char| matches!(c, '\n' | '\r' | '\t');
    if s.chars().any(|c| is_control(c) && !allowed(c)) {
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
        assert_eq!(clean("a\nb", 5, false), Err(TextError::LineBreak));
        assert_eq!(clean("a\nb", 5, true).unwrap(), "a\nb");
    }

    #[test]
    fn a_single_line_refuses_every_kind_of_line_break() {
        for raw in [
            "a\nb",
            "a\rb",
            "a\u{B}b",
            "a\u{C}b",
            "a\u{85}b",
            "a\u{2028}b",
            "a\u{2029}b",
        ] {
            assert_eq!(
                SingleLine::parse(raw, 10),
                Err(TextError::LineBreak),
                "{raw:?}"
            );
        }
        assert_eq!(
            SingleLine::parse("a\tb", 10),
            Err(TextError::ControlCharacter)
        );
        assert_eq!(
            SingleLine::parse(" Jürgen Weiß ", 20).unwrap().as_str(),
            "Jürgen Weiß"
        );
    }

    #[test]
    fn bidirectional_overrides_are_refused_and_the_marks_right_to_left_text_needs_are_not() {
        for raw in [
            "invoice\u{202E}fdp.exe",
            "a\u{202A}b",
            "a\u{202D}b",
            "a\u{2066}b\u{2069}",
            "a\u{2068}b",
        ] {
            assert_eq!(
                clean(raw, 40, false),
                Err(TextError::ControlCharacter),
                "{raw:?}"
            );
            assert_eq!(
                clean(raw, 40, true),
                Err(TextError::ControlCharacter),
                "{raw:?}"
            );
        }
        assert_eq!(
            clean("\u{200F}שלום\u{200E} Acme", 40, false).unwrap(),
            "\u{200F}שלום\u{200E} Acme"
        );
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        assert!(clean("äöüßé", 5, false).is_ok());
    }
}

//! A path on this portal, safe to send a browser to (`Location`, a form's `next`).

use std::fmt;

use thiserror::Error;
use url::Url;

/// Longer than any page of the portal; keeps a hostile `next` out of headers and pages.
const MAX_LEN: usize = 1024;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum LocalPathError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {MAX_LEN} characters long")]
    TooLong,
    #[error("must be a path on this portal, starting with a single /")]
    NotLocal,
    #[error("must not contain spaces, control characters or backslashes")]
    ForbiddenCharacter,
}

/// A path (with an optional query and fragment) on the portal itself.
///
/// Browsers are lenient where it hurts: they drop tabs and line breaks inside URLs, read `\`
/// as `/`, and take `//host` as another site, so `/\t/evil.example` leads away. Whatever
/// could be read that way is refused, raw or percent-encoded, rather than cleaned up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPath(String);

impl LocalPath {
    pub fn parse(raw: &str) -> Result<Self, LocalPathError> {
        if raw.is_empty() {
            return Err(LocalPathError::Empty);
        }
        if raw.len() > MAX_LEN {
            return Err(LocalPathError::TooLong);
        }
        let mut layer = raw.as_bytes().to_vec();
        // Decoded until nothing changes: whoever decodes once more after us (a proxy, a
        // framework, the page the path leads to) must not find what we refused either.
        loop {
            let text = std::str::from_utf8(&layer).map_err(|_| LocalPathError::NotLocal)?;
            if text
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
            {
                return Err(LocalPathError::ForbiddenCharacter);
            }
            if !text.starts_with('/') || text.starts_with("//") {
                return Err(LocalPathError::NotLocal);
            }
            let decoded = percent_decode(&layer);
            if decoded == layer {
                break;
            }
            layer = decoded;
        }
        // The URL parser as the browser's stand-in: resolved against this portal, the path
        // must stay on it.
        let base = Url::parse("https://portal.invalid/").expect("a valid base URL");
        let joined = base.join(raw).map_err(|_| LocalPathError::NotLocal)?;
        if joined.origin() != base.origin() || !joined.username().is_empty() {
            return Err(LocalPathError::NotLocal);
        }
        let mut path = joined.path().to_owned();
        if let Some(query) = joined.query() {
            path.push('?');
            path.push_str(query);
        }
        if let Some(fragment) = joined.fragment() {
            path.push('#');
            path.push_str(fragment);
        }
        Ok(Self(path))
    }

    /// `raw` if it is a local path, else `fallback` (a `next` from a link someone else made
    /// must not stop the user from logging in).
    pub fn parse_or(raw: Option<&str>, fallback: &str) -> Self {
        raw.and_then(|r| Self::parse(r).ok())
            .unwrap_or_else(|| Self::parse(fallback).expect("the fallback is a local path"))
    }

    /// Always visible ASCII (the URL parser percent-encodes the rest), so a valid header value.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For a `Location` header. The URL parser percent-encodes everything else, so the
    /// fallback is never taken.
    pub fn header_value(&self) -> axum::http::HeaderValue {
        axum::http::HeaderValue::from_str(&self.0)
            .unwrap_or(axum::http::HeaderValue::from_static("/"))
    }
}

impl fmt::Display for LocalPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn percent_decode(bytes: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push(hi << 4 | lo);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_on_the_portal_are_kept() {
        for (raw, kept) in [
            ("/me", "/me"),
            ("/files?sort=name&dir=%2Fa", "/files?sort=name&dir=%2Fa"),
            ("/wishes#latest", "/wishes#latest"),
            ("/caf%C3%A9", "/caf%C3%A9"),
            ("/café", "/caf%C3%A9"),
            ("/a/../files", "/files"),
        ] {
            assert_eq!(LocalPath::parse(raw).unwrap().as_str(), kept, "{raw:?}");
        }
    }

    #[test]
    fn anything_a_browser_could_read_as_another_site_is_refused() {
        use LocalPathError::*;
        for (raw, error) in [
            ("", Empty),
            ("/%09/evil.example", ForbiddenCharacter),
            ("/\t/x", ForbiddenCharacter),
            ("/\n/x", ForbiddenCharacter),
            ("/%0a/x", ForbiddenCharacter),
            ("/%250a/x", ForbiddenCharacter),
            ("//x", NotLocal),
            ("///x", NotLocal),
            ("/\\x", ForbiddenCharacter),
            ("\\\\x", ForbiddenCharacter),
            ("/%5Cx", ForbiddenCharacter),
            ("/%5cx", ForbiddenCharacter),
            ("/%2F%2Fx", NotLocal),
            ("/%2f/x", NotLocal),
            ("/%252F/x", NotLocal),
            ("https://x", NotLocal),
            ("HTTPS://x", NotLocal),
            ("javascript:alert(1)", NotLocal),
            ("data:text/html,hi", NotLocal),
            (" /x", ForbiddenCharacter),
            ("/x ", ForbiddenCharacter),
            ("/x\r\nSet-Cookie: a=b", ForbiddenCharacter),
            ("/x%0D%0ASet-Cookie:%20a=b", ForbiddenCharacter),
            ("/x\u{0}", ForbiddenCharacter),
            ("/x\u{85}", ForbiddenCharacter),
            ("/x\u{2028}", ForbiddenCharacter),
            ("/x%E2%80%A8", ForbiddenCharacter),
            ("/x\u{a0}y", ForbiddenCharacter),
            ("/x%FF", NotLocal),
            ("files", NotLocal),
            ("?next=/x", NotLocal),
            ("#/x", NotLocal),
        ] {
            assert_eq!(LocalPath::parse(raw), Err(error), "{raw:?}");
        }
        assert_eq!(
            LocalPath::parse(&format!("/{}", "a".repeat(MAX_LEN))),
            Err(TooLong)
        );
    }

    #[test]
    fn a_refused_next_falls_back() {
        assert_eq!(
            LocalPath::parse_or(Some("//evil.example"), "/me").as_str(),
            "/me"
        );
        assert_eq!(LocalPath::parse_or(None, "/me").as_str(), "/me");
        assert_eq!(
            LocalPath::parse_or(Some("/files"), "/me").as_str(),
            "/files"
        );
    }
}

//! Where a file lives in the file store (an S3 key, or a path under the local data directory),
//! and how it is offered for download.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use thiserror::Error;

use crate::domain::{CustomerId, TenantId};

/// S3 allows keys of up to 1024 bytes.
const MAX_KEY_BYTES: usize = 1024;
/// The sanitized file name, in bytes. Far below S3's limit, and it keeps the local twin's
/// files (plus a temporary-file prefix and suffix) within the 255 bytes filesystems allow.
const MAX_NAME_BYTES: usize = 200;
/// An extension longer than this is no extension worth keeping when a name is shortened.
const MAX_EXTENSION_BYTES: usize = 20;
const MAX_FILE_ID_BYTES: usize = 64;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ObjectKeyError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {MAX_KEY_BYTES} bytes long")]
    TooLong,
    #[error("must not contain control characters or backslashes")]
    ForbiddenCharacter,
    #[error("must be segments separated by single slashes, none of them `.` or `..`")]
    BadSegment,
    #[error("the file id must be 1 to {MAX_FILE_ID_BYTES} letters, digits, `-` or `_`")]
    BadFileId,
}

/// A file's key: 1 to 1024 bytes of UTF-8 without control characters or backslashes, made of
/// non-empty segments separated by `/`, none of which is `.` or `..`. So it is a valid S3
/// key, and the local twin can use it as a relative path that stays inside its folder.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct ObjectKey(String);

impl ObjectKey {
    pub fn parse(raw: &str) -> Result<Self, ObjectKeyError> {
        if raw.is_empty() {
            return Err(ObjectKeyError::Empty);
        }
        if raw.len() > MAX_KEY_BYTES {
            return Err(ObjectKeyError::TooLong);
        }
        if raw.chars().any(|c| c.is_control() || c == '\\') {
            return Err(ObjectKeyError::ForbiddenCharacter);
        }
        if raw
            .split('/')
            .any(|segment| matches!(segment, "" | "." | ".."))
        {
            return Err(ObjectKeyError::BadSegment);
        }
        Ok(Self(raw.to_owned()))
    }

    /// `tenants/{tenant}/customers/{customer}/files/{file_id}/{name}`, with `file_name`
    /// reduced to a safe name by [`sanitize_file_name`]. `file_id` (a ULID, say) keeps two
    /// uploads of one name apart.
    pub fn for_upload(
        tenant: TenantId,
        customer: CustomerId,
        file_id: &str,
        file_name: &str,
    ) -> Result<Self, ObjectKeyError> {
        let id_is_safe = (1..=MAX_FILE_ID_BYTES).contains(&file_id.len())
            && file_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !id_is_safe {
            return Err(ObjectKeyError::BadFileId);
        }
        let name = sanitize_file_name(file_name);
        Self::parse(&format!(
            "tenants/{tenant}/customers/{customer}/files/{file_id}/{name}"
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The parts between the slashes; none is empty, `.` or `..`.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ObjectKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        ObjectKey::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// What the file store knows about a stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    pub size: u64,
    /// The Content-Type it was uploaded with.
    pub content_type: Option<String>,
}

/// A file name as it may appear in a key: letters and digits of any script, `.` and `-`
/// are kept; every run of anything else (spaces, punctuation, emoji) becomes one `_`, or
/// nothing next to a `.` or `-`. No leading or trailing `.`, `-` or `_`; at most 200 bytes,
/// shortened before the extension; `file` when nothing is left. Only the last part of a path
/// is kept (some browsers send `C:\fakepath\name`).
pub fn sanitize_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut name = String::with_capacity(base.len());
    for c in base.chars() {
        // Accents sent decomposed (as macOS names files) stay with their letter.
        let keep = c.is_alphanumeric()
            || matches!(c, '.' | '-')
            || (is_combining_mark(c)
                && name
                    .chars()
                    .next_back()
                    .is_some_and(|prev| prev.is_alphanumeric() || is_combining_mark(prev)));
        // A separator next to `.` or `-` adds nothing: `Logo (final).png` is `Logo_final.png`.
        if keep {
            if matches!(c, '.' | '-') && name.ends_with('_') {
                name.pop();
            }
            name.push(c);
        } else if !name.ends_with(['_', '.', '-']) {
            name.push('_');
        }
    }
    let name = shorten(trim_separators(&name));
    if name.is_empty() {
        "file".to_owned()
    } else {
        name
    }
}

fn trim_separators(name: &str) -> &str {
    name.trim_matches(|c| matches!(c, '.' | '-' | '_'))
}

/// Cuts `name` to [`MAX_NAME_BYTES`] at a character boundary, keeping a short extension.
fn shorten(name: &str) -> String {
    if name.len() <= MAX_NAME_BYTES {
        return name.to_owned();
    }
    let extension = name
        .rfind('.')
        .map(|dot| &name[dot..])
        .filter(|ext| ext.len() <= MAX_EXTENSION_BYTES)
        .unwrap_or_default();
    let stem = &name[..name.len() - extension.len()];
    let mut end = MAX_NAME_BYTES - extension.len();
    while !stem.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{extension}", trim_separators(&stem[..end]))
}

/// The combining diacritical mark blocks: enough to keep decomposed Latin, Greek and Cyrillic
/// accents, which is what real file names carry.
fn is_combining_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0300}'..='\u{036F}'
            | '\u{1AB0}'..='\u{1AFF}'
            | '\u{1DC0}'..='\u{1DFF}'
            | '\u{20D0}'..='\u{20FF}'
            | '\u{FE20}'..='\u{FE2F}'
    )
}

/// The Content-Disposition that offers a download as `download_name` (RFC 6266): an ASCII
/// `filename` for every browser and, when the name needs more, an RFC 5987 `filename*` in
/// UTF-8, which browsers prefer. Control characters are dropped, so a name can't add a header.
pub fn attachment_disposition(download_name: &str) -> String {
    let name: String = download_name.chars().filter(|c| !c.is_control()).collect();
    let name = name.trim();
    let name = if name.is_empty() { "download" } else { name };
    // `%` is left out too: RFC 6266 (appendix D) warns that some browsers decode it.
    let fallback: String = name
        .chars()
        .map(|c| match c {
            ' '..='~' if !matches!(c, '"' | '\\' | '%') => c,
            _ => '_',
        })
        .collect();
    if fallback == name {
        format!("attachment; filename=\"{fallback}\"")
    } else {
        format!(
            "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
            rfc5987_encode(name)
        )
    }
}

/// Percent-encodes everything but RFC 5987's `attr-char`.
fn rfc5987_encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len() * 3);
    for &b in value.as_bytes() {
        let attr_char = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#' | b'$' | b'&' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
            );
        if attr_char {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_keys_are_kept_as_they_are() {
        for raw in [
            "a",
            "tenants/01J/customers/01K/files/01L/Angebot.pdf",
            "folder/Grüße aus Köln (1).txt",
            "a.b/..c/d..",
            &"x".repeat(1024),
        ] {
            assert_eq!(ObjectKey::parse(raw).unwrap().as_str(), raw);
        }
    }

    #[test]
    fn invalid_keys_are_refused_with_the_reason() {
        let too_long = "x".repeat(1025);
        let cases = [
            ("", ObjectKeyError::Empty),
            (too_long.as_str(), ObjectKeyError::TooLong),
            ("a\nb", ObjectKeyError::ForbiddenCharacter),
            ("a\u{0}b", ObjectKeyError::ForbiddenCharacter),
            ("a\u{7f}", ObjectKeyError::ForbiddenCharacter),
            ("a\\b", ObjectKeyError::ForbiddenCharacter),
            ("/a", ObjectKeyError::BadSegment),
            ("a/", ObjectKeyError::BadSegment),
            ("a//b", ObjectKeyError::BadSegment),
            ("..", ObjectKeyError::BadSegment),
            ("a/../b", ObjectKeyError::BadSegment),
            ("../a", ObjectKeyError::BadSegment),
            ("a/./b", ObjectKeyError::BadSegment),
        ];
        for (raw, expected) in cases {
            assert_eq!(ObjectKey::parse(raw), Err(expected), "{raw:?}");
        }
    }

    #[test]
    fn the_length_limit_counts_bytes() {
        // 512 two-byte letters are 1024 bytes; one more is over.
        assert!(ObjectKey::parse(&"ä".repeat(512)).is_ok());
        assert_eq!(
            ObjectKey::parse(&"ä".repeat(513)),
            Err(ObjectKeyError::TooLong)
        );
    }

    #[test]
    fn an_upload_key_names_tenant_customer_file_id_and_the_sanitized_name() {
        let tenant = TenantId::new();
        let customer = CustomerId::new();
        let key = ObjectKey::for_upload(tenant, customer, "01JABCDEF", "Logo Bäckerei (final).png")
            .unwrap();
        assert_eq!(
            key.as_str(),
            format!(
                "tenants/{tenant}/customers/{customer}/files/01JABCDEF/Logo_Bäckerei_final.png"
            )
        );
    }

    #[test]
    fn an_upload_key_refuses_a_file_id_that_could_change_the_path() {
        for id in ["", "a/b", "..", "a b", "ä", &"x".repeat(65)] {
            assert_eq!(
                ObjectKey::for_upload(TenantId::new(), CustomerId::new(), id, "a.txt"),
                Err(ObjectKeyError::BadFileId),
                "{id:?}"
            );
        }
    }

    #[test]
    fn file_names_keep_letters_of_any_script_and_lose_the_rest() {
        let cases = [
            ("Angebot.pdf", "Angebot.pdf"),
            ("Logo Bäckerei (final).png", "Logo_Bäckerei_final.png"),
            ("Grüße & Co.  2024.docx", "Grüße_Co.2024.docx"),
            ("Entwurf - Version 2 .pdf", "Entwurf-Version_2.pdf"),
            ("Ελληνικά.txt", "Ελληνικά.txt"),
            ("Пример файла.odt", "Пример_файла.odt"),
            ("日本語の資料.pdf", "日本語の資料.pdf"),
            ("report 🚀 v2.pdf", "report_v2.pdf"),
            ("../../etc/passwd", "passwd"),
            ("C:\\fakepath\\Rechnung.pdf", "Rechnung.pdf"),
            (".htaccess", "htaccess"),
            ("..", "file"),
            ("", "file"),
            ("🚀", "file"),
            ("a\u{0}b\nc", "a_b_c"),
            ("-rf", "rf"),
            ("a _ b__c", "a_b_c"),
            ("name.", "name"),
            // Decomposed "ä" (a + U+0308), as macOS writes it; a mark alone is dropped.
            ("Ba\u{308}cker.txt", "Ba\u{308}cker.txt"),
            ("\u{308}x", "x"),
            ("e\u{301}\u{323}.txt", "e\u{301}\u{323}.txt"),
        ];
        for (raw, expected) in cases {
            assert_eq!(sanitize_file_name(raw), expected, "{raw:?}");
        }
    }

    #[test]
    fn a_long_file_name_is_shortened_before_its_extension_at_a_character_boundary() {
        let name = sanitize_file_name(&format!("{}.pdf", "ä".repeat(150)));
        assert!(name.len() <= MAX_NAME_BYTES, "{} bytes", name.len());
        assert!(name.ends_with("ää.pdf"), "{name}");

        let no_extension = sanitize_file_name(&"x".repeat(300));
        assert_eq!(no_extension, "x".repeat(MAX_NAME_BYTES));

        let long_extension = sanitize_file_name(&format!("a.{}", "y".repeat(300)));
        assert_eq!(long_extension.len(), MAX_NAME_BYTES);
    }

    #[test]
    fn a_sanitized_name_always_makes_a_valid_key() {
        for raw in [
            "..",
            "/",
            "a/../../b",
            "\\..\\",
            " . ",
            "x".repeat(2000).as_str(),
        ] {
            let key = ObjectKey::for_upload(TenantId::new(), CustomerId::new(), "f1", raw);
            assert!(key.is_ok(), "{raw:?}: {key:?}");
        }
    }

    #[test]
    fn keys_deserialize_only_when_valid() {
        let key: ObjectKey = serde_json::from_str("\"a/b.txt\"").unwrap();
        assert_eq!(key.as_str(), "a/b.txt");
        assert!(serde_json::from_str::<ObjectKey>("\"a/../b\"").is_err());
        assert_eq!(serde_json::to_string(&key).unwrap(), "\"a/b.txt\"");
    }

    #[test]
    fn an_ascii_download_name_is_a_plain_filename() {
        assert_eq!(
            attachment_disposition("Angebot 2024.pdf"),
            "attachment; filename=\"Angebot 2024.pdf\""
        );
    }

    #[test]
    fn a_non_ascii_download_name_adds_an_rfc_5987_filename() {
        assert_eq!(
            attachment_disposition("Grüße aus Köln.pdf"),
            "attachment; filename=\"Gr__e aus K_ln.pdf\"; \
             filename*=UTF-8''Gr%C3%BC%C3%9Fe%20aus%20K%C3%B6ln.pdf"
        );
    }

    #[test]
    fn quotes_backslashes_and_percent_signs_stay_out_of_the_quoted_filename() {
        assert_eq!(
            attachment_disposition("a\"b\\c%d;e.txt"),
            "attachment; filename=\"a_b_c_d;e.txt\"; filename*=UTF-8''a%22b%5Cc%25d%3Be.txt"
        );
    }

    #[test]
    fn a_download_name_cannot_add_a_header_and_an_empty_one_is_download() {
        let disposition = attachment_disposition("x.pdf\r\nSet-Cookie: a=b");
        assert!(!disposition.contains(['\r', '\n']), "{disposition}");
        assert_eq!(
            attachment_disposition(" \n "),
            "attachment; filename=\"download\""
        );
    }
}

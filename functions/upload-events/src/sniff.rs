//! Does a file's content match the type it was declared with? Its first bytes (magic
//! numbers, read by the `infer` crate) against the declared Content-Type.

/// How many bytes the check reads: enough for every signature `infer` knows, including the
/// ZIP-based office formats.
pub const PREFIX_LEN: usize = 8192;

/// Types without a signature: any content may be declared as one of these, unless the
/// bytes say it is something else that does have one (a `.exe` declared `text/plain`).
fn has_no_signature(essence: &str) -> bool {
    essence.starts_with("text/")
        || matches!(
            essence,
            "application/json" | "application/xml" | "image/svg+xml" | "application/octet-stream"
        )
}

/// ZIP containers: an office document is a ZIP file too.
fn is_zip_family(mime: &str) -> bool {
    mime == "application/zip"
        || mime.starts_with("application/vnd.openxmlformats-officedocument.")
        || mime.starts_with("application/vnd.oasis.opendocument.")
        || mime == "application/epub+zip"
}

/// Why the bytes don't match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mismatch {
    /// The bytes are of another type (`found`).
    OtherType { found: String },
    /// The declared type has a signature and the bytes lack it.
    NoSignature,
}

impl Mismatch {
    pub fn reason(&self) -> String {
        match self {
            Mismatch::OtherType { found } => format!("content-is-{found}"),
            Mismatch::NoSignature => "content-does-not-match-type".to_owned(),
        }
    }
}

/// Checks `prefix` (the first bytes) against `declared` (a Content-Type, parameters allowed).
pub fn check(declared: &str, prefix: &[u8]) -> Result<(), Mismatch> {
    let essence = declared
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match infer::get(prefix) {
        Some(found) => {
            let found = found.mime_type();
            let same = found == essence
                || (is_zip_family(found) && is_zip_family(&essence))
                // `infer` names JPEG `image/jpeg`; some browsers declare `image/jpg`.
                || (found == "image/jpeg" && essence == "image/jpg");
            if same {
                Ok(())
            } else {
                Err(Mismatch::OtherType {
                    found: found.to_owned(),
                })
            }
        }
        None if has_no_signature(&essence) => Ok(()),
        None => Err(Mismatch::NoSignature),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const PDF: &[u8] = b"%PDF-1.7\n";
    const ZIP: &[u8] = b"PK\x03\x04\x14\0\0\0\x08\0";
    const EXE: &[u8] = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff";

    #[test]
    fn matching_content_passes() {
        assert_eq!(check("image/png", PNG), Ok(()));
        assert_eq!(check("application/pdf", PDF), Ok(()));
        assert_eq!(check("Application/PDF; x=1", PDF), Ok(()));
        assert_eq!(check("application/zip", ZIP), Ok(()));
        assert_eq!(
            check(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                ZIP
            ),
            Ok(())
        );
        assert_eq!(
            check("text/plain; charset=utf-8", "Grüße\n".as_bytes()),
            Ok(())
        );
        assert_eq!(check("text/csv", b"a,b\n1,2\n"), Ok(()));
    }

    #[test]
    fn other_content_is_a_mismatch() {
        assert_eq!(
            check("application/pdf", EXE),
            Err(Mismatch::OtherType {
                found: "application/vnd.microsoft.portable-executable".into()
            })
        );
        assert_eq!(
            check("image/png", PDF).unwrap_err().reason(),
            "content-is-application/pdf"
        );
        assert!(check("text/plain", EXE).is_err());
        assert_eq!(
            check("application/pdf", b"just text"),
            Err(Mismatch::NoSignature)
        );
        assert_eq!(check("image/png", b""), Err(Mismatch::NoSignature));
    }
}

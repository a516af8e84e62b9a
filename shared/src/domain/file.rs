//! A file exchanged between an agency and one of its customers: its record (the bytes live
//! in the file store under [`FileRecord::key`]), its state, and the agency's upload rules.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::domain::{
    CustomerId, DirectLinkId, FileId, ObjectKey, StaffId, TenantId, invitation::TokenHash,
};

/// The longest display name kept, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 255;
/// The longest folder name, in characters.
pub const MAX_FOLDER_CHARS: usize = 100;

/// Where a file is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileState {
    /// Signed for upload; no bytes have been seen yet.
    Pending,
    /// Uploaded and checked; can be downloaded.
    Available,
    /// What arrived is not what was declared (size or type): its bytes were deleted.
    Rejected,
    /// Uploaded, waiting for the malware scan's verdict.
    AwaitingScan,
    /// The malware scan found a threat: nobody can download it.
    Quarantined,
}

impl FileState {
    pub fn as_str(self) -> &'static str {
        match self {
            FileState::Pending => "pending",
            FileState::Available => "available",
            FileState::Rejected => "rejected",
            FileState::AwaitingScan => "awaiting-scan",
            FileState::Quarantined => "quarantined",
        }
    }

    pub fn is_downloadable(self) -> bool {
        self == FileState::Available
    }
}

/// Who uploaded a file: the customer, or the agency (a staff user, or an API key) sharing it
/// with the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Uploader {
    Customer,
    Agency {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        staff: Option<StaffId>,
    },
}

/// A customer's file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileRecord {
    pub id: FileId,
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub key: ObjectKey,
    /// The name as the uploader gave it, cleaned for display ([`display_file_name`]).
    pub name: String,
    /// `""` for the top level.
    pub folder: String,
    pub content_type: String,
    /// The size the uploader declared, which the upload form enforces.
    pub declared_size: u64,
    /// What the store reported once the upload arrived.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    pub state: FileState,
    pub uploaded_by: Uploader,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploaded_at: Option<DateTime<Utc>>,
    /// Why it was rejected or quarantined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Counts writes; a write is conditioned on the version it read.
    pub version: u64,
    /// For a file uploaded in parts: the store's upload and the part size the server chose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multipart: Option<MultipartUpload>,
}

/// A multipart upload a file record started: the store's upload id (never taken from a
/// client) and the size of every part but the last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MultipartUpload {
    pub upload_id: String,
    pub part_size: u64,
}

impl MultipartUpload {
    /// How many parts a file of `size` bytes takes.
    pub fn part_count(&self, size: u64) -> u64 {
        size.div_ceil(self.part_size)
    }
}

impl FileRecord {
    /// The bytes this file holds against the customer's quota: what arrived, or what was
    /// declared while it is on its way. A rejected file holds none.
    pub fn quota_bytes(&self) -> u64 {
        match self.state {
            FileState::Rejected => 0,
            _ => self.size.unwrap_or(self.declared_size),
        }
    }
}

/// Who is told of a new file: the agency when the customer uploaded it, the customer when
/// the agency shared it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NoticeTo {
    Agency,
    Customer,
}

impl NoticeTo {
    pub fn of(uploader: Uploader) -> Self {
        match uploader {
            Uploader::Customer => NoticeTo::Agency,
            Uploader::Agency { .. } => NoticeTo::Customer,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeTo::Agency => "agency",
            NoticeTo::Customer => "customer",
        }
    }
}

/// A new file the other side has not been told of yet. Notices of one customer and side
/// wait together, so several uploads within minutes share one email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileNotice {
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub file_id: FileId,
    pub to: NoticeTo,
    pub name: String,
    pub created_at: DateTime<Utc>,
    /// While a sweep sends the email naming this file, it holds the notice until then;
    /// another sweep takes it only after (a sweep that failed to send, or died, is retried).
    /// Whole seconds, a number, so a store's condition can compare it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "chrono::serde::ts_seconds_option"
    )]
    pub leased_until: Option<DateTime<Utc>>,
    /// How many sweeps took the notice to send it.
    #[serde(default)]
    pub attempts: u32,
}

impl FileNotice {
    /// The notice of `file` becoming available at `at`, to the side that didn't upload it.
    pub fn of(file: &FileRecord, at: DateTime<Utc>) -> Self {
        Self {
            tenant_id: file.tenant_id,
            customer_id: file.customer_id,
            file_id: file.id,
            to: NoticeTo::of(file.uploaded_by),
            name: file.name.clone(),
            created_at: at,
            leased_until: None,
            attempts: 0,
        }
    }
}

/// The longest a direct link lasts.
pub const MAX_DIRECT_LINK_DAYS: i64 = 7;

/// A link that downloads one file without logging in (`/d/{token}`), for the customer to pass
/// on. Only the token's hash is stored; each use signs a fresh short download, so the link
/// outlives the function's temporary credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectLink {
    pub id: DirectLinkId,
    pub hash: TokenHash,
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub file_id: FileId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub downloads: u64,
}

impl DirectLink {
    pub fn is_usable(&self, now: DateTime<Utc>) -> bool {
        self.revoked_at.is_none() && now < self.expires_at
    }
}

/// An agency's rules for uploads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileSettings {
    /// Content types that may be uploaded, exactly (`application/pdf`) or by family
    /// (`image/*`).
    pub allowed_types: Vec<String>,
    /// Bytes.
    pub max_file_size: u64,
    /// Bytes all of one customer's files may hold together.
    pub quota_per_customer: u64,
}

impl Default for FileSettings {
    fn default() -> Self {
        Self {
            allowed_types: [
                "application/pdf",
                "image/*",
                "text/plain",
                "application/zip",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            ]
            .map(str::to_owned)
            .to_vec(),
            max_file_size: 100 * 1024 * 1024,
            quota_per_customer: 5 * 1024 * 1024 * 1024,
        }
    }
}

impl FileSettings {
    /// Whether `content_type` (without parameters, any case) is on the allow-list.
    pub fn allows(&self, content_type: &str) -> bool {
        let essence = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        self.allowed_types.iter().any(|allowed| {
            let allowed = allowed.to_ascii_lowercase();
            match allowed.strip_suffix("/*") {
                Some(family) => essence
                    .split_once('/')
                    .is_some_and(|(f, sub)| f == family && !sub.is_empty()),
                None => essence == allowed,
            }
        })
    }
}

/// Why a name can't be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameError {
    Empty,
    TooLong,
}

/// Characters that reorder text when shown (bidirectional overrides, embeddings, isolates,
/// marks): `invoice\u{202E}fdp.exe` would show as `invoiceexe.pdf`.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// The name a file is shown and downloaded under: the last part of what the browser sent
/// (some send `C:\fakepath\name`), in NFC, without control or bidi characters, trimmed;
/// at most [`MAX_DISPLAY_NAME_CHARS`] characters.
pub fn display_file_name(raw: &str) -> Result<String, NameError> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = base
        .nfc()
        .filter(|&c| !c.is_control() && !is_bidi_control(c))
        .collect();
    let name = name.trim();
    if name.is_empty() || name == "." || name == ".." {
        return Err(NameError::Empty);
    }
    if name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(NameError::TooLong);
    }
    Ok(name.to_owned())
}

/// A folder name: like a display name, but no slashes at all (folders are one level deep);
/// empty means the top level.
pub fn folder_name(raw: &str) -> Result<String, NameError> {
    let name: String = raw
        .nfc()
        .filter(|&c| !c.is_control() && !is_bidi_control(c))
        .collect();
    let name = name.trim();
    if name.contains(['/', '\\']) || name == "." || name == ".." {
        return Err(NameError::Empty);
    }
    if name.chars().count() > MAX_FOLDER_CHARS {
        return Err(NameError::TooLong);
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_lose_paths_controls_and_bidi_tricks() {
        let cases = [
            ("Angebot.pdf", Ok("Angebot.pdf")),
            ("C:\\fakepath\\Logo final.png", Ok("Logo final.png")),
            ("../../etc/passwd", Ok("passwd")),
            ("invoice\u{202E}fdp.exe", Ok("invoicefdp.exe")),
            ("  a\u{0}b\r\n.txt ", Ok("ab.txt")),
            ("Gru\u{308}ße.txt", Ok("Grüße.txt")),
            ("", Err(NameError::Empty)),
            ("dir/", Err(NameError::Empty)),
            ("\u{202E}\u{200F}", Err(NameError::Empty)),
        ];
        for (raw, expected) in cases {
            assert_eq!(
                display_file_name(raw),
                expected.map(str::to_owned),
                "{raw:?}"
            );
        }
        assert_eq!(
            display_file_name(&"é".repeat(255)).unwrap().chars().count(),
            255
        );
        assert_eq!(display_file_name(&"é".repeat(256)), Err(NameError::TooLong));
    }

    #[test]
    fn folders_are_one_level_deep() {
        assert_eq!(folder_name(" Entwürfe "), Ok("Entwürfe".to_owned()));
        assert_eq!(folder_name(""), Ok(String::new()));
        assert_eq!(folder_name("a/b"), Err(NameError::Empty));
        assert_eq!(folder_name(".."), Err(NameError::Empty));
        assert_eq!(folder_name(&"x".repeat(101)), Err(NameError::TooLong));
    }

    #[test]
    fn the_allow_list_matches_exact_types_and_families_without_parameters() {
        let settings = FileSettings {
            allowed_types: vec!["application/pdf".into(), "image/*".into()],
            ..FileSettings::default()
        };
        for allowed in [
            "application/pdf",
            "Application/PDF",
            "image/png",
            "image/svg+xml; x=1",
        ] {
            assert!(settings.allows(allowed), "{allowed}");
        }
        for refused in [
            "text/html",
            "image/",
            "image",
            "application/pdfx",
            "imagex/png",
            "",
        ] {
            assert!(!settings.allows(refused), "{refused}");
        }
    }
}

//! Signing and checking links to the local runner's file route, as S3 checks a presigned
//! request: the signature, the expiry, the method and, for an upload, the Content-Type.
//! Plain values in (a method name, a key, a query string, a time), a [`FileLink`] or a
//! [`FileLinkError`] out: the HTTP side that serves the route lives with the local runner.
//!
//! A link is `{base_url}/_local/files/{key}?method=PUT&expires={unix}&ct={content type}&sig=…`
//! (a download has `dl={download name}` instead of `ct`), signed with HMAC-SHA256. A part of a
//! multipart upload is `{base_url}/_local/uploads/parts/{key}?method=PUT&expires={unix}&part=
//! {upload id}:{number}:{largest size}&sig=…`.

use std::collections::HashMap;

use anyhow::anyhow;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretBox};
use sha2::Sha256;
use thiserror::Error;
use url::{Url, form_urlencoded};

use crate::domain::ObjectKey;

type HmacSha256 = Hmac<Sha256>;

/// Changing the signed fields' layout changes this, so old links fail instead of misreading.
const SIGNATURE_VERSION: &str = "portal-local-files-v1";
/// The path segments under the base URL where the local runner serves the files.
const ROUTE_SEGMENTS: &[&str] = &["_local", "files"];
/// Where it takes the parts of multipart uploads.
const PART_ROUTE_SEGMENTS: &[&str] = &["_local", "uploads", "parts"];
/// What a part link's signature covers instead of its method.
const PART_KIND: &str = "PUT-PART";

/// What a link allows; what [`LinkSigner::verify`] found a checked link to allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileLink {
    /// Store the request's body; its Content-Type was checked to be this one.
    Upload { content_type: String },
    /// Send the file, offered under this name.
    Download { download_name: String },
    /// Store the request's body as part `number` of the multipart upload `upload_id`, if it
    /// is at most `max_size` bytes.
    Part {
        upload_id: String,
        number: u16,
        max_size: u64,
    },
}

impl FileLink {
    /// The HTTP method the link is for.
    pub fn method(&self) -> &'static str {
        match self {
            FileLink::Upload { .. } | FileLink::Part { .. } => "PUT",
            FileLink::Download { .. } => "GET",
        }
    }

    /// The query parameter that carries the link's detail, and the detail.
    fn detail(&self) -> (&'static str, String) {
        match self {
            FileLink::Upload { content_type } => ("ct", content_type.clone()),
            FileLink::Download { download_name } => ("dl", download_name.clone()),
            FileLink::Part {
                upload_id,
                number,
                max_size,
            } => ("part", format!("{upload_id}:{number}:{max_size}")),
        }
    }

    /// What the signature covers in place of the method: a part link signs a kind of its
    /// own, so no upload link (whose Content-Type is the uploader's) can pass as one.
    fn signed_kind(&self) -> &'static str {
        match self {
            FileLink::Part { .. } => PART_KIND,
            _ => self.method(),
        }
    }

    fn route(&self) -> &'static [&'static str] {
        match self {
            FileLink::Part { .. } => PART_ROUTE_SEGMENTS,
            _ => ROUTE_SEGMENTS,
        }
    }

    /// A part link's detail, read back: `{upload id}:{number}:{largest size}`.
    fn part(detail: &str) -> Option<FileLink> {
        let mut fields = detail.split(':');
        let (Some(upload_id), Some(number), Some(max_size), None) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return None;
        };
        Some(FileLink::Part {
            upload_id: upload_id.to_owned(),
            number: number.parse().ok()?,
            max_size: max_size.parse().ok()?,
        })
    }
}

/// Why a link was refused; the local runner answers every one with 403, as S3 does.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum FileLinkError {
    #[error("the link lacks its method, expiry, signature or file details, or repeats one")]
    Malformed,
    #[error("the link is for {signed}, not {used}")]
    WrongMethod { signed: String, used: String },
    #[error("the link's signature does not match")]
    BadSignature,
    #[error("the link expired at {0}")]
    Expired(DateTime<Utc>),
    #[error("the upload must be sent with Content-Type: {0}")]
    WrongContentType(String),
}

pub(super) struct LinkSigner {
    secret: SecretBox<[u8; 32]>,
}

impl LinkSigner {
    pub(super) fn new(secret: [u8; 32]) -> Self {
        Self {
            secret: SecretBox::new(Box::new(secret)),
        }
    }

    /// The link under `base_url` that grants `link` on `key` until `expires_at` (whole
    /// seconds: the link carries a Unix time).
    pub(super) fn sign(
        &self,
        base_url: &Url,
        key: &ObjectKey,
        link: &FileLink,
        expires_at: DateTime<Utc>,
    ) -> anyhow::Result<Url> {
        let method = link.method();
        let (detail_name, detail) = link.detail();
        let expires = expires_at.timestamp();
        let signature = to_hex(
            &self
                .mac(link.signed_kind(), key, expires, &detail)
                .finalize()
                .into_bytes(),
        );

        let mut url = base_url.clone();
        url.path_segments_mut()
            .map_err(|()| anyhow!("The base URL {base_url} can't have a path"))?
            .pop_if_empty()
            .extend(link.route())
            .extend(key.segments());
        url.query_pairs_mut()
            .clear()
            .append_pair("method", method)
            .append_pair("expires", &expires.to_string())
            .append_pair(detail_name, &detail)
            .append_pair("sig", &signature);
        url.set_fragment(None);
        Ok(url)
    }

    /// Checks a request for a part of a multipart upload of `key` at `now`, carrying the
    /// link's `query`: the part's upload, number and largest size, if it holds.
    pub(super) fn verify_part(
        &self,
        method: &str,
        key: &ObjectKey,
        query: &str,
        now: DateTime<Utc>,
    ) -> Result<FileLink, FileLinkError> {
        let params = params(query)?;
        let param = |name: &str| params.get(name).map(|v| v.as_ref());
        let signed_method = param("method").ok_or(FileLinkError::Malformed)?;
        let expires: i64 = param("expires")
            .and_then(|e| e.parse().ok())
            .ok_or(FileLinkError::Malformed)?;
        let signature = param("sig")
            .and_then(from_hex)
            .ok_or(FileLinkError::Malformed)?;
        let detail = param("part").ok_or(FileLinkError::Malformed)?;
        if signed_method != method {
            return Err(FileLinkError::WrongMethod {
                signed: signed_method.to_owned(),
                used: method.to_owned(),
            });
        }
        self.mac(PART_KIND, key, expires, detail)
            .verify_slice(&signature)
            .map_err(|_| FileLinkError::BadSignature)?;
        let expires_at = DateTime::from_timestamp(expires, 0).ok_or(FileLinkError::Malformed)?;
        if now >= expires_at {
            return Err(FileLinkError::Expired(expires_at));
        }
        FileLink::part(detail).ok_or(FileLinkError::Malformed)
    }

    /// Checks a request for `key` made with `method` (`PUT`, `GET`, ...) at `now`, carrying
    /// the link's `query` and, for an upload, the request's Content-Type.
    pub(super) fn verify(
        &self,
        method: &str,
        key: &ObjectKey,
        query: &str,
        content_type: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<FileLink, FileLinkError> {
        let params = params(query)?;
        let param = |name: &str| params.get(name).map(|v| v.as_ref());
        let signed_method = param("method").ok_or(FileLinkError::Malformed)?;
        let expires: i64 = param("expires")
            .and_then(|e| e.parse().ok())
            .ok_or(FileLinkError::Malformed)?;
        let signature = param("sig")
            .and_then(from_hex)
            .ok_or(FileLinkError::Malformed)?;
        let detail = match signed_method {
            "PUT" => param("ct"),
            "GET" => param("dl"),
            _ => None,
        }
        .ok_or(FileLinkError::Malformed)?;

        if signed_method != method {
            return Err(FileLinkError::WrongMethod {
                signed: signed_method.to_owned(),
                used: method.to_owned(),
            });
        }
        self.mac(signed_method, key, expires, detail)
            .verify_slice(&signature)
            .map_err(|_| FileLinkError::BadSignature)?;
        let expires_at = DateTime::from_timestamp(expires, 0).ok_or(FileLinkError::Malformed)?;
        if now >= expires_at {
            return Err(FileLinkError::Expired(expires_at));
        }
        if signed_method == "GET" {
            return Ok(FileLink::Download {
                download_name: detail.to_owned(),
            });
        }
        // S3 compares the signed header after trimming it, and so does this.
        if content_type.map(str::trim) != Some(detail) {
            return Err(FileLinkError::WrongContentType(detail.to_owned()));
        }
        Ok(FileLink::Upload {
            content_type: detail.to_owned(),
        })
    }

    fn mac(&self, method: &str, key: &ObjectKey, expires: i64, detail: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(self.secret.expose_secret())
            .expect("HMAC takes keys of any length");
        // Each field with its length in front, so no two field lists sign the same bytes.
        let expires = expires.to_string();
        for field in [SIGNATURE_VERSION, method, key.as_str(), &expires, detail] {
            mac.update(field.len().to_string().as_bytes());
            mac.update(b":");
            mac.update(field.as_bytes());
        }
        mac
    }
}

/// The query's parameters; one given twice makes the link malformed.
fn params(
    query: &str,
) -> Result<HashMap<std::borrow::Cow<'_, str>, std::borrow::Cow<'_, str>>, FileLinkError> {
    let mut params = HashMap::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if params.insert(name, value).is_some() {
            return Err(FileLinkError::Malformed);
        }
    }
    Ok(params)
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Strict hex: an even number of hex digits and nothing else.
fn from_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> LinkSigner {
        LinkSigner::new([7; 32])
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2030-01-01T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn key() -> ObjectKey {
        ObjectKey::parse("tenants/t/uploads/f/Grüße aus Köln & Co.pdf").unwrap()
    }

    fn upload(content_type: &str) -> FileLink {
        FileLink::Upload {
            content_type: content_type.into(),
        }
    }

    fn download(name: &str) -> FileLink {
        FileLink::Download {
            download_name: name.into(),
        }
    }

    /// The query of a link for `link` on [`key`], valid for a minute from [`now`].
    fn query(signer: &LinkSigner, link: &FileLink) -> String {
        let base = Url::parse("http://127.0.0.1:3000").unwrap();
        let expires_at = now() + chrono::Duration::seconds(60);
        let url = signer.sign(&base, &key(), link, expires_at).unwrap();
        url.query().unwrap().to_owned()
    }

    /// The link's query with one parameter's value replaced (or removed with `None`).
    fn with_param(query: &str, name: &str, value: Option<&str>) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            match (k == name, value) {
                (false, _) => {
                    out.append_pair(&k, &v);
                }
                (true, Some(value)) => {
                    out.append_pair(&k, value);
                }
                (true, None) => {}
            }
        }
        out.finish()
    }

    #[test]
    fn an_upload_link_verifies_for_its_method_key_and_content_type() {
        let signer = signer();
        let query = query(&signer, &upload("application/pdf"));

        let verdict = signer.verify("PUT", &key(), &query, Some("application/pdf"), now());

        assert_eq!(verdict, Ok(upload("application/pdf")));
    }

    #[test]
    fn a_download_link_verifies_and_carries_its_download_name() {
        let signer = signer();
        let query = query(&signer, &download("Angebot Ä.pdf"));

        let verdict = signer.verify("GET", &key(), &query, None, now());

        assert_eq!(verdict, Ok(download("Angebot Ä.pdf")));
    }

    #[test]
    fn every_changed_or_missing_part_of_a_link_is_refused() {
        let signer = signer();
        let good = query(&signer, &upload("application/pdf"));
        let pdf = Some("application/pdf");
        let cases = [
            (
                with_param(&good, "expires", Some("99999999999")),
                FileLinkError::BadSignature,
            ),
            (
                with_param(&good, "sig", Some(&"0".repeat(64))),
                FileLinkError::BadSignature,
            ),
            (
                with_param(&good, "sig", Some("xyz")),
                FileLinkError::Malformed,
            ),
            (with_param(&good, "sig", None), FileLinkError::Malformed),
            (with_param(&good, "expires", None), FileLinkError::Malformed),
            (with_param(&good, "ct", None), FileLinkError::Malformed),
            (
                with_param(&good, "method", Some("DELETE")),
                FileLinkError::Malformed,
            ),
            (format!("{good}&sig=00"), FileLinkError::Malformed),
            (String::new(), FileLinkError::Malformed),
        ];
        for (query, expected) in cases {
            let verdict = signer.verify("PUT", &key(), &query, pdf, now());
            assert_eq!(verdict, Err(expected), "{query}");
        }

        // Another content type, sent to match the changed link; the link used for another key.
        let other_type = with_param(&good, "ct", Some("text/html"));
        let other_key = ObjectKey::parse("tenants/t/uploads/f/other.pdf").unwrap();
        assert_eq!(
            signer.verify("PUT", &key(), &other_type, Some("text/html"), now()),
            Err(FileLinkError::BadSignature)
        );
        assert_eq!(
            signer.verify("PUT", &other_key, &good, pdf, now()),
            Err(FileLinkError::BadSignature)
        );
    }

    #[test]
    fn a_link_used_with_another_method_is_refused_as_such() {
        let signer = signer();
        let query = query(&signer, &download("a.pdf"));

        let verdict = signer.verify("PUT", &key(), &query, Some("a/b"), now());

        assert_eq!(
            verdict,
            Err(FileLinkError::WrongMethod {
                signed: "GET".into(),
                used: "PUT".into()
            })
        );
    }

    #[test]
    fn an_upload_with_another_or_no_content_type_is_refused() {
        let signer = signer();
        let query = query(&signer, &upload("application/pdf"));
        for sent in [
            Some("text/html"),
            Some("application/pdf; charset=utf-8"),
            None,
        ] {
            let verdict = signer.verify("PUT", &key(), &query, sent, now());
            assert_eq!(
                verdict,
                Err(FileLinkError::WrongContentType("application/pdf".into())),
                "{sent:?}"
            );
        }
    }

    #[test]
    fn a_link_is_good_until_the_instant_it_expires() {
        let signer = signer();
        let query = query(&signer, &download("a.pdf"));
        let expires_at = now() + chrono::Duration::seconds(60);

        let just_before = expires_at - chrono::Duration::milliseconds(1);
        let before = signer.verify("GET", &key(), &query, None, just_before);
        let at = signer.verify("GET", &key(), &query, None, expires_at);

        assert_eq!(before, Ok(download("a.pdf")));
        assert_eq!(at, Err(FileLinkError::Expired(expires_at)));
    }

    #[test]
    fn a_link_signed_with_another_secret_is_refused() {
        let query = query(&LinkSigner::new([8; 32]), &download("a.pdf"));

        let verdict = signer().verify("GET", &key(), &query, None, now());

        assert_eq!(verdict, Err(FileLinkError::BadSignature));
    }

    #[test]
    fn hex_round_trips_and_only_strict_hex_is_read() {
        assert_eq!(to_hex(&[0, 15, 255]), "000fff");
        assert_eq!(from_hex("000fff"), Some(vec![0, 15, 255]));
        assert_eq!(from_hex("000FFF"), Some(vec![0, 15, 255]));
        for bad in ["0", "+f", "zz", "ä0"] {
            assert_eq!(from_hex(bad), None, "{bad}");
        }
    }
}

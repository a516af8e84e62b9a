//! S3 POST policies (browser uploads with `multipart/form-data`), signed with SigV4.
//!
//! aws-sdk-rust presigns PUT and GET but not POST (awslabs/aws-sdk-rust#863), and only a POST
//! policy lets S3 itself refuse a file of the wrong size (`content-length-range`). The
//! signature is SigV4's, computed by the `aws-sigv4` crate's own primitives over the
//! Base64-encoded policy: the signing key from the secret, date, region and service, then
//! HMAC-SHA256 of the policy. The unit tests prove it against AWS's published example.
//!
//! The local twin signs with the very same code and its own secret, and checks a form as S3
//! does ([`verify`]), so the rules S3 enforces are tested where moto would accept anything.

use std::{ops::RangeInclusive, time::SystemTime};

use base64::{Engine, engine::general_purpose::STANDARD as BASE64};
use chrono::{DateTime, SecondsFormat, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Value, json};
use subtle::ConstantTimeEq;
use thiserror::Error;

use crate::domain::ObjectKey;

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
const SERVICE: &str = "s3";

/// What a browser may upload with one signed form: exactly this key, exactly this
/// Content-Type, a size within `size`, before `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostPolicy {
    pub bucket: String,
    pub key: ObjectKey,
    pub content_type: String,
    /// Bytes, both ends included (S3's `content-length-range`).
    pub size: RangeInclusive<u64>,
    pub expires_at: DateTime<Utc>,
}

/// The credentials and scope a policy is signed with. A Lambda role's credentials are
/// temporary: their session token travels in the form and is part of the policy.
pub struct SigningIdentity {
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    pub session_token: Option<SecretString>,
    pub region: String,
}

impl PostPolicy {
    /// The policy document, with the signing fields S3 requires among its conditions.
    /// Every field the form sends is named here: S3 refuses a field no condition covers.
    pub fn document(&self, credential: &str, amz_date: &str, session_token: Option<&str>) -> Value {
        let mut conditions = vec![
            json!({ "bucket": self.bucket }),
            json!(["eq", "$key", self.key.as_str()]),
            json!(["eq", "$Content-Type", self.content_type]),
            json!(["content-length-range", self.size.start(), self.size.end()]),
            json!({ "x-amz-algorithm": ALGORITHM }),
            json!({ "x-amz-credential": credential }),
            json!({ "x-amz-date": amz_date }),
        ];
        if let Some(token) = session_token {
            conditions.push(json!({ "x-amz-security-token": token }));
        }
        json!({
            "expiration": self.expires_at.to_rfc3339_opts(SecondsFormat::Millis, true),
            "conditions": conditions,
        })
    }

    /// The form fields, in the order a browser should send them (the file goes last).
    pub fn sign(
        &self,
        identity: &SigningIdentity,
        signed_at: DateTime<Utc>,
    ) -> Vec<(String, String)> {
        let amz_date = signed_at.format("%Y%m%dT%H%M%SZ").to_string();
        let credential = format!(
            "{}/{}/{}/{SERVICE}/aws4_request",
            identity.access_key_id,
            signed_at.format("%Y%m%d"),
            identity.region
        );
        let token = identity
            .session_token
            .as_ref()
            .map(|t| t.expose_secret().to_owned());
        let policy = BASE64.encode(
            self.document(&credential, &amz_date, token.as_deref())
                .to_string(),
        );
        let signature = signature(
            &identity.secret_access_key,
            SystemTime::from(signed_at),
            &identity.region,
            &policy,
        );
        let mut fields = vec![
            ("key".to_owned(), self.key.as_str().to_owned()),
            ("Content-Type".to_owned(), self.content_type.clone()),
            ("x-amz-algorithm".to_owned(), ALGORITHM.to_owned()),
            ("x-amz-credential".to_owned(), credential),
            ("x-amz-date".to_owned(), amz_date),
        ];
        if let Some(token) = token {
            fields.push(("x-amz-security-token".to_owned(), token));
        }
        fields.push(("policy".to_owned(), policy));
        fields.push(("x-amz-signature".to_owned(), signature));
        fields
    }
}

/// SigV4's signature of a POST policy: the string to sign is the Base64 policy itself.
pub fn signature(
    secret_access_key: &SecretString,
    date: SystemTime,
    region: &str,
    base64_policy: &str,
) -> String {
    let key = aws_sigv4::sign::v4::generate_signing_key(
        secret_access_key.expose_secret(),
        date,
        region,
        SERVICE,
    );
    aws_sigv4::sign::v4::calculate_signature(key, base64_policy.as_bytes())
}

/// Why a form was refused. S3 answers each with 403 (400 for a size outside the range).
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PostPolicyError {
    #[error("the form lacks the field `{0}`")]
    MissingField(&'static str),
    #[error("the form is not signed with {ALGORITHM} by this store's credentials")]
    BadCredential,
    #[error("the signature does not match the policy")]
    BadSignature,
    #[error("the policy is not a valid policy document")]
    BadPolicy,
    #[error("the policy has expired")]
    Expired,
    #[error("the field `{0}` does not satisfy the policy")]
    ConditionFailed(String),
    #[error("the field `{0}` is not allowed by the policy")]
    UncoveredField(String),
    #[error("the file's size is outside the policy's content-length-range")]
    SizeOutOfRange,
}

/// What a verified form allows to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedPost {
    pub key: String,
    pub content_type: String,
}

/// Checks a form as S3 checks a POST upload: the credential and signature, the expiry, every
/// condition against the fields and the file's size, and that no field goes uncovered.
/// `fields` are the form's fields besides the file itself.
pub fn verify(
    fields: &[(String, String)],
    file_size: u64,
    identity: &SigningIdentity,
    bucket: &str,
    now: DateTime<Utc>,
) -> Result<VerifiedPost, PostPolicyError> {
    // S3 matches field names without regard to case.
    let field = |name: &'static str| {
        fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let require = |name: &'static str| field(name).ok_or(PostPolicyError::MissingField(name));
    let policy = require("policy")?;
    if require("x-amz-algorithm")? != ALGORITHM {
        return Err(PostPolicyError::BadCredential);
    }
    let credential = require("x-amz-credential")?;
    let amz_date = require("x-amz-date")?;
    let signed_at = chrono::NaiveDateTime::parse_from_str(amz_date, "%Y%m%dT%H%M%SZ")
        .map_err(|_| PostPolicyError::BadCredential)?
        .and_utc();
    let expected_credential = format!(
        "{}/{}/{}/{SERVICE}/aws4_request",
        identity.access_key_id,
        signed_at.format("%Y%m%d"),
        identity.region
    );
    if credential != expected_credential {
        return Err(PostPolicyError::BadCredential);
    }
    let expected = signature(
        &identity.secret_access_key,
        SystemTime::from(signed_at),
        &identity.region,
        policy,
    );
    let given = require("x-amz-signature")?;
    if !bool::from(expected.as_bytes().ct_eq(given.as_bytes())) {
        return Err(PostPolicyError::BadSignature);
    }

    let document: Value = BASE64
        .decode(policy)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(PostPolicyError::BadPolicy)?;
    let expiration = document
        .get("expiration")
        .and_then(Value::as_str)
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .ok_or(PostPolicyError::BadPolicy)?;
    if now >= expiration {
        return Err(PostPolicyError::Expired);
    }
    let conditions = document
        .get("conditions")
        .and_then(Value::as_array)
        .ok_or(PostPolicyError::BadPolicy)?;

    let mut covered: Vec<String> = Vec::new();
    let mut size_checked = false;
    for condition in conditions {
        match condition {
            Value::Object(map) if map.len() == 1 => {
                let (name, value) = map.iter().next().ok_or(PostPolicyError::BadPolicy)?;
                let value = value.as_str().ok_or(PostPolicyError::BadPolicy)?;
                check_field(name, "eq", value, fields, bucket)?;
                covered.push(name.to_ascii_lowercase());
            }
            Value::Array(items) => match items.as_slice() {
                [Value::String(op), Value::String(name), Value::String(value)]
                    if op == "eq" || op == "starts-with" =>
                {
                    let name = name.strip_prefix('$').ok_or(PostPolicyError::BadPolicy)?;
                    check_field(name, op, value, fields, bucket)?;
                    covered.push(name.to_ascii_lowercase());
                }
                [Value::String(op), min, max] if op == "content-length-range" => {
                    let (min, max) = min
                        .as_u64()
                        .zip(max.as_u64())
                        .ok_or(PostPolicyError::BadPolicy)?;
                    if !(min..=max).contains(&file_size) {
                        return Err(PostPolicyError::SizeOutOfRange);
                    }
                    size_checked = true;
                }
                _ => return Err(PostPolicyError::BadPolicy),
            },
            _ => return Err(PostPolicyError::BadPolicy),
        }
    }
    // Without a range the twin would take any size; the portal always signs one.
    if !size_checked {
        return Err(PostPolicyError::BadPolicy);
    }
    for (name, _) in fields {
        let lower = name.to_ascii_lowercase();
        let exempt = matches!(lower.as_str(), "policy" | "x-amz-signature" | "file")
            || lower.starts_with("x-ignore-");
        if !exempt && !covered.contains(&lower) {
            return Err(PostPolicyError::UncoveredField(name.clone()));
        }
    }
    Ok(VerifiedPost {
        key: require("key")?.to_owned(),
        content_type: field("Content-Type").unwrap_or_default().to_owned(),
    })
}

fn check_field(
    name: &str,
    op: &str,
    expected: &str,
    fields: &[(String, String)],
    bucket: &str,
) -> Result<(), PostPolicyError> {
    // The bucket is part of the URL, not a field.
    let actual = if name.eq_ignore_ascii_case("bucket") {
        Some(bucket)
    } else {
        fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let ok = match (op, actual) {
        ("eq", Some(actual)) => actual == expected,
        ("starts-with", Some(actual)) => actual.starts_with(expected),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(PostPolicyError::ConditionFailed(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    /// AWS's example: S3 API Reference, "Example: Browser-Based Upload using HTTP POST (Using
    /// AWS Signature Version 4)". The policy's lines end in CRLF, as published.
    const EXAMPLE_POLICY: &str = "{ \"expiration\": \"2015-12-30T12:00:00.000Z\",\r\n  \"conditions\": [\r\n    {\"bucket\": \"sigv4examplebucket\"},\r\n    [\"starts-with\", \"$key\", \"user/user1/\"],\r\n    {\"acl\": \"public-read\"},\r\n    {\"success_action_redirect\": \"http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html\"},\r\n    [\"starts-with\", \"$Content-Type\", \"image/\"],\r\n    {\"x-amz-meta-uuid\": \"14365123651274\"},\r\n    {\"x-amz-server-side-encryption\": \"AES256\"},\r\n    [\"starts-with\", \"$x-amz-meta-tag\", \"\"],\r\n\r\n    {\"x-amz-credential\": \"AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request\"},\r\n    {\"x-amz-algorithm\": \"AWS4-HMAC-SHA256\"},\r\n    {\"x-amz-date\": \"20151229T000000Z\" }\r\n  ]\r\n}";
    const EXAMPLE_BASE64: &str = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9";
    const EXAMPLE_SIGNATURE: &str =
        "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e";

    fn example_identity() -> SigningIdentity {
        SigningIdentity {
            access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
            secret_access_key: SecretString::from("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            session_token: None,
            region: "us-east-1".into(),
        }
    }

    fn example_date() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2015, 12, 29, 0, 0, 0).unwrap()
    }

    #[test]
    fn the_published_example_policy_encodes_as_published() {
        assert_eq!(BASE64.encode(EXAMPLE_POLICY), EXAMPLE_BASE64);
    }

    #[test]
    fn the_published_example_policy_signs_to_the_published_signature() {
        let identity = example_identity();
        let got = signature(
            &identity.secret_access_key,
            SystemTime::from(example_date()),
            &identity.region,
            EXAMPLE_BASE64,
        );
        assert_eq!(got, EXAMPLE_SIGNATURE);
    }

    #[test]
    fn another_secret_date_or_region_gives_another_signature() {
        let identity = example_identity();
        let date = SystemTime::from(example_date());
        let other_day = SystemTime::from(example_date() + chrono::Duration::days(1));
        let other_secret = SecretString::from("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEX");
        for got in [
            signature(&other_secret, date, "us-east-1", EXAMPLE_BASE64),
            signature(
                &identity.secret_access_key,
                other_day,
                "us-east-1",
                EXAMPLE_BASE64,
            ),
            signature(
                &identity.secret_access_key,
                date,
                "eu-central-1",
                EXAMPLE_BASE64,
            ),
        ] {
            assert_ne!(got, EXAMPLE_SIGNATURE);
        }
    }

    fn policy() -> PostPolicy {
        PostPolicy {
            bucket: "portal-files".into(),
            key: ObjectKey::parse("tenants/t1/customers/c1/files/f1/Grüße.pdf").unwrap(),
            content_type: "application/pdf".into(),
            size: 1..=1000,
            expires_at: example_date() + chrono::Duration::minutes(15),
        }
    }

    fn field<'a>(fields: &'a [(String, String)], name: &str) -> &'a str {
        &fields.iter().find(|(n, _)| n == name).unwrap().1
    }

    #[test]
    fn a_signed_policy_pins_the_key_type_size_and_expiry() {
        let fields = policy().sign(&example_identity(), example_date());

        let document: Value =
            serde_json::from_slice(&BASE64.decode(field(&fields, "policy")).unwrap()).unwrap();
        assert_eq!(document["expiration"], "2015-12-29T00:15:00.000Z");
        let conditions = document["conditions"].as_array().unwrap();
        for expected in [
            json!({"bucket": "portal-files"}),
            json!(["eq", "$key", "tenants/t1/customers/c1/files/f1/Grüße.pdf"]),
            json!(["eq", "$Content-Type", "application/pdf"]),
            json!(["content-length-range", 1, 1000]),
            json!({"x-amz-algorithm": "AWS4-HMAC-SHA256"}),
            json!({"x-amz-credential": "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"}),
            json!({"x-amz-date": "20151229T000000Z"}),
        ] {
            assert!(
                conditions.contains(&expected),
                "{expected} in {conditions:?}"
            );
        }
        assert_eq!(
            field(&fields, "key"),
            "tenants/t1/customers/c1/files/f1/Grüße.pdf"
        );
        assert_eq!(field(&fields, "Content-Type"), "application/pdf");
        let expected = signature(
            &example_identity().secret_access_key,
            SystemTime::from(example_date()),
            "us-east-1",
            field(&fields, "policy"),
        );
        assert_eq!(field(&fields, "x-amz-signature"), expected);
        assert_eq!(fields.last().unwrap().0, "x-amz-signature");
    }

    #[test]
    fn temporary_credentials_put_their_session_token_in_the_form_and_the_policy() {
        let mut identity = example_identity();
        identity.session_token = Some(SecretString::from("FwoGZXIvYXdzE-token"));

        let fields = policy().sign(&identity, example_date());

        assert_eq!(
            field(&fields, "x-amz-security-token"),
            "FwoGZXIvYXdzE-token"
        );
        let document: Value =
            serde_json::from_slice(&BASE64.decode(field(&fields, "policy")).unwrap()).unwrap();
        assert!(
            document["conditions"]
                .as_array()
                .unwrap()
                .contains(&json!({"x-amz-security-token": "FwoGZXIvYXdzE-token"}))
        );
        assert_eq!(
            verify(&fields, 10, &identity, "portal-files", example_date()),
            Ok(VerifiedPost {
                key: "tenants/t1/customers/c1/files/f1/Grüße.pdf".into(),
                content_type: "application/pdf".into()
            })
        );
    }

    fn set(fields: &mut [(String, String)], name: &str, value: &str) {
        fields.iter_mut().find(|(n, _)| n == name).unwrap().1 = value.to_owned();
    }

    /// A name, the fields, the file's size, when it is sent, and the refusal expected.
    type Case = (
        &'static str,
        Vec<(String, String)>,
        u64,
        DateTime<Utc>,
        PostPolicyError,
    );

    #[test]
    fn a_form_is_checked_as_s3_checks_it() {
        let identity = example_identity();
        let now = example_date() + chrono::Duration::minutes(1);
        let signed = policy().sign(&identity, example_date());
        let check = |fields: &[(String, String)], size: u64, now| {
            verify(fields, size, &identity, "portal-files", now)
        };
        assert!(check(&signed, 1000, now).is_ok());

        let cases: Vec<Case> = vec![
            (
                "too large",
                signed.clone(),
                1001,
                now,
                PostPolicyError::SizeOutOfRange,
            ),
            (
                "empty",
                signed.clone(),
                0,
                now,
                PostPolicyError::SizeOutOfRange,
            ),
            (
                "expired",
                signed.clone(),
                10,
                policy().expires_at,
                PostPolicyError::Expired,
            ),
            (
                "another key",
                {
                    let mut f = signed.clone();
                    set(&mut f, "key", "tenants/t2/customers/c9/files/f1/Grüße.pdf");
                    f
                },
                10,
                now,
                PostPolicyError::ConditionFailed("key".into()),
            ),
            (
                "another type",
                {
                    let mut f = signed.clone();
                    set(&mut f, "Content-Type", "text/html");
                    f
                },
                10,
                now,
                PostPolicyError::ConditionFailed("Content-Type".into()),
            ),
            (
                "tampered signature",
                {
                    let mut f = signed.clone();
                    set(&mut f, "x-amz-signature", &"0".repeat(64));
                    f
                },
                10,
                now,
                PostPolicyError::BadSignature,
            ),
            (
                "a policy of one's own",
                {
                    let mut f = signed.clone();
                    let mut own = policy();
                    own.size = 1..=u64::MAX;
                    let forged = own.sign(&identity, example_date());
                    set(&mut f, "policy", field(&forged, "policy"));
                    f
                },
                10,
                now,
                PostPolicyError::BadSignature,
            ),
            (
                "an extra field",
                {
                    let mut f = signed.clone();
                    f.push(("acl".into(), "public-read".into()));
                    f
                },
                10,
                now,
                PostPolicyError::UncoveredField("acl".into()),
            ),
            (
                "no signature",
                {
                    signed
                        .iter()
                        .filter(|(n, _)| n != "x-amz-signature")
                        .cloned()
                        .collect()
                },
                10,
                now,
                PostPolicyError::MissingField("x-amz-signature"),
            ),
            (
                "another access key",
                {
                    let mut f = signed.clone();
                    set(
                        &mut f,
                        "x-amz-credential",
                        "AKIAOTHER/20151229/us-east-1/s3/aws4_request",
                    );
                    f
                },
                10,
                now,
                PostPolicyError::BadCredential,
            ),
        ];
        for (name, fields, size, at, expected) in cases {
            assert_eq!(check(&fields, size, at), Err(expected), "{name}");
        }
        assert_eq!(
            verify(&signed, 10, &identity, "other-bucket", now),
            Err(PostPolicyError::ConditionFailed("bucket".into()))
        );
    }
}

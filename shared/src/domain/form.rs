//! The forms of a customer's website and the entries visitors submit through them.

use std::{fmt, str::FromStr};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use super::{
    CustomerId, Email, FieldErrors, Language, TenantId,
    text::{SingleLine, TextError},
    validation::Common,
};

/// A form's public id: what the website's HTML names in `action="…/f/{id}"`. A ULID like the
/// other ids; it is public, so it grants nothing but posting an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FormId(ulid::Ulid);

impl FormId {
    pub fn new() -> Self {
        Self(super::ids::next_ulid())
    }
}

impl Default for FormId {
    fn default() -> Self {
        Self::new()
    }
}

impl FromStr for FormId {
    type Err = ulid::DecodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

impl fmt::Display for FormId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One entry. Its time part is the moment it was received (from the clock port, so tests
/// can place entries in time), which is what keeps entries sorted and date ranges cheap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FormEntryId(ulid::Ulid);

impl FormEntryId {
    /// A new id for an entry received at `at`.
    pub fn at(at: DateTime<Utc>) -> anyhow::Result<Self> {
        let mut random = [0u8; 16];
        getrandom::fill(&mut random)
            .map_err(|e| anyhow::anyhow!("the OS random source failed: {e}"))?;
        Ok(Self(ulid::Ulid::from_parts(
            millis(at),
            u128::from_le_bytes(random),
        )))
    }

    /// The smallest id of an entry received at `at` or later.
    pub fn first_at(at: DateTime<Utc>) -> Self {
        Self(ulid::Ulid::from_parts(millis(at), 0))
    }

    /// The largest id of an entry received at `at` or earlier.
    pub fn last_at(at: DateTime<Utc>) -> Self {
        Self(ulid::Ulid::from_parts(millis(at), u128::MAX))
    }
}

fn millis(at: DateTime<Utc>) -> u64 {
    u64::try_from(at.timestamp_millis()).unwrap_or(0)
}

impl FromStr for FormEntryId {
    type Err = ulid::DecodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Self)
    }
}

impl fmt::Display for FormEntryId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A web origin a form may be posted from: `scheme://host[:port]`, lower case, no path.
/// Plain `http` only on loopback, as for the portal's own address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Origin(String);

#[derive(Debug, thiserror::Error, Clone, Copy, PartialEq, Eq)]
pub enum OriginError {
    #[error("is not an origin such as https://www.customer.example")]
    Invalid,
    #[error("must use https (http is allowed only for localhost and 127.0.0.1)")]
    NotHttps,
    #[error("must be only scheme, host and port: no path, query, fragment or credentials")]
    Extra,
}

impl super::FieldProblem for OriginError {
    fn code(&self) -> &'static str {
        match self {
            OriginError::Invalid => "url-invalid",
            OriginError::NotHttps => "url-not-https",
            OriginError::Extra => "url-extra",
        }
    }
}

fn is_loopback(url: &url::Url) -> bool {
    matches!(url.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
}

impl Origin {
    pub fn parse(raw: &str) -> Result<Self, OriginError> {
        let raw = raw.trim();
        let url = url::Url::parse(raw).map_err(|_| OriginError::Invalid)?;
        if url.host_str().is_none_or(str::is_empty) {
            return Err(OriginError::Invalid);
        }
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => return Err(OriginError::NotHttps),
            _ => return Err(OriginError::Invalid),
        }
        if !url.username().is_empty()
            || url.password().is_some()
            || url.query().is_some()
            || url.fragment().is_some()
            || url.path() != "/"
        {
            return Err(OriginError::Extra);
        }
        // `Url` has lower-cased the scheme and host, punycoded an IDN and dropped a default
        // port: the form browsers send in `Origin`.
        Ok(Self(url.origin().ascii_serialization()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Origin {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Origin::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// Where a visitor's browser goes after posting: an absolute `http(s)` URL without
/// credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct RedirectUrl(String);

#[derive(Debug, thiserror::Error, Clone, Copy, PartialEq, Eq)]
pub enum RedirectUrlError {
    #[error("is not an absolute http or https URL")]
    Invalid,
    #[error("must not contain credentials")]
    Extra,
    #[error("must be at most 2000 characters")]
    TooLong,
}

impl super::FieldProblem for RedirectUrlError {
    fn code(&self) -> &'static str {
        match self {
            RedirectUrlError::Invalid => "url-invalid",
            RedirectUrlError::Extra => "url-extra",
            RedirectUrlError::TooLong => "too-long",
        }
    }

    fn args(&self) -> Vec<(&'static str, i64)> {
        match self {
            RedirectUrlError::TooLong => vec![("max", 2000)],
            _ => Vec::new(),
        }
    }
}

impl RedirectUrl {
    pub fn parse(raw: &str) -> Result<Self, RedirectUrlError> {
        let raw = raw.trim();
        if raw.chars().count() > 2000 {
            return Err(RedirectUrlError::TooLong);
        }
        let url = url::Url::parse(raw).map_err(|_| RedirectUrlError::Invalid)?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
            return Err(RedirectUrlError::Invalid);
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(RedirectUrlError::Extra);
        }
        Ok(Self(url.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for RedirectUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        RedirectUrl::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

/// A Cloudflare Turnstile secret key. Stored (it must be sent to Cloudflare), never shown:
/// not in `Debug`, not in any answer.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TurnstileSecret(String);

impl TurnstileSecret {
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        Ok(Self(SingleLine::parse(raw, 200)?.as_str().to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TurnstileSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TurnstileSecret(…)")
    }
}

/// A form of a customer's website.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Form {
    pub id: FormId,
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub name: String,
    /// The websites allowed to post it; empty: any origin may post (a plain HTML post from a
    /// page that sends no `Origin`, such as a local file, is always taken).
    pub allowed_origins: Vec<Origin>,
    /// Who is emailed each entry.
    pub recipients: Vec<Email>,
    /// Where the visitor goes after posting; none: the portal's thank-you page.
    pub redirect_url: Option<RedirectUrl>,
    /// The thank-you page's and the notification's language.
    pub language: Language,
    pub turnstile_secret: Option<TurnstileSecret>,
    /// The agency's retention of form entries, copied here whenever the form is saved so
    /// the intake needs no second read to date an entry's end.
    #[serde(default)]
    pub retention_days: super::RetentionDays,
    /// Counted by the intake on the form's item, never by an edit.
    #[serde(default)]
    pub entry_count: u64,
    #[serde(default)]
    pub spam_count: u64,
    #[serde(default)]
    pub refused_count: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

/// A form's settings as the API receives them, before they are checked. On a change, an
/// absent field stays as it is; `null` clears what may be cleared.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FormChanges {
    #[serde(default, deserialize_with = "not_null")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "not_null")]
    pub allowed_origins: Option<Vec<String>>,
    #[serde(default, deserialize_with = "not_null")]
    pub recipients: Option<Vec<String>>,
    #[serde(default, deserialize_with = "double_option")]
    pub redirect_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "not_null")]
    pub language: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub turnstile_secret: Option<Option<String>>,
}

fn double_option<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A field that may be left out but not cleared: `null` is refused as the wrong type (a
/// form always has a name, a language and lists, possibly empty).
fn not_null<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

pub const MAX_ORIGINS: usize = 20;
pub const MAX_RECIPIENTS: usize = 10;

impl FormChanges {
    /// `current` with these changes applied, or a new form when there is none; every bad
    /// field named.
    pub fn apply(
        self,
        current: Option<&Form>,
        new: impl FnOnce() -> (FormId, TenantId, CustomerId, Language),
        now: DateTime<Utc>,
    ) -> Result<Form, Vec<super::FieldError>> {
        let mut errors = FieldErrors::default();
        let name = match (&self.name, current) {
            (Some(raw), _) => errors.check("name", SingleLine::parse(raw, 200).map(String::from)),
            (None, Some(c)) => Some(c.name.clone()),
            (None, None) => {
                errors.report("name", Common::Required);
                None
            }
        };
        let allowed_origins = match self.allowed_origins {
            Some(raw) => parse_list(&mut errors, "allowedOrigins", &raw, MAX_ORIGINS, |s| {
                Origin::parse(s)
            }),
            None => Some(
                current
                    .map(|c| c.allowed_origins.clone())
                    .unwrap_or_default(),
            ),
        };
        let recipients = match self.recipients {
            Some(raw) => parse_list(&mut errors, "recipients", &raw, MAX_RECIPIENTS, |s| {
                Email::parse(s)
            }),
            None => Some(current.map(|c| c.recipients.clone()).unwrap_or_default()),
        };
        let redirect_url = match self.redirect_url {
            Some(Some(raw)) if !raw.trim().is_empty() => errors
                .check("redirectUrl", RedirectUrl::parse(&raw))
                .map(Some),
            Some(_) => Some(None),
            None => Some(current.and_then(|c| c.redirect_url.clone())),
        };
        let language = match &self.language {
            Some(raw) => errors.check("language", raw.parse::<Language>()),
            None => current.map(|c| c.language).or(None),
        };
        let turnstile_secret = match self.turnstile_secret {
            Some(Some(raw)) if !raw.trim().is_empty() => errors
                .check("turnstileSecret", TurnstileSecret::parse(&raw))
                .map(Some),
            Some(_) => Some(None),
            None => Some(current.and_then(|c| c.turnstile_secret.clone())),
        };
        if !errors.is_empty() {
            return Err(errors.into_vec());
        }
        let (Some(name), Some(allowed_origins), Some(recipients), Some(redirect_url)) =
            (name, allowed_origins, recipients, redirect_url)
        else {
            unreachable!("every field parsed when no error was recorded")
        };
        let turnstile_secret = turnstile_secret.flatten();
        Ok(match current {
            Some(c) => Form {
                name,
                allowed_origins,
                recipients,
                redirect_url,
                language: language.unwrap_or(c.language),
                turnstile_secret,
                updated_at: now,
                version: c.version + 1,
                ..c.clone()
            },
            None => {
                let (id, tenant_id, customer_id, default_language) = new();
                Form {
                    id,
                    tenant_id,
                    customer_id,
                    name,
                    allowed_origins,
                    recipients,
                    redirect_url,
                    language: language.unwrap_or(default_language),
                    turnstile_secret,
                    retention_days: super::RetentionDays::default(),
                    entry_count: 0,
                    spam_count: 0,
                    refused_count: 0,
                    created_at: now,
                    updated_at: now,
                    version: 1,
                }
            }
        })
    }
}

/// Each value parsed, none twice (compared as parsed), at most `max`.
fn parse_list<T: PartialEq, E: super::FieldProblem>(
    errors: &mut FieldErrors,
    field: &str,
    raw: &[String],
    max: usize,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Option<Vec<T>> {
    if raw.len() > max {
        errors.push(field, format!("must list at most {max} values"));
        return None;
    }
    let before = errors.clone();
    let mut values = Vec::new();
    for (i, s) in raw.iter().enumerate() {
        if let Some(value) = errors.check(&format!("{field}[{i}]"), parse(s)) {
            if values.contains(&value) {
                errors.report(format!("{field}[{i}]"), Common::ListedTwice);
            } else {
                values.push(value);
            }
        }
    }
    (errors == &before).then_some(values)
}

/// One field of an entry as the visitor submitted it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryField {
    pub name: String,
    pub value: String,
}

/// Whether a Turnstile check vouched for the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verification {
    /// The form has no Turnstile secret.
    NotRequired,
    Passed,
    /// Turnstile could not be asked (an outage): kept, but nobody vouched for it.
    Unverified,
}

/// Where the notification email of an entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EmailState {
    /// Not sent yet (or the attempt did not finish): to be sent or retried.
    Pending,
    Sent,
    /// SES refused or could not take it; retried.
    Failed,
    /// The form names no recipients.
    NoRecipients,
}

/// A visitor's submission of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FormEntry {
    pub id: FormEntryId,
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub form_id: FormId,
    pub received_at: DateTime<Utc>,
    /// The agency's retention: after this the entry is gone (DynamoDB's TTL deletes it, late;
    /// every read checks this first).
    pub expires_at: DateTime<Utc>,
    /// In the order submitted.
    pub fields: Vec<EntryField>,
    pub origin: Option<String>,
    pub user_agent: Option<String>,
    pub verification: Verification,
    pub read_at: Option<DateTime<Utc>>,
    pub email_state: EmailState,
    #[serde(default)]
    pub email_attempts: u32,
    /// When the notification is tried (again) on its own, while it is due: pending or
    /// failed with attempts left.
    #[serde(default)]
    pub email_next_try_at: Option<DateTime<Utc>>,
}

/// An entry's notification still to send: written with the entry, found by the sweep by its
/// due time, and claimed (`attempts` one up) before every attempt, so that of two senders
/// only one sends. Gone once the email is sent or given up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NotificationDue {
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub form_id: FormId,
    pub entry_id: FormEntryId,
    /// When the next attempt may start.
    pub due_at: DateTime<Utc>,
    /// The attempts claimed so far: the item's version.
    pub attempts: u32,
    /// When the attempt under way was claimed; `None` between attempts.
    pub claimed_at: Option<DateTime<Utc>>,
    /// The entry's end of retention: the item never outlives it.
    pub expires_at: DateTime<Utc>,
}

impl FormEntry {
    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        now < self.expires_at
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_clears_only_what_may_be_cleared() {
        for field in ["name", "allowedOrigins", "recipients", "language"] {
            let body = format!(r#"{{"{field}": null}}"#);
            assert!(
                serde_json::from_str::<FormChanges>(&body).is_err(),
                "{field}: null must be refused"
            );
        }
        let cleared: FormChanges =
            serde_json::from_str(r#"{"redirectUrl": null, "turnstileSecret": null}"#).unwrap();
        assert_eq!(cleared.redirect_url, Some(None));
        assert_eq!(cleared.turnstile_secret, Some(None));
        let absent: FormChanges = serde_json::from_str("{}").unwrap();
        assert!(absent.name.is_none() && absent.redirect_url.is_none());
    }

    #[test]
    fn origins_are_scheme_host_and_port_only() {
        let ok = [
            (
                "https://www.Customer.example",
                "https://www.customer.example",
            ),
            (
                "https://www.customer.example/",
                "https://www.customer.example",
            ),
            (
                "https://www.customer.example:443",
                "https://www.customer.example",
            ),
            ("https://shop.example:8443", "https://shop.example:8443"),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
            ("https://bücher.example", "https://xn--bcher-kva.example"),
        ];
        for (raw, expected) in ok {
            assert_eq!(Origin::parse(raw).unwrap().as_str(), expected, "{raw}");
        }
        let bad = [
            ("www.customer.example", OriginError::Invalid),
            ("ftp://customer.example", OriginError::Invalid),
            ("http://customer.example", OriginError::NotHttps),
            ("https://customer.example/contact", OriginError::Extra),
            ("https://customer.example?x=1", OriginError::Extra),
            ("https://user:pw@customer.example", OriginError::Extra),
            ("https://customer.example//", OriginError::Extra),
            ("*", OriginError::Invalid),
            ("null", OriginError::Invalid),
        ];
        for (raw, expected) in bad {
            assert_eq!(Origin::parse(raw), Err(expected), "{raw}");
        }
    }

    #[test]
    fn redirect_urls_are_absolute_http_urls() {
        assert!(RedirectUrl::parse("https://customer.example/danke?x=1#top").is_ok());
        assert!(RedirectUrl::parse("http://customer.example/thanks").is_ok());
        for bad in [
            "javascript:alert(1)",
            "/thanks",
            "data:text/html,hi",
            "https://u:p@customer.example/",
            "mailto:x@y.example",
        ] {
            assert!(RedirectUrl::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn entry_ids_sort_by_the_time_received_and_bound_date_ranges() {
        let t = Utc::now();
        let id = FormEntryId::at(t).unwrap();
        assert!(FormEntryId::first_at(t) <= id && id <= FormEntryId::last_at(t));
        let later = FormEntryId::at(t + chrono::Duration::milliseconds(1)).unwrap();
        assert!(id < later);
        assert!(id.to_string() < later.to_string());
    }

    #[test]
    fn the_turnstile_secret_never_reaches_debug_output() {
        let secret = TurnstileSecret::parse("0x4AAAAAAA-very-secret").unwrap();
        assert!(!format!("{secret:?}").contains("very-secret"));
    }

    #[test]
    fn a_new_form_needs_a_name_and_names_every_bad_field() {
        let changes: FormChanges = serde_json::from_value(serde_json::json!({
            "allowedOrigins": ["https://ok.example", "http://bad.example", "https://ok.example"],
            "recipients": ["x"],
            "redirectUrl": "javascript:alert(1)",
            "language": "xx"
        }))
        .unwrap();
        let errors = changes
            .apply(
                None,
                || {
                    (
                        FormId::new(),
                        TenantId::new(),
                        CustomerId::new(),
                        Language::De,
                    )
                },
                Utc::now(),
            )
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "name",
                "allowedOrigins[1]",
                "allowedOrigins[2]",
                "recipients[0]",
                "redirectUrl",
                "language"
            ]
        );
    }
}

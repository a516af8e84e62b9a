//! The public intake `POST /f/{formId}`: the portal's most exposed route. A visitor's browser
//! (or a script on the customer's site) posts a form; the entry is stored, then emailed.
//!
//! Before an accepted entry is answered it costs two sequential AWS round trips, no more:
//! 1. at once: `GetItem FORM#{id}`, and the two rate counters (`UpdateItem ADD` per address
//!    and per form), which do not depend on the form;
//! 2. at once: `PutItem` of the entry (its email state `pending`) and `UpdateItem ADD` of the
//!    form's entry count.
//!
//! The entry's `PutItem` is a `TransactWriteItems` with its notification's due item when
//! the form has recipients: still one round trip.
//!
//! A Turnstile check, when the form has a secret, sits between them (Cloudflare, not AWS).
//! The notification is sent after the answer, by a task of its own (the claim with the
//! agency's read, SES, the outcome recorded; see `notifications`): the entry is already
//! stored with its email `pending` and due, so a task cut short (a Lambda frozen after
//! answering) loses no entry and no email: the scheduled sweep sends it once its grace
//! period has passed.

use std::net::IpAddr;

use axum::{
    body::Body,
    extract::{FromRequest, Multipart, Request, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use chrono::{DateTime, Duration, DurationRound, Utc};
use portal::{
    domain::{
        Email, EmailState, EntryField, FieldError, Form, FormEntry, FormEntryId, FormId, Language,
        OutgoingEmail, RedirectUrl, Tenant, Verification,
    },
    http::{ApiError, ClientAddress, asked_language},
    i18n::{self, Arg},
    pages::{self, FormIntakePage},
    ports::{FormCount, StoreError},
};
use serde::Serialize;

use crate::{FormsState, notifications, turnstile::Verdict};

/// The hidden field a person leaves empty and a bot fills in.
pub const HONEYPOT: &str = "_gotcha";
/// Where Turnstile's widget puts its token.
pub const TURNSTILE_FIELD: &str = "cf-turnstile-response";
pub const MAX_BODY: usize = 64 * 1024;
pub const MAX_FIELDS: usize = 50;
pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_VALUE_CHARS: usize = 10_000;
/// Rate limits: entries per window from one address, and to one form.
pub const WINDOW_MINUTES: i64 = 10;
pub const PER_ADDRESS: u32 = 10;
pub const PER_FORM: u32 = 300;

#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("no such form")]
    NotFound,
    #[error("origin not allowed")]
    OriginNotAllowed,
    #[error("rate limited")]
    RateLimited { retry_after: i64 },
    #[error("body too large")]
    TooLarge,
    #[error("unsupported body")]
    UnsupportedBody,
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    #[error("verification failed")]
    VerificationFailed,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<StoreError> for IntakeError {
    fn from(e: StoreError) -> Self {
        IntakeError::Unexpected(anyhow::Error::new(e))
    }
}

impl IntakeError {
    fn api(self) -> ApiError {
        match self {
            IntakeError::NotFound => ApiError::NotFound("form"),
            IntakeError::OriginNotAllowed => ApiError::OriginNotAllowed,
            IntakeError::RateLimited { retry_after } => {
                ApiError::TooManySubmissions { retry_after }
            }
            IntakeError::TooLarge => ApiError::PayloadTooLarge,
            IntakeError::UnsupportedBody => ApiError::UnsupportedFormBody,
            IntakeError::MalformedJson(detail) => ApiError::MalformedJson(detail),
            IntakeError::Invalid(errors) => ApiError::Validation(errors),
            IntakeError::VerificationFailed => ApiError::VerificationFailed,
            IntakeError::Unexpected(e) => ApiError::Unexpected(e),
        }
    }

    /// The catalogue message the visitor's page shows.
    fn text_key(&self) -> &'static str {
        match self {
            IntakeError::NotFound => "form-problem-not-found",
            IntakeError::OriginNotAllowed => "form-problem-origin",
            IntakeError::RateLimited { .. } => "form-problem-rate",
            IntakeError::TooLarge => "form-problem-too-large",
            IntakeError::UnsupportedBody | IntakeError::MalformedJson(_) => "form-problem-body",
            IntakeError::Invalid(errors) if errors.iter().any(|e| e.code == FILE_REFUSED) => {
                "form-problem-files"
            }
            IntakeError::Invalid(_) => "form-problem-invalid",
            IntakeError::VerificationFailed => "form-problem-verification",
            IntakeError::Unexpected(_) => "form-problem-unexpected",
        }
    }

    /// What the form's counts record of it, if anything.
    fn count(&self) -> Option<FormCount> {
        match self {
            IntakeError::NotFound | IntakeError::Unexpected(_) => None,
            IntakeError::VerificationFailed => Some(FormCount::Spam),
            _ => Some(FormCount::Refused),
        }
    }
}

const FILE_REFUSED: &str = "file-not-accepted";

/// How the request wants its answer.
#[derive(Debug, Clone)]
struct Asker {
    json: bool,
    language: Language,
    /// The `Origin` header, when sent.
    origin: Option<String>,
    /// The page to link back to: the `Referer` when it is an http(s) URL.
    back: Option<String>,
    address: Option<String>,
    user_agent: Option<String>,
}

impl Asker {
    fn of(headers: &HeaderMap, address: Option<&ClientAddress>) -> Self {
        let text = |name: header::HeaderName| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let accept = text(header::ACCEPT).unwrap_or_default();
        let content_type = text(header::CONTENT_TYPE).unwrap_or_default();
        Self {
            json: accept.contains("application/json")
                || content_type.starts_with("application/json"),
            language: asked_language(headers).unwrap_or(Language::En),
            origin: text(header::ORIGIN),
            back: text(header::REFERER)
                .and_then(|r| RedirectUrl::parse(&r).ok())
                .map(|r| r.as_str().to_owned()),
            address: address
                .map(|a| a.0.clone())
                .filter(|a| a.parse::<IpAddr>().is_ok()),
            user_agent: text(header::USER_AGENT).map(|ua| ua.chars().take(500).collect()),
        }
    }
}

/// The body's fields, in order, before the form's rules are applied.
struct Submitted {
    fields: Vec<EntryField>,
}

impl Submitted {
    fn value(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value.as_str())
    }
}

#[derive(Serialize)]
struct Accepted {
    id: FormEntryId,
    message: String,
}

/// `POST /f/{formId}`.
pub async fn intake(State(state): State<FormsState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let asker = Asker::of(&parts.headers, parts.extensions.get::<ClientAddress>());
    let raw_id = parts
        .uri
        .path()
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let form_id: Option<FormId> = raw_id.parse().ok();
    let now = state.clock.now();
    // Read (and parse) the body first: local work, so the AWS calls below start together.
    let submitted = read_body(&parts.headers, body).await;

    let Some(form_id) = form_id else {
        return answer_problem(&asker, None, IntakeError::NotFound);
    };
    let window = window_start(now);
    let forget = window + Duration::minutes(2 * WINDOW_MINUTES);
    let address_key = format!(
        "form-intake-address#{}",
        asker
            .address
            .as_deref()
            .and_then(|a| a.parse().ok())
            .map_or_else(|| "unknown".to_owned(), rate_address)
    );
    let form_key = format!("form-intake-form#{form_id}");
    // Round trip 1.
    let (form, by_address, by_form) = tokio::join!(
        state.forms.get_form(form_id),
        state.rate_limits.increment(&address_key, window, forget),
        state.rate_limits.increment(&form_key, window, forget),
    );
    let form = match form {
        Ok(Some(form)) => form,
        Ok(None) => return answer_problem(&asker, None, IntakeError::NotFound),
        Err(e) => return answer_problem(&asker, None, e.into()),
    };
    let decided = decide(&state, &form, &asker, submitted, by_address, by_form, now).await;
    match decided {
        Ok(Decision::Spam) => {
            if let Err(e) = state.forms.count(form.id, FormCount::Spam).await {
                tracing::warn!(error = %e, "the spam count was not kept");
            }
            tracing::info!(form = %form.id, "spam answered as accepted");
            let decoy = FormEntryId::at(now).unwrap_or_else(|_| FormEntryId::first_at(now));
            answer_accepted(&asker, &form, decoy)
        }
        Ok(Decision::Keep(entry)) => {
            let due = (entry.email_state == EmailState::Pending)
                .then(|| notifications::first_due(&entry));
            // Round trip 2.
            let (stored, _) = tokio::join!(
                state.entries.put_entry(&entry, due.as_ref()),
                state.forms.count(form.id, FormCount::Entry),
            );
            if let Err(e) = stored {
                return answer_problem(&asker, Some(&form), e.into());
            }
            tracing::info!(form = %form.id, entry = %entry.id, "form entry stored");
            if let Some(due) = due {
                let state = state.clone();
                let (form, entry) = (form.clone(), entry.clone());
                tokio::spawn(async move {
                    match notifications::first_attempt(&state, &form, &entry, &due).await {
                        Ok(_) | Err(notifications::NotifyError::Busy) => {}
                        Err(e) => {
                            tracing::error!(entry = %entry.id, error = ?e, "the first attempt at the email failed; the sweep retries it")
                        }
                    }
                });
            }
            answer_accepted(&asker, &form, entry.id)
        }
        Err(problem) => {
            if let Some(what) = problem.count()
                && let Err(e) = state.forms.count(form.id, what).await
            {
                tracing::warn!(error = %e, "the refused count was not kept");
            }
            answer_problem(&asker, Some(&form), problem)
        }
    }
}

enum Decision {
    /// A bot: answer as accepted, keep nothing but a count.
    Spam,
    Keep(FormEntry),
}

async fn decide(
    state: &FormsState,
    form: &Form,
    asker: &Asker,
    submitted: Result<Submitted, IntakeError>,
    by_address: Result<u32, StoreError>,
    by_form: Result<u32, StoreError>,
    now: DateTime<Utc>,
) -> Result<Decision, IntakeError> {
    if !origin_allowed(form, asker.origin.as_deref()) {
        return Err(IntakeError::OriginNotAllowed);
    }
    if by_address? > PER_ADDRESS || by_form? > PER_FORM {
        let window_end = window_start(now) + Duration::minutes(WINDOW_MINUTES);
        return Err(IntakeError::RateLimited {
            retry_after: (window_end - now).num_seconds().max(1),
        });
    }
    let submitted = submitted?;
    if submitted.value(HONEYPOT).is_some_and(|v| !v.is_empty()) {
        return Ok(Decision::Spam);
    }
    let verification = match &form.turnstile_secret {
        None => Verification::NotRequired,
        Some(secret) => match submitted.value(TURNSTILE_FIELD).filter(|t| !t.is_empty()) {
            None => return Err(IntakeError::VerificationFailed),
            Some(token) => match state
                .human_check
                .verify(secret, token, asker.address.as_deref())
                .await
            {
                Verdict::Human => Verification::Passed,
                Verdict::Rejected => return Err(IntakeError::VerificationFailed),
                Verdict::Unreachable => Verification::Unverified,
            },
        },
    };
    let fields: Vec<EntryField> = submitted
        .fields
        .into_iter()
        .filter(|f| f.name != HONEYPOT && f.name != TURNSTILE_FIELD)
        .collect();
    let pending = !form.recipients.is_empty();
    let entry = FormEntry {
        id: FormEntryId::at(now)?,
        tenant_id: form.tenant_id,
        customer_id: form.customer_id,
        form_id: form.id,
        received_at: now,
        expires_at: now + Duration::days(i64::from(form.retention_days.days())),
        fields,
        origin: asker.origin.clone(),
        user_agent: asker.user_agent.clone(),
        verification,
        read_at: None,
        email_state: if pending {
            EmailState::Pending
        } else {
            EmailState::NoRecipients
        },
        email_attempts: 0,
        email_next_try_at: None,
    };
    let entry = FormEntry {
        email_next_try_at: pending.then(|| notifications::first_due(&entry).due_at),
        ..entry
    };
    Ok(Decision::Keep(entry))
}

/// With allowed origins, a post must come from one of them; a post without `Origin` (not
/// from a browser's cross-site request) is taken, as browsers always send it cross-site.
pub fn origin_allowed(form: &Form, origin: Option<&str>) -> bool {
    match origin {
        _ if form.allowed_origins.is_empty() => true,
        None => true,
        Some(origin) => form
            .allowed_origins
            .iter()
            .any(|allowed| allowed.as_str() == origin),
    }
}

/// Whose the per-address count is: an IPv4 address, or the /64 of an IPv6 address (one
/// subscriber's network: its 2^64 addresses cost a visitor nothing to change). An
/// IPv4-mapped IPv6 address counts as its IPv4 address.
pub fn rate_address(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                let network = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
                format!("{network}/64")
            }
        },
    }
}

fn window_start(now: DateTime<Utc>) -> DateTime<Utc> {
    now.duration_trunc(Duration::minutes(WINDOW_MINUTES))
        .unwrap_or(now)
}

/// CORS for a post from an allowed origin, so a `fetch` may read the answer.
fn with_cors(mut response: Response, form: Option<&Form>, asker: &Asker) -> Response {
    if let (Some(form), Some(origin)) = (form, &asker.origin)
        && origin_allowed(form, Some(origin))
        && let Ok(value) = HeaderValue::from_str(origin)
    {
        let headers = response.headers_mut();
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn answer_accepted(asker: &Asker, form: &Form, id: FormEntryId) -> Response {
    let response = if asker.json {
        let message = i18n::t(form.language, "form-accepted");
        (StatusCode::CREATED, axum::Json(Accepted { id, message })).into_response()
    } else if let Some(url) = &form.redirect_url {
        match HeaderValue::from_str(url.as_str()) {
            Ok(location) => (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response(),
            Err(_) => thanks_page(form.language, asker),
        }
    } else {
        thanks_page(form.language, asker)
    };
    with_cors(response, Some(form), asker)
}

fn thanks_page(language: Language, asker: &Asker) -> Response {
    let html = pages::form_intake(&FormIntakePage {
        language,
        title_key: "form-thanks-title",
        text_key: "form-thanks-text",
        back_url: asker.back.as_deref(),
    });
    (StatusCode::OK, Html(html)).into_response()
}

fn answer_problem(asker: &Asker, form: Option<&Form>, problem: IntakeError) -> Response {
    if let IntakeError::Unexpected(e) = &problem {
        tracing::error!(error = ?e, "the form intake failed");
    }
    let response = if asker.json {
        problem.api().into_response()
    } else {
        let language = form.map_or(asker.language, |f| f.language);
        let status = problem_status(&problem);
        let retry_after = match &problem {
            IntakeError::RateLimited { retry_after } => Some(*retry_after),
            _ => None,
        };
        let html = pages::form_intake(&FormIntakePage {
            language,
            title_key: "form-problem-title",
            text_key: problem.text_key(),
            back_url: asker.back.as_deref(),
        });
        let mut response = (status, Html(html)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        response
    };
    with_cors(response, form, asker)
}

fn problem_status(problem: &IntakeError) -> StatusCode {
    match problem {
        IntakeError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        IntakeError::NotFound => StatusCode::NOT_FOUND,
        IntakeError::OriginNotAllowed | IntakeError::VerificationFailed => StatusCode::FORBIDDEN,
        IntakeError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        IntakeError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        IntakeError::UnsupportedBody => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        IntakeError::MalformedJson(_) => StatusCode::BAD_REQUEST,
        IntakeError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// `OPTIONS /f/{formId}`: CORS preflight, answered for the form's allowed origins only.
pub async fn preflight(State(state): State<FormsState>, request: Request) -> Response {
    let asker = Asker::of(request.headers(), None);
    let asker = Asker {
        json: true,
        ..asker
    };
    let form_id: Option<FormId> = request
        .uri()
        .path()
        .rsplit('/')
        .next()
        .and_then(|id| id.parse().ok());
    let form = match form_id {
        Some(id) => state.forms.get_form(id).await,
        None => Ok(None),
    };
    let form = match form {
        Ok(Some(form)) => form,
        Ok(None) => return answer_problem(&asker, None, IntakeError::NotFound),
        Err(e) => return answer_problem(&asker, None, e.into()),
    };
    match &asker.origin {
        Some(origin) if origin_allowed(&form, Some(origin)) => {
            let response = (
                StatusCode::NO_CONTENT,
                [
                    (header::ACCESS_CONTROL_ALLOW_METHODS, "POST"),
                    (header::ACCESS_CONTROL_ALLOW_HEADERS, "content-type, accept"),
                    (header::ACCESS_CONTROL_MAX_AGE, "600"),
                ],
            )
                .into_response();
            with_cors(response, Some(&form), &asker)
        }
        _ => answer_problem(&asker, None, IntakeError::OriginNotAllowed),
    }
}

async fn read_body(headers: &HeaderMap, body: Body) -> Result<Submitted, IntakeError> {
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| IntakeError::TooLarge)?;
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    let raw = match essence {
        "application/x-www-form-urlencoded" => urlencoded(&bytes)?,
        "multipart/form-data" => multipart(headers, &bytes).await?,
        "application/json" => json(&bytes)?,
        _ => return Err(IntakeError::UnsupportedBody),
    };
    check_fields(raw)
}

/// Each pair decoded strictly: bytes that are not UTF-8 are refused, not replaced.
fn urlencoded(bytes: &[u8]) -> Result<Vec<(String, String)>, IntakeError> {
    let decode = |part: &[u8], index: usize| {
        let plus: Vec<u8> = part
            .iter()
            .map(|&b| if b == b'+' { b' ' } else { b })
            .collect();
        percent_encoding::percent_decode(&plus)
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| {
                IntakeError::Invalid(vec![FieldError::new(
                    format!("fields[{index}]"),
                    "is not UTF-8 text",
                )])
            })
    };
    bytes
        .split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .enumerate()
        .map(|(i, pair)| {
            let (name, value) = match pair.iter().position(|&b| b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &b""[..]),
            };
            Ok((decode(name, i)?, decode(value, i)?))
        })
        .collect()
}

async fn multipart(headers: &HeaderMap, raw: &[u8]) -> Result<Vec<(String, String)>, IntakeError> {
    let mut request = Request::new(Body::from(raw.to_vec()));
    if let Some(content_type) = headers.get(header::CONTENT_TYPE) {
        request
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type.clone());
    }
    let malformed = || {
        IntakeError::Invalid(vec![FieldError::new(
            "body",
            "is not a well-formed multipart/form-data body",
        )])
    };
    let mut parts = Multipart::from_request(request, &())
        .await
        .map_err(|_| malformed())?;
    let mut fields = Vec::new();
    let mut files = Vec::new();
    while let Some(field) = parts.next_field().await.map_err(|_| malformed())? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let data = field.bytes().await.map_err(|_| malformed())?;
        if let Some(file_name) = file_name {
            // A file input left empty sends a part without name or content: no file.
            if file_name.is_empty() && data.is_empty() {
                continue;
            }
            files.push(FieldError {
                field: name,
                message: "is a file; files can't be sent with this form".into(),
                code: FILE_REFUSED,
                args: Default::default(),
            });
            continue;
        }
        let value = String::from_utf8(data.to_vec()).map_err(|_| {
            IntakeError::Invalid(vec![FieldError::new(name.clone(), "is not UTF-8 text")])
        })?;
        fields.push((name, value));
    }
    if !files.is_empty() {
        return Err(IntakeError::Invalid(files));
    }
    Ok(fields)
}

/// A JSON object of text, numbers, booleans or nulls, in the order sent.
fn json(bytes: &[u8]) -> Result<Vec<(String, String)>, IntakeError> {
    let fields: OrderedObject = serde_json::from_slice(bytes).map_err(|e| {
        if e.is_data() {
            IntakeError::Invalid(vec![FieldError::new(
                "body",
                "must be a JSON object of text fields",
            )])
        } else {
            IntakeError::MalformedJson(e.to_string())
        }
    })?;
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for (name, value) in fields.0 {
        let text = match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Null => String::new(),
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Number(n) => n.to_string(),
            _ => {
                errors.push(FieldError::new(
                    name.clone(),
                    "must be text, a number or true/false",
                ));
                continue;
            }
        };
        out.push((name, text));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(IntakeError::Invalid(errors))
    }
}

/// A JSON object's members in the order they were written (`serde_json::Map` sorts them).
struct OrderedObject(Vec<(String, serde_json::Value)>);

impl<'de> serde::Deserialize<'de> for OrderedObject {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = OrderedObject;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, serde_json::Value>()? {
                    if members.len() > 4 * MAX_FIELDS {
                        return Err(serde::de::Error::custom("too many fields"));
                    }
                    members.push(member);
                }
                Ok(OrderedObject(members))
            }
        }
        d.deserialize_map(Visitor)
    }
}

/// The limits on names and values; every problem named.
fn check_fields(raw: Vec<(String, String)>) -> Result<Submitted, IntakeError> {
    let visible = raw
        .iter()
        .filter(|(name, _)| name != HONEYPOT && name != TURNSTILE_FIELD)
        .count();
    if visible > MAX_FIELDS {
        return Err(IntakeError::Invalid(vec![FieldError {
            field: "body".into(),
            message: format!("has more than {MAX_FIELDS} fields"),
            code: "too-many-fields",
            args: [("max", MAX_FIELDS as i64)].into_iter().collect(),
        }]));
    }
    let mut errors = Vec::new();
    let mut fields = Vec::new();
    for (name, value) in raw {
        let shown: String = name.chars().take(MAX_NAME_CHARS).collect();
        if name.trim().is_empty() {
            errors.push(FieldError::new("name", "a field has no name"));
        } else if name.chars().count() > MAX_NAME_CHARS {
            errors.push(too_long(shown, MAX_NAME_CHARS, "name"));
        } else if name.chars().any(char::is_control) {
            errors.push(FieldError::new(
                shown.escape_default().to_string(),
                "the field's name has control characters",
            ));
        } else if value.chars().count() > MAX_VALUE_CHARS {
            errors.push(too_long(shown, MAX_VALUE_CHARS, "value"));
        } else {
            fields.push(EntryField { name, value });
        }
    }
    if errors.is_empty() {
        Ok(Submitted { fields })
    } else {
        Err(IntakeError::Invalid(errors))
    }
}

fn too_long(field: String, max: usize, what: &str) -> FieldError {
    FieldError {
        field,
        message: format!("the {what} must be at most {max} characters long"),
        code: "too-long",
        args: [("max", max as i64)].into_iter().collect(),
    }
}

/// The visitor's address to reply to: a field named like an email address field, else the
/// first field holding a valid address. Parsed, so it carries no header or second recipient.
pub fn reply_to(fields: &[EntryField]) -> Option<Email> {
    const NAMES: [&str; 6] = ["email", "e-mail", "mail", "_replyto", "replyto", "reply-to"];
    let parse = |f: &EntryField| {
        // A line break or comma would be a second header or recipient: never an address.
        if f.value.contains(['\r', '\n', ',', ';']) {
            return None;
        }
        Email::parse(&f.value).ok()
    };
    fields
        .iter()
        .filter(|f| NAMES.contains(&f.name.to_lowercase().as_str()))
        .find_map(parse)
        .or_else(|| fields.iter().find_map(parse))
}

/// Emails the entry to each of the form's recipients, from the agency. A failure is the
/// caller's to record and retry (see `notifications`): nothing here waits or sleeps.
pub(crate) async fn send_notification(
    state: &FormsState,
    tenant: &Tenant,
    form: &Form,
    entry: &FormEntry,
) -> anyhow::Result<()> {
    let reply_to = reply_to(&entry.fields);
    for recipient in &form.recipients {
        let email = notification(
            form,
            entry,
            &tenant.sender_email,
            &tenant.name,
            recipient,
            &reply_to,
        );
        state.mailer.send_email(&email).await?;
    }
    Ok(())
}

/// The email of one entry to one recipient, in the form's language. The visitor's input is
/// only in the body (escaped in its HTML) and, parsed as an address, in `Reply-To`.
pub fn notification(
    form: &Form,
    entry: &FormEntry,
    from: &Email,
    from_name: &str,
    to: &Email,
    reply_to: &Option<Email>,
) -> OutgoingEmail {
    let language = form.language;
    let name = Arg::Text(&form.name);
    let subject = i18n::t_args(language, "form-mail-subject", &[("form", name)]);
    let intro = i18n::t_args(language, "form-mail-intro", &[("form", name)]);
    let empty = i18n::t(language, "form-mail-empty");
    let mut text = format!("{intro}\n\n");
    let mut html = format!("<p>{}</p>\n<table>\n", escape(&intro));
    for field in &entry.fields {
        let value = if field.value.is_empty() {
            empty.as_str()
        } else {
            field.value.as_str()
        };
        text.push_str(&format!("{}: {}\n", field.name, value));
        html.push_str(&format!(
            "<tr><th style=\"text-align:left;vertical-align:top;padding-right:12px\">{}</th><td style=\"white-space:pre-wrap\">{}</td></tr>\n",
            escape(&field.name),
            escape(value)
        ));
    }
    html.push_str("</table>\n");
    if entry.verification == Verification::Unverified {
        let note = i18n::t(language, "form-mail-unverified");
        text.push_str(&format!("\n{note}\n"));
        html.push_str(&format!("<p>{}</p>\n", escape(&note)));
    }
    let footer = i18n::t(language, "form-mail-footer");
    text.push_str(&format!("\n{footer}\n"));
    html.push_str(&format!("<p>{}</p>\n", escape(&footer)));
    OutgoingEmail {
        from: from.clone(),
        from_name: from_name.to_owned(),
        to: to.clone(),
        reply_to: reply_to.clone(),
        // The form's name is one line (checked when saved): it cannot end the header.
        subject: subject.replace(['\r', '\n'], " "),
        text,
        html,
    }
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, value: &str) -> EntryField {
        EntryField {
            name: name.into(),
            value: value.into(),
        }
    }

    #[test]
    fn reply_to_is_the_visitors_valid_address_and_nothing_else() {
        assert_eq!(
            reply_to(&[field("name", "Ada"), field("Email", "ada@visitor.example")]),
            Some(Email::parse("ada@visitor.example").unwrap())
        );
        assert_eq!(
            reply_to(&[field("kontakt", "ada@visitor.example")]),
            Some(Email::parse("ada@visitor.example").unwrap()),
            "any field holding an address"
        );
        for injected in [
            "ada@visitor.example\r\nBcc: all@evil.example",
            "ada@visitor.example\nBcc: all@evil.example",
            "ada@visitor.example, all@evil.example",
            "ada@visitor.example; all@evil.example",
            "Ada <ada@visitor.example>",
            "not an address",
        ] {
            assert_eq!(reply_to(&[field("email", injected)]), None, "{injected:?}");
        }
    }

    #[test]
    fn ipv6_visitors_are_counted_by_their_64_and_mapped_ipv4_as_ipv4() {
        let key = |a: &str| rate_address(a.parse().unwrap());
        assert_eq!(key("203.0.113.7"), "203.0.113.7");
        assert_ne!(key("203.0.113.7"), key("203.0.113.8"), "IPv4 per address");
        assert_eq!(key("2001:db8:1:2:a:b:c:d"), "2001:db8:1:2::/64");
        assert_eq!(
            key("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            key("2001:db8:1:2::1"),
            "a fresh /128 in the same /64 is the same visitor"
        );
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_eq!(key("::ffff:203.0.113.7"), key("203.0.113.7"));
        assert_eq!(key("::1"), "::/64");
    }

    #[test]
    fn urlencoded_bodies_keep_order_and_duplicates_and_refuse_broken_utf8() {
        let fields = urlencoded(b"name=Ada+L%C3%B6vel&topic=a&topic=b&empty=&flag").unwrap();
        assert_eq!(
            fields,
            [
                ("name".into(), "Ada Lövel".into()),
                ("topic".into(), "a".into()),
                ("topic".into(), "b".into()),
                ("empty".into(), String::new()),
                ("flag".into(), String::new()),
            ]
        );
        assert!(matches!(
            urlencoded(b"name=%FF"),
            Err(IntakeError::Invalid(_))
        ));
    }

    #[test]
    fn json_bodies_keep_their_order_and_refuse_nested_values() {
        let fields = json(br#"{"z": "last?", "a": 1, "ok": true, "none": null}"#).unwrap();
        let names: Vec<&str> = fields.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["z", "a", "ok", "none"]);
        assert!(matches!(
            json(br#"{"a": {"b": 1}}"#),
            Err(IntakeError::Invalid(_))
        ));
        assert!(matches!(json(br#"["a"]"#), Err(IntakeError::Invalid(_))));
        assert!(matches!(json(b"{"), Err(IntakeError::MalformedJson(_))));
    }
}

use std::borrow::Cow;

use axum::{
    body::Bytes,
    extract::{
        FromRequest, FromRequestParts, Request,
        path::ErrorKind,
        rejection::{BytesRejection, PathRejection},
    },
    http::{HeaderMap, StatusCode, header, request::Parts},
};
use serde::de::DeserializeOwned;

use super::ApiError;
use crate::{
    domain::{FieldError, Language},
    i18n,
};

/// The first language of the request's `Accept-Language` that the portal speaks.
pub fn asked_language(headers: &HeaderMap) -> Option<Language> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Language::first_accepted)
}

/// [`asked_language`], English otherwise: the language of field messages in a rejection, of
/// the reasons a template is refused, and of pages no session or link ties to a language.
pub fn client_language(headers: &HeaderMap) -> Language {
    asked_language(headers).unwrap_or(Language::En)
}

/// `axum::extract::Path` whose rejection is ours: a segment that is not UTF-8 once
/// percent-decoded (or doesn't fit `T`) is a 400 problem naming the parameter, never
/// axum's `text/plain`.
pub struct PathParam<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParam<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let language = client_language(&parts.headers);
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(PathParam(value)),
            Err(rejection) => Err(path_rejection(rejection, language)),
        }
    }
}

fn path_rejection(rejection: PathRejection, language: Language) -> ApiError {
    let PathRejection::FailedToDeserializePathParams(failed) = &rejection else {
        // Only a handler mounted on a route without the parameters it asks for gets here.
        return ApiError::Unexpected(anyhow::anyhow!(
            "path parameters missing: {}",
            rejection.body_text()
        ));
    };
    let (field, key) = match failed.kind() {
        ErrorKind::InvalidUtf8InPathParam { key } => (key.as_str(), "http-not-utf8"),
        ErrorKind::ParseErrorAtKey { key, .. } | ErrorKind::DeserializeError { key, .. } => {
            (key.as_str(), "http-malformed")
        }
        _ => ("path", "http-malformed"),
    };
    ApiError::invalid_parameter(field, i18n::t(language, key))
}

/// `axum::extract::Query` whose rejection is ours: a parameter that is not UTF-8, given
/// twice, unknown (when `T` denies unknown fields) or of the wrong type is a 400 problem
/// naming it. axum would decode invalid UTF-8 to U+FFFD and answer the rest in `text/plain`.
pub struct QueryParam<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParam<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let language = client_language(&parts.headers);
        let raw = parts.uri.query().unwrap_or_default().as_bytes();
        if let Err(field) = check_utf8(raw) {
            return Err(ApiError::invalid_parameter(
                &field,
                i18n::t(language, "http-not-utf8"),
            ));
        }
        serde_urlencoded::from_bytes(raw)
            .map(QueryParam)
            .map_err(|e| {
                let (field, message) = urlencoded_error(&e, language, "http-unknown-parameter");
                ApiError::invalid_parameter(&field.unwrap_or_else(|| "query".into()), message)
            })
    }
}

/// A listing's `limit` query parameter: `default` when absent, else a whole number from 1 to
/// `max`, or 400 naming `limit`.
pub fn page_limit(raw: Option<&str>, default: usize, max: usize) -> Result<usize, ApiError> {
    match raw {
        None => Ok(default),
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                ApiError::invalid_parameter(
                    "limit",
                    format!("must be a whole number from 1 to {max}"),
                )
            }),
    }
}

/// The `customerId` query parameter staff name a customer with on routes a customer's own
/// session also reaches; 400 naming it when it is no customer id.
pub fn customer_id_param(raw: Option<&str>) -> Result<Option<crate::domain::CustomerId>, ApiError> {
    raw.map(|raw| {
        raw.parse().map_err(|_| {
            ApiError::invalid_parameter(
                "customerId",
                "is not a customer id (26 characters, as returned when the customer was created)",
            )
        })
    })
    .transpose()
}

/// A body as bytes, with our rejections: 413 problem over the limit, never `text/plain`.
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Bytes::from_request(req, state)
            .await
            .map(RawBody)
            .map_err(body_rejection)
    }
}

fn body_rejection(rejection: BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge
    } else {
        ApiError::MalformedJson("The request body could not be read.".into())
    }
}

/// An HTML form's body (`application/x-www-form-urlencoded`), parsed strictly: a field that
/// is not UTF-8 is refused by name instead of being stored with U+FFFD in it.
pub struct FormBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for FormBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let language = client_language(req.headers());
        if !is_form(req.headers()) {
            return Err(ApiError::FormRequired(language));
        }
        let RawBody(bytes) = RawBody::from_request(req, state).await?;
        parse_form(&bytes, language).map(FormBody)
    }
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        })
}

/// Parses a urlencoded form: 422 naming the field that is not UTF-8, unknown, missing or
/// given twice.
pub fn parse_form<T: DeserializeOwned>(bytes: &[u8], language: Language) -> Result<T, ApiError> {
    if let Err(field) = check_utf8(bytes) {
        return Err(ApiError::Validation(vec![FieldError::new(
            field,
            i18n::t(language, "http-not-utf8"),
        )]));
    }
    serde_urlencoded::from_bytes(bytes).map_err(|e| {
        let (field, message) = urlencoded_error(&e, language, "http-unknown-field");
        ApiError::Validation(vec![FieldError::new(
            field.unwrap_or_else(|| "body".into()),
            message,
        )])
    })
}

/// Checks that every name and value of a urlencoded string is UTF-8 once decoded; the
/// failing field's name otherwise (`body` when the name itself is not UTF-8).
fn check_utf8(raw: &[u8]) -> Result<(), String> {
    let decode = |part: &[u8]| -> Option<String> {
        let spaced: Cow<[u8]> = if part.contains(&b'+') {
            Cow::Owned(
                part.iter()
                    .map(|&b| if b == b'+' { b' ' } else { b })
                    .collect(),
            )
        } else {
            Cow::Borrowed(part)
        };
        percent_encoding::percent_decode(&spaced)
            .decode_utf8()
            .ok()
            .map(Cow::into_owned)
    };
    for pair in raw.split(|&b| b == b'&').filter(|p| !p.is_empty()) {
        let mut halves = pair.splitn(2, |&b| b == b'=');
        let name = decode(halves.next().unwrap_or_default()).ok_or_else(|| "body".to_owned())?;
        if decode(halves.next().unwrap_or_default()).is_none() {
            return Err(name);
        }
    }
    Ok(())
}

/// The field a `serde_urlencoded` error names, if any, and what to tell about it.
fn urlencoded_error(
    error: &serde_urlencoded::de::Error,
    language: Language,
    unknown_key: &str,
) -> (Option<String>, String) {
    let text = error.to_string();
    let named = |prefix: &str| {
        text.strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned)
    };
    if let Some(field) = named("duplicate field `") {
        (Some(field), i18n::t(language, "http-given-twice"))
    } else if let Some(field) = named("unknown field `") {
        (Some(field), i18n::t(language, unknown_key))
    } else if let Some(field) = named("missing field `") {
        (Some(field), i18n::t(language, "http-required"))
    } else {
        (None, text)
    }
}

/// A body sent either by an HTML form (`application/x-www-form-urlencoded`) or as JSON; the
/// handler answers in kind (a page or JSON).
pub enum Submitted<T> {
    Form(T),
    Json(T),
}

impl<T> Submitted<T> {
    pub fn is_form(&self) -> bool {
        matches!(self, Submitted::Form(_))
    }

    pub fn into_inner(self) -> T {
        match self {
            Submitted::Form(v) | Submitted::Json(v) => v,
        }
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Submitted<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = is_form(req.headers());
        if !is_form {
            return JsonBody::from_request(req, state)
                .await
                .map(|JsonBody(v)| Submitted::Json(v));
        }
        let language = client_language(req.headers());
        let RawBody(bytes) = RawBody::from_request(req, state).await?;
        parse_form(&bytes, language).map(Submitted::Form)
    }
}

/// The largest JSON body any route accepts.
pub const MAX_JSON_BODY: usize = 64 * 1024;

/// `axum::Json` with our rejections: 415 for a non-JSON content type, 413 for an oversized body,
/// 400 for malformed JSON, and 422 naming the field for a wrong type or an unknown field.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(req.headers().get(header::CONTENT_TYPE)) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let RawBody(bytes) = RawBody::from_request(req, state).await?;
        parse_json(&bytes).map(JsonBody)
    }
}

fn is_json(content_type: Option<&header::HeaderValue>) -> bool {
    let Some(value) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::MalformedJson(
            "The request body is empty; send a JSON object.".into(),
        ));
    }
    // serde reads a struct from an array too (`[null, null]` as the first two fields); every
    // body of this API is an object, so an array is refused by name.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(ApiError::Validation(vec![FieldError::new(
            "body",
            i18n::t(Language::En, "http-json-object"),
        )]));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(value) => Ok(value),
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            match inner.classify() {
                serde_json::error::Category::Data => {
                    Err(ApiError::Validation(vec![data_error(&path, &inner)]))
                }
                _ => Err(ApiError::MalformedJson(format!(
                    "The body is not valid JSON (line {}, column {}).",
                    inner.line(),
                    inner.column()
                ))),
            }
        }
    }
}

/// Names the field of a type error; for an unknown field, the unknown field itself.
fn data_error(path: &str, err: &serde_json::Error) -> FieldError {
    let message = err.to_string();
    let message = message.split(" at line ").next().unwrap_or_default();
    let join = |name: &str| {
        if path == "." || path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        }
    };
    if let Some(rest) = message.strip_prefix("unknown field `") {
        // The path already ends in the unknown field.
        let name = rest.split('`').next().unwrap_or_default();
        let field = if path == "." || path.is_empty() {
            name.to_owned()
        } else {
            path.to_owned()
        };
        return FieldError::new(field, "is not a known field");
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return FieldError::new(join(name), "is required");
    }
    let field = if path == "." {
        "body".to_owned()
    } else {
        path.to_owned()
    };
    FieldError::new(field, message.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CustomerChanges;

    fn fields(result: Result<CustomerChanges, ApiError>) -> Vec<FieldError> {
        match result {
            Err(ApiError::Validation(errors)) => errors,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn an_unknown_field_is_named() {
        let errors = fields(parse_json(br#"{"companyName":"A","colour":"red"}"#));
        assert_eq!(errors, [FieldError::new("colour", "is not a known field")]);
        let errors = fields(parse_json(
            br#"{"address":{"country":"DE","planet":"Mars"}}"#,
        ));
        assert_eq!(errors[0].field, "address.planet");
    }

    #[test]
    fn a_wrong_type_names_the_field() {
        let errors = fields(parse_json(br#"{"companyName": 5}"#));
        assert_eq!(errors[0].field, "companyName");
        assert!(
            errors[0].message.contains("expected a string"),
            "{}",
            errors[0].message
        );
        let errors = fields(parse_json(br#"{"emails": ["a@b.example", 7]}"#));
        assert_eq!(errors[0].field, "emails[1]");
        let errors = fields(parse_json(br#""just a string""#));
        assert_eq!(errors[0].field, "body");
        let errors = fields(parse_json(b" [null, null]"));
        assert_eq!(
            errors[0].field, "body",
            "a struct is not read from an array"
        );
    }

    #[test]
    fn broken_and_empty_bodies_are_malformed() {
        for body in [&b"{"[..], b"", b"  ", b"{\"companyName\": }", b"not json"] {
            assert!(
                matches!(
                    parse_json::<CustomerChanges>(body),
                    Err(ApiError::MalformedJson(_))
                ),
                "{:?}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn json_content_types_are_recognized() {
        let v = |s: &'static str| Some(header::HeaderValue::from_static(s));
        assert!(is_json(v("application/json").as_ref()));
        assert!(is_json(v("Application/JSON; charset=utf-8").as_ref()));
        assert!(is_json(v("application/merge-patch+json").as_ref()));
        assert!(!is_json(v("text/plain").as_ref()));
        assert!(!is_json(v("application/x-www-form-urlencoded").as_ref()));
        assert!(!is_json(None));
    }
}

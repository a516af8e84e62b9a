use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{StatusCode, header},
};
use serde::de::DeserializeOwned;

use super::ApiError;
use crate::domain::FieldError;

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
        let is_form = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            });
        if !is_form {
            return JsonBody::from_request(req, state)
                .await
                .map(|JsonBody(v)| Submitted::Json(v));
        }
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Submitted::Form(v)),
            Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::PayloadTooLarge)
            }
            Err(rejection) => Err(ApiError::Validation(vec![FieldError::new(
                "body",
                rejection.body_text(),
            )])),
        }
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
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::MalformedJson("The request body could not be read.".into())
            }
        })?;
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

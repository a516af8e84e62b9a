use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use thiserror::Error;

use super::Problem;
use crate::{domain::FieldError, ports::StoreError};

/// Every way a request can fail, each with its status and problem type, mapped in one place.
#[derive(Debug, Error)]
pub enum ApiError {
    /// 422: the body parsed but fields are invalid; each is named.
    #[error("invalid fields")]
    Validation(Vec<FieldError>),
    /// 400: the body is not JSON at all.
    #[error("malformed JSON: {0}")]
    MalformedJson(String),
    /// 400: a path segment or query parameter is malformed.
    #[error("invalid parameter {field}: {message}")]
    InvalidParameter { field: String, message: String },
    /// 415: the body is not `application/json`.
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// 413
    #[error("payload too large")]
    PayloadTooLarge,
    /// 401, with `WWW-Authenticate: Bearer`.
    #[error("unauthorized: {0}")]
    Unauthorized(&'static str),
    /// 404: no such record for this tenant (other tenants' records are not found either).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409: the login email belongs to another customer.
    #[error("login email taken")]
    LoginEmailTaken,
    /// 409: a concurrent change won; the client should reload and retry.
    #[error("concurrent change")]
    ConcurrentChange,
    /// 412: `If-Match` named an older version.
    #[error("precondition failed")]
    PreconditionFailed,
    /// 404 for a path no route serves.
    #[error("no such route")]
    RouteNotFound,
    /// 405
    #[error("method not allowed")]
    MethodNotAllowed,
    /// A problem particular to one function (already described in full).
    #[error("{}", .0.title)]
    Problem(Box<Problem>),
    /// 500: logged with its causes; the body says nothing of them.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::LoginEmailTaken => ApiError::LoginEmailTaken,
            StoreError::VersionConflict => ApiError::ConcurrentChange,
            StoreError::AlreadyExists | StoreError::HostTaken => ApiError::ConcurrentChange,
            StoreError::NotFound => ApiError::NotFound("record"),
            StoreError::Unexpected(e) => ApiError::Unexpected(e),
        }
    }
}

impl ApiError {
    pub fn invalid_parameter(field: &str, message: impl Into<String>) -> Self {
        ApiError::InvalidParameter {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn problem(&self) -> Problem {
        use StatusCode as S;
        match self {
            ApiError::Validation(errors) => {
                Problem::new(S::UNPROCESSABLE_ENTITY, "validation", "The request has invalid fields")
                    .detail(summary(errors))
                    .errors(errors.clone())
            }
            ApiError::MalformedJson(detail) => {
                Problem::new(S::BAD_REQUEST, "malformed-json", "The request body is not valid JSON")
                    .detail(detail.clone())
            }
            ApiError::InvalidParameter { field, message } => {
                Problem::new(S::BAD_REQUEST, "invalid-parameter", "A parameter is invalid")
                    .detail(format!("{field} {message}"))
                    .errors(vec![FieldError::new(field.clone(), message.clone())])
            }
            ApiError::UnsupportedMediaType => Problem::new(
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "The request body must be JSON",
            )
            .detail("Send the body with Content-Type: application/json."),
            ApiError::PayloadTooLarge => {
                Problem::new(S::PAYLOAD_TOO_LARGE, "payload-too-large", "The request body is too large")
                    .detail(format!("Send at most {} bytes.", super::MAX_JSON_BODY))
            }
            ApiError::Unauthorized(detail) => {
                Problem::new(S::UNAUTHORIZED, "unauthorized", "Authentication is required")
                    .detail(*detail)
                    .header(header::WWW_AUTHENTICATE, "Bearer")
            }
            ApiError::NotFound(what) => Problem::new(S::NOT_FOUND, "not-found", "Not found")
                .detail(format!("No {what} with that id exists.")),
            ApiError::LoginEmailTaken => Problem::new(
                S::CONFLICT,
                "login-email-taken",
                "The login email is already in use",
            )
            .detail("Another customer already logs in with this email address. Each login email can belong to one customer only.")
            .errors(vec![FieldError::new("loginEmail", "is already used by another customer")]),
            ApiError::ConcurrentChange => Problem::new(
                S::CONFLICT,
                "concurrent-change",
                "The record was changed at the same time",
            )
            .detail("Someone else changed this record while your change was being saved. Load it again and repeat your change."),
            ApiError::PreconditionFailed => Problem::new(
                S::PRECONDITION_FAILED,
                "precondition-failed",
                "The record has changed since you loaded it",
            )
            .detail("The If-Match header names an older version. Load the record again and repeat your change."),
            ApiError::RouteNotFound => Problem::new(S::NOT_FOUND, "route-not-found", "No such route")
                .detail("No API route matches this path. See the OpenAPI document for the routes."),
            ApiError::MethodNotAllowed => Problem::new(
                S::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "This method is not allowed on this route",
            )
            .detail("See the OpenAPI document for the methods this route takes."),
            ApiError::Problem(problem) => (**problem).clone(),
            ApiError::Unexpected(_) => Problem::new(
                S::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side",
            )
            .detail("The error was logged. Please try again; if it persists, contact support."),
        }
    }
}

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{} {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Unexpected(e) = &self {
            tracing::error!(error = format!("{e:#}"), "request failed");
        }
        self.problem().into_response()
    }
}

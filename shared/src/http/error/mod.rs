use axum::{
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use thiserror::Error;

use super::Problem;
use crate::{
    domain::{
        Channel, FieldError, InvitationState, Language, StaffId, feedback::TokenUnusable,
        password::PasswordProblem,
    },
    i18n,
    messages::TemplateError,
    pages::LinkProblem,
    ports::{DeliveryError, StoreError},
};

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
    /// 409: a draft saved or submitted from an older version than the stored one (another
    /// tab saved since); carries the current version.
    #[error("the draft was saved elsewhere since")]
    DraftOutdated { current: u64 },
    /// 412: `If-Match` named an older version.
    #[error("precondition failed")]
    PreconditionFailed,
    /// 403: a customer's session on a staff route.
    #[error("staff only")]
    StaffOnly,
    /// 403: a change authenticated by the session cookie without the session's CSRF token.
    #[error("CSRF token missing or wrong")]
    CsrfTokenInvalid,
    /// 403: a login or link form posted from another site (login CSRF).
    #[error("cross-site form post")]
    CrossSiteRequest,
    /// 415 on a form route: the body is not a form. Told in the client's language, since a
    /// browser's user may read it.
    #[error("form body required")]
    FormRequired(Language),
    /// 409, with `Retry-After: 1`: the first request with this `Idempotency-Key` still runs.
    #[error("idempotent request in progress")]
    IdempotencyInProgress,
    /// 422: the `Idempotency-Key` was used for a different request.
    #[error("idempotency key reused")]
    IdempotencyKeyReused,
    /// 409: a staff user's email already logs in (as a customer or staff); the customer's
    /// case is [`ApiError::LoginEmailTaken`].
    #[error("staff email taken")]
    StaffEmailTaken,
    /// 409: the staff user already set a password, so an invitation makes no sense.
    #[error("staff user already active")]
    StaffAlreadyActive,
    /// 409: a staff session tried to remove its own staff user.
    #[error("cannot remove yourself")]
    CannotRemoveYourself,
    /// 422: the customer lacks what the asked channels need; each missing field is named.
    #[error("customer not invitable")]
    CustomerNotInvitable(Vec<FieldError>),
    /// 409: the customer already set a password; `passwordReset` says where to go instead.
    #[error("customer already active")]
    CustomerAlreadyActive,
    /// 409: the invitation is no longer open (accepted, expired, revoked, ...).
    #[error("invitation closed")]
    InvitationClosed(InvitationState),
    /// 404: the agency has no template of its own for this language and channel.
    #[error("no template of the agency's own")]
    NoOwnTemplate,
    /// 422: the agency's template fails to render (`language`/`channel` of the template,
    /// told in `speak`); names the field and carries `template`.
    #[error("template unusable: {error}")]
    TemplateUnusable {
        language: Language,
        channel: Channel,
        error: TemplateError,
        speak: Language,
    },
    /// 502 `delivery-failed`, or 503 `delivery-unavailable` with `Retry-After: 60` when
    /// every failure is `Unavailable`. The invitation was recorded as failed and is carried.
    #[error("invitation not delivered")]
    InvitationNotDelivered {
        failures: Vec<(Channel, DeliveryError)>,
        invitation: serde_json::Value,
    },
    /// 502 or 503 as [`ApiError::InvitationNotDelivered`], for a staff user's invitation:
    /// the staff user was saved and is carried.
    #[error("staff invitation not delivered: {source}")]
    StaffInvitationNotDelivered {
        source: DeliveryError,
        staff_id: StaffId,
        staff: serde_json::Value,
    },
    /// 404 `link-unknown` or 410 `link-not-usable` with `linkStatus`, on the posts behind
    /// invitation and reset links.
    #[error("link not usable: {0:?}")]
    LinkNotUsable(LinkProblem),
    /// The same problem types for the invitation link's status lookup, worded for the page
    /// that asks before showing the form (`Unknown` has no `linkStatus` there).
    #[error("link status: {0:?}")]
    LinkStatus(LinkProblem),
    /// 422 `password-rejected`: the new password breaks the policy; `reason` says which rule.
    #[error("password rejected: {problem:?}")]
    PasswordRejected {
        problem: PasswordProblem,
        language: Language,
        field: &'static str,
    },
    /// 422 `password-rejected` when changing the password: `message` (already localized)
    /// says why, for `field`.
    #[error("password not changed")]
    PasswordNotChanged {
        field: &'static str,
        message: String,
    },
    /// 401: wrong email or password (the same answer for both); `message` is localized.
    #[error("invalid credentials")]
    InvalidCredentials(String),
    /// 429 with `Retry-After`: too many failed attempts. `message` is localized; `field`
    /// names the form field when there is one to name.
    #[error("too many attempts")]
    TooManyAttempts {
        message: String,
        retry_after: i64,
        field: Option<&'static str>,
    },
    /// 403: a form entry posted from an origin the form does not allow.
    #[error("origin not allowed")]
    OriginNotAllowed,
    /// 403: the form's Turnstile check said the visitor is a bot (or sent no token).
    #[error("verification failed")]
    VerificationFailed,
    /// 429 with `Retry-After`: too many form entries from one address, or to one form.
    #[error("too many submissions")]
    TooManySubmissions { retry_after: i64 },
    /// 415 on the public form intake: the body is neither a form, multipart nor JSON.
    #[error("unsupported form body")]
    UnsupportedFormBody,
    /// 409: the file can't be downloaded in its state (`pending`, `rejected`,
    /// `awaiting-scan`, `quarantined`); the state is carried as `fileState`.
    #[error("file not downloadable")]
    FileNotDownloadable(&'static str),
    /// 409: the project takes no feedback in its status (before `feedback`, paused, or
    /// online without the agency's consent). Told in the customer's language.
    #[error("feedback not open")]
    FeedbackNotOpen(Language),
    /// 401: the overlay's feedback token is unknown, expired or revoked. Told in the
    /// customer's language (English when the token names nobody), for the overlay to show.
    #[error("feedback token unusable")]
    FeedbackToken {
        problem: TokenUnusable,
        language: Language,
    },
    /// 403: the overlay called from a page that is not on the customer's registered site.
    #[error("origin not allowed for feedback")]
    FeedbackOriginNotAllowed,
    /// 409: the file is no multipart upload under way (a single-form upload, or one that
    /// was completed already); its state is carried as `fileState`.
    #[error("no multipart upload under way")]
    UploadNotPending(&'static str),
    /// 404 for a path no route serves.
    #[error("no such route")]
    RouteNotFound,
    /// 405
    #[error("method not allowed")]
    MethodNotAllowed,
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
                    .header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
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
            ApiError::DraftOutdated { current } => Problem::new(
                S::CONFLICT,
                "draft-outdated",
                "The draft was saved elsewhere since",
            )
            .detail("Another tab or device saved a newer version of this draft. Load it again (currentVersion) and make your change there, so neither is lost.")
            .extension("currentVersion", serde_json::json!(current)),
            ApiError::PreconditionFailed => Problem::new(
                S::PRECONDITION_FAILED,
                "precondition-failed",
                "The record has changed since you loaded it",
            )
            .detail("The If-Match header names an older version. Load the record again and repeat your change."),
            ApiError::StaffOnly => Problem::new(
                S::FORBIDDEN,
                "staff-only",
                "Only the agency's staff may do this",
            )
            .detail("You are logged in as a customer. This request needs an agency API key or a staff user's session."),
            ApiError::CsrfTokenInvalid => Problem::new(
                S::FORBIDDEN,
                "csrf-token-invalid",
                "The request's CSRF token is missing or wrong",
            )
            .detail(format!(
                "Requests that change something and are authenticated by the session cookie must send the session's CSRF token in the {} header (or the csrf form field). Reload the page and try again.",
                super::session::CSRF_HEADER
            )),
            ApiError::CrossSiteRequest => Problem::new(
                S::FORBIDDEN,
                "cross-site-request",
                "This form was sent from another site",
            )
            .detail("For your safety, the portal only accepts this form from its own pages. Open the portal's page and try again."),
            ApiError::FormRequired(language) => Problem::new(
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                &i18n::t(*language, "http-form-required-title"),
            )
            .detail(i18n::t(*language, "http-form-required-detail")),
            ApiError::IdempotencyInProgress => Problem::new(
                S::CONFLICT,
                "idempotency-in-progress",
                "A request with this Idempotency-Key is still running",
            )
            .detail("Wait a moment and retry with the same key to get its result.")
            .header(header::RETRY_AFTER, HeaderValue::from_static("1")),
            ApiError::IdempotencyKeyReused => Problem::new(
                S::UNPROCESSABLE_ENTITY,
                "idempotency-key-reused",
                "This Idempotency-Key was used for a different request",
            )
            .detail("Use a new key for each new request; reuse a key only to retry the very same request.")
            .errors(vec![FieldError::new("Idempotency-Key", "was used for a different request")]),
            ApiError::StaffEmailTaken => Problem::new(
                S::CONFLICT,
                "login-email-taken",
                "The email is already in use",
            )
            .detail("This email address already logs in to the portal, as a customer or as staff. Each login email can belong to one account only.")
            .errors(vec![FieldError::new("email", "is already used by another account")]),
            ApiError::StaffAlreadyActive => Problem::new(
                S::CONFLICT,
                "staff-already-active",
                "This staff user has already set a password",
            )
            .detail("An invitation is only for the first password. If they forgot it, they can reset it from the login page."),
            ApiError::CannotRemoveYourself => Problem::new(
                S::CONFLICT,
                "cannot-remove-yourself",
                "You can't remove your own staff account",
            )
            .detail("Ask a colleague, or use an API key, so the agency is never left without access by mistake."),
            ApiError::CustomerNotInvitable(errors) => Problem::new(
                S::UNPROCESSABLE_ENTITY,
                "customer-not-invitable",
                "This customer can't be invited yet",
            )
            .detail(summary(errors))
            .errors(errors.clone()),
            ApiError::CustomerAlreadyActive => Problem::new(
                S::CONFLICT,
                "customer-already-active",
                "This customer has already set a password",
            )
            .detail("The customer already has portal access. If they forgot their password, they can reset it on the login page (\"Forgot password\").")
            .extension("passwordReset", serde_json::json!("/password/forgot")),
            ApiError::InvitationClosed(shown) => Problem::new(
                S::CONFLICT,
                "invitation-closed",
                "This invitation can no longer be revoked",
            )
            .detail(format!(
                "The invitation is already {}; its link does not work any more.",
                serde_json::to_value(shown)
                    .unwrap_or_default()
                    .as_str()
                    .unwrap_or("closed")
            )),
            ApiError::FileNotDownloadable(state) => Problem::new(
                S::CONFLICT,
                "file-not-downloadable",
                "The file can't be downloaded",
            )
            .detail(format!(
                "The file is {state}: only an uploaded, checked file can be downloaded."
            ))
            .extension("fileState", serde_json::Value::from(*state)),
            ApiError::UploadNotPending(state) => Problem::new(
                S::CONFLICT,
                "upload-not-pending",
                "No multipart upload is under way for this file",
            )
            .detail(format!(
                "The file is {state}: parts can be sent, listed and completed only while a multipart upload is pending."
            ))
            .extension("fileState", serde_json::Value::from(*state)),
            ApiError::NoOwnTemplate => Problem::new(S::NOT_FOUND, "not-found", "Not found").detail(
                "The agency has no template of its own for this language and channel; the built-in one is in use.",
            ),
            ApiError::TemplateUnusable {
                language,
                channel,
                error,
                speak,
            } => {
                let field = format!("templates.{language}.{channel}.{}", error.part.field());
                let reason = error.message(*speak);
                Problem::new(
                    S::UNPROCESSABLE_ENTITY,
                    "template-unusable",
                    &i18n::t(*speak, "template-unusable-title"),
                )
                .detail(i18n::t_with(
                    *speak,
                    "template-unusable-detail",
                    &[
                        ("channel", &channel.to_string()),
                        ("language", language.code()),
                        ("field", error.part.field()),
                        ("reason", &reason),
                    ],
                ))
                .errors(vec![FieldError::new(field, reason)])
                .extension(
                    "template",
                    serde_json::json!(format!("/invitation-templates/{language}/{channel}")),
                )
            }
            ApiError::InvitationNotDelivered {
                failures,
                invitation,
            } => {
                let unavailable = failures
                    .iter()
                    .all(|(_, e)| matches!(e, DeliveryError::Unavailable(_)));
                let detail = failures
                    .iter()
                    .map(|(channel, e)| format!("{channel}: {}", delivery_reason(e)))
                    .collect::<Vec<_>>()
                    .join("; ");
                let problem = if unavailable {
                    Problem::new(
                        S::SERVICE_UNAVAILABLE,
                        "delivery-unavailable",
                        "The message could not be sent right now",
                    )
                } else {
                    Problem::new(
                        S::BAD_GATEWAY,
                        "delivery-failed",
                        "The message was refused by the delivery service",
                    )
                };
                retry_later(
                    problem
                        .detail(format!("{detail}. The invitation was recorded as failed; send a new one when the problem is solved."))
                        .extension("invitation", invitation.clone()),
                    unavailable,
                )
            }
            ApiError::StaffInvitationNotDelivered {
                source,
                staff_id,
                staff,
            } => {
                let unavailable = matches!(source, DeliveryError::Unavailable(_));
                let problem = if unavailable {
                    Problem::new(
                        S::SERVICE_UNAVAILABLE,
                        "delivery-unavailable",
                        "The invitation could not be sent right now",
                    )
                } else {
                    Problem::new(
                        S::BAD_GATEWAY,
                        "delivery-failed",
                        "The invitation could not be sent",
                    )
                };
                retry_later(
                    problem
                        .detail(format!(
                            "email: {}. The staff user was saved; send the invitation again with POST /staff/{staff_id}/invitation when the problem is solved.",
                            delivery_reason(source)
                        ))
                        .extension("staff", staff.clone()),
                    unavailable,
                )
            }
            ApiError::LinkNotUsable(problem) => {
                let detail = match problem {
                    LinkProblem::Unknown => "This link is not valid. Ask the agency for a new invitation.",
                    LinkProblem::Expired => "This link has expired. Ask for a new one.",
                    LinkProblem::Used => "This link was already used. Log in, or reset your password.",
                    LinkProblem::Superseded => "A newer link replaced this one. Use the most recent message.",
                    LinkProblem::Revoked => "This invitation was withdrawn. Ask the agency for a new one.",
                    LinkProblem::LoginEmailChanged => "The login email changed after this link was sent, so it no longer works. Ask the agency for a new invitation, or reset the password of the current login email.",
                    LinkProblem::PasswordChanged => "The password was set, changed or reset after this link was sent, so it no longer works. Log in, or ask for a new link.",
                };
                let (status, kind) = link_status_and_kind(*problem);
                Problem::new(status, kind, "This link can no longer be used")
                    .detail(detail)
                    .extension("linkStatus", serde_json::to_value(problem).unwrap_or_default())
            }
            ApiError::LinkStatus(LinkProblem::Unknown) => Problem::new(
                S::NOT_FOUND,
                "link-unknown",
                "This link is not valid",
            )
            .detail("The link may be incomplete, or so old that it was removed. Ask the agency for a new invitation."),
            ApiError::LinkStatus(problem) => {
                let detail = match problem {
                    LinkProblem::Expired => "This link has expired. Ask the agency to send you a new invitation.",
                    LinkProblem::Used => "This link was already used to set a password. Log in, or reset your password if you forgot it.",
                    LinkProblem::Superseded => "A newer invitation replaced this link. Use the link in the most recent message.",
                    LinkProblem::Revoked => "The agency withdrew this invitation. Ask the agency for a new one.",
                    LinkProblem::LoginEmailChanged => "This link was sent to an address that is no longer the login email of the account. Ask the agency for a new invitation.",
                    // `Unknown` is answered by the arm above.
                    LinkProblem::PasswordChanged | LinkProblem::Unknown => "The password was set, changed or reset after this link was sent. Log in, or ask for a new link.",
                };
                let (status, kind) = link_status_and_kind(*problem);
                Problem::new(status, kind, "This link can no longer be used")
                    .detail(detail)
                    .extension("linkStatus", serde_json::to_value(problem).unwrap_or_default())
            }
            ApiError::PasswordRejected {
                problem,
                language,
                field,
            } => Problem::new(
                S::UNPROCESSABLE_ENTITY,
                "password-rejected",
                "Please choose another password",
            )
            .detail(problem.message(*language))
            .errors(vec![FieldError::new(*field, problem.message(*language))])
            .extension("reason", serde_json::json!(problem.message_key())),
            ApiError::PasswordNotChanged { field, message } => Problem::new(
                S::UNPROCESSABLE_ENTITY,
                "password-rejected",
                "The password was not changed",
            )
            .detail(message.clone())
            .errors(vec![FieldError::new(*field, message.clone())]),
            ApiError::InvalidCredentials(message) => Problem::new(
                S::UNAUTHORIZED,
                "invalid-credentials",
                "The email or password is wrong",
            )
            .detail(message.clone()),
            ApiError::TooManyAttempts {
                message,
                retry_after,
                field,
            } => {
                let problem = Problem::new(
                    S::TOO_MANY_REQUESTS,
                    "too-many-attempts",
                    "Too many failed attempts",
                )
                .detail(message.clone())
                .errors(
                    field
                        .map(|field| vec![FieldError::new(field, message.clone())])
                        .unwrap_or_default(),
                );
                // Whole seconds, at least one: `0` would invite an immediate retry.
                problem.header(header::RETRY_AFTER, HeaderValue::from((*retry_after).max(1)))
            }
            ApiError::FeedbackNotOpen(language) => Problem::new(
                S::CONFLICT,
                "feedback-not-open",
                &i18n::t(*language, "feedback-not-open-title"),
            )
            .detail(i18n::t(*language, "feedback-not-open-detail")),
            ApiError::FeedbackToken { problem, language } => {
                let (kind, key) = match problem {
                    TokenUnusable::Expired => ("feedback-token-expired", "feedback-token-expired"),
                    TokenUnusable::Revoked => ("feedback-token-revoked", "feedback-token-revoked"),
                    TokenUnusable::Unknown => ("feedback-token-invalid", "feedback-token-invalid"),
                };
                Problem::new(
                    S::UNAUTHORIZED,
                    kind,
                    &i18n::t(*language, &format!("{key}-title")),
                )
                .detail(i18n::t(*language, &format!("{key}-detail")))
                .header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
            }
            ApiError::FeedbackOriginNotAllowed => Problem::new(
                S::FORBIDDEN,
                "origin-not-allowed",
                "This website is not registered for feedback",
            )
            .detail("The feedback overlay only works on the draft and live site the agency registered for this project."),
            ApiError::OriginNotAllowed => Problem::new(
                S::FORBIDDEN,
                "origin-not-allowed",
                "This form does not take entries from this website",
            )
            .detail("The page the form was sent from is not one of the form's allowed origins."),
            ApiError::VerificationFailed => Problem::new(
                S::FORBIDDEN,
                "verification-failed",
                "The anti-bot check failed",
            )
            .detail("The form's Turnstile check did not confirm that a person sent it. Reload the page and try again."),
            ApiError::TooManySubmissions { retry_after } => {
                let seconds = (*retry_after).max(1);
                Problem::new(
                    S::TOO_MANY_REQUESTS,
                    "too-many-submissions",
                    "Too many form entries",
                )
                .detail(format!("Too many entries were sent; try again in {seconds} seconds."))
                .header(header::RETRY_AFTER, HeaderValue::from(seconds))
            }
            ApiError::UnsupportedFormBody => Problem::new(
                S::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "The request body must be a form or JSON",
            )
            .detail("Send application/x-www-form-urlencoded, multipart/form-data or application/json."),
            ApiError::RouteNotFound => Problem::new(S::NOT_FOUND, "route-not-found", "No such route")
                .detail("No API route matches this path. See the OpenAPI document for the routes."),
            ApiError::MethodNotAllowed => Problem::new(
                S::METHOD_NOT_ALLOWED,
                "method-not-allowed",
                "This method is not allowed on this route",
            )
            .detail("See the OpenAPI document for the methods this route takes."),
            ApiError::Unexpected(_) => Problem::new(
                S::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side",
            )
            .detail("The error was logged. Please try again; if it persists, contact support."),
        }
    }
}

/// What a failed delivery says about its cause: the provider's words when it refused or
/// was unavailable, nothing of an unexpected failure's internals.
fn delivery_reason(e: &DeliveryError) -> String {
    match e {
        DeliveryError::Unexpected(_) => "the delivery service failed".to_owned(),
        other => other.to_string(),
    }
}

/// A delivery the provider could not take now may be retried in a minute; one it refused
/// may not.
fn retry_later(problem: Problem, unavailable: bool) -> Problem {
    if unavailable {
        problem.header(header::RETRY_AFTER, HeaderValue::from_static("60"))
    } else {
        problem
    }
}

/// Both link answers share these: an unknown link is not found, a known one is gone.
fn link_status_and_kind(problem: LinkProblem) -> (StatusCode, &'static str) {
    match problem {
        LinkProblem::Unknown => (StatusCode::NOT_FOUND, "link-unknown"),
        _ => (StatusCode::GONE, "link-not-usable"),
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

#[cfg(test)]
mod tests;

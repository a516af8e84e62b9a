use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::{
    domain::feedback::TokenUnusable,
    messages::invitation::{TemplateFault, TemplatePart},
};

/// Which variant `e` is, as a number: the match has no wildcard, so a new variant does
/// not compile until it is numbered here, and then [`examples`] must show it.
fn variant(e: &ApiError) -> usize {
    match e {
        ApiError::Validation(_) => 0,
        ApiError::MalformedJson(_) => 1,
        ApiError::InvalidParameter { .. } => 2,
        ApiError::UnsupportedMediaType => 3,
        ApiError::PayloadTooLarge => 4,
        ApiError::Unauthorized(_) => 5,
        ApiError::NotFound(_) => 6,
        ApiError::LoginEmailTaken => 7,
        ApiError::ConcurrentChange => 8,
        ApiError::PreconditionFailed => 9,
        ApiError::StaffOnly => 10,
        ApiError::CsrfTokenInvalid => 11,
        ApiError::CrossSiteRequest => 12,
        ApiError::FormRequired(_) => 13,
        ApiError::IdempotencyInProgress => 14,
        ApiError::IdempotencyKeyReused => 15,
        ApiError::StaffEmailTaken => 16,
        ApiError::StaffAlreadyActive => 17,
        ApiError::CannotRemoveYourself => 18,
        ApiError::CustomerNotInvitable(_) => 19,
        ApiError::CustomerAlreadyActive => 20,
        ApiError::InvitationClosed(_) => 21,
        ApiError::NoOwnTemplate => 22,
        ApiError::TemplateUnusable { .. } => 23,
        ApiError::InvitationNotDelivered { .. } => 24,
        ApiError::StaffInvitationNotDelivered { .. } => 25,
        ApiError::LinkNotUsable(_) => 26,
        ApiError::LinkStatus(_) => 27,
        ApiError::PasswordRejected { .. } => 28,
        ApiError::PasswordNotChanged { .. } => 29,
        ApiError::InvalidCredentials(_) => 30,
        ApiError::TooManyAttempts { .. } => 31,
        ApiError::RouteNotFound => 32,
        ApiError::MethodNotAllowed => 33,
        ApiError::Unexpected(_) => 34,
        ApiError::OriginNotAllowed => 35,
        ApiError::VerificationFailed => 36,
        ApiError::TooManySubmissions { .. } => 37,
        ApiError::UnsupportedFormBody => 38,
        ApiError::FileNotDownloadable(_) => 39,
        ApiError::DraftOutdated { .. } => 40,
        ApiError::FeedbackNotOpen(_) => 41,
        ApiError::FeedbackToken { .. } => 42,
        ApiError::FeedbackOriginNotAllowed => 43,
        ApiError::UploadNotPending(_) => 44,
    }
}
const VARIANTS: usize = 45;

/// At least one value of every variant, and one of each problem type a variant can
/// answer with (a delivery refused or unavailable, a link unknown or gone).
fn examples() -> Vec<ApiError> {
    let field = || vec![FieldError::new("name", "is required")];
    let unavailable = || DeliveryError::Unavailable("throttled".into());
    vec![
        ApiError::Validation(field()),
        ApiError::MalformedJson("expected value".into()),
        ApiError::invalid_parameter("customerId", "must be a customer id"),
        ApiError::UnsupportedMediaType,
        ApiError::PayloadTooLarge,
        ApiError::Unauthorized("The API key is unknown."),
        ApiError::NotFound("customer"),
        ApiError::LoginEmailTaken,
        ApiError::ConcurrentChange,
        ApiError::DraftOutdated { current: 4 },
        ApiError::PreconditionFailed,
        ApiError::StaffOnly,
        ApiError::CsrfTokenInvalid,
        ApiError::CrossSiteRequest,
        ApiError::FormRequired(Language::De),
        ApiError::IdempotencyInProgress,
        ApiError::IdempotencyKeyReused,
        ApiError::StaffEmailTaken,
        ApiError::StaffAlreadyActive,
        ApiError::CannotRemoveYourself,
        ApiError::CustomerNotInvitable(field()),
        ApiError::CustomerAlreadyActive,
        ApiError::InvitationClosed(InvitationState::Accepted),
        ApiError::NoOwnTemplate,
        ApiError::FileNotDownloadable("pending"),
        ApiError::UploadNotPending("available"),
        ApiError::TemplateUnusable {
            language: Language::Fr,
            channel: Channel::Email,
            error: TemplateError {
                part: TemplatePart::Body,
                fault: TemplateFault::Empty,
            },
            speak: Language::En,
        },
        ApiError::InvitationNotDelivered {
            failures: vec![(Channel::Email, unavailable())],
            invitation: serde_json::json!({}),
        },
        ApiError::InvitationNotDelivered {
            failures: vec![
                (Channel::Email, unavailable()),
                (Channel::Sms, DeliveryError::Rejected("opted out".into())),
            ],
            invitation: serde_json::json!({}),
        },
        ApiError::StaffInvitationNotDelivered {
            source: unavailable(),
            staff_id: StaffId::new(),
            staff: serde_json::json!({}),
        },
        ApiError::StaffInvitationNotDelivered {
            source: DeliveryError::Unexpected(anyhow::anyhow!("timeout")),
            staff_id: StaffId::new(),
            staff: serde_json::json!({}),
        },
        ApiError::LinkNotUsable(LinkProblem::Unknown),
        ApiError::LinkNotUsable(LinkProblem::Expired),
        ApiError::LinkStatus(LinkProblem::Unknown),
        ApiError::LinkStatus(LinkProblem::Used),
        ApiError::PasswordRejected {
            problem: PasswordProblem::TooShort,
            language: Language::Sv,
            field: "password",
        },
        ApiError::PasswordNotChanged {
            field: "current",
            message: "The current password is wrong.".into(),
        },
        ApiError::InvalidCredentials("The email or password is wrong.".into()),
        ApiError::TooManyAttempts {
            message: "Try again in 15 minutes.".into(),
            retry_after: 900,
            field: None,
        },
        ApiError::RouteNotFound,
        ApiError::MethodNotAllowed,
        ApiError::Unexpected(anyhow::anyhow!("the table is gone")),
        ApiError::OriginNotAllowed,
        ApiError::VerificationFailed,
        ApiError::TooManySubmissions { retry_after: 60 },
        ApiError::UnsupportedFormBody,
        ApiError::FeedbackNotOpen(Language::Nl),
        ApiError::FeedbackToken {
            problem: TokenUnusable::Expired,
            language: Language::Fr,
        },
        ApiError::FeedbackToken {
            problem: TokenUnusable::Revoked,
            language: Language::De,
        },
        ApiError::FeedbackToken {
            problem: TokenUnusable::Unknown,
            language: Language::En,
        },
        ApiError::FeedbackOriginNotAllowed,
    ]
}

/// The `| /problems/... | status | ... |` rows of the README's errors table.
fn readme_table() -> BTreeMap<String, u16> {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md at the workspace root");
    let mut rows = BTreeMap::new();
    for line in readme.lines().filter(|l| l.starts_with("| `/problems/")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let kind = cells[1].trim_matches('`').to_owned();
        let status = cells[2]
            .parse()
            .unwrap_or_else(|_| panic!("no status in README row {line}"));
        assert!(
            rows.insert(kind.clone(), status).is_none(),
            "{kind} is twice in the README"
        );
    }
    rows
}

#[test]
fn every_variant_has_an_example() {
    let shown: BTreeSet<usize> = examples().iter().map(variant).collect();
    let missing: Vec<usize> = (0..VARIANTS).filter(|n| !shown.contains(n)).collect();
    assert!(
        missing.is_empty(),
        "variants without an example: {missing:?}"
    );
}

#[test]
fn the_readme_lists_exactly_the_problem_types_the_variants_answer_with() {
    let mut answered = BTreeMap::new();
    for e in examples() {
        let problem = e.problem();
        let kind = problem.kind.clone();
        if let Some(other) = answered.insert(kind.clone(), problem.status) {
            assert_eq!(other, problem.status, "{kind} answers with two statuses");
        }
    }
    assert_eq!(readme_table(), answered);
}

/// `Retry-After` comes with the variant, not from the handler that returns it.
#[test]
fn retry_after_is_set_by_the_mapping() {
    let retry_after = |e: ApiError| {
        e.into_response()
            .headers()
            .get(header::RETRY_AFTER)
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let attempts = |seconds| ApiError::TooManyAttempts {
        message: "Wait.".into(),
        retry_after: seconds,
        field: Some("current"),
    };
    assert_eq!(retry_after(attempts(900)).as_deref(), Some("900"));
    assert_eq!(retry_after(attempts(0)).as_deref(), Some("1"));
    assert_eq!(
        retry_after(ApiError::IdempotencyInProgress).as_deref(),
        Some("1")
    );
    let delivery = |source| ApiError::StaffInvitationNotDelivered {
        source,
        staff_id: StaffId::new(),
        staff: serde_json::json!({}),
    };
    assert_eq!(
        retry_after(delivery(DeliveryError::Unavailable("limit".into()))).as_deref(),
        Some("60")
    );
    assert_eq!(
        retry_after(delivery(DeliveryError::Rejected("unverified".into()))),
        None
    );
}

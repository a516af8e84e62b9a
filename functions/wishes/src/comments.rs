//! Staff comment on parts of a customer's submitted brief and mark them done; the customer
//! reads them.

use axum::{
    Json,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use portal::{
    domain::{
        CommentId, CustomerId, FieldErrors, TenantId, WishesComment, text, wishes::COMMENT_MAX,
    },
    http::{ApiError, JsonBody, PathParam, StaffAuth, UserSession, retry_lost_races},
};
use serde::{Deserialize, Serialize};

use crate::WishesState;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewComment {
    submission: Option<u64>,
    target: Option<String>,
    text: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommentChange {
    done: Option<bool>,
    text: Option<String>,
}

#[derive(Serialize)]
pub struct Comments {
    /// Oldest first.
    items: Vec<WishesComment>,
}

fn customer_id(raw: &str) -> Result<CustomerId, ApiError> {
    raw.parse().map_err(|_| {
        ApiError::invalid_parameter("customerId", "is not a customer id (26 characters)")
    })
}

async fn staff_customer(
    state: &WishesState,
    tenant: TenantId,
    raw: &str,
) -> Result<CustomerId, ApiError> {
    let id = customer_id(raw)?;
    state
        .customers
        .get_customer(tenant, id)
        .await?
        .ok_or(ApiError::NotFound("customer"))?;
    Ok(id)
}

/// `POST /customers/{customerId}/wishes/comments {submission, target, text}`.
pub async fn add(
    State(state): State<WishesState>,
    auth: StaffAuth,
    PathParam(raw): PathParam<String>,
    JsonBody(body): JsonBody<NewComment>,
) -> Result<Response, ApiError> {
    let id = staff_customer(&state, auth.tenant_id, &raw).await?;
    let submissions = state.wishes.list_submissions(auth.tenant_id, id).await?;
    let mut errors = FieldErrors::default();
    let submission = match body.submission {
        None => {
            errors.push("submission", "is required");
            None
        }
        Some(n) => {
            let found = submissions.iter().find(|s| s.number == n);
            if found.is_none() {
                errors.push("submission", "is not a submission of this customer");
            }
            found
        }
    };
    let target = body.target.unwrap_or_default().trim().to_owned();
    if let Some(s) = submission
        && !s.brief.has_target(&target)
    {
        errors.push(
            "target",
            "must name a part of that submission, such as tone or pages[0].texts",
        );
    }
    let text = match body.text.as_deref().map(str::trim) {
        None | Some("") => {
            errors.push("text", "is required");
            None
        }
        Some(raw) => errors.check("text", text::clean(raw, COMMENT_MAX, true)),
    };
    let (number, text) = errors
        .finish(|| (submission.map(|s| s.number), text))
        .map_err(ApiError::Validation)?;
    let now = state.clock.now();
    let comment = WishesComment {
        id: CommentId::new(),
        tenant_id: auth.tenant_id,
        customer_id: id,
        submission: number.unwrap_or_default(),
        target,
        text: text.unwrap_or_default(),
        done: false,
        by: auth.actor,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    state.wishes.add_comment(&comment).await?;
    Ok((StatusCode::CREATED, Json(comment)).into_response())
}

/// `PATCH /customers/{customerId}/wishes/comments/{commentId} {done, text}`.
pub async fn change(
    State(state): State<WishesState>,
    auth: StaffAuth,
    PathParam((raw, raw_comment)): PathParam<(String, String)>,
    JsonBody(body): JsonBody<CommentChange>,
) -> Result<Json<WishesComment>, ApiError> {
    let id = staff_customer(&state, auth.tenant_id, &raw).await?;
    let comment_id: CommentId = raw_comment
        .parse()
        .map_err(|_| ApiError::invalid_parameter("commentId", "is not a comment id"))?;
    let mut errors = FieldErrors::default();
    let text = match body.text.as_deref().map(str::trim) {
        None => None,
        Some("") => {
            errors.push("text", "must not be empty");
            None
        }
        Some(raw) => errors.check("text", text::clean(raw, COMMENT_MAX, true)),
    };
    errors.finish(|| ()).map_err(ApiError::Validation)?;
    let (state, text, done) = (&state, &text, body.done);
    let tenant = auth.tenant_id;
    let next = retry_lost_races(move || async move {
        let current = state
            .wishes
            .get_comment(tenant, id, comment_id)
            .await?
            .ok_or(ApiError::NotFound("comment"))?;
        let mut next = current.clone();
        if let Some(done) = done {
            next.done = done;
        }
        if let Some(text) = text {
            next.text = text.clone();
        }
        if next == current {
            return Ok(Ok(current));
        }
        next.updated_at = state.clock.now();
        next.version = current.version + 1;
        Ok(state
            .wishes
            .update_comment(&current, &next)
            .await
            .map(|()| next))
    })
    .await?;
    Ok(Json(next))
}

/// `GET /me/wishes/comments`: what the agency said about the customer's brief.
pub async fn mine(
    State(state): State<WishesState>,
    who: UserSession,
) -> Result<Json<Comments>, ApiError> {
    let portal::domain::Subject::Customer(id) = who.session.subject else {
        return Err(ApiError::NotFound("wishes"));
    };
    Ok(Json(Comments {
        items: state
            .wishes
            .list_comments(who.session.tenant_id, id)
            .await?,
    }))
}

/// `GET /customers/{customerId}/wishes/comments` (staff).
pub async fn staff_list(
    State(state): State<WishesState>,
    auth: StaffAuth,
    PathParam(raw): PathParam<String>,
) -> Result<Json<Comments>, ApiError> {
    let id = staff_customer(&state, auth.tenant_id, &raw).await?;
    Ok(Json(Comments {
        items: state.wishes.list_comments(auth.tenant_id, id).await?,
    }))
}

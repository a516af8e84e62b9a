//! "Give feedback": the customer's portal posts here and is sent on to the draft site with a
//! fresh feedback token in the URL fragment (never the query, so no server log sees it).

use std::collections::HashMap;

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use portal::{
    domain::{
        FeedbackItemId, FeedbackToken, FeedbackTokenId, LinkToken, SiteUrl, Subject,
        feedback::{TOKEN_LIFETIME, feedback_open},
    },
    http::{ApiError, FormBody, QueryParam, UserSession},
};
use serde::{Deserialize, Serialize};

use crate::{
    FeedbackState,
    caller::{Caller, NAME_THE_CUSTOMER},
};

/// The fragment key the overlay reads its token from.
pub const FRAGMENT_KEY: &str = "portal-feedback";
/// The fragment key of the item to show first.
pub const FRAGMENT_ITEM_KEY: &str = "portal-feedback-item";

/// `POST /feedback/open` (the customer's session; a form with `csrf`, optional `itemId` or
/// `page`): `303` to the page with `#portal-feedback={token}`.
pub async fn open(
    State(state): State<FeedbackState>,
    who: UserSession,
    FormBody(form): FormBody<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.check_form_csrf(form.get("csrf").map(String::as_str))?;
    let Subject::Customer(id) = who.session.subject else {
        // Staff look at the draft themselves; the token is the customer's voice.
        return Err(ApiError::invalid_parameter(
            "session",
            "must be a customer's: feedback is given by the customer",
        ));
    };
    let tenant = who.session.tenant_id;
    let (customer, site) = tokio::join!(
        state.customers.get_customer(tenant, id),
        state.feedback.get_feedback_site(tenant, id)
    );
    let customer = customer?.ok_or(ApiError::NotFound("customer"))?;
    let site = site?;
    let Some(site) = site.filter(|s| feedback_open(customer.status, s.after_online)) else {
        return Err(ApiError::FeedbackNotOpen(customer.language));
    };
    let non_empty = |key: &str| form.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
    let (target, item) = match (non_empty("itemId"), non_empty("page")) {
        (Some(raw), _) => {
            let item_id: FeedbackItemId = raw
                .parse()
                .map_err(|_| ApiError::invalid_parameter("itemId", "is not a feedback item id"))?;
            let item = state
                .feedback
                .get_feedback_item(tenant, id, item_id)
                .await?
                .ok_or(ApiError::NotFound("feedback item"))?;
            (item.page_url, Some(item_id))
        }
        (None, Some(raw)) => {
            let page = SiteUrl::parse(raw)
                .map_err(|e| ApiError::invalid_parameter("page", e.to_string()))?;
            // Only the customer's own site: the portal never forwards a token elsewhere.
            if !site.has_page(&page) {
                return Err(ApiError::invalid_parameter(
                    "page",
                    "is not a page of the registered site",
                ));
            }
            (page, None)
        }
        (None, None) => (site.draft_url.clone(), None),
    };
    let secret = LinkToken::generate()?;
    let now = state.clock.now();
    let token = FeedbackToken {
        id: FeedbackTokenId::new(),
        hash: secret.hash(),
        tenant_id: tenant,
        customer_id: id,
        created_at: now,
        expires_at: now + TOKEN_LIFETIME,
        revoked_at: None,
    };
    state.feedback.create_feedback_token(&token).await?;
    let mut location = format!("{target}#{FRAGMENT_KEY}={}", secret.expose());
    if let Some(item) = item {
        location.push_str(&format!("&{FRAGMENT_ITEM_KEY}={item}"));
    }
    let location = HeaderValue::from_str(&location)
        .map_err(|_| anyhow::anyhow!("A site URL is no header value"))?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
        ],
    )
        .into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerParam {
    customer_id: Option<String>,
}

#[derive(Serialize)]
pub struct Revoked {
    revoked: usize,
}

/// `DELETE /feedback/tokens?customerId` (staff, or the customer themself): every open
/// feedback token of the customer stops working at once.
pub async fn revoke(
    State(state): State<FeedbackState>,
    caller: Caller,
    QueryParam(params): QueryParam<CustomerParam>,
) -> Result<Json<Revoked>, ApiError> {
    let customer = caller
        .customer(
            &*state.customers,
            params.customer_id.as_deref(),
            NAME_THE_CUSTOMER,
        )
        .await?;
    let revoked = state
        .feedback
        .revoke_feedback_tokens(customer.tenant_id, customer.id, state.clock.now())
        .await?;
    tracing::info!(tenant = %customer.tenant_id, customer = %customer.id, revoked, "feedback tokens revoked");
    Ok(Json(Revoked { revoked }))
}

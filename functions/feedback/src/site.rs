//! The site a customer gives feedback on: staff register the draft (and live) URL and
//! whether feedback goes on once the project is online; the origins the overlay may call from
//! follow from the URLs.

use axum::{
    Json,
    extract::State,
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use portal::{
    domain::{
        Customer, FeedbackSite, FieldErrors, Origin, SiteUrl, feedback::feedback_open,
        validation::Common,
    },
    http::{ApiError, JsonBody, QueryParam, if_match, retry_lost_races},
    ports::StoreError,
};
use serde::{Deserialize, Serialize};

use crate::{
    FeedbackState,
    caller::{Caller, NAME_THE_CUSTOMER},
    items::with_etag,
};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomerParam {
    customer_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SiteBody {
    draft_url: Option<String>,
    live_url: Option<String>,
    after_online: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteView {
    customer_id: portal::domain::CustomerId,
    draft_url: SiteUrl,
    live_url: Option<SiteUrl>,
    after_online: bool,
    /// Where the overlay may call from (CORS): the draft's and the live site's origins.
    origins: Vec<Origin>,
    /// Whether the customer can give feedback now (their status and `afterOnline`).
    open: bool,
    updated_at: DateTime<Utc>,
    version: u64,
}

fn view(site: &FeedbackSite, customer: &Customer) -> SiteView {
    SiteView {
        customer_id: site.customer_id,
        draft_url: site.draft_url.clone(),
        live_url: site.live_url.clone(),
        after_online: site.after_online,
        origins: site.origins(),
        open: feedback_open(customer.status, site.after_online),
        updated_at: site.updated_at,
        version: site.version,
    }
}

/// `GET /feedback/site?customerId`: `404` until staff registered one.
pub async fn read(
    State(state): State<FeedbackState>,
    caller: Caller,
    QueryParam(params): QueryParam<CustomerParam>,
) -> Result<Response, ApiError> {
    let customer = caller
        .customer(
            &*state.customers,
            params.customer_id.as_deref(),
            NAME_THE_CUSTOMER,
        )
        .await?;
    let site = state
        .feedback
        .get_feedback_site(customer.tenant_id, customer.id)
        .await?
        .ok_or(ApiError::NotFound("feedback site"))?;
    Ok(with_etag(
        site.version,
        Json(view(&site, &customer)).into_response(),
    ))
}

/// `PUT /feedback/site?customerId {draftUrl, liveUrl?, afterOnline}` (staff), optionally
/// with `If-Match`.
pub async fn save(
    State(state): State<FeedbackState>,
    caller: Caller,
    QueryParam(params): QueryParam<CustomerParam>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<SiteBody>,
) -> Result<Response, ApiError> {
    let Caller::Staff(staff) = caller else {
        return Err(ApiError::StaffOnly);
    };
    let expected = if_match(&headers)?;
    let customer = caller
        .customer(
            &*state.customers,
            params.customer_id.as_deref(),
            NAME_THE_CUSTOMER,
        )
        .await?;
    let mut errors = FieldErrors::default();
    let draft = match body.draft_url.as_deref().map(str::trim) {
        None => {
            errors.report("draftUrl", Common::Required);
            None
        }
        Some(raw) => errors.check("draftUrl", SiteUrl::parse(raw)),
    };
    let live = match body.live_url.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => errors.check("liveUrl", SiteUrl::parse(raw)),
    };
    let after_online = body.after_online.unwrap_or(false);
    let (draft, live) = errors
        .finish(|| (draft, live))
        .map_err(ApiError::Validation)?;
    let draft = draft.ok_or_else(|| anyhow::anyhow!("a draft URL without a problem"))?;
    let (state_ref, customer_ref, draft, live) = (&state, &customer, &draft, &live);
    let site = retry_lost_races(move || async move {
        let current = state_ref
            .feedback
            .get_feedback_site(customer_ref.tenant_id, customer_ref.id)
            .await?;
        if expected.is_some_and(|v| current.as_ref().is_none_or(|c| c.version != v)) {
            return Err(ApiError::PreconditionFailed);
        }
        let next = FeedbackSite {
            tenant_id: customer_ref.tenant_id,
            customer_id: customer_ref.id,
            draft_url: draft.clone(),
            live_url: live.clone(),
            after_online,
            updated_at: state_ref.clock.now(),
            updated_by: staff.actor,
            version: current.as_ref().map_or(1, |c| c.version + 1),
        };
        match state_ref
            .feedback
            .save_feedback_site(current.as_ref(), &next)
            .await
        {
            Err(StoreError::VersionConflict) if expected.is_some() => {
                Err(ApiError::PreconditionFailed)
            }
            written => Ok(written.map(|()| next)),
        }
    })
    .await?;
    Ok(with_etag(
        site.version,
        Json(view(&site, &customer)).into_response(),
    ))
}

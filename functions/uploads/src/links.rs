//! Direct download links: staff make a link to one of a customer's files that works without
//! logging in, for up to seven days (`/d/{token}`). Only the token's hash is stored; each use
//! answers a fresh short presigned GET (a presigned URL itself would die with the function's
//! temporary credentials), counts the download, and stops at expiry or revocation.

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Duration, Utc};
use portal::{
    domain::{DirectLink, DirectLinkId, LinkToken, Tenant, file::MAX_DIRECT_LINK_DAYS},
    http::{ApiError, Caller, JsonBody, PathParam, QueryParam, StaffAuth},
    ports::StoreError,
};
use serde::{Deserialize, Serialize};

use crate::{DOWNLOAD_LIFETIME, OwnerParams, UploadsState, load, owner::Owner, see_other};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewLink {
    customer_id: Option<String>,
    /// 1 to 7; 7 when left out.
    #[serde(default)]
    expires_in_days: Option<i64>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkView {
    id: DirectLinkId,
    expires_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    revoked_at: Option<DateTime<Utc>>,
    downloads: u64,
    usable: bool,
}

impl LinkView {
    fn of(link: &DirectLink, now: DateTime<Utc>) -> Self {
        Self {
            id: link.id,
            expires_at: link.expires_at,
            revoked_at: link.revoked_at,
            downloads: link.downloads,
            usable: link.is_usable(now),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedLink {
    #[serde(flatten)]
    link: LinkView,
    /// The link to pass on; shown this once (only its hash is kept).
    url: String,
}

pub async fn create(
    State(state): State<crate::UploadsState>,
    auth: StaffAuth,
    PathParam(id): PathParam<String>,
    JsonBody(request): JsonBody<NewLink>,
) -> Result<Response, ApiError> {
    let owner = Owner::of(Caller::Staff(auth), &state, request.customer_id.as_deref()).await?;
    let tenant = auth.tenant(&state).await?;
    let days = request.expires_in_days.unwrap_or(MAX_DIRECT_LINK_DAYS);
    let (link, url) = make_link(&state, owner, &tenant, &id, days).await?;
    let body = CreatedLink {
        link: LinkView::of(&link, link.created_at),
        url,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// A new direct link to the owner's file `id`, valid for `days` (1 to 7): the link, and the
/// URL to pass on (shown once: only its hash is kept).
pub(crate) async fn make_link(
    state: &UploadsState,
    owner: Owner,
    tenant: &Tenant,
    id: &str,
    days: i64,
) -> Result<(DirectLink, String), ApiError> {
    if !(1..=MAX_DIRECT_LINK_DAYS).contains(&days) {
        return Err(ApiError::Validation(vec![portal::domain::FieldError::new(
            "expiresInDays",
            format!("must be a whole number of days from 1 to {MAX_DIRECT_LINK_DAYS}"),
        )]));
    }
    let file = load(state, owner, id).await?;
    if !file.state.is_downloadable() {
        return Err(ApiError::FileNotDownloadable(file.state.as_str()));
    }
    let token = LinkToken::generate()?;
    let now = state.clock.now();
    let link = DirectLink {
        id: DirectLinkId::new(),
        hash: token.hash(),
        tenant_id: owner.tenant,
        customer_id: owner.customer,
        file_id: file.id,
        created_at: now,
        expires_at: now + Duration::days(days),
        revoked_at: None,
        downloads: 0,
    };
    state.files.create_direct_link(&link).await?;
    tracing::info!(tenant = %owner.tenant, file = %file.id, link = %link.id, "direct link created");
    let url = format!("{}/d/{}", tenant.portal_base_url.as_str(), token.expose());
    Ok((link, url))
}

#[derive(Serialize)]
pub struct LinkList {
    items: Vec<LinkView>,
}

pub async fn list(
    State(state): State<UploadsState>,
    auth: StaffAuth,
    PathParam(id): PathParam<String>,
    QueryParam(params): QueryParam<OwnerParams>,
) -> Result<Json<LinkList>, ApiError> {
    let owner = Owner::of(Caller::Staff(auth), &state, params.customer_id.as_deref()).await?;
    let file = load(&state, owner, &id).await?;
    let now = state.clock.now();
    let links = state
        .files
        .list_direct_links(owner.tenant, owner.customer, file.id)
        .await?;
    Ok(Json(LinkList {
        items: links.iter().map(|l| LinkView::of(l, now)).collect(),
    }))
}

pub async fn revoke(
    State(state): State<UploadsState>,
    auth: StaffAuth,
    PathParam((id, link_id)): PathParam<(String, String)>,
    QueryParam(params): QueryParam<OwnerParams>,
) -> Result<Json<LinkView>, ApiError> {
    let owner = Owner::of(Caller::Staff(auth), &state, params.customer_id.as_deref()).await?;
    let revoked = revoke_link(&state, owner, &id, &link_id).await?;
    Ok(Json(LinkView::of(&revoked, state.clock.now())))
}

/// Revokes the link `link_id` of the owner's file `id` (the first revocation is kept).
pub(crate) async fn revoke_link(
    state: &UploadsState,
    owner: Owner,
    id: &str,
    link_id: &str,
) -> Result<DirectLink, ApiError> {
    let file = load(state, owner, id).await?;
    let link_id: DirectLinkId = link_id
        .parse()
        .map_err(|_| ApiError::invalid_parameter("linkId", "is not a link id"))?;
    let revoked = state
        .files
        .revoke_direct_link(
            owner.tenant,
            owner.customer,
            file.id,
            link_id,
            state.clock.now(),
        )
        .await
        .map_err(|e| match e {
            StoreError::NotFound => ApiError::NotFound("link"),
            other => other.into(),
        })?;
    tracing::info!(tenant = %owner.tenant, file = %file.id, link = %link_id, "direct link revoked");
    Ok(revoked)
}

/// `GET /d/{token}`: public, the token is the credential. An unknown, expired or revoked
/// link is 404 alike, so a guess learns nothing.
pub async fn follow(
    State(state): State<UploadsState>,
    PathParam(token): PathParam<String>,
) -> Result<Response, ApiError> {
    let hash = LinkToken::from_presented(&token).hash();
    let now = state.clock.now();
    let link = state
        .files
        .find_direct_link(&hash)
        .await?
        .filter(|l| l.is_usable(now))
        .ok_or(ApiError::NotFound("link"))?;
    let file = state
        .files
        .get_file(link.tenant_id, link.customer_id, link.file_id)
        .await?
        .ok_or(ApiError::NotFound("link"))?;
    if !file.state.is_downloadable() {
        return Err(ApiError::FileNotDownloadable(file.state.as_str()));
    }
    state
        .files
        .count_direct_download(&hash, now)
        .await
        .map_err(|e| match e {
            StoreError::NotFound => ApiError::NotFound("link"),
            other => other.into(),
        })?;
    let signed = state
        .objects
        .presign_download(&file.key, &file.name, DOWNLOAD_LIFETIME)
        .await?;
    let mut response = see_other(&signed.url)?;
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

//! The customer's brief over HTTP: read and save the draft (each save names the version it
//! was made from; a save over a newer one gets 409 with the current version), submit it
//! (the agency is emailed what changed), read earlier submissions. Staff read a customer's.

use axum::{
    Json,
    extract::{FromRef, State},
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use portal::{
    domain::{
        Brief, CustomerId, FieldError, FileId, FileRecord, FileState, OutgoingEmail, Subject,
        TenantId, WishesDraft, WishesSubmission,
        wishes::{Logo, LogoProblem},
    },
    http::{ApiError, JsonBody, PathParam, StaffAuth, UserSession, session::PresentedSession},
    messages,
    ports::StoreError,
    start::{Owner, WaitCheck},
    state::SessionPorts,
};
use serde::{Deserialize, Serialize};

use crate::{Notification, WishesState};

/// The brief waits for the customer until it is submitted, and again once saved since.
pub struct BriefWaits(pub std::sync::Arc<dyn portal::ports::WishesStore>);

#[async_trait::async_trait]
impl WaitCheck for BriefWaits {
    async fn waits(&self, owner: Owner) -> Result<bool, StoreError> {
        Ok(self
            .0
            .get_wishes(owner.tenant, owner.customer)
            .await?
            .is_none_or(|d| d.waits_for_submit()))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftView {
    /// 0 before the first save.
    version: u64,
    brief: Brief,
    updated_at: Option<DateTime<Utc>>,
    /// The number of the last submission.
    submitted: Option<u64>,
    /// Never submitted, or saved since.
    waits_for_submit: bool,
}

impl DraftView {
    fn of(draft: Option<WishesDraft>) -> Self {
        match draft {
            None => DraftView {
                version: 0,
                brief: Brief::default(),
                updated_at: None,
                submitted: None,
                waits_for_submit: true,
            },
            Some(d) => DraftView {
                waits_for_submit: d.waits_for_submit(),
                version: d.version,
                updated_at: Some(d.updated_at),
                submitted: d.submitted,
                brief: d.brief,
            },
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SaveBody {
    /// The version the change was made from: 0 (or none) for the first save.
    version: Option<u64>,
    brief: Brief,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmitBody {
    version: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Submitted {
    pub(crate) number: u64,
    /// What changed since the previous submission; empty when nothing did (nothing sent).
    changed: Vec<String>,
    notification: Notification,
}

#[derive(Serialize)]
pub struct Submissions {
    /// Newest first.
    items: Vec<WishesSubmission>,
}

/// The session's customer: staff have no brief of their own.
pub(crate) fn customer_of(who: &UserSession) -> Result<(TenantId, CustomerId), ApiError> {
    match who.session.subject {
        Subject::Customer(id) => Ok((who.session.tenant_id, id)),
        Subject::Staff(_) => Err(ApiError::NotFound("wishes")),
    }
}

fn with_etag(version: u64, body: impl Serialize) -> Response {
    let mut response = Json(body).into_response();
    if let Ok(value) = HeaderValue::from_str(&format!("\"{version}\"")) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /me/wishes`.
pub async fn read(
    State(state): State<WishesState>,
    presented: PresentedSession,
) -> Result<Response, ApiError> {
    // The draft is read alongside the session's account (two round trips); a dead session's
    // answer wins over a staff user's 404.
    let (_, draft) = presented
        .check_with(
            &SessionPorts::from_ref(&state),
            |tenant, subject| async move {
                match subject {
                    Subject::Customer(id) => Ok(state.wishes.get_wishes(tenant, id).await?),
                    Subject::Staff(_) => Err(ApiError::NotFound("wishes")),
                }
            },
        )
        .await?;
    let view = DraftView::of(draft);
    Ok(with_etag(view.version, view))
}

/// `PUT /me/wishes {version, brief}`.
pub async fn save(
    State(state): State<WishesState>,
    who: UserSession,
    JsonBody(body): JsonBody<SaveBody>,
) -> Result<Response, ApiError> {
    let (tenant, id) = customer_of(&who)?;
    let brief = checked_brief(&state, tenant, id, body.brief).await?;
    let next = save_draft(&state, tenant, id, body.version.unwrap_or(0), brief).await?;
    Ok(with_etag(next.version, DraftView::of(Some(next))))
}

/// The brief checked as [`Brief::checked`] does, and its logo, if a file, against the
/// customer's own files: an `available` image of this customer, so the brief (and its
/// export's download link) never names another customer's file, a PDF or one still being
/// checked. Every problem is `ApiError::Validation`.
pub(crate) async fn checked_brief(
    state: &WishesState,
    tenant: TenantId,
    id: CustomerId,
    brief: Brief,
) -> Result<Brief, ApiError> {
    let logo = brief.logo.clone();
    let (brief, mut errors) = match brief.checked() {
        Ok(brief) => (Some(brief), Vec::new()),
        Err(errors) => (None, errors),
    };
    if let Some(Logo::File { file_id }) = &logo
        && !errors.iter().any(|e| e.field == LOGO_FILE_FIELD)
        && logo_file(state, tenant, id, file_id).await?.is_none()
    {
        errors.push(FieldError::of(LOGO_FILE_FIELD, &LogoProblem::NotYourImage));
    }
    match brief {
        Some(brief) if errors.is_empty() => Ok(brief),
        _ => Err(ApiError::Validation(errors)),
    }
}

const LOGO_FILE_FIELD: &str = "logo.fileId";

/// The customer's file `file_id` if it is an available image; `None` for anything else
/// (not an id, another customer's, gone, not an image, not yet checked).
pub(crate) async fn logo_file(
    state: &WishesState,
    tenant: TenantId,
    id: CustomerId,
    file_id: &str,
) -> Result<Option<FileRecord>, ApiError> {
    let Ok(file_id) = file_id.parse::<FileId>() else {
        return Ok(None);
    };
    let file = state.files.get_file(tenant, id, file_id).await?;
    Ok(file.filter(|f| {
        f.state == FileState::Available
            && f.content_type
                .get(..6)
                .is_some_and(|t| t.eq_ignore_ascii_case("image/"))
    }))
}

/// Saves the checked `brief` as the draft after version `from`; 409 when the stored draft
/// is another version (the save is made from an outdated one). The write itself checks the
/// version: the draft is read only to say, in the 409, which version won.
pub(crate) async fn save_draft(
    state: &WishesState,
    tenant: TenantId,
    id: CustomerId,
    from: u64,
    brief: Brief,
) -> Result<WishesDraft, ApiError> {
    match state
        .wishes
        .save_brief(tenant, id, from, &brief, state.clock.now())
        .await
    {
        Ok(saved) => Ok(saved),
        Err(StoreError::VersionConflict) => Err(outdated(state, tenant, id).await),
        Err(e) => Err(e.into()),
    }
}

/// The 409 after a lost race: with the version that won.
async fn outdated(state: &WishesState, tenant: TenantId, id: CustomerId) -> ApiError {
    match state.wishes.get_wishes(tenant, id).await {
        Ok(draft) => ApiError::DraftOutdated {
            current: draft.map_or(0, |d| d.version),
        },
        Err(e) => e.into(),
    }
}

/// `POST /me/wishes/submit {version}`: submits the draft of that version. Submitting a draft
/// unchanged since its last submission records and sends nothing (a double click is
/// harmless).
pub async fn submit(
    State(state): State<WishesState>,
    who: UserSession,
    JsonBody(body): JsonBody<SubmitBody>,
) -> Result<Json<Submitted>, ApiError> {
    let (tenant_id, id) = customer_of(&who)?;
    Ok(Json(
        submit_draft(&state, tenant_id, id, body.version).await?,
    ))
}

/// Submits the draft of `version` (409 when the draft is another version).
pub(crate) async fn submit_draft(
    state: &WishesState,
    tenant_id: TenantId,
    id: CustomerId,
    version: u64,
) -> Result<Submitted, ApiError> {
    let current = match state.wishes.get_wishes(tenant_id, id).await? {
        Some(draft) if draft.version == version => draft,
        other => {
            return Err(ApiError::DraftOutdated {
                current: other.map_or(0, |d| d.version),
            });
        }
    };
    if !current.waits_for_submit() {
        return Ok(Submitted {
            number: current.submitted.unwrap_or(0),
            changed: Vec::new(),
            notification: Notification::NotNeeded,
        });
    }
    let previous = state.wishes.list_submissions(tenant_id, id).await?;
    let changed: Vec<String> = match previous.first() {
        Some(before) => current.brief.changed_since(&before.brief),
        None => current.brief.changed_since(&Brief::default()),
    }
    .into_iter()
    .map(String::from)
    .collect();
    let number = current.submitted.unwrap_or(0) + 1;
    let mut next = current.clone();
    next.submitted = Some(number);
    next.submitted_version = Some(current.version);
    let submission = WishesSubmission {
        tenant_id,
        customer_id: id,
        number,
        brief: current.brief.clone(),
        submitted_at: state.clock.now(),
        changed: changed.clone(),
    };
    match state
        .wishes
        .submit_wishes(&current, &next, &submission)
        .await
    {
        Ok(()) => {}
        Err(StoreError::VersionConflict) => return Err(outdated(state, tenant_id, id).await),
        Err(e) => return Err(e.into()),
    }
    let notification = tell_the_agency(state, &submission).await?;
    Ok(Submitted {
        number,
        changed,
        notification,
    })
}

async fn tell_the_agency(
    state: &WishesState,
    submission: &WishesSubmission,
) -> Result<Notification, ApiError> {
    let gone = || ApiError::Unauthorized("Your portal access has been removed.");
    let tenant = state
        .tenants
        .get_tenant(submission.tenant_id)
        .await?
        .ok_or_else(gone)?;
    let customer = state
        .customers
        .get_customer(submission.tenant_id, submission.customer_id)
        .await?
        .ok_or_else(gone)?;
    let link = format!(
        "{}/customers/{}/wishes",
        tenant.portal_base_url, customer.id
    );
    let email = messages::wishes::submitted(
        tenant.default_language,
        &tenant.name,
        &customer.company_name,
        submission.number,
        &submission.changed,
        &link,
    );
    let sent = state
        .mailer
        .send_email(&OutgoingEmail {
            from: tenant.sender_email.clone(),
            from_name: tenant.name.clone(),
            to: tenant.sender_email.clone(),
            subject: email.subject,
            text: email.text,
            html: email.html,
            reply_to: None,
        })
        .await;
    Ok(match sent {
        Ok(_) => Notification::Sent,
        Err(e) => {
            tracing::error!(tenant = %tenant.id, customer = %customer.id, error = %e, "wishes email not sent");
            Notification::Failed
        }
    })
}

/// `GET /me/wishes/submissions`: every submitted version, newest first.
pub async fn submissions(
    State(state): State<WishesState>,
    who: UserSession,
) -> Result<Json<Submissions>, ApiError> {
    let (tenant, id) = customer_of(&who)?;
    Ok(Json(Submissions {
        items: state.wishes.list_submissions(tenant, id).await?,
    }))
}

#[derive(Serialize)]
pub struct StaffView {
    draft: DraftView,
    /// Newest first.
    submissions: Vec<WishesSubmission>,
}

/// `GET /customers/{customerId}/wishes`: staff read a customer's draft and submissions.
pub async fn staff_read(
    State(state): State<WishesState>,
    auth: StaffAuth,
    PathParam(raw): PathParam<String>,
) -> Result<Json<StaffView>, ApiError> {
    let id: CustomerId = raw.parse().map_err(|_| {
        ApiError::invalid_parameter("customerId", "is not a customer id (26 characters)")
    })?;
    state
        .customers
        .get_customer(auth.tenant_id, id)
        .await?
        .ok_or(ApiError::NotFound("customer"))?;
    Ok(Json(StaffView {
        draft: DraftView::of(state.wishes.get_wishes(auth.tenant_id, id).await?),
        submissions: state.wishes.list_submissions(auth.tenant_id, id).await?,
    }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportParams {
    format: Option<String>,
}

/// `GET /customers/{customerId}/wishes/export?format=json|markdown`: the latest submission
/// (or the draft, before the first), for a site generator or a person.
pub async fn export(
    State(state): State<WishesState>,
    auth: StaffAuth,
    PathParam(raw): PathParam<String>,
    portal::http::QueryParam(params): portal::http::QueryParam<ExportParams>,
) -> Result<Response, ApiError> {
    let markdown = match params.format.as_deref() {
        None | Some("json") => false,
        Some("markdown") => true,
        Some(_) => {
            return Err(ApiError::invalid_parameter(
                "format",
                "must be json or markdown",
            ));
        }
    };
    let id: CustomerId = raw.parse().map_err(|_| {
        ApiError::invalid_parameter("customerId", "is not a customer id (26 characters)")
    })?;
    let customer = state
        .customers
        .get_customer(auth.tenant_id, id)
        .await?
        .ok_or(ApiError::NotFound("customer"))?;
    let tenant = auth.tenant(&state).await?;
    let latest = state
        .wishes
        .list_submissions(auth.tenant_id, id)
        .await?
        .into_iter()
        .next();
    let draft = match latest {
        Some(_) => None,
        None => state.wishes.get_wishes(auth.tenant_id, id).await?,
    };
    let empty = Brief::default();
    let brief = latest
        .as_ref()
        .map(|s| &s.brief)
        .or(draft.as_ref().map(|d| &d.brief))
        .unwrap_or(&empty);
    // A logo file deleted (or otherwise gone) since the save is shown as missing rather
    // than linked: the link would lead nowhere.
    let logo_download =
        match &brief.logo {
            Some(Logo::File { file_id }) => logo_file(&state, auth.tenant_id, id, file_id)
                .await?
                .map(|_| {
                    portal::domain::wishes_export::file_link(
                        tenant.portal_base_url.as_str(),
                        file_id,
                    )
                }),
            _ => None,
        };
    let export = portal::domain::wishes_export::BriefExport {
        schema: portal::domain::wishes_export::EXPORT_SCHEMA,
        company_name: &customer.company_name,
        number: latest.as_ref().map(|s| s.number),
        submitted_at: latest.as_ref().map(|s| s.submitted_at),
        logo_download,
        brief,
    };
    if markdown {
        return Ok((
            [
                (header::CONTENT_TYPE, "text/markdown; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
            ],
            export.markdown(),
        )
            .into_response());
    }
    Ok(Json(export).into_response())
}

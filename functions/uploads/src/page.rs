//! The files page (`GET /files/page`): in the customer's session and language, their file
//! list with download links and delete buttons (plain HTML, no script needed), and the
//! upload script that sends files straight to the storage URL. Staff in their own session
//! and language see the same for a customer of their agency (`?customerId=`): what they
//! upload is shared by the agency, and each file gets its direct links (made and revoked by
//! plain form posts). `POST /files/{fileId}/delete`, `/share` and `/links/{linkId}/revoke`
//! are those form posts (the session's CSRF token in the body).

use std::collections::HashMap;

use axum::{
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use futures_util::{StreamExt, TryStreamExt, stream};
use portal::{
    domain::{FileId, Subject, Uploader},
    http::{ApiError, Caller, FormBody, PathParam, QueryParam, UserSession},
    pages::{
        self, FILES_CSP, FILES_PAGE_PATH, FileRow, FilesPage, FolderLink, LinkRow, Nav, Page,
        StaffFiles, UploadLimits, shown_size,
    },
};
use serde::Deserialize;

use crate::{
    MAX_PAGE_SIZE, UploadsState,
    owner::{NAME_THE_CUSTOMER, Owner},
};

/// How many files' direct links the staff page reads at once (a page lists up to
/// [`MAX_PAGE_SIZE`] files): one round trip for a page of up to this many linked files.
const READS_AT_ONCE: usize = 8;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct PageQuery {
    folder: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
    /// Staff: whose files.
    customer_id: Option<String>,
}

fn see_other(to: &str) -> Response {
    let mut response =
        (StatusCode::SEE_OTHER, [(header::CACHE_CONTROL, "no-store")]).into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Whose files the page of this session shows: the customer's own; for staff, those of the
/// customer of their agency named by `customer_id` (404 for any other), `None` when they
/// named none.
async fn page_owner(
    state: &UploadsState,
    who: &UserSession,
    customer_id: Option<&str>,
) -> Result<Option<Owner>, ApiError> {
    let caller = Caller::of_session(who);
    if caller.is_staff() && customer_id.is_none() {
        return Ok(None);
    }
    Owner::of(caller, state, customer_id).await.map(Some)
}

/// The page again after a form post: for staff, the customer's page they came from.
fn back_to_page(owner: Owner, notice: &str) -> String {
    let mut pairs = Vec::new();
    if matches!(owner.uploader, Uploader::Agency { .. }) {
        pairs.push(("customerId", owner.customer.to_string()));
    }
    pairs.push(("notice", notice.to_owned()));
    format!(
        "{FILES_PAGE_PATH}?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    )
}

pub(crate) async fn show(
    State(state): State<UploadsState>,
    who: Result<UserSession, ApiError>,
    QueryParam(query): QueryParam<PageQuery>,
) -> Result<Response, ApiError> {
    let who = match who {
        Err(ApiError::Unauthorized(_)) => return Ok(see_other("/login?next=%2Ffiles%2Fpage")),
        other => other?,
    };
    let caller = Caller::of_session(&who);
    if caller.is_staff() && query.customer_id.is_none() {
        // Staff without a customer: their own page.
        return Ok(see_other("/me"));
    }
    // Unchecked: `render` reads the customer under the session's agency beside the rest.
    let owner = Owner::unchecked(caller, query.customer_id.as_deref())?;
    render(&state, &who, owner, &query, None).await
}

/// The page of `owner`'s files as `who` sees it, with `created_link` (staff) shown once.
///
/// Everything the page shows is keyed by `owner`, so it is read at once: the staff user, the
/// agency, the customer, the files, the folders and the upload rules in one round trip, then
/// each listed file's direct links (staff) or the visit (customer) in a second. `owner` may be
/// unchecked (see [`show`]): the customer read under the session's own agency is its check,
/// and nothing read beside it is used, nor anything written, before it passed.
async fn render(
    state: &UploadsState,
    who: &UserSession,
    owner: Owner,
    query: &PageQuery,
    created_link: Option<&str>,
) -> Result<Response, ApiError> {
    let folder = query
        .folder
        .as_deref()
        .filter(|f| !f.is_empty())
        .map(portal::domain::file::folder_name)
        .transpose()
        .map_err(|_| {
            ApiError::invalid_parameter(
                "folder",
                "must be a folder name without slashes, at most 100 characters",
            )
        })?
        .filter(|f| !f.is_empty());
    let after = query
        .cursor
        .as_deref()
        .filter(|c| !c.is_empty())
        .map(|c| {
            c.parse::<FileId>()
                .map_err(|_| ApiError::invalid_parameter("cursor", "is not a file id"))
        })
        .transpose()?;
    let staff_member = async {
        match who.session.subject {
            Subject::Staff(id) => state.staff.get_staff(owner.tenant, id).await,
            Subject::Customer(_) => Ok(None),
        }
    };
    let (staff_member, tenant, customer, listed, folders, settings) = tokio::try_join!(
        staff_member,
        state.tenants.get_tenant(owner.tenant),
        state.customers.get_customer(owner.tenant, owner.customer),
        state.files.list_files(
            owner.tenant,
            owner.customer,
            folder.as_deref(),
            after,
            MAX_PAGE_SIZE,
        ),
        state.files.list_folders(owner.tenant, owner.customer),
        state.files.file_settings(owner.tenant),
    )?;
    let staff = match who.session.subject {
        Subject::Staff(_) => Some(staff_member.ok_or(ApiError::Unauthorized(
            "Your portal access has been removed.",
        ))?),
        Subject::Customer(_) => None,
    };
    let tenant = tenant.ok_or(ApiError::Unauthorized("Your agency no longer exists."))?;
    let customer = customer.ok_or(match staff {
        Some(_) => ApiError::NotFound("customer"),
        None => ApiError::Unauthorized("Your portal access has been removed."),
    })?;
    let customer_id = customer.id.to_string();
    let staff_customer = staff.as_ref().map(|_| customer_id.as_str());
    let folders: Vec<FolderLink> = folders
        .iter()
        .filter(|f| !f.is_empty())
        .map(|f| FolderLink::of_customer(f, staff_customer))
        .collect();
    let now = state.clock.now();
    // Staff see each downloadable file's usable direct links; the customer's visit is what
    // the start page's "new files" compares the agency's files with.
    let linked: Vec<FileId> = match staff {
        Some(_) => listed
            .items
            .iter()
            .filter(|f| f.state.is_downloadable())
            .map(|f| f.id)
            .collect(),
        None => Vec::new(),
    };
    // At most a few at once: each call in flight holds a connection of its own (and, at a
    // cold start, its own TLS handshake on the function's one thread).
    let files = &state.files;
    let links = stream::iter(linked.clone())
        .map(|file| files.list_direct_links(owner.tenant, owner.customer, file))
        .buffered(READS_AT_ONCE)
        .try_collect::<Vec<_>>();
    let seen = async {
        match staff {
            Some(_) => Ok(()),
            None => {
                state
                    .files
                    .mark_files_seen(owner.tenant, owner.customer, now)
                    .await
            }
        }
    };
    let (links, ()) = tokio::try_join!(links, seen)?;
    let mut links: HashMap<FileId, Vec<LinkRow>> = linked
        .into_iter()
        .zip(links)
        .map(|(file, links)| {
            let rows = links
                .iter()
                .filter(|l| l.is_usable(now))
                .map(|l| LinkRow {
                    id: l.id.to_string(),
                    expires: l.expires_at.format("%Y-%m-%d %H:%M UTC").to_string(),
                    downloads: l.downloads,
                })
                .collect();
            (file, rows)
        })
        .collect();
    let rows: Vec<FileRow> = listed
        .items
        .iter()
        .map(|f| FileRow {
            id: f.id.to_string(),
            name: f.name.clone(),
            folder: f.folder.clone(),
            size: shown_size(f.size.unwrap_or(f.declared_size)),
            uploaded_by: match f.uploaded_by {
                Uploader::Customer => "customer",
                Uploader::Agency { .. } => "agency",
            },
            created_at: f.created_at.to_rfc3339(),
            created: f.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            state: f.state.as_str(),
            downloadable: f.state.is_downloadable(),
            links: links.remove(&f.id).unwrap_or_default(),
        })
        .collect();
    let more_url = listed.next.map(|next| {
        let mut pairs = vec![("cursor", next.to_string())];
        if let Some(folder) = &folder {
            pairs.push(("folder", folder.clone()));
        }
        if let Some(customer) = staff_customer {
            pairs.push(("customerId", customer.to_owned()));
        }
        format!(
            "{FILES_PAGE_PATH}?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    });
    let limits = UploadLimits {
        max_size: settings.max_file_size,
        max_size_shown: shown_size(settings.max_file_size),
        allowed_types: settings.allowed_types.clone(),
    };
    let notice = match query.notice.as_deref() {
        Some("deleted") => Some("page-files-deleted"),
        Some("link-revoked") => Some("page-files-link-revoked"),
        _ => None,
    };
    let html = pages::files(&FilesPage {
        page: Page {
            language: staff.as_ref().map_or(customer.language, |m| m.language),
            agency: tenant.name.clone(),
        },
        nav: staff
            .is_none()
            .then(|| Nav::for_customer(&customer, &tenant, "files", &who.session.csrf)),
        staff: staff_customer.map(|customer_id| StaffFiles {
            customer_id,
            company: customer.company_name.as_str(),
            created_link,
        }),
        csrf: &who.session.csrf,
        folders: &folders,
        folder: folder.as_deref().unwrap_or_default(),
        files: &rows,
        limits: &limits,
        more_url: more_url.as_deref(),
        notice,
    });
    let mut response = (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        Html(html),
    )
        .into_response();
    // The page's own policy (its script, its uploads); the router keeps it.
    if let Ok(csp) = HeaderValue::from_str(&FILES_CSP) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    Ok(response)
}

/// `POST /files/{fileId}/delete`: the page's delete button; back to the page with a notice.
pub(crate) async fn delete(
    State(state): State<UploadsState>,
    who: UserSession,
    PathParam(id): PathParam<String>,
    FormBody(form): FormBody<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.check_form_csrf(form.get("csrf").map(String::as_str))?;
    let owner = page_owner(&state, &who, form.get("customerId").map(String::as_str))
        .await?
        .ok_or(ApiError::StaffOnly)?;
    crate::delete_file(&state, owner, &id).await?;
    Ok(see_other(&back_to_page(owner, "deleted")))
}

/// The staff's form post that makes a direct link (`customerId`, `expiresInDays`): the page
/// again, with the link shown this once.
pub(crate) async fn share(
    State(state): State<UploadsState>,
    who: UserSession,
    PathParam(id): PathParam<String>,
    FormBody(form): FormBody<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.check_form_csrf(form.get("csrf").map(String::as_str))?;
    let owner = staff_page_owner(&state, &who, &form).await?;
    let days = match form.get("expiresInDays").map(|d| d.trim().parse::<i64>()) {
        None => portal::domain::file::MAX_DIRECT_LINK_DAYS,
        Some(Ok(days)) => days,
        // Out of range too: `make_link` names the field and the range.
        Some(Err(_)) => 0,
    };
    let tenant = state
        .tenants
        .get_tenant(owner.tenant)
        .await?
        .ok_or(ApiError::Unauthorized("Your agency no longer exists."))?;
    let (_, url) = crate::links::make_link(&state, owner, &tenant, &id, days).await?;
    let query = PageQuery {
        customer_id: Some(owner.customer.to_string()),
        ..PageQuery::default()
    };
    render(&state, &who, owner, &query, Some(&url)).await
}

/// The staff's form post that revokes a direct link; back to the customer's page.
pub(crate) async fn revoke(
    State(state): State<UploadsState>,
    who: UserSession,
    PathParam((id, link_id)): PathParam<(String, String)>,
    FormBody(form): FormBody<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.check_form_csrf(form.get("csrf").map(String::as_str))?;
    let owner = staff_page_owner(&state, &who, &form).await?;
    crate::links::revoke_link(&state, owner, &id, &link_id).await?;
    Ok(see_other(&back_to_page(owner, "link-revoked")))
}

/// Direct links are the agency's to make and revoke: a customer's session is refused.
async fn staff_page_owner(
    state: &UploadsState,
    who: &UserSession,
    form: &HashMap<String, String>,
) -> Result<Owner, ApiError> {
    if !matches!(who.session.subject, Subject::Staff(_)) {
        return Err(ApiError::StaffOnly);
    }
    page_owner(state, who, form.get("customerId").map(String::as_str))
        .await?
        .ok_or_else(|| ApiError::invalid_parameter("customerId", NAME_THE_CUSTOMER))
}

//! The files page (`GET /files/page`), in the customer's session and language: the file list
//! with download links and delete buttons (plain HTML, no script needed), and the upload
//! script that sends files straight to the storage URL. `POST /files/{fileId}/delete` is the
//! delete button's form post (the session's CSRF token in the body).

use std::collections::HashMap;

use axum::{
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use portal::{
    domain::{FileId, Subject, Uploader},
    http::{ApiError, FormBody, PathParam, QueryParam, UserSession},
    pages::{
        self, FILES_CSP, FILES_PAGE_PATH, FileRow, FilesPage, FolderLink, Nav, Page, UploadLimits,
        shown_size,
    },
};
use serde::Deserialize;

use crate::{MAX_PAGE_SIZE, UploadsState, caller::Owner};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PageQuery {
    folder: Option<String>,
    cursor: Option<String>,
    notice: Option<String>,
}

fn see_other(to: &str) -> Response {
    let mut response =
        (StatusCode::SEE_OTHER, [(header::CACHE_CONTROL, "no-store")]).into_response();
    if let Ok(value) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// The customer of this session; a staff session has the API (and its own pages).
fn owner_of(who: &UserSession) -> Option<Owner> {
    match who.session.subject {
        Subject::Customer(customer) => Some(Owner {
            tenant: who.session.tenant_id,
            customer,
            uploader: Uploader::Customer,
        }),
        Subject::Staff(_) => None,
    }
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
    let Some(owner) = owner_of(&who) else {
        return Ok(see_other("/me"));
    };
    let tenant = state
        .tenants
        .get_tenant(owner.tenant)
        .await?
        .ok_or(ApiError::Unauthorized("Your agency no longer exists."))?;
    let customer = state
        .customers
        .get_customer(owner.tenant, owner.customer)
        .await?
        .ok_or(ApiError::Unauthorized(
            "Your portal access has been removed.",
        ))?;
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
    let listed = state
        .files
        .list_files(
            owner.tenant,
            owner.customer,
            folder.as_deref(),
            after,
            MAX_PAGE_SIZE,
        )
        .await?;
    let folders: Vec<FolderLink> = state
        .files
        .list_folders(owner.tenant, owner.customer)
        .await?
        .iter()
        .filter(|f| !f.is_empty())
        .map(|f| FolderLink::new(f))
        .collect();
    let settings = state.files.file_settings(owner.tenant).await?;
    // The start page's "new files" compares the agency's files with this visit.
    state
        .files
        .mark_files_seen(owner.tenant, owner.customer, state.clock.now())
        .await?;
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
        })
        .collect();
    let more_url = listed.next.map(|next| {
        let mut pairs = vec![("cursor", next.to_string())];
        if let Some(folder) = &folder {
            pairs.push(("folder", folder.clone()));
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
        _ => None,
    };
    let html = pages::files(&FilesPage {
        page: Page {
            language: customer.language,
            agency: tenant.name.clone(),
        },
        nav: Nav::for_customer(&customer, &tenant, "files", &who.session.csrf),
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
    let owner = owner_of(&who).ok_or(ApiError::StaffOnly)?;
    crate::delete_file(&state, owner, &id).await?;
    Ok(see_other(&format!("{FILES_PAGE_PATH}?notice=deleted")))
}

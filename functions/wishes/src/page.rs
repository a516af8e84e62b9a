//! The wishes page (`GET /wishes`) and its plain form (`POST /wishes`): the customer edits
//! the brief, adds page rows, saves and submits without JavaScript. A save made from an
//! outdated version shows the conflict and keeps what the customer typed; bad input shows
//! each problem at its field, in the customer's language.

use std::collections::{BTreeMap, HashMap};

use axum::{
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use portal::{
    domain::{
        Brief, Customer, FieldError, Tenant, WishesComment,
        wishes::{
            BriefColour, BriefPage, COLOURS_MAX, EXAMPLES_MAX, Example, FONTS_MAX, Logo,
            PAGE_DEPTH_MAX, PAGES_MAX,
        },
    },
    http::{ApiError, FormBody, QueryParam, UserSession, session::PresentedSession},
    pages::{self, Nav, Page, WISHES_CSP, WishesPage},
    start::Owner,
};
use serde::Deserialize;

use crate::{
    WishesState,
    brief::{checked_brief, save_draft, submit_draft},
    start::{Found, checked, load, see_other},
};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Shown {
    /// `saved` or `submitted`, after the form's redirect.
    done: Option<String>,
}

/// What to render beyond the brief.
#[derive(Default)]
struct View<'a> {
    extra_pages: usize,
    errors: &'a [FieldError],
    conflict: Option<u64>,
    saved: bool,
    submitted: Option<u64>,
}

/// `GET /wishes`.
pub async fn page(
    State(state): State<WishesState>,
    presented: Result<PresentedSession, ApiError>,
    QueryParam(shown): QueryParam<Shown>,
) -> Result<Response, ApiError> {
    // The draft and the agency's comments are the session's customer's: read beside the
    // session's account, with the customer and the agency.
    let wishes = &state.wishes;
    let reads = |owner: Owner| async move {
        Ok(tokio::try_join!(
            wishes.get_wishes(owner.tenant, owner.customer),
            wishes.list_comments(owner.tenant, owner.customer),
        )?)
    };
    let (who, found) = match checked(&state, presented, reads).await {
        Err(ApiError::Unauthorized(_)) => return Ok(see_other("/login?next=/wishes")),
        other => other?,
    };
    let Some(Found {
        customer,
        tenant,
        page: (draft, comments),
    }) = found?
    else {
        return Ok(see_other("/me"));
    };
    let version = draft.as_ref().map_or(0, |d| d.version);
    let brief = draft.as_ref().map(|d| d.brief.clone()).unwrap_or_default();
    let view = View {
        saved: shown.done.as_deref() == Some("saved"),
        submitted: match shown.done.as_deref() {
            Some("submitted") => draft.as_ref().and_then(|d| d.submitted),
            _ => None,
        },
        ..View::default()
    };
    let saved_at = draft.as_ref().map(|d| d.updated_at);
    Ok(show(
        &who,
        (&customer, &tenant),
        version,
        &brief,
        saved_at,
        view,
        &comments,
        StatusCode::OK,
    ))
}

/// `POST /wishes`: `action` = `save`, `submit` or `add-page`, with `csrf`, `version` and the
/// brief's fields (`pages[0].title`, `colours[1].role`, `logo`, `logo.fileId`, `tone` …).
pub async fn form(
    State(state): State<WishesState>,
    who: UserSession,
    FormBody(form): FormBody<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.check_form_csrf(form.get("csrf").map(String::as_str))?;
    let Some((customer, tenant)) = load(&state, &who).await? else {
        return Err(ApiError::NotFound("wishes"));
    };
    let version: u64 = match form.get("version").map(|v| v.parse()) {
        None => 0,
        Some(Ok(v)) => v,
        Some(Err(_)) => {
            return Err(ApiError::invalid_parameter(
                "version",
                "must be the draft's version number",
            ));
        }
    };
    let posted = brief_of(&form);
    let action = form.get("action").map_or("save", String::as_str);
    let who_ = (&customer, &tenant);
    if action == "add-page" {
        let view = View {
            extra_pages: 1,
            ..View::default()
        };
        return show_form(&state, &who, who_, version, &posted, view, StatusCode::OK).await;
    }
    if action != "save" && action != "submit" {
        return Err(ApiError::invalid_parameter(
            "action",
            "must be save, submit or add-page",
        ));
    }
    let checked = match checked_brief(&state, tenant.id, customer.id, posted.clone()).await {
        Ok(brief) => brief,
        Err(ApiError::Validation(errors)) => {
            let view = View {
                errors: &errors,
                ..View::default()
            };
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return show_form(&state, &who, who_, version, &posted, view, status).await;
        }
        Err(e) => return Err(e),
    };
    let saved = match save_draft(&state, tenant.id, customer.id, version, checked).await {
        Ok(saved) => saved,
        Err(ApiError::DraftOutdated { current }) => {
            // The customer's input stays; saving again is a choice made seeing the warning.
            let view = View {
                conflict: Some(current),
                ..View::default()
            };
            let status = StatusCode::CONFLICT;
            return show_form(&state, &who, who_, current, &posted, view, status).await;
        }
        Err(e) => return Err(e),
    };
    if action == "submit" {
        submit_draft(&state, tenant.id, customer.id, saved.version).await?;
        return Ok(see_other("/wishes?done=submitted"));
    }
    Ok(see_other("/wishes?done=saved"))
}

/// The page rows posted under `prefix` (`pages`, `pages[0].children`), in the order of
/// their numbers; `keys` are the form's keys under `prefix`, so each level looks only at its
/// own and a big form costs its size times the depth. One level deeper than the limit and one
/// row more than it are still read, so that too deep or too many pages are named by the
/// check instead of dropped.
fn pages_of(
    form: &HashMap<String, String>,
    keys: &[&str],
    prefix: &str,
    depth: usize,
) -> Vec<BriefPage> {
    let mut rows: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
    for key in keys {
        let Some((index, rest)) = key
            .strip_prefix(prefix)
            .and_then(|k| k.strip_prefix('['))
            .and_then(|k| k.split_once(']'))
        else {
            continue;
        };
        // Only numbers as the form writes them: `pages[01]` or `pages[+1]` are not rows.
        let canonical = !index.is_empty()
            && index.bytes().all(|b| b.is_ascii_digit())
            && (index == "0" || !index.starts_with('0'));
        if let (true, true, Ok(i)) = (canonical, rest.starts_with('.'), index.parse()) {
            rows.entry(i).or_default().push(key);
        }
    }
    let get = |key: String| {
        form.get(&key)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    rows.into_iter()
        .take(PAGES_MAX + 1)
        .filter_map(|(i, own)| {
            let row = format!("{prefix}[{i}]");
            let children = if depth <= PAGE_DEPTH_MAX {
                pages_of(form, &own, &format!("{row}.children"), depth + 1)
            } else {
                Vec::new()
            };
            let page = BriefPage {
                title: get(format!("{row}.title")),
                purpose: get(format!("{row}.purpose")),
                texts: get(format!("{row}.texts")),
                children,
            };
            let empty = page.title.is_empty()
                && page.purpose.is_empty()
                && page.texts.is_empty()
                && page.children.is_empty();
            (!empty).then_some(page)
        })
        .collect()
}

/// The page again after a form post, with what was posted and the agency's comments.
async fn show_form(
    state: &WishesState,
    who: &UserSession,
    (customer, tenant): (&Customer, &Tenant),
    version: u64,
    posted: &Brief,
    view: View<'_>,
    status: StatusCode,
) -> Result<Response, ApiError> {
    let comments = state.wishes.list_comments(tenant.id, customer.id).await?;
    Ok(show(
        who,
        (customer, tenant),
        version,
        posted,
        None,
        view,
        &comments,
        status,
    ))
}

#[allow(clippy::too_many_arguments)]
fn show(
    who: &UserSession,
    (customer, tenant): (&Customer, &Tenant),
    version: u64,
    brief: &Brief,
    saved_at: Option<chrono::DateTime<chrono::Utc>>,
    view: View<'_>,
    comments: &[WishesComment],
    status: StatusCode,
) -> Response {
    let html = pages::wishes(&WishesPage {
        page: Page {
            language: customer.language,
            agency: tenant.name.clone(),
        },
        nav: Nav::for_customer(customer, tenant, "wishes", &who.session.csrf),
        csrf: &who.session.csrf,
        version,
        brief,
        extra_pages: view.extra_pages,
        errors: view.errors,
        conflict: view.conflict,
        saved_at,
        saved: view.saved,
        submitted: view.submitted,
        comments,
    });
    let mut response = (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response();
    // The page's own policy (its script by hash); the router keeps it.
    if let Ok(csp) = HeaderValue::from_str(&WISHES_CSP) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    response
}

/// The brief the form posted: empty rows left out, rows kept in their order, sub-pages
/// (`pages[0].children[1].title`) under their page.
fn brief_of(form: &HashMap<String, String>) -> Brief {
    let get = |key: &str| {
        form.get(key)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default()
    };
    let keys: Vec<&str> = form.keys().map(String::as_str).collect();
    let pages = pages_of(form, &keys, "pages", 1);
    let colours = (0..=COLOURS_MAX)
        .filter_map(|i| {
            let hex = get(&format!("colours[{i}].hex"));
            if hex.is_empty() {
                return None;
            }
            let role = serde_json::from_value(serde_json::Value::String(get(&format!(
                "colours[{i}].role"
            ))))
            .unwrap_or(portal::domain::wishes::ColourRole::Primary);
            Some(BriefColour { hex, role })
        })
        .collect();
    let fonts = (0..=FONTS_MAX)
        .map(|i| get(&format!("fonts[{i}]")))
        .filter(|f| !f.is_empty())
        .collect();
    let examples = (0..=EXAMPLES_MAX)
        .filter_map(|i| {
            let url = get(&format!("examples[{i}].url"));
            let notes = get(&format!("examples[{i}].notes"));
            (!url.is_empty() || !notes.is_empty()).then_some(Example { url, notes })
        })
        .collect();
    let logo = match get("logo").as_str() {
        "needed" => Some(Logo::Needed),
        "file" => Some(Logo::File {
            file_id: get("logo.fileId"),
        }),
        _ => None,
    };
    Brief {
        pages,
        logo,
        colours,
        fonts,
        tone: get("tone"),
        examples,
        audience: get("audience"),
        competitors: get("competitors"),
        other: get("other"),
    }
}

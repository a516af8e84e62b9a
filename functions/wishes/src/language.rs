//! `POST /me/language`: the language switch every logged-in customer page carries. The
//! choice is remembered on the customer's record (pages and emails follow it), then the
//! browser goes back to the page it came from.

use axum::{
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use portal::{
    domain::{LocalPath, Subject, ValidCustomerChanges},
    http::{ApiError, FormBody, UserSession, retry_lost_races},
    ports::LinkVoids,
};
use serde::Deserialize;

use crate::WishesState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageForm {
    csrf: Option<String>,
    language: Option<String>,
    next: Option<String>,
}

pub async fn switch(
    State(state): State<WishesState>,
    who: UserSession,
    FormBody(form): FormBody<LanguageForm>,
) -> Result<Response, ApiError> {
    who.check_form_csrf(form.csrf.as_deref())?;
    let Subject::Customer(id) = who.session.subject else {
        // Staff choose their language on their account page.
        return Err(ApiError::NotFound("customer"));
    };
    let changes =
        ValidCustomerChanges::language_only(form.language.clone()).map_err(ApiError::Validation)?;
    let (state, changes) = (&state, &changes);
    let tenant = who.session.tenant_id;
    retry_lost_races(move || async move {
        let current =
            state
                .customers
                .get_customer(tenant, id)
                .await?
                .ok_or(ApiError::Unauthorized(
                    "Your portal access has been removed.",
                ))?;
        let valid = changes.clone();
        if valid.language == Some(current.language) {
            return Ok(Ok(()));
        }
        let next = valid.applied(&current, state.clock.now());
        Ok(state
            .customers
            .update_customer(&current, &next, &LinkVoids::default())
            .await)
    })
    .await?;
    let back = LocalPath::parse_or(form.next.as_deref(), "/start");
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, back.header_value()),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response())
}

//! "My data": the logged-in customer reads and updates their own record and changes their
//! password. The login email, the project status and the agency's notes stay the agency's.
//! A staff user gets the same routes for their own name, language and password.

use std::collections::HashMap;

use axum::{
    Json,
    extract::{FromRef, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
};
use portal::{
    domain::{
        Account, Customer, CustomerChanges, FieldError, StaffChanges, StaffMember, Subject,
        account::account_key, customer::AddressInput, password::Password, validation::Common,
    },
    http::{
        ApiError, FormBody, JsonBody, Submitted, UserSession, retry_lost_races,
        session::{self, PresentedSession},
    },
    pages::{self, MyDataPage, Page, StaffAccountPage},
    password_hash::{self, Verified},
    ports::{LinkVoids, StoreError},
    state::SessionPorts,
};
use serde::{Deserialize, Serialize};

use crate::{
    AuthState,
    holder::Holder,
    links::{session_answer, weak},
    lockout::{self, Decision},
};

/// The customer's own view of their record: no agency notes, no internal ids beyond their own.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MyData<'a> {
    id: portal::domain::CustomerId,
    company_name: &'a str,
    owner: Option<&'a str>,
    contact_person: Option<&'a str>,
    address: Option<&'a portal::domain::Address>,
    language: portal::domain::Language,
    mobile: Option<&'a portal::domain::PhoneNumber>,
    phone: Option<&'a portal::domain::PhoneNumber>,
    fax: Option<&'a portal::domain::PhoneNumber>,
    emails: &'a [portal::domain::Email],
    login_email: Option<&'a portal::domain::Email>,
    status: portal::domain::ProjectStatus,
    updated_at: chrono::DateTime<chrono::Utc>,
}

fn my_data(c: &Customer) -> serde_json::Value {
    serde_json::to_value(MyData {
        id: c.id,
        company_name: &c.company_name,
        owner: c.owner.as_deref(),
        contact_person: c.contact_person.as_deref(),
        address: c.address.as_ref(),
        language: c.language,
        mobile: c.mobile.as_ref(),
        phone: c.phone.as_ref(),
        fax: c.fax.as_ref(),
        emails: &c.emails,
        login_email: c.login_email.as_ref(),
        status: c.status,
        updated_at: c.updated_at,
    })
    .unwrap_or_default()
}

fn staff_data(s: &StaffMember, now: chrono::DateTime<chrono::Utc>) -> serde_json::Value {
    serde_json::json!({
        "id": s.id,
        "role": "staff",
        "name": s.name,
        "email": s.email,
        "language": s.language,
        "status": s.status_at(now),
        "updatedAt": s.updated_at,
    })
}

async fn load(
    state: &AuthState,
    who: &UserSession,
) -> Result<(Holder, portal::domain::Tenant), ApiError> {
    load_for(state, who.session.tenant_id, who.session.subject).await
}

/// The session's holder and agency, read at once.
async fn load_for(
    state: &AuthState,
    tenant: portal::domain::TenantId,
    subject: portal::domain::Subject,
) -> Result<(Holder, portal::domain::Tenant), ApiError> {
    let removed = || ApiError::Unauthorized("Your portal access has been removed.");
    let (holder, tenant) = tokio::try_join!(
        Holder::load(state, tenant, subject),
        state.tenants.get_tenant(tenant),
    )?;
    Ok((holder.ok_or_else(removed)?, tenant.ok_or_else(removed)?))
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

fn page(
    tenant: &portal::domain::Tenant,
    holder: &Holder,
    who: &UserSession,
    saved: bool,
    errors: &[FieldError],
    password: (bool, Option<String>),
    status: StatusCode,
) -> Response {
    let page = Page {
        language: holder.language(),
        agency: tenant.name.clone(),
    };
    let html = match holder {
        Holder::Customer(customer) => pages::my_data(&MyDataPage {
            page,
            customer,
            csrf: &who.session.csrf,
            saved,
            errors,
            password_changed: password.0,
            password_error: password.1,
            nav: Some(pages::Nav::for_customer(
                customer,
                tenant,
                "my-data",
                &who.session.csrf,
            )),
        }),
        Holder::Staff(member) => pages::staff_account(&StaffAccountPage {
            page,
            member,
            csrf: &who.session.csrf,
            saved,
            errors,
            password_changed: password.0,
            password_error: password.1,
        }),
    };
    (status, [(header::CACHE_CONTROL, "no-store")], Html(html)).into_response()
}

pub async fn read(
    State(state): State<AuthState>,
    headers: HeaderMap,
    presented: Result<PresentedSession, ApiError>,
) -> Result<Response, ApiError> {
    // The holder and the agency are read alongside the session's account: two round trips.
    let checked = match presented {
        Ok(presented) => {
            presented
                .check_with(&SessionPorts::from_ref(&state), |tenant, subject| {
                    load_for(&state, tenant, subject)
                })
                .await
        }
        Err(e) => Err(e),
    };
    let (who, (holder, tenant)) = match checked {
        // A bookmark or an expired session in a browser: the login page, then back here.
        Err(ApiError::Unauthorized(_)) if wants_html(&headers) => {
            return Ok((
                StatusCode::SEE_OTHER,
                [(axum::http::header::LOCATION, "/login?next=/me")],
            )
                .into_response());
        }
        checked => checked?,
    };
    if wants_html(&headers) {
        return Ok(page(
            &tenant,
            &holder,
            &who,
            false,
            &[],
            (false, None),
            StatusCode::OK,
        ));
    }
    let mut body = match &holder {
        Holder::Customer(customer) => my_data(customer),
        Holder::Staff(member) => staff_data(member, state.clock.now()),
    };
    body["csrfToken"] = serde_json::json!(who.session.csrf);
    Ok(Json(body).into_response())
}

/// What a user may change of their own record.
enum OwnChanges {
    Customer(Box<CustomerChanges>),
    Staff(StaffChanges),
}

/// Applies `changes`, retrying a lost race; the record as it is now.
async fn apply(
    state: &AuthState,
    who: &UserSession,
    changes: OwnChanges,
) -> Result<Holder, ApiError> {
    match changes {
        OwnChanges::Customer(c) => apply_customer(state, who, *c).await.map(Holder::Customer),
        OwnChanges::Staff(c) => apply_staff(state, who, c).await.map(Holder::Staff),
    }
}

async fn apply_staff(
    state: &AuthState,
    who: &UserSession,
    changes: StaffChanges,
) -> Result<StaffMember, ApiError> {
    let app = &state;
    let changes = &changes;
    retry_lost_races(move || async move {
        let Holder::Staff(current) = load(state, who).await?.0 else {
            return Err(ApiError::Unauthorized("Log in as a staff user."));
        };
        let next = changes
            .applied(&current, app.clock.now())
            .map_err(ApiError::Validation)?;
        Ok(app
            .staff
            .update_staff(&current, &next, None)
            .await
            .map(|()| next))
    })
    .await
}

/// Applies `changes` (already limited to the customer's own fields), retrying a lost race.
async fn apply_customer(
    state: &AuthState,
    who: &UserSession,
    changes: CustomerChanges,
) -> Result<Customer, ApiError> {
    let app = &state;
    let changes = &changes;
    retry_lost_races(move || async move {
        let Holder::Customer(current) = load(state, who).await?.0 else {
            return Err(ApiError::Unauthorized("Log in as a customer."));
        };
        let next = changes
            .clone()
            .validate(Some(&current))
            .map_err(ApiError::Validation)?
            .applied(&current, app.clock.now());
        // The login email is the agency's (refused above), so nothing here voids links.
        Ok(app
            .customers
            .update_customer(&current, &next, &LinkVoids::default())
            .await
            .map(|()| next))
    })
    .await
}

/// Refuses the agency's fields: a customer's login email, status and notes; a staff user's
/// email (a colleague invites the new address instead).
fn own_fields_only(value: &serde_json::Value, staff: bool) -> Result<(), ApiError> {
    let (agency_fields, problem): (&[&str], _) = if staff {
        (&["email", "loginEmail"], Common::AskAColleague)
    } else {
        (&["loginEmail", "status", "notes"], Common::AgencyOnly)
    };
    let errors: Vec<FieldError> = agency_fields
        .iter()
        .filter(|f| value.get(**f).is_some())
        .map(|f| FieldError::of(*f, &problem))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

pub async fn patch(
    State(state): State<AuthState>,
    who: UserSession,
    JsonBody(value): JsonBody<serde_json::Value>,
) -> Result<Response, ApiError> {
    let staff = matches!(who.session.subject, Subject::Staff(_));
    own_fields_only(&value, staff)?;
    let body = value.to_string();
    let changes = if staff {
        OwnChanges::Staff(portal::http::extract::parse_json(body.as_bytes())?)
    } else {
        OwnChanges::Customer(Box::new(portal::http::extract::parse_json(
            body.as_bytes(),
        )?))
    };
    Ok(Json(match apply(&state, &who, changes).await? {
        Holder::Customer(c) => my_data(&c),
        Holder::Staff(s) => staff_data(&s, state.clock.now()),
    })
    .into_response())
}

/// The My data page's form: flat fields, `address.*`, and `emails` as one list.
fn from_form(form: &HashMap<String, String>) -> CustomerChanges {
    let text = |name: &str| form.get(name).map(|v| Some(v.clone()));
    let address_fields = ["street", "postalCode", "city", "region", "country"];
    let address_given = address_fields.iter().any(|f| {
        form.get(&format!("address.{f}"))
            .is_some_and(|v| !v.trim().is_empty())
    });
    let address = if address_given {
        let part = |f: &str| {
            form.get(&format!("address.{f}"))
                .cloned()
                .filter(|v| !v.trim().is_empty())
        };
        Some(Some(AddressInput {
            street: part("street"),
            postal_code: part("postalCode"),
            city: part("city"),
            region: part("region"),
            country: part("country"),
        }))
    } else if address_fields
        .iter()
        .any(|f| form.contains_key(&format!("address.{f}")))
    {
        Some(None)
    } else {
        None
    };
    let emails = form.get("emails").map(|list| {
        Some(
            list.split([',', ';', '\n', ' '])
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_owned)
                .collect(),
        )
    });
    CustomerChanges {
        company_name: text("companyName"),
        owner: text("owner"),
        contact_person: text("contactPerson"),
        address,
        language: text("language"),
        mobile: text("mobile"),
        phone: text("phone"),
        fax: text("fax"),
        emails,
        ..CustomerChanges::default()
    }
}

pub async fn form(
    State(state): State<AuthState>,
    who: UserSession,
    FormBody(form): FormBody<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    who.check_form_csrf(form.get("csrf").map(String::as_str))?;
    let changes = match who.session.subject {
        Subject::Customer(_) => OwnChanges::Customer(Box::new(from_form(&form))),
        Subject::Staff(_) => OwnChanges::Staff(StaffChanges {
            name: form.get("name").cloned(),
            language: form.get("language").cloned(),
        }),
    };
    match apply(&state, &who, changes).await {
        Ok(_) => {
            let (holder, tenant) = load(&state, &who).await?;
            Ok(page(
                &tenant,
                &holder,
                &who,
                true,
                &[],
                (false, None),
                StatusCode::OK,
            ))
        }
        Err(ApiError::Validation(errors)) => {
            let (holder, tenant) = load(&state, &who).await?;
            Ok(page(
                &tenant,
                &holder,
                &who,
                false,
                &errors,
                (false, None),
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
        Err(e) => Err(e),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current: String,
    new: String,
    #[serde(default)]
    csrf: Option<String>,
}

/// Changes the password; every other session of the user ends, this one goes on under a
/// new token.
pub async fn change_password(
    State(state): State<AuthState>,
    who: UserSession,
    body: Submitted<PasswordChange>,
) -> Result<Response, ApiError> {
    let is_form = body.is_form();
    let request = body.into_inner();
    if is_form {
        who.check_form_csrf(request.csrf.as_deref())?;
    }
    let app = &state;
    let (holder, tenant) = load(&state, &who).await?;
    let language = holder.language();
    let refuse =
        |message: String, field: &'static str, status: StatusCode| -> Result<Response, ApiError> {
            if is_form {
                return Ok(page(
                    &tenant,
                    &holder,
                    &who,
                    false,
                    &[],
                    (false, Some(message)),
                    status,
                ));
            }
            Err(ApiError::PasswordNotChanged { field, message })
        };
    // A wrong current password counts as a failed login of the account, before it is
    // checked: a stolen session must not be a way around the lockout.
    let key = holder.login_email().map_or_else(
        || {
            format!(
                "password-change#{}#{}",
                who.account.tenant_id, who.account.subject
            )
        },
        account_key,
    );
    let limit = [(key, crate::login::MAX_FAILURES_PER_ACCOUNT)];
    let counted = match lockout::count(app, &limit).await? {
        Decision::Allowed(counted) => counted,
        Decision::Refused { retry_after } => {
            tracing::warn!("password change refused: too many wrong current passwords");
            let message =
                crate::login::locked_message(language, "password-change-locked", retry_after);
            if !is_form {
                return Err(ApiError::TooManyAttempts {
                    message,
                    retry_after,
                    field: Some("current"),
                });
            }
            let mut response = page(
                &tenant,
                &holder,
                &who,
                false,
                &[],
                (false, Some(message)),
                StatusCode::TOO_MANY_REQUESTS,
            );
            // The page says it in words; the header says it to the browser, as the problem does.
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after.max(1)));
            return Ok(response);
        }
    };
    let current = Password::new(&request.current);
    if password_hash::verify(&current, Some(&who.account.password_hash)).await? == Verified::NoMatch
    {
        return refuse(
            portal::i18n::t(language, "password-current-wrong"),
            "current",
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    lockout::take_back(app, counted).await?;
    let new = Password::new(&request.new);
    if let Err(problem) = new.check_new(holder.login_email()) {
        if is_form {
            return refuse(
                problem.message(language),
                "new",
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        return Err(weak(problem, language, "new"));
    }
    let now = app.clock.now();
    let next = Account {
        password_hash: password_hash::hash(&new).await?,
        password_changed_at: now,
        session_epoch: who.account.session_epoch + 1,
        version: who.account.version + 1,
        ..who.account.clone()
    };
    match app.accounts.update_account(&who.account, &next).await {
        Err(StoreError::VersionConflict) => return Err(ApiError::ConcurrentChange),
        other => other?,
    }
    let (token, fresh) = session::start(&next, now)?;
    app.sessions.put_session(&fresh).await?;
    app.sessions.delete_session(&who.session.hash).await?;
    tracing::info!(tenant = %tenant.id, subject = %next.subject, "password changed");
    if is_form {
        let fresh_who = UserSession::new(fresh.clone(), next, true);
        let mut response = page(
            &tenant,
            &holder,
            &fresh_who,
            false,
            &[],
            (true, None),
            StatusCode::OK,
        );
        response
            .headers_mut()
            .insert(header::SET_COOKIE, session::cookie(&tenant, &token, &fresh));
        return Ok(response);
    }
    Ok(session_answer(&tenant, &token, &fresh))
}

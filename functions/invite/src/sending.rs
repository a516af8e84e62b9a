//! Sending, copying, listing and revoking invitations.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Duration, Utc};
use portal::{
    domain::{
        Channel, Customer, CustomerId, Email, EventKind, FieldError, FieldErrors, Invitation,
        InvitationEvent, InvitationId, InvitationState, Language, LinkToken, OutgoingEmail,
        OutgoingSms, PortalArea, Tenant, TokenRecord, VoidReason, text,
    },
    http::{
        ApiError, JsonBody, PathParam, StaffAuth, client_language, idempotency, retry_lost_races,
    },
    messages::InvitationVars,
    ports::StoreError,
};
use serde::{Deserialize, Serialize};

use crate::{
    InviteState,
    templates::{effective_templates, template_unusable},
    view::InvitationView,
};

const NOTE_MAX: usize = 1_000;

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SendRequest {
    /// `email`, `sms`, or both; email when left out.
    channels: Option<Vec<String>>,
    /// The portal area the links open; the start page when left out.
    area: Option<String>,
    /// A personal note placed in the email.
    note: Option<String>,
    /// Another of the customer's email addresses (say, the contact person's) to send the
    /// email to; the username stays the login email, and the email says so.
    recipient: Option<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LinkRequest {
    area: Option<String>,
}

struct ValidSend {
    channels: Vec<Channel>,
    area: PortalArea,
    note: Option<String>,
    recipient: Option<Email>,
}

fn parse_area(errors: &mut FieldErrors, raw: Option<&str>) -> PortalArea {
    match raw {
        None => PortalArea::Start,
        Some(raw) => errors.check("area", raw.parse()).unwrap_or_default(),
    }
}

impl SendRequest {
    fn validate(&self) -> Result<ValidSend, ApiError> {
        let mut errors = FieldErrors::default();
        let mut channels = Vec::new();
        match &self.channels {
            None => channels.push(Channel::Email),
            Some(list) if list.is_empty() => {
                errors.push("channels", "must name email, sms or both")
            }
            Some(list) => {
                for (i, raw) in list.iter().enumerate() {
                    let channel = match raw.trim().to_ascii_lowercase().as_str() {
                        "email" => Channel::Email,
                        "sms" => Channel::Sms,
                        _ => {
                            errors.push(format!("channels[{i}]"), "must be email or sms");
                            continue;
                        }
                    };
                    if channels.contains(&channel) {
                        errors.push(format!("channels[{i}]"), "is listed twice");
                    } else {
                        channels.push(channel);
                    }
                }
            }
        }
        let area = parse_area(&mut errors, self.area.as_deref());
        let note = match self
            .note
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            None => None,
            Some(raw) => errors.check("note", text::clean(raw, NOTE_MAX, true)),
        };
        let recipient = match self.recipient.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(_) if !channels.contains(&Channel::Email) => {
                errors.push("recipient", "needs the email channel");
                None
            }
            Some(raw) => errors.check("recipient", Email::parse(raw)),
        };
        errors
            .finish(|| ValidSend {
                channels,
                area,
                note,
                recipient,
            })
            .map_err(ApiError::Validation)
    }
}

fn customer_id(raw: &str) -> Result<CustomerId, ApiError> {
    raw.parse().map_err(|_| {
        ApiError::invalid_parameter(
            "customerId",
            "is not a customer id (26 characters, as returned when the customer was created)",
        )
    })
}

async fn load_customer(
    state: &InviteState,
    auth: StaffAuth,
    raw_id: &str,
) -> Result<Customer, ApiError> {
    state
        .customers
        .get_customer(auth.tenant_id, customer_id(raw_id)?)
        .await?
        .ok_or(ApiError::NotFound("customer"))
}

/// The address the agency picked for the email, as the customer's record has it (mail goes
/// to stored addresses, never to a spelling someone typed); `None` when it is the login
/// email (the email goes there anyway).
fn recipient_on_record(
    customer: &Customer,
    recipient: Option<Email>,
) -> Result<Option<Email>, ApiError> {
    let Some(wanted) = recipient.map(|r| r.normalized()) else {
        return Ok(None);
    };
    if customer.login_email.as_ref().map(Email::normalized) == Some(wanted.clone()) {
        return Ok(None);
    }
    match customer.emails.iter().find(|e| e.normalized() == wanted) {
        Some(stored) => Ok(Some(stored.clone())),
        None => Err(ApiError::Validation(vec![FieldError::new(
            "recipient",
            "is not one of the customer's email addresses (loginEmail or emails)",
        )])),
    }
}

/// Refuses customers who can't be invited: no login email (their username), no mobile number
/// for SMS, or a password already set.
fn check_invitable(customer: &Customer, channels: &[Channel]) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if customer.login_email.is_none() {
        errors.push(FieldError::new(
            "loginEmail",
            "is missing: the customer needs a login email (their username) before they can be invited",
        ));
    }
    if channels.contains(&Channel::Sms) && customer.mobile.is_none() {
        errors.push(FieldError::new(
            "mobile",
            "is missing: an SMS invitation needs the customer's mobile number",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::CustomerNotInvitable(errors));
    }
    if customer.activated_at.is_some() {
        return Err(ApiError::CustomerAlreadyActive);
    }
    Ok(())
}

fn links(tenant: &Tenant, token: &LinkToken, area: PortalArea) -> (String, String) {
    let base = tenant.portal_base_url.as_str();
    let login = match area {
        PortalArea::Start => format!("{base}/login"),
        other => format!("{base}/login?next={}", other.path()),
    };
    (format!("{base}/invite/{}", token.expose()), login)
}

/// What the messages will say, rendered before anything is stored so a template problem
/// leaves no trace.
struct Prepared {
    invitation: Invitation,
    token_record: TokenRecord,
    invitation_link: String,
    login_link: String,
    email: Option<OutgoingEmail>,
    sms: Option<OutgoingSms>,
}

#[allow(clippy::too_many_arguments)]
async fn prepare(
    state: &InviteState,
    auth: StaffAuth,
    tenant: &Tenant,
    customer: &Customer,
    channels: Vec<Channel>,
    area: PortalArea,
    note: Option<String>,
    recipient: Option<Email>,
    now: DateTime<Utc>,
    speak: Language,
) -> Result<Prepared, ApiError> {
    let language = customer.language;
    let token = LinkToken::generate()?;
    let expires_at = now + Duration::days(tenant.invitation_validity_days.days().into());
    let (invitation_link, login_link) = links(tenant, &token, area);
    let vars = InvitationVars::for_customer(
        tenant,
        customer,
        language,
        area,
        note.as_deref(),
        invitation_link.clone(),
        login_link.clone(),
        expires_at,
    );
    let (email_template, sms_template) = effective_templates(state, tenant.id, language).await?;
    let template_problem = |channel, e: portal::messages::TemplateError| {
        template_unusable(language, channel, &e, speak)
    };
    let login_email = customer
        .login_email
        .clone()
        .ok_or(ApiError::NotFound("login email"))?;
    // Whatever the channel, the link sets the password of this login email only.
    let login_email_bound = login_email.clone();
    let email = if channels.contains(&Channel::Email) {
        let rendered = email_template
            .render(language, &vars)
            .map_err(|e| template_problem(Channel::Email, e))?;
        Some(OutgoingEmail {
            from: tenant.sender_email.clone(),
            from_name: tenant.name.clone(),
            to: recipient.clone().unwrap_or(login_email),
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
        })
    } else {
        None
    };
    let sms = match (channels.contains(&Channel::Sms), &customer.mobile) {
        (true, Some(mobile)) => Some(OutgoingSms {
            to: mobile.clone(),
            text: sms_template
                .render(&vars)
                .map_err(|e| template_problem(Channel::Sms, e))?,
        }),
        _ => None,
    };
    let invitation = Invitation {
        id: InvitationId::new(),
        tenant_id: tenant.id,
        customer_id: customer.id,
        channels,
        area,
        note,
        language,
        state: InvitationState::Pending,
        token_hash: token.hash(),
        recipient: recipient.clone(),
        created_at: now,
        expires_at,
        created_by: auth.actor,
        history: vec![InvitationEvent {
            at: now,
            event: EventKind::Created,
            channel: None,
            detail: None,
            by: auth.actor,
        }],
        version: 1,
    };
    let token_record = TokenRecord::for_invitation(&invitation).sent_to(&login_email_bound);
    Ok(Prepared {
        invitation,
        token_record,
        invitation_link,
        login_link,
        email,
        sms,
    })
}

/// Stores the new invitation and voids every earlier one that could still be used. A
/// concurrent send that voided or added one in between makes it look again: nothing has
/// been sent yet, so trying again is safe.
async fn issue(
    state: &InviteState,
    auth: StaffAuth,
    customer: &Customer,
    prepared: &Prepared,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    retry_lost_races(|| async {
        let open: Vec<Invitation> = state
            .invitations
            .list_invitations(customer.tenant_id, customer.id)
            .await?
            .into_iter()
            .filter(|i| i.state_at(now).is_open())
            .collect();
        let superseded: Vec<(Invitation, Invitation)> = open
            .into_iter()
            .map(|current| {
                let event = InvitationEvent {
                    at: now,
                    event: EventKind::Superseded,
                    channel: None,
                    detail: Some(format!("replaced by invitation {}", prepared.invitation.id)),
                    by: auth.actor,
                };
                let next = current.with_event(event, InvitationState::Revoked);
                (current, next)
            })
            .collect();
        Ok(state
            .invitations
            .issue_invitation(
                customer,
                &prepared.invitation,
                &prepared.token_record,
                &superseded,
            )
            .await)
    })
    .await
}

pub async fn send(
    State(state): State<InviteState>,
    auth: StaffAuth,
    PathParam(raw_customer): PathParam<String>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<SendRequest>,
) -> Result<Response, ApiError> {
    let valid = request.validate()?;
    let fingerprint =
        idempotency::fingerprint(&format!("send-invitation {raw_customer}"), &request);
    let app = state.clone();
    let speak = client_language(&headers);
    idempotency::run_once(&app, auth.tenant_id, &headers, fingerprint, || async move {
        let customer = load_customer(&state, auth, &raw_customer).await?;
        check_invitable(&customer, &valid.channels)?;
        let recipient = recipient_on_record(&customer, valid.recipient)?;
        let tenant = auth.tenant(&state).await?;
        let now = state.clock.now();
        let prepared = prepare(
            &state,
            auth,
            &tenant,
            &customer,
            valid.channels,
            valid.area,
            valid.note,
            recipient,
            now,
            speak,
        )
        .await?;
        issue(&state, auth, &customer, &prepared, now).await?;
        deliver(&state, auth, prepared).await
    })
    .await
}

/// Sends on every channel, records each result, and answers honestly: 201 when everything
/// went out, otherwise 502 (refused) or 503 (try later) with the recorded invitation.
async fn deliver(
    state: &InviteState,
    auth: StaffAuth,
    prepared: Prepared,
) -> Result<Response, ApiError> {
    let mut events = Vec::new();
    let mut failures = Vec::new();
    if let Some(email) = &prepared.email {
        let result = state.mailer.send_email(email).await;
        events.push((Channel::Email, result));
    }
    if let Some(sms) = &prepared.sms {
        let result = state.sms.send_sms(sms).await;
        events.push((Channel::Sms, result));
    }
    let (id, customer_id) = (prepared.invitation.id, prepared.invitation.customer_id);
    let now = state.clock.now();
    let mut delivered = Vec::new();
    for (channel, result) in events {
        let (event, detail) = match result {
            Ok(message_id) => (EventKind::Sent, message_id),
            Err(e) => {
                tracing::warn!(invitation = %id, %channel, error = %e, "invitation not delivered");
                let detail = e.to_string();
                failures.push((channel, e));
                (EventKind::Failed, detail)
            }
        };
        delivered.push(InvitationEvent {
            at: now,
            event,
            channel: Some(channel),
            detail: Some(detail),
            by: auth.actor,
        });
    }
    let outcome = if failures.is_empty() {
        InvitationState::Sent
    } else {
        InvitationState::Failed
    };
    // The messages are out: what they were must be recorded even when a concurrent send
    // superseded (or staff revoked) this invitation meanwhile, or a retry would send again.
    let invitations = &state.invitations;
    let mut known = Some(prepared.invitation);
    let invitation = retry_lost_races(|| {
        let known = known.take();
        let delivered = &delivered;
        async move {
            let current = match known {
                Some(current) => current,
                None => invitations
                    .get_invitation(auth.tenant_id, customer_id, id)
                    .await?
                    .ok_or(ApiError::NotFound("invitation"))?,
            };
            let next = with_delivery(&current, delivered, outcome);
            Ok(invitations
                .update_invitation(&current, &next, None)
                .await
                .map(|()| next))
        }
    })
    .await?;
    let location = format!(
        "/customers/{}/invitations/{}",
        invitation.customer_id, invitation.id
    );
    if failures.is_empty() {
        tracing::info!(invitation = %invitation.id, "invitation sent");
        return Ok(created(&location, InvitationView::json(&invitation, now)));
    }
    Err(ApiError::InvitationNotDelivered {
        failures,
        invitation: InvitationView::json(&invitation, now),
    })
}

/// `current` with the delivery `events` added. An invitation still pending becomes
/// `outcome`; one superseded or revoked meanwhile keeps that state (its link is void) but
/// still records what went out.
fn with_delivery(
    current: &Invitation,
    events: &[InvitationEvent],
    outcome: InvitationState,
) -> Invitation {
    let mut next = current.clone();
    next.history.extend_from_slice(events);
    if next.state == InvitationState::Pending {
        next.state = outcome;
    }
    next.version += 1;
    next
}

fn created(location: &str, body: serde_json::Value) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

pub async fn copy_link(
    State(state): State<InviteState>,
    auth: StaffAuth,
    PathParam(raw_customer): PathParam<String>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<LinkRequest>,
) -> Result<Response, ApiError> {
    let mut errors = FieldErrors::default();
    let area = parse_area(&mut errors, request.area.as_deref());
    errors.finish(|| ()).map_err(ApiError::Validation)?;
    let customer = load_customer(&state, auth, &raw_customer).await?;
    check_invitable(&customer, &[Channel::Link])?;
    let tenant = auth.tenant(&state).await?;
    let now = state.clock.now();
    let prepared = prepare(
        &state,
        auth,
        &tenant,
        &customer,
        vec![Channel::Link],
        area,
        None,
        None,
        now,
        client_language(&headers),
    )
    .await?;
    issue(&state, auth, &customer, &prepared, now).await?;
    let location = format!(
        "/customers/{}/invitations/{}",
        customer.id, prepared.invitation.id
    );
    Ok(created(
        &location,
        serde_json::json!({
            "invitation": InvitationView::of(&prepared.invitation, now),
            "invitationLink": prepared.invitation_link,
            "loginLink": prepared.login_link,
            "expiresAt": prepared.invitation.expires_at,
        }),
    ))
}

pub async fn list(
    State(state): State<InviteState>,
    auth: StaffAuth,
    PathParam(raw_customer): PathParam<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let customer = load_customer(&state, auth, &raw_customer).await?;
    let now = state.clock.now();
    let invitations = state
        .invitations
        .list_invitations(auth.tenant_id, customer.id)
        .await?;
    let items: Vec<_> = invitations
        .iter()
        .map(|i| InvitationView::of(i, now))
        .collect();
    Ok(Json(serde_json::json!({
        "items": items,
        "neverLoggedIn": customer.last_login_at.is_none(),
        "activatedAt": customer.activated_at,
    })))
}

async fn load_invitation(
    state: &InviteState,
    auth: StaffAuth,
    raw_customer: &str,
    raw_invitation: &str,
) -> Result<Invitation, ApiError> {
    let customer = customer_id(raw_customer)?;
    let id: InvitationId = raw_invitation
        .parse()
        .map_err(|_| ApiError::invalid_parameter("invitationId", "is not an invitation id"))?;
    state
        .invitations
        .get_invitation(auth.tenant_id, customer, id)
        .await?
        .ok_or(ApiError::NotFound("invitation"))
}

pub async fn read(
    State(state): State<InviteState>,
    auth: StaffAuth,
    PathParam((raw_customer, raw_invitation)): PathParam<(String, String)>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let invitation = load_invitation(&state, auth, &raw_customer, &raw_invitation).await?;
    Ok(Json(InvitationView::json(&invitation, state.clock.now())))
}

pub async fn revoke(
    State(state): State<InviteState>,
    auth: StaffAuth,
    PathParam((raw_customer, raw_invitation)): PathParam<(String, String)>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let current = load_invitation(&state, auth, &raw_customer, &raw_invitation).await?;
    let now = state.clock.now();
    let shown = current.state_at(now);
    if !shown.is_open() {
        return Err(ApiError::InvitationClosed(shown));
    }
    let event = InvitationEvent {
        at: now,
        event: EventKind::Revoked,
        channel: None,
        detail: None,
        by: auth.actor,
    };
    let next = current.with_event(event, InvitationState::Revoked);
    match state
        .invitations
        .update_invitation(&current, &next, Some((VoidReason::Revoked, now)))
        .await
    {
        Err(StoreError::VersionConflict) => Err(ApiError::ConcurrentChange),
        other => other.map_err(ApiError::from),
    }?;
    Ok(Json(InvitationView::json(&next, now)))
}

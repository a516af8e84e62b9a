//! The use cases: send an invitation (email, SMS or both), copy a link for the agency to send
//! itself, revoke one. Every new invitation voids the customer's earlier open ones.

use chrono::{DateTime, Duration, Utc};

use super::{InviteError, ValidSend};
use crate::{
    domain::{
        Actor, Channel, Customer, CustomerId, Email, EventKind, FieldError, Invitation,
        InvitationEvent, InvitationId, InvitationState, Language, LinkToken, OutgoingEmail,
        OutgoingSms, PortalArea, Tenant, TenantId, TokenRecord, VoidReason,
    },
    http::retry::retry_lost_races_as,
    messages::{EmailTemplate, InvitationVars, SmsTemplate, TemplateError},
    ports::{
        Clock, InvitationStore, Mailer, OpenInvitations, SmsSender, StoreError, TemplateOverride,
        TemplateStore,
    },
};

/// What issuing an invitation reads and writes: the invitations, the agency's wording, the
/// time.
#[derive(Clone, Copy)]
pub struct Issuing<'a> {
    pub invitations: &'a dyn InvitationStore,
    pub templates: &'a dyn TemplateStore,
    pub clock: &'a dyn Clock,
}

/// The two ways a message goes out.
#[derive(Clone, Copy)]
pub struct Delivery<'a> {
    pub mailer: &'a dyn Mailer,
    pub sms: &'a dyn SmsSender,
}

/// An invitation as written, and when (its state is shown as of then).
#[derive(Debug)]
pub struct Recorded {
    pub invitation: Invitation,
    pub at: DateTime<Utc>,
}

/// A copied link's invitation and the two links the agency sends itself.
#[derive(Debug)]
pub struct Copied {
    pub invitation: Invitation,
    pub invitation_link: String,
    pub login_link: String,
    pub at: DateTime<Utc>,
}

/// What issuing an invitation reads besides the customer and the agency: the agency's own
/// templates (when a message is to be rendered) and the customer's open invitations (to
/// supersede them). [`gather`] reads them at once, so a handler can read them alongside the
/// customer and the agency: one round trip for all.
#[derive(Debug, Default)]
pub struct Gathered {
    overrides: Vec<TemplateOverride>,
    open: OpenInvitations,
}

/// Reads what [`send`] and [`copy_link`] need besides the customer and the agency, all at
/// once; `messages` when a message will be rendered (not for a copied link).
pub async fn gather(
    ports: &Issuing<'_>,
    tenant: TenantId,
    customer: CustomerId,
    messages: bool,
) -> Result<Gathered, StoreError> {
    let overrides = async {
        if messages {
            ports.templates.list_templates(tenant).await
        } else {
            Ok(Vec::new())
        }
    };
    let (overrides, open) = tokio::try_join!(
        overrides,
        ports.invitations.open_invitations(tenant, customer)
    )?;
    Ok(Gathered { overrides, open })
}

/// [`gather`] for a customer created in this very request: none of their invitations is open
/// yet, as their store says from the start, so only the agency's templates are read.
pub async fn gather_for_new_customer(
    ports: &Issuing<'_>,
    tenant: TenantId,
) -> Result<Gathered, StoreError> {
    Ok(Gathered {
        overrides: ports.templates.list_templates(tenant).await?,
        open: OpenInvitations::of_new_customer(),
    })
}

/// The agency's templates for `language` where it has them, the built-in ones otherwise.
pub async fn effective_templates(
    templates: &dyn TemplateStore,
    tenant: TenantId,
    language: Language,
) -> Result<(EmailTemplate, SmsTemplate), StoreError> {
    let overrides = templates.list_templates(tenant).await?;
    Ok(choose_templates(&overrides, language))
}

/// Out of the agency's `overrides`, those for `language`, else the built-in ones.
fn choose_templates(
    overrides: &[TemplateOverride],
    language: Language,
) -> (EmailTemplate, SmsTemplate) {
    let find = |channel| {
        overrides
            .iter()
            .find(|t| t.channel == channel && t.language == language)
    };
    let email = match find(Channel::Email) {
        Some(t) => EmailTemplate {
            subject: t.subject.clone().unwrap_or_default(),
            body: t.body.clone(),
        },
        None => EmailTemplate::builtin(language),
    };
    let sms = match find(Channel::Sms) {
        Some(t) => SmsTemplate {
            body: t.body.clone(),
        },
        None => SmsTemplate::builtin(language),
    };
    (email, sms)
}

/// The address the agency picked for the email, as the customer's record has it (mail goes
/// to stored addresses, never to a spelling someone typed); `None` when it is the login
/// email (the email goes there anyway).
fn recipient_on_record(
    customer: &Customer,
    recipient: Option<Email>,
) -> Result<Option<Email>, InviteError> {
    let Some(wanted) = recipient.map(|r| r.normalized()) else {
        return Ok(None);
    };
    if customer.login_email.as_ref().map(Email::normalized) == Some(wanted.clone()) {
        return Ok(None);
    }
    match customer.emails.iter().find(|e| e.normalized() == wanted) {
        Some(stored) => Ok(Some(stored.clone())),
        None => Err(InviteError::Invalid(vec![FieldError::new(
            "recipient",
            "is not one of the customer's email addresses (loginEmail or emails)",
        )])),
    }
}

/// Refuses, before anything is written, a recipient that is not one of `customer`'s
/// addresses: what [`send`] would refuse, for a customer about to be created with the
/// invitation.
pub fn check_recipient(customer: &Customer, request: &ValidSend) -> Result<(), InviteError> {
    recipient_on_record(customer, request.recipient.clone()).map(|_| ())
}

/// Refuses customers who can't be invited: no login email (their username), no mobile number
/// for SMS, or a password already set.
fn check_invitable(customer: &Customer, channels: &[Channel]) -> Result<(), InviteError> {
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
        return Err(InviteError::NotInvitable(errors));
    }
    if customer.activated_at.is_some() {
        return Err(InviteError::AlreadyActive);
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

fn prepare(
    overrides: &[TemplateOverride],
    tenant: &Tenant,
    customer: &Customer,
    by: Actor,
    request: ValidSend,
    now: DateTime<Utc>,
    speak: Language,
) -> Result<Prepared, InviteError> {
    let ValidSend {
        channels,
        area,
        note,
        recipient,
    } = request;
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
    let (email_template, sms_template) = choose_templates(overrides, language);
    let template_problem = |channel, error: TemplateError| {
        tracing::warn!(%language, %channel, %error, "the agency's template can't be used");
        InviteError::TemplateUnusable {
            language,
            channel,
            error,
            speak,
        }
    };
    let login_email = customer
        .login_email
        .clone()
        .ok_or(InviteError::NotFound("login email"))?;
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
            reply_to: None,
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
        recipient,
        created_at: now,
        expires_at,
        created_by: by,
        history: vec![InvitationEvent {
            at: now,
            event: EventKind::Created,
            channel: None,
            detail: None,
            by,
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

/// Stores the new invitation and supersedes every earlier one that could still be used,
/// first among the `known` open ones (read alongside the customer). A concurrent send (or
/// anything else opening or closing one) in between makes it look again: nothing has been
/// sent yet, so trying again is safe.
async fn issue(
    invitations: &dyn InvitationStore,
    by: Actor,
    customer: &Customer,
    prepared: &Prepared,
    known: OpenInvitations,
    now: DateTime<Utc>,
) -> Result<(), InviteError> {
    let superseded = Invitation::superseded_event(prepared.invitation.id, by, now);
    let mut known = Some(known);
    retry_lost_races_as(|| {
        let known = known.take();
        let superseded = &superseded;
        async move {
            let mut open = match known {
                Some(known) => known,
                None => {
                    invitations
                        .open_invitations(customer.tenant_id, customer.id)
                        .await?
                }
            };
            // Past its expiry a link is closed already: it is left as it is.
            open.invitations.retain(|i| now < i.expires_at);
            Ok(invitations
                .issue_invitation(
                    customer,
                    &prepared.invitation,
                    &prepared.token_record,
                    &open,
                    superseded,
                )
                .await)
        }
    })
    .await
}

/// Renders what will go out and stores the new invitation over the customer's open ones:
/// what [`send`] and [`copy_link`] share.
#[allow(clippy::too_many_arguments)] // the reads of `gathered` went out with the caller's
async fn prepare_and_issue(
    ports: &Issuing<'_>,
    tenant: &Tenant,
    customer: &Customer,
    by: Actor,
    request: ValidSend,
    now: DateTime<Utc>,
    speak: Language,
    gathered: Gathered,
) -> Result<Prepared, InviteError> {
    let prepared = prepare(
        &gathered.overrides,
        tenant,
        customer,
        by,
        request,
        now,
        speak,
    )?;
    issue(
        ports.invitations,
        by,
        customer,
        &prepared,
        gathered.open,
        now,
    )
    .await?;
    Ok(prepared)
}

/// Invites `customer` on the channels asked for, superseding their earlier invitations, and
/// records what each channel did. `Ok` when everything went out; otherwise
/// [`InviteError::NotDelivered`] with the recorded invitation (stored: a retry sends anew).
#[allow(clippy::too_many_arguments)] // the reads of `gathered` went out with the caller's
pub async fn send(
    ports: &Issuing<'_>,
    delivery: &Delivery<'_>,
    tenant: &Tenant,
    customer: &Customer,
    by: Actor,
    mut request: ValidSend,
    speak: Language,
    gathered: Gathered,
) -> Result<Recorded, InviteError> {
    check_invitable(customer, &request.channels)?;
    request.recipient = recipient_on_record(customer, request.recipient.take())?;
    let now = ports.clock.now();
    let prepared =
        prepare_and_issue(ports, tenant, customer, by, request, now, speak, gathered).await?;
    deliver(ports, delivery, by, prepared).await
}

/// Sends on every channel, records each result, and says honestly what went out.
async fn deliver(
    ports: &Issuing<'_>,
    delivery: &Delivery<'_>,
    by: Actor,
    prepared: Prepared,
) -> Result<Recorded, InviteError> {
    let mut events = Vec::new();
    let mut failures = Vec::new();
    if let Some(email) = &prepared.email {
        events.push((Channel::Email, delivery.mailer.send_email(email).await));
    }
    if let Some(sms) = &prepared.sms {
        events.push((Channel::Sms, delivery.sms.send_sms(sms).await));
    }
    let invitation = prepared.invitation;
    let (id, tenant_id, customer_id) =
        (invitation.id, invitation.tenant_id, invitation.customer_id);
    let now = ports.clock.now();
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
            by,
        });
    }
    let outcome = if failures.is_empty() {
        InvitationState::Sent
    } else {
        InvitationState::Failed
    };
    // The messages are out: what they were must be recorded even when a concurrent send
    // superseded (or staff revoked) this invitation meanwhile, or a retry would send again.
    let invitations = ports.invitations;
    let mut known = Some(invitation);
    let invitation = retry_lost_races_as::<_, InviteError, _>(|| {
        let known = known.take();
        let delivered = &delivered;
        async move {
            let current = match known {
                Some(current) => current,
                None => invitations
                    .get_invitation(tenant_id, customer_id, id)
                    .await?
                    .ok_or(InviteError::NotFound("invitation"))?,
            };
            let next = current.with_delivery(delivered, outcome);
            Ok(invitations
                .update_invitation(&current, &next, None)
                .await
                .map(|()| next))
        }
    })
    .await?;
    if failures.is_empty() {
        tracing::info!(invitation = %invitation.id, "invitation sent");
        return Ok(Recorded {
            invitation,
            at: now,
        });
    }
    Err(InviteError::NotDelivered {
        failures,
        invitation: Box::new(invitation),
        at: now,
    })
}

/// A link for the agency to send `customer` itself, superseding their earlier invitations.
pub async fn copy_link(
    ports: &Issuing<'_>,
    tenant: &Tenant,
    customer: &Customer,
    by: Actor,
    area: PortalArea,
    speak: Language,
    gathered: Gathered,
) -> Result<Copied, InviteError> {
    let channels = vec![Channel::Link];
    check_invitable(customer, &channels)?;
    let now = ports.clock.now();
    let request = ValidSend {
        channels,
        area,
        note: None,
        recipient: None,
    };
    let prepared =
        prepare_and_issue(ports, tenant, customer, by, request, now, speak, gathered).await?;
    Ok(Copied {
        invitation: prepared.invitation,
        invitation_link: prepared.invitation_link,
        login_link: prepared.login_link,
        at: now,
    })
}

/// Revokes an open invitation: its link stops working at once.
pub async fn revoke(
    invitations: &dyn InvitationStore,
    clock: &dyn Clock,
    tenant: TenantId,
    customer: CustomerId,
    id: InvitationId,
    by: Actor,
) -> Result<Recorded, InviteError> {
    let current = invitations
        .get_invitation(tenant, customer, id)
        .await?
        .ok_or(InviteError::NotFound("invitation"))?;
    let now = clock.now();
    let next = current.revoke(by, now).map_err(InviteError::Closed)?;
    invitations
        .update_invitation(&current, &next, Some((VoidReason::Revoked, now)))
        .await?;
    Ok(Recorded {
        invitation: next,
        at: now,
    })
}

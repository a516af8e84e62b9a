//! Staff users: inviting them (by the operator's command or by other staff), sending the
//! invitation again, and removing them. Used by the invite function and `portal-admin`.

use chrono::Duration;
use thiserror::Error;

use crate::{
    domain::{
        Actor, FieldError, LinkToken, OutgoingEmail, StaffId, StaffInvitation, StaffMember, Tenant,
        TokenPurpose, TokenRecord, ValidNewStaff,
    },
    messages::password_reset::staff_invitation,
    ports::{Clock, DeliveryError, Mailer, StaffStore, StoreError},
};

#[derive(Debug, Error)]
pub enum StaffError {
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    /// The email already logs in to another account (a customer's or a staff user's).
    #[error("the email is already in use")]
    EmailTaken,
    #[error("no such staff user")]
    NotFound,
    /// Has a password already: a new invitation would let someone else set it.
    #[error("the staff user has already set a password")]
    AlreadyActive,
    #[error("the staff user was changed by someone else")]
    Conflict,
    /// Stored, but the email did not go out; send the invitation again.
    #[error("the invitation was stored but not delivered: {source}")]
    Delivery {
        member: Box<StaffMember>,
        source: DeliveryError,
    },
    #[error(transparent)]
    Store(StoreError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl From<StoreError> for StaffError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::LoginEmailTaken => StaffError::EmailTaken,
            StoreError::VersionConflict => StaffError::Conflict,
            StoreError::NotFound => StaffError::NotFound,
            other => StaffError::Store(other),
        }
    }
}

/// A staff user and the link their invitation carries (shown to the operator's command only;
/// the API never returns it, so nobody can set a colleague's password for them).
pub struct Invited {
    pub member: StaffMember,
    /// The invitation link (a secret until used or expired).
    pub url: String,
}

/// A fresh invitation link for `member`, valid for the agency's invitation validity.
fn new_invitation(
    tenant: &Tenant,
    member: &StaffMember,
    by: &Actor,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<(LinkToken, TokenRecord, StaffInvitation)> {
    let token = LinkToken::generate()?;
    let expires_at = now + Duration::days(i64::from(tenant.invitation_validity_days.days()));
    let record = TokenRecord {
        hash: token.hash(),
        purpose: TokenPurpose::Invitation,
        tenant_id: tenant.id,
        subject: member.subject(),
        invitation_id: None,
        // A staff user's login email can't change, but the link is bound like every other.
        sent_to: Some(member.email.clone()),
        account_epoch: None,
        created_at: now,
        expires_at,
        voided: None,
        used_at: None,
    };
    let invitation = StaffInvitation {
        token_hash: record.hash.clone(),
        sent_at: now,
        expires_at,
        by: *by,
    };
    Ok((token, record, invitation))
}

async fn send(
    mailer: &dyn Mailer,
    tenant: &Tenant,
    member: &StaffMember,
    token: &LinkToken,
) -> Result<String, DeliveryError> {
    let url = link_url(tenant, token);
    let rendered = staff_invitation(
        member.language,
        &tenant.name,
        &member.name,
        member.email.as_str(),
        &url,
        tenant.invitation_validity_days.days(),
    );
    mailer
        .send_email(&OutgoingEmail {
            from: tenant.sender_email.clone(),
            from_name: tenant.name.clone(),
            to: member.email.clone(),
            reply_to: None,
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
        })
        .await
}

fn link_url(tenant: &Tenant, token: &LinkToken) -> String {
    format!("{}/invite/{}", tenant.portal_base_url, token.expose())
}

/// Adds a staff user to `tenant` and emails them a link to set their password.
pub async fn invite(
    store: &dyn StaffStore,
    clock: &dyn Clock,
    mailer: &dyn Mailer,
    tenant: &Tenant,
    input: ValidNewStaff,
    by: Actor,
) -> Result<Invited, StaffError> {
    let now = clock.now();
    let mut member = StaffMember {
        id: StaffId::new(),
        tenant_id: tenant.id,
        name: input.name,
        email: input.email,
        language: input.language.unwrap_or(tenant.default_language),
        created_at: now,
        created_by: by,
        invitation: None,
        activated_at: None,
        last_login_at: None,
        updated_at: now,
        version: 1,
    };
    let (token, record, invitation) = new_invitation(tenant, &member, &by, now)?;
    member.invitation = Some(invitation);
    store.create_staff(&member, &record).await?;
    tracing::info!(tenant = %tenant.id, staff = %member.id, "staff user invited");
    deliver(mailer, tenant, member, token).await
}

async fn deliver(
    mailer: &dyn Mailer,
    tenant: &Tenant,
    member: StaffMember,
    token: LinkToken,
) -> Result<Invited, StaffError> {
    match send(mailer, tenant, &member, &token).await {
        Ok(message_id) => {
            tracing::info!(staff = %member.id, message_id, "staff invitation sent");
            Ok(Invited {
                url: link_url(tenant, &token),
                member,
            })
        }
        Err(source) => {
            tracing::warn!(staff = %member.id, error = %source, "staff invitation not delivered");
            Err(StaffError::Delivery {
                member: Box::new(member),
                source,
            })
        }
    }
}

/// Sends a staff user who has not set a password yet a new link; the older one stops working.
pub async fn reinvite(
    store: &dyn StaffStore,
    clock: &dyn Clock,
    mailer: &dyn Mailer,
    tenant: &Tenant,
    current: &StaffMember,
    by: Actor,
) -> Result<Invited, StaffError> {
    if current.activated_at.is_some() {
        return Err(StaffError::AlreadyActive);
    }
    let now = clock.now();
    let (token, record, invitation) = new_invitation(tenant, current, &by, now)?;
    let next = StaffMember {
        invitation: Some(invitation),
        updated_at: now,
        version: current.version + 1,
        ..current.clone()
    };
    store.update_staff(current, &next, Some(&record)).await?;
    tracing::info!(tenant = %tenant.id, staff = %current.id, "staff user invited again");
    deliver(mailer, tenant, next, token).await
}

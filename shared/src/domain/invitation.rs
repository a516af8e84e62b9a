//! Invitations into the portal and the single-use link tokens they carry.

use std::{fmt, str::FromStr};

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{
    ApiKeyId, CustomerId, Email, InvitationId, Language, StaffId, Subject, TenantId,
    secret::{random_token, sha256_hex},
};

/// How an invitation reaches the customer. `Link` is a link the agency copied to send itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
    Link,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Link => "link",
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The part of the portal a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PortalArea {
    #[default]
    Start,
    CustomerData,
    Files,
    Wishes,
    FormEntries,
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("must be one of start, customer-data, files, wishes, form-entries")]
pub struct UnknownArea;

impl PortalArea {
    pub const ALL: [PortalArea; 5] = [
        PortalArea::Start,
        PortalArea::CustomerData,
        PortalArea::Files,
        PortalArea::Wishes,
        PortalArea::FormEntries,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PortalArea::Start => "start",
            PortalArea::CustomerData => "customer-data",
            PortalArea::Files => "files",
            PortalArea::Wishes => "wishes",
            PortalArea::FormEntries => "form-entries",
        }
    }

    /// The portal path of the area, where the login page sends the customer afterwards.
    pub fn path(self) -> &'static str {
        match self {
            PortalArea::Start => "/",
            PortalArea::CustomerData => "/me",
            // The page; `/files` is its JSON API.
            PortalArea::Files => "/files/page",
            PortalArea::Wishes => "/wishes",
            // The page; `/form-entries` is its JSON API.
            PortalArea::FormEntries => "/entries",
        }
    }
}

impl FromStr for PortalArea {
    type Err = UnknownArea;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        PortalArea::ALL
            .into_iter()
            .find(|a| a.code() == s)
            .ok_or(UnknownArea)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvitationState {
    /// Issued, not (yet) delivered: copied links, and invitations being sent.
    Pending,
    Sent,
    /// At least one channel failed; see the history.
    Failed,
    Accepted,
    /// Shown, never stored: a pending, sent or failed invitation past its expiry.
    Expired,
    Revoked,
}

impl InvitationState {
    /// Whether its link can still be used (before expiry).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            InvitationState::Pending | InvitationState::Sent | InvitationState::Failed
        )
    }
}

/// Who did something: a tenant API key, a staff user, the customer, or the system (the
/// operator's command line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Actor {
    ApiKey { id: ApiKeyId },
    Staff { id: StaffId },
    Customer,
    System,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EventKind {
    Created,
    Sent,
    Failed,
    Revoked,
    /// Replaced by a newer invitation, which made this one's link invalid.
    Superseded,
    Accepted,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InvitationEvent {
    pub at: DateTime<Utc>,
    pub event: EventKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// The delivery result: the provider's message id, or what went wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub by: Actor,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitation {
    pub id: InvitationId,
    pub tenant_id: TenantId,
    pub customer_id: CustomerId,
    pub channels: Vec<Channel>,
    pub area: PortalArea,
    pub note: Option<String>,
    pub language: Language,
    /// As stored; [`Invitation::state_at`] gives what to show.
    pub state: InvitationState,
    pub token_hash: TokenHash,
    /// Where the email went when the agency picked another of the customer's addresses than
    /// the login email (the username stays the login email).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Email>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub created_by: Actor,
    pub history: Vec<InvitationEvent>,
    pub version: u64,
}

impl Invitation {
    pub fn state_at(&self, now: DateTime<Utc>) -> InvitationState {
        if self.state.is_open() && now >= self.expires_at {
            InvitationState::Expired
        } else {
            self.state
        }
    }

    /// The same invitation, one version on, with `event` recorded and the state it leads to.
    pub fn with_event(&self, event: InvitationEvent, state: InvitationState) -> Invitation {
        let mut next = self.clone();
        next.history.push(event);
        next.state = state;
        next.version += 1;
        next
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TokenPurpose {
    Invitation,
    PasswordReset,
}

/// The secret in a link. Only its hash is stored; the plaintext exists in the message sent.
pub struct LinkToken(SecretString);

impl LinkToken {
    pub fn generate() -> anyhow::Result<Self> {
        Ok(Self(SecretString::from(random_token()?)))
    }

    pub fn from_presented(raw: &str) -> Self {
        Self(SecretString::from(raw.to_owned()))
    }

    /// The token of a presented link, if it has the form a generated token has (43 URL-safe
    /// characters), so malformed links are refused before any lookup.
    pub fn from_link(raw: &str) -> Option<Self> {
        let well_formed = raw.len() == 43
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| Self::from_presented(raw))
    }

    pub fn hash(&self) -> TokenHash {
        TokenHash(sha256_hex(self.0.expose_secret()))
    }

    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

impl fmt::Debug for LinkToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkToken([REDACTED])")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TokenHash(String);

impl TokenHash {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a link stopped working before its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VoidReason {
    /// A newer invitation (or copied link) replaced it.
    Superseded,
    Revoked,
    /// The login email it was sent to stopped being the account's login email (changed or
    /// cleared by the agency).
    LoginEmailChanged,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Voided {
    pub at: DateTime<Utc>,
    pub reason: VoidReason,
}

/// A stored link token. It stays stored (until DynamoDB TTL removes it after expiry) when it
/// is voided or used, so the link page can say what happened to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenRecord {
    pub hash: TokenHash,
    pub purpose: TokenPurpose,
    pub tenant_id: TenantId,
    /// Whose password the link sets.
    pub subject: Subject,
    /// The customer invitation the link belongs to (none for resets and staff).
    pub invitation_id: Option<InvitationId>,
    /// The login email the link was sent for: it sets the password of this address only, and
    /// only while it is still the account's login email. `None` in tokens stored before links
    /// were bound to an address.
    #[serde(default)]
    pub sent_to: Option<Email>,
    /// For a reset link: the account's session epoch when it was sent. Setting, changing or
    /// resetting the password moves the epoch, which voids every reset link sent before.
    #[serde(default)]
    pub account_epoch: Option<u64>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    #[serde(default)]
    pub voided: Option<Voided>,
    #[serde(default)]
    pub used_at: Option<DateTime<Utc>>,
}

/// What a presented link can do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkStatus {
    Valid,
    Expired,
    Used,
    Superseded,
    Revoked,
    /// The account's login email is no longer the address the link was sent to.
    LoginEmailChanged,
    /// A reset link from before the password was last set, changed or reset.
    PasswordChanged,
}

impl TokenRecord {
    /// The token an invitation's link carries (bind it with [`TokenRecord::sent_to`]).
    pub fn for_invitation(invitation: &Invitation) -> Self {
        Self {
            hash: invitation.token_hash.clone(),
            purpose: TokenPurpose::Invitation,
            tenant_id: invitation.tenant_id,
            subject: Subject::Customer(invitation.customer_id),
            invitation_id: Some(invitation.id),
            sent_to: None,
            account_epoch: None,
            created_at: invitation.created_at,
            expires_at: invitation.expires_at,
            voided: None,
            used_at: None,
        }
    }

    /// A reset link for `login_email`, usable while the account stays at `account_epoch`.
    pub fn for_reset(
        hash: TokenHash,
        tenant_id: TenantId,
        subject: Subject,
        login_email: &Email,
        account_epoch: u64,
        created_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Self {
        Self {
            hash,
            purpose: TokenPurpose::PasswordReset,
            tenant_id,
            subject,
            invitation_id: None,
            sent_to: Some(login_email.clone()),
            account_epoch: Some(account_epoch),
            created_at,
            expires_at,
            voided: None,
            used_at: None,
        }
    }

    /// The same token, bound to the login email it is sent to.
    pub fn sent_to(mut self, login_email: &Email) -> Self {
        self.sent_to = Some(login_email.clone());
        self
    }

    /// Whether the link was sent to `login_email` (compared as login emails are). A token
    /// from before links were bound to an address counts as sent to the current one.
    pub fn was_sent_to(&self, login_email: Option<&Email>) -> bool {
        match (&self.sent_to, login_email) {
            (None, _) => true,
            (Some(sent), Some(now)) => sent.normalized() == now.normalized(),
            (Some(_), None) => false,
        }
    }

    /// Whether the account (its session epoch now, `None` when it has none) is still the one
    /// a reset link was sent for.
    pub fn epoch_matches(&self, account_epoch: Option<u64>) -> bool {
        match self.account_epoch {
            None => true,
            Some(sent) => account_epoch == Some(sent),
        }
    }

    /// The same token, no longer usable.
    pub fn voided(mut self, at: DateTime<Utc>, reason: VoidReason) -> Self {
        self.voided.get_or_insert(Voided { at, reason });
        self
    }

    /// What the stored record alone says. Used beats voided beats expired: the most specific
    /// explanation first. [`TokenRecord::status_for`] also looks at whom it is for.
    pub fn status_at(&self, now: DateTime<Utc>) -> LinkStatus {
        match (&self.used_at, &self.voided) {
            (Some(_), _) => LinkStatus::Used,
            (None, Some(v)) => match v.reason {
                VoidReason::Superseded => LinkStatus::Superseded,
                VoidReason::Revoked => LinkStatus::Revoked,
                VoidReason::LoginEmailChanged => LinkStatus::LoginEmailChanged,
            },
            (None, None) if now >= self.expires_at => LinkStatus::Expired,
            (None, None) => LinkStatus::Valid,
        }
    }

    /// What the link can do now for an account whose login email is `login_email` and whose
    /// session epoch is `account_epoch` (`None`: no password yet).
    pub fn status_for(
        &self,
        now: DateTime<Utc>,
        login_email: Option<&Email>,
        account_epoch: Option<u64>,
    ) -> LinkStatus {
        match self.status_at(now) {
            LinkStatus::Valid | LinkStatus::Expired if !self.was_sent_to(login_email) => {
                LinkStatus::LoginEmailChanged
            }
            LinkStatus::Valid | LinkStatus::Expired if !self.epoch_matches(account_epoch) => {
                LinkStatus::PasswordChanged
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_stored_as_hashes() {
        let a = LinkToken::generate().unwrap();
        let b = LinkToken::generate().unwrap();
        assert_eq!(a.expose().len(), 43);
        assert!(
            a.expose()
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        );
        assert_ne!(a.expose(), b.expose());
        assert_eq!(LinkToken::from_presented(a.expose()).hash(), a.hash());
        assert_eq!(a.hash().as_str().len(), 64);
        assert_eq!(format!("{a:?}"), "LinkToken([REDACTED])");
        assert_eq!(
            LinkToken::from_link(a.expose()).map(|t| t.hash()),
            Some(a.hash())
        );
        for bad in ["", "short", &"!".repeat(43), &"a".repeat(44)] {
            assert!(LinkToken::from_link(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn open_invitations_expire_by_the_clock() {
        let now = Utc::now();
        let mut inv = Invitation {
            id: InvitationId::new(),
            tenant_id: TenantId::new(),
            customer_id: CustomerId::new(),
            channels: vec![Channel::Email],
            area: PortalArea::Files,
            note: None,
            language: Language::De,
            state: InvitationState::Sent,
            token_hash: LinkToken::generate().unwrap().hash(),
            recipient: None,
            created_at: now,
            expires_at: now + chrono::Duration::days(7),
            created_by: Actor::System,
            history: vec![],
            version: 1,
        };
        assert_eq!(inv.state_at(now), InvitationState::Sent);
        assert_eq!(
            inv.state_at(now + chrono::Duration::days(7)),
            InvitationState::Expired
        );
        inv.state = InvitationState::Accepted;
        assert_eq!(
            inv.state_at(now + chrono::Duration::days(8)),
            InvitationState::Accepted
        );
    }

    #[test]
    fn a_link_says_why_it_no_longer_works() {
        let now = Utc::now();
        let record = TokenRecord {
            hash: LinkToken::generate().unwrap().hash(),
            purpose: TokenPurpose::Invitation,
            tenant_id: TenantId::new(),
            subject: Subject::Customer(CustomerId::new()),
            invitation_id: None,
            sent_to: None,
            account_epoch: None,
            created_at: now,
            expires_at: now + chrono::Duration::days(1),
            voided: None,
            used_at: None,
        };
        assert_eq!(record.status_at(now), LinkStatus::Valid);
        assert_eq!(
            record.status_at(now + chrono::Duration::days(1)),
            LinkStatus::Expired
        );
        let replaced = record.clone().voided(now, VoidReason::Superseded);
        assert_eq!(replaced.status_at(now), LinkStatus::Superseded);
        assert_eq!(
            replaced
                .clone()
                .voided(now, VoidReason::Revoked)
                .status_at(now),
            LinkStatus::Superseded,
            "the first reason stays"
        );
        assert_eq!(
            record
                .clone()
                .voided(now, VoidReason::Revoked)
                .status_at(now + chrono::Duration::days(2)),
            LinkStatus::Revoked
        );
        let used = TokenRecord {
            used_at: Some(now),
            ..record
        };
        assert_eq!(
            used.status_at(now + chrono::Duration::days(2)),
            LinkStatus::Used
        );
    }

    #[test]
    fn a_link_works_only_for_the_address_and_the_password_it_was_sent_for() {
        let now = Utc::now();
        let wrong = Email::parse("wrong@baeckerei.example").unwrap();
        let right = Email::parse("right@baeckerei.example").unwrap();
        let reset = TokenRecord::for_reset(
            LinkToken::generate().unwrap().hash(),
            TenantId::new(),
            Subject::Customer(CustomerId::new()),
            &wrong,
            3,
            now,
            now + chrono::Duration::hours(1),
        );
        let upper = Email::parse("WRONG@baeckerei.example").unwrap();
        assert_eq!(
            reset.status_for(now, Some(&upper), Some(3)),
            LinkStatus::Valid
        );
        assert_eq!(
            reset.status_for(now, Some(&right), Some(3)),
            LinkStatus::LoginEmailChanged
        );
        assert_eq!(
            reset.status_for(now, None, Some(3)),
            LinkStatus::LoginEmailChanged,
            "a cleared login email"
        );
        assert_eq!(
            reset.status_for(now, Some(&wrong), Some(4)),
            LinkStatus::PasswordChanged
        );
        assert_eq!(
            reset.status_for(now, Some(&wrong), None),
            LinkStatus::PasswordChanged,
            "the account is gone"
        );
        let used = TokenRecord {
            used_at: Some(now),
            ..reset.clone()
        };
        assert_eq!(
            used.status_for(now, Some(&right), Some(4)),
            LinkStatus::Used,
            "a used link says so"
        );
        let voided = reset.voided(now, VoidReason::LoginEmailChanged);
        assert_eq!(voided.status_at(now), LinkStatus::LoginEmailChanged);
        assert_eq!(
            voided.status_for(now, Some(&wrong), Some(3)),
            LinkStatus::LoginEmailChanged,
            "voided stays voided when the address comes back"
        );
    }

    #[test]
    fn areas_parse_and_map_to_portal_paths() {
        assert_eq!("files".parse(), Ok(PortalArea::Files));
        assert_eq!("Form-Entries".parse(), Ok(PortalArea::FormEntries));
        assert_eq!("admin".parse::<PortalArea>(), Err(UnknownArea));
        assert_eq!(PortalArea::CustomerData.path(), "/me");
    }
}

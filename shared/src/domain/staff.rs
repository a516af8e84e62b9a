//! Agency staff who log in with a password, like customers, and may then do whatever a
//! tenant API key may.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{
    Actor, Email, FieldError, FieldErrors, Language, StaffId, Subject, TenantId, TokenHash,
    TokenPurpose, TokenRecord, text::SingleLine, validation::Common,
};

/// A staff user. The email is their login email, unique across the whole system (customers
/// and staff share one namespace, so one address always leads to one account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffMember {
    pub id: StaffId,
    pub tenant_id: TenantId,
    pub name: String,
    pub email: Email,
    pub language: Language,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    /// The open invitation's link token, voided when a newer invitation replaces it.
    #[serde(default)]
    pub invitation: Option<StaffInvitation>,
    #[serde(default)]
    pub activated_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub last_login_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    pub version: u64,
}

/// The latest invitation sent to a staff user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StaffInvitation {
    pub token_hash: TokenHash,
    pub sent_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub by: Actor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StaffStatus {
    /// Invited, no password yet.
    Invited,
    /// Invited, but the link expired unused.
    InvitationExpired,
    Active,
}

impl StaffMember {
    pub fn subject(&self) -> Subject {
        Subject::Staff(self.id)
    }

    /// The stored form of the latest invitation's link token (as issued: unused, not voided).
    pub fn invitation_token(&self) -> Option<TokenRecord> {
        self.invitation.as_ref().map(|i| TokenRecord {
            hash: i.token_hash.clone(),
            purpose: TokenPurpose::Invitation,
            tenant_id: self.tenant_id,
            subject: self.subject(),
            invitation_id: None,
            sent_to: Some(self.email.clone()),
            account_epoch: None,
            created_at: i.sent_at,
            expires_at: i.expires_at,
            voided: None,
            used_at: None,
        })
    }

    pub fn status_at(&self, now: DateTime<Utc>) -> StaffStatus {
        match (&self.activated_at, &self.invitation) {
            (Some(_), _) => StaffStatus::Active,
            (None, Some(i)) if now < i.expires_at => StaffStatus::Invited,
            (None, _) => StaffStatus::InvitationExpired,
        }
    }
}

/// What a staff user (or the operator) sends to add someone, before it is checked.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NewStaff {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// The agency's default language when absent.
    #[serde(default)]
    pub language: Option<String>,
}

/// A checked [`NewStaff`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidNewStaff {
    pub name: String,
    pub email: Email,
    pub language: Option<Language>,
}

impl NewStaff {
    pub fn validate(&self) -> Result<ValidNewStaff, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let name = match &self.name {
            Some(name) => errors.check("name", SingleLine::parse(name, 100).map(String::from)),
            None => {
                errors.report("name", Common::Required);
                None
            }
        };
        let email = match &self.email {
            Some(email) => errors.check("email", Email::parse(email)),
            None => {
                errors.report("email", Common::Required);
                None
            }
        };
        let language = match &self.language {
            Some(code) => errors.check("language", code.parse::<Language>()).map(Some),
            None => Some(None),
        };
        match (name, email, language) {
            (Some(name), Some(email), Some(language)) if errors.is_empty() => Ok(ValidNewStaff {
                name,
                email,
                language,
            }),
            _ => Err(errors.into_vec()),
        }
    }
}

/// A staff user's own changes (`PATCH /me`): their name and language.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StaffChanges {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub language: Option<String>,
}

impl StaffChanges {
    /// `current` with the changes applied, one version on.
    pub fn applied(
        &self,
        current: &StaffMember,
        now: DateTime<Utc>,
    ) -> Result<StaffMember, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let mut next = current.clone();
        if let Some(name) = &self.name
            && let Some(name) = errors.check("name", SingleLine::parse(name, 100).map(String::from))
        {
            next.name = name;
        }
        if let Some(code) = &self.language
            && let Some(language) = errors.check("language", code.parse::<Language>())
        {
            next.language = language;
        }
        next.updated_at = now;
        next.version += 1;
        errors.finish(|| next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::LinkToken;

    fn member(now: DateTime<Utc>) -> StaffMember {
        StaffMember {
            id: StaffId::new(),
            tenant_id: TenantId::new(),
            name: "Jonas Berg".into(),
            email: Email::parse("jonas@berg.example").unwrap(),
            language: Language::De,
            created_at: now,
            created_by: Actor::System,
            invitation: Some(StaffInvitation {
                token_hash: LinkToken::generate().unwrap().hash(),
                sent_at: now,
                expires_at: now + chrono::Duration::days(7),
                by: Actor::System,
            }),
            activated_at: None,
            last_login_at: None,
            updated_at: now,
            version: 1,
        }
    }

    #[test]
    fn new_staff_needs_a_name_and_an_email() {
        let errors = NewStaff::default().validate().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "email"]);
        let errors = NewStaff {
            name: Some("  ".into()),
            email: Some("not-an-email".into()),
            language: Some("it".into()),
        }
        .validate()
        .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "email", "language"]);
        let ok = NewStaff {
            name: Some(" Jonas Berg ".into()),
            email: Some("Jonas@Berg.example".into()),
            language: None,
        }
        .validate()
        .unwrap();
        assert_eq!(ok.name, "Jonas Berg");
        assert_eq!(ok.language, None);
    }

    #[test]
    fn the_status_follows_the_invitation_and_the_first_password() {
        let now = Utc::now();
        let m = member(now);
        assert_eq!(m.status_at(now), StaffStatus::Invited);
        assert_eq!(
            m.status_at(now + chrono::Duration::days(7)),
            StaffStatus::InvitationExpired
        );
        let active = StaffMember {
            activated_at: Some(now),
            ..m
        };
        assert_eq!(
            active.status_at(now + chrono::Duration::days(30)),
            StaffStatus::Active
        );
    }

    #[test]
    fn staff_change_their_name_and_language_only() {
        let now = Utc::now();
        let m = member(now);
        let next = StaffChanges {
            name: Some("Jonas B.".into()),
            language: Some("sv".into()),
        }
        .applied(&m, now)
        .unwrap();
        assert_eq!(
            (next.name.as_str(), next.language),
            ("Jonas B.", Language::Sv)
        );
        assert_eq!(next.version, 2);
        let errors = StaffChanges {
            name: Some(String::new()),
            language: Some("xx".into()),
        }
        .applied(&m, now)
        .unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(
            serde_json::from_str::<StaffChanges>(r#"{"email":"x@y.example"}"#).is_err(),
            "the login email is not theirs to change"
        );
    }
}

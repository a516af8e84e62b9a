//! Portal accounts (a customer's or a staff user's password) and their sessions.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{CustomerId, Email, StaffId, TenantId, TokenHash};

/// How long a session lives without a request, and at the most.
pub const SESSION_IDLE: Duration = Duration::hours(12);
pub const SESSION_MAX: Duration = Duration::days(7);
/// A session's last use is written at most this often.
pub const SESSION_TOUCH_EVERY: Duration = Duration::minutes(5);

/// Whose account, session or link it is: a customer (the portal) or a staff user of the
/// agency (everything a tenant API key may do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", tag = "kind", content = "id")]
pub enum Subject {
    Customer(CustomerId),
    Staff(StaffId),
}

impl Subject {
    /// `customer` or `staff`, as the API names the role.
    pub fn role(self) -> &'static str {
        match self {
            Subject::Customer(_) => "customer",
            Subject::Staff(_) => "staff",
        }
    }

    pub fn customer(self) -> Option<CustomerId> {
        match self {
            Subject::Customer(id) => Some(id),
            Subject::Staff(_) => None,
        }
    }

    pub fn staff(self) -> Option<StaffId> {
        match self {
            Subject::Staff(id) => Some(id),
            Subject::Customer(_) => None,
        }
    }
}

/// `customer/{id}` or `staff/{id}`: for logs and keys.
impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Customer(id) => write!(f, "customer/{id}"),
            Subject::Staff(id) => write!(f, "staff/{id}"),
        }
    }
}

/// A password, stored apart from the customer or staff record so no listing can carry it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub tenant_id: TenantId,
    pub subject: Subject,
    /// Argon2id PHC string.
    pub password_hash: String,
    pub password_changed_at: DateTime<Utc>,
    /// Sessions made under an older epoch are over: raising it ends every session at once.
    pub session_epoch: u64,
    pub created_at: DateTime<Utc>,
    pub version: u64,
}

/// A stored session, keyed by the hash of its token (cookie or bearer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRecord {
    pub hash: TokenHash,
    pub tenant_id: TenantId,
    pub subject: Subject,
    pub epoch: u64,
    /// Sent back with state-changing requests authenticated by the cookie.
    pub csrf: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl SessionRecord {
    pub fn is_live(&self, now: DateTime<Utc>, account_epoch: u64) -> bool {
        now < self.expires_at
            && now < self.last_seen_at + SESSION_IDLE
            && self.epoch == account_epoch
    }

    pub fn needs_touch(&self, now: DateTime<Utc>) -> bool {
        now >= self.last_seen_at + SESSION_TOUCH_EVERY
    }
}

/// Where a login email leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginOwner {
    pub tenant_id: TenantId,
    pub subject: Subject,
}

/// What the rate limiter counts: failed logins per account and per source address.
pub fn account_key(email: &Email) -> String {
    format!("login-account#{}", email.normalized())
}

pub fn address_key(address: &str) -> String {
    format!("login-address#{address}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::LinkToken;

    #[test]
    fn sessions_end_when_idle_too_long_at_their_limit_or_with_a_new_epoch() {
        let now = Utc::now();
        let s = SessionRecord {
            hash: LinkToken::generate().unwrap().hash(),
            tenant_id: TenantId::new(),
            subject: Subject::Customer(CustomerId::new()),
            epoch: 3,
            csrf: "c".into(),
            created_at: now,
            last_seen_at: now,
            expires_at: now + SESSION_MAX,
        };
        assert!(s.is_live(now + Duration::hours(11), 3));
        assert!(!s.is_live(now + SESSION_IDLE, 3), "idle");
        assert!(!s.is_live(now, 4), "a password change ended it");
        let busy = SessionRecord {
            last_seen_at: now + Duration::days(7),
            ..s.clone()
        };
        assert!(!busy.is_live(now + SESSION_MAX, 3), "absolute limit");
        assert!(!s.needs_touch(now + Duration::minutes(4)));
        assert!(s.needs_touch(now + Duration::minutes(5)));
    }

    #[test]
    fn subjects_name_their_kind() {
        let staff = Subject::Staff(StaffId::new());
        assert_eq!(staff.role(), "staff");
        assert!(staff.customer().is_none());
        let json = serde_json::to_value(staff).unwrap();
        assert_eq!(json["kind"], "staff");
        assert_eq!(serde_json::from_value::<Subject>(json).unwrap(), staff);
        assert!(staff.to_string().starts_with("staff/"));
    }
}

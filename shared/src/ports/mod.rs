//! The narrow traits handlers depend on, one file per port. Adapters: [`crate::store`] (every
//! store port, on the item model), [`crate::aws`] and [`crate::embedded`].
//!
//! This file holds what every port shares ([`StoreError`], [`Page`], the [`Clock`]) and the
//! [`Store`] super-trait; a new aggregate adds its port as a file here, a `mod` line and a
//! re-export below, and its trait to [`Store`].

mod accounts;
mod api_keys;
mod customers;
mod delivery;
mod feedback;
mod file_records;
mod files;
mod form_entries;
mod forms;
mod idempotency;
mod invitations;
mod rate_limits;
mod sessions;
mod staff;
mod status;
mod templates;
mod tenants;
mod wishes;

pub use accounts::{AccountStore, Redemption};
pub use api_keys::ApiKeyStore;
pub use customers::{CustomerStore, LinkVoids, OpenRead};
pub use delivery::{DeliveryError, Mailer, SmsSender};
pub use feedback::FeedbackStore;
pub use file_records::{FileCreation, FileRecordStore};
pub use files::{FileStore, MAX_PARTS, MIN_PART_SIZE, PresignedPost, SignedRequest, UploadedPart};
pub use form_entries::{EntryFilter, FormEntryStore};
pub use forms::{FormCount, FormStore};
pub use idempotency::{IdempotencyStart, IdempotencyStore, StoredResponse};
pub use invitations::{InvitationStore, OpenInvitation, OpenInvitations};
pub use rate_limits::RateLimitStore;
pub use sessions::SessionStore;
pub use staff::StaffStore;
pub use status::StatusStore;
pub use templates::{TemplateOverride, TemplateStore};
pub use tenants::TenantStore;
pub use wishes::WishesStore;

use chrono::{DateTime, Utc};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The login email is already claimed by another customer (in any tenant).
    #[error("the login email is already in use")]
    LoginEmailTaken,
    /// The record changed (or vanished) since it was read: the conditional write lost.
    #[error("the record was changed by someone else")]
    VersionConflict,
    #[error("the record already exists")]
    AlreadyExists,
    /// Another agency's portal already has this address.
    #[error("the portal address is already used by another agency")]
    HostTaken,
    #[error("no such record")]
    NotFound,
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// One page of a listing; `next` is where the following page starts, if there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T, C> {
    pub items: Vec<T>,
    pub next: Option<C>,
}

/// Everything the portal stores, in one adapter.
pub trait Store:
    TenantStore
    + ApiKeyStore
    + CustomerStore
    + InvitationStore
    + TemplateStore
    + IdempotencyStore
    + AccountStore
    + SessionStore
    + RateLimitStore
    + StaffStore
    + FormStore
    + FormEntryStore
    + FileRecordStore
    + StatusStore
    + WishesStore
    + FeedbackStore
{
}
impl<T> Store for T where
    T: TenantStore
        + ApiKeyStore
        + CustomerStore
        + InvitationStore
        + TemplateStore
        + IdempotencyStore
        + AccountStore
        + SessionStore
        + RateLimitStore
        + StaffStore
        + FormStore
        + FormEntryStore
        + FileRecordStore
        + StatusStore
        + WishesStore
        + FeedbackStore
{
}

/// Time comes through a port so expiry can be tested without sleeping.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

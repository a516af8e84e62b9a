//! The narrow traits handlers depend on. Adapters: [`crate::aws`] and [`crate::embedded`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use thiserror::Error;

use crate::domain::{
    Account, ApiKeyHash, ApiKeyId, ApiKeyRecord, Customer, CustomerId, Invitation, InvitationId,
    Language, LoginOwner, OutgoingEmail, OutgoingSms, SessionRecord, StaffId, StaffMember, Subject,
    Tenant, TenantId, TokenHash, TokenRecord, VoidReason,
};

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

#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Fails with [`StoreError::AlreadyExists`] when the id is taken, and with
    /// [`StoreError::HostTaken`] when another agency's portal already has its address.
    async fn create_tenant(&self, tenant: &Tenant) -> Result<(), StoreError>;
    /// Replaces the tenant's settings; [`StoreError::NotFound`] when it does not exist.
    async fn update_tenant(&self, tenant: &Tenant) -> Result<(), StoreError>;
    async fn get_tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError>;
    /// The agency whose portal is served at `host` (`host[:port]` of its portal URL).
    async fn find_tenant_by_host(&self, host: &str) -> Result<Option<Tenant>, StoreError>;
    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError>;
}

#[async_trait]
pub trait ApiKeyStore: Send + Sync {
    async fn create_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError>;
    async fn find_api_key(&self, hash: &ApiKeyHash) -> Result<Option<ApiKeyRecord>, StoreError>;
    async fn list_api_keys(&self, tenant: TenantId) -> Result<Vec<ApiKeyRecord>, StoreError>;
    /// Marks the key revoked; [`StoreError::NotFound`] when the tenant has no such key.
    /// Revoking twice keeps the first time.
    async fn revoke_api_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
        at: DateTime<Utc>,
    ) -> Result<ApiKeyRecord, StoreError>;
}

#[async_trait]
pub trait CustomerStore: Send + Sync {
    /// Stores a new customer and claims its login email in one atomic step.
    async fn create_customer(&self, customer: &Customer) -> Result<(), StoreError>;
    async fn get_customer(
        &self,
        tenant: TenantId,
        id: CustomerId,
    ) -> Result<Option<Customer>, StoreError>;
    /// Customers in creation order, `limit` at most, starting after `after`.
    async fn list_customers(
        &self,
        tenant: TenantId,
        after: Option<CustomerId>,
        limit: usize,
    ) -> Result<Page<Customer, CustomerId>, StoreError>;
    /// Replaces `current` by `next` if the stored version is still `current.version`;
    /// moves the login email claim and applies `voids` in the same atomic step. A change of
    /// the login email must come with the voids [`crate::links::voids_for`] gives.
    async fn update_customer(
        &self,
        current: &Customer,
        next: &Customer,
        voids: &LinkVoids<'_>,
    ) -> Result<(), StoreError>;
    /// Deletes `current` if unchanged, releasing its login email, deleting its account and
    /// applying `voids` (its open invitations) in the same atomic step.
    async fn delete_customer(
        &self,
        current: &Customer,
        voids: &LinkVoids<'_>,
    ) -> Result<(), StoreError>;
}

/// The links a change of a customer voids with it, in the same atomic step: what
/// [`crate::links::voids_for`] finds. Each record is written only if unchanged since read,
/// so a link can't be used, or an invitation issued, in between and survive.
#[derive(Debug, Default, Clone, Copy)]
pub struct LinkVoids<'a> {
    /// Open invitations, before and after (revoked); their tokens are voided for `reason`.
    pub invitations: &'a [(Invitation, Invitation)],
    /// Why and when, for the invitations' tokens.
    pub reason: Option<(VoidReason, DateTime<Utc>)>,
    /// The account before and after its session epoch moved: its sessions and every reset
    /// link sent before end.
    pub account: Option<(&'a Account, &'a Account)>,
}

#[async_trait]
pub trait InvitationStore: Send + Sync {
    /// In one atomic step: stores `invitation` and its `token`, and replaces each of
    /// `superseded` (current, next) and voids its token, provided `customer` is unchanged
    /// (same version) and every superseded invitation is unchanged. Otherwise
    /// [`StoreError::VersionConflict`] and nothing is written.
    async fn issue_invitation(
        &self,
        customer: &Customer,
        invitation: &Invitation,
        token: &TokenRecord,
        superseded: &[(Invitation, Invitation)],
    ) -> Result<(), StoreError>;
    async fn get_invitation(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: InvitationId,
    ) -> Result<Option<Invitation>, StoreError>;
    /// A customer's invitations, newest first.
    async fn list_invitations(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<Invitation>, StoreError>;
    /// Replaces `current` by `next` if unchanged; voids the invitation's token in the same
    /// step when `void_token` is given (a revoked invitation's link stops working at once).
    async fn update_invitation(
        &self,
        current: &Invitation,
        next: &Invitation,
        void_token: Option<(VoidReason, DateTime<Utc>)>,
    ) -> Result<(), StoreError>;
    async fn find_token(&self, hash: &TokenHash) -> Result<Option<TokenRecord>, StoreError>;
}

/// An agency's own wording of a message, per channel and language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateOverride {
    pub channel: crate::domain::Channel,
    pub language: Language,
    /// Email only.
    pub subject: Option<String>,
    pub body: String,
    pub updated_at: DateTime<Utc>,
}

#[async_trait]
pub trait TemplateStore: Send + Sync {
    async fn put_template(
        &self,
        tenant: TenantId,
        template: &TemplateOverride,
    ) -> Result<(), StoreError>;
    /// [`StoreError::NotFound`] when there was none.
    async fn delete_template(
        &self,
        tenant: TenantId,
        channel: crate::domain::Channel,
        language: Language,
    ) -> Result<(), StoreError>;
    async fn list_templates(&self, tenant: TenantId) -> Result<Vec<TemplateOverride>, StoreError>;
}

#[async_trait]
pub trait StaffStore: Send + Sync {
    /// In one atomic step: stores a new staff user, claims their login email (shared with
    /// customers: [`StoreError::LoginEmailTaken`]) and stores their invitation link's `token`.
    async fn create_staff(
        &self,
        member: &StaffMember,
        token: &TokenRecord,
    ) -> Result<(), StoreError>;
    async fn get_staff(
        &self,
        tenant: TenantId,
        id: StaffId,
    ) -> Result<Option<StaffMember>, StoreError>;
    /// The agency's staff users, oldest first.
    async fn list_staff(&self, tenant: TenantId) -> Result<Vec<StaffMember>, StoreError>;
    /// Replaces `current` by `next` if unchanged. With `new_token` (a new invitation), stores it
    /// and voids `current`'s open invitation link as superseded, in the same step.
    async fn update_staff(
        &self,
        current: &StaffMember,
        next: &StaffMember,
        new_token: Option<&TokenRecord>,
    ) -> Result<(), StoreError>;
    /// Deletes `current` if unchanged, in one step with its login email claim, its account
    /// (so its sessions end) and, when it never set a password, its invitation link (revoked).
    async fn delete_staff(
        &self,
        current: &StaffMember,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}

/// The answer a request with an `Idempotency-Key` gave, replayed for its retries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredResponse {
    pub status: u16,
    pub body: String,
    #[serde(default)]
    pub location: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdempotencyStart {
    /// First time: go ahead, then [`IdempotencyStore::finish_request`].
    Fresh,
    /// Done before: answer with this.
    Replay(StoredResponse),
    /// Another request with this key is still running.
    InProgress,
    /// The key was used for a different request.
    Mismatch,
}

#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    /// Claims `key` for a request whose content hashes to `fingerprint`, until `expires_at`.
    async fn begin_request(
        &self,
        tenant: TenantId,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<IdempotencyStart, StoreError>;
    async fn finish_request(
        &self,
        tenant: TenantId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError>;
    /// Gives the key up after a failure that should not be replayed (an internal error).
    async fn abandon_request(&self, tenant: TenantId, key: &str) -> Result<(), StoreError>;
}

/// What setting a password through a link changes, all at once.
pub struct Redemption<'a> {
    /// The link's token as read; it must still be usable at `now`, and becomes used.
    pub token: &'a TokenRecord,
    pub now: DateTime<Utc>,
    /// The account after (a new one, or the old one with its new password and epoch).
    pub account: &'a Account,
    /// The account before, when there was one (its version is the condition).
    pub previous_account: Option<&'a Account>,
    /// The customer invitation the link came from, before and after (accepted).
    pub invitation: Option<(&'a Invitation, &'a Invitation)>,
    /// The session the user continues in.
    pub session: &'a SessionRecord,
    /// Whether the customer or staff user becomes active now (their first password).
    pub activates: bool,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Uses the link token and sets the password, all or nothing. Of two requests with one
    /// token exactly one succeeds; the other gets [`StoreError::VersionConflict`], as does a
    /// link whose `sentTo` is no longer the holder's login email or whose `accountEpoch` is no
    /// longer the account's (both checked as conditions of the same write). Marks the
    /// account's customer or staff user active (or, for a reset, records the login), moving
    /// its version so an edit made from an older read fails instead of undoing it.
    async fn redeem(&self, redemption: &Redemption<'_>) -> Result<(), StoreError>;
    async fn find_login(
        &self,
        email: &crate::domain::Email,
    ) -> Result<Option<LoginOwner>, StoreError>;
    async fn get_account(
        &self,
        tenant: TenantId,
        subject: Subject,
    ) -> Result<Option<Account>, StoreError>;
    /// Replaces `current` by `next` if unchanged (a new password, an upgraded hash, a new epoch).
    async fn update_account(&self, current: &Account, next: &Account) -> Result<(), StoreError>;
    /// Stores a password-reset link's token.
    async fn put_token(&self, token: &TokenRecord) -> Result<(), StoreError>;
    /// Notes the login on the customer or staff record (moving its version).
    async fn record_login(
        &self,
        tenant: TenantId,
        subject: Subject,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn put_session(&self, session: &SessionRecord) -> Result<(), StoreError>;
    async fn get_session(&self, hash: &TokenHash) -> Result<Option<SessionRecord>, StoreError>;
    async fn touch_session(&self, hash: &TokenHash, at: DateTime<Utc>) -> Result<(), StoreError>;
    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StoreError>;
}

#[async_trait]
pub trait RateLimitStore: Send + Sync {
    /// Events counted under `key` in the window that started at `window_start`.
    async fn count(&self, key: &str, window_start: DateTime<Utc>) -> Result<u32, StoreError>;
    /// Counts one more event, atomically: of concurrent calls each gets its own count, so
    /// the count decides (count first, then act). The count is forgotten after `forget_at`.
    async fn increment(
        &self,
        key: &str,
        window_start: DateTime<Utc>,
        forget_at: DateTime<Utc>,
    ) -> Result<u32, StoreError>;
    /// Takes back one event counted by `increment` (an attempt that was refused, or turned
    /// out not to be a failure); atomic, never below zero, nothing for an unknown count.
    async fn decrement(&self, key: &str, window_start: DateTime<Utc>) -> Result<u32, StoreError>;
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
{
}

/// Why a message was not delivered.
#[derive(Debug, Error)]
pub enum DeliveryError {
    /// The provider refused this message (unverified sender, invalid recipient, opted out):
    /// sending it again won't help.
    #[error("rejected: {0}")]
    Rejected(String),
    /// The provider can't take it now (throttling, a spending or sending limit): try later.
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

#[async_trait]
pub trait Mailer: Send + Sync {
    /// Sends one email; returns the provider's message id.
    async fn send_email(&self, email: &OutgoingEmail) -> Result<String, DeliveryError>;
}

#[async_trait]
pub trait SmsSender: Send + Sync {
    /// Sends one transactional SMS; returns the provider's message id.
    async fn send_sms(&self, sms: &OutgoingSms) -> Result<String, DeliveryError>;
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

/// Where a client sends or fetches a file directly, without passing it through a function.
/// The URL is a credential until it expires: `Debug` leaves out its query, which holds the
/// signature.
#[derive(Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// `PUT` or `GET`.
    pub method: String,
    pub url: String,
    /// Headers the client must send as they are (an upload's `content-type` is signed).
    pub headers: Vec<(String, String)>,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for SignedRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let without_query = self
            .url
            .split_once('?')
            .map_or(self.url.as_str(), |(u, _)| u);
        f.debug_struct("SignedRequest")
            .field("method", &self.method)
            .field("url", &format_args!("{without_query}?…"))
            .field("headers", &self.headers)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// Files that clients upload and download themselves, with signed requests.
#[async_trait]
pub trait FileStore: Send + Sync {
    /// A request the browser PUTs the file with; `content_type` is part of the signature, so
    /// the upload must carry exactly that Content-Type. An existing file is replaced.
    async fn presign_upload(
        &self,
        key: &crate::domain::ObjectKey,
        content_type: &str,
        expires_in: std::time::Duration,
    ) -> Result<SignedRequest, StoreError>;
    /// A request that downloads the file, offered under `download_name` (Content-Disposition
    /// attachment, RFC 6266, with an RFC 5987 `filename*` for names beyond ASCII).
    async fn presign_download(
        &self,
        key: &crate::domain::ObjectKey,
        download_name: &str,
        expires_in: std::time::Duration,
    ) -> Result<SignedRequest, StoreError>;
    /// Size and content type, or `None` when there is no such file.
    async fn head(
        &self,
        key: &crate::domain::ObjectKey,
    ) -> Result<Option<crate::domain::FileInfo>, StoreError>;
    /// Deleting a file that isn't there succeeds, as on S3.
    async fn delete(&self, key: &crate::domain::ObjectKey) -> Result<(), StoreError>;
}

use std::{
    fs::File,
    path::{Path, PathBuf},
    sync::Mutex,
    time::SystemTime,
};

use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::migrate::{Data, IdempotencyRecord, LoginClaim};
use crate::{
    domain::{
        Account, ApiKeyHash, ApiKeyId, ApiKeyRecord, Channel, Customer, CustomerId, Invitation,
        InvitationId, Language, LoginOwner, SessionRecord, StaffId, StaffMember, Subject, Tenant,
        TenantId, TokenHash, TokenRecord, VoidReason,
    },
    ports::{
        AccountStore, ApiKeyStore, CustomerStore, IdempotencyStart, IdempotencyStore,
        InvitationStore, Page, RateLimitStore, Redemption, SessionStore, StaffStore, StoreError,
        StoredResponse, TemplateOverride, TemplateStore, TenantStore,
    },
};

/// Every record in memory, written through to one JSON file in the data directory.
///
/// A write works on a copy, persists it (write to a temporary file, then rename) and only then
/// replaces the live state, so a failed write changes nothing, like a failed DynamoDB
/// transaction. A process-wide mutex and a file lock make every write atomic with its
/// conditions, also against `portal-admin` writing to the same directory while the local
/// runner runs; each access first reloads the file if another process changed it.
pub struct EmbeddedStore {
    state: Mutex<Loaded>,
    dir: Option<PathBuf>,
}

struct Loaded {
    data: Data,
    /// Modification time and length of the file as last read or written.
    seen: Option<(SystemTime, u64)>,
}

const FILE_NAME: &str = "store.json";
const LOCK_NAME: &str = "store.lock";

impl EmbeddedStore {
    /// A store that lives only as long as the process.
    pub fn in_memory() -> Self {
        Self {
            state: Mutex::new(Loaded {
                data: Data::default(),
                seen: None,
            }),
            dir: None,
        }
    }

    /// Opens (or starts) the store kept in `dir`.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("Failed to create the data directory {}", dir.display()))?;
        let store = Self {
            state: Mutex::new(Loaded {
                data: Data::default(),
                seen: None,
            }),
            dir: Some(dir.to_owned()),
        };
        store.read(|_| ())?;
        Ok(store)
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Loaded>, StoreError> {
        let mut loaded = self
            .state
            .lock()
            .map_err(|_| anyhow::anyhow!("The embedded store's lock is poisoned"))?;
        if let Some(dir) = &self.dir {
            reload_if_changed(&dir.join(FILE_NAME), &mut loaded)?;
        }
        Ok(loaded)
    }

    fn read<T>(&self, f: impl FnOnce(&Data) -> T) -> Result<T, StoreError> {
        let loaded = self.lock()?;
        Ok(f(&loaded.data))
    }

    fn write<T>(
        &self,
        f: impl FnOnce(&mut Data) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let _file_lock = match &self.dir {
            Some(dir) => Some(lock_file(&dir.join(LOCK_NAME))?),
            None => None,
        };
        let mut loaded = self.lock()?;
        let mut next = loaded.data.clone();
        let result = f(&mut next)?;
        if let Some(dir) = &self.dir {
            loaded.seen = Some(persist(&dir.join(FILE_NAME), &next)?);
        }
        loaded.data = next;
        Ok(result)
    }
}

/// An exclusive lock on `path`, released when the file is dropped.
fn lock_file(path: &Path) -> anyhow::Result<File> {
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .with_context(|| format!("Failed to open {}", path.display()))?;
    file.lock()
        .with_context(|| format!("Failed to lock {}", path.display()))?;
    Ok(file)
}

fn stamp(file: &Path) -> std::io::Result<Option<(SystemTime, u64)>> {
    match std::fs::metadata(file) {
        Ok(meta) => Ok(Some((meta.modified()?, meta.len()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn reload_if_changed(file: &Path, loaded: &mut Loaded) -> anyhow::Result<()> {
    let now = stamp(file).with_context(|| format!("Failed to look at {}", file.display()))?;
    if now == loaded.seen {
        return Ok(());
    }
    loaded.data = match now {
        None => Data::default(),
        Some(_) => super::migrate::read(file)?,
    };
    loaded.seen = now;
    Ok(())
}

fn persist(file: &Path, data: &Data) -> anyhow::Result<(SystemTime, u64)> {
    let bytes = serde_json::to_vec_pretty(data).context("Failed to serialize the store")?;
    let tmp = file.with_extension("json.tmp");
    std::fs::write(&tmp, bytes).with_context(|| format!("Failed to write {}", tmp.display()))?;
    std::fs::rename(&tmp, file).with_context(|| format!("Failed to replace {}", file.display()))?;
    stamp(file)?.context("The store file vanished after it was written")
}

#[async_trait]
impl TenantStore for EmbeddedStore {
    async fn create_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        self.write(|d| {
            if d.tenants.contains_key(&tenant.id) {
                return Err(StoreError::AlreadyExists);
            }
            let host = tenant.portal_base_url.host();
            if d.tenants.values().any(|t| t.portal_base_url.host() == host) {
                return Err(StoreError::HostTaken);
            }
            d.tenants.insert(tenant.id, tenant.clone());
            Ok(())
        })
    }

    async fn update_tenant(&self, tenant: &Tenant) -> Result<(), StoreError> {
        self.write(|d| {
            let stored = d.tenants.get_mut(&tenant.id).ok_or(StoreError::NotFound)?;
            *stored = tenant.clone();
            Ok(())
        })
    }

    async fn get_tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        self.read(|d| d.tenants.get(&id).cloned())
    }

    async fn find_tenant_by_host(&self, host: &str) -> Result<Option<Tenant>, StoreError> {
        let host = host.to_ascii_lowercase();
        self.read(|d| {
            d.tenants
                .values()
                .find(|t| t.portal_base_url.host() == host)
                .cloned()
        })
    }

    async fn list_tenants(&self) -> Result<Vec<Tenant>, StoreError> {
        self.read(|d| d.tenants.values().cloned().collect())
    }
}

#[async_trait]
impl ApiKeyStore for EmbeddedStore {
    async fn create_api_key(&self, key: &ApiKeyRecord) -> Result<(), StoreError> {
        self.write(|d| {
            if d.api_keys.contains_key(key.hash.as_str()) {
                return Err(StoreError::AlreadyExists);
            }
            d.api_keys.insert(key.hash.as_str().to_owned(), key.clone());
            Ok(())
        })
    }

    async fn find_api_key(&self, hash: &ApiKeyHash) -> Result<Option<ApiKeyRecord>, StoreError> {
        self.read(|d| d.api_keys.get(hash.as_str()).cloned())
    }

    async fn list_api_keys(&self, tenant: TenantId) -> Result<Vec<ApiKeyRecord>, StoreError> {
        self.read(|d| {
            let mut keys: Vec<_> = d
                .api_keys
                .values()
                .filter(|k| k.tenant_id == tenant)
                .cloned()
                .collect();
            keys.sort_by_key(|k| k.id);
            keys
        })
    }

    async fn revoke_api_key(
        &self,
        tenant: TenantId,
        id: ApiKeyId,
        at: DateTime<Utc>,
    ) -> Result<ApiKeyRecord, StoreError> {
        self.write(|d| {
            let key = d
                .api_keys
                .values_mut()
                .find(|k| k.tenant_id == tenant && k.id == id)
                .ok_or(StoreError::NotFound)?;
            key.revoked_at.get_or_insert(at);
            Ok(key.clone())
        })
    }
}

#[async_trait]
impl CustomerStore for EmbeddedStore {
    async fn create_customer(&self, customer: &Customer) -> Result<(), StoreError> {
        self.write(|d| {
            if let Some(email) = &customer.login_email
                && d.logins.contains_key(&email.normalized())
            {
                return Err(StoreError::LoginEmailTaken);
            }
            let of_tenant = d.customers.entry(customer.tenant_id).or_default();
            if of_tenant.contains_key(&customer.id) {
                return Err(StoreError::AlreadyExists);
            }
            of_tenant.insert(customer.id, customer.clone());
            if let Some(email) = &customer.login_email {
                d.logins
                    .insert(email.normalized(), LoginClaim::of(customer));
            }
            Ok(())
        })
    }

    async fn get_customer(
        &self,
        tenant: TenantId,
        id: CustomerId,
    ) -> Result<Option<Customer>, StoreError> {
        self.read(|d| d.customers.get(&tenant).and_then(|c| c.get(&id)).cloned())
    }

    async fn list_customers(
        &self,
        tenant: TenantId,
        after: Option<CustomerId>,
        limit: usize,
    ) -> Result<Page<Customer, CustomerId>, StoreError> {
        let limit = limit.max(1);
        self.read(|d| {
            let Some(of_tenant) = d.customers.get(&tenant) else {
                return Page {
                    items: Vec::new(),
                    next: None,
                };
            };
            let start = match after {
                Some(after) => std::ops::Bound::Excluded(after),
                None => std::ops::Bound::Unbounded,
            };
            let mut items: Vec<Customer> = of_tenant
                .range((start, std::ops::Bound::Unbounded))
                .take(limit + 1)
                .map(|(_, c)| c.clone())
                .collect();
            let next = (items.len() > limit).then(|| {
                items.truncate(limit);
                items[limit - 1].id
            });
            Page { items, next }
        })
    }

    async fn update_customer(&self, current: &Customer, next: &Customer) -> Result<(), StoreError> {
        self.write(|d| {
            let stored = d
                .customers
                .get_mut(&current.tenant_id)
                .and_then(|c| c.get_mut(&current.id))
                .ok_or(StoreError::VersionConflict)?;
            if stored.version != current.version {
                return Err(StoreError::VersionConflict);
            }
            *stored = next.clone();
            let old = current.login_email.as_ref().map(|e| e.normalized());
            let new = next.login_email.as_ref().map(|e| e.normalized());
            if old != new {
                if let Some(new) = new {
                    if d.logins.contains_key(&new) {
                        return Err(StoreError::LoginEmailTaken);
                    }
                    d.logins.insert(new, LoginClaim::of(next));
                }
                if let Some(old) = old {
                    d.logins.remove(&old);
                }
            }
            Ok(())
        })
    }

    async fn delete_customer(&self, current: &Customer) -> Result<(), StoreError> {
        self.write(|d| {
            let of_tenant = d
                .customers
                .get_mut(&current.tenant_id)
                .ok_or(StoreError::VersionConflict)?;
            match of_tenant.get(&current.id) {
                Some(stored) if stored.version == current.version => {}
                _ => return Err(StoreError::VersionConflict),
            }
            of_tenant.remove(&current.id);
            if let Some(email) = &current.login_email {
                d.logins.remove(&email.normalized());
            }
            d.accounts.remove(&account_key(
                current.tenant_id,
                Subject::Customer(current.id),
            ));
            Ok(())
        })
    }
}

fn template_key(channel: Channel, language: Language) -> String {
    format!("{channel}#{language}")
}

fn idempotency_key(tenant: TenantId, key: &str) -> String {
    format!("{tenant}#{key}")
}

fn unchanged_invitation(d: &Data, current: &Invitation) -> Result<(), StoreError> {
    match d.invitations.get(&current.id) {
        Some(stored) if stored.version == current.version => Ok(()),
        _ => Err(StoreError::VersionConflict),
    }
}

#[async_trait]
impl InvitationStore for EmbeddedStore {
    async fn issue_invitation(
        &self,
        customer: &Customer,
        invitation: &Invitation,
        token: &TokenRecord,
        superseded: &[(Invitation, Invitation)],
    ) -> Result<(), StoreError> {
        self.write(|d| {
            let stored = d
                .customers
                .get(&customer.tenant_id)
                .and_then(|c| c.get(&customer.id));
            if stored.map(|c| c.version) != Some(customer.version) {
                return Err(StoreError::VersionConflict);
            }
            if d.invitations.contains_key(&invitation.id)
                || d.tokens.contains_key(token.hash.as_str())
            {
                return Err(StoreError::AlreadyExists);
            }
            for (current, next) in superseded {
                unchanged_invitation(d, current)?;
                d.invitations.insert(next.id, next.clone());
                let voided = TokenRecord::for_invitation(current)
                    .voided(invitation.created_at, VoidReason::Superseded);
                d.tokens.insert(voided.hash.as_str().to_owned(), voided);
            }
            d.invitations.insert(invitation.id, invitation.clone());
            d.tokens
                .insert(token.hash.as_str().to_owned(), token.clone());
            Ok(())
        })
    }

    async fn get_invitation(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: InvitationId,
    ) -> Result<Option<Invitation>, StoreError> {
        self.read(|d| {
            d.invitations
                .get(&id)
                .filter(|i| i.tenant_id == tenant && i.customer_id == customer)
                .cloned()
        })
    }

    async fn list_invitations(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<Invitation>, StoreError> {
        self.read(|d| {
            d.invitations
                .values()
                .rev()
                .filter(|i| i.tenant_id == tenant && i.customer_id == customer)
                .cloned()
                .collect()
        })
    }

    async fn update_invitation(
        &self,
        current: &Invitation,
        next: &Invitation,
        void_token: Option<(VoidReason, DateTime<Utc>)>,
    ) -> Result<(), StoreError> {
        self.write(|d| {
            unchanged_invitation(d, current)?;
            d.invitations.insert(next.id, next.clone());
            if let Some((reason, at)) = void_token {
                let voided = TokenRecord::for_invitation(current).voided(at, reason);
                d.tokens.insert(voided.hash.as_str().to_owned(), voided);
            }
            Ok(())
        })
    }

    async fn find_token(&self, hash: &TokenHash) -> Result<Option<TokenRecord>, StoreError> {
        self.read(|d| d.tokens.get(hash.as_str()).cloned())
    }
}

#[async_trait]
impl TemplateStore for EmbeddedStore {
    async fn put_template(
        &self,
        tenant: TenantId,
        template: &TemplateOverride,
    ) -> Result<(), StoreError> {
        self.write(|d| {
            d.templates.entry(tenant).or_default().insert(
                template_key(template.channel, template.language),
                template.clone(),
            );
            Ok(())
        })
    }

    async fn delete_template(
        &self,
        tenant: TenantId,
        channel: Channel,
        language: Language,
    ) -> Result<(), StoreError> {
        self.write(|d| {
            d.templates
                .get_mut(&tenant)
                .and_then(|t| t.remove(&template_key(channel, language)))
                .map(|_| ())
                .ok_or(StoreError::NotFound)
        })
    }

    async fn list_templates(&self, tenant: TenantId) -> Result<Vec<TemplateOverride>, StoreError> {
        self.read(|d| {
            d.templates
                .get(&tenant)
                .map(|t| t.values().cloned().collect())
                .unwrap_or_default()
        })
    }
}

#[async_trait]
impl IdempotencyStore for EmbeddedStore {
    async fn begin_request(
        &self,
        tenant: TenantId,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<IdempotencyStart, StoreError> {
        self.write(|d| {
            let id = idempotency_key(tenant, key);
            if let Some(existing) = d.idempotency.get(&id).filter(|r| r.expires_at > now) {
                return Ok(if existing.fingerprint != fingerprint {
                    IdempotencyStart::Mismatch
                } else {
                    match &existing.response {
                        Some(response) => IdempotencyStart::Replay(response.clone()),
                        None => IdempotencyStart::InProgress,
                    }
                });
            }
            d.idempotency.retain(|_, r| r.expires_at > now);
            d.idempotency.insert(
                id,
                IdempotencyRecord {
                    fingerprint: fingerprint.to_owned(),
                    expires_at,
                    response: None,
                },
            );
            Ok(IdempotencyStart::Fresh)
        })
    }

    async fn finish_request(
        &self,
        tenant: TenantId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), StoreError> {
        self.write(|d| {
            let record = d
                .idempotency
                .get_mut(&idempotency_key(tenant, key))
                .ok_or(StoreError::NotFound)?;
            record.response = Some(response.clone());
            Ok(())
        })
    }

    async fn abandon_request(&self, tenant: TenantId, key: &str) -> Result<(), StoreError> {
        self.write(|d| {
            d.idempotency.remove(&idempotency_key(tenant, key));
            Ok(())
        })
    }
}

fn account_key(tenant: TenantId, subject: Subject) -> String {
    format!("{tenant}#{subject}")
}

/// Marks the customer or staff user active, or notes a login; moves its version.
fn touch_subject(
    d: &mut Data,
    tenant: TenantId,
    subject: Subject,
    at: DateTime<Utc>,
    activates: bool,
) -> Option<()> {
    let (activated_at, last_login_at, version) = match subject {
        Subject::Customer(id) => {
            let c = d.customers.get_mut(&tenant)?.get_mut(&id)?;
            (&mut c.activated_at, &mut c.last_login_at, &mut c.version)
        }
        Subject::Staff(id) => {
            let s = d.staff.get_mut(&tenant)?.get_mut(&id)?;
            (&mut s.activated_at, &mut s.last_login_at, &mut s.version)
        }
    };
    if activates {
        *activated_at = Some(at);
    } else {
        *last_login_at = Some(at);
    }
    *version += 1;
    Some(())
}

#[async_trait]
impl AccountStore for EmbeddedStore {
    async fn redeem(&self, r: &Redemption<'_>) -> Result<(), StoreError> {
        self.write(|d| {
            let token = d
                .tokens
                .get_mut(r.token.hash.as_str())
                .ok_or(StoreError::VersionConflict)?;
            if token.status_at(r.now) != crate::domain::LinkStatus::Valid {
                return Err(StoreError::VersionConflict);
            }
            token.used_at = Some(r.now);
            let key = account_key(r.account.tenant_id, r.account.subject);
            match (d.accounts.get(&key), r.previous_account) {
                (None, None) => {}
                (Some(stored), Some(previous)) if stored.version == previous.version => {}
                _ => return Err(StoreError::VersionConflict),
            }
            d.accounts.insert(key, r.account.clone());
            if let Some((current, next)) = r.invitation {
                unchanged_invitation(d, current)?;
                d.invitations.insert(next.id, next.clone());
            }
            // The version moves too, so an edit based on an older read cannot undo this.
            touch_subject(
                d,
                r.account.tenant_id,
                r.account.subject,
                r.now,
                r.activates,
            )
            .ok_or(StoreError::VersionConflict)?;
            d.sessions
                .insert(r.session.hash.as_str().to_owned(), r.session.clone());
            Ok(())
        })
    }

    async fn find_login(
        &self,
        email: &crate::domain::Email,
    ) -> Result<Option<LoginOwner>, StoreError> {
        self.read(|d| {
            d.logins.get(&email.normalized()).map(|c| LoginOwner {
                tenant_id: c.tenant_id,
                subject: c.subject,
            })
        })
    }

    async fn get_account(
        &self,
        tenant: TenantId,
        subject: Subject,
    ) -> Result<Option<Account>, StoreError> {
        self.read(|d| d.accounts.get(&account_key(tenant, subject)).cloned())
    }

    async fn update_account(&self, current: &Account, next: &Account) -> Result<(), StoreError> {
        self.write(|d| {
            let stored = d
                .accounts
                .get_mut(&account_key(current.tenant_id, current.subject))
                .filter(|a| a.version == current.version)
                .ok_or(StoreError::VersionConflict)?;
            *stored = next.clone();
            Ok(())
        })
    }

    async fn put_token(&self, token: &TokenRecord) -> Result<(), StoreError> {
        self.write(|d| {
            if d.tokens.contains_key(token.hash.as_str()) {
                return Err(StoreError::AlreadyExists);
            }
            d.tokens
                .insert(token.hash.as_str().to_owned(), token.clone());
            Ok(())
        })
    }

    async fn record_login(
        &self,
        tenant: TenantId,
        subject: Subject,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(|d| touch_subject(d, tenant, subject, at, false).ok_or(StoreError::NotFound))
    }
}

fn unchanged_staff<'a>(
    d: &'a mut Data,
    current: &StaffMember,
) -> Result<&'a mut StaffMember, StoreError> {
    d.staff
        .get_mut(&current.tenant_id)
        .and_then(|s| s.get_mut(&current.id))
        .filter(|s| s.version == current.version)
        .ok_or(StoreError::VersionConflict)
}

#[async_trait]
impl StaffStore for EmbeddedStore {
    async fn create_staff(
        &self,
        member: &StaffMember,
        token: &TokenRecord,
    ) -> Result<(), StoreError> {
        self.write(|d| {
            let email = member.email.normalized();
            if d.logins.contains_key(&email) {
                return Err(StoreError::LoginEmailTaken);
            }
            let of_tenant = d.staff.entry(member.tenant_id).or_default();
            if of_tenant.contains_key(&member.id) || d.tokens.contains_key(token.hash.as_str()) {
                return Err(StoreError::AlreadyExists);
            }
            of_tenant.insert(member.id, member.clone());
            d.logins.insert(
                email,
                LoginClaim {
                    tenant_id: member.tenant_id,
                    subject: member.subject(),
                },
            );
            d.tokens
                .insert(token.hash.as_str().to_owned(), token.clone());
            Ok(())
        })
    }

    async fn get_staff(
        &self,
        tenant: TenantId,
        id: StaffId,
    ) -> Result<Option<StaffMember>, StoreError> {
        self.read(|d| d.staff.get(&tenant).and_then(|s| s.get(&id)).cloned())
    }

    async fn list_staff(&self, tenant: TenantId) -> Result<Vec<StaffMember>, StoreError> {
        self.read(|d| {
            d.staff
                .get(&tenant)
                .map(|s| s.values().cloned().collect())
                .unwrap_or_default()
        })
    }

    async fn update_staff(
        &self,
        current: &StaffMember,
        next: &StaffMember,
        new_token: Option<&TokenRecord>,
    ) -> Result<(), StoreError> {
        self.write(|d| {
            *unchanged_staff(d, current)? = next.clone();
            if let Some(token) = new_token {
                if d.tokens.contains_key(token.hash.as_str()) {
                    return Err(StoreError::AlreadyExists);
                }
                if let Some(old) = current.invitation_token() {
                    let voided = d
                        .tokens
                        .get(old.hash.as_str())
                        .cloned()
                        .unwrap_or(old)
                        .voided(token.created_at, VoidReason::Superseded);
                    d.tokens.insert(voided.hash.as_str().to_owned(), voided);
                }
                d.tokens
                    .insert(token.hash.as_str().to_owned(), token.clone());
            }
            Ok(())
        })
    }

    async fn delete_staff(
        &self,
        current: &StaffMember,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(|d| {
            unchanged_staff(d, current)?;
            if let Some(of_tenant) = d.staff.get_mut(&current.tenant_id) {
                of_tenant.remove(&current.id);
            }
            d.logins.remove(&current.email.normalized());
            d.accounts
                .remove(&account_key(current.tenant_id, current.subject()));
            if current.activated_at.is_none()
                && let Some(token) = current.invitation_token()
                && let Some(stored) = d.tokens.get_mut(token.hash.as_str())
            {
                *stored = stored.clone().voided(at, VoidReason::Revoked);
            }
            Ok(())
        })
    }
}

#[async_trait]
impl SessionStore for EmbeddedStore {
    async fn put_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        self.write(|d| {
            d.sessions.retain(|_, s| s.expires_at > session.created_at);
            d.sessions
                .insert(session.hash.as_str().to_owned(), session.clone());
            Ok(())
        })
    }

    async fn get_session(&self, hash: &TokenHash) -> Result<Option<SessionRecord>, StoreError> {
        self.read(|d| d.sessions.get(hash.as_str()).cloned())
    }

    async fn touch_session(&self, hash: &TokenHash, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.write(|d| {
            if let Some(session) = d.sessions.get_mut(hash.as_str()) {
                session.last_seen_at = session.last_seen_at.max(at);
            }
            Ok(())
        })
    }

    async fn delete_session(&self, hash: &TokenHash) -> Result<(), StoreError> {
        self.write(|d| {
            d.sessions.remove(hash.as_str());
            Ok(())
        })
    }
}

#[async_trait]
impl RateLimitStore for EmbeddedStore {
    async fn count(&self, key: &str, window_start: DateTime<Utc>) -> Result<u32, StoreError> {
        self.read(|d| {
            d.rates
                .get(&format!("{key}#{}", window_start.timestamp()))
                .map(|(n, _)| *n)
                .unwrap_or(0)
        })
    }

    async fn increment(
        &self,
        key: &str,
        window_start: DateTime<Utc>,
        forget_at: DateTime<Utc>,
    ) -> Result<u32, StoreError> {
        self.write(|d| {
            d.rates.retain(|_, (_, forget)| *forget > window_start);
            let entry = d
                .rates
                .entry(format!("{key}#{}", window_start.timestamp()))
                .or_insert((0, forget_at));
            entry.0 += 1;
            Ok(entry.0)
        })
    }

    async fn decrement(&self, key: &str, window_start: DateTime<Utc>) -> Result<u32, StoreError> {
        self.write(|d| {
            Ok(d.rates
                .get_mut(&format!("{key}#{}", window_start.timestamp()))
                .map(|(n, _)| {
                    *n = n.saturating_sub(1);
                    *n
                })
                .unwrap_or(0))
        })
    }
}

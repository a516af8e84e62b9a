//! Passwords (`TENANT#{t}#CUSTOMER#{c}` or `TENANT#{t}#STAFF#{s}` / `ACCOUNT`), the login email
//! claims (`LOGIN#{email}`) that lead a login to its customer or staff user, reset tokens, and
//! redeeming a link: everything that changes together when a password is set.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{
    ItemStore, claim_field, claim_item,
    invitations::{closes, invitation_replace, open_marker_close, token_key, token_new},
    sessions::session_new,
    subject_sk, tenant_pk, timestamp, ttl, unexpected,
};
use crate::{
    domain::{Account, CustomerId, Email, LoginOwner, StaffId, Subject, TenantId, TokenRecord},
    items::{self, Condition, Item, Key, Keys, Update, Write},
    ports::{AccountStore, Redemption, StoreError},
};

pub(super) fn account_key(t: TenantId, subject: Subject) -> Key {
    Key::new(format!("TENANT#{t}#{}", subject_sk(subject)), "ACCOUNT")
}

pub(crate) fn account_item(a: &Account) -> anyhow::Result<Item> {
    let key = account_key(a.tenant_id, a.subject);
    items::item(a, &Keys::new(key.pk, key.sk))
}

fn login_key(email: &Email) -> Key {
    login_key_normalized(&email.normalized())
}

fn login_key_normalized(normalized: &str) -> Key {
    Key::new(format!("LOGIN#{normalized}"), "LOGIN")
}

/// The claim on a login email (in its normalized form) for a customer (`customerId`) or staff
/// user (`staffId`).
pub(crate) fn login_claim_item(normalized: &str, tenant: TenantId, subject: Subject) -> Item {
    let owner = match subject {
        Subject::Customer(c) => ("customerId", c.to_string()),
        Subject::Staff(id) => ("staffId", id.to_string()),
    };
    claim_item(
        login_key_normalized(normalized),
        &[("tenantId", tenant.to_string()), owner],
    )
}

/// Claims a login email for a customer or staff user; the claim fails when anyone, in any
/// agency, holds it.
pub(super) fn claim_login(tenant: TenantId, subject: Subject, email: &Email) -> Write {
    Write::put(login_claim_item(&email.normalized(), tenant, subject)).when(Condition::NotExists)
}

/// Deletes the claim on `email`; the caller adds the condition that it is the owner's.
pub(super) fn release_login(email: &Email) -> Write {
    Write::delete(login_key(email))
}

/// Sets `field` (`activatedAt` or `lastLoginAt`) on the customer or staff record, if it
/// exists. Activation moves the record's version (an edit from an older read must not undo
/// it). A customer's login does not, so the agency's `If-Match` stays good; edits of the
/// customer leave `lastLoginAt` alone instead (see [`super::customers`]). A staff user's
/// record is replaced whole by its edits, so their login still moves its version.
fn subject_touch(tenant: TenantId, subject: Subject, field: &str, at: DateTime<Utc>) -> Update {
    let touch = Update::new(Key::new(tenant_pk(tenant), subject_sk(subject)))
        .set(field, timestamp(at))
        .when(Condition::Exists);
    match subject {
        Subject::Customer(_) if field == LAST_LOGIN_AT => touch,
        _ => touch.add("version", 1),
    }
}

/// Written by logins alone, never by an edit of the record.
pub(super) const LAST_LOGIN_AT: &str = "lastLoginAt";

#[async_trait]
impl AccountStore for ItemStore {
    #[tracing::instrument(skip_all, fields(subject = %r.account.subject))]
    async fn redeem(&self, r: &Redemption<'_>) -> Result<(), StoreError> {
        let usable = Condition::Exists
            .and(Condition::absent("usedAt"))
            .and(Condition::absent("voided"))
            .and(Condition::greater_than(items::TTL, ttl(r.now)));
        let use_token = Update::new(token_key(&r.token.hash))
            .set("usedAt", timestamp(r.now))
            .when(usable);
        // A reset link works only while the account is at the epoch it was sent for; the
        // account's version condition below keeps it there until this write.
        if !r
            .token
            .epoch_matches(r.previous_account.map(|a| a.session_epoch))
        {
            return Err(StoreError::VersionConflict);
        }
        let account = Write::put(account_item(r.account)?);
        let mut writes = vec![
            use_token.into(),
            match r.previous_account {
                Some(previous) => account.when(Condition::equals("version", previous.version)),
                None => account.when(Condition::NotExists),
            },
        ];
        // The link sets the password of the address it was sent to, only while that address
        // still logs in to this account.
        if let Some(sent_to) = &r.token.sent_to {
            let owner = match r.token.subject {
                Subject::Customer(c) => Condition::equals("customerId", c.to_string()),
                Subject::Staff(id) => Condition::equals("staffId", id.to_string()),
            };
            writes.push(Write::check(
                login_key(sent_to),
                Condition::equals("tenantId", r.token.tenant_id.to_string()).and(owner),
            ));
        }
        if let Some((current, next)) = r.invitation {
            writes.push(invitation_replace(current, next)?);
            if closes(current, next) {
                writes.extend(open_marker_close([current]));
            }
        }
        let field = if r.activates {
            "activatedAt"
        } else {
            LAST_LOGIN_AT
        };
        let subject = r.account.subject;
        writes.push(subject_touch(r.account.tenant_id, subject, field, r.now).into());
        writes.push(session_new(r.session)?);
        self.transact(writes, None, "Failed to set the password")
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn find_login(&self, email: &Email) -> Result<Option<LoginOwner>, StoreError> {
        let Some(claim) = self
            .table
            .get(&login_key(email), true)
            .await
            .map_err(|e| unexpected(e, "Failed to look up the login email"))?
        else {
            return Ok(None);
        };
        let tenant = claim_field::<TenantId>(&claim, "tenantId");
        let customer = claim_field::<CustomerId>(&claim, "customerId");
        let staff = claim_field::<StaffId>(&claim, "staffId");
        let subject = customer
            .map(Subject::Customer)
            .or(staff.map(Subject::Staff));
        match (tenant, subject) {
            (Some(tenant_id), Some(subject)) => Ok(Some(LoginOwner { tenant_id, subject })),
            _ => Err(anyhow::anyhow!("A login claim lacks its tenant or owner").into()),
        }
    }

    #[tracing::instrument(skip(self))]
    async fn get_account(
        &self,
        tenant: TenantId,
        subject: Subject,
    ) -> Result<Option<Account>, StoreError> {
        self.get_record(
            account_key(tenant, subject),
            true,
            "Failed to read the account",
        )
        .await
    }

    #[tracing::instrument(skip_all, fields(subject = %current.subject))]
    async fn update_account(&self, current: &Account, next: &Account) -> Result<(), StoreError> {
        let put =
            Write::put(account_item(next)?).when(Condition::equals("version", current.version));
        self.transact(vec![put], None, "Failed to update the account")
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn put_token(&self, token: &TokenRecord) -> Result<(), StoreError> {
        self.write(token_new(token)?, "Failed to store the link token")
            .await?
            .map_err(|_| StoreError::AlreadyExists)?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn record_login(
        &self,
        tenant: TenantId,
        subject: Subject,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let touch = subject_touch(tenant, subject, LAST_LOGIN_AT, at);
        self.write(touch.into(), "Failed to record the login")
            .await?
            .map_err(|_| StoreError::NotFound)?;
        Ok(())
    }
}

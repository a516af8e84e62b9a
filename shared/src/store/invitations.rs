//! A customer's invitations (`TENANT#{t}#CUSTOMER#{c}` / `INVITATION#{i}`) and the link tokens
//! (`TOKEN#{sha256}`) of invitations, resets and staff invitations. A token stays stored, used
//! or voided, until TTL removes it after its expiry, so a link page can say what became of it.
//!
//! Beside them, one small marker per customer (`TENANT#{t}#CUSTOMER#{c}` / `INVOPEN`) names
//! the open invitations (an attribute `open#{i}` each, with its token hash and times) and has
//! a version. Every write that opens or closes an invitation changes it in the same
//! transaction, and an issue is conditioned on its version: a send reads this one item, not
//! every invitation with its history, and two sends that read the same can't both add one.
//! Customers from before the marker have none (or, once an invitation of theirs was closed,
//! one without `complete`): their invitations are listed instead, once, and the send that
//! follows writes the complete marker. Expiry writes nothing; a past-expiry entry is left
//! until the next send drops it.

use anyhow::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{ItemStore, customer_sk, tenant_pk, transaction_error, ttl, unexpected};
use crate::{
    domain::{
        Customer, CustomerId, Invitation, InvitationEvent, InvitationId, InvitationState, TenantId,
        TokenHash, TokenRecord, VoidReason,
    },
    items::{self, Condition, Item, Key, Keys, Query, TableError, Update, Write},
    ports::{InvitationStore, OpenInvitation, OpenInvitations, OpenRead, StoreError},
};

fn invitations_pk(t: TenantId, c: CustomerId) -> String {
    format!("TENANT#{t}#CUSTOMER#{c}")
}

fn invitation_key(t: TenantId, c: CustomerId, id: InvitationId) -> Key {
    Key::new(invitations_pk(t, c), format!("INVITATION#{id}"))
}

fn open_key(t: TenantId, c: CustomerId) -> Key {
    Key::new(invitations_pk(t, c), "INVOPEN")
}

/// The attribute of the marker that names invitation `id` open.
fn open_attribute(id: InvitationId) -> String {
    format!("open#{id}")
}

const COMPLETE: &str = "complete";
const VERSION: &str = "version";

/// What the marker keeps of an open invitation.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct OpenEntry {
    token_hash: TokenHash,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

/// The marker read: its open invitations when it is complete, and its version.
fn read_marker(item: &Item) -> anyhow::Result<(Option<Vec<OpenInvitation>>, Option<u64>)> {
    let version = item.get(VERSION).and_then(Value::as_u64);
    if item.get(COMPLETE) != Some(&Value::Bool(true)) {
        return Ok((None, version));
    }
    let mut open = Vec::new();
    for (name, value) in item {
        let Some(id) = name.strip_prefix("open#") else {
            continue;
        };
        let entry: OpenEntry = serde_json::from_value(value.clone())?;
        open.push(OpenInvitation {
            id: id.parse()?,
            token_hash: entry.token_hash,
            created_at: entry.created_at,
            expires_at: entry.expires_at,
        });
    }
    Ok((Some(open), version))
}

/// The complete marker naming `invitation` alone open, written over the one `read` (or where
/// none was).
fn open_marker_issue(invitation: &Invitation, read: Option<u64>) -> anyhow::Result<Write> {
    let key = open_key(invitation.tenant_id, invitation.customer_id);
    let entry = OpenEntry {
        token_hash: invitation.token_hash.clone(),
        created_at: invitation.created_at,
        expires_at: invitation.expires_at,
    };
    let mut item = Item::new();
    item.insert(items::PK.into(), key.pk.into());
    item.insert(items::SK.into(), key.sk.into());
    item.insert(COMPLETE.into(), Value::Bool(true));
    item.insert(VERSION.into(), read.unwrap_or(0).saturating_add(1).into());
    item.insert(open_attribute(invitation.id), serde_json::to_value(entry)?);
    let write = Write::put(item);
    Ok(match read {
        Some(version) => write.when(Condition::equals(VERSION, version)),
        None => write.when(Condition::NotExists),
    })
}

/// The empty complete marker of a new customer ([`OpenInvitations::of_new_customer`]). No
/// condition: the customer's own put is conditioned, and a failure here would be read as
/// the login claim's.
pub(super) fn open_marker_new(t: TenantId, c: CustomerId) -> Write {
    let key = open_key(t, c);
    let mut item = Item::new();
    item.insert(items::PK.into(), key.pk.into());
    item.insert(items::SK.into(), key.sk.into());
    item.insert(COMPLETE.into(), Value::Bool(true));
    let version = OpenInvitations::of_new_customer().version.unwrap_or(1);
    item.insert(VERSION.into(), version.into());
    Write::put(item)
}

/// The marker change for `closed` invitations of one customer (accepted, revoked, voided):
/// no longer named open, one version on. Where no marker is, this leaves one without
/// `complete`, which still sends the next issue to the list of invitations.
pub(super) fn open_marker_close<'a>(
    closed: impl IntoIterator<Item = &'a Invitation>,
) -> Option<Write> {
    let mut closed = closed.into_iter().peekable();
    let first = closed.peek()?;
    let mut update = Update::new(open_key(first.tenant_id, first.customer_id)).add(VERSION, 1);
    for invitation in closed {
        update = update.remove(open_attribute(invitation.id));
    }
    Some(update.into())
}

/// Deletes the marker with its customer, if it is still as `read` (when read), so that no
/// send slipped in unseen and no marker outlives the customer.
pub(super) fn open_marker_delete(t: TenantId, c: CustomerId, read: Option<OpenRead>) -> Write {
    let delete = Write::delete(open_key(t, c));
    match read {
        Some(read) => delete.when(open_marker_as(read)),
        None => delete,
    }
}

/// The condition that the marker is still as `read` (or still absent where none was).
fn open_marker_as(read: OpenRead) -> Condition {
    match read.version {
        Some(version) => Condition::equals(VERSION, version),
        None => Condition::NotExists,
    }
}

/// The marker change for a change of the customer that closes `closed` (none, perhaps): as
/// [`open_marker_close`], conditioned on the marker being as `read`; with nothing closed, that
/// condition alone. A send issues under the customer's version, which it does not move, so
/// only the marker's version shows that one slipped in after `read` and was not closed.
pub(super) fn open_marker_guard<'a>(
    t: TenantId,
    c: CustomerId,
    closed: impl IntoIterator<Item = &'a Invitation>,
    read: Option<OpenRead>,
) -> Option<Write> {
    let Some(read) = read else {
        return open_marker_close(closed);
    };
    Some(match open_marker_close(closed) {
        Some(close) => close.when(open_marker_as(read)),
        None => Write::check(open_key(t, c), open_marker_as(read)),
    })
}

/// Whether replacing `current` by `next` closes an open invitation.
pub(super) fn closes(current: &Invitation, next: &Invitation) -> bool {
    current.state.is_open() && !next.state.is_open()
}

/// Supersedes an open invitation without reading it: `event` at the end of its history,
/// revoked, one version on, provided it is still open. A release from before the marker
/// closes invitations without touching it, so the marker may name one that was accepted
/// meanwhile: that one must stay accepted (see [`ItemStore::issue_invitation`]).
fn invitation_supersede(
    t: TenantId,
    c: CustomerId,
    id: InvitationId,
    event: &InvitationEvent,
) -> anyhow::Result<Write> {
    let state = |s: InvitationState| serde_json::to_value(s).map(|v| Condition::equals("state", v));
    let still_open = state(InvitationState::Pending)?
        .or(state(InvitationState::Sent)?)
        .or(state(InvitationState::Failed)?);
    Ok(Update::new(invitation_key(t, c, id))
        .set("state", serde_json::to_value(InvitationState::Revoked)?)
        .append("history", serde_json::to_value(event)?)
        .add(VERSION, 1)
        .when(Condition::Exists.and(still_open))
        .into())
}

/// Voids the token of an open invitation named by the marker, provided it was not used: a
/// used one (its invitation accepted by a release from before the marker) keeps `usedAt` and
/// `sentTo`.
fn open_token_void(open: &OpenInvitation, at: DateTime<Utc>) -> anyhow::Result<Write> {
    let voided = crate::domain::Voided {
        at,
        reason: VoidReason::Superseded,
    };
    Ok(Update::new(token_key(&open.token_hash))
        .set("voided", serde_json::to_value(voided)?)
        .when(Condition::Exists.and(Condition::absent("usedAt")))
        .into())
}

/// The writes of an issue over the `open` invitations, the marker conditioned on `version`:
/// the customer's check, the invitation, its token and the marker first, then two writes for
/// each superseded invitation.
fn issue_writes(
    customer: &Customer,
    invitation: &Invitation,
    token: &TokenRecord,
    open: &[OpenInvitation],
    version: Option<u64>,
    superseded: &InvitationEvent,
) -> anyhow::Result<Vec<Write>> {
    let (t, c) = (customer.tenant_id, customer.id);
    let customer_key = Key::new(tenant_pk(t), customer_sk(c));
    let mut writes = vec![
        Write::check(customer_key, Condition::equals("version", customer.version)),
        Write::put(invitation_item(invitation)?).when(Condition::NotExists),
        token_new(token)?,
        open_marker_issue(invitation, version)?,
    ];
    for earlier in open {
        writes.push(invitation_supersede(t, c, earlier.id, superseded)?);
        writes.push(open_token_void(earlier, superseded.at)?);
    }
    Ok(writes)
}

/// How many of [`issue_writes`] come before those of the superseded invitations.
const ISSUE_OWN_WRITES: usize = 4;

pub(crate) fn invitation_item(i: &Invitation) -> anyhow::Result<Item> {
    let key = invitation_key(i.tenant_id, i.customer_id, i.id);
    items::item(i, &Keys::new(key.pk, key.sk))
}

/// The write that replaces `current` by `next`, if `current` is what is stored.
pub(super) fn invitation_replace(current: &Invitation, next: &Invitation) -> anyhow::Result<Write> {
    Ok(Write::put(invitation_item(next)?).when(Condition::equals("version", current.version)))
}

pub(super) fn token_key(hash: &TokenHash) -> Key {
    Key::new(format!("TOKEN#{}", hash.as_str()), "TOKEN")
}

pub(crate) fn token_item(token: &TokenRecord) -> anyhow::Result<Item> {
    let key = token_key(&token.hash);
    items::item(token, &Keys::new(key.pk, key.sk).ttl(ttl(token.expires_at)))
}

/// The write that stores a new token (a token hash is never reused).
pub(super) fn token_new(token: &TokenRecord) -> anyhow::Result<Write> {
    Ok(Write::put(token_item(token)?).when(Condition::NotExists))
}

/// Replaces the invitation's token by its voided form (kept until TTL removes it).
pub(super) fn token_void(
    invitation: &Invitation,
    reason: VoidReason,
    at: DateTime<Utc>,
) -> anyhow::Result<Write> {
    let voided = TokenRecord::for_invitation(invitation).voided(at, reason);
    Ok(Write::put(token_item(&voided)?))
}

#[async_trait]
impl InvitationStore for ItemStore {
    #[tracing::instrument(skip_all, fields(tenant = %invitation.tenant_id, invitation = %invitation.id))]
    async fn issue_invitation(
        &self,
        customer: &Customer,
        invitation: &Invitation,
        token: &TokenRecord,
        open: &OpenInvitations,
        superseded: &InvitationEvent,
    ) -> Result<(), StoreError> {
        let (t, c) = (customer.tenant_id, customer.id);
        let writes = issue_writes(
            customer,
            invitation,
            token,
            &open.invitations,
            open.version,
            superseded,
        )?;
        match self.table.transact(writes).await {
            Ok(()) => return Ok(()),
            // Only what the marker named failed: it named an invitation that a release from
            // before the marker closed. Trying again would fail alike, so the list says once
            // which are open, and the marker is written anew from it.
            Err(TableError::ConditionFailed { failed })
                if !failed.iter().take(ISSUE_OWN_WRITES).any(|f| *f) && failed.contains(&true) =>
            {
                tracing::warn!("the marker of open invitations named a closed one");
            }
            Err(e) => return Err(transaction_error(e, None, "Failed to store the invitation")),
        }
        let listed: Vec<OpenInvitation> = self
            .list_invitations(t, c)
            .await?
            .iter()
            // Past its expiry a link is closed already (and its token may be gone).
            .filter(|i| i.state.is_open() && superseded.at < i.expires_at)
            .map(OpenInvitation::of)
            .collect();
        let writes = issue_writes(
            customer,
            invitation,
            token,
            &listed,
            open.version,
            superseded,
        )?;
        self.transact(writes, None, "Failed to store the invitation")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn open_invitations(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<OpenInvitations, StoreError> {
        let marker = self
            .table
            .get(&open_key(tenant, customer), true)
            .await
            .map_err(|e| unexpected(e, "Failed to read the open invitations"))?;
        let (open, version) = match &marker {
            Some(item) => {
                read_marker(item).context("A marker of open invitations is unreadable")?
            }
            None => (None, None),
        };
        let (invitations, listed) = match open {
            Some(open) => (open, None),
            // From before the marker: the one time its invitations are listed. The list goes
            // back with the answer, so a caller that needs it too reads it once.
            None => {
                let listed = self.list_invitations(tenant, customer).await?;
                let open = listed
                    .iter()
                    .filter(|i| i.state.is_open())
                    .map(OpenInvitation::of)
                    .collect();
                (open, Some(listed))
            }
        };
        Ok(OpenInvitations {
            invitations,
            version,
            listed,
        })
    }

    #[tracing::instrument(skip(self))]
    async fn get_invitation(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: InvitationId,
    ) -> Result<Option<Invitation>, StoreError> {
        let key = invitation_key(tenant, customer, id);
        self.get_record(key, true, "Failed to read the invitation")
            .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_invitations(
        &self,
        tenant: TenantId,
        customer: CustomerId,
    ) -> Result<Vec<Invitation>, StoreError> {
        // Invitation ids are ULIDs: descending key order is newest first.
        let query = Query::primary(invitations_pk(tenant, customer))
            .begins_with("INVITATION#")
            .descending()
            .consistent();
        self.list_all(query, "Failed to list the invitations").await
    }

    #[tracing::instrument(skip_all, fields(invitation = %current.id))]
    async fn update_invitation(
        &self,
        current: &Invitation,
        next: &Invitation,
        void_token: Option<(VoidReason, DateTime<Utc>)>,
    ) -> Result<(), StoreError> {
        let mut writes = vec![invitation_replace(current, next)?];
        if let Some((reason, at)) = void_token {
            writes.push(token_void(current, reason, at)?);
        }
        if closes(current, next) {
            writes.extend(open_marker_close([current]));
        }
        self.transact(writes, None, "Failed to update the invitation")
            .await
    }

    #[tracing::instrument(skip_all)]
    async fn find_token(&self, hash: &TokenHash) -> Result<Option<TokenRecord>, StoreError> {
        self.get_record(token_key(hash), true, "Failed to look up the link token")
            .await
    }
}

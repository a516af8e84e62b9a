//! The agency's customer records (`TENANT#{t}` / `CUSTOMER#{c}`), each holding the claim on
//! its login email (see [`super::accounts`]) in the same transaction as the record.

use async_trait::async_trait;

use anyhow::Context;

use super::{
    ItemStore,
    accounts::{LAST_LOGIN_AT, account_item, account_key, claim_login, release_login},
    customer_sk,
    invitations::{
        invitation_replace, open_marker_delete, open_marker_guard, open_marker_new, token_void,
    },
    tenant_pk,
};
use crate::{
    domain::{Customer, CustomerId, Email, Subject, TenantId},
    items::{self, Condition, Cursor, Item, Key, Keys, Query, Update, Write},
    ports::{CustomerStore, LinkVoids, Page, StoreError},
};

fn customer_key(tenant: TenantId, id: CustomerId) -> Key {
    Key::new(tenant_pk(tenant), customer_sk(id))
}

pub(crate) fn customer_item(c: &Customer) -> anyhow::Result<Item> {
    items::item(c, &Keys::new(tenant_pk(c.tenant_id), customer_sk(c.id)))
}

/// Replaces `current`'s attributes by `next`'s if `current` is what is stored, all but
/// `lastLoginAt`: logins write it without moving the version, so an edit from a read made
/// before a login must neither fail on it nor undo it.
pub(super) fn customer_edit(current: &Customer, next: &Customer) -> anyhow::Result<Write> {
    let mut edit = Update::new(customer_key(next.tenant_id, next.id))
        .when(Condition::equals("version", current.version));
    for (name, value) in customer_item(next)? {
        if ![items::PK, items::SK, LAST_LOGIN_AT].contains(&name.as_str()) {
            edit = edit.set(name, value);
        }
    }
    Ok(edit.into())
}

/// The write that releases `email`, only ever this customer's claim on it.
fn release_customer_login(c: &Customer, email: &Email) -> Write {
    release_login(email).when(Condition::equals("customerId", c.id.to_string()))
}

#[async_trait]
impl CustomerStore for ItemStore {
    #[tracing::instrument(skip_all, fields(tenant = %customer.tenant_id, customer = %customer.id))]
    async fn create_customer(&self, customer: &Customer) -> Result<(), StoreError> {
        let mut writes = vec![Write::put(customer_item(customer)?).when(Condition::NotExists)];
        if let Some(email) = &customer.login_email {
            writes.push(claim_login(
                customer.tenant_id,
                Subject::Customer(customer.id),
                email,
            ));
        }
        // After the login claim, whose index the transaction's failure is read by.
        writes.push(open_marker_new(customer.tenant_id, customer.id));
        match self
            .transact(writes, Some(1), "Failed to store the customer")
            .await
        {
            Err(StoreError::VersionConflict) => Err(StoreError::AlreadyExists),
            other => other,
        }
    }

    #[tracing::instrument(skip(self))]
    async fn get_customer(
        &self,
        tenant: TenantId,
        id: CustomerId,
    ) -> Result<Option<Customer>, StoreError> {
        self.get_record(
            customer_key(tenant, id),
            true,
            "Failed to read the customer",
        )
        .await
    }

    #[tracing::instrument(skip(self))]
    async fn list_customers(
        &self,
        tenant: TenantId,
        after: Option<CustomerId>,
        limit: usize,
    ) -> Result<Page<Customer, CustomerId>, StoreError> {
        let query = Query::primary(tenant_pk(tenant))
            .begins_with("CUSTOMER#")
            .after(after.map(|c| Cursor::from(customer_key(tenant, c))))
            .limit(limit.max(1));
        let page = self
            .list::<Customer>(query, "Failed to list the customers")
            .await?;
        let next = page
            .more
            .then(|| page.records.last().map(|c| c.id))
            .flatten();
        Ok(Page {
            items: page.records,
            next,
        })
    }

    #[tracing::instrument(skip_all, fields(tenant = %current.tenant_id, customer = %current.id))]
    async fn update_customer(
        &self,
        current: &Customer,
        next: &Customer,
        voids: &LinkVoids<'_>,
    ) -> Result<(), StoreError> {
        let mut writes = vec![customer_edit(current, next)?];
        let old = current.login_email.as_ref();
        let new = next.login_email.as_ref();
        let moved = crate::links::login_email_moves(current, next);
        if moved && voids.reason.is_none() {
            return Err(anyhow::anyhow!(
                "A login email change must void the customer's links (crate::links::voids_for)"
            )
            .into());
        }
        let mut claim_index = None;
        if moved {
            if let Some(new) = new {
                claim_index = Some(writes.len());
                writes.push(claim_login(next.tenant_id, Subject::Customer(next.id), new));
            }
            if let Some(old) = old {
                writes.push(release_customer_login(current, old));
            }
        }
        writes.extend(link_voids(current, voids, true)?);
        self.transact(writes, claim_index, "Failed to update the customer")
            .await
    }

    #[tracing::instrument(skip_all, fields(tenant = %current.tenant_id, customer = %current.id))]
    async fn delete_customer(
        &self,
        current: &Customer,
        voids: &LinkVoids<'_>,
    ) -> Result<(), StoreError> {
        let mut writes = vec![
            Write::delete(customer_key(current.tenant_id, current.id))
                .when(Condition::equals("version", current.version)),
            // The password goes with the customer, so no session of theirs outlives them.
            Write::delete(account_key(
                current.tenant_id,
                Subject::Customer(current.id),
            )),
        ];
        if let Some(email) = &current.login_email {
            writes.push(release_customer_login(current, email));
        }
        // The account is deleted above: only the invitations are left to void; the marker of
        // open invitations goes with the customer.
        writes.extend(link_voids(
            current,
            &LinkVoids {
                account: None,
                ..*voids
            },
            false,
        )?);
        writes.push(open_marker_delete(
            current.tenant_id,
            current.id,
            voids.open,
        ));
        self.transact(writes, None, "Failed to delete the customer")
            .await
    }
}

/// The writes that void `voids`' links of `customer`, each conditioned on the version read,
/// the marker of open invitations too unless the caller writes it (`marker` false).
fn link_voids(
    customer: &Customer,
    voids: &LinkVoids<'_>,
    marker: bool,
) -> anyhow::Result<Vec<Write>> {
    let mut writes = Vec::new();
    if !voids.invitations.is_empty() {
        let (reason, at) = voids
            .reason
            .context("Voided invitations need a reason and a time")?;
        for (current, next) in voids.invitations {
            writes.push(invitation_replace(current, next)?);
            writes.push(token_void(current, reason, at)?);
        }
    }
    if marker {
        writes.extend(open_marker_guard(
            customer.tenant_id,
            customer.id,
            voids.invitations.iter().map(|(current, _)| current),
            voids.open,
        ));
    }
    if let Some((current, next)) = voids.account {
        writes.push(
            Write::put(account_item(next)?).when(Condition::equals("version", current.version)),
        );
    }
    Ok(writes)
}

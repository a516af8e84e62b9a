//! Form entries (`TENANT#{t}#CUSTOMER#{c}#ENTRIES` / `ENTRY#{entryId}`, in gsi1 under
//! `FORM#{formId}#ENTRIES` / `ENTRY#{entryId}`). Entry ids start with the time received, so
//! both listings read newest first with a descending query and a date range is a `BETWEEN`
//! on the sort key. `ttl` is the end of the agency's retention; reads check it too.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{ItemStore, customer_sk, tenant_pk, timestamp, ttl};
use crate::{
    domain::{CustomerId, EmailState, FormEntry, FormEntryId, FormId, TenantId},
    items::{self, Condition, Cursor, Item, Key, Keys, Query, SkCondition, Update, Write},
    ports::{EntryFilter, FormEntryStore, Page, StoreError},
};

fn entries_pk(tenant: TenantId, customer: CustomerId) -> String {
    format!("{}#{}#ENTRIES", tenant_pk(tenant), customer_sk(customer))
}

fn entry_sk(id: FormEntryId) -> String {
    format!("ENTRY#{id}")
}

fn form_entries_gsi1pk(form: FormId) -> String {
    format!("FORM#{form}#ENTRIES")
}

fn entry_key(tenant: TenantId, customer: CustomerId, id: FormEntryId) -> Key {
    Key::new(entries_pk(tenant, customer), entry_sk(id))
}

pub(crate) fn entry_item(entry: &FormEntry) -> anyhow::Result<Item> {
    let keys = Keys::new(
        entries_pk(entry.tenant_id, entry.customer_id),
        entry_sk(entry.id),
    )
    .gsi1(form_entries_gsi1pk(entry.form_id), entry_sk(entry.id))
    .ttl(ttl(entry.expires_at));
    items::item(entry, &keys)
}

/// The sort-key range of `filter`'s dates.
fn date_range(filter: &EntryFilter) -> SkCondition {
    match (filter.from, filter.to) {
        (None, None) => SkCondition::BeginsWith("ENTRY#".into()),
        (from, to) => {
            let low = from.map_or_else(
                || "ENTRY#".to_owned(),
                |f| entry_sk(FormEntryId::first_at(f)),
            );
            let high = to.map_or_else(
                || "ENTRY#~".to_owned(),
                |t| entry_sk(FormEntryId::last_at(t)),
            );
            SkCondition::Between(low, high)
        }
    }
}

#[async_trait]
impl FormEntryStore for ItemStore {
    #[tracing::instrument(skip_all, fields(entry = %entry.id, form = %entry.form_id))]
    async fn put_entry(&self, entry: &FormEntry) -> Result<(), StoreError> {
        let put = Write::put(entry_item(entry)?).when(Condition::NotExists);
        self.write(put, "Failed to store the form entry")
            .await?
            .map_err(|_| StoreError::AlreadyExists)?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn get_entry(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FormEntryId,
        now: DateTime<Utc>,
    ) -> Result<Option<FormEntry>, StoreError> {
        let entry: Option<FormEntry> = self
            .get_record(
                entry_key(tenant, customer, id),
                true,
                "Failed to read the form entry",
            )
            .await?;
        Ok(entry.filter(|e| e.is_live(now)))
    }

    #[tracing::instrument(skip(self))]
    async fn list_entries(
        &self,
        filter: &EntryFilter,
        after: Option<FormEntryId>,
        limit: usize,
        now: DateTime<Utc>,
    ) -> Result<Page<FormEntry, FormEntryId>, StoreError> {
        let query = match filter.form {
            Some(form) => Query::gsi1(form_entries_gsi1pk(form)).after(after.map(|id| Cursor {
                key: entry_key(filter.tenant, filter.customer, id),
                index_sk: Some(entry_sk(id)),
            })),
            None => Query::primary(entries_pk(filter.tenant, filter.customer))
                .after(after.map(|id| Cursor::from(entry_key(filter.tenant, filter.customer, id)))),
        }
        .sk(date_range(filter))
        .descending()
        .limit(limit.max(1));
        let listed = self
            .list::<FormEntry>(query, "Failed to list the form entries")
            .await?;
        let next = match (listed.more, listed.records.last()) {
            (true, Some(last)) => Some(last.id),
            _ => None,
        };
        // The index holds the form's entries only; the owner check keeps a form id from
        // reaching past the customer it was checked against.
        let items = listed
            .records
            .into_iter()
            .filter(|e| e.is_live(now))
            .filter(|e| e.tenant_id == filter.tenant && e.customer_id == filter.customer)
            .collect();
        Ok(Page { items, next })
    }

    #[tracing::instrument(skip(self))]
    async fn mark_read(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FormEntryId,
        at: Option<DateTime<Utc>>,
    ) -> Result<FormEntry, StoreError> {
        let update = Update::new(entry_key(tenant, customer, id))
            .set("readAt", at.map_or(Value::Null, timestamp))
            .when(Condition::Exists);
        let item = self
            .write(update.into(), "Failed to mark the form entry")
            .await?
            .map_err(|_| StoreError::NotFound)?
            .ok_or_else(|| anyhow::anyhow!("An update answered no item"))?;
        Ok(items::record(item)?)
    }

    #[tracing::instrument(skip(self))]
    async fn record_email(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FormEntryId,
        state: EmailState,
    ) -> Result<(), StoreError> {
        let state = serde_json::to_value(state).map_err(anyhow::Error::from)?;
        let update = Update::new(entry_key(tenant, customer, id))
            .set("emailState", state)
            .add("emailAttempts", 1)
            .when(Condition::Exists);
        let _gone = self
            .write(update.into(), "Failed to record the notification")
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn delete_entry(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FormEntryId,
    ) -> Result<(), StoreError> {
        let delete = Write::delete(entry_key(tenant, customer, id)).when(Condition::Exists);
        self.write(delete, "Failed to delete the form entry")
            .await?
            .map_err(|_| StoreError::NotFound)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EntryField, Verification};

    #[test]
    fn an_entry_item_expires_with_the_agency_retention_and_is_indexed_by_form() {
        let at = Utc::now();
        let entry = FormEntry {
            id: FormEntryId::at(at).unwrap(),
            tenant_id: TenantId::new(),
            customer_id: CustomerId::new(),
            form_id: FormId::new(),
            received_at: at,
            expires_at: at + chrono::Duration::days(90),
            fields: vec![EntryField {
                name: "email".into(),
                value: "a@b.example".into(),
            }],
            origin: None,
            user_agent: None,
            verification: Verification::NotRequired,
            read_at: None,
            email_state: EmailState::Pending,
            email_attempts: 0,
        };
        let item = entry_item(&entry).unwrap();
        assert_eq!(
            items::ttl_seconds(&item),
            Some(entry.expires_at.timestamp())
        );
        assert_eq!(
            items::gsi1_key(&item),
            Some(Key::new(
                format!("FORM#{}#ENTRIES", entry.form_id),
                format!("ENTRY#{}", entry.id)
            ))
        );
        assert_eq!(items::record::<FormEntry>(item).unwrap(), entry);
    }
}

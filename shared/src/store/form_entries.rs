//! Form entries (`TENANT#{t}#CUSTOMER#{c}#ENTRIES` / `ENTRY#{entryId}`, in gsi1 under
//! `FORM#{formId}#ENTRIES` / `ENTRY#{entryId}`). Entry ids start with the time received, so
//! both listings read newest first with a descending query and a date range is a `BETWEEN`
//! on the sort key. `ttl` is the end of the agency's retention; reads check it too.
//!
//! An entry whose notification is still to send has a due item beside it
//! (`…#ENTRIES` / `NOTIFY#{entryId}`), written in the entry's transaction. The entry's own
//! `gsi1` is taken by the per-form listing, so the due item carries the sweep's index:
//! `FORMNOTIFY` / `{due time}#{entryId}`, every agency's in time order, so a sweep reads
//! what is due with one query and never scans. Each attempt is claimed by a put conditioned
//! on the `attempts` it read; the item is deleted with the state that ends it (sent, given
//! up, the entry deleted).

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::{ItemStore, customer_sk, tenant_pk, timestamp, ttl, unexpected};
use crate::{
    domain::{CustomerId, EmailState, FormEntry, FormEntryId, FormId, NotificationDue, TenantId},
    items::{
        self, Condition, Cursor, Item, Key, Keys, Query, SkCondition, TableError, Update, Write,
    },
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

/// The sweep's index partition: every agency's due notifications.
const NOTIFICATIONS: &str = "FORMNOTIFY";

/// A due item outlives its next try by a day at most, so one nobody sweeps (the schedule
/// stopped) goes away with TTL rather than staying forever; never beyond its entry.
const DUE_ITEM_SLACK_HOURS: i64 = 24;

fn due_key(tenant: TenantId, customer: CustomerId, id: FormEntryId) -> Key {
    Key::new(entries_pk(tenant, customer), format!("NOTIFY#{id}"))
}

/// Fixed width (milliseconds, `Z`), so index keys sort as times.
fn due_index_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub(crate) fn due_item(due: &NotificationDue) -> anyhow::Result<Item> {
    let key = due_key(due.tenant_id, due.customer_id, due.entry_id);
    let forget = due
        .expires_at
        .min(due.due_at + Duration::hours(DUE_ITEM_SLACK_HOURS));
    let keys = Keys::new(key.pk, key.sk)
        .gsi1(
            NOTIFICATIONS,
            format!("{}#{}", due_index_time(due.due_at), due.entry_id),
        )
        .ttl(ttl(forget));
    items::item(due, &keys)
}

/// The condition that the due item is still at `attempts` (the claim that read it).
fn still_at(attempts: u32) -> Condition {
    Condition::equals("attempts", attempts)
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
    async fn put_entry(
        &self,
        entry: &FormEntry,
        due: Option<&NotificationDue>,
    ) -> Result<(), StoreError> {
        let put = Write::put(entry_item(entry)?).when(Condition::NotExists);
        let Some(due) = due else {
            self.write(put, "Failed to store the form entry")
                .await?
                .map_err(|_| StoreError::AlreadyExists)?;
            return Ok(());
        };
        let due = Write::put(due_item(due)?).when(Condition::NotExists);
        match self.table.transact(vec![put, due]).await {
            Ok(()) => Ok(()),
            Err(TableError::ConditionFailed { .. }) => Err(StoreError::AlreadyExists),
            Err(e) => Err(unexpected(e, "Failed to store the form entry")),
        }
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
    async fn due_notifications(
        &self,
        now: DateTime<Utc>,
        limit: usize,
    ) -> Result<Vec<NotificationDue>, StoreError> {
        // Index keys start with a year; `~` sorts after every character they hold: all due
        // up to `now`. (DynamoDB refuses an empty bound.)
        let query = Query::gsi1(NOTIFICATIONS)
            .sk(SkCondition::Between(
                "0".to_owned(),
                format!("{}~", due_index_time(now)),
            ))
            .limit(limit.max(1));
        Ok(self
            .list(query, "Failed to find the due notifications")
            .await?
            .records)
    }

    #[tracing::instrument(skip(self))]
    async fn notification_due(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FormEntryId,
    ) -> Result<Option<NotificationDue>, StoreError> {
        self.get_record(
            due_key(tenant, customer, id),
            true,
            "Failed to read the due notification",
        )
        .await
    }

    #[tracing::instrument(skip(self, next), fields(entry = %next.entry_id, attempts = next.attempts))]
    async fn claim_notification(
        &self,
        seen: Option<u32>,
        next: &NotificationDue,
    ) -> Result<(), StoreError> {
        let condition = seen.map_or(Condition::NotExists, still_at);
        let put = Write::put(due_item(next)?).when(condition);
        self.write(put, "Failed to claim the notification")
            .await?
            .map_err(|_| StoreError::VersionConflict)?;
        Ok(())
    }

    #[tracing::instrument(skip(self, claimed), fields(entry = %claimed.entry_id, attempts = claimed.attempts))]
    async fn record_email(
        &self,
        claimed: &NotificationDue,
        state: EmailState,
        next_try: Option<DateTime<Utc>>,
    ) -> Result<(), StoreError> {
        let (t, c, id) = (claimed.tenant_id, claimed.customer_id, claimed.entry_id);
        let state = serde_json::to_value(state).map_err(anyhow::Error::from)?;
        let entry = Write::from(
            Update::new(entry_key(t, c, id))
                .set("emailState", state)
                .add("emailAttempts", 1)
                .set("emailNextTryAt", next_try.map_or(Value::Null, timestamp))
                .when(Condition::Exists),
        );
        let drop_due = || Write::delete(due_key(t, c, id)).when(still_at(claimed.attempts));
        let due = match next_try {
            None => drop_due(),
            Some(at) => {
                let released = NotificationDue {
                    due_at: at,
                    claimed_at: None,
                    ..claimed.clone()
                };
                Write::put(due_item(&released)?).when(still_at(claimed.attempts))
            }
        };
        let what = "Failed to record the notification";
        let failed = match self.table.transact(vec![entry.clone(), due]).await {
            Ok(()) => return Ok(()),
            Err(TableError::ConditionFailed { failed }) => failed,
            Err(e) => return Err(unexpected(e, what)),
        };
        let alone = if failed.first() == Some(&true) {
            // The entry is gone (deleted, or removed by TTL): so is the reason to send.
            drop_due()
        } else {
            // A later claim took the item over (this attempt outlived its lease): it records
            // its own outcome; this one's is still the entry's news.
            entry
        };
        let _either_way = self.write(alone, what).await?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn delete_entry(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        id: FormEntryId,
    ) -> Result<(), StoreError> {
        let writes = vec![
            Write::delete(entry_key(tenant, customer, id)).when(Condition::Exists),
            Write::delete(due_key(tenant, customer, id)),
        ];
        match self.table.transact(writes).await {
            Ok(()) => Ok(()),
            Err(TableError::ConditionFailed { .. }) => Err(StoreError::NotFound),
            Err(e) => Err(unexpected(e, "Failed to delete the form entry")),
        }
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
            email_next_try_at: None,
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

    #[test]
    fn a_due_item_is_indexed_by_its_due_time_and_never_outlives_a_day_past_it_or_its_entry() {
        let at = chrono::DateTime::parse_from_rfc3339("2026-05-31T14:05:00.5Z")
            .unwrap()
            .with_timezone(&Utc);
        let due = NotificationDue {
            tenant_id: TenantId::new(),
            customer_id: CustomerId::new(),
            form_id: FormId::new(),
            entry_id: FormEntryId::at(at).unwrap(),
            due_at: at,
            attempts: 3,
            claimed_at: Some(at),
            expires_at: at + Duration::days(365),
        };
        let item = due_item(&due).unwrap();
        assert_eq!(
            items::gsi1_key(&item),
            Some(Key::new(
                "FORMNOTIFY",
                format!("2026-05-31T14:05:00.500Z#{}", due.entry_id)
            ))
        );
        assert_eq!(
            items::ttl_seconds(&item),
            Some((at + Duration::hours(24)).timestamp())
        );
        let short = NotificationDue {
            expires_at: at + Duration::hours(1),
            ..due.clone()
        };
        assert_eq!(
            items::ttl_seconds(&due_item(&short).unwrap()),
            Some(short.expires_at.timestamp())
        );
        assert_eq!(items::record::<NotificationDue>(item).unwrap(), due);
    }
}

//! Form entries: newest first per customer and per form, date ranges, retention, read marks,
//! the notification's state, and the due notifications a sweep finds and claims.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use portal::{
    domain::{
        CustomerId, EmailState, EntryField, FormEntry, FormEntryId, FormId, NotificationDue,
        TenantId, Verification,
    },
    ports::{EntryFilter, FormEntryStore, StoreError},
};

fn entry(
    tenant: TenantId,
    customer: CustomerId,
    form: FormId,
    at: DateTime<Utc>,
    message: &str,
) -> FormEntry {
    FormEntry {
        id: FormEntryId::at(at).unwrap(),
        tenant_id: tenant,
        customer_id: customer,
        form_id: form,
        received_at: at,
        expires_at: at + Duration::days(30),
        fields: vec![
            EntryField {
                name: "name".into(),
                value: "Ada 🙂".into(),
            },
            EntryField {
                name: "message".into(),
                value: message.into(),
            },
        ],
        origin: Some("https://www.kunde.example".into()),
        user_agent: Some("Mozilla/5.0".into()),
        verification: Verification::NotRequired,
        read_at: None,
        email_state: EmailState::Pending,
        email_attempts: 0,
        email_next_try_at: None,
    }
}

/// The due notification of `e`, first tried at `at`.
fn due_of(e: &FormEntry, at: DateTime<Utc>) -> NotificationDue {
    NotificationDue {
        tenant_id: e.tenant_id,
        customer_id: e.customer_id,
        form_id: e.form_id,
        entry_id: e.id,
        due_at: at,
        attempts: 0,
        claimed_at: None,
        expires_at: e.expires_at,
    }
}

/// The claim after `due`: one attempt more, the next try at `next`.
fn claimed(due: &NotificationDue, now: DateTime<Utc>, next: DateTime<Utc>) -> NotificationDue {
    NotificationDue {
        attempts: due.attempts + 1,
        claimed_at: Some(now),
        due_at: next,
        ..due.clone()
    }
}

fn entry_ids(due: &[NotificationDue]) -> Vec<FormEntryId> {
    due.iter().map(|d| d.entry_id).collect()
}

fn filter(tenant: TenantId, customer: CustomerId) -> EntryFilter {
    EntryFilter {
        tenant,
        customer,
        form: None,
        from: None,
        to: None,
    }
}

fn messages(entries: &[FormEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.fields[1].value.as_str()).collect()
}

pub async fn entries_list_newest_first_per_customer_and_per_form_within_dates(
    store: Arc<dyn FormEntryStore>,
) {
    let (t, c, stranger) = (TenantId::new(), CustomerId::new(), CustomerId::new());
    let (f1, f2) = (FormId::new(), FormId::new());
    let start = Utc::now() - Duration::days(5);
    let day = |n: i64| start + Duration::days(n);
    for (n, form, message) in [
        (0, f1, "m0"),
        (1, f2, "m1"),
        (2, f1, "m2"),
        (3, f1, "m3"),
        (4, f2, "m4"),
    ] {
        store
            .put_entry(&entry(t, c, form, day(n), message), None)
            .await
            .unwrap();
    }
    store
        .put_entry(&entry(t, stranger, FormId::new(), day(2), "theirs"), None)
        .await
        .unwrap();
    let now = Utc::now();

    let all = store
        .list_entries(&filter(t, c), None, 100, now)
        .await
        .unwrap();
    assert_eq!(messages(&all.items), ["m4", "m3", "m2", "m1", "m0"]);
    assert_eq!(all.next, None);

    let first = store
        .list_entries(&filter(t, c), None, 2, now)
        .await
        .unwrap();
    assert_eq!(messages(&first.items), ["m4", "m3"]);
    let second = store
        .list_entries(&filter(t, c), first.next, 2, now)
        .await
        .unwrap();
    assert_eq!(messages(&second.items), ["m2", "m1"]);
    let third = store
        .list_entries(&filter(t, c), second.next, 2, now)
        .await
        .unwrap();
    assert_eq!(messages(&third.items), ["m0"]);
    assert_eq!(third.next, None);

    let of_f1 = EntryFilter {
        form: Some(f1),
        ..filter(t, c)
    };
    let page = store.list_entries(&of_f1, None, 2, now).await.unwrap();
    assert_eq!(messages(&page.items), ["m3", "m2"]);
    let rest = store.list_entries(&of_f1, page.next, 2, now).await.unwrap();
    assert_eq!(messages(&rest.items), ["m0"]);

    let dates = EntryFilter {
        from: Some(day(1)),
        to: Some(day(3)),
        ..filter(t, c)
    };
    let within = store.list_entries(&dates, None, 100, now).await.unwrap();
    assert_eq!(
        messages(&within.items),
        ["m3", "m2", "m1"],
        "both ends included"
    );
    let from_only = EntryFilter {
        from: Some(day(3) + Duration::milliseconds(1)),
        ..filter(t, c)
    };
    let newer = store
        .list_entries(&from_only, None, 100, now)
        .await
        .unwrap();
    assert_eq!(messages(&newer.items), ["m4"]);
    let f2_until = EntryFilter {
        form: Some(f2),
        to: Some(day(2)),
        ..filter(t, c)
    };
    let older = store.list_entries(&f2_until, None, 100, now).await.unwrap();
    assert_eq!(messages(&older.items), ["m1"]);

    let theirs = store
        .list_entries(&filter(t, stranger), None, 100, now)
        .await
        .unwrap();
    assert_eq!(messages(&theirs.items), ["theirs"]);
    let across = EntryFilter {
        form: Some(f1),
        ..filter(t, stranger)
    };
    assert!(
        store
            .list_entries(&across, None, 100, now)
            .await
            .unwrap()
            .items
            .is_empty(),
        "another customer's form id reaches none of its entries"
    );
    let other_tenant = filter(TenantId::new(), c);
    assert!(
        store
            .list_entries(&other_tenant, None, 100, now)
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

pub async fn entries_past_their_retention_are_not_read(store: Arc<dyn FormEntryStore>) {
    let (t, c, f) = (TenantId::new(), CustomerId::new(), FormId::new());
    let now = Utc::now();
    let mut old = entry(t, c, f, now - Duration::days(40), "old");
    old.expires_at = now - Duration::seconds(1);
    let fresh = entry(t, c, f, now - Duration::days(1), "fresh");
    store.put_entry(&old, None).await.unwrap();
    store.put_entry(&fresh, None).await.unwrap();

    assert_eq!(store.get_entry(t, c, old.id, now).await.unwrap(), None);
    assert_eq!(
        store.get_entry(t, c, fresh.id, now).await.unwrap().as_ref(),
        Some(&fresh)
    );
    let listed = store
        .list_entries(&filter(t, c), None, 100, now)
        .await
        .unwrap();
    assert_eq!(messages(&listed.items), ["fresh"]);
    let later = fresh.expires_at;
    assert_eq!(store.get_entry(t, c, fresh.id, later).await.unwrap(), None);
    assert!(
        store
            .list_entries(&filter(t, c), None, 100, later)
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

pub async fn entries_are_marked_read_have_their_email_recorded_and_are_deleted(
    store: Arc<dyn FormEntryStore>,
) {
    let (t, c, f) = (TenantId::new(), CustomerId::new(), FormId::new());
    let now = Utc::now();
    let e = entry(t, c, f, now, "hello");
    let due = due_of(&e, now);
    store.put_entry(&e, Some(&due)).await.unwrap();
    assert!(matches!(
        store.put_entry(&e, Some(&due)).await,
        Err(StoreError::AlreadyExists)
    ));

    let read = store.mark_read(t, c, e.id, Some(now)).await.unwrap();
    assert_eq!(read.read_at, Some(now));
    assert_eq!(read.fields, e.fields);
    let unread = store.mark_read(t, c, e.id, None).await.unwrap();
    assert_eq!(unread.read_at, None);

    let first = claimed(&due, now, now + Duration::minutes(2));
    store.claim_notification(Some(0), &first).await.unwrap();
    store
        .record_email(&first, EmailState::Failed, Some(first.due_at))
        .await
        .unwrap();
    let failed = store.get_entry(t, c, e.id, now).await.unwrap().unwrap();
    assert_eq!(failed.email_state, EmailState::Failed);
    assert_eq!(failed.email_next_try_at, Some(first.due_at));
    let second = claimed(&first, now, now + Duration::minutes(4));
    store.claim_notification(Some(1), &second).await.unwrap();
    store
        .record_email(&second, EmailState::Sent, None)
        .await
        .unwrap();
    let stored = store.get_entry(t, c, e.id, now).await.unwrap().unwrap();
    assert_eq!(stored.email_state, EmailState::Sent);
    assert_eq!(stored.email_attempts, 2);
    assert_eq!(stored.email_next_try_at, None);
    assert_eq!(store.notification_due(t, c, e.id).await.unwrap(), None);

    let stranger = CustomerId::new();
    assert!(matches!(
        store.mark_read(t, stranger, e.id, Some(now)).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.delete_entry(t, stranger, e.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .get_entry(t, stranger, e.id, now)
            .await
            .unwrap()
            .is_none()
    );

    store.delete_entry(t, c, e.id).await.unwrap();
    assert!(matches!(
        store.delete_entry(t, c, e.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.mark_read(t, c, e.id, Some(now)).await,
        Err(StoreError::NotFound)
    ));
    store
        .record_email(&second, EmailState::Sent, None)
        .await
        .unwrap();
    assert_eq!(
        store.get_entry(t, c, e.id, now).await.unwrap(),
        None,
        "recording the email of a deleted entry does not bring it back"
    );
}

pub async fn due_notifications_are_found_by_time_claimed_once_and_released_or_dropped(
    store: Arc<dyn FormEntryStore>,
) {
    // Arrange: two entries of two agencies with their notifications due two minutes after
    // they came in, and one entry without (its form has no recipients).
    let now = Utc::now();
    let grace = Duration::minutes(2);
    let a = entry(TenantId::new(), CustomerId::new(), FormId::new(), now, "a");
    let b = entry(
        TenantId::new(),
        CustomerId::new(),
        FormId::new(),
        now + Duration::seconds(1),
        "b",
    );
    let quiet = entry(TenantId::new(), CustomerId::new(), FormId::new(), now, "q");
    let (due_a, due_b) = (
        due_of(&a, now + grace),
        due_of(&b, now + grace + Duration::seconds(1)),
    );
    store.put_entry(&a, Some(&due_a)).await.unwrap();
    store.put_entry(&b, Some(&due_b)).await.unwrap();
    store.put_entry(&quiet, None).await.unwrap();

    // Assert: nothing before its time, then earliest first, and no more than asked.
    assert!(store.due_notifications(now, 10).await.unwrap().is_empty());
    let later = now + Duration::minutes(5);
    assert_eq!(
        entry_ids(&store.due_notifications(later, 10).await.unwrap()),
        [a.id, b.id]
    );
    assert_eq!(
        store.due_notifications(later, 1).await.unwrap(),
        std::slice::from_ref(&due_a)
    );
    assert_eq!(
        store
            .notification_due(a.tenant_id, a.customer_id, a.id)
            .await
            .unwrap(),
        Some(due_a.clone())
    );
    assert_eq!(
        store
            .notification_due(quiet.tenant_id, quiet.customer_id, quiet.id)
            .await
            .unwrap(),
        None
    );

    // Act: two claims of what was read at once; exactly one wins.
    let next = claimed(&due_a, later, later + Duration::minutes(2));
    let (one, two) = tokio::join!(
        store.claim_notification(Some(0), &next),
        store.claim_notification(Some(0), &next),
    );
    assert_eq!(
        [one.is_ok(), two.is_ok()].iter().filter(|ok| **ok).count(),
        1,
        "{one:?} {two:?}"
    );
    assert!(matches!(
        store.claim_notification(Some(0), &next).await,
        Err(StoreError::VersionConflict)
    ));
    assert!(
        matches!(
            store.claim_notification(None, &next).await,
            Err(StoreError::VersionConflict)
        ),
        "a claim of a missing item loses to the item"
    );
    // The claimed one is no longer due until its next try.
    assert_eq!(
        entry_ids(&store.due_notifications(later, 10).await.unwrap()),
        [b.id]
    );

    // A failed attempt releases it until the next try; a sent one drops it.
    store
        .record_email(&next, EmailState::Failed, Some(next.due_at))
        .await
        .unwrap();
    let released = store
        .notification_due(a.tenant_id, a.customer_id, a.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(released.attempts, 1);
    assert_eq!(released.claimed_at, None);
    assert_eq!(released.due_at, next.due_at);
    assert_eq!(
        entry_ids(&store.due_notifications(next.due_at, 10).await.unwrap()),
        [b.id, a.id],
        "b was due before a's next try"
    );
    let again = claimed(&released, next.due_at, next.due_at + Duration::minutes(4));
    store.claim_notification(Some(1), &again).await.unwrap();
    store
        .record_email(&again, EmailState::Sent, None)
        .await
        .unwrap();
    assert_eq!(
        store
            .notification_due(a.tenant_id, a.customer_id, a.id)
            .await
            .unwrap(),
        None
    );
    let sent = store
        .get_entry(a.tenant_id, a.customer_id, a.id, now)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            sent.email_state,
            sent.email_attempts,
            sent.email_next_try_at
        ),
        (EmailState::Sent, 2, None)
    );

    // A manual resend after that starts a new item where there is none.
    let resend = claimed(&due_of(&a, later), later, later + Duration::minutes(2));
    store.claim_notification(None, &resend).await.unwrap();
    assert!(matches!(
        store.claim_notification(None, &resend).await,
        Err(StoreError::VersionConflict)
    ));
}

pub async fn a_deleted_or_expired_entry_leaves_no_due_notification_behind(
    store: Arc<dyn FormEntryStore>,
) {
    let now = Utc::now();
    let (t, c, f) = (TenantId::new(), CustomerId::new(), FormId::new());
    let deleted = entry(t, c, f, now, "deleted");
    let gone = entry(t, c, f, now + Duration::seconds(1), "gone");
    store
        .put_entry(&deleted, Some(&due_of(&deleted, now)))
        .await
        .unwrap();

    // Deleting the entry deletes its due item in the same transaction.
    store.delete_entry(t, c, deleted.id).await.unwrap();
    assert_eq!(
        store.notification_due(t, c, deleted.id).await.unwrap(),
        None
    );

    // An entry gone by other means (TTL deletes the entry and its due item at different
    // moments) while its notification is claimed: recording the attempt drops the due item
    // and brings no entry back.
    let claim = claimed(&due_of(&gone, now), now, now + Duration::minutes(2));
    store.claim_notification(None, &claim).await.unwrap();
    store
        .record_email(&claim, EmailState::Failed, Some(claim.due_at))
        .await
        .unwrap();
    assert_eq!(store.notification_due(t, c, gone.id).await.unwrap(), None);
    assert_eq!(store.get_entry(t, c, gone.id, now).await.unwrap(), None);
    assert!(
        store
            .due_notifications(now + Duration::days(1), 10)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn an_attempt_overtaken_by_a_later_claim_still_records_its_outcome(
    store: Arc<dyn FormEntryStore>,
) {
    let now = Utc::now();
    let e = entry(
        TenantId::new(),
        CustomerId::new(),
        FormId::new(),
        now,
        "slow",
    );
    let (t, c) = (e.tenant_id, e.customer_id);
    store.put_entry(&e, Some(&due_of(&e, now))).await.unwrap();
    let slow = claimed(&due_of(&e, now), now, now + Duration::minutes(2));
    store.claim_notification(Some(0), &slow).await.unwrap();
    let later = now + Duration::minutes(3);
    let takeover = claimed(&slow, later, later + Duration::minutes(4));
    store.claim_notification(Some(1), &takeover).await.unwrap();

    // The slow attempt ends: the entry says so, the later claim keeps the item.
    store
        .record_email(&slow, EmailState::Sent, None)
        .await
        .unwrap();
    let entry = store.get_entry(t, c, e.id, now).await.unwrap().unwrap();
    assert_eq!(entry.email_state, EmailState::Sent);
    assert_eq!(
        store.notification_due(t, c, e.id).await.unwrap(),
        Some(takeover.clone())
    );
    store
        .record_email(&takeover, EmailState::Sent, None)
        .await
        .unwrap();
    assert_eq!(store.notification_due(t, c, e.id).await.unwrap(), None);
    assert_eq!(
        store
            .get_entry(t, c, e.id, now)
            .await
            .unwrap()
            .unwrap()
            .email_attempts,
        2
    );
}

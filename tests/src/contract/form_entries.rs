//! Form entries: newest first per customer and per form, date ranges, retention, read marks,
//! the notification's state.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use portal::{
    domain::{
        CustomerId, EmailState, EntryField, FormEntry, FormEntryId, FormId, TenantId, Verification,
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
    }
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
            .put_entry(&entry(t, c, form, day(n), message))
            .await
            .unwrap();
    }
    store
        .put_entry(&entry(t, stranger, FormId::new(), day(2), "theirs"))
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
    store.put_entry(&old).await.unwrap();
    store.put_entry(&fresh).await.unwrap();

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
    store.put_entry(&e).await.unwrap();
    assert!(matches!(
        store.put_entry(&e).await,
        Err(StoreError::AlreadyExists)
    ));

    let read = store.mark_read(t, c, e.id, Some(now)).await.unwrap();
    assert_eq!(read.read_at, Some(now));
    assert_eq!(read.fields, e.fields);
    let unread = store.mark_read(t, c, e.id, None).await.unwrap();
    assert_eq!(unread.read_at, None);

    store
        .record_email(t, c, e.id, EmailState::Failed)
        .await
        .unwrap();
    store
        .record_email(t, c, e.id, EmailState::Sent)
        .await
        .unwrap();
    let stored = store.get_entry(t, c, e.id, now).await.unwrap().unwrap();
    assert_eq!(stored.email_state, EmailState::Sent);
    assert_eq!(stored.email_attempts, 2);

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
        .record_email(t, c, e.id, EmailState::Sent)
        .await
        .unwrap();
    assert_eq!(
        store.get_entry(t, c, e.id, now).await.unwrap(),
        None,
        "recording the email of a deleted entry does not bring it back"
    );
}

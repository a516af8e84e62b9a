//! Files: stored with the bytes they hold against the quota, listed newest first (all or one
//! folder), updated and deleted from the version read, never reached across customers.

use std::sync::Arc;

use chrono::{Duration, Utc};
use portal::{
    domain::{
        CustomerId, DirectLink, DirectLinkId, FileId, FileNotice, FileRecord, FileSettings,
        FileState, LinkToken, NoticeTo, ObjectKey, TenantId, Uploader,
    },
    ports::{FileCreation, FileRecordStore, StoreError},
};

use super::race;

/// A pending file of `size` declared bytes in `folder`.
pub fn pending_file(tenant: TenantId, customer: CustomerId, folder: &str, size: u64) -> FileRecord {
    let id = FileId::new();
    FileRecord {
        id,
        tenant_id: tenant,
        customer_id: customer,
        key: ObjectKey::for_upload(tenant, customer, &id.to_string(), "Angebot.pdf").unwrap(),
        name: "Angebot.pdf".into(),
        folder: folder.into(),
        content_type: "application/pdf".into(),
        declared_size: size,
        size: None,
        etag: None,
        state: FileState::Pending,
        uploaded_by: Uploader::Customer,
        created_at: Utc::now(),
        uploaded_at: None,
        reason: None,
        version: 1,
        multipart: None,
    }
}

const QUOTA: u64 = 1_000;

pub async fn files_are_listed_newest_first_in_pages_and_by_folder(store: Arc<dyn FileRecordStore>) {
    // Arrange
    let (t, c) = (TenantId::new(), CustomerId::new());
    let mut made = Vec::new();
    for folder in ["", "Entwürfe", "", "Entwürfe", ""] {
        let file = pending_file(t, c, folder, 10);
        assert_eq!(
            store.create_file(&file, QUOTA).await.unwrap(),
            FileCreation::Created
        );
        made.push(file);
    }
    let newest_first: Vec<FileId> = made.iter().rev().map(|f| f.id).collect();

    // Act
    let first = store.list_files(t, c, None, None, 2).await.unwrap();
    let second = store.list_files(t, c, None, first.next, 2).await.unwrap();
    let third = store.list_files(t, c, None, second.next, 2).await.unwrap();
    let drafts = store
        .list_files(t, c, Some("Entwürfe"), None, 1)
        .await
        .unwrap();
    let drafts_rest = store
        .list_files(t, c, Some("Entwürfe"), drafts.next, 5)
        .await
        .unwrap();

    // Assert
    let ids = |page: &portal::ports::Page<FileRecord, FileId>| {
        page.items.iter().map(|f| f.id).collect::<Vec<_>>()
    };
    assert_eq!(
        [ids(&first), ids(&second), ids(&third)].concat(),
        newest_first
    );
    assert_eq!(third.next, None);
    assert_eq!(
        [ids(&drafts), ids(&drafts_rest)].concat(),
        vec![made[3].id, made[1].id]
    );
    assert_eq!(drafts_rest.next, None);
    assert_eq!(store.list_folders(t, c).await.unwrap(), vec!["Entwürfe"]);
    assert!(
        store
            .list_folders(t, CustomerId::new())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store.get_file(t, c, made[0].id).await.unwrap(),
        Some(made[0].clone())
    );
    assert_eq!(store.file_usage(t, c).await.unwrap(), 50);
}

pub async fn another_customers_files_are_not_reached(store: Arc<dyn FileRecordStore>) {
    let t = TenantId::new();
    let (mine, theirs) = (CustomerId::new(), CustomerId::new());
    let file = pending_file(t, mine, "", 10);
    store.create_file(&file, QUOTA).await.unwrap();

    assert_eq!(store.get_file(t, theirs, file.id).await.unwrap(), None);
    assert_eq!(
        store
            .get_file(TenantId::new(), mine, file.id)
            .await
            .unwrap(),
        None
    );
    assert!(
        store
            .list_files(t, theirs, None, None, 10)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert!(
        store
            .list_files(t, theirs, Some(""), None, 10)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(store.file_usage(t, theirs).await.unwrap(), 0);
}

pub async fn the_quota_refuses_a_file_that_would_pass_it_even_in_a_race(
    store: Arc<dyn FileRecordStore>,
) {
    let (t, c) = (TenantId::new(), CustomerId::new());
    store
        .create_file(&pending_file(t, c, "", 600), QUOTA)
        .await
        .unwrap();

    let too_much = pending_file(t, c, "", 401);
    let larger_than_quota = pending_file(t, c, "", QUOTA + 1);
    assert_eq!(
        store.create_file(&too_much, QUOTA).await.unwrap(),
        FileCreation::QuotaExceeded { used: 600 }
    );
    assert_eq!(
        store.create_file(&larger_than_quota, QUOTA).await.unwrap(),
        FileCreation::QuotaExceeded { used: 600 }
    );
    assert_eq!(store.get_file(t, c, too_much.id).await.unwrap(), None);

    // Two uploads of 300 at once: the quota has room for one.
    let attempts = (0..2)
        .map(|_| {
            let store = store.clone();
            let file = pending_file(t, c, "", 300);
            async move { store.create_file(&file, QUOTA).await }
        })
        .collect();
    let results = race(attempts).await;
    let created = results
        .iter()
        .filter(|r| matches!(r, Ok(FileCreation::Created)))
        .count();
    assert_eq!(created, 1, "{results:?}");
    assert_eq!(store.file_usage(t, c).await.unwrap(), 900);
    assert_eq!(
        store
            .create_file(&pending_file(t, c, "", 100), QUOTA)
            .await
            .unwrap(),
        FileCreation::Created,
        "exactly up to the quota"
    );
}

pub async fn updates_and_deletes_follow_the_version_and_move_the_usage(
    store: Arc<dyn FileRecordStore>,
) {
    // Arrange: declared 100 bytes, 80 arrived.
    let (t, c) = (TenantId::new(), CustomerId::new());
    let pending = pending_file(t, c, "", 100);
    store.create_file(&pending, QUOTA).await.unwrap();
    let available = FileRecord {
        size: Some(80),
        etag: Some("\"abc\"".into()),
        state: FileState::Available,
        uploaded_at: Some(Utc::now()),
        version: 2,
        ..pending.clone()
    };

    // Act / Assert
    store.update_file(&pending, &available).await.unwrap();
    assert_eq!(store.file_usage(t, c).await.unwrap(), 80);
    assert_eq!(
        store.get_file(t, c, pending.id).await.unwrap(),
        Some(available.clone())
    );
    let stale = FileRecord {
        state: FileState::Rejected,
        version: 2,
        ..pending.clone()
    };
    assert!(matches!(
        store.update_file(&pending, &stale).await,
        Err(StoreError::VersionConflict)
    ));
    assert!(matches!(
        store.delete_file(&pending).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(store.file_usage(t, c).await.unwrap(), 80);

    store.delete_file(&available).await.unwrap();
    assert_eq!(store.get_file(t, c, pending.id).await.unwrap(), None);
    assert_eq!(store.file_usage(t, c).await.unwrap(), 0);
}

pub async fn a_rejected_file_releases_its_bytes(store: Arc<dyn FileRecordStore>) {
    let (t, c) = (TenantId::new(), CustomerId::new());
    let pending = pending_file(t, c, "", 100);
    store.create_file(&pending, QUOTA).await.unwrap();
    let rejected = FileRecord {
        state: FileState::Rejected,
        reason: Some("type-mismatch".into()),
        version: 2,
        ..pending.clone()
    };

    store.update_file(&pending, &rejected).await.unwrap();

    assert_eq!(store.file_usage(t, c).await.unwrap(), 0);
    store.delete_file(&rejected).await.unwrap();
    assert_eq!(store.file_usage(t, c).await.unwrap(), 0);
}

pub async fn file_settings_default_until_the_agency_sets_its_own(store: Arc<dyn FileRecordStore>) {
    let (a, b) = (TenantId::new(), TenantId::new());
    assert_eq!(
        store.file_settings(a).await.unwrap(),
        FileSettings::default()
    );
    let own = FileSettings {
        allowed_types: vec!["image/*".into()],
        max_file_size: 5_000_000,
        quota_per_customer: 1 << 33,
    };

    store.put_file_settings(a, &own).await.unwrap();

    assert_eq!(store.file_settings(a).await.unwrap(), own);
    assert_eq!(
        store.file_settings(b).await.unwrap(),
        FileSettings::default()
    );
}

pub async fn direct_links_count_downloads_until_revoked_or_expired(
    store: Arc<dyn FileRecordStore>,
) {
    // Arrange
    let (t, c) = (TenantId::new(), CustomerId::new());
    let file = FileId::new();
    let now = Utc::now();
    let link = |days: i64| {
        let token = LinkToken::generate().unwrap();
        let link = DirectLink {
            id: DirectLinkId::new(),
            hash: token.hash(),
            tenant_id: t,
            customer_id: c,
            file_id: file,
            created_at: now,
            expires_at: now + Duration::days(days),
            revoked_at: None,
            downloads: 0,
        };
        (token, link)
    };
    let (token, open) = link(7);
    let (_, other) = link(1);
    store.create_direct_link(&open).await.unwrap();
    store.create_direct_link(&other).await.unwrap();
    assert!(matches!(
        store.create_direct_link(&open).await,
        Err(StoreError::AlreadyExists)
    ));

    // Act / Assert: found by the token's hash only, counted while usable.
    assert_eq!(
        store.find_direct_link(&token.hash()).await.unwrap(),
        Some(open.clone())
    );
    let once = store.count_direct_download(&open.hash, now).await.unwrap();
    let twice = store.count_direct_download(&open.hash, now).await.unwrap();
    assert_eq!((once.downloads, twice.downloads), (1, 2));
    assert!(matches!(
        store
            .count_direct_download(&open.hash, open.expires_at + Duration::seconds(1))
            .await,
        Err(StoreError::NotFound)
    ));
    let ids: Vec<_> = store
        .list_direct_links(t, c, file)
        .await
        .unwrap()
        .iter()
        .map(|l| l.id)
        .collect();
    assert_eq!(ids, vec![open.id, other.id]);
    assert!(
        store
            .list_direct_links(t, CustomerId::new(), file)
            .await
            .unwrap()
            .is_empty()
    );

    assert!(matches!(
        store
            .revoke_direct_link(t, CustomerId::new(), file, open.id, now)
            .await,
        Err(StoreError::NotFound)
    ));
    let revoked = store
        .revoke_direct_link(t, c, file, open.id, now)
        .await
        .unwrap();
    assert_eq!(revoked.revoked_at, Some(now));
    assert_eq!(revoked.downloads, 2);
    assert!(matches!(
        store.count_direct_download(&open.hash, now).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .count_direct_download(&other.hash, now)
            .await
            .unwrap()
            .downloads,
        1
    );
}

pub async fn notices_wait_per_customer_and_side_and_are_leased_once(
    store: Arc<dyn FileRecordStore>,
) {
    // Arrange: two files of one customer become available, each leaving a notice.
    let (t, c) = (TenantId::new(), CustomerId::new());
    let at = Utc::now();
    let mut notices = Vec::new();
    for _ in 0..2 {
        let pending = pending_file(t, c, "", 10);
        store.create_file(&pending, QUOTA).await.unwrap();
        let available = FileRecord {
            state: FileState::Available,
            version: 2,
            ..pending.clone()
        };
        let notice = FileNotice::of(&pending, at);
        store
            .update_file_with_notice(&pending, &available, &notice)
            .await
            .unwrap();
        // A replay from the same read loses the version race and leaves no second notice.
        assert!(matches!(
            store
                .update_file_with_notice(&pending, &available, &notice)
                .await,
            Err(StoreError::VersionConflict)
        ));
        notices.push(notice);
    }

    // Act / Assert
    let before = store.due_notices(at - Duration::seconds(1)).await.unwrap();
    assert!(!before.contains(&(t, c, NoticeTo::Agency)), "{before:?}");
    let due = store.due_notices(at).await.unwrap();
    assert!(due.contains(&(t, c, NoticeTo::Agency)), "{due:?}");
    let waiting = store.notices(t, c, NoticeTo::Agency).await.unwrap();
    assert_eq!(waiting, notices);
    assert!(
        store
            .notices(t, c, NoticeTo::Customer)
            .await
            .unwrap()
            .is_empty()
    );
    let until = at + Duration::minutes(5);
    store.lease_notices(&waiting, at, until).await.unwrap();
    assert!(matches!(
        store.lease_notices(&waiting, at, until).await,
        Err(StoreError::VersionConflict)
    ));
    store.finish_notices(&waiting, until).await.unwrap();
    assert!(
        store
            .notices(t, c, NoticeTo::Agency)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        !store
            .due_notices(at)
            .await
            .unwrap()
            .contains(&(t, c, NoticeTo::Agency))
    );
}

/// Two available files of one customer, each with its notice to the agency, created at `at`.
async fn two_notices(
    store: &Arc<dyn FileRecordStore>,
    at: chrono::DateTime<Utc>,
) -> (TenantId, CustomerId) {
    let (t, c) = (TenantId::new(), CustomerId::new());
    for _ in 0..2 {
        let pending = pending_file(t, c, "", 10);
        store.create_file(&pending, QUOTA).await.unwrap();
        let available = FileRecord {
            state: FileState::Available,
            version: 2,
            ..pending.clone()
        };
        store
            .update_file_with_notice(&pending, &available, &FileNotice::of(&pending, at))
            .await
            .unwrap();
    }
    (t, c)
}

pub async fn a_notice_lease_that_ran_out_is_taken_again_and_only_its_holder_deletes(
    store: Arc<dyn FileRecordStore>,
) {
    // Arrange: a sweep leased the notices and failed to send (they stay, leased).
    let at = Utc::now();
    let (t, c) = two_notices(&store, at).await;
    let waiting = store.notices(t, c, NoticeTo::Agency).await.unwrap();
    let first = at + Duration::minutes(5);
    store.lease_notices(&waiting, at, first).await.unwrap();

    // Act / Assert: while the lease lasts, nobody else takes them.
    let during = at + Duration::minutes(4);
    assert!(matches!(
        store
            .lease_notices(&waiting, during, during + Duration::minutes(5))
            .await,
        Err(StoreError::VersionConflict)
    ));
    let kept = store.notices(t, c, NoticeTo::Agency).await.unwrap();
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().all(|n| n.attempts == 1), "{kept:?}");
    assert!(
        kept.iter()
            .all(|n| n.leased_until.map(|u| u.timestamp()) == Some(first.timestamp())),
        "{kept:?}"
    );

    // Once it ran out, another sweep takes them; the first can no longer delete them.
    let after = first + Duration::seconds(1);
    let second = after + Duration::minutes(5);
    store.lease_notices(&kept, after, second).await.unwrap();
    assert!(matches!(
        store.finish_notices(&kept, first).await,
        Err(StoreError::VersionConflict)
    ));
    let retaken = store.notices(t, c, NoticeTo::Agency).await.unwrap();
    assert!(retaken.iter().all(|n| n.attempts == 2), "{retaken:?}");
    assert!(
        store
            .due_notices(after)
            .await
            .unwrap()
            .contains(&(t, c, NoticeTo::Agency)),
        "a leased group stays due until it is deleted"
    );

    // The holder deletes them, all at once.
    store.finish_notices(&retaken, second).await.unwrap();
    assert!(
        store
            .notices(t, c, NoticeTo::Agency)
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn of_two_sweeps_leasing_one_group_at_once_exactly_one_wins(
    store: Arc<dyn FileRecordStore>,
) {
    let at = Utc::now();
    let (t, c) = two_notices(&store, at).await;
    let waiting = store.notices(t, c, NoticeTo::Agency).await.unwrap();

    let attempts = (0..2)
        .map(|i| {
            let (store, waiting) = (store.clone(), waiting.clone());
            async move {
                store
                    .lease_notices(
                        &waiting,
                        at,
                        at + Duration::minutes(5) + Duration::seconds(i),
                    )
                    .await
            }
        })
        .collect();
    let results = race(attempts).await;

    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    let leased = store.notices(t, c, NoticeTo::Agency).await.unwrap();
    assert!(leased.iter().all(|n| n.attempts == 1), "{leased:?}");
}

pub async fn a_pending_file_deleted_leaves_its_key_for_a_late_upload(
    store: Arc<dyn FileRecordStore>,
) {
    // Arrange: one file still pending, one available.
    let (t, c) = (TenantId::new(), CustomerId::new());
    let pending = pending_file(t, c, "", 100);
    store.create_file(&pending, QUOTA).await.unwrap();
    let uploaded = pending_file(t, c, "", 200);
    store.create_file(&uploaded, QUOTA).await.unwrap();
    let available = FileRecord {
        state: FileState::Available,
        size: Some(200),
        version: 2,
        ..uploaded.clone()
    };
    store.update_file(&uploaded, &available).await.unwrap();

    // Act
    store.delete_file(&pending).await.unwrap();
    store.delete_file(&available).await.unwrap();

    // Assert: the pending one's key is kept, nothing else; both released their bytes.
    assert_eq!(
        store.deleted_upload(t, c, pending.id).await.unwrap(),
        Some(pending.key.clone())
    );
    assert_eq!(
        store.deleted_upload(t, c, available.id).await.unwrap(),
        None
    );
    assert_eq!(
        store
            .deleted_upload(t, CustomerId::new(), pending.id)
            .await
            .unwrap(),
        None,
        "another customer's id reaches nothing"
    );
    assert!(store.get_file(t, c, pending.id).await.unwrap().is_none());
    assert_eq!(store.file_usage(t, c).await.unwrap(), 0);
    let listed = store.list_files(t, c, None, None, 10).await.unwrap();
    assert!(listed.items.is_empty(), "{:?}", listed.items);
}

pub async fn the_files_page_visit_is_kept_per_customer_and_the_latest_wins(
    store: Arc<dyn FileRecordStore>,
) {
    let (t, c) = (TenantId::new(), CustomerId::new());
    let first = Utc::now() - Duration::hours(1);
    let second = Utc::now();

    assert_eq!(store.files_seen(t, c).await.unwrap(), None);
    store.mark_files_seen(t, c, first).await.unwrap();
    store.mark_files_seen(t, c, second).await.unwrap();

    assert_eq!(store.files_seen(t, c).await.unwrap(), Some(second));
    assert_eq!(store.files_seen(t, CustomerId::new()).await.unwrap(), None);
    assert_eq!(store.files_seen(TenantId::new(), c).await.unwrap(), None);
    // The visit is no file: listing and usage don't see it.
    assert!(
        store
            .list_files(t, c, None, None, 10)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    assert_eq!(store.file_usage(t, c).await.unwrap(), 0);
}

pub async fn files_are_read_together_only_under_their_own_customer(
    store: Arc<dyn FileRecordStore>,
) {
    let t = TenantId::new();
    let (mine, theirs) = (CustomerId::new(), CustomerId::new());
    let a = pending_file(t, mine, "", 10);
    let b = pending_file(t, mine, "Entwürfe", 10);
    let other = pending_file(t, theirs, "", 10);
    for f in [&a, &b, &other] {
        store.create_file(f, QUOTA).await.unwrap();
    }
    store.delete_file(&b).await.unwrap();

    let found = store
        .get_files(t, mine, &[a.id, b.id, other.id, a.id, FileId::new()])
        .await
        .unwrap();

    assert_eq!(
        found,
        std::slice::from_ref(&a),
        "deleted, foreign and unknown ids are left out"
    );
    assert!(
        store
            .get_files(TenantId::new(), mine, &[a.id])
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.get_files(t, mine, &[]).await.unwrap().is_empty());
}

//! The customer's brief: drafts saved over their own version only, submissions written with
//! the draft and kept, and nobody else's wishes within reach.

use std::sync::Arc;

use chrono::Utc;
use portal::{
    domain::{Brief, CustomerId, TenantId, WishesDraft, WishesSubmission},
    ports::{StoreError, WishesStore},
};
use serde_json::json;

fn brief(tone: &str) -> Brief {
    serde_json::from_value(
        json!({"tone": tone, "pages": [{"title": "Home", "children": [{"title": "Team"}]}]}),
    )
    .unwrap()
}

fn draft(t: TenantId, c: CustomerId, version: u64, tone: &str) -> WishesDraft {
    WishesDraft {
        tenant_id: t,
        customer_id: c,
        brief: brief(tone),
        version,
        updated_at: Utc::now(),
        submitted: None,
        submitted_version: None,
    }
}

fn submission_of(d: &WishesDraft, number: u64) -> (WishesDraft, WishesSubmission) {
    let mut next = d.clone();
    next.submitted = Some(number);
    next.submitted_version = Some(d.version);
    let submission = WishesSubmission {
        tenant_id: d.tenant_id,
        customer_id: d.customer_id,
        number,
        brief: d.brief.clone(),
        submitted_at: Utc::now(),
        changed: vec!["tone".into()],
    };
    (next, submission)
}

pub async fn wishes_drafts_are_saved_over_their_own_version_only(store: Arc<dyn WishesStore>) {
    let (t, c) = (TenantId::new(), CustomerId::new());
    let at = Utc::now();
    let first = store.save_brief(t, c, 0, &brief("warm"), at).await.unwrap();
    let second = store
        .save_brief(t, c, 1, &brief("warmer"), at)
        .await
        .unwrap();

    let stale = store.save_brief(t, c, 1, &brief("other tab"), at).await;
    let again_new = store.save_brief(t, c, 0, &brief("new tab"), at).await;
    let ahead = store.save_brief(t, c, 7, &brief("made up"), at).await;

    assert_eq!((first.version, second.version), (1, 2));
    assert_eq!(second.brief, brief("warmer"));
    for refused in [stale, again_new, ahead] {
        assert!(
            matches!(refused, Err(StoreError::VersionConflict)),
            "{refused:?}"
        );
    }
    assert_eq!(store.get_wishes(t, c).await.unwrap(), Some(second));
    let elsewhere = store
        .save_brief(t, CustomerId::new(), 1, &brief("x"), at)
        .await;
    assert!(
        matches!(elsewhere, Err(StoreError::VersionConflict)),
        "a version names a draft of this customer only: {elsewhere:?}"
    );
}

pub async fn a_wishes_submission_is_written_with_the_draft_and_kept(store: Arc<dyn WishesStore>) {
    let (t, c) = (TenantId::new(), CustomerId::new());
    let d = store
        .save_brief(t, c, 0, &brief("warm"), Utc::now())
        .await
        .unwrap();
    let (submitted, first) = submission_of(&d, 1);
    store.submit_wishes(&d, &submitted, &first).await.unwrap();
    assert_eq!(
        store.get_wishes(t, c).await.unwrap(),
        Some(submitted.clone())
    );

    // The same submission again (a double click) is refused whole.
    let twice = store.submit_wishes(&submitted, &submitted, &first).await;
    assert!(
        matches!(twice, Err(StoreError::VersionConflict)),
        "{twice:?}"
    );
    // A save after the submission keeps what the submission recorded (the save reads
    // nothing first, so the store must keep it).
    let newer = store
        .save_brief(t, c, 1, &brief("cool"), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        (newer.version, newer.submitted, newer.submitted_version),
        (2, Some(1), Some(1))
    );
    assert_eq!(store.get_wishes(t, c).await.unwrap(), Some(newer.clone()));
    // A submit from a draft another tab has saved over writes nothing.
    let (stale_next, stale) = submission_of(&submitted, 2);
    assert!(matches!(
        store.submit_wishes(&submitted, &stale_next, &stale).await,
        Err(StoreError::VersionConflict)
    ));
    let (next, second) = submission_of(&newer, 2);
    store.submit_wishes(&newer, &next, &second).await.unwrap();

    let kept = store.list_submissions(t, c).await.unwrap();
    assert_eq!(kept, vec![second, first], "newest first, each as submitted");
}

pub async fn wishes_are_found_only_under_their_own_customer_and_agency(
    store: Arc<dyn WishesStore>,
) {
    let (t, c) = (TenantId::new(), CustomerId::new());
    let d = store
        .save_brief(t, c, 0, &brief("warm"), Utc::now())
        .await
        .unwrap();
    let (next, s) = submission_of(&d, 1);
    store.submit_wishes(&d, &next, &s).await.unwrap();
    for (tenant, customer) in [(TenantId::new(), c), (t, CustomerId::new())] {
        assert_eq!(store.get_wishes(tenant, customer).await.unwrap(), None);
        assert!(
            store
                .list_submissions(tenant, customer)
                .await
                .unwrap()
                .is_empty()
        );
    }
    let mut foreign = draft(TenantId::new(), c, 2, "x");
    foreign.submitted = Some(2);
    assert!(
        store.submit_wishes(&d, &foreign, &s).await.is_err(),
        "no draft moves to another agency"
    );
}

pub async fn wishes_comments_are_kept_per_customer_and_changed_over_their_version(
    store: Arc<dyn WishesStore>,
) {
    use portal::domain::{Actor, CommentId, WishesComment};
    let (t, c) = (TenantId::new(), CustomerId::new());
    let comment = |target: &str| WishesComment {
        id: CommentId::new(),
        tenant_id: t,
        customer_id: c,
        submission: 1,
        target: target.into(),
        text: "Shorter, please".into(),
        done: false,
        by: Actor::System,
        created_at: Utc::now(),
        updated_at: Utc::now(),
        version: 1,
    };
    let first = comment("pages[0].texts");
    let second = comment("tone");
    store.add_comment(&first).await.unwrap();
    store.add_comment(&second).await.unwrap();
    assert!(matches!(
        store.add_comment(&first).await,
        Err(StoreError::AlreadyExists)
    ));

    let mut done = first.clone();
    done.done = true;
    done.version = 2;
    store.update_comment(&first, &done).await.unwrap();
    let mut stale = first.clone();
    stale.text = "lost".into();
    stale.version = 2;
    assert!(matches!(
        store.update_comment(&first, &stale).await,
        Err(StoreError::VersionConflict)
    ));

    assert_eq!(
        store.get_comment(t, c, first.id).await.unwrap(),
        Some(done.clone())
    );
    assert_eq!(store.list_comments(t, c).await.unwrap(), vec![done, second]);
    assert!(
        store
            .list_comments(t, CustomerId::new())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .get_comment(TenantId::new(), c, first.id)
            .await
            .unwrap(),
        None
    );
    assert!(
        store.list_submissions(t, c).await.unwrap().is_empty(),
        "comments are not submissions"
    );
}

//! Feedback on the draft website: the site with its origins, items numbered in turn and
//! bounded per page, changes over their version with their reply and notice, tokens by hash,
//! notices claimed once, and nobody else's feedback within reach.

use std::sync::Arc;

use chrono::{Duration, Utc};
use portal::{
    domain::{
        Actor, Author, AuthorKind, CustomerId, FeedbackItem, FeedbackItemId, FeedbackNotice,
        FeedbackReply, FeedbackSite, FeedbackState, FeedbackToken, FeedbackTokenId, HistoryEntry,
        LinkToken, NoticeKind, NoticeTo, Origin, Position, SiteUrl, TenantId, Viewport,
    },
    ports::{FeedbackStore, StoreError},
};

fn url(raw: &str) -> SiteUrl {
    SiteUrl::parse(raw).unwrap()
}

fn site(t: TenantId, c: CustomerId, draft: &str, version: u64) -> FeedbackSite {
    FeedbackSite {
        tenant_id: t,
        customer_id: c,
        draft_url: url(draft),
        live_url: Some(url("https://www.live.example/")),
        after_online: false,
        updated_at: Utc::now(),
        updated_by: Actor::System,
        version,
    }
}

fn customer_author() -> Author {
    Author {
        kind: AuthorKind::Customer,
        name: "Bäckerei".into(),
        actor: Some(Actor::Customer),
    }
}

fn item(t: TenantId, c: CustomerId, number: u32, page: &str) -> FeedbackItem {
    let now = Utc::now();
    FeedbackItem {
        id: FeedbackItemId::new(),
        tenant_id: t,
        customer_id: c,
        number,
        page_url: url(page),
        selector: "main > h1".into(),
        snippet: "Willkommen".into(),
        position: Position { x: 0.5, y: 0.25 },
        viewport: Viewport {
            width: 1280,
            height: 800,
        },
        browser: "Chrome".into(),
        comment: format!("Punkt {number}"),
        attachments: Vec::new(),
        state: FeedbackState::Open,
        author: customer_author(),
        history: vec![HistoryEntry {
            state: FeedbackState::Open,
            by: customer_author(),
            at: now,
        }],
        reply_count: 0,
        customer_unseen: false,
        created_at: now,
        updated_at: now,
        version: 1,
    }
}

fn notice(i: &FeedbackItem, to: NoticeTo) -> FeedbackNotice {
    FeedbackNotice::new(i, to, NoticeKind::NewItem, &i.comment, Utc::now())
}

pub async fn feedback_sites_are_saved_over_their_version_with_their_origins(
    store: Arc<dyn FeedbackStore>,
) {
    let (t, c) = (TenantId::new(), CustomerId::new());
    let unique = format!(
        "https://draft-{c}.example/",
        c = c.to_string().to_lowercase()
    );
    let first = site(t, c, &unique, 1);
    store.save_feedback_site(None, &first).await.unwrap();
    let origin = Origin::parse(unique.trim_end_matches('/')).unwrap();
    assert!(store.feedback_origin_registered(&origin).await.unwrap());

    let again_new = store
        .save_feedback_site(None, &site(t, c, &unique, 1))
        .await;
    assert!(
        matches!(again_new, Err(StoreError::VersionConflict)),
        "{again_new:?}"
    );

    let moved = site(
        t,
        c,
        &format!("https://moved-{}.example/", c.to_string().to_lowercase()),
        2,
    );
    store
        .save_feedback_site(Some(&first), &moved)
        .await
        .unwrap();
    let stale = store
        .save_feedback_site(Some(&first), &site(t, c, &unique, 2))
        .await;
    assert!(
        matches!(stale, Err(StoreError::VersionConflict)),
        "{stale:?}"
    );

    assert_eq!(
        store.get_feedback_site(t, c).await.unwrap(),
        Some(moved.clone())
    );
    assert!(
        !store.feedback_origin_registered(&origin).await.unwrap(),
        "the old draft's origin is gone"
    );
    assert!(
        store
            .feedback_origin_registered(&moved.draft_url.origin())
            .await
            .unwrap()
    );
    assert!(
        store
            .feedback_origin_registered(&Origin::parse("https://www.live.example").unwrap())
            .await
            .unwrap()
    );
}

pub async fn feedback_items_take_numbers_in_turn_and_a_page_fills_up_to_its_bound(
    store: Arc<dyn FeedbackStore>,
) {
    let (t, c) = (TenantId::new(), CustomerId::new());
    let page = "https://draft.example/about";
    assert_eq!(store.last_feedback_number(t, c).await.unwrap(), 0);
    let one = item(t, c, 1, page);
    store
        .create_feedback_item(&one, 2, &notice(&one, NoticeTo::Agency))
        .await
        .unwrap();

    let same_number = item(t, c, 1, page);
    let taken = store
        .create_feedback_item(&same_number, 2, &notice(&same_number, NoticeTo::Agency))
        .await;
    assert!(
        matches!(taken, Err(StoreError::VersionConflict)),
        "{taken:?}"
    );
    let two = item(t, c, 2, page);
    store
        .create_feedback_item(&two, 2, &notice(&two, NoticeTo::Agency))
        .await
        .unwrap();
    let three = item(t, c, 3, page);
    let full = store
        .create_feedback_item(&three, 2, &notice(&three, NoticeTo::Agency))
        .await;
    assert!(matches!(full, Err(StoreError::VersionConflict)), "{full:?}");

    assert_eq!(store.last_feedback_number(t, c).await.unwrap(), 2);
    assert_eq!(
        store.feedback_page_count(t, c, &url(page)).await.unwrap(),
        2
    );
    let elsewhere = item(t, c, 3, "https://draft.example/");
    store
        .create_feedback_item(&elsewhere, 2, &notice(&elsewhere, NoticeTo::Agency))
        .await
        .unwrap();

    let on_page = store.list_feedback_page(t, c, &url(page)).await.unwrap();
    assert_eq!(on_page, vec![one.clone(), two.clone()]);
    let first = store.list_feedback_items(t, c, None, 2).await.unwrap();
    assert_eq!(first.items, vec![one, two.clone()]);
    assert_eq!(first.next, Some(two.id));
    let rest = store
        .list_feedback_items(t, c, first.next, 2)
        .await
        .unwrap();
    assert_eq!(rest.items, vec![elsewhere.clone()]);
    assert_eq!(rest.next, None);
    // The start page looks at the newest items: newest first, at most as many as asked.
    let newest = store.newest_feedback_items(t, c, 2).await.unwrap();
    assert_eq!(newest, vec![elsewhere, two]);
    // The refused items left nothing behind.
    assert_eq!(
        store
            .feedback_notices(t, c, NoticeTo::Agency)
            .await
            .unwrap()
            .len(),
        3
    );
}

pub async fn feedback_changes_follow_the_version_with_their_reply_and_notice(
    store: Arc<dyn FeedbackStore>,
) {
    let (t, c) = (TenantId::new(), CustomerId::new());
    let current = item(t, c, 1, "https://draft.example/");
    store
        .create_feedback_item(&current, 100, &notice(&current, NoticeTo::Agency))
        .await
        .unwrap();
    let reply = |n| FeedbackReply {
        item_id: current.id,
        number: n,
        author: customer_author(),
        text: format!("Antwort {n}"),
        at: Utc::now(),
    };
    let mut next = current.clone();
    next.reply_count = 1;
    next.version = 2;
    next.customer_unseen = true;
    let told = FeedbackNotice::new(
        &next,
        NoticeTo::Customer,
        NoticeKind::Reply,
        "Antwort 1",
        Utc::now(),
    );
    let first = reply(1);
    store
        .update_feedback_item(&current, &next, Some(&first), Some(&told))
        .await
        .unwrap();

    let mut stale = current.clone();
    stale.version = 2;
    stale.state = FeedbackState::Resolved;
    let lost = store
        .update_feedback_item(&current, &stale, Some(&reply(2)), Some(&told))
        .await;
    assert!(matches!(lost, Err(StoreError::VersionConflict)), "{lost:?}");

    assert_eq!(
        store.get_feedback_item(t, c, current.id).await.unwrap(),
        Some(next.clone())
    );
    assert_eq!(
        store.list_feedback_replies(t, c, current.id).await.unwrap(),
        vec![first]
    );
    assert_eq!(
        store
            .feedback_notices(t, c, NoticeTo::Customer)
            .await
            .unwrap()
            .len(),
        1
    );

    store.mark_feedback_seen(t, c, current.id).await.unwrap();
    let seen = store
        .get_feedback_item(t, c, current.id)
        .await
        .unwrap()
        .unwrap();
    assert!(!seen.customer_unseen);
    assert_eq!(seen.version, 2, "seeing is no change");
    store
        .mark_feedback_seen(t, c, FeedbackItemId::new())
        .await
        .unwrap();
    assert!(
        store
            .get_feedback_item(t, c, FeedbackItemId::new())
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn feedback_is_found_only_under_its_own_customer_and_agency(
    store: Arc<dyn FeedbackStore>,
) {
    let (t, c) = (TenantId::new(), CustomerId::new());
    let mine = item(t, c, 1, "https://draft.example/");
    store
        .create_feedback_item(&mine, 100, &notice(&mine, NoticeTo::Agency))
        .await
        .unwrap();
    store
        .save_feedback_site(None, &site(t, c, "https://draft.example/", 1))
        .await
        .unwrap();
    for (t2, c2) in [(t, CustomerId::new()), (TenantId::new(), c)] {
        assert!(
            store
                .get_feedback_item(t2, c2, mine.id)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store
                .list_feedback_items(t2, c2, None, 10)
                .await
                .unwrap()
                .items
                .is_empty()
        );
        assert!(
            store
                .list_feedback_page(t2, c2, &mine.page_url)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(store.get_feedback_site(t2, c2).await.unwrap().is_none());
        assert_eq!(store.last_feedback_number(t2, c2).await.unwrap(), 0);
        assert!(
            store
                .feedback_notices(t2, c2, NoticeTo::Agency)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

pub async fn feedback_tokens_are_found_by_hash_and_revoked_per_customer(
    store: Arc<dyn FeedbackStore>,
) {
    let (t, c) = (TenantId::new(), CustomerId::new());
    let now = Utc::now();
    let token = |customer| {
        let secret = LinkToken::generate().unwrap();
        let record = FeedbackToken {
            id: FeedbackTokenId::new(),
            hash: secret.hash(),
            tenant_id: t,
            customer_id: customer,
            created_at: now,
            expires_at: now + Duration::hours(2),
            revoked_at: None,
        };
        (secret, record)
    };
    let (secret, mine) = token(c);
    let (_, second) = token(c);
    let (other_secret, other) = token(CustomerId::new());
    for t in [&mine, &second, &other] {
        store.create_feedback_token(t).await.unwrap();
    }
    let twice = store.create_feedback_token(&mine).await;
    assert!(matches!(twice, Err(StoreError::AlreadyExists)), "{twice:?}");
    assert_eq!(
        store.find_feedback_token(&secret.hash()).await.unwrap(),
        Some(mine.clone())
    );
    assert!(
        store
            .find_feedback_token(&LinkToken::generate().unwrap().hash())
            .await
            .unwrap()
            .is_none()
    );

    assert_eq!(store.revoke_feedback_tokens(t, c, now).await.unwrap(), 2);
    assert_eq!(
        store.revoke_feedback_tokens(t, c, now).await.unwrap(),
        0,
        "once"
    );
    let revoked = store
        .find_feedback_token(&secret.hash())
        .await
        .unwrap()
        .unwrap();
    assert!(revoked.revoked_at.is_some());
    let untouched = store
        .find_feedback_token(&other_secret.hash())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(untouched.revoked_at, None, "another customer's token stays");
}

pub async fn feedback_notices_wait_per_customer_and_side_and_are_claimed_once(
    store: Arc<dyn FeedbackStore>,
) {
    let (t, c) = (TenantId::new(), CustomerId::new());
    let at = Utc::now() - Duration::minutes(10);
    let a = item(t, c, 1, "https://draft.example/");
    let mut early = notice(&a, NoticeTo::Agency);
    early.created_at = at;
    store.create_feedback_item(&a, 100, &early).await.unwrap();
    let b = item(t, c, 2, "https://draft.example/");
    let late = notice(&b, NoticeTo::Agency);
    store.create_feedback_item(&b, 100, &late).await.unwrap();

    let due = store
        .due_feedback_notices(at + Duration::minutes(1))
        .await
        .unwrap();
    assert!(due.contains(&(t, c, NoticeTo::Agency)));
    assert!(!due.contains(&(t, c, NoticeTo::Customer)));
    let waiting = store
        .feedback_notices(t, c, NoticeTo::Agency)
        .await
        .unwrap();
    assert_eq!(waiting.len(), 2);
    store.claim_feedback_notices(&waiting).await.unwrap();
    let again = store.claim_feedback_notices(&waiting).await;
    assert!(
        matches!(again, Err(StoreError::VersionConflict)),
        "{again:?}"
    );
    assert!(
        store
            .feedback_notices(t, c, NoticeTo::Agency)
            .await
            .unwrap()
            .is_empty()
    );
    let due = store.due_feedback_notices(Utc::now()).await.unwrap();
    assert!(!due.contains(&(t, c, NoticeTo::Agency)));
}

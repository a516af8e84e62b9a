//! A customer's status history: each move written with the customer in one transaction,
//! conditioned on the version read; histories per customer, newest first.

use std::sync::Arc;

use chrono::{Duration, Utc};
use portal::{
    domain::{Actor, ApiKeyId, Customer, ProjectStatus, StaffId, StatusChange},
    ports::{CustomerStore, StatusStore, Store, StoreError, TenantStore},
};
use serde_json::json;

use super::{change, race, saved_tenant, update};
use crate::fixtures::{customer, unique_email};

fn moved(current: &Customer, to: ProjectStatus, by: Actor) -> (Customer, StatusChange) {
    StatusChange::of(current, to, by, Utc::now()).expect("a move to another status")
}

pub async fn a_status_change_writes_the_customer_and_its_history_together<S>(store: Arc<S>)
where
    S: TenantStore + CustomerStore + StatusStore + ?Sized,
{
    let t = saved_tenant(store.as_ref(), "A").await;
    let c = customer(
        t.id,
        json!({"companyName": "Acme", "loginEmail": unique_email("s")}),
    );
    store.create_customer(&c).await.unwrap();
    let by = Actor::Staff { id: StaffId::new() };

    let (next, change) = moved(&c, ProjectStatus::Feedback, by);
    store.change_status(&c, &next, &change).await.unwrap();

    let stored = store.get_customer(t.id, c.id).await.unwrap().unwrap();
    assert_eq!(stored.status, ProjectStatus::Feedback);
    assert_eq!(stored.version, 2);
    assert_eq!(stored, next);
    let history = store.status_history(t.id, c.id).await.unwrap();
    assert_eq!(history, vec![change]);
    assert_eq!(history[0].by, by);
    assert_eq!(history[0].from, ProjectStatus::Preparation);
}

pub async fn a_status_change_from_a_stale_version_writes_neither(store: Arc<dyn Store>) {
    let t = saved_tenant(store.as_ref(), "A").await;
    let c = customer(t.id, json!({"companyName": "Acme"}));
    store.create_customer(&c).await.unwrap();
    let edited = change(&c, json!({"notes": "a newer edit"}));
    update(store.as_ref(), &c, &edited).await.unwrap();

    let (next, change) = moved(&c, ProjectStatus::Online, Actor::System);
    let stale = store.change_status(&c, &next, &change).await;

    assert!(
        matches!(stale, Err(StoreError::VersionConflict)),
        "{stale:?}"
    );
    assert_eq!(store.get_customer(t.id, c.id).await.unwrap(), Some(edited));
    assert!(store.status_history(t.id, c.id).await.unwrap().is_empty());
}

pub async fn of_two_concurrent_status_changes_exactly_one_is_recorded<S>(store: Arc<S>)
where
    S: TenantStore + CustomerStore + StatusStore + ?Sized + 'static,
{
    let t = saved_tenant(store.as_ref(), "A").await;
    let c = customer(t.id, json!({"companyName": "Acme"}));
    store.create_customer(&c).await.unwrap();
    let attempts: Vec<_> = [ProjectStatus::Design, ProjectStatus::Paused]
        .into_iter()
        .map(|to| {
            let (store, c) = (store.clone(), c.clone());
            async move {
                let (next, change) = moved(&c, to, Actor::System);
                store.change_status(&c, &next, &change).await.map(|()| to)
            }
        })
        .collect();

    let results = race(attempts).await;

    let won: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(won.len(), 1, "{results:?}");
    assert!(
        results
            .iter()
            .any(|r| matches!(r, Err(StoreError::VersionConflict)))
    );
    let stored = store.get_customer(t.id, c.id).await.unwrap().unwrap();
    assert_eq!(&stored.status, won[0]);
    let history = store.status_history(t.id, c.id).await.unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(&history[0].to, won[0]);
}

pub async fn status_histories_are_per_customer_and_tenant_and_newest_first<S>(store: Arc<S>)
where
    S: TenantStore + CustomerStore + StatusStore + ?Sized,
{
    let t = saved_tenant(store.as_ref(), "A").await;
    let other = saved_tenant(store.as_ref(), "B").await;
    let a = customer(t.id, json!({"companyName": "A"}));
    let b = customer(t.id, json!({"companyName": "B"}));
    for c in [&a, &b] {
        store.create_customer(c).await.unwrap();
    }
    let by = Actor::ApiKey {
        id: ApiKeyId::new(),
    };
    let mut current = a.clone();
    let mut at = Utc::now();
    // Twelve moves: more than nine, so a version's digits must not sort as text would.
    for to in ProjectStatus::ALL.iter().cycle().skip(1).take(12) {
        at += Duration::minutes(1);
        let (next, change) = StatusChange::of(&current, *to, by, at).unwrap();
        store.change_status(&current, &next, &change).await.unwrap();
        current = next;
    }
    let (b_next, b_change) = moved(&b, ProjectStatus::Design, by);
    store.change_status(&b, &b_next, &b_change).await.unwrap();

    let history = store.status_history(t.id, a.id).await.unwrap();

    assert_eq!(history.len(), 12);
    let versions: Vec<u64> = history.iter().map(|c| c.version).collect();
    assert_eq!(versions, (2..=13).rev().collect::<Vec<_>>(), "newest first");
    assert!(history.windows(2).all(|w| w[0].at > w[1].at));
    assert!(history.iter().all(|c| c.customer_id == a.id));
    assert_eq!(
        store.status_history(t.id, b.id).await.unwrap(),
        vec![b_change]
    );
    assert!(
        store
            .status_history(other.id, a.id)
            .await
            .unwrap()
            .is_empty(),
        "another agency's key finds no history"
    );
}

pub async fn a_change_that_is_not_the_customers_move_is_refused(store: Arc<dyn Store>) {
    let t = saved_tenant(store.as_ref(), "A").await;
    let c = customer(t.id, json!({"companyName": "A"}));
    store.create_customer(&c).await.unwrap();
    let (next, mut change) = moved(&c, ProjectStatus::Design, Actor::System);
    change.to = ProjectStatus::Online;

    assert!(store.change_status(&c, &next, &change).await.is_err());
    assert!(store.status_history(t.id, c.id).await.unwrap().is_empty());
    assert_eq!(store.get_customer(t.id, c.id).await.unwrap(), Some(c));
}

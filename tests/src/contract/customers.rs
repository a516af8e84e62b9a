//! Customers: round trips, the login email claim, stale versions, listings, and what an update
//! or a delete of a customer voids with it.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::Utc;
use portal::{
    domain::{Actor, EventKind, InvitationState, LinkStatus, LinkToken, Subject},
    ports::{CustomerStore, Redemption, Store, StoreError, TenantStore},
};
use serde_json::json;

use super::{
    accepted, account_for, active_with_reset_link, change, delete, invitation_of, invited, issue,
    race, saved_tenant, session_for, try_reset, update,
};
use crate::fixtures::{customer, unique_email};

pub async fn a_customer_round_trips_unchanged<S>(store: Arc<S>)
where
    S: TenantStore + CustomerStore + ?Sized,
{
    let t = saved_tenant(store.as_ref(), "A").await;
    let c = customer(
        t.id,
        json!({
            "companyName": "Bäckerei Schmidt GmbH", "owner": "Anna Schmidt", "contactPerson": "Jonas",
            "address": {"street": "Hauptstraße 1", "postalCode": "10115", "city": "Berlin", "country": "DE"},
            "language": "fr", "mobile": "0151 23456789", "phone": "030 901820", "fax": "030 901821",
            "emails": ["office@baeckerei.example"], "loginEmail": unique_email("anna"),
            "status": "online", "notes": "Line one\nLine two"
        }),
    );
    store.create_customer(&c).await.unwrap();
    assert_eq!(store.get_customer(t.id, c.id).await.unwrap(), Some(c));
}

pub async fn customers_without_login_email_can_coexist<S>(store: Arc<S>)
where
    S: TenantStore + CustomerStore + ?Sized,
{
    let t = saved_tenant(store.as_ref(), "A").await;
    for name in ["One", "Two"] {
        store
            .create_customer(&customer(t.id, json!({"companyName": name})))
            .await
            .unwrap();
    }
    assert_eq!(
        store
            .list_customers(t.id, None, 10)
            .await
            .unwrap()
            .items
            .len(),
        2
    );
}

pub async fn a_login_email_belongs_to_one_customer_across_tenants_ignoring_case<S>(store: Arc<S>)
where
    S: TenantStore + CustomerStore + ?Sized,
{
    let a = saved_tenant(store.as_ref(), "A").await;
    let b = saved_tenant(store.as_ref(), "B").await;
    let email = unique_email("anna");
    let first = customer(a.id, json!({"companyName": "First", "loginEmail": email}));
    store.create_customer(&first).await.unwrap();

    let shouted = email.to_uppercase();
    for tenant in [a.id, b.id] {
        let second = customer(
            tenant,
            json!({"companyName": "Second", "loginEmail": shouted}),
        );
        assert!(matches!(
            store.create_customer(&second).await,
            Err(StoreError::LoginEmailTaken)
        ));
        assert_eq!(
            store.get_customer(tenant, second.id).await.unwrap(),
            None,
            "nothing half-written"
        );
    }
}

pub async fn concurrent_creates_with_one_login_email_let_exactly_one_win<S>(store: Arc<S>)
where
    S: TenantStore + CustomerStore + 'static + ?Sized,
{
    let t = saved_tenant(store.as_ref(), "A").await;
    let email = unique_email("race");
    let attempts: Vec<_> = (0..8)
        .map(|i| {
            let store = store.clone();
            let c = customer(
                t.id,
                json!({"companyName": format!("Racer {i}"), "loginEmail": email}),
            );
            async move { store.create_customer(&c).await }
        })
        .collect();
    let mut won = 0;
    for result in race(attempts).await {
        match result {
            Ok(()) => won += 1,
            Err(StoreError::LoginEmailTaken) => {}
            Err(e) => panic!("unexpected error: {e:?}"),
        }
    }
    assert_eq!(won, 1);
    assert_eq!(
        store
            .list_customers(t.id, None, 100)
            .await
            .unwrap()
            .items
            .len(),
        1
    );
}

pub async fn an_update_moves_the_login_email_claim(store: Arc<dyn Store>) {
    let t = saved_tenant(store.as_ref(), "A").await;
    let (old, new) = (unique_email("old"), unique_email("new"));
    let c = customer(t.id, json!({"companyName": "Mover", "loginEmail": old}));
    store.create_customer(&c).await.unwrap();
    let moved = change(&c, json!({"loginEmail": new}));
    update(store.as_ref(), &c, &moved).await.unwrap();
    assert_eq!(
        store.get_customer(t.id, c.id).await.unwrap(),
        Some(moved.clone())
    );

    let takes_old = customer(t.id, json!({"companyName": "Takes old", "loginEmail": old}));
    store
        .create_customer(&takes_old)
        .await
        .expect("the old email was released");
    let takes_new = customer(t.id, json!({"companyName": "Takes new", "loginEmail": new}));
    assert!(matches!(
        store.create_customer(&takes_new).await,
        Err(StoreError::LoginEmailTaken)
    ));

    let case_only = change(&moved, json!({"loginEmail": new.to_uppercase()}));
    update(store.as_ref(), &moved, &case_only)
        .await
        .expect("a change of case keeps the claim");
    let cleared = change(&case_only, json!({"loginEmail": null}));
    update(store.as_ref(), &case_only, &cleared).await.unwrap();
    store
        .create_customer(&takes_new)
        .await
        .expect("clearing released the email");
}

pub async fn an_update_to_a_taken_login_email_changes_nothing(store: Arc<dyn Store>) {
    let t = saved_tenant(store.as_ref(), "A").await;
    let taken = unique_email("taken");
    store
        .create_customer(&customer(
            t.id,
            json!({"companyName": "Owner", "loginEmail": taken}),
        ))
        .await
        .unwrap();
    let mine = unique_email("mine");
    let c = customer(t.id, json!({"companyName": "Me", "loginEmail": mine}));
    store.create_customer(&c).await.unwrap();
    let next = change(&c, json!({"loginEmail": taken, "companyName": "Renamed"}));
    assert!(matches!(
        update(store.as_ref(), &c, &next).await,
        Err(StoreError::LoginEmailTaken)
    ));
    assert_eq!(store.get_customer(t.id, c.id).await.unwrap(), Some(c));
    let other = customer(t.id, json!({"companyName": "Other", "loginEmail": mine}));
    assert!(
        matches!(
            store.create_customer(&other).await,
            Err(StoreError::LoginEmailTaken)
        ),
        "the failed update kept the customer's own claim"
    );
}

pub async fn an_update_from_a_stale_version_changes_nothing(store: Arc<dyn Store>) {
    let t = saved_tenant(store.as_ref(), "A").await;
    let c = customer(
        t.id,
        json!({"companyName": "Acme", "loginEmail": unique_email("v")}),
    );
    store.create_customer(&c).await.unwrap();
    let winner = change(&c, json!({"notes": "first"}));
    update(store.as_ref(), &c, &winner).await.unwrap();
    let loser = change(
        &c,
        json!({"notes": "second", "loginEmail": unique_email("stale")}),
    );
    assert!(matches!(
        update(store.as_ref(), &c, &loser).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(store.get_customer(t.id, c.id).await.unwrap(), Some(winner));
    let takes = customer(
        t.id,
        json!({"companyName": "X", "loginEmail": loser.login_email.unwrap().as_str()}),
    );
    store
        .create_customer(&takes)
        .await
        .expect("the losing update claimed nothing");
}

pub async fn a_delete_releases_the_login_email(store: Arc<dyn Store>) {
    let t = saved_tenant(store.as_ref(), "A").await;
    let email = unique_email("gone");
    let c = customer(t.id, json!({"companyName": "Leaving", "loginEmail": email}));
    store.create_customer(&c).await.unwrap();
    delete(store.as_ref(), &c).await.unwrap();
    assert_eq!(store.get_customer(t.id, c.id).await.unwrap(), None);
    store
        .create_customer(&customer(
            t.id,
            json!({"companyName": "Next", "loginEmail": email}),
        ))
        .await
        .expect("the email is free again");
}

pub async fn a_delete_from_a_stale_version_changes_nothing(store: Arc<dyn Store>) {
    let t = saved_tenant(store.as_ref(), "A").await;
    let c = customer(
        t.id,
        json!({"companyName": "Acme", "loginEmail": unique_email("d")}),
    );
    store.create_customer(&c).await.unwrap();
    let changed = change(&c, json!({"notes": "changed"}));
    update(store.as_ref(), &c, &changed).await.unwrap();
    assert!(matches!(
        delete(store.as_ref(), &c).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(store.get_customer(t.id, c.id).await.unwrap(), Some(changed));
}

pub async fn listing_pages_in_creation_order_within_the_tenant<S>(store: Arc<S>)
where
    S: TenantStore + CustomerStore + ?Sized,
{
    let a = saved_tenant(store.as_ref(), "A").await;
    let b = saved_tenant(store.as_ref(), "B").await;
    let mut created = Vec::new();
    for i in 0..5 {
        let c = customer(a.id, json!({"companyName": format!("Customer {i}")}));
        store.create_customer(&c).await.unwrap();
        created.push(c.id);
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    store
        .create_customer(&customer(b.id, json!({"companyName": "Not A's"})))
        .await
        .unwrap();

    let mut seen = Vec::new();
    let mut after = None;
    let mut pages = 0;
    loop {
        let page = store.list_customers(a.id, after, 2).await.unwrap();
        pages += 1;
        assert!(page.items.len() <= 2);
        seen.extend(page.items.iter().map(|c| c.id));
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    assert_eq!(seen, created);
    assert_eq!(
        pages, 3,
        "5 customers in pages of 2, with no empty page at the end"
    );
    let unique: HashSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), 5);
    let all = store.list_customers(a.id, None, 100).await.unwrap();
    assert_eq!(all.items.len(), 5);
    assert_eq!(all.next, None);
}

pub async fn another_tenants_customer_is_not_found<S>(store: Arc<S>)
where
    S: TenantStore + CustomerStore + ?Sized,
{
    let a = saved_tenant(store.as_ref(), "A").await;
    let b = saved_tenant(store.as_ref(), "B").await;
    let c = customer(a.id, json!({"companyName": "A's"}));
    store.create_customer(&c).await.unwrap();
    assert_eq!(store.get_customer(b.id, c.id).await.unwrap(), None);
    assert!(
        store
            .list_customers(b.id, None, 10)
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

pub async fn deleting_a_customer_deletes_their_password_too(store: Arc<dyn Store>) {
    let (c, invitation, token) = invited(store.as_ref()).await;
    let account = account_for(&c, "$argon2id$gone", 1, 1);
    let next = accepted(&invitation);
    store
        .redeem(&Redemption {
            token: &token,
            now: Utc::now(),
            account: &account,
            previous_account: None,
            invitation: Some((&invitation, &next)),
            session: &session_for(&c, 1),
            activates: true,
        })
        .await
        .unwrap();
    let current = store
        .get_customer(c.tenant_id, c.id)
        .await
        .unwrap()
        .unwrap();
    delete(store.as_ref(), &current).await.unwrap();
    assert_eq!(
        store
            .get_account(c.tenant_id, Subject::Customer(c.id))
            .await
            .unwrap(),
        None,
        "no session of a deleted customer can find an account"
    );
}

pub async fn a_new_login_email_voids_open_invitations_and_reset_links_at_once(
    store: Arc<dyn Store>,
) {
    let (c, account, reset) = active_with_reset_link(store.as_ref()).await;
    let (open, open_token) = invitation_of(&c, &LinkToken::generate().unwrap());
    issue(store.as_ref(), &c, &open, &open_token).await.unwrap();
    let moved = change(&c, json!({"loginEmail": unique_email("right")}));
    update(store.as_ref(), &c, &moved).await.unwrap();

    let now = Utc::now();
    let stored = store
        .get_invitation(c.tenant_id, c.id, open.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, InvitationState::Revoked);
    let last = stored.history.last().unwrap();
    assert_eq!(last.event, EventKind::Revoked);
    assert!(
        last.detail
            .as_deref()
            .unwrap_or_default()
            .starts_with("login-email-changed"),
        "{last:?}"
    );
    assert_eq!(
        store
            .find_token(&open_token.hash)
            .await
            .unwrap()
            .unwrap()
            .status_at(now),
        LinkStatus::LoginEmailChanged,
        "the invitation's link is void in the store itself"
    );
    let account_now = store
        .get_account(c.tenant_id, Subject::Customer(c.id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        account_now.session_epoch,
        account.session_epoch + 1,
        "sessions and reset links of the old address end"
    );
    assert!(matches!(
        try_reset(store.as_ref(), &moved, &reset, &account_now).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(
        store
            .get_account(c.tenant_id, Subject::Customer(c.id))
            .await
            .unwrap(),
        Some(account_now),
        "no password was set"
    );

    // Back to the old address: what was voided stays void.
    let back = store
        .get_customer(c.tenant_id, c.id)
        .await
        .unwrap()
        .unwrap();
    let again = change(
        &back,
        json!({"loginEmail": c.login_email.as_ref().unwrap().as_str()}),
    );
    update(store.as_ref(), &back, &again).await.unwrap();
    let account_now = store
        .get_account(c.tenant_id, Subject::Customer(c.id))
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        try_reset(store.as_ref(), &again, &reset, &account_now).await,
        Err(StoreError::VersionConflict)
    ));

    // A change of the login email that does not say what it voids is refused.
    let current = store
        .get_customer(c.tenant_id, c.id)
        .await
        .unwrap()
        .unwrap();
    let unsaid = change(&current, json!({"loginEmail": unique_email("unsaid")}));
    assert!(matches!(
        store
            .update_customer(&current, &unsaid, &Default::default())
            .await,
        Err(StoreError::Unexpected(_))
    ));
}

pub async fn deleting_a_customer_revokes_their_open_invitations(store: Arc<dyn Store>) {
    let (c, invitation, token) = invited(store.as_ref()).await;
    delete(store.as_ref(), &c).await.unwrap();
    assert_eq!(
        store
            .find_token(&token.hash)
            .await
            .unwrap()
            .unwrap()
            .status_at(Utc::now()),
        LinkStatus::Revoked
    );
    assert!(matches!(
        store
            .redeem(&Redemption {
                token: &token,
                now: Utc::now(),
                account: &account_for(&c, "$argon2id$late", 1, 1),
                previous_account: None,
                invitation: Some((&invitation, &accepted(&invitation))),
                session: &session_for(&c, 1),
                activates: true,
            })
            .await,
        Err(StoreError::VersionConflict)
    ));
}

pub async fn a_send_between_reading_the_voids_and_a_new_mobile_number_makes_the_change_look_again(
    store: Arc<dyn Store>,
) {
    // Arrange: nothing is open when the change reads what it voids; then an SMS goes out to
    // the old number before the change is written. A send leaves the customer's version as
    // it was: only the marker of open invitations shows it.
    let t = saved_tenant(store.as_ref(), "A").await;
    let c = customer(
        t.id,
        json!({"companyName": "A", "mobile": "+4915123456789"}),
    );
    store.create_customer(&c).await.unwrap();
    let moved = change(&c, json!({"mobile": "+4915198765432"}));
    let stale = portal::links::voids_for(
        store.as_ref(),
        store.as_ref(),
        &c,
        Some(&moved),
        Actor::System,
        Utc::now(),
    )
    .await
    .unwrap();
    let (sms, token) = invitation_of(&c, &LinkToken::generate().unwrap());
    issue(store.as_ref(), &c, &sms, &token).await.unwrap();

    // Act / Assert: the change from the stale read is refused, and nothing of it is written.
    assert!(matches!(
        store.update_customer(&c, &moved, &stale.as_voids()).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(
        store.get_customer(t.id, c.id).await.unwrap(),
        Some(c.clone())
    );

    // Looked at again, the change voids the link on the old phone with it.
    update(store.as_ref(), &c, &moved).await.unwrap();
    let stored = store
        .get_invitation(t.id, c.id, sms.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, InvitationState::Revoked);
    assert_eq!(
        store
            .find_token(&token.hash)
            .await
            .unwrap()
            .unwrap()
            .status_at(Utc::now()),
        LinkStatus::Revoked
    );
}

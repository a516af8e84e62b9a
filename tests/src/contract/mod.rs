//! One contract for every store adapter: `store_contract!` runs each case against a store
//! made by the given expression, so the embedded store and DynamoDB behave alike.

use std::{
    collections::HashSet,
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
};

use chrono::Duration;
use chrono::Utc;
use portal::{
    domain::{
        Account, Actor, ApiKeyId, ApiKeyRecord, ApiKeySecret, Channel, Customer, CustomerChanges,
        EventKind, Invitation, InvitationEvent, InvitationId, InvitationState, Language,
        LinkStatus, LinkToken, PortalArea, SessionRecord, StaffId, StaffInvitation, StaffMember,
        Subject, TenantId, TokenPurpose, TokenRecord, ValidityDays, VoidReason,
    },
    ports::{IdempotencyStart, Redemption, Store, StoreError, StoredResponse, TemplateOverride},
};
use serde_json::json;

use crate::fixtures::{customer, tenant, unique_email};

/// Set for stores on moto: its `TransactWriteItems` is not isolated (it copies the whole
/// table, applies the items, and on a failed condition puts the copy back, with no lock), so
/// two transactions on moto at the same moment can undo each other's writes and both fail.
/// DynamoDB itself isolates them. On moto the races below therefore run their attempts one
/// after another: the conditions still decide who wins; the embedded store runs them at once.
pub static NO_CONCURRENT_TRANSACTIONS: AtomicBool = AtomicBool::new(false);

/// Runs the attempts at the same time (or, see [`NO_CONCURRENT_TRANSACTIONS`], in turn).
async fn race<T: Send + 'static>(
    attempts: Vec<impl Future<Output = T> + Send + 'static>,
) -> Vec<T> {
    let mut results = Vec::new();
    if NO_CONCURRENT_TRANSACTIONS.load(Ordering::Relaxed) {
        for attempt in attempts {
            results.push(attempt.await);
        }
    } else {
        let handles: Vec<_> = attempts.into_iter().map(tokio::spawn).collect();
        for handle in handles {
            results.push(handle.await.expect("the attempt ran"));
        }
    }
    results
}

/// Updates a customer as the API does: with the links the change voids.
async fn update(store: &dyn Store, current: &Customer, next: &Customer) -> Result<(), StoreError> {
    let voiding =
        portal::links::voids_for(store, store, current, Some(next), Actor::System, Utc::now())
            .await?;
    store
        .update_customer(current, next, &voiding.as_voids())
        .await
}

/// Deletes a customer as the API does: with its open invitations.
async fn delete(store: &dyn Store, current: &Customer) -> Result<(), StoreError> {
    let voiding =
        portal::links::voids_for(store, store, current, None, Actor::System, Utc::now()).await?;
    store.delete_customer(current, &voiding.as_voids()).await
}

#[macro_export]
macro_rules! store_contract {
    ($make:expr) => {
        $crate::store_contract!(@cases $make;
            tenants_round_trip_and_an_id_is_created_once,
            api_keys_are_found_by_hash_listed_per_tenant_and_revoked,
            a_customer_round_trips_unchanged,
            customers_without_login_email_can_coexist,
            a_login_email_belongs_to_one_customer_across_tenants_ignoring_case,
            concurrent_creates_with_one_login_email_let_exactly_one_win,
            an_update_moves_the_login_email_claim,
            an_update_to_a_taken_login_email_changes_nothing,
            an_update_from_a_stale_version_changes_nothing,
            a_delete_releases_the_login_email,
            a_delete_from_a_stale_version_changes_nothing,
            listing_pages_in_creation_order_within_the_tenant,
            another_tenants_customer_is_not_found,
            a_tenant_update_replaces_its_settings,
            an_agency_is_found_by_its_portal_address_which_is_its_own,
            issuing_an_invitation_stores_it_with_its_token_and_voids_open_ones,
            an_invitation_for_a_changed_customer_writes_nothing,
            revoking_deletes_the_token_and_stale_updates_lose,
            agency_templates_are_kept_per_channel_and_language,
            idempotency_keys_replay_refuse_and_expire,
            a_link_sets_the_password_once_and_starts_a_session,
            of_two_redemptions_of_one_link_exactly_one_wins,
            voided_and_expired_links_set_no_password,
            a_reset_link_replaces_the_password_of_an_existing_account,
            sessions_are_stored_touched_and_deleted,
            failed_attempts_are_counted_per_key_and_window,
            concurrent_increments_each_get_their_own_count_and_can_be_taken_back,
            staff_users_share_the_login_namespace_with_customers,
            a_staff_invitation_sets_the_password_and_activates_the_staff_user,
            a_new_staff_invitation_voids_the_old_link_and_stale_updates_lose,
            removing_a_staff_user_ends_the_account_and_frees_the_email,
            deleting_a_customer_deletes_their_password_too,
            a_new_login_email_voids_open_invitations_and_reset_links_at_once,
            a_link_sets_no_password_once_its_address_stopped_being_the_login_email,
            a_set_change_or_reset_of_the_password_voids_earlier_reset_links,
            deleting_a_customer_revokes_their_open_invitations,
            removing_a_staff_user_voids_their_reset_links,
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                $crate::contract::$case($make.await).await;
            }
        )*
    };
}

async fn saved_tenant(store: &dyn Store, name: &str) -> portal::domain::Tenant {
    let t = tenant(name);
    store.create_tenant(&t).await.expect("the tenant is stored");
    t
}

fn change(current: &Customer, body: serde_json::Value) -> Customer {
    let changes: CustomerChanges = serde_json::from_value(body).expect("a well-formed body");
    changes
        .validate(Some(current))
        .expect("a valid change")
        .applied(current, Utc::now())
}

pub async fn tenants_round_trip_and_an_id_is_created_once(store: Arc<dyn Store>) {
    let t = saved_tenant(store.as_ref(), "Agentur Nord").await;
    assert_eq!(store.get_tenant(t.id).await.unwrap(), Some(t.clone()));
    assert!(store.list_tenants().await.unwrap().contains(&t));
    let mut again = t.clone();
    again.name = "Someone else".into();
    assert!(matches!(
        store.create_tenant(&again).await,
        Err(StoreError::AlreadyExists)
    ));
    assert_eq!(
        store.get_tenant(t.id).await.unwrap().unwrap().name,
        "Agentur Nord"
    );
}

pub async fn api_keys_are_found_by_hash_listed_per_tenant_and_revoked(store: Arc<dyn Store>) {
    let a = saved_tenant(store.as_ref(), "A").await;
    let b = saved_tenant(store.as_ref(), "B").await;
    let secret = ApiKeySecret::generate().unwrap();
    let key = ApiKeyRecord {
        id: ApiKeyId::new(),
        tenant_id: a.id,
        label: "CRM sync".into(),
        hash: secret.hash(),
        prefix: secret.display_prefix(),
        created_at: Utc::now(),
        revoked_at: None,
    };
    store.create_api_key(&key).await.unwrap();
    assert_eq!(
        store.find_api_key(&secret.hash()).await.unwrap(),
        Some(key.clone())
    );
    let other = ApiKeySecret::generate().unwrap();
    assert_eq!(store.find_api_key(&other.hash()).await.unwrap(), None);
    assert_eq!(store.list_api_keys(a.id).await.unwrap(), vec![key.clone()]);
    assert!(store.list_api_keys(b.id).await.unwrap().is_empty());

    assert!(matches!(
        store.revoke_api_key(b.id, key.id, Utc::now()).await,
        Err(StoreError::NotFound)
    ));
    let first = Utc::now();
    let revoked = store.revoke_api_key(a.id, key.id, first).await.unwrap();
    assert_eq!(revoked.revoked_at, Some(first));
    let again = store
        .revoke_api_key(a.id, key.id, Utc::now())
        .await
        .unwrap();
    assert_eq!(
        again.revoked_at,
        Some(first),
        "the first revocation time is kept"
    );
    let found = store.find_api_key(&secret.hash()).await.unwrap().unwrap();
    assert_eq!(found.revoked_at, Some(first));
}

pub async fn a_customer_round_trips_unchanged(store: Arc<dyn Store>) {
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

pub async fn customers_without_login_email_can_coexist(store: Arc<dyn Store>) {
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

pub async fn a_login_email_belongs_to_one_customer_across_tenants_ignoring_case(
    store: Arc<dyn Store>,
) {
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

pub async fn concurrent_creates_with_one_login_email_let_exactly_one_win(store: Arc<dyn Store>) {
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

pub async fn listing_pages_in_creation_order_within_the_tenant(store: Arc<dyn Store>) {
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

pub async fn another_tenants_customer_is_not_found(store: Arc<dyn Store>) {
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

pub async fn a_tenant_update_replaces_its_settings(store: Arc<dyn Store>) {
    let mut t = saved_tenant(store.as_ref(), "A").await;
    t.invitation_validity_days = ValidityDays::try_from(14).unwrap();
    store.update_tenant(&t).await.unwrap();
    assert_eq!(store.get_tenant(t.id).await.unwrap(), Some(t.clone()));
    let mut ghost = tenant("Ghost");
    ghost.name = "never stored".into();
    assert!(matches!(
        store.update_tenant(&ghost).await,
        Err(StoreError::NotFound)
    ));
}

fn invitation_of(c: &Customer, token: &LinkToken) -> (Invitation, TokenRecord) {
    let now = Utc::now();
    let id = InvitationId::new();
    let invitation = Invitation {
        id,
        tenant_id: c.tenant_id,
        customer_id: c.id,
        channels: vec![Channel::Email, Channel::Sms],
        area: PortalArea::Files,
        note: Some("Bis bald".into()),
        language: Language::De,
        state: InvitationState::Pending,
        token_hash: token.hash(),
        created_at: now,
        expires_at: now + Duration::days(7),
        created_by: Actor::ApiKey {
            id: ApiKeyId::new(),
        },
        history: vec![InvitationEvent {
            at: now,
            event: EventKind::Created,
            channel: None,
            detail: None,
            by: Actor::System,
        }],
        version: 1,
    };
    let record = match &c.login_email {
        Some(email) => TokenRecord::for_invitation(&invitation).sent_to(email),
        None => TokenRecord::for_invitation(&invitation),
    };
    (invitation, record)
}

fn revoked(i: &Invitation) -> Invitation {
    let event = InvitationEvent {
        at: Utc::now(),
        event: EventKind::Superseded,
        channel: None,
        detail: Some("replaced".into()),
        by: Actor::System,
    };
    i.with_event(event, InvitationState::Revoked)
}

pub async fn issuing_an_invitation_stores_it_with_its_token_and_voids_open_ones(
    store: Arc<dyn Store>,
) {
    let t = saved_tenant(store.as_ref(), "A").await;
    let c = customer(
        t.id,
        json!({"companyName": "A", "loginEmail": unique_email("inv")}),
    );
    store.create_customer(&c).await.unwrap();
    let first_token = LinkToken::generate().unwrap();
    let (first, first_record) = invitation_of(&c, &first_token);
    store
        .issue_invitation(&c, &first, &first_record, &[])
        .await
        .unwrap();
    assert_eq!(
        store.get_invitation(t.id, c.id, first.id).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        store.find_token(&first_token.hash()).await.unwrap(),
        Some(first_record)
    );

    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    let second_token = LinkToken::generate().unwrap();
    let (second, second_record) = invitation_of(&c, &second_token);
    let voided = revoked(&first);
    store
        .issue_invitation(
            &c,
            &second,
            &second_record,
            &[(first.clone(), voided.clone())],
        )
        .await
        .unwrap();
    let old = store
        .find_token(&first_token.hash())
        .await
        .unwrap()
        .expect("kept, voided");
    assert_eq!(
        old.status_at(Utc::now()),
        LinkStatus::Superseded,
        "the old link is void"
    );
    assert_eq!(old.invitation_id, Some(first.id));
    assert!(
        store
            .find_token(&second_token.hash())
            .await
            .unwrap()
            .is_some()
    );
    let listed = store.list_invitations(t.id, c.id).await.unwrap();
    assert_eq!(listed, vec![second.clone(), voided], "newest first");
    let other = saved_tenant(store.as_ref(), "B").await;
    assert!(
        store
            .list_invitations(other.id, c.id)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .get_invitation(other.id, c.id, second.id)
            .await
            .unwrap(),
        None
    );
}

pub async fn an_invitation_for_a_changed_customer_writes_nothing(store: Arc<dyn Store>) {
    let t = saved_tenant(store.as_ref(), "A").await;
    let c = customer(
        t.id,
        json!({"companyName": "A", "loginEmail": unique_email("chg")}),
    );
    store.create_customer(&c).await.unwrap();
    let changed = change(&c, json!({"loginEmail": unique_email("moved")}));
    update(store.as_ref(), &c, &changed).await.unwrap();
    let token = LinkToken::generate().unwrap();
    let (invitation, record) = invitation_of(&c, &token);
    assert!(matches!(
        store.issue_invitation(&c, &invitation, &record, &[]).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(store.find_token(&token.hash()).await.unwrap(), None);
    assert!(store.list_invitations(t.id, c.id).await.unwrap().is_empty());

    store
        .issue_invitation(&changed, &invitation, &record, &[])
        .await
        .unwrap();
    let (later, later_record) = invitation_of(&changed, &LinkToken::generate().unwrap());
    let stale = (invitation.clone(), revoked(&invitation));
    store
        .issue_invitation(
            &changed,
            &later,
            &later_record,
            std::slice::from_ref(&stale),
        )
        .await
        .unwrap();
    let (third, third_record) = invitation_of(&changed, &LinkToken::generate().unwrap());
    assert!(
        matches!(
            store
                .issue_invitation(&changed, &third, &third_record, &[stale])
                .await,
            Err(StoreError::VersionConflict)
        ),
        "superseding an invitation that changed meanwhile fails"
    );
    assert_eq!(
        store.get_invitation(t.id, c.id, third.id).await.unwrap(),
        None
    );
}

pub async fn revoking_deletes_the_token_and_stale_updates_lose(store: Arc<dyn Store>) {
    let t = saved_tenant(store.as_ref(), "A").await;
    let c = customer(
        t.id,
        json!({"companyName": "A", "loginEmail": unique_email("rev")}),
    );
    store.create_customer(&c).await.unwrap();
    let token = LinkToken::generate().unwrap();
    let (invitation, record) = invitation_of(&c, &token);
    store
        .issue_invitation(&c, &invitation, &record, &[])
        .await
        .unwrap();

    let event = InvitationEvent {
        at: Utc::now(),
        event: EventKind::Sent,
        channel: Some(Channel::Email),
        detail: Some("msg-1".into()),
        by: Actor::System,
    };
    let sent = invitation.with_event(event, InvitationState::Sent);
    let hash = token.hash();
    let status = |store: Arc<dyn Store>| {
        let hash = hash.clone();
        async move {
            store
                .find_token(&hash)
                .await
                .unwrap()
                .map(|t| t.status_at(Utc::now()))
        }
    };
    let void = Some((VoidReason::Revoked, Utc::now()));
    store
        .update_invitation(&invitation, &sent, None)
        .await
        .unwrap();
    assert_eq!(
        status(store.clone()).await,
        Some(LinkStatus::Valid),
        "sending keeps the token"
    );
    assert!(matches!(
        store
            .update_invitation(&invitation, &revoked(&invitation), void)
            .await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(
        status(store.clone()).await,
        Some(LinkStatus::Valid),
        "a lost update voids nothing"
    );

    let gone = revoked(&sent);
    store.update_invitation(&sent, &gone, void).await.unwrap();
    assert_eq!(
        store
            .get_invitation(t.id, c.id, invitation.id)
            .await
            .unwrap(),
        Some(gone)
    );
    assert_eq!(status(store.clone()).await, Some(LinkStatus::Revoked));
}

pub async fn agency_templates_are_kept_per_channel_and_language(store: Arc<dyn Store>) {
    let a = saved_tenant(store.as_ref(), "A").await;
    let b = saved_tenant(store.as_ref(), "B").await;
    let template = |channel, language, body: &str| TemplateOverride {
        channel,
        language,
        subject: (channel == Channel::Email).then(|| "Hallo {{ company }}".to_owned()),
        body: body.into(),
        updated_at: Utc::now(),
    };
    let de_email = template(Channel::Email, Language::De, "Text");
    store.put_template(a.id, &de_email).await.unwrap();
    store
        .put_template(
            a.id,
            &template(Channel::Sms, Language::De, "{{ invitation_link }}"),
        )
        .await
        .unwrap();
    let replaced = template(Channel::Email, Language::De, "Neuer Text");
    store.put_template(a.id, &replaced).await.unwrap();
    let mut listed = store.list_templates(a.id).await.unwrap();
    listed.sort_by_key(|t| t.channel.code());
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0], replaced);
    assert!(store.list_templates(b.id).await.unwrap().is_empty());
    assert!(matches!(
        store
            .delete_template(b.id, Channel::Email, Language::De)
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .delete_template(a.id, Channel::Email, Language::De)
        .await
        .unwrap();
    assert!(matches!(
        store
            .delete_template(a.id, Channel::Email, Language::De)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(store.list_templates(a.id).await.unwrap().len(), 1);
}

pub async fn idempotency_keys_replay_refuse_and_expire(store: Arc<dyn Store>) {
    let t: TenantId = saved_tenant(store.as_ref(), "A").await.id;
    let now = Utc::now();
    let later = now + Duration::hours(24);
    let key = "retry-me";
    assert_eq!(
        store
            .begin_request(t, key, "fp-1", now, later)
            .await
            .unwrap(),
        IdempotencyStart::Fresh
    );
    assert_eq!(
        store
            .begin_request(t, key, "fp-1", now, later)
            .await
            .unwrap(),
        IdempotencyStart::InProgress
    );
    assert_eq!(
        store
            .begin_request(t, key, "fp-2", now, later)
            .await
            .unwrap(),
        IdempotencyStart::Mismatch
    );
    let response = StoredResponse {
        status: 201,
        body: "{\"id\":1}".into(),
        location: Some("/x/1".into()),
    };
    store.finish_request(t, key, &response).await.unwrap();
    assert_eq!(
        store
            .begin_request(t, key, "fp-1", now, later)
            .await
            .unwrap(),
        IdempotencyStart::Replay(response)
    );
    let other = saved_tenant(store.as_ref(), "B").await.id;
    assert_eq!(
        store
            .begin_request(other, key, "fp-9", now, later)
            .await
            .unwrap(),
        IdempotencyStart::Fresh,
        "keys are per tenant"
    );
    assert_eq!(
        store
            .begin_request(
                t,
                key,
                "fp-3",
                later + Duration::seconds(1),
                later + Duration::hours(25)
            )
            .await
            .unwrap(),
        IdempotencyStart::Fresh,
        "an expired key starts over"
    );
    store.abandon_request(t, key).await.unwrap();
    assert_eq!(
        store
            .begin_request(t, key, "fp-4", now, later)
            .await
            .unwrap(),
        IdempotencyStart::Fresh
    );
}

fn session_for(c: &Customer, epoch: u64) -> SessionRecord {
    let now = Utc::now();
    SessionRecord {
        hash: LinkToken::generate().unwrap().hash(),
        tenant_id: c.tenant_id,
        subject: Subject::Customer(c.id),
        epoch,
        csrf: "csrf".into(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + Duration::days(7),
    }
}

fn account_for(c: &Customer, hash: &str, epoch: u64, version: u64) -> Account {
    Account {
        tenant_id: c.tenant_id,
        subject: Subject::Customer(c.id),
        password_hash: hash.into(),
        password_changed_at: Utc::now(),
        session_epoch: epoch,
        created_at: Utc::now(),
        version,
    }
}

/// A customer with an open invitation; returns the customer, invitation and its token.
async fn invited(store: &dyn Store) -> (Customer, Invitation, TokenRecord) {
    let t = saved_tenant(store, "A").await;
    let c = customer(
        t.id,
        json!({"companyName": "A", "loginEmail": unique_email("redeem")}),
    );
    store.create_customer(&c).await.unwrap();
    let (invitation, record) = invitation_of(&c, &LinkToken::generate().unwrap());
    store
        .issue_invitation(&c, &invitation, &record, &[])
        .await
        .unwrap();
    (c, invitation, record)
}

fn accepted(i: &Invitation) -> Invitation {
    let event = InvitationEvent {
        at: Utc::now(),
        event: EventKind::Accepted,
        channel: None,
        detail: None,
        by: Actor::Customer,
    };
    i.with_event(event, InvitationState::Accepted)
}

pub async fn a_link_sets_the_password_once_and_starts_a_session(store: Arc<dyn Store>) {
    let (c, invitation, token) = invited(store.as_ref()).await;
    let account = account_for(&c, "$argon2id$first", 1, 1);
    let session = session_for(&c, 1);
    let next = accepted(&invitation);
    let now = Utc::now();
    let redemption = Redemption {
        token: &token,
        now,
        account: &account,
        previous_account: None,
        invitation: Some((&invitation, &next)),
        session: &session,
        activates: true,
    };
    store.redeem(&redemption).await.unwrap();
    assert_eq!(
        store
            .get_account(c.tenant_id, Subject::Customer(c.id))
            .await
            .unwrap(),
        Some(account.clone())
    );
    assert_eq!(
        store.get_session(&session.hash).await.unwrap(),
        Some(session.clone())
    );
    assert_eq!(
        store
            .get_invitation(c.tenant_id, c.id, invitation.id)
            .await
            .unwrap(),
        Some(next.clone())
    );
    let used = store.find_token(&token.hash).await.unwrap().unwrap();
    assert_eq!(used.status_at(now), LinkStatus::Used);
    let active = store
        .get_customer(c.tenant_id, c.id)
        .await
        .unwrap()
        .unwrap();
    assert!(active.activated_at.is_some());
    let owner = store
        .find_login(c.login_email.as_ref().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (owner.tenant_id, owner.subject),
        (c.tenant_id, Subject::Customer(c.id))
    );
    assert!(
        store
            .find_login(&portal::domain::Email::parse(&unique_email("nobody")).unwrap())
            .await
            .unwrap()
            .is_none()
    );

    let again = Redemption {
        session: &session_for(&c, 1),
        ..redemption
    };
    assert!(
        matches!(store.redeem(&again).await, Err(StoreError::VersionConflict)),
        "a link works once"
    );
    store
        .record_login(c.tenant_id, Subject::Customer(c.id), now)
        .await
        .unwrap();
    assert!(
        store
            .get_customer(c.tenant_id, c.id)
            .await
            .unwrap()
            .unwrap()
            .last_login_at
            .is_some()
    );
}

pub async fn of_two_redemptions_of_one_link_exactly_one_wins(store: Arc<dyn Store>) {
    let (c, invitation, token) = invited(store.as_ref()).await;
    let next = accepted(&invitation);
    let attempts: Vec<_> = (0..2)
        .map(|i| {
            let (store, c, invitation, next, token) = (
                store.clone(),
                c.clone(),
                invitation.clone(),
                next.clone(),
                token.clone(),
            );
            async move {
                let account = account_for(&c, &format!("$argon2id${i}"), 1, 1);
                let session = session_for(&c, 1);
                store
                    .redeem(&Redemption {
                        token: &token,
                        now: Utc::now(),
                        account: &account,
                        previous_account: None,
                        invitation: Some((&invitation, &next)),
                        session: &session,
                        activates: true,
                    })
                    .await
                    .map(|()| session.hash)
            }
        })
        .collect();
    let mut winners = Vec::new();
    for result in race(attempts).await {
        match result {
            Ok(session) => winners.push(session),
            Err(StoreError::VersionConflict) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(winners.len(), 1);
    assert!(
        store.get_session(&winners[0]).await.unwrap().is_some(),
        "the winner's session was kept"
    );
}

pub async fn voided_and_expired_links_set_no_password(store: Arc<dyn Store>) {
    let (c, invitation, token) = invited(store.as_ref()).await;
    let account = account_for(&c, "$argon2id$x", 1, 1);
    let session = session_for(&c, 1);
    let next = accepted(&invitation);
    let late = Redemption {
        token: &token,
        now: token.expires_at + Duration::seconds(1),
        account: &account,
        previous_account: None,
        invitation: Some((&invitation, &next)),
        session: &session,
        activates: true,
    };
    assert!(
        matches!(store.redeem(&late).await, Err(StoreError::VersionConflict)),
        "expired"
    );
    let revoked_invitation = revoked(&invitation);
    store
        .update_invitation(
            &invitation,
            &revoked_invitation,
            Some((VoidReason::Revoked, Utc::now())),
        )
        .await
        .unwrap();
    let on_time = Redemption {
        now: Utc::now(),
        invitation: None,
        ..late
    };
    assert!(
        matches!(
            store.redeem(&on_time).await,
            Err(StoreError::VersionConflict)
        ),
        "revoked"
    );
    assert_eq!(
        store
            .get_account(c.tenant_id, Subject::Customer(c.id))
            .await
            .unwrap(),
        None,
        "nothing written"
    );
    assert_eq!(store.get_session(&session.hash).await.unwrap(), None);
    assert!(
        store
            .get_customer(c.tenant_id, c.id)
            .await
            .unwrap()
            .unwrap()
            .activated_at
            .is_none()
    );
}

pub async fn a_reset_link_replaces_the_password_of_an_existing_account(store: Arc<dyn Store>) {
    let (c, invitation, token) = invited(store.as_ref()).await;
    let first = account_for(&c, "$argon2id$first", 1, 1);
    let next = accepted(&invitation);
    let session = session_for(&c, 1);
    store
        .redeem(&Redemption {
            token: &token,
            now: Utc::now(),
            account: &first,
            previous_account: None,
            invitation: Some((&invitation, &next)),
            session: &session,
            activates: true,
        })
        .await
        .unwrap();
    let now = Utc::now();
    let reset = TokenRecord {
        hash: LinkToken::generate().unwrap().hash(),
        purpose: TokenPurpose::PasswordReset,
        tenant_id: c.tenant_id,
        subject: Subject::Customer(c.id),
        invitation_id: None,
        sent_to: None,
        account_epoch: None,
        created_at: now,
        expires_at: now + Duration::hours(1),
        voided: None,
        used_at: None,
    };
    store.put_token(&reset).await.unwrap();
    assert!(matches!(
        store.put_token(&reset).await,
        Err(StoreError::AlreadyExists)
    ));
    let second = account_for(&c, "$argon2id$second", 2, 2);
    let new_session = session_for(&c, 2);
    let stale = Redemption {
        token: &reset,
        now,
        account: &second,
        previous_account: Some(&second),
        invitation: None,
        session: &new_session,
        activates: false,
    };
    assert!(
        matches!(store.redeem(&stale).await, Err(StoreError::VersionConflict)),
        "the account changed meanwhile"
    );
    store
        .redeem(&Redemption {
            previous_account: Some(&first),
            ..stale
        })
        .await
        .unwrap();
    assert_eq!(
        store
            .get_account(c.tenant_id, Subject::Customer(c.id))
            .await
            .unwrap(),
        Some(second.clone())
    );

    let third = account_for(&c, "$argon2id$third", 3, 3);
    assert!(matches!(
        store.update_account(&first, &third).await,
        Err(StoreError::VersionConflict)
    ));
    store.update_account(&second, &third).await.unwrap();
    assert_eq!(
        store
            .get_account(c.tenant_id, Subject::Customer(c.id))
            .await
            .unwrap(),
        Some(third)
    );
}

pub async fn sessions_are_stored_touched_and_deleted(store: Arc<dyn Store>) {
    let (c, _, _) = invited(store.as_ref()).await;
    let session = session_for(&c, 1);
    store.put_session(&session).await.unwrap();
    assert_eq!(
        store.get_session(&session.hash).await.unwrap(),
        Some(session.clone())
    );
    let later = session.last_seen_at + Duration::minutes(30);
    store.touch_session(&session.hash, later).await.unwrap();
    assert_eq!(
        store
            .get_session(&session.hash)
            .await
            .unwrap()
            .unwrap()
            .last_seen_at,
        later
    );
    store.delete_session(&session.hash).await.unwrap();
    assert_eq!(store.get_session(&session.hash).await.unwrap(), None);
    store
        .touch_session(&session.hash, later)
        .await
        .expect("touching a gone session is harmless");
    assert_eq!(
        store.get_session(&session.hash).await.unwrap(),
        None,
        "and does not bring it back"
    );
}

pub async fn failed_attempts_are_counted_per_key_and_window(store: Arc<dyn Store>) {
    let key = format!("login-account#{}", unique_email("rate"));
    let window = Utc::now();
    let forget = window + Duration::minutes(30);
    assert_eq!(store.count(&key, window).await.unwrap(), 0);
    for expected in 1..=3 {
        assert_eq!(
            store.increment(&key, window, forget).await.unwrap(),
            expected
        );
    }
    assert_eq!(store.count(&key, window).await.unwrap(), 3);
    let next_window = window + Duration::minutes(15);
    assert_eq!(
        store.count(&key, next_window).await.unwrap(),
        0,
        "a new window starts at zero"
    );
    assert_eq!(
        store
            .count("login-address#203.0.113.9", window)
            .await
            .unwrap(),
        0,
        "keys are apart"
    );
}

/// The lockout counts an attempt before it verifies the password and lets the count decide,
/// so the count must be atomic: of 20 at once, each sees a different number.
pub async fn concurrent_increments_each_get_their_own_count_and_can_be_taken_back(
    store: Arc<dyn Store>,
) {
    let key = format!("login-account#{}", unique_email("race"));
    let window = Utc::now();
    let forget = window + Duration::minutes(30);
    // moto's UpdateItem is no more isolated than its transactions: see `race`.
    let attempts: Vec<_> = (0..20)
        .map(|_| {
            let (store, key) = (store.clone(), key.clone());
            async move { store.increment(&key, window, forget).await.unwrap() }
        })
        .collect();
    let mut counts = race(attempts).await;
    counts.sort_unstable();
    assert_eq!(counts, (1..=20).collect::<Vec<u32>>());
    assert_eq!(store.decrement(&key, window).await.unwrap(), 19);
    assert_eq!(store.count(&key, window).await.unwrap(), 19);
    assert_eq!(store.increment(&key, window, forget).await.unwrap(), 20);
    let fresh = format!("login-account#{}", unique_email("fresh"));
    assert_eq!(
        store.decrement(&fresh, window).await.unwrap(),
        0,
        "nothing to take back"
    );
    assert_eq!(store.count(&fresh, window).await.unwrap(), 0);
    assert_eq!(
        store.increment(&fresh, window, forget).await.unwrap(),
        1,
        "and no debt left behind"
    );
    assert_eq!(store.decrement(&fresh, window).await.unwrap(), 0);
    assert_eq!(
        store.decrement(&fresh, window).await.unwrap(),
        0,
        "never below zero"
    );
    assert_eq!(store.increment(&fresh, window, forget).await.unwrap(), 1);
}

pub async fn an_agency_is_found_by_its_portal_address_which_is_its_own(store: Arc<dyn Store>) {
    let t = saved_tenant(store.as_ref(), "Webagentur Berg").await;
    let host = t.portal_base_url.host().to_owned();
    assert_eq!(
        store.find_tenant_by_host(&host).await.unwrap(),
        Some(t.clone())
    );
    assert_eq!(
        store
            .find_tenant_by_host(&host.to_uppercase())
            .await
            .unwrap(),
        Some(t.clone()),
        "hosts ignore case"
    );
    assert_eq!(
        store.find_tenant_by_host("nobody.example").await.unwrap(),
        None
    );
    let mut copycat = tenant("Copycat");
    copycat.portal_base_url = t.portal_base_url.clone();
    assert!(matches!(
        store.create_tenant(&copycat).await,
        Err(StoreError::HostTaken)
    ));
    assert_eq!(
        store.get_tenant(copycat.id).await.unwrap(),
        None,
        "nothing half-written"
    );
}

/// A staff user of `tenant` with an open invitation, not yet stored, and its link's token.
fn staff_member(tenant: TenantId, email: &str) -> (StaffMember, TokenRecord) {
    let now = Utc::now();
    let token = LinkToken::generate().unwrap();
    let mut member = StaffMember {
        id: StaffId::new(),
        tenant_id: tenant,
        name: "Jonas Berg".into(),
        email: portal::domain::Email::parse(email).unwrap(),
        language: Language::De,
        created_at: now,
        created_by: Actor::System,
        invitation: Some(StaffInvitation {
            token_hash: token.hash(),
            sent_at: now,
            expires_at: now + Duration::days(7),
            by: Actor::System,
        }),
        activated_at: None,
        last_login_at: None,
        updated_at: now,
        version: 1,
    };
    let record = member.invitation_token().unwrap();
    member.updated_at = now;
    (member, record)
}

fn staff_account(m: &StaffMember, epoch: u64, version: u64) -> (Account, SessionRecord) {
    let now = Utc::now();
    let account = Account {
        tenant_id: m.tenant_id,
        subject: m.subject(),
        password_hash: "$argon2id$staff".into(),
        password_changed_at: now,
        session_epoch: epoch,
        created_at: now,
        version,
    };
    let session = SessionRecord {
        hash: LinkToken::generate().unwrap().hash(),
        tenant_id: m.tenant_id,
        subject: m.subject(),
        epoch,
        csrf: "csrf".into(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + Duration::days(7),
    };
    (account, session)
}

pub async fn staff_users_share_the_login_namespace_with_customers(store: Arc<dyn Store>) {
    let t = saved_tenant(store.as_ref(), "Staff").await;
    let other = saved_tenant(store.as_ref(), "Other").await;
    let email = unique_email("staff");
    let (member, token) = staff_member(t.id, &email);
    store.create_staff(&member, &token).await.unwrap();
    assert_eq!(
        store.get_staff(t.id, member.id).await.unwrap(),
        Some(member.clone())
    );
    assert_eq!(store.list_staff(t.id).await.unwrap(), vec![member.clone()]);
    assert!(store.list_staff(other.id).await.unwrap().is_empty());
    assert_eq!(store.get_staff(other.id, member.id).await.unwrap(), None);
    let owner = store.find_login(&member.email).await.unwrap().unwrap();
    assert_eq!((owner.tenant_id, owner.subject), (t.id, member.subject()));
    assert_eq!(
        store.find_token(&token.hash).await.unwrap(),
        Some(token.clone())
    );

    // A customer can't take a staff user's login email, in any tenant or letter case.
    let c = customer(
        other.id,
        json!({"companyName": "X", "loginEmail": email.to_uppercase()}),
    );
    assert!(matches!(
        store.create_customer(&c).await,
        Err(StoreError::LoginEmailTaken)
    ));
    // Nor a staff user a customer's; and then nothing is written.
    let customer_email = unique_email("customer");
    let c = customer(
        t.id,
        json!({"companyName": "Y", "loginEmail": customer_email}),
    );
    store.create_customer(&c).await.unwrap();
    let (second, second_token) = staff_member(other.id, &customer_email.to_uppercase());
    assert!(matches!(
        store.create_staff(&second, &second_token).await,
        Err(StoreError::LoginEmailTaken)
    ));
    assert_eq!(store.get_staff(other.id, second.id).await.unwrap(), None);
    assert_eq!(store.find_token(&second_token.hash).await.unwrap(), None);
    let (twin, twin_token) = staff_member(t.id, &email);
    assert!(matches!(
        store.create_staff(&twin, &twin_token).await,
        Err(StoreError::LoginEmailTaken)
    ));
    assert_eq!(store.list_staff(t.id).await.unwrap().len(), 1);
}

pub async fn a_staff_invitation_sets_the_password_and_activates_the_staff_user(
    store: Arc<dyn Store>,
) {
    let t = saved_tenant(store.as_ref(), "Staff").await;
    let (member, token) = staff_member(t.id, &unique_email("staff"));
    store.create_staff(&member, &token).await.unwrap();
    let (account, session) = staff_account(&member, 1, 1);
    let now = Utc::now();
    let redemption = Redemption {
        token: &token,
        now,
        account: &account,
        previous_account: None,
        invitation: None,
        session: &session,
        activates: true,
    };
    store.redeem(&redemption).await.unwrap();
    assert_eq!(
        store.get_account(t.id, member.subject()).await.unwrap(),
        Some(account.clone())
    );
    assert_eq!(
        store
            .get_account(t.id, Subject::Customer(portal::domain::CustomerId::new()))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store.get_session(&session.hash).await.unwrap(),
        Some(session.clone())
    );
    let active = store.get_staff(t.id, member.id).await.unwrap().unwrap();
    assert!(active.activated_at.is_some());
    assert_eq!(active.version, member.version + 1, "the version moved");
    assert_eq!(
        store
            .find_token(&token.hash)
            .await
            .unwrap()
            .unwrap()
            .status_at(now),
        LinkStatus::Used
    );
    assert!(
        matches!(
            store.update_staff(&member, &member, None).await,
            Err(StoreError::VersionConflict)
        ),
        "an edit from before the activation can't undo it"
    );
    store
        .record_login(t.id, member.subject(), now)
        .await
        .unwrap();
    let logged_in = store.get_staff(t.id, member.id).await.unwrap().unwrap();
    assert!(logged_in.last_login_at.is_some());
    assert_eq!(logged_in.version, active.version + 1);
}

pub async fn a_new_staff_invitation_voids_the_old_link_and_stale_updates_lose(
    store: Arc<dyn Store>,
) {
    let t = saved_tenant(store.as_ref(), "Staff").await;
    let (member, first) = staff_member(t.id, &unique_email("staff"));
    store.create_staff(&member, &first).await.unwrap();
    let (fresh, second) = staff_member(t.id, member.email.as_str());
    let next = StaffMember {
        invitation: fresh.invitation.clone(),
        version: member.version + 1,
        ..member.clone()
    };
    let second = TokenRecord {
        subject: member.subject(),
        ..second
    };
    store
        .update_staff(&member, &next, Some(&second))
        .await
        .unwrap();
    let now = Utc::now();
    assert_eq!(
        store
            .find_token(&first.hash)
            .await
            .unwrap()
            .unwrap()
            .status_at(now),
        LinkStatus::Superseded
    );
    assert_eq!(
        store
            .find_token(&second.hash)
            .await
            .unwrap()
            .unwrap()
            .status_at(now),
        LinkStatus::Valid
    );
    assert_eq!(
        store.get_staff(t.id, member.id).await.unwrap(),
        Some(next.clone())
    );
    let (_, third) = staff_member(t.id, member.email.as_str());
    assert!(matches!(
        store.update_staff(&member, &next, Some(&third)).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(
        store.find_token(&third.hash).await.unwrap(),
        None,
        "nothing written"
    );
    assert_eq!(
        store
            .find_token(&second.hash)
            .await
            .unwrap()
            .unwrap()
            .status_at(now),
        LinkStatus::Valid
    );
}

pub async fn removing_a_staff_user_ends_the_account_and_frees_the_email(store: Arc<dyn Store>) {
    let t = saved_tenant(store.as_ref(), "Staff").await;
    let (active, token) = staff_member(t.id, &unique_email("staff"));
    store.create_staff(&active, &token).await.unwrap();
    let (account, session) = staff_account(&active, 1, 1);
    store
        .redeem(&Redemption {
            token: &token,
            now: Utc::now(),
            account: &account,
            previous_account: None,
            invitation: None,
            session: &session,
            activates: true,
        })
        .await
        .unwrap();
    assert!(
        matches!(
            store.delete_staff(&active, Utc::now()).await,
            Err(StoreError::VersionConflict)
        ),
        "deleting from a stale read"
    );
    assert!(
        store
            .get_account(t.id, active.subject())
            .await
            .unwrap()
            .is_some()
    );
    let current = store.get_staff(t.id, active.id).await.unwrap().unwrap();
    store.delete_staff(&current, Utc::now()).await.unwrap();
    assert_eq!(store.get_staff(t.id, active.id).await.unwrap(), None);
    assert_eq!(
        store.get_account(t.id, active.subject()).await.unwrap(),
        None
    );
    assert_eq!(store.find_login(&active.email).await.unwrap(), None);
    let c = customer(
        t.id,
        json!({"companyName": "Z", "loginEmail": active.email.as_str()}),
    );
    store
        .create_customer(&c)
        .await
        .expect("the email is free again");

    let (invited, link) = staff_member(t.id, &unique_email("invited"));
    store.create_staff(&invited, &link).await.unwrap();
    let at = Utc::now();
    store.delete_staff(&invited, at).await.unwrap();
    assert_eq!(
        store
            .find_token(&link.hash)
            .await
            .unwrap()
            .unwrap()
            .status_at(at),
        LinkStatus::Revoked,
        "the open invitation stops working"
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

/// A customer who set their password with an invitation (account at epoch 1), and a
/// reset link sent to their login email at that epoch.
async fn active_with_reset_link(store: &dyn Store) -> (Customer, Account, TokenRecord) {
    let (c, invitation, token) = invited(store).await;
    let account = account_for(&c, "$argon2id$first", 1, 1);
    store
        .redeem(&Redemption {
            token: &token,
            now: Utc::now(),
            account: &account,
            previous_account: None,
            invitation: Some((&invitation, &accepted(&invitation))),
            session: &session_for(&c, 1),
            activates: true,
        })
        .await
        .unwrap();
    let c = store
        .get_customer(c.tenant_id, c.id)
        .await
        .unwrap()
        .unwrap();
    let reset = reset_link(&c, &account);
    store.put_token(&reset).await.unwrap();
    (c, account, reset)
}

fn reset_link(c: &Customer, account: &Account) -> TokenRecord {
    let now = Utc::now();
    TokenRecord::for_reset(
        LinkToken::generate().unwrap().hash(),
        c.tenant_id,
        Subject::Customer(c.id),
        c.login_email.as_ref().unwrap(),
        account.session_epoch,
        now,
        now + Duration::hours(1),
    )
}

/// Tries to set a new password for `c` with `token` over `account` (as read now).
async fn try_reset(
    store: &dyn Store,
    c: &Customer,
    token: &TokenRecord,
    account: &Account,
) -> Result<(), StoreError> {
    let next = account_for(
        c,
        "$argon2id$attacker",
        account.session_epoch + 1,
        account.version + 1,
    );
    store
        .redeem(&Redemption {
            token,
            now: Utc::now(),
            account: &next,
            previous_account: Some(account),
            invitation: None,
            session: &session_for(c, account.session_epoch + 1),
            activates: false,
        })
        .await
}

pub async fn a_new_login_email_voids_open_invitations_and_reset_links_at_once(
    store: Arc<dyn Store>,
) {
    let (c, account, reset) = active_with_reset_link(store.as_ref()).await;
    let (open, open_token) = invitation_of(&c, &LinkToken::generate().unwrap());
    store
        .issue_invitation(&c, &open, &open_token, &[])
        .await
        .unwrap();
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

pub async fn a_link_sets_no_password_once_its_address_stopped_being_the_login_email(
    store: Arc<dyn Store>,
) {
    // The invitation is issued after the change read the open ones (a race): the change does
    // not void it, but the redemption's own condition refuses it.
    let (c, invitation, token) = invited(store.as_ref()).await;
    let moved = change(&c, json!({"loginEmail": unique_email("right")}));
    let missed = portal::ports::LinkVoids {
        reason: Some((VoidReason::LoginEmailChanged, Utc::now())),
        ..Default::default()
    };
    store.update_customer(&c, &moved, &missed).await.unwrap();
    let account = account_for(&c, "$argon2id$attacker", 1, 1);
    assert!(matches!(
        store
            .redeem(&Redemption {
                token: &token,
                now: Utc::now(),
                account: &account,
                previous_account: None,
                invitation: Some((&invitation, &accepted(&invitation))),
                session: &session_for(&c, 1),
                activates: true,
            })
            .await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(
        store
            .get_account(c.tenant_id, Subject::Customer(c.id))
            .await
            .unwrap(),
        None
    );
    assert!(
        store
            .get_customer(c.tenant_id, c.id)
            .await
            .unwrap()
            .unwrap()
            .activated_at
            .is_none()
    );

    // Cleared: the same.
    let (c, invitation, token) = invited(store.as_ref()).await;
    let cleared = change(&c, json!({"loginEmail": null}));
    store.update_customer(&c, &cleared, &missed).await.unwrap();
    assert!(matches!(
        store
            .redeem(&Redemption {
                token: &token,
                now: Utc::now(),
                account: &account_for(&c, "$argon2id$attacker", 1, 1),
                previous_account: None,
                invitation: Some((&invitation, &accepted(&invitation))),
                session: &session_for(&c, 1),
                activates: true,
            })
            .await,
        Err(StoreError::VersionConflict)
    ));
}

pub async fn a_set_change_or_reset_of_the_password_voids_earlier_reset_links(
    store: Arc<dyn Store>,
) {
    let (c, account, first) = active_with_reset_link(store.as_ref()).await;
    let second = reset_link(&c, &account);
    store.put_token(&second).await.unwrap();
    try_reset(store.as_ref(), &c, &first, &account)
        .await
        .expect("the first reset link works");
    let after_reset = store
        .get_account(c.tenant_id, Subject::Customer(c.id))
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(
            try_reset(store.as_ref(), &c, &second, &after_reset).await,
            Err(StoreError::VersionConflict)
        ),
        "the other reset link died with the reset"
    );

    // A password change (a new epoch) voids a reset link sent before it.
    let third = reset_link(&c, &after_reset);
    store.put_token(&third).await.unwrap();
    let changed = Account {
        password_hash: "$argon2id$changed".into(),
        session_epoch: after_reset.session_epoch + 1,
        version: after_reset.version + 1,
        ..after_reset.clone()
    };
    store.update_account(&after_reset, &changed).await.unwrap();
    assert!(matches!(
        try_reset(store.as_ref(), &c, &third, &changed).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(
        store
            .get_account(c.tenant_id, Subject::Customer(c.id))
            .await
            .unwrap(),
        Some(changed.clone())
    );
    // A link sent at the current epoch still works.
    let fourth = reset_link(&c, &changed);
    store.put_token(&fourth).await.unwrap();
    try_reset(store.as_ref(), &c, &fourth, &changed)
        .await
        .expect("a link from after the change works");
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

pub async fn removing_a_staff_user_voids_their_reset_links(store: Arc<dyn Store>) {
    let t = saved_tenant(store.as_ref(), "A").await;
    let (member, invitation) = staff_member(t.id, &unique_email("staff"));
    store.create_staff(&member, &invitation).await.unwrap();
    let account = Account {
        tenant_id: t.id,
        subject: member.subject(),
        password_hash: "$argon2id$staff".into(),
        password_changed_at: Utc::now(),
        session_epoch: 1,
        created_at: Utc::now(),
        version: 1,
    };
    let session = SessionRecord {
        subject: member.subject(),
        tenant_id: t.id,
        ..session_for(&customer(t.id, json!({"companyName": "x"})), 1)
    };
    store
        .redeem(&Redemption {
            token: &invitation,
            now: Utc::now(),
            account: &account,
            previous_account: None,
            invitation: None,
            session: &session,
            activates: true,
        })
        .await
        .expect("the staff invitation is bound to the staff user's email and works");
    let member = store.get_staff(t.id, member.id).await.unwrap().unwrap();
    let now = Utc::now();
    let reset = TokenRecord::for_reset(
        LinkToken::generate().unwrap().hash(),
        t.id,
        member.subject(),
        &member.email,
        account.session_epoch,
        now,
        now + Duration::hours(1),
    );
    store.put_token(&reset).await.unwrap();
    store.delete_staff(&member, now).await.unwrap();
    let next = Account {
        session_epoch: 2,
        version: 2,
        ..account.clone()
    };
    assert!(matches!(
        store
            .redeem(&Redemption {
                token: &reset,
                now: Utc::now(),
                account: &next,
                previous_account: Some(&account),
                invitation: None,
                session: &SessionRecord {
                    epoch: 2,
                    hash: LinkToken::generate().unwrap().hash(),
                    ..session.clone()
                },
                activates: false,
            })
            .await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(
        store.get_account(t.id, member.subject()).await.unwrap(),
        None,
        "the removed staff user's account stays gone"
    );
}

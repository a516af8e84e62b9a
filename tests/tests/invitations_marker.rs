//! Customers stored before the marker of open invitations (`INVOPEN`) have none: their open
//! invitations are found by listing them, once, and the send that follows writes the marker.
//! No migration step. Run on both engines: the embedded one, and DynamoDB on moto.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use async_trait::async_trait;

use chrono::{Duration, Utc};
use portal::{
    aws::dynamodb_items::DynamoDbItems,
    domain::{
        Actor, Channel, Customer, EventKind, Invitation, InvitationEvent, InvitationId,
        InvitationState, Language, LinkToken, PortalArea, TokenRecord, VoidReason,
    },
    embedded::sqlite_items::SqliteItems,
    items::{self, Item, ItemTable, Key, Keys, Query, QueryPage, TableError, Write},
    ports::{CustomerStore, InvitationStore, OpenInvitation},
    store::ItemStore,
};
use portal_tests::{
    contract::issue,
    fixtures::{customer, unique_email},
};
use serde_json::json;

fn invitation(c: &Customer, state: InvitationState) -> (Invitation, TokenRecord) {
    let now = Utc::now();
    let invitation = Invitation {
        id: InvitationId::new(),
        tenant_id: c.tenant_id,
        customer_id: c.id,
        channels: vec![Channel::Email],
        area: PortalArea::Start,
        note: None,
        language: Language::En,
        state,
        token_hash: LinkToken::generate().unwrap().hash(),
        recipient: None,
        created_at: now,
        expires_at: now + Duration::days(7),
        created_by: Actor::System,
        history: vec![InvitationEvent {
            at: now,
            event: EventKind::Created,
            channel: None,
            detail: None,
            by: Actor::System,
        }],
        version: 2,
    };
    let token = TokenRecord::for_invitation(&invitation);
    (invitation, token)
}

/// A customer as an older release stored it, with the given invitations and their tokens,
/// and no marker: the items written directly, by the keys the README documents.
async fn old_customer(
    table: &dyn ItemTable,
    invitations: &[(Invitation, TokenRecord)],
) -> Customer {
    let tenant = portal::domain::TenantId::new();
    let c = customer(
        tenant,
        json!({"companyName": "Old GmbH", "loginEmail": unique_email("old")}),
    );
    let mut writes = vec![Write::put(
        items::item(
            &c,
            &Keys::new(format!("TENANT#{tenant}"), format!("CUSTOMER#{}", c.id)),
        )
        .unwrap(),
    )];
    for (i, token) in invitations {
        let mut i = i.clone();
        (i.tenant_id, i.customer_id) = (tenant, c.id);
        let pk = format!("TENANT#{tenant}#CUSTOMER#{}", c.id);
        writes.push(Write::put(
            items::item(&i, &Keys::new(pk, format!("INVITATION#{}", i.id))).unwrap(),
        ));
        let mut token = token.clone();
        token.tenant_id = tenant;
        token.subject = portal::domain::Subject::Customer(c.id);
        writes.push(Write::put(
            items::item(
                &token,
                &Keys::new(format!("TOKEN#{}", token.hash.as_str()), "TOKEN"),
            )
            .unwrap(),
        ));
    }
    table.transact(writes).await.unwrap();
    c
}

fn of(c: &Customer, (i, t): &(Invitation, TokenRecord)) -> (Invitation, TokenRecord) {
    let mut i = i.clone();
    (i.tenant_id, i.customer_id) = (c.tenant_id, c.id);
    let mut t = t.clone();
    t.tenant_id = c.tenant_id;
    t.subject = portal::domain::Subject::Customer(c.id);
    (i, t)
}

async fn without_a_marker_the_invitations_are_listed_once(table: Arc<dyn ItemTable>) {
    let store = ItemStore::new(table.clone());
    let placeholder = customer(portal::domain::TenantId::new(), json!({"companyName": "x"}));
    let sent = invitation(&placeholder, InvitationState::Sent);
    let closed = invitation(&placeholder, InvitationState::Revoked);
    let c = old_customer(table.as_ref(), &[sent.clone(), closed]).await;
    let (sent, sent_token) = of(&c, &sent);

    let open = store.open_invitations(c.tenant_id, c.id).await.unwrap();
    assert_eq!(open.invitations, vec![OpenInvitation::of(&sent)]);
    assert_eq!(open.version, None, "no marker yet");

    let (newer, newer_token) = invitation(&c, InvitationState::Pending);
    issue(&store, &c, &newer, &newer_token).await.unwrap();
    let stored = store
        .get_invitation(c.tenant_id, c.id, sent.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, InvitationState::Revoked, "superseded");
    assert_eq!(
        stored.history.last().map(|e| e.event),
        Some(EventKind::Superseded)
    );
    assert_eq!(stored.version, sent.version + 1);
    let token = store.find_token(&sent_token.hash).await.unwrap().unwrap();
    assert_eq!(token.voided.map(|v| v.reason), Some(VoidReason::Superseded));

    let open = store.open_invitations(c.tenant_id, c.id).await.unwrap();
    assert_eq!(open.invitations, vec![OpenInvitation::of(&newer)]);
    assert_eq!(open.version, Some(1), "the send wrote the marker");
}

/// An old customer's invitation closed before any send leaves a marker that is not complete:
/// it still sends the next send to the list, and that send's condition is its version.
async fn a_close_before_the_first_send_leaves_the_list_in_charge(table: Arc<dyn ItemTable>) {
    let store = ItemStore::new(table.clone());
    let placeholder = customer(portal::domain::TenantId::new(), json!({"companyName": "x"}));
    let first = invitation(&placeholder, InvitationState::Sent);
    let second = invitation(&placeholder, InvitationState::Sent);
    let c = old_customer(table.as_ref(), &[first.clone(), second.clone()]).await;
    let ((first, _), (second, _)) = (of(&c, &first), of(&c, &second));

    let revoked = first.with_event(
        InvitationEvent {
            at: Utc::now(),
            event: EventKind::Revoked,
            channel: None,
            detail: None,
            by: Actor::System,
        },
        InvitationState::Revoked,
    );
    store
        .update_invitation(&first, &revoked, Some((VoidReason::Revoked, Utc::now())))
        .await
        .unwrap();
    let open = store.open_invitations(c.tenant_id, c.id).await.unwrap();
    assert_eq!(
        open.invitations,
        vec![OpenInvitation::of(&second)],
        "the other one, found by the list"
    );
    assert_eq!(open.version, Some(1));

    let (newer, newer_token) = invitation(&c, InvitationState::Pending);
    store
        .issue_invitation(
            &c,
            &newer,
            &newer_token,
            &portal::ports::OpenInvitations {
                invitations: Vec::new(),
                version: None,
                listed: None,
            },
            &Invitation::superseded_event(newer.id, Actor::System, newer.created_at),
        )
        .await
        .expect_err("a send that read no marker where one now is loses");
    issue(&store, &c, &newer, &newer_token).await.unwrap();
    let open = store.open_invitations(c.tenant_id, c.id).await.unwrap();
    assert_eq!(open.invitations, vec![OpenInvitation::of(&newer)]);
    assert_eq!(open.version, Some(2));
}

/// A release from before the marker accepts an invitation the marker names (during a
/// rollout, or after a rollback and forth): the marker is stale. The next send must not
/// revoke the accepted invitation nor void its used token, and must not fail for it.
async fn a_stale_marker_neither_undoes_an_acceptance_nor_blocks_a_send(table: Arc<dyn ItemTable>) {
    let store = ItemStore::new(table.clone());
    let c = old_customer(table.as_ref(), &[]).await;
    let (first, first_token) = invitation(&c, InvitationState::Pending);
    let login = c.login_email.clone().unwrap();
    let first_token = first_token.sent_to(&login);
    issue(&store, &c, &first, &first_token).await.unwrap();

    // The old release's acceptance, written directly: the invitation and its token only.
    let now = Utc::now();
    let accepted = first.with_event(
        InvitationEvent {
            at: now,
            event: EventKind::Accepted,
            channel: None,
            detail: None,
            by: Actor::Customer,
        },
        InvitationState::Accepted,
    );
    let used = TokenRecord {
        used_at: Some(now),
        ..first_token.clone()
    };
    let pk = format!("TENANT#{}#CUSTOMER#{}", c.tenant_id, c.id);
    table
        .transact(vec![
            Write::put(
                items::item(
                    &accepted,
                    &Keys::new(pk, format!("INVITATION#{}", first.id)),
                )
                .unwrap(),
            ),
            Write::put(
                items::item(
                    &used,
                    &Keys::new(format!("TOKEN#{}", used.hash.as_str()), "TOKEN"),
                )
                .unwrap(),
            ),
        ])
        .await
        .unwrap();

    let (newer, newer_token) = invitation(&c, InvitationState::Pending);
    issue(&store, &c, &newer, &newer_token)
        .await
        .expect("a stale marker does not block the send");

    let stored = store
        .get_invitation(c.tenant_id, c.id, first.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.state, InvitationState::Accepted);
    assert_eq!(stored.history, accepted.history);
    let token = store.find_token(&first_token.hash).await.unwrap().unwrap();
    assert_eq!(token.voided, None);
    assert_eq!(token.used_at.map(|t| t.timestamp()), Some(now.timestamp()));
    assert_eq!(token.sent_to, Some(login));
    let open = store.open_invitations(c.tenant_id, c.id).await.unwrap();
    assert_eq!(open.invitations, vec![OpenInvitation::of(&newer)]);
}

/// Deleting a customer, one with a marker or one from before it, leaves no marker behind.
async fn a_deleted_customer_leaves_no_marker(table: Arc<dyn ItemTable>) {
    let store = ItemStore::new(table.clone());
    let marker = |c: &Customer| {
        Key::new(
            format!("TENANT#{}#CUSTOMER#{}", c.tenant_id, c.id),
            "INVOPEN",
        )
    };
    let mut invited = Vec::new();
    for name in ["marked", "unmarked"] {
        let c = customer(
            portal::domain::TenantId::new(),
            json!({"companyName": name, "loginEmail": unique_email(name)}),
        );
        store.create_customer(&c).await.unwrap();
        let (i, token) = invitation(&c, InvitationState::Pending);
        issue(&store, &c, &i, &token).await.unwrap();
        invited.push(c);
    }
    // As a customer from before the marker: an open invitation, no marker.
    table
        .write(Write::delete(marker(&invited[1])))
        .await
        .unwrap();

    for c in invited {
        let voiding = portal::links::voids_for(&store, &store, &c, None, Actor::System, Utc::now())
            .await
            .unwrap();
        store
            .delete_customer(&c, &voiding.as_voids())
            .await
            .unwrap();
        assert_eq!(table.get(&marker(&c), true).await.unwrap(), None);
    }
}

/// A table that counts the queries made through it (a listing of invitations is one).
struct Counting {
    inner: Arc<dyn ItemTable>,
    queries: AtomicUsize,
}

impl Counting {
    fn queries(&self) -> usize {
        self.queries.swap(0, Ordering::SeqCst)
    }
}

#[async_trait]
impl ItemTable for Counting {
    async fn get(&self, key: &Key, consistent: bool) -> Result<Option<Item>, TableError> {
        self.inner.get(key, consistent).await
    }

    async fn get_many(&self, keys: &[Key]) -> Result<Vec<Item>, TableError> {
        self.inner.get_many(keys).await
    }

    async fn query(&self, query: &Query) -> Result<QueryPage, TableError> {
        self.queries.fetch_add(1, Ordering::SeqCst);
        self.inner.query(query).await
    }

    async fn write(&self, write: Write) -> Result<Option<Item>, TableError> {
        self.inner.write(write).await
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), TableError> {
        self.inner.transact(writes).await
    }
}

/// What a change of a customer voids is found with one listing of their invitations, marker
/// or not: without a complete one, the listing that found the open ones serves the voids too.
async fn the_voids_of_a_change_list_the_invitations_once(table: Arc<dyn ItemTable>) {
    let counting = Arc::new(Counting {
        inner: table.clone(),
        queries: AtomicUsize::new(0),
    });
    let store = ItemStore::new(counting.clone());
    let placeholder = customer(portal::domain::TenantId::new(), json!({"companyName": "x"}));
    let sent = invitation(&placeholder, InvitationState::Sent);
    let c = old_customer(table.as_ref(), std::slice::from_ref(&sent)).await;
    let (sent, _) = of(&c, &sent);

    let open = store.open_invitations(c.tenant_id, c.id).await.unwrap();
    assert_eq!(
        open.listed,
        Some(vec![sent.clone()]),
        "the list, handed back"
    );
    counting.queries();
    let voiding = portal::links::voids_for(&store, &store, &c, None, Actor::System, Utc::now())
        .await
        .unwrap();
    assert_eq!(counting.queries(), 1, "without a marker");
    assert_eq!(
        voiding
            .as_voids()
            .invitations
            .iter()
            .map(|(i, _)| i.id)
            .collect::<Vec<_>>(),
        vec![sent.id],
        "the open invitation is voided"
    );

    let (newer, newer_token) = invitation(&c, InvitationState::Pending);
    issue(&store, &c, &newer, &newer_token).await.unwrap();
    let open = store.open_invitations(c.tenant_id, c.id).await.unwrap();
    assert_eq!(open.listed, None, "the marker named them");
    counting.queries();
    let voiding = portal::links::voids_for(&store, &store, &c, None, Actor::System, Utc::now())
        .await
        .unwrap();
    assert_eq!(counting.queries(), 1, "with the marker");
    assert_eq!(
        voiding
            .as_voids()
            .invitations
            .iter()
            .map(|(i, _)| i.id)
            .collect::<Vec<_>>(),
        vec![newer.id]
    );
}

fn sqlite() -> Arc<dyn ItemTable> {
    Arc::new(SqliteItems::in_memory().unwrap())
}

async fn dynamodb() -> Arc<dyn ItemTable> {
    let (client, table) = portal_tests::moto::fresh_table().await;
    Arc::new(DynamoDbItems::new(client, table))
}

#[tokio::test]
async fn embedded_without_a_marker_the_invitations_are_listed_once() {
    without_a_marker_the_invitations_are_listed_once(sqlite()).await;
}

#[tokio::test]
async fn embedded_a_close_before_the_first_send_leaves_the_list_in_charge() {
    a_close_before_the_first_send_leaves_the_list_in_charge(sqlite()).await;
}

#[tokio::test]
async fn dynamodb_without_a_marker_the_invitations_are_listed_once() {
    without_a_marker_the_invitations_are_listed_once(dynamodb().await).await;
}

#[tokio::test]
async fn dynamodb_a_close_before_the_first_send_leaves_the_list_in_charge() {
    a_close_before_the_first_send_leaves_the_list_in_charge(dynamodb().await).await;
}

#[tokio::test]
async fn embedded_a_stale_marker_neither_undoes_an_acceptance_nor_blocks_a_send() {
    a_stale_marker_neither_undoes_an_acceptance_nor_blocks_a_send(sqlite()).await;
}

#[tokio::test]
async fn dynamodb_a_stale_marker_neither_undoes_an_acceptance_nor_blocks_a_send() {
    a_stale_marker_neither_undoes_an_acceptance_nor_blocks_a_send(dynamodb().await).await;
}

#[tokio::test]
async fn embedded_a_deleted_customer_leaves_no_marker() {
    a_deleted_customer_leaves_no_marker(sqlite()).await;
}

#[tokio::test]
async fn dynamodb_a_deleted_customer_leaves_no_marker() {
    a_deleted_customer_leaves_no_marker(dynamodb().await).await;
}

#[tokio::test]
async fn embedded_the_voids_of_a_change_list_the_invitations_once() {
    the_voids_of_a_change_list_the_invitations_once(sqlite()).await;
}

#[tokio::test]
async fn dynamodb_the_voids_of_a_change_list_the_invitations_once() {
    the_voids_of_a_change_list_the_invitations_once(dynamodb().await).await;
}

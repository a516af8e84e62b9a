//! Customer invitations: issued with their token, superseded, revoked, and refused for a
//! changed customer.

use std::sync::Arc;

use chrono::Utc;
use portal::{
    domain::{
        Actor, Channel, EventKind, InvitationEvent, InvitationState, LinkStatus, LinkToken,
        VoidReason,
    },
    ports::{CustomerStore, InvitationStore, Store, StoreError, TenantStore},
};
use serde_json::json;

use super::{change, invitation_of, revoked, saved_tenant, update};
use crate::fixtures::{customer, unique_email};

pub async fn issuing_an_invitation_stores_it_with_its_token_and_voids_open_ones<S>(store: Arc<S>)
where
    S: TenantStore + CustomerStore + InvitationStore + ?Sized,
{
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

pub async fn revoking_deletes_the_token_and_stale_updates_lose<S>(store: Arc<S>)
where
    S: TenantStore + CustomerStore + InvitationStore + ?Sized,
{
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
    let status = |store: Arc<S>| {
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

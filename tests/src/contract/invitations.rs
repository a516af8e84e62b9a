//! Customer invitations: issued with their token, superseded, revoked, and refused for a
//! changed customer.

use std::sync::Arc;

use chrono::Utc;
use portal::{
    domain::{
        Actor, Channel, CustomerId, EventKind, InvitationEvent, InvitationState, LinkStatus,
        LinkToken, TenantId, VoidReason,
    },
    ports::{
        CustomerStore, InvitationStore, OpenInvitation, Redemption, Store, StoreError, TenantStore,
    },
};
use serde_json::json;

use super::{
    accepted, account_for, change, invitation_of, issue, race, revoked, saved_tenant, session_for,
    superseded_by, update,
};
use crate::fixtures::{customer, unique_email};

/// The customer's open invitations as the store reads them now.
async fn open_now<S: InvitationStore + ?Sized>(
    store: &S,
    t: TenantId,
    c: CustomerId,
) -> Vec<OpenInvitation> {
    store.open_invitations(t, c).await.unwrap().invitations
}

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
    issue(store.as_ref(), &c, &first, &first_record)
        .await
        .unwrap();
    assert_eq!(
        store.get_invitation(t.id, c.id, first.id).await.unwrap(),
        Some(first.clone())
    );
    assert_eq!(
        open_now(store.as_ref(), t.id, c.id).await,
        vec![OpenInvitation::of(&first)]
    );
    assert_eq!(
        store.find_token(&first_token.hash()).await.unwrap(),
        Some(first_record)
    );

    tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    let second_token = LinkToken::generate().unwrap();
    let (second, second_record) = invitation_of(&c, &second_token);
    let voided = first.with_event(superseded_by(&second), InvitationState::Revoked);
    issue(store.as_ref(), &c, &second, &second_record)
        .await
        .unwrap();
    assert_eq!(
        open_now(store.as_ref(), t.id, c.id).await,
        vec![OpenInvitation::of(&second)],
        "the new one alone is open"
    );
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
        issue(store.as_ref(), &c, &invitation, &record).await,
        Err(StoreError::VersionConflict)
    ));
    assert_eq!(store.find_token(&token.hash()).await.unwrap(), None);
    assert!(store.list_invitations(t.id, c.id).await.unwrap().is_empty());

    issue(store.as_ref(), &changed, &invitation, &record)
        .await
        .unwrap();
    let stale = store.open_invitations(t.id, c.id).await.unwrap();
    let (later, later_record) = invitation_of(&changed, &LinkToken::generate().unwrap());
    store
        .issue_invitation(
            &changed,
            &later,
            &later_record,
            &stale,
            &superseded_by(&later),
        )
        .await
        .unwrap();
    let (third, third_record) = invitation_of(&changed, &LinkToken::generate().unwrap());
    assert!(
        matches!(
            store
                .issue_invitation(
                    &changed,
                    &third,
                    &third_record,
                    &stale,
                    &superseded_by(&third)
                )
                .await,
            Err(StoreError::VersionConflict)
        ),
        "issuing over open invitations that changed meanwhile fails"
    );
    assert_eq!(
        store.get_invitation(t.id, c.id, third.id).await.unwrap(),
        None
    );
    assert_eq!(store.find_token(&third_record.hash).await.unwrap(), None);
}

/// Two sends to a customer with nothing open read the same (nothing) at once: one invitation
/// is stored, the other send loses and must read again (and then supersede the first).
pub async fn two_issues_over_one_read_let_exactly_one_win<S>(store: Arc<S>)
where
    S: TenantStore + CustomerStore + InvitationStore + ?Sized + 'static,
{
    let t = saved_tenant(store.as_ref(), "A").await;
    let c = customer(
        t.id,
        json!({"companyName": "A", "loginEmail": unique_email("twice")}),
    );
    store.create_customer(&c).await.unwrap();
    let read = store.open_invitations(t.id, c.id).await.unwrap();
    assert!(read.invitations.is_empty());
    let attempts: Vec<_> = (0..2)
        .map(|_| {
            let (store, c, read) = (store.clone(), c.clone(), read.clone());
            let (invitation, record) = invitation_of(&c, &LinkToken::generate().unwrap());
            async move {
                let result = store
                    .issue_invitation(&c, &invitation, &record, &read, &superseded_by(&invitation))
                    .await;
                (result, invitation)
            }
        })
        .collect();
    let results = race(attempts).await;
    let won: Vec<_> = results.iter().filter(|(r, _)| r.is_ok()).collect();
    assert_eq!(won.len(), 1, "{results:?}");
    assert!(
        results
            .iter()
            .any(|(r, _)| matches!(r, Err(StoreError::VersionConflict)))
    );
    assert_eq!(
        store.list_invitations(t.id, c.id).await.unwrap().len(),
        1,
        "the loser wrote nothing"
    );
    assert_eq!(
        open_now(store.as_ref(), t.id, c.id).await,
        vec![OpenInvitation::of(&won[0].1)]
    );
}

/// Revoking, accepting and voiding by a change of the customer each close an invitation in
/// the same step as the change; a later issue finds nothing left to supersede.
pub async fn closing_an_invitation_takes_it_off_the_open_ones(store: Arc<dyn Store>) {
    let t = saved_tenant(store.as_ref(), "A").await;
    let c = customer(
        t.id,
        json!({"companyName": "A", "loginEmail": unique_email("close"), "mobile": "+49 151 23456789"}),
    );
    store.create_customer(&c).await.unwrap();
    let open = || open_now(store.as_ref(), t.id, c.id);

    // Revoked by staff.
    let (first, first_record) = invitation_of(&c, &LinkToken::generate().unwrap());
    issue(store.as_ref(), &c, &first, &first_record)
        .await
        .unwrap();
    let void = Some((VoidReason::Revoked, Utc::now()));
    store
        .update_invitation(&first, &revoked(&first), void)
        .await
        .unwrap();
    assert!(open().await.is_empty(), "revoked");

    // Voided by a new mobile number (it went by SMS).
    let (second, second_record) = invitation_of(&c, &LinkToken::generate().unwrap());
    issue(store.as_ref(), &c, &second, &second_record)
        .await
        .unwrap();
    let moved = change(&c, json!({"mobile": "+49 151 99999999"}));
    update(store.as_ref(), &c, &moved).await.unwrap();
    assert_eq!(
        store
            .get_invitation(t.id, c.id, second.id)
            .await
            .unwrap()
            .unwrap()
            .state,
        InvitationState::Revoked
    );
    assert!(open().await.is_empty(), "voided by the change");

    // Accepted: the password is set with it.
    let (third, third_record) = invitation_of(&moved, &LinkToken::generate().unwrap());
    issue(store.as_ref(), &moved, &third, &third_record)
        .await
        .unwrap();
    let account = account_for(&moved, "hash", 1, 1);
    store
        .redeem(&Redemption {
            token: &third_record,
            account: &account,
            previous_account: None,
            invitation: Some((&third, &accepted(&third))),
            activates: true,
            session: &session_for(&moved, 1),
            now: Utc::now(),
        })
        .await
        .unwrap();
    assert!(open().await.is_empty(), "accepted");
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
    issue(store.as_ref(), &c, &invitation, &record)
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

//! Passwords set through links: once, all or nothing, and never by a link that was voided,
//! expired, or sent to an address or epoch that is no longer current.

use std::sync::Arc;

use chrono::{Duration, Utc};
use portal::{
    domain::{Account, LinkStatus, LinkToken, Subject, TokenPurpose, TokenRecord, VoidReason},
    ports::{Redemption, Store, StoreError},
};
use serde_json::json;

use super::{
    accepted, account_for, active_with_reset_link, change, invited, race, reset_link, revoked,
    session_for, try_reset,
};
use crate::fixtures::unique_email;

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

//! Staff users: the login namespace they share with customers, their invitation links, and
//! their removal.

use std::sync::Arc;

use chrono::{Duration, Utc};
use portal::{
    domain::{
        Account, Actor, Language, LinkStatus, LinkToken, SessionRecord, StaffId, StaffInvitation,
        StaffMember, Subject, TenantId, TokenRecord,
    },
    ports::{InvitationStore, Redemption, StaffStore, Store, StoreError, TenantStore},
};
use serde_json::json;

use super::{saved_tenant, session_for};
use crate::fixtures::{customer, unique_email};

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

pub async fn a_new_staff_invitation_voids_the_old_link_and_stale_updates_lose<S>(store: Arc<S>)
where
    S: TenantStore + StaffStore + InvitationStore + ?Sized,
{
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

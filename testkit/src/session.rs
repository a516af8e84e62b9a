use chrono::{Duration, Utc};
use portal::{
    domain::{
        Account, CustomerChanges, CustomerId, LinkToken, Subject, TenantId, TokenPurpose,
        TokenRecord,
    },
    http::session,
    ports::{Redemption, Store},
};

/// A customer of `tenant` with the login email `email`, logged in: their id and the bearer
/// token of their session. Made through the store's own redemption of a link, as the
/// customer's first password would, so the session is one the extractors accept.
pub async fn customer_session(
    store: &dyn Store,
    tenant: TenantId,
    email: &str,
) -> (CustomerId, String) {
    let changes: CustomerChanges = serde_json::from_value(serde_json::json!({
        "companyName": "Bäckerei Schmidt",
        "loginEmail": email,
        "language": "de",
    }))
    .expect("a well-formed customer");
    let now = Utc::now();
    let customer = changes
        .validate(None)
        .expect("a valid customer")
        .into_new_customer(CustomerId::new(), tenant, portal::domain::Language::De, now);
    store
        .create_customer(&customer)
        .await
        .expect("the customer is stored");
    let link = LinkToken::generate().expect("randomness for the link");
    let token = TokenRecord {
        hash: link.hash(),
        purpose: TokenPurpose::Invitation,
        tenant_id: tenant,
        subject: Subject::Customer(customer.id),
        invitation_id: None,
        sent_to: None,
        account_epoch: None,
        created_at: now,
        expires_at: now + Duration::days(1),
        voided: None,
        used_at: None,
    };
    store.put_token(&token).await.expect("the link is stored");
    let account = Account {
        tenant_id: tenant,
        subject: Subject::Customer(customer.id),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaA".into(),
        password_changed_at: now,
        session_epoch: 1,
        created_at: now,
        version: 1,
    };
    let (bearer, record) = session::start(&account, now).expect("a session");
    store
        .redeem(&Redemption {
            token: &token,
            now,
            account: &account,
            previous_account: None,
            invitation: None,
            session: &record,
            activates: true,
        })
        .await
        .expect("the link is redeemed");
    (customer.id, bearer.expose().to_owned())
}

/// A staff user of `tenant` with the login email `email` and `language`, logged in: their id
/// and the bearer token of their session, made through the store's redemption of their
/// invitation as their first password would be.
pub async fn staff_session(
    store: &dyn Store,
    tenant: TenantId,
    email: &str,
    language: portal::domain::Language,
) -> (portal::domain::StaffId, String) {
    use portal::domain::{Actor, Email, StaffId, StaffInvitation, StaffMember};
    let now = Utc::now();
    let link = LinkToken::generate().expect("randomness for the link");
    let member = StaffMember {
        id: StaffId::new(),
        tenant_id: tenant,
        name: "Jonas Berg".into(),
        email: Email::parse(email).expect("a valid email"),
        language,
        created_at: now,
        created_by: Actor::System,
        invitation: Some(StaffInvitation {
            token_hash: link.hash(),
            sent_at: now,
            expires_at: now + Duration::days(7),
            by: Actor::System,
        }),
        activated_at: None,
        last_login_at: None,
        updated_at: now,
        version: 1,
    };
    let token = member.invitation_token().expect("the invitation's token");
    store
        .create_staff(&member, &token)
        .await
        .expect("the staff user is stored");
    let account = Account {
        tenant_id: tenant,
        subject: Subject::Staff(member.id),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$aGFzaA".into(),
        password_changed_at: now,
        session_epoch: 1,
        created_at: now,
        version: 1,
    };
    let (bearer, record) = session::start(&account, now).expect("a session");
    store
        .redeem(&Redemption {
            token: &token,
            now,
            account: &account,
            previous_account: None,
            invitation: None,
            session: &record,
            activates: true,
        })
        .await
        .expect("the invitation is redeemed");
    (member.id, bearer.expose().to_owned())
}

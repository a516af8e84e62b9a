//! The store contract against the embedded adapter, in memory and persisted on disk.

mod in_memory {
    portal_tests::store_contract!(portal_tests::fixtures::embedded_store());
}

mod on_disk {
    use std::sync::Arc;

    use portal::{embedded::EmbeddedStore, ports::Store};

    /// The directory is leaked for the test's lifetime; the OS temp dir is cleaned elsewhere.
    async fn store() -> Arc<dyn Store> {
        let dir = tempfile::tempdir().unwrap().keep();
        Arc::new(EmbeddedStore::open(&dir).unwrap())
    }

    portal_tests::store_contract!(store());
}

mod upgrade {
    use portal::{
        domain::{Email, Subject, TenantId},
        embedded::EmbeddedStore,
        ports::{AccountStore, CustomerStore},
    };

    /// A data directory written before staff users existed still opens, with its logins.
    #[tokio::test]
    async fn a_store_from_before_staff_users_still_opens() {
        let dir = tempfile::tempdir().unwrap();
        let tenant = TenantId::new();
        let customer = "01M81YS23FQ9J6HMRJ4528QWJM";
        let legacy = serde_json::json!({
            "tenants": {},
            "apiKeys": {},
            "customers": {},
            "logins": {"anna@baeckerei.example": {"tenantId": tenant, "customerId": customer}},
            "accounts": {format!("{tenant}#{customer}"): {
                "tenantId": tenant, "customerId": customer, "role": "customer",
                "passwordHash": "$argon2id$v=19$m=19456,t=2,p=1$x$y",
                "passwordChangedAt": "2026-11-01T10:00:00Z", "sessionEpoch": 1,
                "createdAt": "2026-11-01T10:00:00Z", "version": 1
            }},
        });
        std::fs::write(
            dir.path().join("store.json"),
            serde_json::to_vec(&legacy).unwrap(),
        )
        .unwrap();
        let store = EmbeddedStore::open(dir.path()).expect("the old file opens");
        let owner = store
            .find_login(&Email::parse("anna@baeckerei.example").unwrap())
            .await
            .unwrap()
            .unwrap();
        let subject = Subject::Customer(customer.parse().unwrap());
        assert_eq!(owner.subject, subject);
        let account = store.get_account(tenant, subject).await.unwrap().unwrap();
        assert_eq!(account.subject, subject);
        assert_eq!(account.session_epoch, 1);
        assert!(
            store
                .list_customers(tenant, None, 10)
                .await
                .unwrap()
                .items
                .is_empty()
        );
    }
}

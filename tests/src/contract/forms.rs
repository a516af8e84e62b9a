//! The forms of customers' websites: found by public id alone, listed per customer, edited
//! by version, counted by the intake.

use std::sync::Arc;

use chrono::Utc;
use portal::{
    domain::{CustomerId, Form, FormChanges, FormId, Language, TenantId},
    ports::{FormCount, FormStore, StoreError, TenantStore},
};
use serde_json::json;

use super::saved_tenant;

/// A new form of `customer` from a JSON body as the API receives it.
pub fn form_of(tenant: TenantId, customer: CustomerId, body: serde_json::Value) -> Form {
    let changes: FormChanges = serde_json::from_value(body).expect("a well-formed body");
    changes
        .apply(
            None,
            || (FormId::new(), tenant, customer, Language::De),
            Utc::now(),
        )
        .expect("a valid form")
}

pub async fn forms_are_found_by_public_id_listed_per_customer_and_edited_by_version<S>(
    store: Arc<S>,
) where
    S: TenantStore + FormStore + ?Sized,
{
    let t = saved_tenant(store.as_ref(), "A").await;
    let other = saved_tenant(store.as_ref(), "B").await;
    let (c1, c2) = (CustomerId::new(), CustomerId::new());
    let a = form_of(
        t.id,
        c1,
        json!({"name": "Kontakt", "allowedOrigins": ["https://www.kunde.example"],
               "recipients": ["info@kunde.example"], "redirectUrl": "https://www.kunde.example/danke",
               "turnstileSecret": "0x4AAA-secret"}),
    );
    let b = form_of(t.id, c1, json!({"name": "Rückruf"}));
    let c = form_of(t.id, c2, json!({"name": "Angebot"}));
    let d = form_of(other.id, c1, json!({"name": "Fremd"}));
    for form in [&a, &b, &c, &d] {
        store.create_form(form).await.unwrap();
    }
    assert!(matches!(
        store.create_form(&a).await,
        Err(StoreError::AlreadyExists)
    ));

    assert_eq!(store.get_form(a.id).await.unwrap().as_ref(), Some(&a));
    assert_eq!(
        store.list_forms(t.id, c1).await.unwrap(),
        vec![a.clone(), b]
    );
    assert_eq!(store.list_forms(t.id, c2).await.unwrap(), vec![c]);
    assert_eq!(store.list_forms(other.id, c2).await.unwrap(), vec![]);
    assert_eq!(store.get_form(FormId::new()).await.unwrap(), None);

    store.count(a.id, FormCount::Entry).await.unwrap();
    store.count(a.id, FormCount::Spam).await.unwrap();
    store.count(a.id, FormCount::Spam).await.unwrap();
    store.count(a.id, FormCount::Refused).await.unwrap();

    let changes: FormChanges =
        serde_json::from_value(json!({"name": "Kontakt neu", "redirectUrl": null})).unwrap();
    let next = changes
        .apply(Some(&a), || unreachable!(), Utc::now())
        .unwrap();
    store.update_form(&a, &next).await.unwrap();
    let stored = store.get_form(a.id).await.unwrap().unwrap();
    assert_eq!(stored.name, "Kontakt neu");
    assert_eq!(stored.redirect_url, None);
    assert_eq!(
        stored.turnstile_secret, a.turnstile_secret,
        "kept when not named"
    );
    assert_eq!(stored.version, 2);
    assert_eq!(
        (stored.entry_count, stored.spam_count, stored.refused_count),
        (1, 2, 1),
        "an edit leaves the intake's counts alone"
    );

    assert!(matches!(
        store.update_form(&a, &next).await,
        Err(StoreError::VersionConflict)
    ));
    assert!(matches!(
        store.delete_form(&a).await,
        Err(StoreError::VersionConflict)
    ));
    store.delete_form(&stored).await.unwrap();
    assert_eq!(store.get_form(a.id).await.unwrap(), None);
    store.count(a.id, FormCount::Spam).await.unwrap();
    assert_eq!(
        store.get_form(a.id).await.unwrap(),
        None,
        "counting on a deleted form does not bring it back"
    );
    assert!(matches!(
        store.update_form(&stored, &next).await,
        Err(StoreError::VersionConflict)
    ));
}

pub async fn changing_the_retention_reaches_every_form_of_the_agency<S>(store: Arc<S>)
where
    S: TenantStore + FormStore + ?Sized,
{
    let t = saved_tenant(store.as_ref(), "A").await;
    let other = saved_tenant(store.as_ref(), "B").await;
    let mine = [
        form_of(t.id, CustomerId::new(), json!({"name": "Eins"})),
        form_of(t.id, CustomerId::new(), json!({"name": "Zwei"})),
    ];
    let theirs = form_of(other.id, CustomerId::new(), json!({"name": "Drei"}));
    for form in mine.iter().chain([&theirs]) {
        store.create_form(form).await.unwrap();
    }
    let days = portal::domain::RetentionDays::try_from(30).unwrap();
    assert_eq!(store.set_retention(t.id, days).await.unwrap(), 2);
    for form in &mine {
        let stored = store.get_form(form.id).await.unwrap().unwrap();
        assert_eq!(stored.retention_days, days);
        assert_eq!(stored.version, form.version, "not an edit of the settings");
    }
    let untouched = store.get_form(theirs.id).await.unwrap().unwrap();
    assert_eq!(
        untouched.retention_days,
        portal::domain::RetentionDays::default()
    );
}

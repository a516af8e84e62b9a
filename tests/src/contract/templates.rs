//! An agency's own wording, per channel and language.

use std::sync::Arc;

use chrono::Utc;
use portal::{
    domain::{Channel, Language},
    ports::{StoreError, TemplateOverride, TemplateStore, TenantStore},
};

use super::saved_tenant;

pub async fn agency_templates_are_kept_per_channel_and_language<S>(store: Arc<S>)
where
    S: TenantStore + TemplateStore + ?Sized,
{
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

//! An agency's own wording of its messages (`TENANT#{t}` / `TEMPLATE#{channel}#{lang}`).

use async_trait::async_trait;

use super::{ItemStore, tenant_pk, unexpected};
use crate::{
    domain::{Channel, Language, TenantId},
    items::{self, Condition, Item, Key, Keys, Query, Write},
    ports::{StoreError, TemplateOverride, TemplateStore},
};

fn template_sk(channel: Channel, language: Language) -> String {
    format!("TEMPLATE#{channel}#{language}")
}

pub(crate) fn template_item(tenant: TenantId, template: &TemplateOverride) -> anyhow::Result<Item> {
    let keys = Keys::new(
        tenant_pk(tenant),
        template_sk(template.channel, template.language),
    );
    items::item(template, &keys)
}

#[async_trait]
impl TemplateStore for ItemStore {
    #[tracing::instrument(skip(self, template))]
    async fn put_template(
        &self,
        tenant: TenantId,
        template: &TemplateOverride,
    ) -> Result<(), StoreError> {
        self.table
            .write(Write::put(template_item(tenant, template)?))
            .await
            .map_err(|e| unexpected(e, "Failed to store the template"))?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn delete_template(
        &self,
        tenant: TenantId,
        channel: Channel,
        language: Language,
    ) -> Result<(), StoreError> {
        let key = Key::new(tenant_pk(tenant), template_sk(channel, language));
        let delete = Write::delete(key).when(Condition::Exists);
        self.write(delete, "Failed to delete the template")
            .await?
            .map_err(|_| StoreError::NotFound)?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    async fn list_templates(&self, tenant: TenantId) -> Result<Vec<TemplateOverride>, StoreError> {
        let query = Query::primary(tenant_pk(tenant)).begins_with("TEMPLATE#");
        self.list_all(query, "Failed to list the templates").await
    }
}

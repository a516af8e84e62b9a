//! An agency's own wording of its messages.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{Language, TenantId};

/// An agency's own wording of a message, per channel and language.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TemplateOverride {
    pub channel: crate::domain::Channel,
    pub language: Language,
    /// Email only.
    pub subject: Option<String>,
    pub body: String,
    pub updated_at: DateTime<Utc>,
}

#[async_trait]
pub trait TemplateStore: Send + Sync {
    async fn put_template(
        &self,
        tenant: TenantId,
        template: &TemplateOverride,
    ) -> Result<(), StoreError>;
    /// [`StoreError::NotFound`] when there was none.
    async fn delete_template(
        &self,
        tenant: TenantId,
        channel: crate::domain::Channel,
        language: Language,
    ) -> Result<(), StoreError>;
    async fn list_templates(&self, tenant: TenantId) -> Result<Vec<TemplateOverride>, StoreError>;
}

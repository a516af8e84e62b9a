//! The portal the round-trip tests call: every function's router over one [`PacedTable`],
//! and a request that answers with the round trips it waited for. Each test file then holds
//! only its routes and their counts.

use std::sync::Arc;

use axum::{Router, http::Method};
use chrono::Utc;
use portal::{
    domain::{CustomerId, FileId, FileRecord, FileState, NewTenant, ObjectKey, TenantId, Uploader},
    ports::{FileCreation, Store},
    store::ItemStore,
};
use portal_infra::backend::Services;
use serde_json::Value;
use testkit::{Agency, agency, customer_session, oneshot};

use crate::paced::PacedTable;

/// The portal address of the agency most tests use; a request names it unless it sends its
/// own `host`.
pub const HOST: &str = "portal.rounds.example";

pub struct Portal {
    pub app: Router,
    pub table: Arc<PacedTable>,
    pub store: Arc<dyn Store>,
}

/// What a request answered, and how many round trips it waited for one after another.
pub struct Answer {
    pub status: u16,
    /// The JSON body; `null` when it is none.
    pub body: Value,
    /// The `Location` header; empty when there is none.
    pub location: String,
    pub rounds: usize,
}

impl Portal {
    /// Every function's router over an empty paced table.
    pub fn new() -> Self {
        let table = Arc::new(PacedTable::in_memory());
        let mut services = Services::in_memory();
        services.store = Arc::new(ItemStore::new(table.clone()));
        Self {
            app: portal_infra::app(&services),
            table,
            store: services.store,
        }
    }

    /// An agency named `name` whose portal is at `host`, with an API key.
    pub async fn agency(&self, name: &str, host: &str, label: &str) -> Agency {
        agency(
            self.store.as_ref(),
            &NewTenant {
                name: name.into(),
                portal_base_url: format!("https://{host}"),
                sender_email: format!("portal@{host}"),
                default_language: "de".into(),
                tier: "professional".into(),
            },
            label,
        )
        .await
    }

    /// A customer of `tenant` with a live session, and the session's token.
    pub async fn customer(&self, tenant: TenantId, email: &str) -> (CustomerId, String) {
        customer_session(self.store.as_ref(), tenant, email).await
    }

    /// An uploaded and checked PDF of `customer`'s named `name`, as a page lists it or a
    /// feedback item attaches it.
    pub async fn available_file(
        &self,
        tenant: TenantId,
        customer: CustomerId,
        name: &str,
        uploaded_by: Uploader,
    ) -> FileId {
        let id = FileId::new();
        let now = Utc::now();
        let file = FileRecord {
            id,
            tenant_id: tenant,
            customer_id: customer,
            key: ObjectKey::for_upload(tenant, customer, &id.to_string(), "plan.pdf")
                .expect("a key"),
            name: name.into(),
            folder: String::new(),
            content_type: "application/pdf".into(),
            declared_size: 2048,
            size: Some(2048),
            etag: None,
            state: FileState::Available,
            uploaded_by,
            created_at: now,
            uploaded_at: Some(now),
            reason: None,
            multipart: None,
            version: 1,
        };
        assert_eq!(
            self.store
                .create_file(&file, 1_000_000)
                .await
                .expect("stored"),
            FileCreation::Created
        );
        id
    }

    /// Sends the request (at [`HOST`] unless `headers` name another) and counts the round
    /// trips it waited for.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        bearer: Option<&str>,
        body: Option<(&str, String)>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let auth = bearer.map(|b| format!("Bearer {b}"));
        let mut all: Vec<(&str, &str)> = Vec::new();
        if !headers.iter().any(|(name, _)| *name == "host") {
            all.push(("host", HOST));
        }
        if let Some(auth) = &auth {
            all.push(("authorization", auth));
        }
        all.extend_from_slice(headers);
        self.table.round_trips();
        let answer = oneshot(&self.app, method, path, body, &all).await;
        Answer {
            status: answer.status.as_u16(),
            body: serde_json::from_str(&answer.text).unwrap_or(Value::Null),
            location: answer
                .headers
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
            rounds: self.table.round_trips(),
        }
    }
}

impl Default for Portal {
    fn default() -> Self {
        Self::new()
    }
}

/// `value` as a JSON request body.
pub fn json_body(value: Value) -> Option<(&'static str, String)> {
    Some(("application/json", value.to_string()))
}

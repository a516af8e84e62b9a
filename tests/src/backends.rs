//! The two ways the whole portal runs in end-to-end tests: embedded with the outbox, or on
//! moto's DynamoDB, SES and SNS; each with a way to read back what was sent.

use std::sync::Arc;

use portal::{
    aws::{SesMailer, SnsSmsSender},
    domain::{Email, NewTenant, Tenant},
    embedded::{self, Outbox},
    ports::Store,
};
use portal_infra::backend::Services;

use crate::{
    delivery_contract::{MotoSent, SentMessages, moto_config, verified_sender},
    moto,
};

pub struct Setup {
    pub services: Services,
    pub sent: Arc<dyn SentMessages>,
    /// A sender address the mail service accepts.
    pub sender: Email,
}

impl Setup {
    /// "Webagentur Berg" (German) with its portal at `base` and the accepted sender, and an
    /// API key for it (the plaintext).
    pub async fn agency_at(&self, base: &str) -> (Tenant, String) {
        let agency = testkit::agency(
            self.services.store.as_ref(),
            &NewTenant {
                name: "Webagentur Berg".into(),
                portal_base_url: base.into(),
                sender_email: self.sender.to_string(),
                default_language: "de".into(),
                tier: "starter".into(),
            },
            "journey",
        )
        .await;
        (agency.tenant, agency.key)
    }
}

pub fn embedded() -> Setup {
    let outbox = Arc::new(Outbox::in_memory());
    let store: Arc<dyn Store> = Arc::new(embedded::in_memory_store());
    let local_files = Arc::new(embedded::LocalFileStore::in_memory(
        url::Url::parse(portal_infra::backend::DEFAULT_FILES_BASE).expect("a valid URL"),
    ));
    Setup {
        services: Services {
            store,
            mailer: outbox.clone(),
            sms: outbox.clone(),
            outbox: Some(outbox.clone()),
            files: local_files.clone(),
            local_files: Some(local_files),
        },
        sent: outbox,
        sender: Email::parse("portal@berg.example").expect("a valid address"),
    }
}

pub async fn on_moto() -> Setup {
    let config = moto_config().await;
    Setup {
        services: Services {
            store: moto::dynamodb_store().await,
            mailer: Arc::new(SesMailer::from_conf(&config)),
            sms: Arc::new(SnsSmsSender::from_conf(&config)),
            outbox: None,
            files: Arc::new(portal::aws::S3FileStore::from_conf(
                &config,
                crate::files_contract::fresh_bucket(&config).await,
            )),
            local_files: None,
        },
        sent: Arc::new(MotoSent::default()),
        sender: verified_sender(&config).await,
    }
}

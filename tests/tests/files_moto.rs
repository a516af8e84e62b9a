//! The file contract against S3 on moto's server, with the real SDK client.
//!
//! moto stores and serves what presigned requests carry, but checks none of their rules: a
//! tampered or expired signature, another method or another Content-Type are all accepted
//! (AWS-LOCAL.md, S3). Those rules are tested on the local twin (`files_embedded.rs`), and
//! what the SDK signs is unit-tested in `shared/src/aws/s3.rs`.

portal_tests::files_contract!(portal_tests::files_contract::moto());

use std::time::Duration;

use portal::{aws::S3FileStore, domain::object_key::attachment_disposition, ports::FileStore};
use portal_tests::{
    delivery_contract::moto_config,
    files_contract::{fresh_bucket, unique_key},
};

#[tokio::test]
async fn a_download_link_asks_s3_for_the_download_name_that_moto_does_not_serve() {
    // Arrange
    let config = moto_config().await;
    let store = S3FileStore::from_conf(&config, fresh_bucket(&config).await);
    let key = unique_key("Grüße.pdf");

    // Act
    let request = store
        .presign_download(&key, "Grüße aus Köln.pdf", Duration::from_secs(60))
        .await
        .unwrap();

    // Assert: the adapter's part is the signed query parameter; S3 answers with it as the
    // Content-Disposition header, moto 5.2 ignores it.
    let url = url::Url::parse(&request.url).unwrap();
    let disposition = url
        .query_pairs()
        .find(|(name, _)| name == "response-content-disposition")
        .map(|(_, value)| value.into_owned());
    assert_eq!(
        disposition.as_deref(),
        Some(attachment_disposition("Grüße aus Köln.pdf").as_str())
    );
    assert!(
        url.as_str().starts_with(&format!(
            "{}/{}/",
            portal_tests::moto::endpoint(),
            store.bucket()
        )),
        "path-style addressing on moto: {}",
        request.url
    );
}

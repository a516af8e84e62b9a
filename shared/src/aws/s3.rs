//! Files in Amazon S3. Clients upload and download with presigned requests, so file bytes
//! never pass through a function (API Gateway and Lambda cap bodies at a few MB).
//!
//! The function's role needs `s3:PutObject`, `s3:GetObject` and `s3:DeleteObject` on the
//! bucket's objects, and `s3:ListBucket` on the bucket: without it S3 answers a HEAD of a
//! missing object with 403 instead of 404, and [`FileStore::head`] fails instead of
//! answering `None`. A presigned request stops working when the credentials that signed it
//! expire, whatever its own expiry: in Lambda those are the role's session credentials.

use std::time::{Duration, SystemTime};

use anyhow::Context;
use async_trait::async_trait;
use aws_sdk_s3::{
    Client,
    operation::head_object::HeadObjectError,
    presigning::{PresignedRequest, PresigningConfig},
};
use chrono::{DateTime, SubsecRound, Utc};

use crate::{
    domain::{FileInfo, ObjectKey, object_key::attachment_disposition},
    ports::{FileStore, SignedRequest, StoreError},
};

#[derive(Clone)]
pub struct S3FileStore {
    client: Client,
    bucket: String,
}

impl S3FileStore {
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        Self {
            client,
            bucket: bucket.into(),
        }
    }

    /// A client from the shared SDK configuration. With an endpoint override (moto's server)
    /// buckets are addressed by path (`http://127.0.0.1:5000/bucket/key`): the default,
    /// virtual-host style (`bucket.127.0.0.1`), only resolves on AWS.
    pub fn from_conf(config: &aws_config::SdkConfig, bucket: impl Into<String>) -> Self {
        let mut builder = aws_sdk_s3::config::Builder::from(config);
        if config.endpoint_url().is_some() {
            builder = builder.force_path_style(true);
        }
        Self::new(Client::from_conf(builder.build()), bucket)
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }
}

/// Presigning that starts at a whole second, as `X-Amz-Date` does, so `expires_at` is exactly
/// when S3 stops accepting the request.
fn presigning(expires_in: Duration) -> anyhow::Result<(PresigningConfig, DateTime<Utc>)> {
    let start = Utc::now().trunc_subsecs(0);
    let config = PresigningConfig::builder()
        .start_time(SystemTime::from(start))
        .expires_in(expires_in)
        .build()
        .context("Failed to configure presigning (S3 allows at most seven days)")?;
    let seconds = i64::try_from(expires_in.as_secs()).context("The expiry is out of range")?;
    Ok((config, start + chrono::Duration::seconds(seconds)))
}

fn signed(request: &PresignedRequest, expires_at: DateTime<Utc>) -> SignedRequest {
    SignedRequest {
        method: request.method().to_owned(),
        url: request.uri().to_owned(),
        headers: request
            .headers()
            .map(|(name, value)| (name.to_owned(), value.to_owned()))
            .collect(),
        expires_at,
    }
}

// Keys carry customers' file names: they stay out of the spans.
#[async_trait]
impl FileStore for S3FileStore {
    #[tracing::instrument(name = "s3_presign_upload", skip_all, fields(bucket = %self.bucket))]
    async fn presign_upload(
        &self,
        key: &ObjectKey,
        content_type: &str,
        expires_in: Duration,
    ) -> Result<SignedRequest, StoreError> {
        let (config, expires_at) = presigning(expires_in)?;
        let request = self
            .client
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type)
            .presigned(config)
            .await
            .context("Failed to presign an upload to S3")?;
        Ok(signed(&request, expires_at))
    }

    #[tracing::instrument(name = "s3_presign_download", skip_all, fields(bucket = %self.bucket))]
    async fn presign_download(
        &self,
        key: &ObjectKey,
        download_name: &str,
        expires_in: Duration,
    ) -> Result<SignedRequest, StoreError> {
        let (config, expires_at) = presigning(expires_in)?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .response_content_disposition(attachment_disposition(download_name))
            .presigned(config)
            .await
            .context("Failed to presign a download from S3")?;
        Ok(signed(&request, expires_at))
    }

    #[tracing::instrument(name = "s3_head_object", skip_all, fields(bucket = %self.bucket))]
    async fn head(&self, key: &ObjectKey) -> Result<Option<FileInfo>, StoreError> {
        let result = self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await;
        let output = match result {
            Ok(output) => output,
            Err(err) if matches!(err.as_service_error(), Some(HeadObjectError::NotFound(_))) => {
                return Ok(None);
            }
            Err(err) => {
                return Err(anyhow::Error::new(err)
                    .context("Failed to look up a file in S3")
                    .into());
            }
        };
        let size = output
            .content_length()
            .context("S3 described a file without its size")?;
        Ok(Some(FileInfo {
            size: u64::try_from(size).context("S3 described a file with a negative size")?,
            content_type: output.content_type().map(str::to_owned),
        }))
    }

    #[tracing::instrument(name = "s3_delete_object", skip_all, fields(bucket = %self.bucket))]
    async fn delete(&self, key: &ObjectKey) -> Result<(), StoreError> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
            .context("Failed to delete a file from S3")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region, SharedCredentialsProvider};
    use url::Url;

    use super::*;

    /// Presigning happens offline: these look at what the SDK signs, which moto never checks.
    fn config(endpoint: Option<&str>) -> aws_config::SdkConfig {
        let mut builder = aws_config::SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("eu-central-1"))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "AKIDEXAMPLE",
                "secret",
                None,
                None,
                "test",
            )));
        if let Some(endpoint) = endpoint {
            builder = builder.endpoint_url(endpoint);
        }
        builder.build()
    }

    fn key() -> ObjectKey {
        ObjectKey::parse("tenants/t1/customers/c1/uploads/f1/Grüße aus Köln.pdf").unwrap()
    }

    fn query(url: &Url, name: &str) -> Option<String> {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }

    #[tokio::test]
    async fn an_upload_is_signed_with_its_content_type_and_expiry() {
        let store = S3FileStore::from_conf(&config(None), "portal-files");
        let before = Utc::now();

        let request = store
            .presign_upload(&key(), "application/pdf", Duration::from_secs(900))
            .await
            .unwrap();

        assert_eq!(request.method, "PUT");
        let url = Url::parse(&request.url).unwrap();
        assert_eq!(
            url.host_str(),
            Some("portal-files.s3.eu-central-1.amazonaws.com")
        );
        assert_eq!(
            url.path(),
            "/tenants/t1/customers/c1/uploads/f1/Gr%C3%BC%C3%9Fe%20aus%20K%C3%B6ln.pdf"
        );
        assert_eq!(query(&url, "X-Amz-Expires").as_deref(), Some("900"));
        let signed_headers = query(&url, "X-Amz-SignedHeaders").unwrap();
        assert!(
            signed_headers.split(';').any(|h| h == "content-type"),
            "{signed_headers}"
        );
        assert!(query(&url, "X-Amz-Signature").is_some());
        assert_eq!(
            request.headers,
            [("content-type".to_owned(), "application/pdf".to_owned())]
        );
        let lifetime = request.expires_at - before.trunc_subsecs(0);
        assert!((899..=901).contains(&lifetime.num_seconds()), "{lifetime}");
    }

    #[tokio::test]
    async fn a_download_asks_s3_for_the_attachment_disposition() {
        let store = S3FileStore::from_conf(&config(None), "portal-files");

        let request = store
            .presign_download(&key(), "Grüße aus Köln.pdf", Duration::from_secs(60))
            .await
            .unwrap();

        assert_eq!(request.method, "GET");
        assert!(request.headers.is_empty(), "{:?}", request.headers);
        let url = Url::parse(&request.url).unwrap();
        assert_eq!(
            query(&url, "response-content-disposition").as_deref(),
            Some(attachment_disposition("Grüße aus Köln.pdf").as_str())
        );
        let signed_headers = query(&url, "X-Amz-SignedHeaders").unwrap();
        assert_eq!(signed_headers, "host");
    }

    #[tokio::test]
    async fn an_endpoint_override_addresses_the_bucket_by_path() {
        let store = S3FileStore::from_conf(&config(Some("http://127.0.0.1:5000")), "b1");

        let request = store
            .presign_download(&key(), "x.pdf", Duration::from_secs(60))
            .await
            .unwrap();

        assert!(
            request
                .url
                .starts_with("http://127.0.0.1:5000/b1/tenants/t1/"),
            "{}",
            request.url
        );
    }

    #[tokio::test]
    async fn an_expiry_beyond_seven_days_is_refused() {
        let store = S3FileStore::from_conf(&config(None), "portal-files");
        let result = store
            .presign_upload(&key(), "text/plain", Duration::from_secs(7 * 24 * 3600 + 1))
            .await;
        assert!(
            matches!(result, Err(StoreError::Unexpected(_))),
            "{result:?}"
        );
    }

    #[test]
    fn the_debug_form_of_a_signed_request_hides_the_signature() {
        let request = SignedRequest {
            method: "GET".into(),
            url: "https://b.s3.amazonaws.com/k?X-Amz-Signature=abc".into(),
            headers: vec![],
            expires_at: Utc::now(),
        };
        let debug = format!("{request:?}");
        assert!(!debug.contains("abc"), "{debug}");
        assert!(debug.contains("https://b.s3.amazonaws.com/k?…"), "{debug}");
    }
}

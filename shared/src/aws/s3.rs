//! Files in Amazon S3. Clients upload and download with presigned requests, so file bytes
//! never pass through a function (API Gateway and Lambda cap bodies at a few MB).
//!
//! The function's role needs `s3:PutObject`, `s3:GetObject` and `s3:DeleteObject` on the
//! bucket's objects (with `s3:AbortMultipartUpload` and `s3:ListMultipartUploadParts` for
//! large files in parts), and `s3:ListBucket` on the bucket: without it S3 answers a HEAD of a
//! missing object with 403 instead of 404, and [`FileStore::head`] fails instead of
//! answering `None`. A presigned request stops working when the credentials that signed it
//! expire, whatever its own expiry: in Lambda those are the role's session credentials.

use std::time::{Duration, SystemTime};

use anyhow::Context;
use async_trait::async_trait;
use aws_credential_types::provider::ProvideCredentials;
use aws_sdk_s3::{
    Client,
    error::{ProvideErrorMetadata, SdkError},
    operation::{
        abort_multipart_upload::AbortMultipartUploadError, get_object::GetObjectError,
        head_object::HeadObjectError,
    },
    presigning::{PresignedRequest, PresigningConfig},
    types::{CompletedMultipartUpload, CompletedPart},
};
use chrono::{DateTime, SubsecRound, Utc};
use secrecy::SecretString;

use super::lazy::{LazyClient, Sdk};
use crate::{
    domain::{FileInfo, ObjectKey, object_key::attachment_disposition},
    ports::{FileStore, PresignedPost, SignedRequest, StoreError, UploadedPart},
    post_policy::{PostPolicy, SigningIdentity},
};

/// The tag GuardDuty Malware Protection for S3 puts on each object it scanned.
pub const SCAN_STATUS_TAG: &str = "GuardDutyMalwareScanStatus";

#[derive(Clone)]
pub struct S3FileStore {
    client: LazyClient<Client>,
    bucket: String,
}

impl S3FileStore {
    /// Over a client of the caller's, with no endpoint override and no credentials to sign
    /// POST forms with.
    pub fn new(client: Client, bucket: impl Into<String>) -> Self {
        Self {
            client: LazyClient::ready(client),
            bucket: bucket.into(),
        }
    }

    pub fn from_conf(config: &aws_types::SdkConfig, bucket: impl Into<String>) -> Self {
        Self::lazy(&Sdk::loaded(config.clone()), bucket)
    }

    /// With a client built from `sdk` when the first request needs it.
    pub fn lazy(sdk: &Sdk, bucket: impl Into<String>) -> Self {
        Self {
            client: LazyClient::new(sdk, client),
            bucket: bucket.into(),
        }
    }

    async fn client(&self) -> &Client {
        self.client.get().await
    }

    /// Where a browser POSTs an upload form: the bucket's regional virtual-host endpoint on
    /// AWS, `{endpoint}/{bucket}` (path style) with an override (moto's server).
    async fn post_url(&self, region: &str) -> String {
        let config = self.client.sdk_config().await;
        match config.and_then(|c| c.endpoint_url()) {
            Some(endpoint) => format!("{}/{}", endpoint.trim_end_matches('/'), self.bucket),
            None => format!("https://{}.s3.{region}.amazonaws.com/", self.bucket),
        }
    }

    /// The client's current credentials and region, which sign a POST policy. In Lambda these
    /// are the role's session credentials (from the environment, so asking is cheap).
    async fn signing_identity(&self) -> anyhow::Result<SigningIdentity> {
        let config = self.client().await.config();
        let region = config
            .region()
            .context("The S3 client has no region to sign for")?
            .to_string();
        // The client keeps its provider to itself (its accessor is deprecated and answers
        // `None`): the shared configuration's signs.
        let credentials = self
            .client
            .sdk_config()
            .await
            .and_then(|c| c.credentials_provider())
            .context("The S3 store was made without credentials to sign forms with")?
            .provide_credentials()
            .await
            .context("Failed to load credentials to sign an upload form")?;
        Ok(SigningIdentity {
            access_key_id: credentials.access_key_id().to_owned(),
            secret_access_key: SecretString::from(credentials.secret_access_key()),
            session_token: credentials.session_token().map(SecretString::from),
            region,
        })
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }
}

/// A client from the shared SDK configuration. With an endpoint override (moto's server)
/// buckets are addressed by path (`http://127.0.0.1:5000/bucket/key`): the default,
/// virtual-host style (`bucket.127.0.0.1`), only resolves on AWS.
fn client(config: &aws_types::SdkConfig) -> Client {
    let mut builder = aws_sdk_s3::config::Builder::from(config);
    if config.endpoint_url().is_some() {
        builder = builder.force_path_style(true);
    }
    Client::from_conf(builder.build())
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

/// Whether S3 refused a request because the multipart upload is not there (completed,
/// aborted, or cleaned up by the bucket's lifecycle rule).
fn is_no_such_upload<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> bool {
    err.as_service_error()
        .is_some_and(|e| e.code() == Some("NoSuchUpload"))
}

/// What may stand in a form field and in a header alike (tab, and bytes from space up but
/// DEL): a line break would let a value forge another field of the form.
fn is_form_value(text: &str) -> bool {
    text.bytes().all(|b| b == b'\t' || (b >= b' ' && b != 0x7f))
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
            .client()
            .await
            .put_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type)
            .presigned(config)
            .await
            .context("Failed to presign an upload to S3")?;
        Ok(signed(&request, expires_at))
    }

    #[tracing::instrument(name = "s3_presign_post", skip_all, fields(bucket = %self.bucket))]
    async fn presign_post(
        &self,
        key: &ObjectKey,
        content_type: &str,
        size: std::ops::RangeInclusive<u64>,
        expires_in: Duration,
    ) -> Result<PresignedPost, StoreError> {
        // The same bounds as a presigned PUT: whole seconds, at most seven days.
        let (_, expires_at) = presigning(expires_in)?;
        if !is_form_value(content_type) {
            return Err(anyhow::anyhow!("The content type is not a valid form value").into());
        }
        let identity = self.signing_identity().await?;
        let policy = PostPolicy {
            bucket: self.bucket.clone(),
            key: key.clone(),
            content_type: content_type.to_owned(),
            size,
            expires_at,
        };
        let signed_at = expires_at
            - chrono::Duration::seconds(
                i64::try_from(expires_in.as_secs()).context("The expiry is out of range")?,
            );
        Ok(PresignedPost {
            url: self.post_url(&identity.region).await,
            fields: policy.sign(&identity, signed_at),
            expires_at,
        })
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
            .client()
            .await
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
            .client()
            .await
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

    #[tracing::instrument(name = "s3_read_prefix", skip_all, fields(bucket = %self.bucket))]
    async fn read_prefix(
        &self,
        key: &ObjectKey,
        len: usize,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        if len == 0 {
            return Ok(self.head(key).await?.map(|_| Vec::new()));
        }
        let result = self
            .client()
            .await
            .get_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .range(format!("bytes=0-{}", len - 1))
            .send()
            .await;
        let output = match result {
            Ok(output) => output,
            Err(err) if matches!(err.as_service_error(), Some(GetObjectError::NoSuchKey(_))) => {
                return Ok(None);
            }
            // An empty object has no byte 0: S3 answers 416 to the range.
            Err(err)
                if err
                    .raw_response()
                    .is_some_and(|r| r.status().as_u16() == 416) =>
            {
                return Ok(Some(Vec::new()));
            }
            Err(err) => {
                return Err(anyhow::Error::new(err)
                    .context("Failed to read the start of a file in S3")
                    .into());
            }
        };
        let bytes = output
            .body
            .collect()
            .await
            .context("Failed to read the start of a file in S3")?
            .into_bytes();
        // A server that ignores the range sends it all.
        Ok(Some(bytes[..bytes.len().min(len)].to_vec()))
    }

    #[tracing::instrument(name = "s3_get_object_tagging", skip_all, fields(bucket = %self.bucket))]
    async fn scan_status(&self, key: &ObjectKey) -> Result<Option<String>, StoreError> {
        let result = self
            .client()
            .await
            .get_object_tagging()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await;
        let output = match result {
            Ok(output) => output,
            Err(err)
                if err
                    .raw_response()
                    .is_some_and(|r| r.status().as_u16() == 404) =>
            {
                return Ok(None);
            }
            Err(err) => {
                return Err(anyhow::Error::new(err)
                    .context("Failed to read a file's tags in S3")
                    .into());
            }
        };
        Ok(output
            .tag_set()
            .iter()
            .find(|tag| tag.key() == SCAN_STATUS_TAG)
            .map(|tag| tag.value().to_owned()))
    }

    #[tracing::instrument(name = "s3_delete_object", skip_all, fields(bucket = %self.bucket))]
    async fn delete(&self, key: &ObjectKey) -> Result<(), StoreError> {
        self.client()
            .await
            .delete_object()
            .bucket(&self.bucket)
            .key(key.as_str())
            .send()
            .await
            .context("Failed to delete a file from S3")?;
        Ok(())
    }

    #[tracing::instrument(name = "s3_create_multipart_upload", skip_all, fields(bucket = %self.bucket))]
    async fn create_multipart(
        &self,
        key: &ObjectKey,
        content_type: &str,
    ) -> Result<String, StoreError> {
        let output = self
            .client()
            .await
            .create_multipart_upload()
            .bucket(&self.bucket)
            .key(key.as_str())
            .content_type(content_type)
            .send()
            .await
            .context("Failed to start a multipart upload in S3")?;
        let id = output
            .upload_id()
            .context("S3 started a multipart upload without an upload id")?;
        Ok(id.to_owned())
    }

    #[tracing::instrument(name = "s3_presign_upload_part", skip_all, fields(bucket = %self.bucket, number))]
    async fn presign_part(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        number: u16,
        _max_size: u64,
        expires_in: Duration,
    ) -> Result<SignedRequest, StoreError> {
        let (config, expires_at) = presigning(expires_in)?;
        let request = self
            .client()
            .await
            .upload_part()
            .bucket(&self.bucket)
            .key(key.as_str())
            .upload_id(upload_id)
            .part_number(i32::from(number))
            .presigned(config)
            .await
            .context("Failed to presign a part upload to S3")?;
        Ok(signed(&request, expires_at))
    }

    #[tracing::instrument(name = "s3_list_parts", skip_all, fields(bucket = %self.bucket))]
    async fn list_parts(
        &self,
        key: &ObjectKey,
        upload_id: &str,
    ) -> Result<Vec<UploadedPart>, StoreError> {
        let mut parts = Vec::new();
        let mut marker: Option<String> = None;
        // S3 answers at most 1,000 parts a page; an upload has at most 10,000.
        loop {
            let result = self
                .client()
                .await
                .list_parts()
                .bucket(&self.bucket)
                .key(key.as_str())
                .upload_id(upload_id)
                .set_part_number_marker(marker.take())
                .send()
                .await;
            let output = match result {
                Ok(output) => output,
                Err(err) if is_no_such_upload(&err) => return Err(StoreError::NotFound),
                Err(err) => {
                    return Err(anyhow::Error::new(err)
                        .context("Failed to list the parts of a multipart upload in S3")
                        .into());
                }
            };
            for part in output.parts() {
                let number = part
                    .part_number()
                    .and_then(|n| u16::try_from(n).ok())
                    .context("S3 listed a part without a valid number")?;
                let size = part
                    .size()
                    .and_then(|s| u64::try_from(s).ok())
                    .context("S3 listed a part without a valid size")?;
                let etag = part.e_tag().context("S3 listed a part without an ETag")?;
                parts.push(UploadedPart {
                    number,
                    etag: etag.to_owned(),
                    size,
                });
            }
            match (output.is_truncated(), output.next_part_number_marker()) {
                (Some(true), Some(next)) => marker = Some(next.to_owned()),
                _ => break,
            }
        }
        parts.sort_by_key(|p| p.number);
        parts.dedup_by_key(|p| p.number);
        Ok(parts)
    }

    #[tracing::instrument(name = "s3_complete_multipart_upload", skip_all, fields(bucket = %self.bucket))]
    async fn complete_multipart(
        &self,
        key: &ObjectKey,
        upload_id: &str,
        parts: &[UploadedPart],
    ) -> Result<String, StoreError> {
        let completed = parts
            .iter()
            .map(|p| {
                CompletedPart::builder()
                    .part_number(i32::from(p.number))
                    .e_tag(&p.etag)
                    .build()
            })
            .collect();
        let result = self
            .client()
            .await
            .complete_multipart_upload()
            .bucket(&self.bucket)
            .key(key.as_str())
            .upload_id(upload_id)
            .multipart_upload(
                CompletedMultipartUpload::builder()
                    .set_parts(Some(completed))
                    .build(),
            )
            .send()
            .await;
        match result {
            Ok(output) => Ok(output.e_tag().unwrap_or_default().to_owned()),
            Err(err) if is_no_such_upload(&err) => Err(StoreError::NotFound),
            Err(err) => Err(anyhow::Error::new(err)
                .context("Failed to complete a multipart upload in S3")
                .into()),
        }
    }

    #[tracing::instrument(name = "s3_abort_multipart_upload", skip_all, fields(bucket = %self.bucket))]
    async fn abort_multipart(&self, key: &ObjectKey, upload_id: &str) -> Result<(), StoreError> {
        let result = self
            .client()
            .await
            .abort_multipart_upload()
            .bucket(&self.bucket)
            .key(key.as_str())
            .upload_id(upload_id)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err)
                if matches!(
                    err.as_service_error(),
                    Some(AbortMultipartUploadError::NoSuchUpload(_))
                ) || is_no_such_upload(&err) =>
            {
                Ok(())
            }
            Err(err) => Err(anyhow::Error::new(err)
                .context("Failed to abort a multipart upload in S3")
                .into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region, SharedCredentialsProvider};
    use url::Url;

    use super::*;

    /// Presigning happens offline: these look at what the SDK signs, which moto never checks.
    fn config(endpoint: Option<&str>) -> aws_types::SdkConfig {
        let mut builder = aws_types::SdkConfig::builder()
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
    async fn a_part_is_signed_for_its_upload_and_number_only() {
        let store = S3FileStore::from_conf(&config(None), "portal-files");

        let request = store
            .presign_part(&key(), "upload-1", 7, 16 << 20, Duration::from_secs(3600))
            .await
            .unwrap();

        assert_eq!(request.method, "PUT");
        let url = Url::parse(&request.url).unwrap();
        assert_eq!(query(&url, "uploadId").as_deref(), Some("upload-1"));
        assert_eq!(query(&url, "partNumber").as_deref(), Some("7"));
        assert_eq!(query(&url, "X-Amz-Expires").as_deref(), Some("3600"));
        assert!(query(&url, "X-Amz-Signature").is_some());
        // Nothing the browser must echo: a part's body is all it sends.
        assert!(request.headers.is_empty(), "{:?}", request.headers);
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
    async fn an_upload_form_is_signed_with_the_clients_credentials_for_its_region() {
        let store = S3FileStore::from_conf(&config(None), "portal-files");
        let before = Utc::now().trunc_subsecs(0);

        let post = store
            .presign_post(
                &key(),
                "application/pdf",
                1..=5_000,
                Duration::from_secs(900),
            )
            .await
            .unwrap();

        assert_eq!(
            post.url,
            "https://portal-files.s3.eu-central-1.amazonaws.com/"
        );
        assert_eq!(post.field("key"), Some(key().as_str()));
        assert_eq!(post.field("Content-Type"), Some("application/pdf"));
        let credential = post.field("x-amz-credential").unwrap();
        assert!(
            credential.starts_with("AKIDEXAMPLE/")
                && credential.ends_with("/eu-central-1/s3/aws4_request"),
            "{credential}"
        );
        let lifetime = (post.expires_at - before).num_seconds();
        assert!((900..=901).contains(&lifetime), "{lifetime}");
        // The form checks out under the very credentials and bucket it was signed for.
        let identity = SigningIdentity {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: SecretString::from("secret"),
            session_token: None,
            region: "eu-central-1".into(),
        };
        let verified =
            crate::post_policy::verify(&post.fields, 5_000, &identity, "portal-files", Utc::now());
        assert_eq!(verified.map(|v| v.key), Ok(key().as_str().to_owned()));
        let debug = format!("{post:?}");
        assert!(
            !debug.contains(post.field("x-amz-signature").unwrap()),
            "{debug}"
        );
    }

    #[tokio::test]
    async fn an_upload_form_goes_to_the_bucket_path_on_an_endpoint_override() {
        let store = S3FileStore::from_conf(&config(Some("http://127.0.0.1:5000/")), "b1");
        let post = store
            .presign_post(&key(), "text/plain", 1..=5, Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(post.url, "http://127.0.0.1:5000/b1");
    }

    #[tokio::test]
    async fn an_upload_form_refuses_a_content_type_that_would_forge_a_field() {
        let store = S3FileStore::from_conf(&config(None), "portal-files");
        let result = store
            .presign_post(
                &key(),
                "text/plain\r\nX-Evil: 1",
                1..=5,
                Duration::from_secs(60),
            )
            .await;
        assert!(
            matches!(result, Err(StoreError::Unexpected(_))),
            "{result:?}"
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

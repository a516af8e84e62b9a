//! One contract for every file store: `files_contract!` runs each case against a [`Files`]
//! made by the given expression, uploading and downloading over real HTTP with the signed
//! requests, so the local twin (served on a port of its own) and S3 on moto behave alike.
//!
//! What moto does not check (signatures, expiry, method, the signed Content-Type) is tested
//! on the local twin alone, in `tests/files_embedded.rs`.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use portal::{
    aws::S3FileStore,
    domain::{CustomerId, ObjectKey, TenantId, object_key::attachment_disposition},
    embedded::LocalFileStore,
    ports::{FileStore, MIN_PART_SIZE, PresignedPost, SignedRequest, StoreError, UploadedPart},
};
use ulid::Ulid;

#[macro_export]
macro_rules! files_contract {
    ($make:expr) => {
        $crate::files_contract!(@cases $make;
            an_upload_is_stored_with_its_size_and_content_type,
            a_download_returns_the_bytes_offered_under_the_download_name,
            a_second_upload_replaces_the_first,
            a_deleted_file_is_gone_and_deleting_it_again_succeeds,
            a_missing_file_has_no_info_and_its_download_is_not_found,
            keys_with_spaces_and_letters_beyond_ascii_round_trip,
            signed_requests_name_their_method_and_expiry,
            a_form_upload_is_stored_with_its_size_and_content_type,
            the_first_bytes_of_a_file_are_read_without_the_rest,
            a_multipart_upload_resumes_where_it_stopped_and_completes,
            an_aborted_multipart_upload_is_gone_and_aborting_again_succeeds,
            an_upload_id_the_store_never_made_reaches_nothing,
        );
    };
    (@cases $make:expr; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $case() {
                $crate::files_contract::$case($make.await).await;
            }
        )*
    };
}

/// A file store under test.
pub struct Files {
    pub store: Arc<dyn FileStore>,
    /// Whether a download carries the Content-Disposition its link asked for. S3 and the
    /// local twin do; moto ignores `response-content-disposition` (moto 5.2).
    pub serves_download_name: bool,
    /// Kept alive for the test's lifetime (the on-disk twin's directory).
    pub _dir: Option<tempfile::TempDir>,
}

const HOUR: Duration = Duration::from_secs(3600);

/// A key of its own for each case, as the uploads function will make them.
pub fn unique_key(file_name: &str) -> ObjectKey {
    ObjectKey::for_upload(
        TenantId::new(),
        CustomerId::new(),
        &Ulid::new().to_string(),
        file_name,
    )
    .expect("a valid upload key")
}

/// Sends `request` as a browser would: its method, URL and every header it names.
pub async fn send(request: &SignedRequest, body: Option<Vec<u8>>) -> reqwest::Response {
    let method = reqwest::Method::from_bytes(request.method.as_bytes()).expect("an HTTP method");
    let mut builder = reqwest::Client::new().request(method, &request.url);
    for (name, value) in &request.headers {
        builder = builder.header(name, value);
    }
    if let Some(body) = body {
        builder = builder.body(body);
    }
    builder.send().await.expect("the file endpoint answers")
}

/// POSTs `post`'s fields and then `bytes` as the part `file`, as a browser submits the form:
/// a real `multipart/form-data` body, built here so every byte of it is visible.
pub async fn post_form(post: &PresignedPost, file_type: &str, bytes: &[u8]) -> reqwest::Response {
    post_fields(&post.url, &post.fields, file_type, bytes).await
}

/// [`post_form`] with fields of the caller's choosing (tampered ones, say).
pub async fn post_fields(
    url: &str,
    fields: &[(String, String)],
    file_type: &str,
    bytes: &[u8],
) -> reqwest::Response {
    let boundary = format!("----portal{}", Ulid::new());
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload\"\r\nContent-Type: {file_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    reqwest::Client::new()
        .post(url)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("the upload endpoint answers")
}

pub async fn a_form_upload_is_stored_with_its_size_and_content_type(files: Files) {
    // Arrange
    let key = unique_key("Übersicht 2026.pdf");
    let bytes = b"%PDF-1.7 posted".to_vec();
    let post = files
        .store
        .presign_post(&key, "application/pdf", 1..=1024, Duration::from_secs(900))
        .await
        .expect("a form is signed");

    // Act
    let response = post_form(&post, "application/pdf", &bytes).await;

    // Assert
    assert!(
        response.status().is_success(),
        "{}: {}",
        response.status(),
        response.text().await.unwrap_or_default()
    );
    let info = files
        .store
        .head(&key)
        .await
        .unwrap()
        .expect("the file exists");
    assert_eq!(info.size, bytes.len() as u64);
    assert_eq!(info.content_type.as_deref(), Some("application/pdf"));
    assert_eq!(post.field("key"), Some(key.as_str()));
    let lifetime = (post.expires_at - Utc::now()).num_seconds();
    assert!((880..=900).contains(&lifetime), "{lifetime}");
}

pub async fn the_first_bytes_of_a_file_are_read_without_the_rest(files: Files) {
    let key = unique_key("Bild.png");
    let bytes: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    upload(&files, &key, "image/png", &bytes).await;
    let empty = unique_key("leer.txt");
    upload(&files, &empty, "text/plain", b"").await;

    let start = files.store.read_prefix(&key, 16).await.unwrap();
    let all = files.store.read_prefix(&key, 20_000).await.unwrap();
    let none = files
        .store
        .read_prefix(&unique_key("x.png"), 16)
        .await
        .unwrap();

    assert_eq!(start.as_deref(), Some(&bytes[..16]));
    assert_eq!(all.as_deref(), Some(&bytes[..]));
    assert_eq!(none, None);
    assert_eq!(
        files.store.read_prefix(&empty, 16).await.unwrap(),
        Some(Vec::new())
    );
}

async fn upload(files: &Files, key: &ObjectKey, content_type: &str, bytes: &[u8]) {
    let request = files
        .store
        .presign_upload(key, content_type, HOUR)
        .await
        .expect("an upload is presigned");
    let response = send(&request, Some(bytes.to_vec())).await;
    assert_eq!(
        response.status(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
}

pub async fn an_upload_is_stored_with_its_size_and_content_type(files: Files) {
    // Arrange
    let key = unique_key("Angebot.pdf");
    let bytes = b"%PDF-1.7 not really".to_vec();

    // Act
    upload(&files, &key, "application/pdf", &bytes).await;

    // Assert
    let info = files
        .store
        .head(&key)
        .await
        .unwrap()
        .expect("the file exists");
    assert_eq!(info.size, bytes.len() as u64);
    assert_eq!(info.content_type.as_deref(), Some("application/pdf"));
}

pub async fn a_download_returns_the_bytes_offered_under_the_download_name(files: Files) {
    // Arrange
    let key = unique_key("Grüße.txt");
    let bytes = "Grüße aus Köln\n".repeat(1000).into_bytes();
    upload(&files, &key, "text/plain; charset=utf-8", &bytes).await;

    // Act
    let request = files
        .store
        .presign_download(&key, "Grüße aus Köln.txt", HOUR)
        .await
        .unwrap();
    let response = send(&request, None).await;

    // Assert
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(response.bytes().await.unwrap().as_ref(), bytes.as_slice());
    assert_eq!(
        headers.get("content-type").and_then(|v| v.to_str().ok()),
        Some("text/plain; charset=utf-8")
    );
    if files.serves_download_name {
        let disposition = headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok());
        assert_eq!(
            disposition,
            Some(attachment_disposition("Grüße aus Köln.txt").as_str())
        );
        assert!(
            disposition.is_some_and(|d| d.contains("filename*=UTF-8''Gr%C3%BC%C3%9Fe")),
            "{disposition:?}"
        );
    }
}

pub async fn a_second_upload_replaces_the_first(files: Files) {
    let key = unique_key("logo.png");
    upload(&files, &key, "image/png", b"first version, longer").await;

    upload(&files, &key, "image/webp", b"second").await;

    let info = files.store.head(&key).await.unwrap().unwrap();
    assert_eq!(info.size, 6);
    assert_eq!(info.content_type.as_deref(), Some("image/webp"));
    let request = files
        .store
        .presign_download(&key, "logo.webp", HOUR)
        .await
        .unwrap();
    assert_eq!(
        send(&request, None).await.bytes().await.unwrap().as_ref(),
        b"second"
    );
}

pub async fn a_deleted_file_is_gone_and_deleting_it_again_succeeds(files: Files) {
    let key = unique_key("notes.txt");
    upload(&files, &key, "text/plain", b"bye").await;

    files.store.delete(&key).await.expect("the file is deleted");

    assert_eq!(files.store.head(&key).await.unwrap(), None);
    files
        .store
        .delete(&key)
        .await
        .expect("deleting a missing file succeeds");
}

pub async fn a_missing_file_has_no_info_and_its_download_is_not_found(files: Files) {
    let key = unique_key("never-uploaded.pdf");

    let info = files.store.head(&key).await.unwrap();
    let request = files
        .store
        .presign_download(&key, "never.pdf", HOUR)
        .await
        .unwrap();
    let response = send(&request, None).await;

    assert_eq!(info, None);
    // The local twin and S3 (when the role may s3:ListBucket) answer 404. moto 5.2 answers
    // 403: it mistakes the link's `response-content-disposition` for a signed
    // `content-disposition` header the request lacks. Either way nothing is served.
    let status = response.status();
    assert!(status == 404 || status == 403, "{status}");
}

pub async fn keys_with_spaces_and_letters_beyond_ascii_round_trip(files: Files) {
    // Not a sanitized upload key: the adapters must encode any valid key in their URLs.
    let key = ObjectKey::parse(&format!(
        "tests/{}/Grüße aus Köln & Co (1) +ü.txt",
        Ulid::new()
    ))
    .unwrap();
    upload(&files, &key, "text/plain", b"encoded").await;

    let info = files
        .store
        .head(&key)
        .await
        .unwrap()
        .expect("the file exists");
    let request = files
        .store
        .presign_download(&key, "x.txt", HOUR)
        .await
        .unwrap();
    let response = send(&request, None).await;

    assert_eq!(info.size, 7);
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().as_ref(), b"encoded");
}

pub async fn signed_requests_name_their_method_and_expiry(files: Files) {
    let key = unique_key("a.txt");
    let before = Utc::now();

    let up = files
        .store
        .presign_upload(&key, "text/plain", Duration::from_secs(900))
        .await
        .unwrap();
    let down = files
        .store
        .presign_download(&key, "a.txt", Duration::from_secs(900))
        .await
        .unwrap();

    assert_eq!(up.method, "PUT");
    assert_eq!(down.method, "GET");
    assert!(
        up.headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("content-type") && v == "text/plain"),
        "{:?}",
        up.headers
    );
    for request in [&up, &down] {
        let lifetime = (request.expires_at - before).num_seconds();
        assert!((898..=901).contains(&lifetime), "{lifetime}");
    }
}

/// PUTs `bytes` as part `number` through a presigned part URL, as the files page does.
pub async fn upload_part(
    files: &Files,
    key: &ObjectKey,
    upload_id: &str,
    number: u16,
    bytes: &[u8],
) -> UploadedPart {
    let request = files
        .store
        .presign_part(key, upload_id, number, MIN_PART_SIZE, HOUR)
        .await
        .expect("a part is presigned");
    assert_eq!(request.method, "PUT");
    let response = send(&request, Some(bytes.to_vec())).await;
    let status = response.status();
    let etag = response.headers().get("etag").cloned();
    assert_eq!(status, 200, "{}", response.text().await.unwrap_or_default());
    let etag = etag.expect("a part's ETag is exposed");
    UploadedPart {
        number,
        etag: etag.to_str().expect("an ASCII ETag").to_owned(),
        size: bytes.len() as u64,
    }
}

/// A first part of S3's smallest size (all but the last part must be at least that).
fn first_part() -> Vec<u8> {
    let mut bytes = b"PK\x03\x04".to_vec();
    bytes.resize(MIN_PART_SIZE as usize, b'a');
    bytes
}

pub async fn a_multipart_upload_resumes_where_it_stopped_and_completes(files: Files) {
    // Arrange: an upload whose first part arrived before the browser was closed.
    let key = unique_key("Großes Archiv.zip");
    let upload_id = files
        .store
        .create_multipart(&key, "application/zip")
        .await
        .unwrap();
    let (one, two) = (first_part(), b"the rest".to_vec());
    let first = upload_part(&files, &key, &upload_id, 1, &one).await;

    // Act: the page comes back, lists what arrived and sends only the rest.
    let listed = files.store.list_parts(&key, &upload_id).await.unwrap();
    assert_eq!(listed, std::slice::from_ref(&first));
    let second = upload_part(&files, &key, &upload_id, 2, &two).await;
    let parts = files.store.list_parts(&key, &upload_id).await.unwrap();
    assert_eq!(
        parts,
        [first, second],
        "the listing is what the uploads answered"
    );
    let etag = files
        .store
        .complete_multipart(&key, &upload_id, &parts)
        .await
        .unwrap();

    // Assert
    assert_eq!(parts.iter().map(|p| p.size).sum::<u64>(), MIN_PART_SIZE + 8);
    assert!(etag.trim_matches('"').ends_with("-2"), "{etag}");
    let info = files
        .store
        .head(&key)
        .await
        .unwrap()
        .expect("the file is stored");
    assert_eq!(info.size, MIN_PART_SIZE + 8);
    assert_eq!(info.content_type.as_deref(), Some("application/zip"));
    let prefix = files.store.read_prefix(&key, 4).await.unwrap();
    assert_eq!(prefix.as_deref(), Some(&b"PK\x03\x04"[..]));
    let request = files
        .store
        .presign_download(&key, "a.zip", HOUR)
        .await
        .unwrap();
    let body = send(&request, None).await.bytes().await.unwrap();
    assert_eq!(&body[..MIN_PART_SIZE as usize], &one[..]);
    assert_eq!(&body[MIN_PART_SIZE as usize..], &two[..]);
    assert!(matches!(
        files.store.list_parts(&key, &upload_id).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn an_aborted_multipart_upload_is_gone_and_aborting_again_succeeds(files: Files) {
    // Arrange
    let key = unique_key("big.zip");
    let upload_id = files
        .store
        .create_multipart(&key, "application/zip")
        .await
        .unwrap();
    upload_part(&files, &key, &upload_id, 1, b"abc").await;

    // Act
    files.store.abort_multipart(&key, &upload_id).await.unwrap();
    let again = files.store.abort_multipart(&key, &upload_id).await;

    // Assert
    assert!(again.is_ok(), "{again:?}");
    assert!(matches!(
        files.store.list_parts(&key, &upload_id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(files.store.head(&key).await.unwrap(), None);
}

pub async fn an_upload_id_the_store_never_made_reaches_nothing(files: Files) {
    // Arrange: a real upload of another key, and ids a client might make up.
    let key = unique_key("big.zip");
    let theirs = files
        .store
        .create_multipart(&unique_key("theirs.zip"), "application/zip")
        .await
        .unwrap();

    for made_up in [
        Ulid::new().to_string(),
        "../../../etc".to_owned(),
        theirs.clone() + "x",
    ] {
        // Act
        let listed = files.store.list_parts(&key, &made_up).await;
        let completed = files.store.complete_multipart(&key, &made_up, &[]).await;

        // Assert
        assert!(
            matches!(listed, Err(StoreError::NotFound)),
            "{made_up}: {listed:?}"
        );
        assert!(completed.is_err(), "{made_up}");
        assert_eq!(files.store.head(&key).await.unwrap(), None);
    }
}

/// The local twin in memory, served on 127.0.0.1 with an OS-chosen port.
pub async fn local_in_memory() -> Files {
    Files {
        store: serve_local(LocalFileStore::in_memory).await,
        serves_download_name: true,
        _dir: None,
    }
}

/// The local twin on disk in a temporary directory.
pub async fn local_on_disk() -> Files {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store =
        serve_local(|base| LocalFileStore::open(dir.path(), base).expect("the store opens")).await;
    Files {
        store,
        serves_download_name: true,
        _dir: Some(dir),
    }
}

/// Serves the store made by `make` (given its base URL) as the local runner would, with the
/// app's problem+json fallbacks, and returns it.
pub async fn serve_local(make: impl FnOnce(url::Url) -> LocalFileStore) -> Arc<LocalFileStore> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port on loopback");
    let addr = listener.local_addr().expect("a bound address");
    let base = url::Url::parse(&format!("http://{addr}")).expect("a base URL");
    let store = Arc::new(make(base));
    let app = portal::http::finish_router(portal_infra::files_server::router(store.clone()));
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("the server runs");
    });
    store
}

/// S3 on moto's server with the real SDK client, in a bucket of its own, through
/// [`crate::moto::s3_endpoint`] (which gives two of moto's answers S3's XML roots).
pub async fn moto() -> Files {
    let config = portal::aws::config::load(Some(&crate::moto::s3_endpoint().await)).await;
    let store = S3FileStore::from_conf(&config, fresh_bucket(&config).await);
    Files {
        store: Arc::new(store),
        serves_download_name: false,
        _dir: None,
    }
}

/// A new bucket with a unique name, so cases run in parallel against one moto.
pub async fn fresh_bucket(config: &aws_config::SdkConfig) -> String {
    let bucket = format!("portal-files-{}", Ulid::new().to_string().to_lowercase());
    let client = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(config)
            .force_path_style(true)
            .build(),
    );
    client
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("moto creates the bucket");
    bucket
}

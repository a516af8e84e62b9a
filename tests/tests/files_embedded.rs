//! The file contract against the local twin, in memory and on disk, and the rules of signed
//! requests that only the twin can show: moto accepts a tampered or expired signature,
//! another method and another Content-Type (AWS-LOCAL.md, S3), so they are tested here,
//! over real HTTP against the twin's routes.

mod in_memory {
    portal_tests::files_contract!(portal_tests::files_contract::local_in_memory());
}

mod on_disk {
    portal_tests::files_contract!(portal_tests::files_contract::local_on_disk());
}

use std::{sync::Arc, time::Duration};

use portal::{
    embedded::LocalFileStore,
    ports::{FileStore, PresignedPost, SignedRequest},
};
use portal_tests::files_contract::{post_fields, post_form, send, serve_local, unique_key};
use testkit::TestClock;

const MINUTE: Duration = Duration::from_secs(60);

/// `request` with one query parameter's value replaced.
fn with_param(request: &SignedRequest, name: &str, value: &str) -> SignedRequest {
    let mut url = url::Url::parse(&request.url).unwrap();
    let pairs: Vec<(String, String)> = url
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == name {
                value.to_owned()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    url.query_pairs_mut().clear().extend_pairs(pairs);
    SignedRequest {
        url: url.into(),
        ..request.clone()
    }
}

fn param(request: &SignedRequest, name: &str) -> String {
    url::Url::parse(&request.url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap()
}

/// Asserts a 403 problem+json and returns its detail.
async fn refused(response: reqwest::Response) -> String {
    assert_eq!(response.status(), 403);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["type"], "/problems/file-link-refused");
    assert_eq!(problem["status"], 403);
    problem["detail"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_tampered_signature_is_refused_with_403() {
    // Arrange
    let store = serve_local(LocalFileStore::in_memory).await;
    let key = unique_key("a.txt");
    let request = store
        .presign_upload(&key, "text/plain", MINUTE)
        .await
        .unwrap();
    let sig = param(&request, "sig");
    let flipped = if sig.ends_with('0') { "1" } else { "0" };
    let tampered = with_param(
        &request,
        "sig",
        &format!("{}{flipped}", &sig[..sig.len() - 1]),
    );

    // Act
    let response = send(&tampered, Some(b"x".to_vec())).await;

    // Assert
    assert!(refused(response).await.contains("signature"));
    assert_eq!(store.head(&key).await.unwrap(), None, "nothing was stored");
}

#[tokio::test]
async fn a_link_whose_signed_details_were_changed_is_refused_with_403() {
    let store = serve_local(LocalFileStore::in_memory).await;
    let key = unique_key("a.txt");
    let request = store
        .presign_upload(&key, "text/plain", MINUTE)
        .await
        .unwrap();
    let later = (request.expires_at.timestamp() + 3600).to_string();

    // A longer life, and another content type sent to match the changed link.
    let longer = with_param(&request, "expires", &later);
    let mut other_type = with_param(&request, "ct", "text/html");
    other_type.headers = vec![("content-type".into(), "text/html".into())];

    for tampered in [longer, other_type] {
        let response = send(&tampered, Some(b"x".to_vec())).await;
        assert!(refused(response).await.contains("signature"));
    }
    assert_eq!(store.head(&key).await.unwrap(), None);
}

#[tokio::test]
async fn an_expired_link_is_refused_with_403() {
    // Arrange: links made now, used after their expiry.
    let clock = Arc::new(TestClock::stopped());
    let store = serve_local(|base| LocalFileStore::in_memory(base).with_clock(clock.clone())).await;
    let key = unique_key("a.txt");
    let upload = store
        .presign_upload(&key, "text/plain", MINUTE)
        .await
        .unwrap();
    let download = store.presign_download(&key, "a.txt", MINUTE).await.unwrap();
    assert_eq!(send(&upload, Some(b"in time".to_vec())).await.status(), 200);

    // Act
    clock.set(upload.expires_at);
    let late_upload = send(&upload, Some(b"too late".to_vec())).await;
    let late_download = send(&download, None).await;

    // Assert
    assert!(refused(late_upload).await.contains("expired"));
    assert!(refused(late_download).await.contains("expired"));
    assert_eq!(
        store.head(&key).await.unwrap().unwrap().size,
        7,
        "the first upload stays"
    );
}

#[tokio::test]
async fn a_link_used_with_another_method_is_refused_with_403() {
    let store = serve_local(LocalFileStore::in_memory).await;
    let key = unique_key("a.txt");
    let upload = store
        .presign_upload(&key, "text/plain", MINUTE)
        .await
        .unwrap();
    assert_eq!(send(&upload, Some(b"data".to_vec())).await.status(), 200);
    let download = store.presign_download(&key, "a.txt", MINUTE).await.unwrap();

    let upload_link_to_read = SignedRequest {
        method: "GET".into(),
        headers: vec![],
        ..upload.clone()
    };
    let download_link_to_write = SignedRequest {
        method: "PUT".into(),
        headers: vec![("content-type".into(), "text/plain".into())],
        ..download.clone()
    };

    let read = send(&upload_link_to_read, None).await;
    let write = send(&download_link_to_write, Some(b"overwritten".to_vec())).await;

    assert!(refused(read).await.contains("for PUT, not GET"));
    assert!(refused(write).await.contains("for GET, not PUT"));
    assert_eq!(store.head(&key).await.unwrap().unwrap().size, 4);
}

#[tokio::test]
async fn an_upload_with_another_or_no_content_type_is_refused_with_403() {
    let store = serve_local(LocalFileStore::in_memory).await;
    let key = unique_key("a.pdf");
    let request = store
        .presign_upload(&key, "application/pdf", MINUTE)
        .await
        .unwrap();

    let other = SignedRequest {
        headers: vec![("content-type".into(), "text/html".into())],
        ..request.clone()
    };
    let none = SignedRequest {
        headers: vec![],
        ..request.clone()
    };

    for attempt in [other, none] {
        let detail = refused(send(&attempt, Some(b"<script>".to_vec())).await).await;
        assert!(detail.contains("Content-Type: application/pdf"), "{detail}");
    }
    assert_eq!(store.head(&key).await.unwrap(), None);
}

#[tokio::test]
async fn the_upload_limit_is_the_routes_own_not_the_apps_json_limit() {
    // Above the app's 64 KiB limit for JSON bodies, which `serve_local` applies as the
    // runner does: the route's own limit must win.
    let limit = 4 * portal::http::MAX_JSON_BODY;
    let store = serve_local(|base| LocalFileStore::in_memory(base).with_max_upload(limit)).await;
    let key = unique_key("big.bin");
    let request = store
        .presign_upload(&key, "application/octet-stream", MINUTE)
        .await
        .unwrap();

    let too_large = send(&request, Some(vec![0; limit + 1])).await;

    assert_eq!(too_large.status(), 413);
    let problem: serde_json::Value = too_large.json().await.unwrap();
    assert_eq!(problem["type"], "/problems/payload-too-large");
    assert_eq!(store.head(&key).await.unwrap(), None);
    let fits = send(&request, Some(vec![0; limit])).await;
    assert_eq!(fits.status(), 200);
    assert_eq!(store.head(&key).await.unwrap().unwrap().size, limit as u64);
}

#[tokio::test]
async fn a_download_of_a_missing_file_is_a_404_problem() {
    let store = serve_local(LocalFileStore::in_memory).await;
    let request = store
        .presign_download(&unique_key("a.txt"), "a.txt", MINUTE)
        .await
        .unwrap();

    let response = send(&request, None).await;

    assert_eq!(response.status(), 404);
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["type"], "/problems/file-not-found");
}

#[tokio::test]
async fn a_path_that_is_no_valid_key_is_not_found() {
    let store = serve_local(LocalFileStore::in_memory).await;
    let request = store
        .presign_download(&unique_key("a.txt"), "a.txt", MINUTE)
        .await
        .unwrap();
    let url = request.url.replacen("/uploads/", "/uploads//", 1);

    let response = reqwest::get(&url).await.unwrap();

    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn on_disk_a_file_is_its_key_under_files_and_links_survive_a_restart() {
    // Arrange
    let dir = tempfile::tempdir().unwrap();
    let before = serve_local(|base| LocalFileStore::open(dir.path(), base).unwrap()).await;
    let key = unique_key("Bäckerei Logo.svg");
    let upload = before
        .presign_upload(&key, "image/svg+xml", MINUTE)
        .await
        .unwrap();
    let download = before
        .presign_download(&key, "Logo.svg", MINUTE)
        .await
        .unwrap();
    assert_eq!(send(&upload, Some(b"<svg/>".to_vec())).await.status(), 200);

    // Act: another process on the same directory, at the same address.
    let after = LocalFileStore::open(
        dir.path(),
        url::Url::parse("http://unused.invalid").unwrap(),
    )
    .unwrap();
    let path = download.url.split_once('?').unwrap().0;
    let query = download.url.split_once('?').unwrap().1;
    let verdict = after.verify("GET", &key, query, None);

    // Assert
    assert!(verdict.is_ok(), "{verdict:?} for {path}");
    let on_disk = dir.path().join("files").join(key.as_str());
    assert_eq!(std::fs::read(on_disk).unwrap(), b"<svg/>");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("files.secret"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let info = after.head(&key).await.unwrap().unwrap();
    assert_eq!(info.content_type.as_deref(), Some("image/svg+xml"));
}

/// Asserts a refused form (problem+json with `status`, `kind`) and returns its detail.
async fn form_refused(response: reqwest::Response, status: u16, kind: &str) -> String {
    assert_eq!(response.status(), status);
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["type"], format!("/problems/{kind}"));
    problem["detail"].as_str().unwrap_or_default().to_owned()
}

fn set_field(post: &PresignedPost, name: &str, value: &str) -> Vec<(String, String)> {
    post.fields
        .iter()
        .map(|(n, v)| {
            let v = if n == name { value } else { v.as_str() };
            (n.clone(), v.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn a_form_upload_outside_the_size_range_is_refused_and_stores_nothing() {
    let store = serve_local(LocalFileStore::in_memory).await;
    let key = unique_key("a.txt");
    let post = store
        .presign_post(&key, "text/plain", 2..=10, MINUTE)
        .await
        .unwrap();

    let too_large = post_form(&post, "text/plain", b"eleven byte").await;
    let too_small = post_form(&post, "text/plain", b"1").await;

    form_refused(too_large, 400, "file-size-out-of-range").await;
    form_refused(too_small, 400, "file-size-out-of-range").await;
    assert_eq!(store.head(&key).await.unwrap(), None);
    assert_eq!(
        post_form(&post, "text/plain", b"ten bytes!").await.status(),
        204
    );
    assert_eq!(store.head(&key).await.unwrap().unwrap().size, 10);
}

#[tokio::test]
async fn a_form_with_another_key_type_or_signature_is_refused_with_403() {
    let store = serve_local(LocalFileStore::in_memory).await;
    let key = unique_key("a.pdf");
    let other = unique_key("b.pdf");
    let post = store
        .presign_post(&key, "application/pdf", 1..=100, MINUTE)
        .await
        .unwrap();
    let cases = [
        ("key", other.as_str().to_owned(), "key"),
        ("Content-Type", "text/html".to_owned(), "Content-Type"),
        ("x-amz-signature", "0".repeat(64), "signature"),
        ("x-amz-date", "20200101T000000Z".to_owned(), "credentials"),
    ];

    for (field, value, mention) in cases {
        let fields = set_field(&post, field, &value);
        let response = post_fields(&post.url, &fields, "application/pdf", b"%PDF").await;
        let detail = form_refused(response, 403, "upload-form-refused").await;
        assert!(detail.contains(mention), "{field}: {detail}");
    }
    let mut extra = post.fields.clone();
    extra.insert(0, ("acl".to_owned(), "public-read".to_owned()));
    let response = post_fields(&post.url, &extra, "application/pdf", b"%PDF").await;
    assert!(
        form_refused(response, 403, "upload-form-refused")
            .await
            .contains("acl")
    );
    assert_eq!(store.head(&key).await.unwrap(), None);
    assert_eq!(store.head(&other).await.unwrap(), None);
}

#[tokio::test]
async fn an_expired_form_is_refused_with_403() {
    let clock = Arc::new(TestClock::stopped());
    let store = serve_local(|base| LocalFileStore::in_memory(base).with_clock(clock.clone())).await;
    let key = unique_key("a.txt");
    let post = store
        .presign_post(&key, "text/plain", 1..=100, Duration::from_secs(900))
        .await
        .unwrap();

    clock.set(post.expires_at);
    let response = post_form(&post, "text/plain", b"late").await;

    assert!(
        form_refused(response, 403, "upload-form-refused")
            .await
            .contains("expired")
    );
    assert_eq!(store.head(&key).await.unwrap(), None);
}

#[tokio::test]
async fn a_form_without_a_file_part_is_a_clear_400() {
    let store = serve_local(LocalFileStore::in_memory).await;
    let post = store
        .presign_post(&unique_key("a.txt"), "text/plain", 1..=100, MINUTE)
        .await
        .unwrap();
    let response = reqwest::Client::new()
        .post(&post.url)
        .header("content-type", "multipart/form-data; boundary=x")
        .body("--x\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--x--\r\n")
        .send()
        .await
        .unwrap();
    form_refused(response, 400, "unreadable-body").await;
}

#[tokio::test]
async fn a_part_link_is_checked_as_s3_checks_a_presigned_upload_part() {
    // Arrange: an upload of one key, another of another key, and a part link of each.
    let clock = Arc::new(TestClock::stopped());
    let store = serve_local(|base| LocalFileStore::in_memory(base).with_clock(clock.clone())).await;
    let (key, other) = (unique_key("big.zip"), unique_key("theirs.zip"));
    let upload_id = store
        .create_multipart(&key, "application/zip")
        .await
        .unwrap();
    let theirs = store
        .create_multipart(&other, "application/zip")
        .await
        .unwrap();
    let part = store
        .presign_part(&key, &upload_id, 1, 10, MINUTE)
        .await
        .unwrap();

    // Act + Assert: a changed signature, part number, size or upload is refused.
    for (name, value) in [
        ("sig", "0".repeat(64)),
        ("part", format!("{upload_id}:2:10")),
        ("part", format!("{upload_id}:1:999")),
        ("part", format!("{theirs}:1:10")),
    ] {
        let response = send(&with_param(&part, name, &value), Some(b"abc".to_vec())).await;
        assert!(
            refused(response).await.contains("signature"),
            "{name}={value}"
        );
    }
    // A body larger than the link allows.
    let too_large = send(&part, Some(vec![b'a'; 11])).await;
    assert_eq!(too_large.status(), 413);
    // A part link for another key's upload finds no upload of this key.
    let crossed = store
        .presign_part(&key, &theirs, 1, 10, MINUTE)
        .await
        .unwrap();
    assert_eq!(send(&crossed, Some(b"abc".to_vec())).await.status(), 404);
    // An upload link whose Content-Type reads like a part's detail can't pass as a part
    // link: the signature covers the kind of link.
    let detail = format!("{upload_id}:1:10");
    let upload = store.presign_upload(&key, &detail, MINUTE).await.unwrap();
    let mut as_part = upload.clone();
    as_part.url = as_part
        .url
        .replace("/_local/files/", "/_local/uploads/parts/")
        .replace("ct=", "part=");
    as_part.headers.clear();
    assert!(
        refused(send(&as_part, Some(b"abc".to_vec())).await)
            .await
            .contains("signature")
    );
    // After its expiry.
    clock.set(part.expires_at);
    let late = send(&part, Some(b"abc".to_vec())).await;
    assert!(refused(late).await.contains("expired"));
    assert!(store.list_parts(&key, &upload_id).await.unwrap().is_empty());
    assert!(store.list_parts(&other, &theirs).await.unwrap().is_empty());
}

//! DynamoDB on moto's server. `infra/test.sh` starts moto and sets `MOTO_ENDPOINT`.

use std::sync::Arc;

use portal::{
    aws::{dynamodb_items::DynamoDbItems, dynamodb_table},
    ports::Store,
    store::ItemStore,
};

pub fn endpoint() -> String {
    std::env::var("MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "MOTO_ENDPOINT is not set. Run the tests with infra/test.sh, which installs and starts \
             moto's server, or start `moto_server -H 127.0.0.1 -p 5000` and set \
             MOTO_ENDPOINT=http://127.0.0.1:5000"
        )
    })
}

pub async fn client() -> aws_sdk_dynamodb::Client {
    portal_infra::backend::dynamodb_client(Some(&endpoint())).await
}

/// A fresh table of its own, so tests run in parallel against one moto without a reset.
pub async fn fresh_table() -> (aws_sdk_dynamodb::Client, String) {
    let client = client().await;
    let table = format!(
        "portal-test-{}",
        ulid::Ulid::new().to_string().to_lowercase()
    );
    dynamodb_table::create_table(&client, &table)
        .await
        .expect("moto creates the table");
    (client, table)
}

/// The item store on DynamoDB on moto, in a fresh table.
pub async fn dynamodb_store() -> Arc<dyn Store> {
    crate::contract::NO_CONCURRENT_TRANSACTIONS.store(true, std::sync::atomic::Ordering::Relaxed);
    let (client, table) = fresh_table().await;
    Arc::new(ItemStore::new(Arc::new(DynamoDbItems::new(client, table))))
}

/// The XML roots moto (5.2) gives S3 answers that the Rust SDK refuses, and S3's own.
const S3_ROOTS: [(&str, &str); 2] = [
    ("ListPartsResponse", "ListPartsResult"),
    (
        "CompleteMultipartUploadResponse",
        "CompleteMultipartUploadResult",
    ),
];

/// An endpoint in front of moto that passes every request on and gives the answers to
/// ListParts and CompleteMultipartUpload S3's XML roots (moto names them `…Response`, which
/// botocore ignores and the Rust SDK refuses), so the multipart contract runs whole on moto.
/// Nothing else is changed: moto still checks no signature.
pub async fn s3_endpoint() -> String {
    use axum::{body::Bytes, extract::Request, http::StatusCode, response::IntoResponse};

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port on loopback");
    let addr = listener.local_addr().expect("a bound address");
    let moto = endpoint();
    let http = reqwest::Client::new();
    // moto tracks every object it ever made, the parts of multipart uploads included, and
    // `data.json` (where the delivery tests read sent mail) reads each one's Glacier-restore
    // status, which moves on when read and then looks up the object's bucket: a part has
    // none, so the read fails. Restores move on only when asked (never, here); the portal
    // restores nothing.
    http.post(format!("{moto}/moto-api/state-manager/set-transition"))
        .json(&serde_json::json!({
            "model_name": "s3::keyrestore",
            "transition": {"progression": "manual", "times": 1_000_000_000_u64},
        }))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("moto takes the transition");
    let app = axum::Router::new().fallback(move |request: Request| {
        let (moto, http) = (moto.clone(), http.clone());
        async move {
            let (parts, body) = request.into_parts();
            let body = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let mut forward = http.request(parts.method.clone(), format!("{moto}{path}"));
            for (name, value) in &parts.headers {
                if name != "host" && name != "content-length" {
                    forward = forward.header(name, value);
                }
            }
            let Ok(answer) = forward.body(body).send().await else {
                return StatusCode::BAD_GATEWAY.into_response();
            };
            let status = answer.status();
            let mut headers = answer.headers().clone();
            headers.remove("transfer-encoding");
            let mut bytes = answer.bytes().await.unwrap_or_default().to_vec();
            let text = std::str::from_utf8(&bytes).unwrap_or_default();
            if S3_ROOTS
                .iter()
                .any(|(root, _)| text.contains(&format!("<{root}")))
            {
                let mut text = text.to_owned();
                for (moto_root, s3_root) in S3_ROOTS {
                    text = text
                        .replace(&format!("<{moto_root}"), &format!("<{s3_root}"))
                        .replace(&format!("</{moto_root}>"), &format!("</{s3_root}>"));
                }
                // A HEAD's Content-Length is the object's size; only a rewritten body's changes.
                headers.remove("content-length");
                bytes = text.into_bytes();
            }
            (status, headers, Bytes::from(bytes)).into_response()
        }
    });
    tokio::spawn(async move {
        axum::serve(listener, app)
            .await
            .expect("the endpoint serves");
    });
    format!("http://{addr}")
}

//! Counts AWS calls by standing between a function and moto: the function's endpoint is this
//! proxy, which forwards every request unchanged and records which operation it was and when
//! it ran. It sees what the release binary really sends, with no hook in the functions.

use std::{
    sync::{Arc, Mutex},
    time::Instant,
};

use axum::{
    Router,
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode},
    response::{IntoResponse, Response},
};

/// One AWS call: `service:Operation` and when it started and ended.
#[derive(Debug, Clone)]
pub struct Call {
    pub operation: String,
    pub start: Instant,
    pub end: Instant,
    /// DynamoDB capacity the call would consume on AWS, estimated from what it sent and got
    /// (see [`capacity`]).
    pub read_units: f64,
    pub write_units: f64,
}

#[derive(Clone)]
pub struct Proxy {
    upstream: String,
    client: reqwest::Client,
    calls: Arc<Mutex<Vec<Forwarded>>>,
}

/// What [`forward`] keeps of one call. Naming the operation and estimating its capacity
/// parse what was sent (the capacity a JSON body): done in [`Proxy::take`], after the
/// measurement, since in the handler that work ran after `end` and before the answer went
/// back, and a cold start counted it as the function's own time.
struct Forwarded {
    method: Method,
    uri: String,
    headers: HeaderMap,
    body: Bytes,
    answered_bytes: usize,
    start: Instant,
    end: Instant,
}

impl Proxy {
    /// Serves on `listener`, forwarding to `upstream` (moto's `http://host:port`).
    pub async fn serve(
        listener: tokio::net::TcpListener,
        upstream: &str,
    ) -> anyhow::Result<(Self, String)> {
        let proxy = Self {
            upstream: upstream.trim_end_matches('/').to_owned(),
            client: reqwest::Client::builder().no_proxy().build()?,
            calls: Arc::default(),
        };
        let address = format!("http://{}", listener.local_addr()?);
        let app = Router::new().fallback(forward).with_state(proxy.clone());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Ok((proxy, address))
    }

    /// The calls recorded since the last `take`.
    pub fn take(&self) -> Vec<Call> {
        let forwarded = std::mem::take(&mut *self.calls.lock().unwrap());
        forwarded
            .into_iter()
            .map(|f| {
                let operation = operation(&f.method, &f.uri, &f.headers, &f.body);
                let (read_units, write_units) = capacity(&operation, &f.body, f.answered_bytes);
                Call {
                    operation,
                    start: f.start,
                    end: f.end,
                    read_units,
                    write_units,
                }
            })
            .collect()
    }
}

/// The calls a request made one after another: a call that starts before an earlier one
/// has ended ran beside it and adds no round trip.
pub fn sequential_round_trips(calls: &[Call]) -> usize {
    let mut calls: Vec<_> = calls.iter().collect();
    calls.sort_by_key(|c| c.start);
    let mut rounds = 0;
    let mut busy_until: Option<Instant> = None;
    for call in calls {
        match busy_until {
            Some(until) if call.start < until => busy_until = Some(until.max(call.end)),
            _ => {
                rounds += 1;
                busy_until = Some(call.end);
            }
        }
    }
    rounds
}

/// `service:Operation` from what the SDK sends: DynamoDB names it in `X-Amz-Target`, the
/// query protocols (SNS) in `Action=`, SES v2 and S3 (REST) by method and path.
fn operation(method: &Method, uri: &str, headers: &HeaderMap, body: &[u8]) -> String {
    let service = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split('/').nth(3))
        .unwrap_or("unknown")
        .to_owned();
    if let Some(target) = headers.get("x-amz-target").and_then(|v| v.to_str().ok()) {
        let op = target.rsplit('.').next().unwrap_or(target);
        return format!("{service}:{op}");
    }
    let text = String::from_utf8_lossy(body);
    if let Some(action) = text
        .split('&')
        .find_map(|pair| pair.strip_prefix("Action="))
    {
        return format!("{service}:{action}");
    }
    let path = uri.split('?').next().unwrap_or(uri);
    match (service.as_str(), method.as_str()) {
        ("ses", "POST") if path.ends_with("/outbound-emails") => "ses:SendEmail".to_owned(),
        ("s3", m) => {
            let object = path.trim_start_matches('/').contains('/');
            let op = match (m, object) {
                ("GET", true) => "GetObject",
                ("GET", false) => "ListObjects",
                ("HEAD", true) => "HeadObject",
                ("HEAD", false) => "HeadBucket",
                ("PUT", true) if uri.contains("tagging") => "PutObjectTagging",
                ("PUT", true) => "PutObject",
                ("PUT", false) => "CreateBucket",
                ("DELETE", true) => "DeleteObject",
                ("POST", _) if uri.contains("delete") => "DeleteObjects",
                _ => "Other",
            };
            format!("s3:{op}")
        }
        (service, m) => format!("{service}:{m} {path}"),
    }
}

async fn forward(State(proxy): State<Proxy>, request: Request) -> Response {
    let start = Instant::now();
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, 64 << 20).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let uri = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let mut outgoing = proxy
        .client
        .request(parts.method.clone(), format!("{}{}", proxy.upstream, uri));
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            outgoing = outgoing.header(name, value);
        }
    }
    let answer = outgoing.body(body.clone()).send().await;
    let mut answered_bytes = 0;
    let response = match answer {
        Ok(answer) => {
            let status = answer.status();
            let headers = answer.headers().clone();
            let bytes: Bytes = answer.bytes().await.unwrap_or_default();
            answered_bytes = bytes.len();
            let mut response = Response::new(Body::from(bytes));
            *response.status_mut() = status;
            // A HEAD answer's length is the object's, not its (empty) body's: S3's HeadObject
            // says the size there.
            let head = parts.method == Method::HEAD;
            for (name, value) in &headers {
                let length = name == "content-length";
                if (head || !length) && name != "transfer-encoding" && name != "connection" {
                    response.headers_mut().append(name, value.clone());
                }
            }
            response
        }
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    };
    let end = Instant::now();
    proxy.calls.lock().unwrap().push(Forwarded {
        method: parts.method,
        uri,
        headers: parts.headers,
        body,
        answered_bytes,
        start,
        end,
    });
    response
}

/// On-demand capacity units an operation costs on AWS: a read 1 unit per 4 KB returned
/// (half for an eventually consistent one), a write 1 unit per KB sent, and every item of a
/// transaction twice.
pub fn capacity(operation: &str, request: &[u8], answered_bytes: usize) -> (f64, f64) {
    let Some(op) = operation.strip_prefix("dynamodb:") else {
        return (0.0, 0.0);
    };
    let body: serde_json::Value = serde_json::from_slice(request).unwrap_or_default();
    let consistent = body["ConsistentRead"].as_bool() == Some(true);
    let per_read = if consistent { 1.0 } else { 0.5 };
    let reads_of = |bytes: usize| (bytes.max(1) as f64 / 4096.0).ceil() * per_read;
    let items = |key: &str| body[key].as_array().map_or(0, Vec::len) as f64;
    match op {
        "GetItem" | "Query" | "Scan" => (reads_of(answered_bytes), 0.0),
        "PutItem" | "UpdateItem" | "DeleteItem" => {
            (0.0, (request.len().max(1) as f64 / 1024.0).ceil())
        }
        "TransactWriteItems" => (0.0, 2.0 * items("TransactItems")),
        "TransactGetItems" => (2.0 * items("TransactItems"), 0.0),
        "BatchGetItem" => (reads_of(answered_bytes), 0.0),
        "BatchWriteItem" => {
            let n: usize = body["RequestItems"].as_object().map_or(0, |tables| {
                tables
                    .values()
                    .filter_map(|v| v.as_array())
                    .map(Vec::len)
                    .sum()
            });
            (0.0, n as f64)
        }
        _ => (0.0, 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn call(start_ms: u64, end_ms: u64, base: Instant) -> Call {
        Call {
            operation: "dynamodb:GetItem".into(),
            start: base + Duration::from_millis(start_ms),
            end: base + Duration::from_millis(end_ms),
            read_units: 0.0,
            write_units: 0.0,
        }
    }

    #[test]
    fn calls_that_overlap_count_as_one_round_trip() {
        let base = Instant::now();
        let calls = [
            call(0, 5, base),
            call(1, 6, base),
            call(7, 9, base),
            call(10, 12, base),
        ];
        assert_eq!(sequential_round_trips(&calls), 3);
        assert_eq!(sequential_round_trips(&[]), 0);
    }

    #[test]
    fn transactions_cost_two_write_units_per_item_and_consistent_reads_a_whole_unit() {
        let tx = br#"{"TransactItems":[{"Put":{}},{"ConditionCheck":{}}]}"#;
        assert_eq!(capacity("dynamodb:TransactWriteItems", tx, 10), (0.0, 4.0));
        let get = br#"{"ConsistentRead":true}"#;
        assert_eq!(capacity("dynamodb:GetItem", get, 5000), (2.0, 0.0));
        assert_eq!(capacity("dynamodb:Query", b"{}", 100), (0.5, 0.0));
        assert_eq!(capacity("ses:SendEmail", b"{}", 100), (0.0, 0.0));
    }

    #[test]
    fn operations_are_named_by_service_and_action() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=local/20261129/us-east-1/dynamodb/aws4_request, SignedHeaders=host"
                .parse()
                .unwrap(),
        );
        headers.insert(
            "x-amz-target",
            "DynamoDB_20120810.TransactWriteItems".parse().unwrap(),
        );
        assert_eq!(
            operation(&Method::POST, "/", &headers, b"{}"),
            "dynamodb:TransactWriteItems"
        );
        headers.remove("x-amz-target");
        headers.insert(
            "authorization",
            "AWS4-HMAC-SHA256 Credential=local/20261129/us-east-1/sns/aws4_request"
                .parse()
                .unwrap(),
        );
        assert_eq!(
            operation(
                &Method::POST,
                "/",
                &headers,
                b"Action=Publish&Version=2010-03-31"
            ),
            "sns:Publish"
        );
    }
}

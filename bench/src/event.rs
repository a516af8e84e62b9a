//! API Gateway HTTP API (payload 2.0) events, shaped as API Gateway sends them to a function.

use serde_json::{Value, json};

/// One request: method, path with its query, headers (lower-case names) and body.
pub fn http_event(
    method: &str,
    path_and_query: &str,
    headers: &[(String, String)],
    body: Option<&str>,
    route_key: &str,
) -> Value {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut header_map = serde_json::Map::new();
    header_map.insert("host".into(), json!("portal.bench.example"));
    header_map.insert("user-agent".into(), json!("portal-bench"));
    header_map.insert("x-forwarded-proto".into(), json!("https"));
    let mut cookies = Vec::new();
    for (name, value) in headers {
        if name == "cookie" {
            cookies.extend(value.split("; ").map(|c| json!(c)));
        } else {
            header_map.insert(name.clone(), json!(value));
        }
    }
    let mut query_map = serde_json::Map::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let decode = |s: &str| {
            percent_encoding::percent_decode_str(&s.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        };
        query_map.insert(decode(k), json!(decode(v)));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as u64;
    let mut event = json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": query,
        "headers": header_map,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "bench",
            "domainName": "portal.bench.example",
            "domainPrefix": "portal",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "portal-bench"
            },
            "requestId": "bench",
            "routeKey": route_key,
            "stage": "$default",
            "time": "29/Nov/2026:19:00:00 +0000",
            "timeEpoch": now
        },
        "isBase64Encoded": false
    });
    if !query_map.is_empty() {
        event["queryStringParameters"] = Value::Object(query_map);
    }
    if !cookies.is_empty() {
        event["cookies"] = Value::Array(cookies);
    }
    if let Some(body) = body {
        event["body"] = json!(body);
    }
    event
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_strings_become_parameters_and_cookies_their_own_list() {
        let event = http_event(
            "GET",
            "/files?folder=Entw%C3%BCrfe&limit=10",
            &[("cookie".into(), "a=1; b=2".into())],
            None,
            "GET /files",
        );
        assert_eq!(event["rawPath"], "/files");
        assert_eq!(event["queryStringParameters"]["folder"], "Entwürfe");
        assert_eq!(event["cookies"], json!(["a=1", "b=2"]));
        assert!(event.get("body").is_none());
    }
}

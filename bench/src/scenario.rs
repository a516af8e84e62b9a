//! The requests the harness sends, from bench/scenarios.json: a chain of steps (each on one
//! function, later steps using what earlier answers returned) and, per function, which step
//! is its cold start's request with no AWS call and which its typical one against moto.
//! A function the file does not name still gets measured: its first route without
//! credentials, and its first parameterless GET with the agency's key.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenarios {
    pub steps: Vec<Step>,
    /// Per binary: the requests of its cold starts, by step name (or an inline event for
    /// functions that are not behind API Gateway).
    #[serde(default)]
    pub cold: BTreeMap<String, ColdRequests>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColdRequests {
    pub no_aws: Option<Request>,
    pub aws: Option<Request>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, untagged)]
pub enum Request {
    Step(String),
    Event { event: Value, label: String },
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "snake_case")]
pub struct Step {
    pub name: String,
    /// The binary the request goes to (none for a `put_object` step).
    #[serde(default)]
    pub function: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub path: String,
    /// `key` (the agency's API key), `session` (the customer's session), or none.
    #[serde(default)]
    pub auth: Option<String>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    #[serde(default)]
    pub json: Option<Value>,
    #[serde(default)]
    pub form: Option<String>,
    /// A raw (non-HTTP) event for an event-driven function.
    #[serde(default)]
    pub event: Option<Value>,
    pub expect: Option<u16>,
    /// Variables to keep from the answer: name → JSON pointer into the body; a pointer
    /// ending in `#last` keeps the last path segment of the URL found there. `header:NAME`
    /// keeps a header instead, and `header:NAME#KEY` the parameter KEY of the URL fragment
    /// in it (a redirect that hands a token over in the fragment).
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
    /// Not a request to a function: an object the harness puts into the bucket on moto
    /// itself (not counted), so that a later event finds real bytes.
    #[serde(default)]
    pub put_object: Option<PutObject>,
    /// Sequential round trips the table design needs at least, and why.
    pub minimum: Option<Minimum>,
    /// Repeat the step this many times warm (ids that must be new use `{n}`).
    #[serde(default)]
    pub repeat: Option<u32>,
    /// Only set-up: not reported as a route.
    #[serde(default)]
    pub setup: bool,
    /// How often one customer causes this request in a month, for the agency's monthly cost.
    #[serde(default)]
    pub per_customer_month: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PutObject {
    pub key: String,
    pub content_type: String,
    /// The object's first bytes, repeated up to `size` bytes.
    pub start: String,
    pub size: usize,
}

impl PutObject {
    /// The object's bytes: `start`, then spaces up to `size`.
    pub fn bytes(&self) -> Vec<u8> {
        let mut bytes = self.start.as_bytes().to_vec();
        bytes.resize(self.size.max(bytes.len()), b' ');
        bytes
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Minimum {
    pub round_trips: usize,
    pub why: String,
}

/// `{name}` replaced by the variable's value, everywhere in `text`.
pub fn fill(text: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = text.to_owned();
    for (name, value) in vars {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

pub fn fill_value(value: &Value, vars: &BTreeMap<String, String>) -> Value {
    match value {
        Value::String(s) => Value::String(fill(s, vars)),
        Value::Array(items) => Value::Array(items.iter().map(|v| fill_value(v, vars)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), fill_value(v, vars)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// The value `pointer` names in `answer` (see [`Step::capture`]).
pub fn capture(answer: &Value, pointer: &str) -> Option<String> {
    let (pointer, last) = match pointer.strip_suffix("#last") {
        Some(p) => (p, true),
        None => (pointer, false),
    };
    let found = answer.pointer(pointer)?;
    let text = match found {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if last {
        let path = text.split(['?', '#']).next().unwrap_or(&text);
        Some(path.rsplit('/').next()?.to_owned())
    } else {
        Some(text)
    }
}

/// A `header:NAME` or `header:NAME#KEY` capture from the answer's `headers` (see
/// [`Step::capture`]); `None` for a body pointer.
pub fn capture_header(headers: &Value, spec: &str) -> Option<Option<String>> {
    let spec = spec.strip_prefix("header:")?;
    let (name, key) = match spec.split_once('#') {
        Some((name, key)) => (name, Some(key)),
        None => (spec, None),
    };
    let value = headers
        .as_object()
        .and_then(|h| h.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)))
        .and_then(|(_, v)| v.as_str());
    Some(value.and_then(|value| {
        match key {
            None => Some(value.to_owned()),
            Some(key) => value
                .split_once('#')?
                .1
                .split('&')
                .find_map(|pair| pair.strip_prefix(key)?.strip_prefix('='))
                .map(str::to_owned),
        }
    }))
}

/// The route template (`GET /customers/{customerId}`) a concrete step path belongs to, from
/// the function's routes; API Gateway puts it in `routeKey`.
pub fn route_key(method: &str, path: &str, routes: &[(String, String)]) -> String {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    routes
        .iter()
        .find(|(m, template)| {
            let parts: Vec<&str> = template.split('/').collect();
            m == method
                && parts.len() == segments.len()
                && parts
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}')))
        })
        .map(|(m, t)| format!("{m} {t}"))
        .unwrap_or_else(|| format!("{method} {path}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn captures_follow_pointers_and_can_keep_a_links_last_segment() {
        let answer = json!({"id": "C1", "invitationLink": "https://p.example/invite/TOK?x=1"});
        assert_eq!(capture(&answer, "/id").as_deref(), Some("C1"));
        assert_eq!(
            capture(&answer, "/invitationLink#last").as_deref(),
            Some("TOK")
        );
        assert_eq!(capture(&answer, "/missing"), None);
    }

    #[test]
    fn header_captures_keep_a_header_or_a_parameter_of_its_fragment() {
        let headers = json!({"location": "https://draft.example/#portal-feedback=TOK&portal-feedback-item=I"});
        assert_eq!(
            capture_header(&headers, "header:Location#portal-feedback"),
            Some(Some("TOK".to_owned()))
        );
        assert_eq!(
            capture_header(&headers, "header:location#portal-feedback-item"),
            Some(Some("I".to_owned()))
        );
        assert_eq!(
            capture_header(&headers, "header:location"),
            Some(Some(
                "https://draft.example/#portal-feedback=TOK&portal-feedback-item=I".to_owned()
            ))
        );
        assert_eq!(capture_header(&headers, "header:etag"), Some(None));
        assert_eq!(capture_header(&headers, "/id"), None);
    }

    #[test]
    fn a_put_object_is_its_start_padded_to_its_size() {
        let object = PutObject {
            key: "k".into(),
            content_type: "application/pdf".into(),
            start: "%PDF-1.7".into(),
            size: 12,
        };
        assert_eq!(object.bytes(), b"%PDF-1.7    ");
    }

    #[test]
    fn a_concrete_path_finds_its_route_template() {
        let routes = vec![
            ("GET".to_owned(), "/customers".to_owned()),
            ("GET".to_owned(), "/customers/{customerId}".to_owned()),
        ];
        assert_eq!(
            route_key("GET", "/customers/01X?y=1", &routes),
            "GET /customers/{customerId}"
        );
        assert_eq!(route_key("POST", "/other", &routes), "POST /other");
    }

    #[test]
    fn the_projects_scenarios_parse() {
        let file = include_str!("../scenarios.json");
        let scenarios: Scenarios = serde_json::from_str(file).unwrap();
        assert!(!scenarios.steps.is_empty());
    }
}

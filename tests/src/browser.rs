//! A browser-like HTTP client for the end-to-end journeys: keeps the session cookie by hand,
//! never follows redirects, and reads links and CSRF tokens out of pages and messages.

use reqwest::{Client, Method, StatusCode, redirect::Policy};
use serde_json::Value;

/// A browser-like client: keeps the session cookie by hand, never follows redirects.
pub struct Browser {
    http: Client,
    base: String,
    pub cookie: Option<String>,
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or(Value::Null)
    }
}

impl Browser {
    pub fn new(base: &str) -> Self {
        Self {
            http: Client::builder().redirect(Policy::none()).build().unwrap(),
            base: base.into(),
            cookie: None,
        }
    }

    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        body: Option<Body<'_>>,
        extra: &[(&str, &str)],
    ) -> Answer {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header("accept-language", "sv");
        if let Some(cookie) = &self.cookie {
            request = request.header("cookie", cookie);
        }
        for (name, value) in extra {
            request = request.header(*name, *value);
        }
        request = match body {
            Some(Body::Form(pairs)) => request.form(pairs),
            Some(Body::Json(value)) => request.json(&value),
            None => request,
        };
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        if let Some(set) = headers.get("set-cookie").and_then(|v| v.to_str().ok()) {
            let pair = set.split(';').next().unwrap().to_owned();
            self.cookie = if pair.ends_with('=') {
                None
            } else {
                Some(pair)
            };
        }
        Answer {
            status,
            headers,
            text: response.text().await.unwrap(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Answer {
        self.send(Method::GET, path, None, &[("accept", "text/html")])
            .await
    }

    pub async fn post_form(&mut self, path: &str, pairs: &[(&str, &str)]) -> Answer {
        self.send(Method::POST, path, Some(Body::Form(pairs)), &[])
            .await
    }
}

pub enum Body<'a> {
    Form(&'a [(&'a str, &'a str)]),
    Json(Value),
}

/// The 43-character token after `marker` (e.g. `/invite/`) in a message or page.
pub fn link_in(text: &str, marker: &str) -> String {
    let text = text.replace("&#x2f;", "/");
    let start = text
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {text}"))
        + marker.len();
    text[start..start + 43].to_owned()
}

/// The value of the first `csrf` form field in a page.
pub fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"csrf\"").expect("a csrf field");
    let value_at = html[at..].find("value=\"").unwrap() + at + 7;
    html[value_at..value_at + html[value_at..].find('"').unwrap()].to_owned()
}

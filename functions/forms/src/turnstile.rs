//! Cloudflare Turnstile: asking whether a person sent an entry. A port, so tests and the
//! local runner can point it at a stub; the adapter posts to the configured verification URL.

use std::{sync::OnceLock, time::Duration};

use async_trait::async_trait;
use bytes::Bytes;
use http::{Request, header::CONTENT_TYPE};
use http_body_util::{BodyExt, Full, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::TokioExecutor,
};
use portal::domain::TurnstileSecret;
use serde::Deserialize;

/// Cloudflare's verification endpoint.
pub const SITEVERIFY_URL: &str = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

/// What Turnstile said of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Human,
    /// The token is missing, wrong, expired or used: a bot, or a page left open too long.
    Rejected,
    /// Turnstile could not be asked (network, timeout, a 5xx): nobody vouched either way.
    Unreachable,
}

#[async_trait]
pub trait HumanCheck: Send + Sync {
    async fn verify(
        &self,
        secret: &TurnstileSecret,
        token: &str,
        remote_ip: Option<&str>,
    ) -> Verdict;
}

/// The real check, over HTTPS (or whatever URL it is given).
///
/// hyper's HTTP/1 client and rustls on ring, which the SDK's HTTP client already links, rather
/// than a second HTTP stack (reqwest brought its own TLS on aws-lc, about 1 MB of this
/// function's binary; issue 14). Cloudflare is not AWS, so the SDK's compiled-in Amazon roots
/// would not verify it: this client trusts the system's roots, as reqwest did.
pub struct Turnstile {
    /// Built by the first check: building it reads the system's trust roots, which most
    /// requests, never asking Turnstile, should not wait for.
    client: OnceLock<Option<Client<HttpsConnector<HttpConnector>, Full<Bytes>>>>,
    url: String,
}

/// The visitor waits on it: an outage must cost seconds, not a Lambda timeout.
const TIMEOUT: Duration = Duration::from_secs(3);

/// Turnstile answers a few hundred bytes; anything much longer is not Turnstile.
const ANSWER_LIMIT: usize = 64 * 1024;

impl Turnstile {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            client: OnceLock::new(),
            url: url.into(),
        }
    }

    fn client(&self) -> Option<&Client<HttpsConnector<HttpConnector>, Full<Bytes>>> {
        self.client
            .get_or_init(|| {
                let connector = HttpsConnectorBuilder::new()
                    .with_provider_and_native_roots(rustls::crypto::ring::default_provider())
                    .map_err(|e| tracing::error!(error = %e, "no trust roots for Turnstile"))
                    .ok()?
                    // http only for a local stand-in (tests, portal-local); the default is https.
                    .https_or_http()
                    .enable_http1()
                    .build();
                Some(Client::builder(TokioExecutor::new()).build(connector))
            })
            .as_ref()
    }

    /// Turnstile's answer, or why there is none (logged by the caller).
    async fn ask(&self, form: &[(&str, &str)]) -> Result<Answer, String> {
        let client = self.client().ok_or("no HTTPS client")?;
        let body = serde_urlencoded::to_string(form).map_err(|e| e.to_string())?;
        let request = Request::post(self.url.as_str())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| format!("bad verification URL: {e}"))?;
        let response = client.request(request).await.map_err(|e| e.to_string())?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("Turnstile answered {}", status.as_u16()));
        }
        let body = Limited::new(response.into_body(), ANSWER_LIMIT)
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        serde_json::from_slice(&body).map_err(|e| format!("unreadable answer: {e}"))
    }
}

#[derive(Deserialize)]
struct Answer {
    success: bool,
}

#[async_trait]
impl HumanCheck for Turnstile {
    #[tracing::instrument(name = "turnstile_verify", skip_all)]
    async fn verify(
        &self,
        secret: &TurnstileSecret,
        token: &str,
        remote_ip: Option<&str>,
    ) -> Verdict {
        let mut form = vec![("secret", secret.expose()), ("response", token)];
        if let Some(ip) = remote_ip {
            form.push(("remoteip", ip));
        }
        match tokio::time::timeout(TIMEOUT, self.ask(&form)).await {
            Ok(Ok(Answer { success: true })) => Verdict::Human,
            Ok(Ok(Answer { success: false })) => Verdict::Rejected,
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "Turnstile could not be asked");
                Verdict::Unreachable
            }
            Err(_) => {
                tracing::warn!("Turnstile did not answer in time");
                Verdict::Unreachable
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use axum::{Router, routing::post};

    use super::*;

    /// A stand-in for siteverify that answers every check with `answer` after `delay`.
    async fn stub(delay: Duration, answer: String) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = Router::new().route(
            "/siteverify",
            post(move || async move {
                tokio::time::sleep(delay).await;
                ([(CONTENT_TYPE, "application/json")], answer)
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{address}/siteverify")
    }

    async fn verdict(url: &str) -> Verdict {
        let secret = TurnstileSecret::parse("0x4AAA-test-secret").unwrap();
        Turnstile::new(url).verify(&secret, "token", None).await
    }

    #[tokio::test]
    async fn an_answer_is_read_as_a_verdict() {
        let yes = stub(Duration::ZERO, r#"{"success": true}"#.into()).await;
        assert_eq!(verdict(&yes).await, Verdict::Human);
        let no = stub(Duration::ZERO, r#"{"success": false}"#.into()).await;
        assert_eq!(verdict(&no).await, Verdict::Rejected);
        let odd = stub(Duration::ZERO, "<html>".into()).await;
        assert_eq!(verdict(&odd).await, Verdict::Unreachable);
    }

    #[tokio::test]
    async fn a_turnstile_that_never_answers_costs_the_visitor_three_seconds() {
        let slow = stub(Duration::from_secs(60), r#"{"success": true}"#.into()).await;
        let started = Instant::now();
        assert_eq!(verdict(&slow).await, Verdict::Unreachable);
        let waited = started.elapsed();
        assert!(waited >= TIMEOUT && waited < TIMEOUT * 2, "{waited:?}");
    }

    #[tokio::test]
    async fn a_huge_answer_is_not_read_to_its_end() {
        let padding = "x".repeat(ANSWER_LIMIT);
        let huge = stub(
            Duration::ZERO,
            format!(r#"{{"success": true, "padding": "{padding}"}}"#),
        )
        .await;
        assert_eq!(verdict(&huge).await, Verdict::Unreachable);
    }

    #[tokio::test]
    async fn a_url_that_is_not_one_is_unreachable_not_a_panic() {
        assert_eq!(verdict("not a url").await, Verdict::Unreachable);
        assert_eq!(verdict("").await, Verdict::Unreachable);
    }
}

//! Cloudflare Turnstile: asking whether a person sent an entry. A port, so tests and the
//! local runner can point it at a stub; the adapter posts to the configured verification URL.

use std::{sync::OnceLock, time::Duration};

use async_trait::async_trait;
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
pub struct Turnstile {
    /// Built by the first check: building it sets up TLS (the crypto provider, the system's
    /// trust roots), which every cold start of the forms function paid before, though most
    /// requests never ask Turnstile.
    client: OnceLock<reqwest::Client>,
    url: String,
}

impl Turnstile {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            client: OnceLock::new(),
            url: url.into(),
        }
    }

    fn client(&self) -> &reqwest::Client {
        self.client.get_or_init(|| {
            reqwest::Client::builder()
                // The visitor waits on it: an outage must cost seconds, not a Lambda timeout.
                .timeout(Duration::from_secs(3))
                .build()
                .unwrap_or_else(|e| {
                    tracing::error!(error = %e, "the Turnstile client has no timeout");
                    reqwest::Client::new()
                })
        })
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
        let response = match self.client().post(&self.url).form(&form).send().await {
            Ok(response) => response,
            Err(e) => {
                tracing::warn!(error = %e, "Turnstile could not be reached");
                return Verdict::Unreachable;
            }
        };
        if !response.status().is_success() {
            tracing::warn!(
                status = response.status().as_u16(),
                "Turnstile answered an error"
            );
            return Verdict::Unreachable;
        }
        match response.json::<Answer>().await {
            Ok(Answer { success: true }) => Verdict::Human,
            Ok(Answer { success: false }) => Verdict::Rejected,
            Err(e) => {
                tracing::warn!(error = %e, "Turnstile's answer could not be read");
                Verdict::Unreachable
            }
        }
    }
}

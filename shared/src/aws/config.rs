//! Configuration read once per cold start: the SDK's (one loader for the functions,
//! `portal-local` and `portal-admin` alike) and the settings a function needs from its
//! environment, as types with errors that name the variable.

use aws_config::{BehaviorVersion, ConfigLoader, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_smithy_http_client::{
    Builder,
    tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode},
};
use thiserror::Error;

/// The variable a deployed function reads its DynamoDB table from (template.yaml sets it).
pub const TABLE_NAME: &str = "TABLE_NAME";

/// A setting is missing from the environment or unusable: the function does not start.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{name} is not set: {what}")]
    Missing {
        name: &'static str,
        what: &'static str,
    },
    #[error("{name} is not valid: {reason}")]
    Invalid {
        name: &'static str,
        reason: &'static str,
    },
}

/// The value of the environment variable `name`, which describes `what` it configures.
pub fn required(name: &'static str, what: &'static str) -> Result<String, ConfigError> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(value),
        Ok(_) => Err(ConfigError::Missing { name, what }),
        Err(std::env::VarError::NotPresent) => Err(ConfigError::Missing { name, what }),
        Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::Invalid {
            name,
            reason: "it is not valid Unicode",
        }),
    }
}

/// The DynamoDB table that holds every aggregate: 3 to 255 letters, digits, `_`, `-` or `.`,
/// as DynamoDB names tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableName(String);

impl TableName {
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.');
        if !(3..=255).contains(&raw.len()) {
            return Err("a DynamoDB table name has 3 to 255 characters");
        }
        if !raw.chars().all(allowed) {
            return Err("a DynamoDB table name has only letters, digits, '_', '-' and '.'");
        }
        Ok(Self(raw.to_owned()))
    }

    /// The table from [`TABLE_NAME`].
    pub fn from_env() -> Result<Self, ConfigError> {
        let raw = required(TABLE_NAME, "the DynamoDB table of the portal")?;
        Self::parse(&raw).map_err(|reason| ConfigError::Invalid {
            name: TABLE_NAME,
            reason,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for TableName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The shared SDK configuration, loaded once per cold start; every client is built from it.
///
/// `endpoint` (or the SDK's own `AWS_ENDPOINT_URL`) points every client at another endpoint,
/// such as moto's server. With an explicit endpoint a region and placeholder credentials are
/// filled in when the environment has none, since such endpoints ignore them; without one
/// (a deployed function) the SDK's defaults apply unchanged.
pub async fn load(endpoint: Option<&str>) -> SdkConfig {
    let https_endpoint = endpoint
        .map(str::to_owned)
        .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
        .is_some_and(|e| e.starts_with("https://"));
    let roots = if https_endpoint {
        Roots::System
    } else {
        Roots::Amazon
    };
    let mut loader = https(aws_config::defaults(BehaviorVersion::latest()), roots);
    if let Some(endpoint) = endpoint {
        loader = loader.endpoint_url(endpoint);
        if std::env::var_os("AWS_REGION").is_none()
            && std::env::var_os("AWS_DEFAULT_REGION").is_none()
        {
            loader = loader.region(Region::new("us-east-1"));
        }
        if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
            loader = loader.credentials_provider(Credentials::new(
                "local",
                "local",
                None,
                None,
                "portal-local",
            ));
        }
    }
    loader.load().await
}

/// The certificate authorities AWS's endpoints chain to (Amazon Trust Services' four roots
/// and the Starfield root that cross-signs them), compiled in. Reading the system's store
/// instead (`rustls-native-certs`: the bundle, then every file of `/etc/ssl/certs`) cost
/// several milliseconds of every cold start, more under a small Lambda's CPU share, and
/// trusted far more authorities than an SDK client that only ever talks to AWS needs.
pub const AMAZON_TRUST_ROOTS: &str = include_str!("amazon-trust-roots.pem");

/// Whom the HTTPS client trusts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Roots {
    /// [`AMAZON_TRUST_ROOTS`]: AWS itself (a deployed function).
    Amazon,
    /// The system's store: an `https://` endpoint override (an emulator or proxy with a
    /// certificate of its own) is no AWS endpoint, so Amazon's roots would not do.
    System,
}

/// `loader` with the SDK's HTTPS client: rustls on ring (the SDK's default, aws-lc-rs, is
/// larger in every zip and slower to build), verifying servers against `roots`. The
/// certificates are parsed when the first connection is made, not here.
pub fn https(loader: ConfigLoader, roots: Roots) -> ConfigLoader {
    loader.http_client(
        Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .tls_context(tls_context(roots))
            .build_https(),
    )
}

/// What the SDK's HTTPS client verifies servers against.
fn tls_context(roots: Roots) -> TlsContext {
    let trust = match roots {
        Roots::Amazon => TrustStore::empty().with_pem_certificate(AMAZON_TRUST_ROOTS.as_bytes()),
        Roots::System => TrustStore::default(),
    };
    // `build` cannot fail today; were it to, the default is the system's store, which still
    // verifies every server.
    TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use rustls_pki_types::{CertificateDer, pem::PemObject};

    use super::*;

    #[test]
    fn table_names_are_dynamodb_names() {
        assert_eq!(
            TableName::parse("portal-local.v2_x").unwrap().as_str(),
            "portal-local.v2_x"
        );
        assert!(TableName::parse("ab").is_err());
        assert!(TableName::parse("portal table").is_err());
        assert!(TableName::parse(&"a".repeat(256)).is_err());
    }

    #[test]
    fn the_compiled_in_roots_are_amazons_five_certificates() {
        let certificates: Vec<_> =
            CertificateDer::pem_slice_iter(AMAZON_TRUST_ROOTS.as_bytes()).collect();
        assert_eq!(certificates.len(), 5);
        assert!(certificates.iter().all(Result::is_ok));
    }

    /// The client parses the roots when it first connects (a bad PEM would panic there):
    /// nothing listens on the port, so the call fails to connect, and that is all.
    #[cfg(feature = "dynamodb")]
    #[tokio::test]
    async fn a_client_on_amazons_roots_connects_over_https() {
        use aws_config::retry::RetryConfig;
        use aws_sdk_dynamodb::error::SdkError;

        let sdk = https(
            aws_config::defaults(BehaviorVersion::latest()),
            Roots::Amazon,
        )
        .endpoint_url("https://127.0.0.1:9")
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("a", "b", None, None, "test"))
        .retry_config(RetryConfig::disabled())
        .load()
        .await;
        let client = aws_sdk_dynamodb::Client::new(&sdk);

        let error = client.list_tables().send().await.unwrap_err();

        assert!(matches!(error, SdkError::DispatchFailure(_)), "{error:?}");
    }

    #[test]
    fn a_missing_variable_is_named() {
        let missing = required("PORTAL_TEST_SURELY_UNSET_VARIABLE", "a test setting");
        let message = missing.unwrap_err().to_string();
        assert!(
            message.contains("PORTAL_TEST_SURELY_UNSET_VARIABLE"),
            "{message}"
        );
    }
}
